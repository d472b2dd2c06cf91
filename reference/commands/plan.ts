/**
 * `lbconform plan [--namespace NS] [--alive NodeA,NodeB] PATH...`: prints the plan as JSON (exit 0),
 * or the validation errors (exit 1); 2 on a usage error. Same code path as the speaker.
 */
import { allocate } from '../allocate/allocate.ts';
import { DEFAULT_NAMESPACE, loadManifests } from '../config/load.ts';
import { formatError } from '../config/errors.ts';
import { computePlan } from '../plan/plan.ts';
import { parseCommandArgs, type CommandIO } from './io.ts';

export const PLAN_USAGE =
  'usage: lbconform plan [--namespace NS] [--alive NodeA,NodeB] [--lb-class CLASS] [--ignore-exclude-lb] PATH...';

export async function runPlan(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    {
      namespace: { type: 'string', short: 'n' },
      alive: { type: 'string' },
      'lb-class': { type: 'string' },
      'ignore-exclude-lb': { type: 'boolean' },
    },
    PLAN_USAGE,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  if (parsed.positionals.length === 0 || parsed.values.namespace === '') {
    io.stderr.write(
      `${parsed.positionals.length === 0 ? 'no manifest path given' : '--namespace must not be empty'}\n${PLAN_USAGE}\n`,
    );
    return 2;
  }
  const { config, errors } = await loadManifests(parsed.positionals, {
    namespace: parsed.values.namespace ?? DEFAULT_NAMESPACE,
    ...(parsed.values['lb-class'] ? { loadBalancerClass: parsed.values['lb-class'] } : {}),
    ...(parsed.values['ignore-exclude-lb'] ? { ignoreExcludeLB: true } : {}),
  });
  if (!config) {
    for (const e of errors) io.stderr.write(formatError(e) + '\n');
    io.stderr.write(`${errors.length} error${errors.length === 1 ? '' : 's'}; no plan\n`);
    return 1;
  }
  // `--alive ""` means no node is alive; absent means every Node is.
  const alive =
    parsed.values.alive === undefined
      ? undefined
      : parsed.values.alive
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
  const { allocations, errors: serviceErrors } = allocate(config);
  const plan = computePlan(config, allocations, { ...(alive ? { alive } : {}), serviceErrors });
  io.stdout.write(JSON.stringify(plan, null, 2) + '\n');
  return 0;
}
