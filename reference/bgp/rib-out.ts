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

  /** Everything, for a fresh session or a ROUTE-REFRESH. */
  all(): AnnouncedRoute[] {
    return [...this.sent.values()].map((e) => e.route);
  }

  get size(): number {
    return this.sent.size;
  }
}
