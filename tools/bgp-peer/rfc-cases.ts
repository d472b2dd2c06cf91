/**
 * The one table of malformed-input cases (RFC 4271 section 6, RFC 7606, RFC 4760/8092 where they
 * refine it). Each case is a full message (or bytes) a scripted peer sends at a given point of the
 * handshake, and what a conforming speaker must do:
 *  - `{ notification: [code, subcode] }`: send exactly this NOTIFICATION and drop the connection;
 *  - 'treat-as-withdraw' / 'attribute-discard' (RFC 7606 section 2): keep the session Established,
 *    send no NOTIFICATION (proved by a round trip and a later KEEPALIVE from the speaker);
 *  - 'session-drops': the peer sent a NOTIFICATION: close without answering it, then reconnect.
 * Used by rfc-cases.test.ts against the reference speaker, and usable against any SUT reachable
 * with a scripted peer.
 */
import {
  encodeKeepalive,
  encodeNotification,
  encodeOpen,
  encodeRouteRefresh,
  frame,
  ourCapabilities,
  MessageType,
} from '../../reference/bgp/messages.ts';
import { encodeUpdateRaw } from '../../reference/bgp/update.ts';

export interface CaseContext {
  /** The scripted peer's ASN (what the speaker is configured to expect). */
  peerAsn: number;
  /** The speaker's own ASN. */
  speakerAsn: number;
  peerRouterId: string;
  /** Hold time the peer would normally offer. */
  holdTime: number;
}

/**
 * The two halves of the table, each its own scenario (features/bgp-wire.feature): `update` is the
 * UPDATE error handling of RFC 4271 6.3 and RFC 7606, `session` everything else (header, OPEN and FSM
 * errors, a NOTIFICATION from the peer).
 */
export type CaseArea = 'session' | 'update';

export function caseArea(c: Pick<RfcCase, 'name'>): CaseArea {
  return c.name.startsWith('UPDATE:') ? 'update' : 'session';
}

/**
 * When the bytes are sent:
 *  - 'open': instead of the peer's OPEN, in answer to the speaker's OPEN (speaker in OpenSent);
 *  - 'open-sent': after the speaker's OPEN, before any OPEN from the peer (speaker in OpenSent);
 *  - 'open-confirm': after the peer's valid OPEN, before its KEEPALIVE (speaker in OpenConfirm);
 *  - 'established': once the session is Established.
 */
export type CasePhase = 'open' | 'open-sent' | 'open-confirm' | 'established';

export type CaseOutcome =
  | {
      notification: [code: number, subcode: number] /** The NOTIFICATION's data, when the RFC fixes it. */;
      data?: Buffer;
      /** Other answers a later RFC makes as conformant (RFC 6608's FSM subcodes for 5/0). */
      alsoAccepted?: { notification: [code: number, subcode: number]; rfc: string }[];
    }
  | 'treat-as-withdraw'
  | 'attribute-discard'
  | 'session-drops';

export interface RfcCase {
  name: string;
  /** The clause that fixes the outcome, e.g. 'RFC 4271 6.1' or 'RFC 7606 7.8'. */
  rfc: string;
  phase: CasePhase;
  bytes: (ctx: CaseContext) => Buffer;
  expect: CaseOutcome;
}

export const defaultContext: CaseContext = {
  peerAsn: 64501,
  speakerAsn: 64500,
  peerRouterId: '192.0.2.1',
  holdTime: 3,
};

// ---------------------------------------------------------------------------------------------
// Byte builders (exported: the fuzzer and other tests use the same valid seeds)

const FLAG_OPTIONAL = 0x80;
const FLAG_TRANSITIVE = 0x40;

/** One path attribute: flags, type, 1-octet length (or 2-octet with the extended flag), value. */
export function attr(flags: number, type: number, value: Buffer | number[]): Buffer {
  const v = Buffer.isBuffer(value) ? value : Buffer.from(value);
  const ext = (flags & 0x10) !== 0 || v.length > 255;
  const head = ext
    ? Buffer.from([flags | 0x10, type, v.length >> 8, v.length & 0xff])
    : Buffer.from([flags, type, v.length]);
  return Buffer.concat([head, v]);
}

const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

export const attrs = {
  origin: (v = 0): Buffer => attr(FLAG_TRANSITIVE, 1, [v]),
  /** One AS_SEQUENCE of 4-octet ASNs (both sides advertise capability 65). */
  asPath: (asns: number[]): Buffer => attr(FLAG_TRANSITIVE, 2, [2, asns.length, ...asns.flatMap(u32)]),
  nextHop: (ip = '192.0.2.1'): Buffer => attr(FLAG_TRANSITIVE, 3, ip.split('.').map(Number)),
  med: (v = 10): Buffer => attr(FLAG_OPTIONAL, 4, u32(v)),
  atomicAggregate: (): Buffer => attr(FLAG_TRANSITIVE, 6, []),
  aggregator: (asn: number, ip = '192.0.2.1'): Buffer =>
    attr(FLAG_OPTIONAL | FLAG_TRANSITIVE, 7, [...u32(asn), ...ip.split('.').map(Number)]),
  communities: (values: number[]): Buffer => attr(FLAG_OPTIONAL | FLAG_TRANSITIVE, 8, values.flatMap(u32)),
  largeCommunities: (values: [number, number, number][]): Buffer =>
    attr(FLAG_OPTIONAL | FLAG_TRANSITIVE, 32, values.flat().flatMap(u32)),
  /** MP_REACH_NLRI for IPv6 unicast: next hop 2001:db8::1, NLRI 2001:db8:1::/48. */
  mpReachV6: (): Buffer =>
    attr(FLAG_OPTIONAL, 14, [
      0,
      2,
      1,
      16,
      0x20,
      0x01,
      0x0d,
      0xb8,
      ...Array<number>(11).fill(0),
      1,
      0,
      48,
      0x20,
      0x01,
      0x0d,
      0xb8,
      0,
      1,
    ]),
  /** MP_UNREACH_NLRI for IPv6 unicast: 2001:db8:2::/48. */
  mpUnreachV6: (): Buffer => attr(FLAG_OPTIONAL, 15, [0, 2, 1, 48, 0x20, 0x01, 0x0d, 0xb8, 0, 2]),
};

/** 198.51.100.0/24 as NLRI. */
export const NLRI_V4 = Buffer.from([24, 198, 51, 100]);

/** The mandatory attributes of an eBGP announcement from the peer, in type order. */
export function baseAttributes(ctx: CaseContext): Buffer[] {
  return [attrs.origin(), attrs.asPath([ctx.peerAsn]), attrs.nextHop()];
}

/** A valid UPDATE from the peer announcing 198.51.100.0/24, with `replace` swapping attributes by type. */
export function validUpdate(
  ctx: CaseContext,
  extra: Buffer[] = [],
  replace: Record<number, Buffer | null> = {},
): Buffer {
  const list = baseAttributes(ctx)
    .map((a) => (a[1]! in replace ? replace[a[1]!] : a))
    .filter((a): a is Buffer => a !== null);
  return encodeUpdateRaw(Buffer.alloc(0), Buffer.concat([...list, ...extra]), NLRI_V4);
}

/** A richer valid UPDATE (many attributes, IPv4 and IPv6 NLRI, a withdrawal): the fuzzer's seed. */
export function richUpdate(ctx: CaseContext): Buffer {
  const attributes = Buffer.concat([
    ...baseAttributes(ctx),
    attrs.med(),
    attrs.atomicAggregate(),
    attrs.aggregator(ctx.peerAsn),
    attrs.communities([0xfde80064, 0xffffff01]),
    attrs.mpReachV6(),
    attrs.mpUnreachV6(),
    attrs.largeCommunities([[ctx.peerAsn, 1, 2]]),
    attr(FLAG_OPTIONAL | FLAG_TRANSITIVE, 99, [1, 2, 3]), // unknown optional transitive: kept
  ]);
  return encodeUpdateRaw(
    Buffer.from([32, 203, 0, 113, 7]),
    attributes,
    Buffer.concat([NLRI_V4, Buffer.from([32, 198, 51, 100, 9])]),
  );
}

export function peerOpen(
  ctx: CaseContext,
  o: { version?: number; asn?: number; holdTime?: number; routerId?: string; params?: Buffer } = {},
): Buffer {
  const asn = o.asn ?? ctx.peerAsn;
  const msg = encodeOpen({
    version: o.version ?? 4,
    asn,
    holdTime: o.holdTime ?? ctx.holdTime,
    routerId: o.routerId ?? ctx.peerRouterId,
    capabilities: ourCapabilities(asn),
  });
  if (!o.params) return msg;
  const body = Buffer.concat([msg.subarray(19, 28), Buffer.from([o.params.length]), o.params]);
  return frame(MessageType.Open, body);
}

/** Overwrites bytes at `offset` of a copy of `msg` (offsets count from the start of the header). */
export function patch(msg: Buffer, offset: number, bytes: number[]): Buffer {
  const out = Buffer.from(msg);
  Buffer.from(bytes).copy(out, offset);
  return out;
}

/** Replaces the 2-octet length field in the header (the message is not resized). */
export function withLength(msg: Buffer, length: number): Buffer {
  return patch(msg, 16, [length >> 8, length & 0xff]);
}

// ---------------------------------------------------------------------------------------------
// The table

export const rfcCases: RfcCase[] = [
  // Message header (RFC 4271 6.1): always fatal.
  {
    name: 'bad marker',
    rfc: 'RFC 4271 6.1',
    phase: 'established',
    bytes: () => patch(encodeKeepalive(), 3, [0xfe]),
    expect: { notification: [1, 1] },
  },
  {
    name: 'bad length: length field 18 (below the 19-octet header)',
    rfc: 'RFC 4271 6.1',
    phase: 'established',
    bytes: () => withLength(encodeKeepalive(), 18),
    expect: { notification: [1, 2], data: Buffer.from([0, 18]) },
  },
  {
    name: 'bad length: length field 4097 (above the maximum)',
    rfc: 'RFC 4271 6.1',
    phase: 'established',
    bytes: () => withLength(encodeKeepalive(), 4097),
    expect: { notification: [1, 2], data: Buffer.from([0x10, 0x01]) },
  },
  {
    name: 'bad length: KEEPALIVE with a 1-octet body',
    rfc: 'RFC 4271 6.1 / 4.4',
    phase: 'established',
    bytes: () => frame(MessageType.Keepalive, Buffer.from([0])),
    expect: { notification: [1, 2], data: Buffer.from([0, 20]) },
  },
  {
    name: 'bad length: ROUTE-REFRESH with a 3-octet body',
    rfc: 'RFC 4271 6.1 / RFC 2918 3',
    phase: 'established',
    bytes: () => frame(MessageType.RouteRefresh, Buffer.from([0, 1, 0])),
    expect: { notification: [1, 2], data: Buffer.from([0, 22]) },
  },
  {
    name: 'bad message type 9',
    rfc: 'RFC 4271 6.1',
    phase: 'established',
    bytes: () => frame(9, Buffer.alloc(0)),
    expect: { notification: [1, 3], data: Buffer.from([9]) },
  },

  // OPEN (RFC 4271 6.2)
  {
    name: 'OPEN: unsupported version 3',
    rfc: 'RFC 4271 6.2',
    phase: 'open',
    bytes: (c) => peerOpen(c, { version: 3 }),
    expect: { notification: [2, 1] },
  },
  {
    name: 'OPEN: bad peer AS',
    rfc: 'RFC 4271 6.2',
    phase: 'open',
    bytes: (c) => peerOpen(c, { asn: c.peerAsn + 1 }),
    expect: { notification: [2, 2] },
  },
  {
    name: 'OPEN: BGP identifier 0.0.0.0',
    rfc: 'RFC 4271 6.2',
    phase: 'open',
    bytes: (c) => peerOpen(c, { routerId: '0.0.0.0' }),
    expect: { notification: [2, 3] },
  },
  {
    name: 'OPEN: unacceptable hold time 1',
    rfc: 'RFC 4271 6.2',
    phase: 'open',
    bytes: (c) => peerOpen(c, { holdTime: 1 }),
    expect: { notification: [2, 6] },
  },
  {
    name: 'OPEN: unacceptable hold time 2',
    rfc: 'RFC 4271 6.2',
    phase: 'open',
    bytes: (c) => peerOpen(c, { holdTime: 2 }),
    expect: { notification: [2, 6] },
  },
  {
    name: 'OPEN: unsupported optional parameter (type 1, authentication)',
    rfc: 'RFC 4271 6.2',
    phase: 'open',
    bytes: (c) => peerOpen(c, { params: Buffer.from([1, 2, 0xab, 0xcd]) }),
    expect: { notification: [2, 4] },
  },

  // UPDATE errors RFC 7606 keeps fatal (session reset)
  {
    name: 'UPDATE: withdrawn routes length overruns the message',
    rfc: 'RFC 4271 6.3 / RFC 7606 4',
    phase: 'established',
    bytes: (c) => patch(validUpdate(c), 19, [0x00, 0xc8]),
    expect: { notification: [3, 1] },
  },
  {
    name: 'UPDATE: total path attribute length overruns the message',
    rfc: 'RFC 4271 6.3 / RFC 7606 4',
    phase: 'established',
    bytes: (c) => patch(validUpdate(c), 21, [0x01, 0x00]),
    expect: { notification: [3, 1] },
  },
  {
    name: 'UPDATE: an attribute length overruns the attribute list',
    rfc: 'RFC 4271 6.3 / RFC 7606 4',
    phase: 'established',
    bytes: (c) => validUpdate(c, [Buffer.from([0xc0, 8, 40, 0, 0, 0, 1])]),
    expect: { notification: [3, 1] },
  },
  {
    name: 'UPDATE: invalid NLRI prefix length 33',
    rfc: 'RFC 4271 6.3 / RFC 7606 5.3',
    phase: 'established',
    bytes: (c) =>
      encodeUpdateRaw(
        Buffer.alloc(0),
        Buffer.concat(baseAttributes(c)),
        Buffer.from([33, 198, 51, 100, 0, 0]),
      ),
    expect: { notification: [3, 10] },
  },
  {
    name: 'UPDATE: unrecognized well-known attribute (flags 0x40, type 99)',
    rfc: 'RFC 4271 6.3',
    phase: 'established',
    bytes: (c) => validUpdate(c, [attr(FLAG_TRANSITIVE, 99, [7])]),
    expect: { notification: [3, 2], data: Buffer.from([0x40, 99, 1, 7]) },
  },
  {
    name: 'UPDATE: MP_REACH_NLRI twice',
    rfc: 'RFC 7606 3.g',
    phase: 'established',
    bytes: (c) =>
      encodeUpdateRaw(
        Buffer.alloc(0),
        Buffer.concat([attrs.origin(), attrs.asPath([c.peerAsn]), attrs.mpReachV6(), attrs.mpReachV6()]),
        Buffer.alloc(0),
      ),
    expect: { notification: [3, 1] },
  },
  {
    name: 'UPDATE: MP_UNREACH_NLRI twice',
    rfc: 'RFC 7606 3.g',
    phase: 'established',
    bytes: () =>
      encodeUpdateRaw(
        Buffer.alloc(0),
        Buffer.concat([attrs.mpUnreachV6(), attrs.mpUnreachV6()]),
        Buffer.alloc(0),
      ),
    expect: { notification: [3, 1] },
  },

  // UPDATE errors RFC 7606 downgrades: the session stays up
  {
    name: 'UPDATE: ORIGIN value 3',
    rfc: 'RFC 7606 7.1',
    phase: 'established',
    bytes: (c) => validUpdate(c, [], { 1: attrs.origin(3) }),
    expect: 'treat-as-withdraw',
  },
  {
    name: 'UPDATE: ORIGIN with the optional flag',
    rfc: 'RFC 7606 3.c',
    phase: 'established',
    bytes: (c) => validUpdate(c, [], { 1: attr(FLAG_OPTIONAL | FLAG_TRANSITIVE, 1, [0]) }),
    expect: 'treat-as-withdraw',
  },
  {
    name: 'UPDATE: AS_PATH with segment type 5',
    rfc: 'RFC 7606 7.2',
    phase: 'established',
    bytes: (c) => validUpdate(c, [], { 2: attr(FLAG_TRANSITIVE, 2, [5, 1, ...u32(c.peerAsn)]) }),
    expect: 'treat-as-withdraw',
  },
  {
    name: 'UPDATE: AS_PATH segment overruns the attribute',
    rfc: 'RFC 7606 7.2',
    phase: 'established',
    bytes: (c) => validUpdate(c, [], { 2: attr(FLAG_TRANSITIVE, 2, [2, 3, ...u32(c.peerAsn)]) }),
    expect: 'treat-as-withdraw',
  },
  {
    name: 'UPDATE: NEXT_HOP length 5',
    rfc: 'RFC 7606 7.3',
    phase: 'established',
    bytes: (c) => validUpdate(c, [], { 3: attr(FLAG_TRANSITIVE, 3, [192, 0, 2, 1, 0]) }),
    expect: 'treat-as-withdraw',
  },
  {
    name: 'UPDATE: MULTI_EXIT_DISC length 3',
    rfc: 'RFC 7606 7.4',
    phase: 'established',
    bytes: (c) => validUpdate(c, [attr(FLAG_OPTIONAL, 4, [0, 0, 1])]),
    expect: 'treat-as-withdraw',
  },
  {
    name: 'UPDATE: COMMUNITIES length 3',
    rfc: 'RFC 7606 7.8',
    phase: 'established',
    bytes: (c) => validUpdate(c, [attr(FLAG_OPTIONAL | FLAG_TRANSITIVE, 8, [0xfd, 0xe8, 0])]),
    expect: 'treat-as-withdraw',
  },
  {
    name: 'UPDATE: LARGE_COMMUNITY length 11',
    rfc: 'RFC 8092 6',
    phase: 'established',
    bytes: (c) => validUpdate(c, [attr(FLAG_OPTIONAL | FLAG_TRANSITIVE, 32, Array<number>(11).fill(1))]),
    expect: 'treat-as-withdraw',
  },
  {
    name: 'UPDATE: AS_PATH missing from an announcement',
    rfc: 'RFC 7606 3.d',
    phase: 'established',
    bytes: (c) => validUpdate(c, [], { 2: null }),
    expect: 'treat-as-withdraw',
  },
  {
    name: 'UPDATE: ATOMIC_AGGREGATE with a 1-octet value',
    rfc: 'RFC 7606 7.6',
    phase: 'established',
    bytes: (c) => validUpdate(c, [attr(FLAG_TRANSITIVE, 6, [1])]),
    expect: 'attribute-discard',
  },
  {
    name: 'UPDATE: AGGREGATOR length 5',
    rfc: 'RFC 7606 7.7',
    phase: 'established',
    bytes: (c) => validUpdate(c, [attr(FLAG_OPTIONAL | FLAG_TRANSITIVE, 7, [0, 0, 0xfb, 0xf5, 1])]),
    expect: 'attribute-discard',
  },
  {
    name: 'UPDATE: COMMUNITIES twice (the second is discarded)',
    rfc: 'RFC 7606 3.g',
    phase: 'established',
    bytes: (c) => validUpdate(c, [attrs.communities([0xfde80064]), attrs.communities([0xfde80065])]),
    expect: 'attribute-discard',
  },

  // FSM (RFC 4271 6.6, 8.2.2): a message the state does not expect. RFC 6608 (which updates RFC 4271)
  // gives each state its own subcode: 1 OpenSent, 2 OpenConfirm, 3 Established; FRR's bgpd sends them.
  {
    name: "FSM: UPDATE in OpenSent (before the peer's OPEN)",
    rfc: 'RFC 4271 6.6',
    phase: 'open-sent',
    bytes: (c) => validUpdate(c),
    expect: { notification: [5, 0], alsoAccepted: [{ notification: [5, 1], rfc: 'RFC 6608 3' }] },
  },
  {
    name: 'FSM: UPDATE in OpenConfirm (after OPEN, before KEEPALIVE)',
    rfc: 'RFC 4271 6.6',
    phase: 'open-confirm',
    bytes: (c) => validUpdate(c),
    expect: { notification: [5, 0], alsoAccepted: [{ notification: [5, 2], rfc: 'RFC 6608 3' }] },
  },
  {
    name: 'FSM: ROUTE-REFRESH in OpenSent',
    rfc: 'RFC 4271 6.6',
    phase: 'open-sent',
    bytes: () => encodeRouteRefresh(1, 1),
    expect: { notification: [5, 0], alsoAccepted: [{ notification: [5, 1], rfc: 'RFC 6608 3' }] },
  },
  {
    name: 'FSM: a second OPEN in Established',
    rfc: 'RFC 4271 6.6',
    phase: 'established',
    bytes: (c) => peerOpen(c),
    expect: { notification: [5, 0], alsoAccepted: [{ notification: [5, 3], rfc: 'RFC 6608 3' }] },
  },

  // NOTIFICATION from the peer (RFC 4271 6.4 / 8.2.2): close without answering, then reconnect
  {
    name: 'NOTIFICATION from the peer (Cease / administrative reset)',
    rfc: 'RFC 4271 6.4',
    phase: 'established',
    bytes: () => encodeNotification(6, 4),
    expect: 'session-drops',
  },
  {
    name: 'NOTIFICATION from the peer in OpenSent (hold time unacceptable to the peer)',
    rfc: 'RFC 4271 6.4',
    phase: 'open-sent',
    bytes: () => encodeNotification(2, 6),
    expect: 'session-drops',
  },
];
