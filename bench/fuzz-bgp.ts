/**
 * `npm run fuzz:bgp [-- --count N --seed S]`: a seeded campaign of mutated BGP messages through the
 * reference's decoders (the code every received byte goes through). Any exception other than the
 * codec's own BgpDecodeError fails the run. Prints outcome counts, throughput and RSS before/after.
 */
import { parseArgs } from 'node:util';
import { BgpDecodeError } from '../reference/bgp/errors.ts';
import { decodeMessage, encodeKeepalive, encodeNotification, encodeOpen, encodeRouteRefresh, ourCapabilities } from '../reference/bgp/messages.ts';
import { packAnnouncements } from '../reference/bgp/packer.ts';
import { MessageStream } from '../reference/bgp/stream.ts';
import { decodeUpdate } from '../reference/bgp/update.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '100000' }, seed: { type: 'string', default: '20261128' } } });
const count = Number(values.count);
let state = Number(values.seed) >>> 0 || 1;
/** xorshift32: the same seed gives the same campaign on every machine. */
const rnd = (n: number): number => {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state % n;
};

const seeds: Buffer[] = [
  encodeOpen({ version: 4, asn: 4200000000, holdTime: 3, routerId: '192.0.2.1', capabilities: ourCapabilities(4200000000) }),
  encodeKeepalive(),
  encodeNotification(6, 2, Buffer.from('bye')),
  encodeRouteRefresh(2, 1),
  ...packAnnouncements([
    { prefix: '203.0.113.200/32', communities: ['65535:65282'], largeCommunities: ['1:2:3'], localPref: 100 },
    { prefix: 'fc00:f853:ccd:e799::/124', communities: ['8000:800'], largeCommunities: [], localPref: 0 },
  ], { ibgp: true, myAsn: 64500, fourOctet: true, nextHopV4: '192.0.2.11', nextHopV6: '2001:db8::b' }),
];

function mutate(src: Buffer): Buffer {
  const b = Buffer.from(src);
  switch (rnd(5)) {
    case 0: // byte flips
      for (let i = 0, n = 1 + rnd(4); i < n; i++) b[19 + rnd(Math.max(1, b.length - 19))] = rnd(256);
      return b;
    case 1: // truncation with an honest length
      return fixLength(b.subarray(0, 19 + rnd(Math.max(1, b.length - 19))));
    case 2: // the length field lies
      b.writeUInt16BE(rnd(4200), 16);
      return b;
    case 3: // random attribute flags / type bytes in an UPDATE body
      if (b[18] === 2 && b.length > 24) b[23 + rnd(b.length - 23)] = [0x00, 0x40, 0x80, 0xc0, 0x10, 0xd0][rnd(6)]!;
      return b;
    default: // random tail
      return fixLength(Buffer.concat([b, Buffer.from(Array.from({ length: rnd(40) }, () => rnd(256)))]));
  }
}

function fixLength(b: Buffer): Buffer {
  const out = Buffer.from(b);
  if (out.length >= 18) out.writeUInt16BE(Math.min(out.length, 65535), 16);
  return out;
}

const outcomes = new Map<string, number>();
const bump = (k: string): void => void outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
const rssBefore = process.memoryUsage().rss;
const t0 = process.hrtime.bigint();
for (let i = 0; i < count; i++) {
  const msg = mutate(seeds[rnd(seeds.length)]!);
  try {
    // Through the framer first, as bytes from a socket would go.
    for (const raw of new MessageStream().push(msg)) {
      const m = decodeMessage(raw);
      if (m.type === 'update') {
        const u = decodeUpdate(m.body, true);
        bump(u.problems.length ? `update ${u.problems[0]!.action}` : 'update accepted');
      } else bump(`${m.type} accepted`);
    }
  } catch (err) {
    if (!(err instanceof BgpDecodeError)) {
      process.stderr.write(`FAIL: message ${i} (${msg.toString('hex')}) threw ${(err as Error)?.stack}\n`);
      process.exit(1);
    }
    bump(`NOTIFICATION ${err.errorCode}/${err.errorSubcode}`);
  }
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const rows = [...outcomes].sort((a, b) => b[1] - a[1]);
process.stdout.write(`| outcome | messages |\n|---|---:|\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n\n`);
process.stdout.write(`${count} mutated messages (seed ${values.seed}) in ${seconds.toFixed(2)} s (${Math.round(count / seconds)}/s); only BgpDecodeError raised; RSS ${(rssBefore / 2 ** 20).toFixed(0)} MB -> ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB\n`);
