import type { ServiceStatuses } from '../plan/explain.ts';
import type { StatusPatch } from './live-state.ts';

type One = { bgp: ServiceStatuses['bgp']; l2: ServiceStatuses['l2'] };

/**
 * This node's Service statuses (`speaker --status`), by Service, so a reload that changed a few
 * Services replaces just theirs; the sorted lists are built only when someone reads them.
 */
export class ServiceStatusBook {
  private readonly byService = new Map<string, One>();
  private cached?: ServiceStatuses;
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
    for (const k of p.keys) this.byService.delete(k);
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

  /** all() as compact JSON (a status snapshot: written at a full state or when the journal outgrows it). */
  toJSON(): string {
    return JSON.stringify(this.all());
  }

  private entry(key: string): One {
    let e = this.byService.get(key);
    if (!e) this.byService.set(key, (e = { bgp: [], l2: [] }));
    return e;
  }
}
