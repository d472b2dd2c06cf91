import { isDeepStrictEqual } from 'node:util';
import { readFileSync } from 'node:fs';
import { run } from '../common/exec.ts';

/**
 * The root namespace as the suite must leave it: interfaces, addresses, routes (both families) and the
 * sysctls the harness sets inside namespaces. Taken before a run and compared after it; a difference
 * means the suite touched the machine it runs on.
 */
export interface RootSnapshot {
  links: string[];
  addresses: string[];
  routes4: string[];
  routes6: string[];
  sysctls: Record<string, string>;
}

const sysctls = [
  'net/ipv4/ip_forward',
  'net/ipv6/conf/all/forwarding',
  'net/ipv6/conf/all/accept_dad',
  'net/ipv6/conf/default/accept_dad',
];

export async function rootSnapshot(): Promise<RootSnapshot> {
  const links = JSON.parse((await run('ip', ['-j', 'link', 'show'])).stdout) as {
    ifname: string;
    flags?: string[];
    address?: string;
  }[];
  const addrs = JSON.parse((await run('ip', ['-j', 'addr', 'show'])).stdout) as {
    ifname: string;
    addr_info: { local: string; prefixlen: number }[];
  }[];
  const routes = async (family: '-4' | '-6'): Promise<string[]> =>
    (
      JSON.parse((await run('ip', [family, '-j', 'route', 'show', 'table', 'all'])).stdout) as Record<
        string,
        unknown
      >[]
    )
      .map((r) => `${r.dst} ${r.dev ?? ''} ${r.gateway ?? ''} ${r.table ?? ''}`)
      .sort();
  return {
    // Link state flags (UP/LOWER_UP) of real NICs can change on their own; presence and MAC cannot.
    links: links.map((l) => `${l.ifname} ${l.address ?? ''}`).sort(),
    addresses: addrs.flatMap((a) => a.addr_info.map((i) => `${a.ifname} ${i.local}/${i.prefixlen}`)).sort(),
    routes4: await routes('-4'),
    routes6: await routes('-6'),
    sysctls: Object.fromEntries(sysctls.map((k) => [k, readFileSync(`/proc/sys/${k}`, 'utf8').trim()])),
  };
}

/** Human-readable differences (empty = unchanged). */
export function diffSnapshots(before: RootSnapshot, after: RootSnapshot): string[] {
  const out: string[] = [];
  for (const key of ['links', 'addresses', 'routes4', 'routes6'] as const) {
    const added = after[key].filter((x) => !before[key].includes(x));
    const removed = before[key].filter((x) => !after[key].includes(x));
    if (added.length) out.push(`${key} added: ${added.join('; ')}`);
    if (removed.length) out.push(`${key} removed: ${removed.join('; ')}`);
  }
  if (!isDeepStrictEqual(before.sysctls, after.sysctls))
    out.push(`sysctls changed: ${JSON.stringify(before.sysctls)} -> ${JSON.stringify(after.sysctls)}`);
  return out;
}
