import type { FrrRouter } from '../../harness/routers/frr.ts';

/** One received path, reduced to what the conformance rules talk about. */
export interface PathView {
  nextHop: string;
  origin: string;
  asPath: string;
  localPref: number | null;
  communities: string[];
  largeCommunities: string[];
}

export type RibView = Record<string, PathView[]>;

/** FRR prints well-known communities by name; the rules (and the plan) use numbers. */
const wellKnown: Record<string, string> = {
  gracefulShutdown: '65535:0',
  acceptOwn: '65535:1',
  blackhole: '65535:666',
  noExport: '65535:65281',
  noAdvertise: '65535:65282',
  localAs: '65535:65283',
  noPeer: '65535:65284',
};

interface FrrPathDetail {
  origin?: string;
  aspath?: { string?: string; length?: number; segments?: unknown[] };
  locPrf?: number;
  community?: { list?: string[] };
  largeCommunity?: { list?: string[] };
  nexthops?: { ip?: string; scope?: string }[];
}

/**
 * Reads every route the router holds, both families, with one detail query per prefix (the table
 * view has no communities). Paths sorted by next hop so two views compare with deep equality.
 */
export async function ribView(router: FrrRouter): Promise<RibView> {
  const view: RibView = {};
  for (const family of ['ipv4', 'ipv6'] as const) {
    const table = await router.json<{ routes?: Record<string, unknown> }>(`show bgp ${family} unicast json`);
    for (const prefix of Object.keys(table.routes ?? {})) {
      const detail = await router.json<{ paths?: FrrPathDetail[] }>(`show bgp ${family} unicast ${prefix} json`);
      view[prefix] = (detail.paths ?? []).map(toPathView).sort((a, b) => a.nextHop.localeCompare(b.nextHop));
    }
  }
  return view;
}

function toPathView(p: FrrPathDetail): PathView {
  const global = p.nexthops?.find((n) => n.scope !== 'link-local') ?? p.nexthops?.[0];
  return {
    nextHop: global?.ip ?? '(none)',
    origin: p.origin ?? '(none)',
    // FRR prints an empty AS_PATH as "Local"; the length says it is empty.
    asPath: p.aspath?.length === 0 || p.aspath?.segments?.length === 0 ? '' : p.aspath?.string ?? '',
    localPref: p.locPrf ?? null,
    communities: (p.community?.list ?? []).map((c) => wellKnown[c] ?? c).sort(),
    largeCommunities: [...(p.largeCommunity?.list ?? [])].sort(),
  };
}
