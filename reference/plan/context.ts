/**
 * Everything about a config that does not depend on Services, resolved once: which advertisements
 * apply to each pool, and for each (advertisement, peer) the nodes that would announce. Adding a
 * Service then only walks these short lists.
 */
import { poolsSelectedBy } from '../config/crosscheck.ts';
import { anySelectorMatches } from '../model/selector.ts';
import type { BGPAdvertisement, BGPPeer, ClusterConfig, L2Advertisement, Service } from '../model/types.ts';
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

const byName = <T extends { name: string }>(a: T, b: T): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

const NOT_READY: Readiness = { anyReady: false, readyNodes: new Set() };

export class PlanContext {
  /** Sorted, so node index order is output order. */
  readonly nodes: string[];
  /** Sorted by name. */
  readonly peers: BGPPeer[];
  readonly ibgp: boolean[];
  readonly advs: BGPAdvertisement[];
  readonly bgpByPool = new Map<string, BgpAdvInfo[]>();
  readonly l2ByPool = new Map<string, L2AdvInfo[]>();
  readonly services = new Map<string, Service>();
  readonly readiness = new Map<string, Readiness>();

  constructor(config: ClusterConfig) {
    const nodes = [...config.nodes].sort(byName);
    this.nodes = nodes.map((n) => n.name);
    this.peers = [...config.peers].sort(byName);
    this.ibgp = this.peers.map((p) => p.myASN === p.peerASN);
    this.advs = [...config.bgpAdvertisements].sort(byName);
    const peerNodes = this.peers.map((p) =>
      nodes.map((n, i) => (anySelectorMatches(p.nodeSelectors, n.labels) ? i : -1)).filter((i) => i >= 0),
    );
    this.advs.forEach((adv, idx) => {
      const selected = new Set(
        nodes.map((n, i) => (anySelectorMatches(adv.nodeSelectors, n.labels) ? i : -1)).filter((i) => i >= 0),
      );
      const paths: AdvPeerPath[] = [];
      this.peers.forEach((p, peerIdx) => {
        if (adv.peers.length > 0 && !adv.peers.includes(p.name)) return;
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
      const sel = new Set(
        nodes.filter((n) => anySelectorMatches(adv.nodeSelectors, n.labels)).map((n) => n.name),
      );
      for (const pool of poolsSelectedBy(adv, config.pools)) {
        let list = this.l2ByPool.get(pool.name);
        if (!list) this.l2ByPool.set(pool.name, (list = []));
        list.push({ adv, nodes: sel });
      }
    }
    for (const s of config.services) this.services.set(s.key, s);
    for (const slice of config.endpointSlices) {
      let r = this.readiness.get(slice.serviceKey) as
        | { anyReady: boolean; readyNodes: Set<string> }
        | undefined;
      if (!r) this.readiness.set(slice.serviceKey, (r = { anyReady: false, readyNodes: new Set() }));
      for (const e of slice.endpoints) {
        if (!e.ready) continue;
        r.anyReady = true;
        if (e.nodeName !== undefined) r.readyNodes.add(e.nodeName);
      }
    }
  }

  readinessOf(serviceKey: string): Readiness {
    return this.readiness.get(serviceKey) ?? NOT_READY;
  }
}
