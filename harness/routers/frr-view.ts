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

interface FrrTablePath {
  origin?: string;
  path?: string;
  locPrf?: number;
  nexthops?: { ip?: string; scope?: string }[];
}

/**
 * The whole table in one query per family (`show bgp AFI unicast json`): next hop, origin, AS path and
 * LOCAL_PREF of every path, but no communities (FRR 8.4's table view has none and its `json detail` is
 * not there yet). For tables of thousands of routes, where one detail query per prefix takes minutes;
 * check communities on a sample with the per-prefix view.
 */
export async function frrTableView(
  router: JsonQuery,
): Promise<Record<string, Omit<PathView, 'communities' | 'largeCommunities'>[]>> {
  const view: Record<string, Omit<PathView, 'communities' | 'largeCommunities'>[]> = {};
  for (const family of ['ipv4', 'ipv6'] as const) {
    const table = await router.json<{ routes?: Record<string, FrrTablePath[]> }>(
      `show bgp ${family} unicast json`,
    );
    for (const [prefix, paths] of Object.entries(table.routes ?? {})) {
      view[prefix] = paths
        .map((p) => ({
          nextHop: (p.nexthops?.find((n) => n.scope !== 'link-local') ?? p.nexthops?.[0])?.ip ?? '(none)',
          origin: p.origin ?? '(none)',
          asPath: p.path ?? '',
          localPref: p.locPrf ?? null,
        }))
        .sort((a, b) => a.nextHop.localeCompare(b.nextHop));
    }
  }
  return view;
}

/** One prefix's paths with every attribute (one detail query). */
export async function frrPrefixView(router: JsonQuery, prefix: string): Promise<PathView[]> {
  const family = prefix.includes(':') ? 'ipv6' : 'ipv4';
  const detail = await router.json<{ paths?: FrrPathDetail[] }>(`show bgp ${family} unicast ${prefix} json`);
  return sortPaths((detail.paths ?? []).map(toPathView));
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
