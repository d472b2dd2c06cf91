/**
 * The fuzz campaign shared by every target of `npm run fuzz:bgp`: seed messages, seeded mutations,
 * framing helpers and the outcome tables. The same seed gives the same campaign on every machine.
 */
import {
  encodeKeepalive,
  encodeNotification,
  encodeOpen,
  encodeRouteRefresh,
  MessageType,
} from '../reference/bgp/messages.ts';
import { packAnnouncements, packWithdrawals } from '../reference/bgp/packer.ts';
import { MessageStream } from '../reference/bgp/stream.ts';
import { encodeUpdateRaw } from '../reference/bgp/update.ts';
import { cidrOf } from '../reference/model/ip.ts';
import {
  attr,
  attrs,
  defaultContext,
  NLRI_V4,
  peerOpen,
  richUpdate,
  validUpdate,
} from '../tools/bgp-peer/rfc-cases.ts';

// ---------------------------------------------------------------------------------------------
// Deterministic randomness and the campaign's messages

/** xorshift32 over one state: the same seed gives the same campaign on every machine. */
export function makeRandom(s: number): (n: number) => number {
  let state = s >>> 0 || 1;
  return (n) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % n;
  };
}

export const ctx = defaultContext;
const manyRoutes = Array.from({ length: 40 }, (_, i) => ({
  prefix: cidrOf(i % 2 ? `2001:db8:${i.toString(16)}::/48` : `198.51.100.${i}/32`),
  communities: ['64500:1', '65535:65282'],
  largeCommunities: ['64500:1:2'],
  localPref: 100,
}));

export interface Seed {
  name: string;
  bytes: Buffer /** Offsets of each path attribute (UPDATE seeds). */;
  attrOffsets: number[];
}

function attributeOffsets(msg: Buffer): number[] {
  if (msg[18] !== MessageType.Update) return [];
  const wLen = msg.readUInt16BE(19);
  const aLen = msg.readUInt16BE(21 + wLen);
  const out: number[] = [];
  for (let i = 23 + wLen; i < 23 + wLen + aLen; ) {
    out.push(i);
    const ext = (msg[i]! & 0x10) !== 0;
    i += ext ? 4 + msg.readUInt16BE(i + 2) : 3 + msg[i + 2]!;
  }
  return out;
}

const seedList: [string, Buffer][] = [
  ['OPEN', peerOpen(ctx)],
  [
    'OPEN 4-octet ASN',
    encodeOpen({
      version: 4,
      asn: 4200000000,
      holdTime: 3,
      routerId: '192.0.2.1',
      capabilities: [
        { code: 65, asn: 4200000000 },
        { code: 1, afi: 1, safi: 1 },
        { code: 70, raw: Buffer.from([1, 2]) },
      ],
    }),
  ],
  ['KEEPALIVE', encodeKeepalive()],
  ['NOTIFICATION', encodeNotification(6, 2, Buffer.from('bye'))],
  ['ROUTE-REFRESH v4', encodeRouteRefresh(1, 1)],
  ['ROUTE-REFRESH v6', encodeRouteRefresh(2, 1)],
  ['UPDATE rich', richUpdate(ctx)],
  ['UPDATE simple', validUpdate(ctx)],
  [
    'UPDATE MP only',
    encodeUpdateRaw(
      Buffer.alloc(0),
      Buffer.concat([
        attrs.origin(),
        attrs.asPath([ctx.peerAsn, 4200000000]),
        attrs.mpReachV6(),
        attr(0xc0, 32, Array<number>(24).fill(7)),
      ]),
      Buffer.alloc(0),
    ),
  ],
  [
    'UPDATE withdraw',
    encodeUpdateRaw(Buffer.from([24, 198, 51, 100, 32, 203, 0, 113, 1]), Buffer.alloc(0), Buffer.alloc(0)),
  ],
  [
    'UPDATE 2-octet path + AS4_PATH',
    encodeUpdateRaw(
      Buffer.alloc(0),
      Buffer.concat([
        attrs.origin(1),
        attr(0x40, 2, [2, 2, 0xfb, 0xf5, 0x5b, 0xa0]),
        attrs.nextHop(),
        attr(0xc0, 17, [2, 1, 0xfa, 0x56, 0xea, 0x00]),
      ]),
      NLRI_V4,
    ),
  ],
  ...packAnnouncements(manyRoutes, {
    ibgp: true,
    myAsn: 64501,
    fourOctet: true,
    nextHopV4: '192.0.2.1',
    nextHopV6: '2001:db8::1',
  }).map((b, i): [string, Buffer] => [`UPDATE packed ${i}`, b]),
  ...packWithdrawals(manyRoutes.map((r) => r.prefix)).map((b, i): [string, Buffer] => [
    `UPDATE packed withdraw ${i}`,
    b,
  ]),
];
export const seeds: Seed[] = seedList.map(([name, bytes]) => ({
  name,
  bytes,
  attrOffsets: attributeOffsets(bytes),
}));

const FLAG_CHOICES = [0x00, 0x40, 0x80, 0xc0, 0x10, 0x50, 0x90, 0xd0, 0xe0, 0x20];

export function fixLength(b: Buffer): Buffer {
  if (b.length >= 18) b.writeUInt16BE(Math.min(b.length, 65535), 16);
  return b;
}

export const strategies = [
  'byte flips',
  'truncation',
  'length field lies',
  'attribute flags',
  'attribute length lies',
  'attribute type',
  'section length lies',
  'random tail',
  'duplicate attribute',
  'message type swap',
  'unmodified',
] as const;
export type Strategy = (typeof strategies)[number];

export function mutate(rnd: (n: number) => number, s: Seed): { bytes: Buffer; strategy: Strategy } {
  const src = s.bytes;
  let b: Buffer = Buffer.from(src);
  const isUpdate = s.attrOffsets.length > 0;
  let strategy: Strategy = strategies[rnd(strategies.length)]!;
  if (
    !isUpdate &&
    [
      'attribute flags',
      'attribute length lies',
      'attribute type',
      'duplicate attribute',
      'section length lies',
    ].includes(strategy)
  )
    strategy = 'byte flips';
  switch (strategy) {
    case 'byte flips':
      for (let i = 0, n = 1 + rnd(4); i < n; i++) if (b.length > 19) b[19 + rnd(b.length - 19)] = rnd(256);
      if (rnd(32) === 0) b[rnd(16)] = rnd(256); // now and then the marker too
      break;
    case 'truncation':
      b = fixLength(Buffer.from(b.subarray(0, 19 + rnd(Math.max(1, b.length - 19)))));
      break;
    case 'length field lies':
      b.writeUInt16BE(rnd(5) === 0 ? rnd(65536) : Math.max(0, b.length - 8 + rnd(17)), 16);
      break;
    case 'attribute flags': {
      const at = s.attrOffsets[rnd(s.attrOffsets.length)]!;
      // Keep the extended-length bit as it was (else every change is a length error), except sometimes.
      b[at] = rnd(4) === 0 ? rnd(256) : (FLAG_CHOICES[rnd(FLAG_CHOICES.length)]! & ~0x10) | (b[at]! & 0x10);
      break;
    }
    case 'attribute length lies': {
      const at = s.attrOffsets[rnd(s.attrOffsets.length)]!;
      if (b[at]! & 0x10) b.writeUInt16BE(Math.max(0, b.readUInt16BE(at + 2) - 4 + rnd(9)), at + 2);
      else b[at + 2] = rnd(3) === 0 ? rnd(256) : Math.max(0, b[at + 2]! - 4 + rnd(9));
      break;
    }
    case 'attribute type': {
      const at = s.attrOffsets[rnd(s.attrOffsets.length)]!;
      b[at + 1] = rnd(2) ? rnd(40) : rnd(256);
      break;
    }
    case 'section length lies': {
      const wLen = b.readUInt16BE(19);
      if (rnd(2)) b.writeUInt16BE(Math.max(0, wLen - 3 + rnd(7)), 19);
      else b.writeUInt16BE(Math.max(0, b.readUInt16BE(21 + wLen) - 3 + rnd(7)), 21 + wLen);
      break;
    }
    case 'random tail':
      b = fixLength(Buffer.concat([b, Buffer.from(Array.from({ length: 1 + rnd(40) }, () => rnd(256)))]));
      break;
    case 'duplicate attribute': {
      const k = rnd(s.attrOffsets.length);
      const at = s.attrOffsets[k]!;
      const end = s.attrOffsets[k + 1] ?? at + (b[at]! & 0x10 ? 4 + b.readUInt16BE(at + 2) : 3 + b[at + 2]!);
      const wLen = b.readUInt16BE(19);
      const copy = b.subarray(at, end);
      b = Buffer.concat([b.subarray(0, end), copy, b.subarray(end)]);
      b.writeUInt16BE(b.readUInt16BE(21 + wLen) + copy.length, 21 + wLen);
      fixLength(b);
      break;
    }
    case 'message type swap':
      b[18] = rnd(8) === 0 ? rnd(256) : 1 + rnd(5);
      break;
    case 'unmodified':
      break;
  }
  return { bytes: b, strategy };
}

// ---------------------------------------------------------------------------------------------
// Framing and reporting

/** How many messages the speaker's framer cuts from these bytes (up to where it would throw). */
export function frameCount(bytes: Buffer): number {
  const stream = new MessageStream();
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    try {
      n += stream.push(bytes.subarray(i, i + 1)).length;
    } catch {
      return n;
    }
  }
  return n;
}

/**
 * What the speaker's framer will see: a message whose (valid) length field claims more than was sent
 * is completed with random bytes, so the next message is not swallowed into it.
 */
export function framed(rnd: (n: number) => number, b: Buffer): Buffer {
  if (b.length < 19 || !b.subarray(0, 16).equals(Buffer.alloc(16, 0xff))) return b;
  const len = b.readUInt16BE(16);
  if (len <= b.length || len > 4096) return b;
  return Buffer.concat([b, Buffer.from(Array.from({ length: len - b.length }, () => rnd(256)))]);
}

export const mb = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MB`;

export function table(title: string, rows: [string, number][]): string {
  const width = Math.max(title.length, ...rows.map(([k]) => k.length));
  const line = (k: string, v: string): string => `| ${k.padEnd(width)} | ${v.padStart(10)} |`;
  return (
    [
      line(title, 'messages'),
      `|${'-'.repeat(width + 2)}|${'-'.repeat(11)}:|`,
      ...rows.map(([k, v]) => line(k, String(v))),
    ].join('\n') + '\n'
  );
}

export class Counter extends Map<string, number> {
  bump(k: string, n = 1): void {
    this.set(k, (this.get(k) ?? 0) + n);
  }
  rows(): [string, number][] {
    return [...this].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }
}
