import { attributeKey, type AnnouncedRoute } from './route.ts';

export interface RibDiff {
  /** New routes and routes whose attributes changed (re-announced: an implicit replace). */
  announce: AnnouncedRoute[];
  /** Prefixes no longer wanted. */
  withdraw: string[];
}

/**
 * What one peer has been told. A new desired set yields only the difference: an unchanged route is
 * never re-sent and a changed one is replaced in place, never withdrawn first (no flap).
 */
export class AdjRibOut {
  private sent = new Map<string, { key: string; route: AnnouncedRoute }>();

  setDesired(routes: readonly AnnouncedRoute[]): RibDiff {
    const next = new Map<string, { key: string; route: AnnouncedRoute }>();
    for (const r of routes) next.set(r.prefix, { key: attributeKey(r), route: r });
    const announce: AnnouncedRoute[] = [];
    for (const [prefix, entry] of next) {
      if (this.sent.get(prefix)?.key !== entry.key) announce.push(entry.route);
    }
    const withdraw = [...this.sent.keys()].filter((p) => !next.has(p));
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
