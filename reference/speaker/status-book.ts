import type { ServiceStatuses } from '../plan/explain.ts';
import type { StatusPatch } from './live-state.ts';
import { insertSorted, removeSorted } from '../../common/sorted.ts';

type One = { bgp: ServiceStatuses['bgp']; l2: ServiceStatuses['l2'] };

/**
 * This node's Service statuses (`speaker --status`), by Service, so a reload that changed a few
 * Services replaces just theirs; the sorted lists are built only when someone reads them.
 */
export class ServiceStatusBook {
  private readonly byService = new Map<string, One>();
  private cached?: ServiceStatuses;
  /** Per Service, its entries as JSON (bgp, l2), so writing the status file does not re-serialise 50k objects. */
  private readonly json = new Map<string, { bgp: string; l2: string }>();
  /** Service keys in order, kept sorted as Services come and go. */
  private keys?: string[];
  /** Patches applied since the last takePatches (what a status journal appends). */
  private pending: StatusPatch[] = [];

  takePatches(): StatusPatch[] {
    const p = this.pending;
    this.pending = [];
    return p;
  }

  constructor(all: ServiceStatuses) {
    for (const s of all.bgp) this.entry(`${s.serviceNamespace}/${s.serviceName}`).bgp.push(s);
    for (const s of all.l2) this.entry(`${s.serviceNamespace}/${s.serviceName}`).l2.push(s);
    this.cached = all;
  }

  patch(p: StatusPatch): void {
    if (p.keys.length === 0) return;
    this.pending.push(p);
    // many keys at once (an aggregate came or went): re-sorting once beats one splice per key
    if (p.keys.length > 64) this.keys = undefined;
    for (const k of p.keys) {
      this.json.delete(k);
      if (this.byService.delete(k) && this.keys) removeSorted(this.keys, k);
    }
    for (const s of p.statuses.bgp) this.entry(`${s.serviceNamespace}/${s.serviceName}`).bgp.push(s);
    for (const s of p.statuses.l2) this.entry(`${s.serviceNamespace}/${s.serviceName}`).l2.push(s);
    this.cached = undefined;
  }

  /** Every status, Services in key order (as serviceStatuses lists them). */
  all(): ServiceStatuses {
    if (this.cached) return this.cached;
    const out: ServiceStatuses = { bgp: [], l2: [] };
    for (const k of [...this.byService.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      const one = this.byService.get(k)!;
      for (const s of one.bgp) out.bgp.push(s);
      for (const s of one.l2) out.l2.push(s);
    }
    this.cached = out;
    return out;
  }

  /** all() as compact JSON, built from per-Service pieces (the status file at 50k Services). */
  toJSON(): string {
    this.keys ??= [...this.byService.keys()].sort(cmpStr);
    const bgp: string[] = [];
    const l2: string[] = [];
    for (const k of this.keys) {
      let j = this.json.get(k);
      if (!j) {
        const one = this.byService.get(k)!;
        j = {
          bgp: one.bgp.map((x) => JSON.stringify(x)).join(','),
          l2: one.l2.map((x) => JSON.stringify(x)).join(','),
        };
        this.json.set(k, j);
      }
      if (j.bgp) bgp.push(j.bgp);
      if (j.l2) l2.push(j.l2);
    }
    return `{"bgp":[${bgp.join(',')}],"l2":[${l2.join(',')}]}`;
  }

  private entry(key: string): One {
    let e = this.byService.get(key);
    if (!e) {
      this.byService.set(key, (e = { bgp: [], l2: [] }));
      if (this.keys) insertSorted(this.keys, key);
    }
    return e;
  }
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
