/**
 * Manifests (already validated by reference/config) + the Services' assigned IPs -> what this node's
 * FRR must hold, the way MetalLB's FRR mode computes it. Pure. Deliberately NOT reference/plan or
 * reference/allocate: a second reading of MetalLB, so a mistake in the plan cannot pass twice.
 *
 * Read from metallb/metallb (our own code, same model):
 * - speaker/main.go `SetBalancer`: a Service's IPs are `status.loadBalancer.ingress` (the controller's
 *   answer); `poolFor`: the pool whose CIDRs hold all of them; none = not announced.
 * - speaker/bgp_controller.go `ShouldAnnounce`: some advertisement of the pool selects this node, the
 *   node is not labelled exclude-from-external-load-balancers, and an endpoint can serve (on this node
 *   for externalTrafficPolicy Local); `SetBalancer`: one advertisement per IP and advertisement
 *   (prefix = IP masked to the aggregation length, localPref, communities, peers); `syncPeers`: a
 *   session per BGPPeer whose nodeSelectors match the node; `adsForPeer`: an advertisement with no
 *   peers goes to every session.
 * - internal/bgp/frr/frr.go `createConfig`: one router per (routerID, myASN), one neighbour per
 *   address; a neighbour carries only its address family unless `dualStackAddressFamily`; per
 *   neighbour: the allowed prefixes per family, a prefix-list per community and per localPref != 0.
 */
import { CodedError } from '../../common/errors.ts';
import { cidrContains, formatCidr, maskIP, parseIP } from '../../reference/model/ip.ts';
import { anySelectorMatches } from '../../reference/model/selector.ts';
import type { BGPAdvertisement, BGPPeer, ClusterConfig, IPAddressPool } from '../../reference/model/types.ts';

export type NeighborFamily = 'ipv4' | 'ipv6' | 'dual';

/** MetalLB's `PropertyPrefixList` with its set statement. */
export interface PropertyPrefixList {
  name: string;
  ipFamily: 'ip' | 'ipv6';
  prefixes: string[];
  set: string;
}

export interface NeighborConfig {
  /** BGPPeer name (for logs). */
  peer: string;
  addr: string;
  family: NeighborFamily;
  asn: number;
  port: number;
  holdTime: number;
  keepaliveTime: number;
  password?: string;
  srcAddr?: string;
  ebgpMultiHop: boolean;
  prefixesV4: string[];
  prefixesV6: string[];
  localPrefPrefixLists: PropertyPrefixList[];
  communityPrefixLists: PropertyPrefixList[];
}

export interface RouterConfig {
  myASN: number;
  routerID?: string;
  neighbors: NeighborConfig[];
  ipv4Prefixes: string[];
  ipv6Prefixes: string[];
}

export interface FrrConfig {
  hostname: string;
  routers: RouterConfig[];
  warnings: string[];
}

/** One `bgp.Advertisement` of MetalLB's speaker. */
export interface Advertisement {
  prefix: string;
  family: 4 | 6;
  localPref: number;
  /** `a:b` or `large:a:b:c`, sorted as MetalLB sorts them (standard before large). */
  communities: string[];
  /** Empty = every peer. */
  peers: string[];
}

export const EXCLUDE_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** config.go: the advertisements of a pool (named, selected by label, or all pools when neither). */
export function advertisementsOfPool(config: ClusterConfig, pool: IPAddressPool): BGPAdvertisement[] {
  return config.bgpAdvertisements.filter((a) => {
    if (a.ipAddressPools.length === 0 && a.ipAddressPoolSelectors.length === 0) return true;
    if (a.ipAddressPools.includes(pool.name)) return true;
    return a.ipAddressPoolSelectors.length > 0 && anySelectorMatches(a.ipAddressPoolSelectors, pool.labels);
  });
}

/** config.go `selectedNodes`: only existing Node objects can be selected. */
function advertisementSelects(config: ClusterConfig, a: BGPAdvertisement, node: string): boolean {
  const n = config.nodes.find((x) => x.name === node);
  return n !== undefined && anySelectorMatches(a.nodeSelectors, n.labels);
}

/** speaker/main.go `poolFor`: the pool holding every IP, or undefined. */
export function poolFor(config: ClusterConfig, ips: readonly string[]): IPAddressPool | undefined {
  const parsed = ips.map(parseIP);
  if (parsed.some((p) => p === undefined)) return undefined;
  return config.pools.find((p) => parsed.every((ip) => p.cidrs.some((c) => cidrContains(c, ip!))));
}

/** What the speaker of `node` advertises for every Service (before choosing peers). */
export function serviceAdvertisements(
  config: ClusterConfig,
  ingress: ReadonlyMap<string, readonly string[]>,
  node: string,
  warnings: string[] = [],
): Advertisement[] {
  const me = config.nodes.find((n) => n.name === node);
  const out: Advertisement[] = [];
  for (const svc of config.services) {
    if (svc.type !== 'LoadBalancer') continue;
    const ips = ingress.get(svc.key) ?? [];
    if (ips.length === 0) continue; // "noIPAllocated"
    const pool = poolFor(config, ips);
    if (!pool) {
      warnings.push(`Service ${svc.key}: IPs ${ips.join(', ')} are in no IPAddressPool; not announced`);
      continue;
    }
    const ads = advertisementsOfPool(config, pool).filter((a) => advertisementSelects(config, a, node));
    if (ads.length === 0) continue; // "notOwner" / "noMatchingAdvertisement"
    if (me?.labels[EXCLUDE_LABEL] !== undefined) continue; // "nodeLabeledExcludeBalancers"
    const endpoints = config.endpointSlices
      .filter((s) => s.serviceKey === svc.key)
      .flatMap((s) => s.endpoints)
      .filter((e) => e.addresses.length > 0 && e.ready);
    const serving =
      svc.externalTrafficPolicy === 'Local'
        ? endpoints.some((e) => e.nodeName === node)
        : endpoints.length > 0;
    if (!serving) continue; // "noLocalEndpoints" / "noEndpoints"
    for (const text of ips) {
      const ip = parseIP(text)!;
      for (const a of ads) {
        const len = ip.family === 4 ? a.aggregationLength : a.aggregationLengthV6;
        out.push({
          prefix: formatCidr(maskIP(ip, len)),
          family: ip.family,
          localPref: a.localPref ?? 0,
          communities: [...a.communities, ...a.largeCommunities.map((c) => `large:${c}`)],
          peers: [...a.peers],
        });
      }
    }
  }
  return out;
}

/** bgp_controller.go `syncPeers`: the BGPPeers this node has a session with. */
export function sessionsOf(config: ClusterConfig, node: string): BGPPeer[] {
  const labels = config.nodes.find((n) => n.name === node)?.labels ?? {};
  return config.peers.filter((p) => anySelectorMatches(p.nodeSelectors, labels));
}

/**
 * MetalLB's FRR mode refuses per node what one bgpd cannot be (internal/config/validation.go
 * `validateConfigForFRR`): two BGPPeers with one address, different routerIDs, different myASNs.
 */
export function checkFrrLimits(peers: readonly BGPPeer[], node: string): void {
  const addrs = new Set<string>();
  for (const p of peers) {
    if (addrs.has(p.peerAddress))
      throw new CodedError(
        'METALLB_FRR_DUPLICATE_PEER',
        `node ${node}: two BGPPeers with address ${p.peerAddress} (FRR mode allows one)`,
      );
    addrs.add(p.peerAddress);
  }
  const asns = new Set(peers.map((p) => p.myASN));
  if (asns.size > 1)
    throw new CodedError(
      'METALLB_FRR_MULTIPLE_ASN',
      `node ${node}: BGPPeers with different myASN ${[...asns].join(', ')} (FRR mode allows one)`,
    );
  const ids = new Set(peers.map((p) => p.routerID ?? ''));
  if (ids.size > 1)
    throw new CodedError(
      'METALLB_FRR_MULTIPLE_ROUTERID',
      `node ${node}: BGPPeers with different routerID (FRR mode allows one)`,
    );
}

/** A BGPPeer field the shared parser may not model yet (read defensively). */
function dualStack(p: BGPPeer): boolean {
  return (p as BGPPeer & { dualStackAddressFamily?: boolean }).dualStackAddressFamily === true;
}

/** What this node's FRR must hold. */
export function desiredConfig(
  config: ClusterConfig,
  ingress: ReadonlyMap<string, readonly string[]>,
  node: string,
): FrrConfig {
  const warnings: string[] = [];
  const ads = serviceAdvertisements(config, ingress, node, warnings);
  return sessionConfig(node, sessionsOf(config, node), ads, warnings);
}

/** frr.go `createConfig`: this node's sessions and their advertisements -> the FRR model. */
export function sessionConfig(
  node: string,
  peers: readonly BGPPeer[],
  ads: readonly Advertisement[],
  warnings: string[] = [],
): FrrConfig {
  checkFrrLimits(peers, node);
  for (const p of peers)
    if (p.vrf || p.bfdProfile)
      warnings.push(`BGPPeer ${p.name}: vrf and bfdProfile are not implemented by metallb-frr; ignored`);
  const routers = new Map<string, RouterConfig>();
  const v4 = new Map<string, Set<string>>();
  const v6 = new Map<string, Set<string>>();
  for (const p of peers) {
    const key = `${p.myASN}@${p.routerID ?? ''}`;
    let r = routers.get(key);
    if (!r) {
      r = {
        myASN: p.myASN,
        ...(p.routerID ? { routerID: p.routerID } : {}),
        neighbors: [],
        ipv4Prefixes: [],
        ipv6Prefixes: [],
      };
      routers.set(key, r);
      v4.set(key, new Set());
      v6.set(key, new Set());
    }
    const family: NeighborFamily = dualStack(p) ? 'dual' : p.peerAddress.includes(':') ? 'ipv6' : 'ipv4';
    const n = neighborFor(p, family, ads);
    r.neighbors.push(n);
    for (const x of n.prefixesV4) v4.get(key)!.add(x);
    for (const x of n.prefixesV6) v6.get(key)!.add(x);
  }
  const out = [...routers.entries()]
    .sort(([a], [b]) => byString(a, b))
    .map(([key, r]) => ({
      ...r,
      neighbors: r.neighbors.sort((a, b) => byString(`${a.asn}@${a.addr}`, `${b.asn}@${b.addr}`)),
      ipv4Prefixes: [...v4.get(key)!].sort(byString),
      ipv6Prefixes: [...v6.get(key)!].sort(byString),
    }));
  return { hostname: node, routers: out, warnings };
}

function neighborFor(p: BGPPeer, family: NeighborFamily, ads: readonly Advertisement[]): NeighborConfig {
  const id = p.peerAddress;
  const v4 = new Set<string>();
  const v6 = new Set<string>();
  const community = new Map<string, { family: 'ip' | 'ipv6'; set: string; prefixes: Set<string> }>();
  const localPref = new Map<string, { family: 'ip' | 'ipv6'; set: string; prefixes: Set<string> }>();
  const add = (m: typeof community, name: string, fam: 'ip' | 'ipv6', set: string, prefix: string): void => {
    let e = m.get(name);
    if (!e) m.set(name, (e = { family: fam, set, prefixes: new Set() }));
    e.prefixes.add(prefix);
  };
  for (const a of ads) {
    if (a.peers.length > 0 && !a.peers.includes(p.name)) continue;
    const fam = a.family === 4 ? 'ipv4' : 'ipv6';
    if (family !== 'dual' && family !== fam) continue;
    const frrFam = a.family === 4 ? 'ip' : 'ipv6';
    for (const c of a.communities) {
      const large = c.startsWith('large:');
      const value = large ? c.slice('large:'.length) : c;
      add(
        community,
        `${id}-${large ? 'large:' : ''}${value}-${frrFam}-community-prefixes`,
        frrFam,
        large ? `set large-community ${value} additive` : `set community ${value} additive`,
        a.prefix,
      );
    }
    // frr.go: no local-preference statement at all when localPref is 0 (unset).
    if (a.localPref !== 0)
      add(
        localPref,
        `${id}-${a.localPref}-${frrFam}-localpref-prefixes`,
        frrFam,
        `set local-preference ${a.localPref}`,
        a.prefix,
      );
    (a.family === 4 ? v4 : v6).add(a.prefix);
  }
  const lists = (m: typeof community): PropertyPrefixList[] =>
    [...m.entries()]
      .sort(([a], [b]) => byString(a, b))
      .map(([name, e]) => ({
        name,
        ipFamily: e.family,
        set: e.set,
        prefixes: [...e.prefixes].sort(byString),
      }));
  return {
    peer: p.name,
    addr: p.peerAddress,
    family,
    asn: p.peerASN,
    port: p.peerPort,
    holdTime: p.holdTime,
    keepaliveTime: p.keepaliveTime,
    ...(p.password !== undefined ? { password: p.password } : {}),
    ...(p.sourceAddress !== undefined ? { srcAddr: p.sourceAddress } : {}),
    ebgpMultiHop: p.ebgpMultiHop,
    prefixesV4: [...v4].sort(byString),
    prefixesV6: [...v6].sort(byString),
    localPrefPrefixLists: lists(localPref),
    communityPrefixLists: lists(community),
  };
}
