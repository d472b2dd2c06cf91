import { sortPaths, wellKnownCommunities, type PathView, type RibView } from './peer-router.ts';

/** FRR's view of received routes, normalised to the driver-neutral PathView. */
interface JsonQuery {
  json<T>(command: string): Promise<T>;
}

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
export async function frrRibView(router: JsonQuery): Promise<RibView> {
  const view: RibView = {};
  for (const family of ['ipv4', 'ipv6'] as const) {
    const table = await router.json<{ routes?: Record<string, unknown> }>(`show bgp ${family} unicast json`);
    for (const prefix of Object.keys(table.routes ?? {})) {
      const detail = await router.json<{ paths?: FrrPathDetail[] }>(
        `show bgp ${family} unicast ${prefix} json`,
      );
      view[prefix] = sortPaths((detail.paths ?? []).map(toPathView));
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
    asPath: p.aspath?.length === 0 || p.aspath?.segments?.length === 0 ? '' : (p.aspath?.string ?? ''),
    localPref: p.locPrf ?? null,
    communities: (p.community?.list ?? []).map((c) => wellKnownCommunities[c] ?? c).sort(),
    largeCommunities: [...(p.largeCommunity?.list ?? [])].sort(),
  };
}
