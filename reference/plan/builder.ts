/**
 * The plan, kept incrementally. Every (node, peer, prefix) row holds a reference count per
 * advertisement that produced it, so a row exists exactly while some Service produces it, and
 * adding or removing one Service touches only that Service's rows.
 */
import { compareStandard, compareLarge } from '../model/community.ts';
import { compareCidr, compareIP, formatCidr, maskIP, parseIP, type Cidr, type IP } from '../model/ip.ts';
import { anySelectorMatches, type LabelSelector } from '../model/selector.ts';
import type { Service } from '../model/types.ts';
import type { PlanContext } from './context.ts';
import { electL2Owner } from './l2.ts';
import type { BgpRow, L2Row, Plan, PlanAllocation, Readiness } from './types.ts';

interface PrefixEntry {
  text: string;
  cidr: Cidr;
  /**
   * (pair * advertisements + advertisement index) -> count of contributions, where
   * pair = nodeIdx * peers + peerIdx. One flat map per prefix: far fewer objects than nested maps.
   */
  counts: Map<number, number>;
}

interface ServiceRecord {
  svc: Service;
  alloc: PlanAllocation;
  ready: Readiness;
  l2: L2Row[];
  warnings: string[];
}

export class PlanBuilder {
  private readonly prefixes = new Map<string, PrefixEntry>();
  private readonly records = new Map<string, ServiceRecord>();
  private readonly alive: ReadonlySet<string>;
  private touched?: Set<string>;

  /**
   * `alive`: nodes whose speakers are up (L2 candidates); default every node. `trackTouched`: remember
   * the prefixes each add and remove touches (takeTouched).
   */
  constructor(
    private readonly ctx: PlanContext,
    alive?: Iterable<string>,
    trackTouched = false,
  ) {
    this.alive = new Set(alive ?? ctx.nodes);
    if (trackTouched) this.touched = new Set();
  }

  get size(): number {
    return this.records.size;
  }

  /** Number of distinct (node, peer, prefix) rows. */
  get rowCount(): number {
    const nAdvs = this.ctx.advs.length;
    let n = 0;
    for (const e of this.prefixes.values())
      n += new Set([...e.counts.keys()].map((k) => Math.floor(k / nAdvs))).size;
    return n;
  }

  addService(svc: Service, alloc: PlanAllocation, ready: Readiness = this.ctx.readinessOf(svc.key)): void {
    if (this.records.has(svc.key)) this.removeService(svc.key);
    const l2 = this.l2For(svc, alloc, ready);
    this.records.set(svc.key, { svc, alloc, ready, ...l2 });
    const nAdvs = this.ctx.advs.length;
    this.forEachContribution(svc, alloc, ready, (text, cidr, pair, adv) => {
      this.touched?.add(text);
      let e = this.prefixes.get(text);
      if (!e) this.prefixes.set(text, (e = { text, cidr, counts: new Map() }));
      const k = pair * nAdvs + adv;
      e.counts.set(k, (e.counts.get(k) ?? 0) + 1);
    });
  }

  removeService(key: string): boolean {
    const r = this.records.get(key);
    if (!r) return false;
    this.records.delete(key);
    const nAdvs = this.ctx.advs.length;
    this.forEachContribution(r.svc, r.alloc, r.ready, (text, _cidr, pair, adv) => {
      this.touched?.add(text);
      const e = this.prefixes.get(text)!;
      const k = pair * nAdvs + adv;
      const c = e.counts.get(k)! - 1;
      if (c > 0) e.counts.set(k, c);
      else {
        e.counts.delete(k);
        if (e.counts.size === 0) this.prefixes.delete(text);
      }
    });
    return true;
  }

  /** The (prefix, node-peer pair, advertisement) triples one Service produces. */
  private forEachContribution(
    svc: Service,
    alloc: PlanAllocation,
    ready: Readiness,
    fn: (text: string, cidr: Cidr, pair: number, adv: number) => void,
  ): void {
    const advs = this.ctx.bgpByPool.get(alloc.pool);
    if (!advs || advs.length === 0) return;
    const local = svc.externalTrafficPolicy === 'Local';
    if (!ready.anyReady) return; // no ready endpoint anywhere: nobody announces, whatever the policy
    const nPeers = this.ctx.peers.length;
    const nodes = this.ctx.nodes;
    for (const ipText of alloc.ips) {
      const ip = parseIP(ipText);
      if (!ip) continue;
      for (const a of advs) {
        // serviceSelectors (api/v1beta1 BGPAdvertisementSpec; speaker bgpAdsForService): only matching Services
        if (!selectsService(a.adv.serviceSelectors, svc)) continue;
        const cidr = maskIP(ip, ip.family === 4 ? a.adv.aggregationLength : a.adv.aggregationLengthV6);
        const text = cidrText(cidr);
        const carries = ip.family === 4 ? this.ctx.carriesV4 : this.ctx.carriesV6;
        for (const path of a.paths) {
          // An IPv4 BGPPeer gets no IPv6 route and the reverse, unless dualStackAddressFamily.
          if (!carries[path.peerIdx]) continue;
          for (const n of path.nodeIdxs) {
            if (local && !ready.readyNodes.has(nodes[n]!)) continue;
            if (this.ctx.excluded.has(nodes[n]!)) continue;
            fn(text, cidr, n * nPeers + path.peerIdx, a.idx);
          }
        }
      }
    }
  }

  private l2For(svc: Service, alloc: PlanAllocation, ready: Readiness): { l2: L2Row[]; warnings: string[] } {
    const advs = this.ctx.l2ByPool
      .get(alloc.pool)
      ?.filter((a) => selectsService(a.adv.serviceSelectors, svc));
    if (!advs || advs.length === 0 || alloc.ips.length === 0 || !ready.anyReady)
      return { l2: [], warnings: [] };
    const local = svc.externalTrafficPolicy === 'Local';
    const candidates = this.ctx.nodes.filter(
      (n) =>
        this.alive.has(n) &&
        !this.ctx.excluded.has(n) &&
        advs.some((a) => a.nodes.has(n)) &&
        (!local || ready.readyNodes.has(n)),
    );
    const owner = electL2Owner(candidates, alloc.ips[0]!);
    if (owner === undefined) {
      return {
        l2: [],
        warnings: [
          `${svc.key}: no live node is eligible to announce ${alloc.ips.join(', ')} over L2 (L2Advertisement nodeSelectors${local ? ', ready local endpoints' : ''} and live nodes leave none)`,
        ],
      };
    }
    const owning = advs.filter((a) => a.nodes.has(owner));
    const interfaces = owning.some((a) => a.adv.interfaces.length === 0)
      ? []
      : [...new Set(owning.flatMap((a) => a.adv.interfaces))].sort();
    const ips = alloc.ips.map((t) => parseIP(t)!).sort(compareIP);
    return {
      l2: ips.map((ip: IP) => ({
        service: svc.key,
        ip: formatIPText(ip, alloc.ips),
        node: owner,
        interfaces,
      })),
      warnings: [],
    };
  }

  /**
   * Prefixes whose rows may have changed since the last call (when built with `trackTouched`): what a
   * speaker re-reads after adding or removing a few Services instead of the whole plan.
   */
  takeTouched(): Set<string> {
    const t = this.touched ?? new Set<string>();
    if (this.touched) this.touched = new Set();
    return t;
  }

  /** The rows of one prefix (every node-peer pair that has it), in pair order, and its warnings. */
  rowsForPrefix(text: string): { pair: number; row: BgpRow }[] {
    const e = this.prefixes.get(text);
    if (!e) return [];
    const out: { pair: number; row: BgpRow }[] = [];
    this.forEachRow(e, new Map(), new Set(), (pair, row) => out.push({ pair, row }));
    return out.sort((a, b) => a.pair - b.pair);
  }

  /** The warnings of one prefix's rows (different localPref on one iBGP session). */
  warningsForPrefix(text: string): string[] {
    const e = this.prefixes.get(text);
    const warnings = new Set<string>();
    if (e) this.forEachRow(e, new Map(), warnings, () => {});
    return [...warnings];
  }

  /** A Service's L2 rows and warnings as last added (undefined: not in the plan). */
  serviceRecord(key: string): { l2: readonly L2Row[]; warnings: readonly string[] } | undefined {
    return this.records.get(key);
  }

  /** The whole plan, sorted as documented (allocations by service; bgp by node, peer, family, address, length; l2 by service, ip). */
  plan(extraWarnings: readonly string[] = []): Plan {
    const ctx = this.ctx;
    const nPeers = ctx.peers.length;
    const entries = sortEntries(this.prefixes.values());
    const buckets: BgpRow[][] = Array.from({ length: ctx.nodes.length * nPeers }, () => []);
    const warnings = new Set<string>();
    const merged = new Map<string, { communities: string[]; largeCommunities: string[] }>();
    for (const e of entries) this.forEachRow(e, merged, warnings, (pair, row) => buckets[pair]!.push(row));
    const keys = [...this.records.keys()].sort(cmpStr);
    const allocations: PlanAllocation[] = [];
    const l2: L2Row[] = [];
    for (const k of keys) {
      const r = this.records.get(k)!;
      allocations.push(r.alloc);
      l2.push(...r.l2);
      for (const w of r.warnings) warnings.add(w);
    }
    const bgp: BgpRow[] = [];
    for (const b of buckets) for (const r of b) bgp.push(r);
    return { allocations, bgp, l2, warnings: [...extraWarnings, ...[...warnings].sort(cmpStr)] };
  }

  /** One prefix's rows, one per node-peer pair that has it; `merged` caches merged community sets. */
  private forEachRow(
    e: PrefixEntry,
    merged: Map<string, { communities: string[]; largeCommunities: string[] }>,
    warnings: Set<string>,
    fn: (pair: number, row: BgpRow) => void,
  ): void {
    const ctx = this.ctx;
    const nPeers = ctx.peers.length;
    const nAdvs = ctx.advs.length;
    // Group this prefix's (pair, advertisement) counts by pair.
    const byPair = new Map<number, number[]>();
    for (const k of e.counts.keys()) {
      const pair = Math.floor(k / nAdvs);
      const list = byPair.get(pair);
      if (list) list.push(k - pair * nAdvs);
      else byPair.set(pair, [k - pair * nAdvs]);
    }
    for (const [pair, advIds] of byPair) {
      const peerIdx = pair % nPeers;
      const node = ctx.nodes[(pair - peerIdx) / nPeers]!;
      const peer = ctx.peers[peerIdx]!;
      let communities: string[];
      let largeCommunities: string[];
      let localPref = 0;
      if (advIds.length === 1) {
        const adv = ctx.advs[advIds[0]!]!;
        communities = adv.communities;
        largeCommunities = adv.largeCommunities;
        localPref = adv.localPref ?? 0;
      } else {
        // Two advertisements produce this prefix: merge their communities (cached per set).
        const ids = advIds.sort((x, y) => x - y);
        const k = ids.join(',');
        let m = merged.get(k);
        if (!m) {
          const advs = ids.map((i) => ctx.advs[i]!);
          m = {
            communities: [...new Set(advs.flatMap((a) => a.communities))].sort(compareStandard),
            largeCommunities: [...new Set(advs.flatMap((a) => a.largeCommunities))].sort(compareLarge),
          };
          merged.set(k, m);
        }
        communities = m.communities;
        largeCommunities = m.largeCommunities;
        const prefs = new Set(ids.map((i) => ctx.advs[i]!.localPref ?? 0));
        localPref = Math.max(...prefs);
        if (prefs.size > 1 && ctx.ibgp[peerIdx]) {
          warnings.add(
            `${e.text} to peer ${peer.name}: advertisements ${ids.map((i) => ctx.advs[i]!.name).join(', ')} set different localPref (${[...prefs].sort((x, y) => x - y).join(', ')}); sending the highest, ${localPref}`,
          );
        }
      }
      const row: BgpRow = { node, peer: peer.name, prefix: e.text, communities, largeCommunities };
      if (ctx.ibgp[peerIdx]) row.localPref = localPref;
      fn(pair, row);
    }
  }
}

/** Family, address, length order; IPv4 keys are plain numbers, which sort much faster than bigints. */
function sortEntries(all: Iterable<PrefixEntry>): PrefixEntry[] {
  const v4: { k: number; e: PrefixEntry }[] = [];
  const v6: PrefixEntry[] = [];
  for (const e of all) {
    if (e.cidr.family === 4) v4.push({ k: Number(e.cidr.addr) * 64 + e.cidr.len, e });
    else v6.push(e);
  }
  v4.sort((a, b) => a.k - b.k);
  v6.sort((a, b) => compareCidr(a.cidr, b.cidr));
  const out = v4.map((x) => x.e);
  for (const e of v6) out.push(e);
  return out;
}

/** formatCidr, with a bigint-free path for IPv4 (the hot path when planning many Services). */
function cidrText(c: Cidr): string {
  if (c.family !== 4) return formatCidr(c);
  const v = Number(c.addr);
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}/${c.len}`;
}

/** An advertisement's serviceSelectors: empty selects every Service, else one must match its labels. */
function selectsService(selectors: readonly LabelSelector[], svc: Service): boolean {
  return selectors.length === 0 || anySelectorMatches(selectors, svc.labels);
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The allocation's own (canonical) text for `ip`. */
function formatIPText(ip: IP, texts: readonly string[]): string {
  return texts.find((t) => {
    const p = parseIP(t);
    return p !== undefined && p.family === ip.family && p.value === ip.value;
  })!;
}
