/**
 * `lbconform validate [--namespace NS] [--json] PATH...`: exit 0 when the manifests are valid, 1 when
 * not (errors printed), 2 on a usage error.
 */
import { DEFAULT_NAMESPACE, loadManifests } from '../config/load.ts';
import { formatError } from '../config/errors.ts';
import { parseCommandArgs, type CommandIO } from './io.ts';

export const VALIDATE_USAGE = 'usage: lbconform validate [--namespace NS] [--json] PATH...';

export async function runValidate(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    { namespace: { type: 'string', short: 'n' }, json: { type: 'boolean' } },
    VALIDATE_USAGE,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  if (parsed.positionals.length === 0 || parsed.values.namespace === '') {
    io.stderr.write(
      `${parsed.positionals.length === 0 ? 'no manifest path given' : '--namespace must not be empty'}\n${VALIDATE_USAGE}\n`,
    );
    return 2;
  }
  const { errors, config } = await loadManifests(parsed.positionals, {
    namespace: parsed.values.namespace ?? DEFAULT_NAMESPACE,
  });
  if (parsed.values.json) {
    io.stdout.write(
      JSON.stringify({
        errors: errors.map(({ code, file, line, kind, name, field, message }) => ({
          code,
          file,
          line,
          kind,
          name,
          field,
          message,
        })),
        // accepted with a note (deprecated or unimplemented fields, names not defined yet)
        warnings: (config?.warnings ?? []).map(({ code, file, line, kind, name, field, message }) => ({
          code,
          file,
          line,
          kind,
          name,
          field,
          message,
        })),
      }) + '\n',
    );
  } else if (errors.length === 0) {
    for (const w of config?.warnings ?? []) io.stderr.write(`warning: ${formatError(w)}\n`);
    io.stdout.write('valid\n');
  } else {
    for (const e of errors) io.stderr.write(formatError(e) + '\n');
    io.stderr.write(`${errors.length} error${errors.length === 1 ? '' : 's'}\n`);
  }
  return errors.length === 0 ? 0 : 1;
}
