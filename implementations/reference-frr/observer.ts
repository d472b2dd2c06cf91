/**
 * Turns what bgpd reports (`show bgp neighbors json`, polled) into the speaker's JSON-line events, the
 * vocabulary the suite reads from every speaker log: session state changes, a hold timer we declared
 * expired (we sent NOTIFICATION 4/0), ROUTE-REFRESH received (bgpd answers it by re-sending), and
 * NOTIFICATIONs. Counters, not states, drive the events, so a change between two polls is not lost.
 */
import type { Logger } from '../../common/log.ts';

/** The parts of one neighbour in `show bgp neighbors json` we read. */
export interface FrrNeighborJson {
  bgpState?: string;
  connectionsEstablished?: number;
  connectionsDropped?: number;
  lastResetDueTo?: string;
  lastErrorCodeSubcode?: string;
  lastNotificationReason?: string;
  messageStats?: {
    routeRefreshRecv?: number;
    notificationsSent?: number;
    notificationsRecv?: number;
    updatesSent?: number;
  };
}

export interface NeighborEvent {
  level: 'info' | 'warn';
  event: string;
  fields: Record<string, unknown>;
}

/** Events between two polls. `names` maps a neighbour address to its BGPPeer name. */
export function neighborEvents(
  prev: Record<string, FrrNeighborJson>,
  cur: Record<string, FrrNeighborJson>,
  names: ReadonlyMap<string, string>,
): NeighborEvent[] {
  const out: NeighborEvent[] = [];
  for (const [address, n] of Object.entries(cur)) {
    const p = prev[address] ?? {};
    const peer = names.get(address) ?? address;
    const grew = (f: (x: FrrNeighborJson) => number | undefined): number =>
      Math.max(0, (f(n) ?? 0) - (f(p) ?? 0));
    const dropped = grew((x) => x.connectionsDropped);
    if (
      dropped > 0 &&
      n.lastResetDueTo === 'BGP Notification send' &&
      n.lastErrorCodeSubcode?.startsWith('04')
    ) {
      out.push({ level: 'warn', event: 'bgp.hold-timer.expired', fields: { peer, address } });
    }
    const sent = grew((x) => x.messageStats?.notificationsSent);
    const recv = grew((x) => x.messageStats?.notificationsRecv);
    if (sent || recv) {
      out.push({
        level: 'warn',
        event: sent ? 'bgp.notification.sent' : 'bgp.notification.received',
        fields: { peer, address, code: n.lastErrorCodeSubcode, reason: n.lastNotificationReason },
      });
    }
    const from = p.bgpState ?? 'Idle';
    const to = n.bgpState ?? 'unknown';
    if (from !== to || dropped > 0 || grew((x) => x.connectionsEstablished) > 0) {
      out.push({
        level: 'info',
        event: 'bgp.session.state',
        fields: { peer, address, from, to, ...(dropped ? { dropped, reason: n.lastResetDueTo } : {}) },
      });
    }
    const refreshes = grew((x) => x.messageStats?.routeRefreshRecv);
    if (refreshes > 0)
      out.push({ level: 'info', event: 'bgp.route-refresh', fields: { peer, address, received: refreshes } });
  }
  return out;
}

/** Polls bgpd every `intervalMs` and logs the events; stop() waits for a poll in flight. */
export function observeNeighbors(
  read: () => Promise<Record<string, FrrNeighborJson>>,
  names: () => ReadonlyMap<string, string>,
  log: Logger,
  intervalMs: number,
): { stop(): Promise<void>; latest(): Record<string, FrrNeighborJson> } {
  let prev: Record<string, FrrNeighborJson> = {};
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const poll = async (): Promise<void> => {
    try {
      const cur = await read();
      for (const e of neighborEvents(prev, cur, names())) log[e.level](e.event, e.fields);
      prev = cur;
    } catch (err) {
      log.debug('frr.poll.failed', { error: err as Error });
    }
    if (!stopped) timer = setTimeout(() => (inFlight = poll()), intervalMs);
  };
  inFlight = poll();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
    },
    latest: () => prev,
  };
}
