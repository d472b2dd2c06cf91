/**
 * What one node announces, kept between reloads so that a change to a few Services costs work in
 * proportion to it: the allocator, the plan builder, this node's routes per peer and each Service's
 * status stay alive, and a reload that only adds, changes or removes Services and EndpointSlices is
 * applied to them and answered with a difference. Anything else (pools, peers, nodes, an
 * auto-assigned Service, an allocation failure, a shared IP) is computed from scratch, because one
 * change there can move other Services' addresses. Either way the result equals what `lbconform plan`
 * computes from the same files (live-state.test.ts compares them over random edit sequences).
 */
import {
  Allocator,
  allocateKeepingState,
  annotation,
  ANNOTATION_SHARED,
  isOurClass,
} from '../allocate/allocate.ts';
import type { ServiceError } from '../allocate/allocate.ts';
import { formatError } from '../config/errors.ts';
import type { DecodedFile } from '../config/manifest-files.ts';
import { attributeKey } from '../bgp/route.ts';
import { cidrOf, parseIP, formatIP } from '../model/ip.ts';
import type { ClusterConfig, EndpointSlice, Service } from '../model/types.ts';
import { AnnouncedIndex, announcedKey, statusesOfService, type ServiceStatuses } from '../plan/explain.ts';
import { buildPlan, peersForNode, type PlanBuilder, type PlanContext } from '../plan/index.ts';
import { readinessOf } from '../plan/context.ts';
import type { AnnouncedRoute, L2Row, Plan, PlanAllocation, Readiness } from '../plan/types.ts';
import type { DeltaState, FullState } from './speaker.ts';

/** One peer's part of a difference: routes to (re)announce and prefixes to withdraw. */
export interface RoutesDelta {
  peer: string;
  announce: AnnouncedRoute[];
  withdraw: string[];
}

/** Statuses of `keys` (namespace/name) replace whatever was known for them. */
export interface StatusPatch {
  keys: string[];
  statuses: ServiceStatuses;
}

/** A full state (speaker.ts FullState) with everything the live state always knows filled in. */
export type FullResult = FullState & {
  warnings: string[];
  services: ServiceStatuses;
  l2: NonNullable<FullState['l2']>;
};

/** A difference (speaker.ts DeltaState) with its warnings. */
export type DeltaResult = DeltaState & { warnings: string[] };

interface RouteEntry {
  route: AnnouncedRoute;
  key: string;
}

const NOT_READY: Readiness = { anyReady: false, readyNodes: new Set() };

export class LiveState {
  /** The file versions this state was computed from. */
  private files = new Map<string, DecodedFile>();
  /** Where each Service/EndpointSlice is defined (duplicates across files send a reload the slow way). */
  private owners = new Map<string, string>();
  private allocs = new Map<string, PlanAllocation>();
  private errors = new Map<string, ServiceError>();
  /** Services that got an address without asking for one (their neighbours' changes can move them). */
  private autoAssigned = 0;
  private slices = new Map<string, Map<string, EndpointSlice>>();
  /** This node's routes per peer, by prefix. */
  private routes = new Map<string, Map<string, RouteEntry>>();
  private routeCount = 0;
  /** Service key -> its L2 rows on this node, and its plan warnings. */
  private l2Rows = new Map<string, L2Row[]>();
  private serviceWarnings = new Map<string, readonly string[]>();
  private prefixWarnings = new Map<string, string[]>();
  /** Two advertisements with different localPref: only then can a prefix carry a warning. */
  private localPrefsDiffer = false;
  /** Canonical IP text -> the Services holding it (whose status a /32 or /128 row can change). */
  private byIP = new Map<string, Set<string>>();
  private statusIndex!: AnnouncedIndex;
  private peerNames: string[] = [];
  private nodeKnown = false;
  private fixedWarnings: string[] = [];
  private l2Fixed!: Omit<FullResult['l2'], 'rows'>;

  private constructor(
    private readonly node: string,
    private readonly config: ClusterConfig,
    private readonly ctx: PlanContext,
    private readonly builder: PlanBuilder,
    private readonly allocator: Allocator,
  ) {}

  /** Everything from scratch: the state and the full result to announce. */
  static build(
    node: string,
    config: ClusterConfig,
    files: readonly DecodedFile[],
    alive: readonly string[] | undefined,
  ): { live: LiveState; result: FullResult } {
    const { allocations, errors, allocator } = allocateKeepingState(config);
    const { plan, ctx, builder } = buildPlan(
      config,
      allocations,
      { serviceErrors: errors, ...(alive ? { alive } : {}) },
      true,
    );
    const live = new LiveState(node, config, ctx, builder, allocator);
    live.fill(files, allocations, errors, plan);
    return { live, result: live.fullResult(plan) };
  }

  private fill(
    files: readonly DecodedFile[],
    allocations: readonly PlanAllocation[],
    errors: readonly ServiceError[],
    plan: Plan,
  ): void {
    const config = this.config;
    for (const f of files) {
      this.files.set(f.file, f);
      for (const k of f.collected?.seen.keys() ?? []) this.owners.set(k, f.file);
    }
    for (const a of allocations) {
      this.allocs.set(a.service, a);
      this.indexIPs(a, true);
      const svc = this.ctx.services.get(a.service);
      if (svc && !Allocator.requestsIPs(svc) && !holdKept(svc, a)) this.autoAssigned++;
    }
    for (const e of errors) this.errors.set(e.service, e);
    for (const s of config.endpointSlices) this.sliceMap(s.serviceKey).set(sliceKey(s), s);
    for (const r of plan.bgp) {
      if (r.node !== this.node) continue;
      const route: AnnouncedRoute = {
        prefix: cidrOf(r.prefix),
        communities: r.communities,
        largeCommunities: r.largeCommunities,
      };
      if (r.localPref !== undefined) route.localPref = r.localPref;
      this.peerRoutes(r.peer).set(r.prefix, { route, key: attributeKey(route) });
      this.routeCount++;
    }
    for (const key of this.allocs.keys()) this.recordService(key);
    this.localPrefsDiffer = new Set(this.ctx.advs.map((a) => a.localPref ?? 0)).size > 1;
    if (this.localPrefsDiffer)
      for (const text of new Set(plan.bgp.map((r) => r.prefix))) {
        const w = this.builder.warningsForPrefix(text);
        if (w.length) this.prefixWarnings.set(text, w);
      }
    this.peerNames = config.peers.map((p) => p.name).sort();
    this.nodeKnown = config.nodes.some((n) => n.name === this.node);
    this.statusIndex = new AnnouncedIndex(this.sessionSets(), config);
    this.fixedWarnings = config.warnings.map(formatError);
    this.l2Fixed = {
      members: config.nodes
        .filter((n) => n.addresses.length > 0)
        .map((n) => ({ node: n.name, address: n.addresses[0]! })),
      needed: config.l2Advertisements.length > 0,
    };
  }

  private fullResult(plan: Plan): FullResult {
    const routes = new Map<string, AnnouncedRoute[]>();
    for (const r of plan.bgp) {
      if (r.node !== this.node) continue;
      let list = routes.get(r.peer);
      if (!list) routes.set(r.peer, (list = []));
      list.push(this.routes.get(r.peer)!.get(r.prefix)!.route);
    }
    const services: ServiceStatuses = { bgp: [], l2: [] };
    for (const key of [...this.allocs.keys()].sort(cmpStr)) {
      const s = this.statusOf(key);
      services.bgp.push(...s.bgp);
      services.l2.push(...s.l2);
    }
    return {
      ok: true,
      peers: peersForNode(this.config, this.node),
      routes,
      summary: this.summary(),
      warnings: plan.warnings,
      services,
      l2: { rows: this.nodeL2Rows(), ...this.l2Fixed },
    };
  }

  /**
   * The reload as a difference, or undefined when it must be computed from scratch (see the file
   * comment). `files` is the complete new list, in load order. On undefined the state is spoilt: the
   * caller builds a new one.
   */
  applyFiles(files: readonly DecodedFile[]): DeltaResult | 'unchanged' | undefined {
    const changed: { before?: DecodedFile; after?: DecodedFile }[] = [];
    const now = new Set<string>();
    for (const f of files) {
      now.add(f.file);
      const before = this.files.get(f.file);
      if (!before) changed.push({ after: f });
      else if (before.hash !== f.hash) changed.push({ before, after: f });
    }
    for (const [file, before] of this.files) if (!now.has(file)) changed.push({ before });
    if (changed.length === 0) return 'unchanged';
    for (const c of changed) {
      if (c.before && !c.before.servicesOnly) return undefined;
      if (c.after && (!c.after.collected || !c.after.servicesOnly)) return undefined;
    }

    // What the changed files held before and hold now, by key.
    const oldServices = new Map<string, Service>();
    const newServices = new Map<string, Service>();
    const oldSlices = new Map<string, EndpointSlice>();
    const newSlices = new Map<string, EndpointSlice>();
    for (const c of changed) {
      for (const s of c.before?.collected?.services ?? []) oldServices.set(s.key, s);
      for (const s of c.before?.collected?.endpointSlices ?? []) oldSlices.set(sliceKey(s), s);
    }
    for (const c of changed) {
      for (const s of c.after?.collected?.services ?? []) newServices.set(s.key, s);
      for (const s of c.after?.collected?.endpointSlices ?? []) newSlices.set(sliceKey(s), s);
    }
    if (!this.moveOwners(changed)) return undefined;
    this.files = new Map(files.map((f) => [f.file, f]));

    const affected = new Set<string>();
    for (const key of new Set([...oldServices.keys(), ...newServices.keys()])) {
      const o = this.ctx.services.get(key);
      const n = newServices.get(key);
      if (!o || !n || serviceText(o) !== serviceText(n)) affected.add(key);
    }
    const sliceChanged = new Set<string>();
    for (const k of new Set([...oldSlices.keys(), ...newSlices.keys()])) {
      const o = oldSlices.get(k);
      const n = newSlices.get(k);
      if (o && n && sliceText(o) === sliceText(n)) continue;
      if (o) {
        this.slices.get(o.serviceKey)?.delete(k);
        sliceChanged.add(o.serviceKey);
      }
      if (n) {
        this.sliceMap(n.serviceKey).set(k, n);
        sliceChanged.add(n.serviceKey);
      }
    }
    for (const key of sliceChanged) {
      const slices = this.slices.get(key);
      this.ctx.readiness.set(key, slices?.size ? readinessOf(slices.values()) : NOT_READY);
      affected.add(key);
    }
    if (affected.size === 0) return 'unchanged'; // rewritten, reordered or commented: no resource changed

    // Addresses first: bail out on anything whose allocation could move another Service's.
    if (!this.reallocate(affected, newServices)) return undefined;

    // The plan: each affected Service out, and back in with its new address and readiness.
    for (const key of affected) {
      this.builder.removeService(key);
      const svc = this.ctx.services.get(key);
      const a = this.allocs.get(key);
      if (svc && a) this.builder.addService(svc, a);
    }
    const statusKeys = new Set(affected);
    const deltas = this.applyTouched(statusKeys);
    let l2Changed = false;
    for (const key of affected) l2Changed = this.recordService(key) || l2Changed;
    const statuses: ServiceStatuses = { bgp: [], l2: [] };
    const keys = [...statusKeys].sort(cmpStr);
    for (const key of keys) {
      const s = this.statusOf(key);
      statuses.bgp.push(...s.bgp);
      statuses.l2.push(...s.l2);
    }
    return this.deltaResult(deltas, { keys, statuses }, l2Changed);
  }

  /** Moves the changed files' Service and EndpointSlice names; false on a duplicate across files. */
  private moveOwners(changed: readonly { before?: DecodedFile; after?: DecodedFile }[]): boolean {
    for (const c of changed)
      for (const k of c.before?.collected?.seen.keys() ?? [])
        if (this.owners.get(k) === c.before!.file) this.owners.delete(k);
    for (const c of changed)
      for (const k of c.after?.collected?.seen.keys() ?? []) {
        const owner = this.owners.get(k);
        if (owner !== undefined && owner !== c.after!.file) return false;
        this.owners.set(k, c.after!.file);
      }
    return true;
  }

  /**
   * New addresses for the affected Services, when that cannot move anyone else's: every one involved
   * asks for its addresses (annotation, loadBalancerIP, or its status kept), shares none, finds them
   * free; an address given up is only safe when no Service takes addresses automatically.
   */
  private reallocate(affected: ReadonlySet<string>, newServices: ReadonlyMap<string, Service>): boolean {
    if (this.errors.size > 0) return false;
    const klass = this.config.speaker?.loadBalancerClass;
    const ours = (s: Service | undefined): s is Service =>
      s !== undefined && s.type === 'LoadBalancer' && isOurClass(s, klass);
    for (const key of affected) {
      const o = this.ctx.services.get(key);
      // not in a changed file but still defined: only its EndpointSlices changed, not its address
      const n = newServices.get(key) ?? (this.ownerOfService(key) ? o : undefined);
      if (o !== undefined && n === o) continue;
      if (ours(o) && !pinned(o)) return false;
      if (ours(n) && !pinned(n)) return false;
      const old = this.allocs.get(key);
      if (old) {
        this.allocator.release(key);
        this.allocs.delete(key);
        this.indexIPs(old, false);
      }
      if (n) this.ctx.services.set(key, n);
      else this.ctx.services.delete(key);
      if (ours(n)) {
        const wanted = requestedIPs(n);
        if (!wanted?.every((ip) => this.allocator.isFree(ip))) return false;
        const r = this.allocator.assign(n);
        if (r.ok) {
          if (!Allocator.requestsIPs(n) && !holdKept(n, r.allocation)) return false;
          this.allocs.set(key, r.allocation);
          this.indexIPs(r.allocation, true);
        } else this.errors.set(key, r.error);
      }
      const freed = old?.ips.filter((ip) => !this.allocs.get(key)?.ips.includes(ip)) ?? [];
      if (freed.length > 0 && this.autoAssigned > 0) return false;
    }
    return true;
  }

  private ownerOfService(key: string): string | undefined {
    const [ns, name] = key.split('/') as [string, string];
    return this.owners.get(`Service/${ns}/${name}`);
  }

  /**
   * Re-reads the prefixes the builder touched: this node's routes per peer change where the rows did,
   * and every Service whose status can depend on a prefix that came or went joins `statusKeys`.
   */
  private applyTouched(statusKeys: Set<string>): RoutesDelta[] {
    const nodeIdx = this.ctx.nodes.indexOf(this.node);
    const nPeers = this.ctx.peers.length;
    const byPeer = new Map<string, RoutesDelta>();
    const deltaOf = (peer: string): RoutesDelta => {
      let d = byPeer.get(peer);
      if (!d) byPeer.set(peer, (d = { peer, announce: [], withdraw: [] }));
      return d;
    };
    let everyStatus = false;
    for (const text of this.builder.takeTouched()) {
      if (this.localPrefsDiffer) {
        const w = this.builder.warningsForPrefix(text);
        if (w.length) this.prefixWarnings.set(text, w);
        else this.prefixWarnings.delete(text);
      }
      const mine = new Map<string, RouteEntry>();
      if (nodeIdx >= 0)
        for (const { pair, row } of this.builder.rowsForPrefix(text)) {
          if (Math.floor(pair / nPeers) !== nodeIdx) continue;
          const route: AnnouncedRoute = {
            prefix: cidrOf(row.prefix),
            communities: row.communities,
            largeCommunities: row.largeCommunities,
          };
          if (row.localPref !== undefined) route.localPref = row.localPref;
          mine.set(row.peer, { route, key: attributeKey(route) });
        }
      let cameOrWent = false;
      for (const peer of this.ctx.peers.map((p) => p.name)) {
        const table = this.peerRoutes(peer);
        const before = table.get(text);
        const after = mine.get(peer);
        if (after && before?.key !== after.key) {
          deltaOf(peer).announce.push(after.route);
          table.set(text, after);
          if (!before) {
            this.routeCount++;
            cameOrWent = true;
          }
        } else if (!after && before) {
          deltaOf(peer).withdraw.push(text);
          table.delete(text);
          this.routeCount--;
          cameOrWent = true;
        }
      }
      if (!cameOrWent) continue;
      const cidr = cidrOf(text);
      const host = cidr.len === (cidr.family === 4 ? 32 : 128);
      if (!host) everyStatus = true;
      else
        for (const k of this.byIP.get(formatIP({ family: cidr.family, value: cidr.addr })) ?? [])
          statusKeys.add(k);
    }
    if (everyStatus) for (const k of this.allocs.keys()) statusKeys.add(k);
    return [...byPeer.values()];
  }

  /** Keeps a Service's L2 rows and warnings from the builder; true when its L2 rows on this node changed. */
  private recordService(key: string): boolean {
    const r = this.builder.serviceRecord(key);
    const rows = (r?.l2 ?? []).filter((x) => x.node === this.node);
    const before = this.l2Rows.get(key);
    if (rows.length) this.l2Rows.set(key, rows);
    else this.l2Rows.delete(key);
    if (r?.warnings.length) this.serviceWarnings.set(key, r.warnings);
    else this.serviceWarnings.delete(key);
    return !sameL2Rows(before ?? [], rows);
  }

  private statusOf(key: string): ServiceStatuses {
    const a = this.allocs.get(key);
    if (!a) return { bgp: [], l2: [] };
    const l2Row = this.builder.serviceRecord(key)?.l2[0];
    return statusesOfService(
      a,
      this.statusIndex,
      this.nodeKnown ? [this.node] : [],
      this.peerNames,
      l2Row,
      this.node,
    );
  }

  private deltaResult(routes: RoutesDelta[], services: StatusPatch, l2Changed: boolean): DeltaResult {
    return {
      ok: true,
      delta: { routes, services },
      summary: this.summary(),
      warnings: this.warnings(),
      ...(l2Changed ? { l2: { rows: this.nodeL2Rows(), ...this.l2Fixed } } : {}),
    };
  }

  /** The plan's warnings, in its order (plan.ts computePlan, builder.plan). */
  private warnings(): string[] {
    const errors = [...this.errors.values()]
      .sort((a, b) => cmpStr(a.service, b.service))
      .map((e) => `${e.service}: ${e.message} [${e.code}]`);
    const rest = new Set<string>();
    for (const ws of this.serviceWarnings.values()) for (const w of ws) rest.add(w);
    for (const ws of this.prefixWarnings.values()) for (const w of ws) rest.add(w);
    return [...this.fixedWarnings, ...errors, ...[...rest].sort(cmpStr)];
  }

  private summary(): string {
    return `${this.ctx.services.size} services, ${this.allocs.size} allocated, ${this.routeCount} routes for ${this.node}`;
  }

  private nodeL2Rows(): { ip: string; interfaces: string[] }[] {
    const out: { ip: string; interfaces: string[] }[] = [];
    for (const key of [...this.l2Rows.keys()].sort(cmpStr))
      for (const r of this.l2Rows.get(key)!) out.push({ ip: r.ip, interfaces: r.interfaces });
    return out;
  }

  private sessionSets(): Map<string, { has(prefix: string): boolean }> {
    const m = new Map<string, { has(prefix: string): boolean }>();
    for (const p of this.config.peers) m.set(announcedKey(this.node, p.name), this.peerRoutes(p.name));
    return m;
  }

  private peerRoutes(peer: string): Map<string, RouteEntry> {
    let t = this.routes.get(peer);
    if (!t) this.routes.set(peer, (t = new Map()));
    return t;
  }

  private sliceMap(serviceKey: string): Map<string, EndpointSlice> {
    let m = this.slices.get(serviceKey);
    if (!m) this.slices.set(serviceKey, (m = new Map()));
    return m;
  }

  private indexIPs(a: PlanAllocation, add: boolean): void {
    for (const text of a.ips) {
      const ip = parseIP(text);
      if (!ip) continue;
      const k = formatIP(ip);
      let set = this.byIP.get(k);
      if (add) {
        if (!set) this.byIP.set(k, (set = new Set()));
        set.add(a.service);
      } else if (set) {
        set.delete(a.service);
        if (set.size === 0) this.byIP.delete(k);
      }
    }
  }
}

/** Asks for its addresses and shares none: placing it cannot depend on, or move, anyone else. */
function pinned(s: Service): boolean {
  return (
    (Allocator.requestsIPs(s) || Allocator.holdsIPs(s)) && annotation(s, ANNOTATION_SHARED) === undefined
  );
}

/** A Service that held addresses in its status and kept exactly those. */
function holdKept(s: Service, a: PlanAllocation): boolean {
  return (
    Allocator.holdsIPs(s) &&
    a.ips.length === s.statusIPs.length &&
    s.statusIPs.every((t) => a.ips.some((x) => sameIP(x, t)))
  );
}

function sameIP(a: string, b: string): boolean {
  const x = parseIP(a);
  const y = parseIP(b);
  return x !== undefined && y !== undefined && x.family === y.family && x.value === y.value;
}

/** The addresses a pinned Service asks for (or holds), or undefined if one does not parse. */
function requestedIPs(s: Service) {
  const text = Allocator.requestsIPs(s)
    ? (annotation(s, ['metallb.io/loadBalancerIPs', 'metallb.universe.tf/loadBalancerIPs']) ??
      s.loadBalancerIP ??
      '')
    : s.statusIPs.join(',');
  const ips = text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((t) => parseIP(t));
  return ips.every((ip) => ip !== undefined) ? ips : undefined;
}

function sameL2Rows(a: readonly L2Row[], b: readonly L2Row[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => x.ip === b[i]!.ip && x.interfaces.join(',') === b[i]!.interfaces.join(','))
  );
}

function sliceKey(s: EndpointSlice): string {
  return `${s.namespace}/${s.name}`;
}

function serviceText(s: Service): string {
  const { src: _src, ...rest } = s;
  return JSON.stringify(rest);
}

function sliceText(s: EndpointSlice): string {
  const { src: _src, ...rest } = s;
  return JSON.stringify(rest);
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
