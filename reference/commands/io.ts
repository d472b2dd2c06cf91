import { parseArgs, type ParseArgsConfig } from 'node:util';

/** What a command writes to; the CLI passes process streams, tests pass buffers. */
export interface CommandIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Every command's argument handling: strict parsing with positionals and `-h/--help`. Returns the
 * parsed values, or the exit code when the command is already done: 2 after printing the parse error
 * and the usage, 0 after printing the usage for --help.
 */
export function parseCommandArgs<O extends Options>(
  args: string[],
  options: O,
  usage: string,
  io: CommandIO,
) {
  try {
    const parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if ((parsed.values as { help?: boolean }).help) {
      io.stdout.write(`${usage}\n`);
      return 0;
    }
    return parsed;
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
}
