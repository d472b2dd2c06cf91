/**
 * `lbconform explain [--namespace NS] [--node N] [--peer P] [--alive A,B] [--json] NAMESPACE/SERVICE PATH...`
 * and `lbconform status [--namespace NS] [--alive A,B] PATH...`: why a Service is (not) announced, and
 * what MetalLB's ServiceBGPStatus / ServiceL2Status would say, both from the plan (reference/plan/explain.ts).
 */
import { allocate } from '../allocate/allocate.ts';
import { DEFAULT_NAMESPACE, loadManifests } from '../config/load.ts';
import { formatError } from '../config/errors.ts';
import { explainService, serviceStatuses, type Reason } from '../plan/explain.ts';
import { parseCommandArgs, type CommandIO } from './io.ts';

export const EXPLAIN_USAGE =
  'usage: lbconform explain [--namespace NS] [--node N] [--peer P] [--alive A,B] [--json] NAMESPACE/SERVICE PATH...';
export const STATUS_USAGE = 'usage: lbconform status [--namespace NS] [--alive A,B] PATH...';

const list = (s: string | undefined): string[] | undefined =>
  s === undefined
    ? undefined
    : s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);

async function load(paths: string[], namespace: string | undefined, io: CommandIO) {
  const { config, errors } = await loadManifests(paths, { namespace: namespace ?? DEFAULT_NAMESPACE });
  if (!config) {
    for (const e of errors) io.stderr.write(formatError(e) + '\n');
    io.stderr.write(`${errors.length} error${errors.length === 1 ? '' : 's'}; nothing to explain\n`);
    return undefined;
  }
  const { allocations, errors: serviceErrors } = allocate(config);
  return { config, allocations, serviceErrors };
}

const describe = (r: Reason): string =>
  `${r.code}${r.resource ? ` (${r.resource}${r.field ? ` ${r.field}` : ''})` : ''}: ${r.message}`;

export async function runExplain(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    {
      namespace: { type: 'string', short: 'n' },
      node: { type: 'string' },
      peer: { type: 'string' },
      alive: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    EXPLAIN_USAGE,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const [service, ...paths] = parsed.positionals;
  if (!service?.includes('/') || paths.length === 0) {
    io.stderr.write(`give NAMESPACE/SERVICE and at least one manifest path\n${EXPLAIN_USAGE}\n`);
    return 2;
  }
  const input = await load(paths, parsed.values.namespace, io);
  if (!input) return 1;
  const alive = list(parsed.values.alive);
  const e = explainService(input, service, {
    ...(parsed.values.node ? { node: parsed.values.node } : {}),
    ...(parsed.values.peer ? { peer: parsed.values.peer } : {}),
    ...(alive ? { alive } : {}),
  });
  if (parsed.values.json) {
    io.stdout.write(JSON.stringify(e, null, 2) + '\n');
    return 0;
  }
  const lines = [
    `${e.service}${e.ips.length ? ` ${e.ips.join(', ')}` : ''}${e.pool ? ` (pool ${e.pool})` : ''}`,
  ];
  if (e.reason) lines.push(`  not announced anywhere: ${describe(e.reason)}`);
  for (const r of e.bgp)
    lines.push(
      `  ${r.node} -> ${r.peer}: ${r.announced ? `announced ${r.prefixes.join(', ')}` : `not announced: ${describe(r.reason!)}`}`,
    );
  for (const r of e.l2)
    lines.push(`  ${r.node} L2: ${r.announced ? 'announced' : `not announced: ${describe(r.reason!)}`}`);
  io.stdout.write(lines.join('\n') + '\n');
  return 0;
}

export async function runStatus(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    { namespace: { type: 'string', short: 'n' }, alive: { type: 'string' } },
    STATUS_USAGE,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  if (parsed.positionals.length === 0) {
    io.stderr.write(`no manifest path given\n${STATUS_USAGE}\n`);
    return 2;
  }
  const input = await load(parsed.positionals, parsed.values.namespace, io);
  if (!input) return 1;
  const alive = list(parsed.values.alive);
  const s = serviceStatuses(input, alive ? { alive } : {});
  const items = [
    ...s.bgp.map((status) => ({ apiVersion: 'metallb.io/v1beta1', kind: 'ServiceBGPStatus', status })),
    ...s.l2.map((status) => ({ apiVersion: 'metallb.io/v1beta1', kind: 'ServiceL2Status', status })),
  ];
  io.stdout.write(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2) + '\n');
  return 0;
}
