import type { PeerRouter } from './peer-router.ts';

/**
 * What FRR's `show bgp neighbors json` tells about a session, independent of the speaker: who opened
 * the TCP connection (ports), how often it came up and went down, the ROUTE-REFRESH and UPDATE counters,
 * and the last NOTIFICATION. The router is the independent observer the suite judges a speaker by.
 */
export interface NeighborFacts {
  state: string;
  /** The router's end and the speaker's end of the TCP connection (while one exists). */
  localPort?: number;
  foreignPort?: number;
  connectionsEstablished: number;
  connectionsDropped: number;
  routeRefreshSent: number;
  updatesReceived: number;
  notificationsReceived: number;
  lastResetDueTo?: string;
}

interface NeighborJson {
  bgpState?: string;
  portLocal?: number;
  portForeign?: number;
  connectionsEstablished?: number;
  connectionsDropped?: number;
  lastResetDueTo?: string;
  messageStats?: { routeRefreshSent?: number; updatesRecv?: number; notificationsRecv?: number };
}

/** `show bgp neighbors json` -> facts per neighbour address. Pure. */
export function parseNeighborFacts(json: Record<string, NeighborJson>): Record<string, NeighborFacts> {
  return Object.fromEntries(
    Object.entries(json).map(([address, n]) => [
      address,
      {
        state: n.bgpState ?? 'unknown',
        ...(n.portLocal !== undefined ? { localPort: n.portLocal } : {}),
        ...(n.portForeign !== undefined ? { foreignPort: n.portForeign } : {}),
        connectionsEstablished: n.connectionsEstablished ?? 0,
        connectionsDropped: n.connectionsDropped ?? 0,
        routeRefreshSent: n.messageStats?.routeRefreshSent ?? 0,
        updatesReceived: n.messageStats?.updatesRecv ?? 0,
        notificationsReceived: n.messageStats?.notificationsRecv ?? 0,
        ...(n.lastResetDueTo ? { lastResetDueTo: n.lastResetDueTo } : {}),
      },
    ]),
  );
}

/** The facts from an FRR router; ROUTER_NOT_FRR for GoBGP or BIRD (these steps use FRR's counters). */
export async function neighborFacts(router: PeerRouter): Promise<Record<string, NeighborFacts>> {
  const r = router as PeerRouter & { json?: <T>(cmd: string) => Promise<T> };
  if (router.kind !== 'frr' || !r.json) throw new Error(`${router.name}: session counters are read from FRR`);
  return parseNeighborFacts(await r.json<Record<string, NeighborJson>>('show bgp neighbors json'));
}
