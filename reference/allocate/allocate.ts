/**
 * Service -> IPs, the controller's job, deterministic for the same input:
 *  1. Services that ask for specific IPs (annotation or spec.loadBalancerIP) are served first, so an
 *     auto-assigned Service can never take an address somebody asked for by name;
 *  2. then every other LoadBalancer Service, in namespace/name order, gets the lowest free address of
 *     the first suitable pool (pools in name order).
 * The Allocator keeps state so the speaker (and the benchmark) can add or remove one Service cheaply.
 */
import {
  cidrContains,
  compareIP,
  cidrFirst,
  cidrLast,
  formatIP,
  isBuggyIP,
  parseIP,
  type Cidr,
  type Family,
  type IP,
} from '../model/ip.ts';
import { anySelectorMatches } from '../model/selector.ts';
import { insertSorted } from '../../common/sorted.ts';
import type { ClusterConfig, IPAddressPool, Namespace, Service } from '../model/types.ts';

export interface Allocation {
  /** `namespace/name`. */
  service: string;
  /** Canonical addresses, primary family first. */
  ips: string[];
  pool: string;
}

/** A Service that could not be given addresses; the rest of the cluster is unaffected. */
export interface ServiceError {
  service: string;
  code: string;
  message: string;
  file: string;
  line: number;
}

export const ANNOTATION_IPS = ['metallb.io/loadBalancerIPs', 'metallb.universe.tf/loadBalancerIPs'] as const;
export const ANNOTATION_POOL = ['metallb.io/address-pool', 'metallb.universe.tf/address-pool'] as const;
export const ANNOTATION_SHARED = [
  'metallb.io/allow-shared-ip',
  'metallb.universe.tf/allow-shared-ip',
] as const;

/** The first annotation present, new name before the `metallb.universe.tf/` fallback. */
export function annotation(svc: Service, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = svc.annotations[n];
    if (v !== undefined) return v;
  }
  return undefined;
}

interface Holder {
  pool: string;
  sharingKey?: string;
  /** MetalLB k8salloc.BackendKey: the selector under externalTrafficPolicy Local, else empty. */
  backendKey: string;
  /** service key -> its `PROTO/port` list. */
  services: Map<string, string[]>;
}

interface PoolState {
  pool: IPAddressPool;
  byFamily: Record<Family, Cidr[]>;
  /** Scan position per family: index into byFamily and the next address to try. */
  cursor: Record<Family, { idx: number; next: bigint }>;
  /** Addresses released behind the cursor, ascending. */
  freed: Record<Family, bigint[]>;
}

const famName = (f: Family): 'IPv4' | 'IPv6' => (f === 4 ? 'IPv4' : 'IPv6');

type Result = { ok: true; allocation: Allocation } | { ok: false; error: ServiceError };

export class Allocator {
  private readonly pools: PoolState[];
  private readonly used: Record<Family, Map<bigint, Holder>> = { 4: new Map(), 6: new Map() };
  /** sharing key -> addresses held under it. */
  private readonly byKey = new Map<string, Set<IP>>();
  private readonly assigned = new Map<string, { ips: IP[]; pool: string }>();

  /** serviceAllocation.namespaceSelectors resolved against the Namespace objects. */
  private readonly poolNamespaces = new Map<string, Set<string>>();

  constructor(pools: readonly IPAddressPool[], namespaces: readonly Namespace[] = []) {
    for (const p of pools) {
      const sa = p.serviceAllocation;
      if (!sa) continue;
      const set = new Set(sa.namespaces);
      for (const ns of namespaces)
        if (sa.namespaceSelectors.some((s) => anySelectorMatches([s], ns.labels))) set.add(ns.name);
      this.poolNamespaces.set(p.name, set);
    }
    this.pools = [...pools]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((pool) => {
        // The addresses in the order written (MetalLB internal/allocator getIPFromCIDR walks pool.CIDR
        // as the pool lists it), not sorted.
        const written = pool.entries.flatMap((e) => e.cidrs);
        const byFamily = {
          4: written.filter((c) => c.family === 4),
          6: written.filter((c) => c.family === 6),
        };
        return {
          pool,
          byFamily,
          cursor: {
            4: { idx: 0, next: byFamily[4][0]?.addr ?? 0n },
            6: { idx: 0, next: byFamily[6][0]?.addr ?? 0n },
          },
          freed: { 4: [], 6: [] },
        };
      });
  }

  /** True when the Service asks for particular addresses (these are served before auto-assignment). */
  static requestsIPs(svc: Service): boolean {
    return annotation(svc, ANNOTATION_IPS) !== undefined || svc.loadBalancerIP !== undefined;
  }

  /** True when the Service's status already holds addresses (a live cluster's dump). */
  static holdsIPs(svc: Service): boolean {
    return !Allocator.requestsIPs(svc) && svc.statusIPs.length > 0;
  }

  /** No Service holds this address. */
  isFree(ip: IP): boolean {
    return !this.used[ip.family].has(ip.value);
  }

  assign(svc: Service): Result {
    const fail = (code: string, message: string): Result => ({
      ok: false,
      error: { service: svc.key, code, message, file: svc.src.file, line: svc.src.line },
    });
    if (this.assigned.has(svc.key)) this.release(svc.key);
    const fams = svc.ipFamilies;
    if (svc.ipFamilyPolicy === 'SingleStack' && fams.length > 1) {
      return fail(
        'INVALID_IP_FAMILIES',
        `ipFamilyPolicy SingleStack allows one entry in ipFamilies, got ${fams.join(', ')}`,
      );
    }
    const primary: Family = fams[0] === 'IPv6' ? 6 : 4;
    const order: Family[] =
      svc.ipFamilyPolicy === 'SingleStack' ? [primary] : [primary, primary === 4 ? 6 : 4];
    const sharingKey = annotation(svc, ANNOTATION_SHARED);
    const backendKey = backendKeyOf(svc);
    const ports = svc.ports.map((p) => `${p.protocol}/${p.port}`);
    const poolName = annotation(svc, ANNOTATION_POOL);
    const namedPool = poolName === undefined ? undefined : this.pools.find((p) => p.pool.name === poolName);
    if (poolName !== undefined && !namedPool) {
      return fail(
        'UNKNOWN_POOL',
        `annotation ${ANNOTATION_POOL[0]} names pool ${JSON.stringify(poolName)}, which does not exist; defined pools: ${this.pools.map((p) => p.pool.name).join(', ') || '(none)'}`,
      );
    }

    const annotated = annotation(svc, ANNOTATION_IPS);
    if (annotated !== undefined && svc.loadBalancerIP !== undefined) {
      return fail(
        'CONFLICTING_IP_REQUEST',
        `both the ${ANNOTATION_IPS[0]} annotation and spec.loadBalancerIP are set; use only the annotation`,
      );
    }
    const requestText = annotated ?? svc.loadBalancerIP;
    if (requestText === undefined && svc.statusIPs.length > 0) {
      // The controller's earlier answer (status.loadBalancer.ingress) stays while it is still valid,
      // as MetalLB's controller keeps a Service's current IPs (controller/service.go convergeService);
      // otherwise the Service is allocated afresh.
      const kept = this.assign({ ...svc, loadBalancerIP: svc.statusIPs.join(','), statusIPs: [] });
      if (kept.ok) return kept;
    }
    if (requestText !== undefined) {
      const texts = requestText
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      const ips: IP[] = [];
      for (const t of texts) {
        const ip = parseIP(t);
        if (!ip)
          return fail(
            'INVALID_REQUESTED_IP',
            `requested address ${JSON.stringify(t)} is not an IPv4 or IPv6 address`,
          );
        if (ips.some((x) => x.family === ip.family))
          return fail(
            'INVALID_REQUESTED_IP',
            `at most one ${famName(ip.family)} address may be requested, got ${requestText}`,
          );
        ips.push(ip);
      }
      if (ips.length === 0)
        return fail('INVALID_REQUESTED_IP', `the request ${JSON.stringify(requestText)} holds no address`);
      if (ips.length > 1 && svc.ipFamilyPolicy === 'SingleStack')
        return fail(
          'IP_FAMILY_MISMATCH',
          `a SingleStack Service may request one address, got ${ips.length}; set ipFamilyPolicy to PreferDualStack or RequireDualStack`,
        );
      if (ips.length === 1 && svc.ipFamilyPolicy === 'RequireDualStack')
        return fail(
          'IP_FAMILY_MISMATCH',
          'a RequireDualStack Service must request one IPv4 and one IPv6 address',
        );
      if (
        ips.length === 1 &&
        fams.length > 0 &&
        svc.ipFamilyPolicy === 'SingleStack' &&
        ips[0]!.family !== primary
      ) {
        return fail(
          'IP_FAMILY_MISMATCH',
          `requested ${famName(ips[0]!.family)} address ${formatIP(ips[0]!)} but ipFamilies is ${fams.join(', ')}`,
        );
      }
      ips.sort((a, b) => (a.family === b.family ? 0 : a.family === primary ? -1 : 1));
      const ps = this.pools.find((p) => ips.every((ip) => this.inPool(p, ip)));
      if (!ps) {
        const txt = ips.map(formatIP).join(', ');
        return fail(
          'IP_NOT_IN_POOL',
          `requested ${txt} ${ips.length > 1 ? 'are not all in one pool' : 'is in no pool'} (addresses avoided by avoidBuggyIPs do not count); pools: ${this.pools.map((p) => `${p.pool.name} (${p.pool.entries.map((e) => e.text).join(', ')})`).join('; ') || '(none)'}`,
        );
      }
      if (namedPool && namedPool !== ps)
        return fail(
          'IP_NOT_IN_POOL',
          `requested ${ips.map(formatIP).join(', ')} is in pool ${JSON.stringify(ps.pool.name)}, not in the pool ${JSON.stringify(poolName)} named by the annotation`,
        );
      for (const ip of ips) {
        const h = this.used[ip.family].get(ip.value);
        if (h && !this.compatible(h, sharingKey, backendKey, ports)) {
          return fail(
            'IP_IN_USE',
            `${formatIP(ip)} is already used by ${[...h.services.keys()].join(', ')}${sharingKey === undefined ? '' : ' (with a different sharing key or clashing ports)'}; share it with the same ${ANNOTATION_SHARED[0]} key and distinct ports, or ask for another address`,
          );
        }
      }
      return this.commit(svc.key, ps, ips, sharingKey, backendKey, ports);
    }

    const candidates = namedPool ? [namedPool] : this.autoPoolsFor(svc);
    if (candidates.length === 0) {
      return fail(
        'NO_POOL',
        'no pool assigns addresses automatically (all have autoAssign: false); request an address or a pool by name',
      );
    }
    const tryFamilies = (want: Family[]): Result | undefined => {
      for (const ps of candidates) {
        const ips: IP[] = [];
        for (const f of want) {
          const ip = this.lowestAvailable(ps, f, sharingKey, backendKey, ports);
          if (!ip) break;
          ips.push(ip);
        }
        if (ips.length === want.length) return this.commit(svc.key, ps, ips, sharingKey, backendKey, ports);
      }
      return undefined;
    };
    const got =
      tryFamilies(order) ?? (svc.ipFamilyPolicy === 'PreferDualStack' ? tryFamilies([primary]) : undefined);
    if (got) return got;
    const what =
      order.length === 2
        ? 'a free IPv4 and a free IPv6 address in one pool'
        : `a free ${famName(primary)} address`;
    return fail(
      'POOL_EXHAUSTED',
      `no ${namedPool ? `address in pool ${JSON.stringify(poolName)}` : 'auto-assign pool'} has ${what} (pools tried: ${candidates.map((p) => p.pool.name).join(', ')})`,
    );
  }

  release(key: string): boolean {
    const a = this.assigned.get(key);
    if (!a) return false;
    this.assigned.delete(key);
    const ps = this.pools.find((p) => p.pool.name === a.pool)!;
    for (const ip of a.ips) {
      const h = this.used[ip.family].get(ip.value);
      if (!h) continue;
      h.services.delete(key);
      if (h.services.size === 0) {
        this.used[ip.family].delete(ip.value);
        if (h.sharingKey !== undefined) {
          const set = this.byKey.get(h.sharingKey);
          if (set) for (const x of set) if (x.family === ip.family && x.value === ip.value) set.delete(x);
        }
        insertSorted(ps.freed[ip.family], ip.value);
      }
    }
    return true;
  }

  /**
   * MetalLB internal/allocator pinnedPoolsForService + isPoolCompatibleWithService + sortPools: the
   * auto-assign pools whose serviceAllocation takes this Service (namespaces, namespaceSelectors,
   * serviceSelectors; none of them = every Service), by priority (lower first, 0 last), then the
   * auto-assign pools without serviceAllocation.
   */
  private autoPoolsFor(svc: Service): PoolState[] {
    const pinned = this.pools.filter((p) => {
      const sa = p.pool.serviceAllocation;
      if (!p.pool.autoAssign || !sa) return false;
      const ns = this.poolNamespaces.get(p.pool.name)!;
      const anyRule = ns.size > 0 || sa.namespaceSelectors.length > 0 || sa.serviceSelectors.length > 0;
      if (!anyRule) return true;
      if (ns.size > 0 && !ns.has(svc.namespace)) return false;
      if (ns.size === 0 && sa.namespaceSelectors.length > 0 && sa.serviceSelectors.length === 0) return false;
      if (sa.serviceSelectors.length > 0) return anySelectorMatches(sa.serviceSelectors, svc.labels);
      return true;
    });
    const prio = (p: PoolState) => p.pool.serviceAllocation!.priority || Number.MAX_SAFE_INTEGER;
    pinned.sort((a, b) => prio(a) - prio(b));
    return [...pinned, ...this.pools.filter((p) => p.pool.autoAssign && !p.pool.serviceAllocation)];
  }

  private inPool(ps: PoolState, ip: IP): boolean {
    if (ps.pool.avoidBuggyIPs && isBuggyIP(ip)) return false;
    return ps.byFamily[ip.family].some((c) => cidrContains(c, ip));
  }

  /**
   * MetalLB internal/allocator sharingOK + checkSharing: same non-empty sharing key, same backend key
   * (so two Local Services sharing an IP select the same pods and one IP never gets two L2 owners),
   * no port in common.
   */
  private compatible(
    h: Holder,
    sharingKey: string | undefined,
    backendKey: string,
    ports: readonly string[],
  ): boolean {
    if (sharingKey === undefined || h.sharingKey !== sharingKey || h.backendKey !== backendKey) return false;
    for (const theirs of h.services.values()) if (theirs.some((p) => ports.includes(p))) return false;
    return true;
  }

  /** The lowest address of `f` in the pool that is free or shareable with this Service. */
  private lowestAvailable(
    ps: PoolState,
    f: Family,
    sharingKey: string | undefined,
    backendKey: string,
    ports: readonly string[],
  ): IP | undefined {
    let best: bigint | undefined;
    if (sharingKey !== undefined) {
      for (const ip of this.byKey.get(sharingKey) ?? []) {
        if (ip.family !== f || (best !== undefined && ip.value >= best)) continue;
        const h = this.used[f].get(ip.value);
        if (h && h.pool === ps.pool.name && this.compatible(h, sharingKey, backendKey, ports))
          best = ip.value;
      }
    }
    const free = this.firstFree(ps, f);
    if (free !== undefined && (best === undefined || free < best)) best = free;
    return best === undefined ? undefined : { family: f, value: best };
  }

  private usable(ps: PoolState, f: Family, v: bigint): boolean {
    return !this.used[f].has(v) && !(ps.pool.avoidBuggyIPs && isBuggyIP({ family: f, value: v }));
  }

  /** Lowest free address: released ones behind the cursor first, else scan forward (amortised O(1)). */
  private firstFree(ps: PoolState, f: Family): bigint | undefined {
    const freed = ps.freed[f];
    while (freed.length > 0 && !this.usable(ps, f, freed[0]!)) freed.shift();
    const cidrs = ps.byFamily[f];
    const cur = ps.cursor[f];
    let scanned: bigint | undefined;
    while (cur.idx < cidrs.length) {
      const c = cidrs[cur.idx]!;
      if (cur.next > cidrLast(c)) {
        cur.idx++;
        if (cur.idx < cidrs.length) cur.next = cidrFirst(cidrs[cur.idx]!);
        continue;
      }
      if (this.usable(ps, f, cur.next)) {
        scanned = cur.next;
        break;
      }
      cur.next++;
    }
    const fromFreed = freed[0];
    if (fromFreed === undefined) return scanned;
    return scanned === undefined || fromFreed < scanned ? fromFreed : scanned;
  }

  private commit(
    key: string,
    ps: PoolState,
    ips: IP[],
    sharingKey: string | undefined,
    backendKey: string,
    ports: string[],
  ): Result {
    for (const ip of ips) {
      let h = this.used[ip.family].get(ip.value);
      if (!h) {
        h = {
          pool: ps.pool.name,
          ...(sharingKey !== undefined ? { sharingKey } : {}),
          backendKey,
          services: new Map(),
        };
        this.used[ip.family].set(ip.value, h);
        if (sharingKey !== undefined) {
          let set = this.byKey.get(sharingKey);
          if (!set) this.byKey.set(sharingKey, (set = new Set()));
          set.add(ip);
        }
      }
      h.services.set(key, ports);
    }
    this.assigned.set(key, { ips, pool: ps.pool.name });
    return { ok: true, allocation: { service: key, ips: ips.map(formatIP), pool: ps.pool.name } };
  }
}

export function compareServiceKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every LoadBalancer Service of the config, deterministically (see the file comment). */
export function allocate(config: ClusterConfig): { allocations: Allocation[]; errors: ServiceError[] } {
  const { allocations, errors } = allocateKeepingState(config);
  return { allocations, errors };
}

/** allocate(), also handing back the Allocator holding the result (a speaker then changes single Services). */
export function allocateKeepingState(config: ClusterConfig): {
  allocations: Allocation[];
  errors: ServiceError[];
  allocator: Allocator;
} {
  const alloc = new Allocator(config.pools, config.namespaces ?? []);
  const lbs = config.services
    .filter((s) => s.type === 'LoadBalancer' && isOurClass(s, config.speaker?.loadBalancerClass))
    .sort((a, b) => compareServiceKeys(a.key, b.key));
  const allocations: Allocation[] = [];
  const errors: ServiceError[] = [];
  // Requests first, then addresses a Service already holds (its status), then everything else.
  const ordered = [
    ...lbs.filter((s) => Allocator.requestsIPs(s)),
    ...lbs.filter((s) => Allocator.holdsIPs(s)),
    ...lbs.filter((s) => !Allocator.requestsIPs(s) && !Allocator.holdsIPs(s)),
  ];
  for (const s of ordered) {
    const r = alloc.assign(s);
    if (r.ok) allocations.push(r.allocation);
    else errors.push(r.error);
  }
  allocations.sort((a, b) => compareServiceKeys(a.service, b.service));
  errors.sort((a, b) => compareServiceKeys(a.service, b.service));
  return { allocations, errors, allocator: alloc };
}

/**
 * MetalLB internal/k8s/controllers/service_controller.go filterByLoadBalancerClass: without a class of
 * its own the speaker takes only Services without a class; with one, only Services of that class.
 */
export function isOurClass(svc: Service, speakerClass: string | undefined): boolean {
  return (svc.loadBalancerClass ?? '') === (speakerClass ?? '');
}

/** MetalLB internal/allocator/k8salloc BackendKey: the selector (sorted k=v) under Local, else empty. */
export function backendKeyOf(svc: Service): string {
  if (svc.externalTrafficPolicy !== 'Local') return '';
  return Object.keys(svc.selector)
    .sort()
    .map((k) => `${k}=${svc.selector[k]}`)
    .join(',');
}

/** Canonical IP order (IPv4 first, numeric); exported for callers that sort addresses. */
export function compareIPText(a: string, b: string): number {
  return compareIP(parseIP(a)!, parseIP(b)!);
}
