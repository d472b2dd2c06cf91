/**
 * Plan rows + BGPPeers for one node -> what its FRR must hold: one router, one neighbour per peer and,
 * per neighbour, the outbound policy as classes of prefixes sharing the same attributes. Pure.
 */
import { CodedError } from '../../common/errors.ts';
import type { AnnouncedRoute, ResolvedBfd, ResolvedPeer } from '../../reference/plan/types.ts';
import { formatCidr } from '../../reference/model/ip.ts';

/** Prefixes of one family pair that leave with the same attributes. */
export interface PolicyClass {
  communities: string[];
  largeCommunities: string[];
  /** Only where it goes on the wire (iBGP); FRR's own default (100) would be wrong otherwise. */
  localPref?: number;
  v4: string[];
  v6: string[];
}

export interface NeighborModel {
  /** BGPPeer name (names the policy objects). */
  peer: string;
  address: string;
  remoteAsn: number;
  /** The BGPPeer's myASN; differs from the router's ASN only when peers disagree (then `local-as`). */
  localAsn: number;
  port: number;
  holdTime: number;
  keepaliveTime: number;
  password?: string;
  sourceAddress?: string;
  ebgpMultihop: boolean;
  /** BGPPeer enableGracefulRestart (MetalLB: `neighbor X graceful-restart`). */
  gracefulRestart?: boolean;
  /** BGPPeer bfdProfile, resolved (MetalLB: `neighbor X bfd profile P`). */
  bfd?: ResolvedBfd;
  /** Address families the neighbour is activated in (MetalLB's `activateNeighborFor`). */
  families: ('ipv4' | 'ipv6')[];
  /** BGPPeer connectTime (seconds), else the speaker's --connect-retry. */
  connectTime?: number;
  /** Sorted by class key; empty = nothing may leave. */
  policy: PolicyClass[];
}

export interface FrrModel {
  hostname: string;
  /** Absent when the node has no peer: then no `router bgp` at all. */
  router?: { asn: number; routerId: string };
  neighbors: NeighborModel[];
  /** Every prefix any neighbour may receive (`network` statements), canonical, sorted per family. */
  networks: { v4: string[]; v6: string[] };
  warnings: string[];
}

export interface LocalFacts {
  /** The IPv4 address of the interface that reaches `peerAddress` (or holds `sourceAddress`). */
  ipv4For(peerAddress: string, sourceAddress?: string): string | undefined;
}

/**
 * `previousRouterId`: the identifier in use, kept when the interface it came from cannot be read now
 * (a link that is down): an interface flap must not change the router id, nor stop a reload.
 */
export function buildModel(
  node: string,
  peers: readonly ResolvedPeer[],
  routes: ReadonlyMap<string, readonly AnnouncedRoute[]>,
  local: LocalFacts,
  previousRouterId?: string,
): FrrModel {
  const warnings: string[] = [];
  const neighbors: NeighborModel[] = [];
  const byAddress = new Map<string, string>();
  for (const p of peers) {
    // FRR keys a neighbour by address: a second BGPPeer to the same address on this node cannot be
    // a second session (the reference would open two; FRR cannot).
    const taken = byAddress.get(p.peerAddress);
    if (taken !== undefined) {
      warnings.push(
        `BGPPeer ${p.name}: address ${p.peerAddress} is already peer ${taken} on ${node}; ignored (FRR has one neighbour per address)`,
      );
      continue;
    }
    byAddress.set(p.peerAddress, p.name);
    neighbors.push({
      peer: p.name,
      address: p.peerAddress,
      remoteAsn: p.peerAsn,
      localAsn: p.myAsn,
      port: p.peerPort,
      holdTime: p.holdTime,
      keepaliveTime: p.keepaliveTime,
      ...(p.password !== undefined ? { password: p.password } : {}),
      ...(p.sourceAddress !== undefined ? { sourceAddress: p.sourceAddress } : {}),
      ebgpMultihop: p.ebgpMultiHop === true,
      ...(p.gracefulRestart ? { gracefulRestart: true } : {}),
      ...(p.bfd ? { bfd: p.bfd } : {}),
      families: [...p.families],
      ...(p.connectTime !== undefined ? { connectTime: p.connectTime } : {}),
      policy: classify(routes.get(p.name) ?? []),
    });
  }
  const v4 = new Set<string>();
  const v6 = new Set<string>();
  for (const n of neighbors)
    for (const c of n.policy) {
      for (const x of c.v4) v4.add(x);
      for (const x of c.v6) v6.add(x);
    }
  const model: FrrModel = {
    hostname: node,
    neighbors,
    networks: { v4: sortPrefixes([...v4]), v6: sortPrefixes([...v6]) },
    warnings,
  };
  const first = neighbors[0];
  if (first) {
    // One bgpd instance has one AS and one identifier: the first peer's (by name) win, as the plan sorts them.
    const withId = peers.find((p) => p.routerId !== undefined && byAddress.get(p.peerAddress) === p.name);
    const routerId =
      withId?.routerId ?? local.ipv4For(first.address, first.sourceAddress) ?? previousRouterId;
    if (!routerId) {
      throw new CodedError(
        'FRR_NO_ROUTER_ID',
        `node ${node}: no IPv4 address on the interface reaching ${first.address} to use as router id; set routerID on the BGPPeer`,
      );
    }
    const ids = new Set(peers.map((p) => p.routerId).filter((x) => x !== undefined));
    if (ids.size > 1)
      warnings.push(
        `BGPPeers on ${node} ask for router ids ${[...ids].join(', ')}; FRR has one per instance, using ${routerId}`,
      );
    model.router = { asn: first.localAsn, routerId };
  }
  return model;
}

/** Groups a peer's routes by their attributes: one route-map entry per class and family. */
export function classify(routes: readonly AnnouncedRoute[]): PolicyClass[] {
  const classes = new Map<string, PolicyClass>();
  for (const r of routes) {
    const key = classKey(r);
    let c = classes.get(key);
    if (!c) {
      c = {
        communities: [...r.communities],
        largeCommunities: [...r.largeCommunities],
        ...(r.localPref !== undefined ? { localPref: r.localPref } : {}),
        v4: [],
        v6: [],
      };
      classes.set(key, c);
    }
    (r.prefix.family === 6 ? c.v6 : c.v4).push(formatCidr(r.prefix));
  }
  return [...classes.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, c]) => ({ ...c, v4: sortPrefixes(c.v4), v6: sortPrefixes(c.v6) }));
}

export function classKey(c: {
  communities: readonly string[];
  largeCommunities: readonly string[];
  localPref?: number;
}): string {
  return JSON.stringify([c.localPref ?? null, c.communities, c.largeCommunities]);
}

/** What shapes the TCP connection or the OPEN: a change means the neighbour is configured anew. */
export function sessionKey(n: NeighborModel): string {
  return JSON.stringify([
    n.address,
    n.remoteAsn,
    n.localAsn,
    n.port,
    n.holdTime,
    n.keepaliveTime,
    n.password ?? null,
    n.sourceAddress ?? null,
    n.ebgpMultihop,
    n.gracefulRestart === true,
    n.bfd ?? null,
    n.families,
    n.connectTime ?? null,
  ]);
}

function sortPrefixes(list: string[]): string[] {
  return [...new Set(list)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
