/**
 * Everything about a config that does not depend on Services, resolved once: which advertisements
 * apply to each pool, and for each (advertisement, peer) the nodes that would announce. Adding a
 * Service then only walks these short lists.
 */
import { poolsSelectedBy } from '../config/crosscheck.ts';
import {
  bgpAdvertisementSelectsNode,
  bgpAdvertisementTargetsPeer,
  l2AdvertisementSelectsNode,
  peerSessionOnNode,
} from './rules.ts';
import type {
  BGPAdvertisement,
  BGPPeer,
  ClusterConfig,
  EndpointSlice,
  L2Advertisement,
  Service,
} from '../model/types.ts';
import { peerFamilies } from './peers.ts';
import type { Readiness } from './types.ts';

export interface AdvPeerPath {
  peerIdx: number;
  /** Indexes into PlanContext.nodes: selected by the advertisement and holding a session to the peer. */
  nodeIdxs: number[];
}

export interface BgpAdvInfo {
  idx: number;
  adv: BGPAdvertisement;
  paths: AdvPeerPath[];
}

export interface L2AdvInfo {
  adv: L2Advertisement;
  nodes: ReadonlySet<string>;
}

/** corev1.LabelNodeExcludeBalancers: its presence (any value) excludes the node. */
export const EXCLUDE_LB_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

const byName = <T extends { name: string }>(a: T, b: T): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

const NOT_READY: Readiness = { anyReady: false, readyNodes: new Set() };

/**
 * Whether a Service has an endpoint that can serve, and on which nodes, from its EndpointSlices (the
 * plan's and a speaker's live state's one definition).
 */
export function readinessOf(slices: Iterable<EndpointSlice>): Readiness {
  const r = { anyReady: false, readyNodes: new Set<string>() };
  for (const slice of slices)
    for (const e of slice.endpoints) {
      if (!e.ready) continue;
      r.anyReady = true;
      if (e.nodeName !== undefined) r.readyNodes.add(e.nodeName);
    }
  return r;
}

export class PlanContext {
  /** Sorted, so node index order is output order. */
  readonly nodes: string[];
  /** Sorted by name. */
  readonly peers: BGPPeer[];
  readonly ibgp: boolean[];
  /** Per peer: carries IPv4 routes / IPv6 routes (its session's activated families). */
  readonly carriesV4: boolean[];
  readonly carriesV6: boolean[];
  /**
   * Nodes that announce nothing (BGP) and are no L2 candidate: the NetworkUnavailable condition, or
   * the exclude-from-external-load-balancers label unless the speaker ignores it (MetalLB
   * speaker/bgp_controller.go ShouldAnnounce, layer2_controller.go speakersForAds).
   */
  readonly excluded: ReadonlySet<string>;
  readonly advs: BGPAdvertisement[];
  readonly bgpByPool = new Map<string, BgpAdvInfo[]>();
  readonly l2ByPool = new Map<string, L2AdvInfo[]>();
  readonly services = new Map<string, Service>();
  readonly readiness = new Map<string, Readiness>();

  constructor(config: ClusterConfig) {
    const nodes = [...config.nodes].sort(byName);
    this.nodes = nodes.map((n) => n.name);
    const ignoreLabel = config.speaker?.ignoreExcludeLB === true;
    this.excluded = new Set(
      nodes
        .filter((n) => n.networkUnavailable || (!ignoreLabel && n.labels[EXCLUDE_LB_LABEL] !== undefined))
        .map((n) => n.name),
    );
    this.peers = [...config.peers].sort(byName);
    this.ibgp = this.peers.map((p) => (p.localASN ?? p.myASN) === p.peerASN);
    this.carriesV4 = this.peers.map((p) => peerFamilies(p).includes('ipv4'));
    this.carriesV6 = this.peers.map((p) => peerFamilies(p).includes('ipv6'));
    this.advs = [...config.bgpAdvertisements].sort(byName);
    const peerNodes = this.peers.map((p) =>
      nodes.map((n, i) => (peerSessionOnNode(p, n.labels) ? i : -1)).filter((i) => i >= 0),
    );
    this.advs.forEach((adv, idx) => {
      const selected = new Set(
        nodes.map((n, i) => (bgpAdvertisementSelectsNode(adv, n.labels) ? i : -1)).filter((i) => i >= 0),
      );
      const paths: AdvPeerPath[] = [];
      this.peers.forEach((p, peerIdx) => {
        if (!bgpAdvertisementTargetsPeer(adv, p)) return;
        const nodeIdxs = peerNodes[peerIdx]!.filter((i) => selected.has(i));
        if (nodeIdxs.length > 0) paths.push({ peerIdx, nodeIdxs });
      });
      for (const pool of poolsSelectedBy(adv, config.pools)) {
        let list = this.bgpByPool.get(pool.name);
        if (!list) this.bgpByPool.set(pool.name, (list = []));
        list.push({ idx, adv, paths });
      }
    });
    for (const adv of [...config.l2Advertisements].sort(byName)) {
      const sel = new Set(nodes.filter((n) => l2AdvertisementSelectsNode(adv, n.labels)).map((n) => n.name));
      for (const pool of poolsSelectedBy(adv, config.pools)) {
        let list = this.l2ByPool.get(pool.name);
        if (!list) this.l2ByPool.set(pool.name, (list = []));
        list.push({ adv, nodes: sel });
      }
    }
    for (const s of config.services) this.services.set(s.key, s);
    const byService = new Map<string, EndpointSlice[]>();
    for (const slice of config.endpointSlices) {
      const list = byService.get(slice.serviceKey);
      if (list) list.push(slice);
      else byService.set(slice.serviceKey, [slice]);
    }
    for (const [key, slices] of byService) this.readiness.set(key, readinessOf(slices));
  }

  readinessOf(serviceKey: string): Readiness {
    return this.readiness.get(serviceKey) ?? NOT_READY;
  }
}
