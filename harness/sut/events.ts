/**
 * The speaker events the suite may read, with the capability that declares them. They are optional
 * extras beside what routers, the wire and hosts show: a SUT that does not declare an event's capability
 * is judged without it. A SUT that declares one writes JSON lines (`{"event": NAME, ...fields}`, other
 * lines ignored) to its output, the file the harness gives it as `NodeContext.logFile`.
 */
export interface EventSpec {
  name: string;
  capability: string;
  fields: string;
  meaning: string;
}

export const eventCatalogue: readonly EventSpec[] = [
  {
    name: 'config.rejected',
    capability: 'config-events',
    fields: 'errors: [{code, file?, line?, field?, message}]',
    meaning: 'the manifests are invalid; the speaker keeps its last good configuration',
  },
  {
    name: 'config.applied',
    capability: 'config-events',
    fields: '(any)',
    meaning: 'a valid configuration is now in effect',
  },
  {
    name: 'bgp.hold-timer.expired',
    capability: 'session-events',
    fields: 'peer?',
    meaning: 'the speaker sent NOTIFICATION 4/0 and dropped the session',
  },
  {
    name: 'bgp.route-refresh',
    capability: 'session-events',
    fields: 'peer?, afi?, safi?',
    meaning: 'a ROUTE-REFRESH was received (and answered by sending the routes again)',
  },
  {
    name: 'bgp.incoming.accepted',
    capability: 'session-events',
    fields: 'peer, remote ("address:port")',
    meaning: "a connection a configured peer opened became that peer's session",
  },
  {
    name: 'bgp.listener.refused',
    capability: 'session-events',
    fields: 'remote ("address:port")',
    meaning: 'a connection from an address that is no BGPPeer was closed',
  },
  {
    name: 'l2.announce.error',
    capability: 'l2-events',
    fields: 'ip, node, protocol (ARP or NDP), code',
    meaning: 'the elected node cannot announce the IP (e.g. none of the listed interfaces exists)',
  },
  {
    name: 'l2.forwarding.disabled',
    capability: 'l2-events',
    fields: 'iface, ip?',
    meaning: 'an IP is announced on an interface that does not forward (doc 27.2.9)',
  },
  {
    name: 'l2.membership.rejected',
    capability: 'membership-security',
    fields: 'from (address), reason (bad-mac, replay, ...)',
    meaning: 'a membership datagram was refused',
  },
  {
    name: 'membership.change',
    capability: 'membership-security',
    fields: 'reason, peer?',
    meaning: 'the set of alive nodes changed',
  },
];

export type EventName =
  | 'config.rejected'
  | 'config.applied'
  | 'bgp.hold-timer.expired'
  | 'bgp.route-refresh'
  | 'bgp.incoming.accepted'
  | 'bgp.listener.refused'
  | 'l2.announce.error'
  | 'l2.forwarding.disabled'
  | 'l2.membership.rejected'
  | 'membership.change';

export interface SpeakerEvent {
  event: string;
  /** Milliseconds since the epoch, from `ts` when present. */
  at?: number;
  [field: string]: unknown;
}

export function capabilityOf(name: EventName): string {
  return eventCatalogue.find((e) => e.name === name)!.capability;
}

/** JSON lines -> events (anything else, or a line still being written, is skipped). Pure. */
export function parseEvents(text: string): SpeakerEvent[] {
  return text.split('\n').flatMap((l) => {
    if (!l.startsWith('{')) return [];
    try {
      const o = JSON.parse(l) as SpeakerEvent & { ts?: string };
      if (typeof o.event !== 'string') return [];
      const at = o.ts ? Date.parse(o.ts) : Number.NaN;
      return [Number.isNaN(at) ? o : { ...o, at }];
    } catch {
      return [];
    }
  });
}

/** The catalogue as a Markdown table (README). */
export function eventTable(): string {
  return [
    '| Event | Capability | Fields | Meaning |',
    '|---|---|---|---|',
    ...eventCatalogue.map((e) => `| \`${e.name}\` | \`${e.capability}\` | ${e.fields} | ${e.meaning} |`),
  ].join('\n');
}
