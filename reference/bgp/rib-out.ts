import type { Cidr } from '../model/ip.ts';
import type { AnnouncedRoute } from '../model/route.ts';
import { attributeKey, prefixKey } from './route.ts';

export interface RibDiff {
  /** New routes and routes whose attributes changed (re-announced: an implicit replace). */
  announce: AnnouncedRoute[];
  /** Prefixes no longer wanted. */
  withdraw: Cidr[];
}

/**
 * What one peer has been told. A new desired set yields only the difference: an unchanged route is
 * never re-sent and a changed one is replaced in place, never withdrawn first (no flap).
 */
export class AdjRibOut {
  private sent = new Map<string, { key: string; route: AnnouncedRoute }>();

  setDesired(routes: readonly AnnouncedRoute[]): RibDiff {
    const next = new Map<string, { key: string; route: AnnouncedRoute }>();
    for (const r of routes) next.set(prefixKey(r), { key: attributeKey(r), route: r });
    const announce: AnnouncedRoute[] = [];
    for (const [prefix, entry] of next) {
      if (this.sent.get(prefix)?.key !== entry.key) announce.push(entry.route);
    }
    const withdraw = [...this.sent].filter(([p]) => !next.has(p)).map(([, e]) => e.route.prefix);
    this.sent = next;
    return { announce, withdraw };
  }

  /**
   * A few routes changed (announce: new or changed; withdraw: prefix keys no longer wanted): the same
   * difference setDesired would give for the whole set with those changes, without walking it.
   */
  patch(routes: readonly AnnouncedRoute[], withdrawKeys: readonly string[]): RibDiff {
    const withdraw: Cidr[] = [];
    for (const p of withdrawKeys) {
      const e = this.sent.get(p);
      if (!e) continue;
      this.sent.delete(p);
      withdraw.push(e.route.prefix);
    }
    const announce: AnnouncedRoute[] = [];
    for (const r of routes) {
      const p = prefixKey(r);
      const key = attributeKey(r);
      if (this.sent.get(p)?.key === key) continue;
      this.sent.set(p, { key, route: r });
      announce.push(r);
    }
    return { announce, withdraw };
  }

  /** Everything, for a fresh session or a ROUTE-REFRESH. */
  all(): AnnouncedRoute[] {
    return [...this.sent.values()].map((e) => e.route);
  }

  get size(): number {
    return this.sent.size;
  }
}
