/**
 * `npm run fuzz:bgp [-- --mode live|pure|both --count N --pure-count N --seed S --handshake-fuzz N]`
 *
 * A seeded campaign of mutated BGP messages (OPEN, UPDATE with many attributes, KEEPALIVE,
 * NOTIFICATION, ROUTE-REFRESH; byte flips, truncations, lying length fields, random attribute
 * flags/types/lengths, duplicated attributes, swapped message types). The same seed gives the same
 * campaign on every machine.
 *
 *  - live (default 100,000 messages): each message goes over TCP from a scripted peer to a real
 *    reference BgpSession on 127.0.0.1, followed by a ROUTE-REFRESH whose answer proves the message was
 *    processed on a live session; when the speaker drops the session (NOTIFICATION), the campaign waits
 *    for it to reconnect and re-establish. A few connections also get a mutated OPEN in the handshake.
 *    An uncaught exception anywhere fails the run (exit 1) with the message that caused it.
 *  - pure (default 1,000,000 messages): the same mutations fed to the framer, decodeMessage and
 *    decodeUpdate directly; anything thrown other than BgpDecodeError fails the run.
 *
 * Prints an outcome table per mode, RSS before and after, and the heap after a full GC.
 */
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from '../common/log.ts';
import { BgpDecodeError } from '../reference/bgp/errors.ts';
import { decodeMessage, encodeKeepalive, encodeNotification, encodeOpen, encodeRouteRefresh, MessageType } from '../reference/bgp/messages.ts';
import { packAnnouncements, packWithdrawals } from '../reference/bgp/packer.ts';
import { BgpSession } from '../reference/bgp/session.ts';
import { MessageStream } from '../reference/bgp/stream.ts';
import { decodeUpdate } from '../reference/bgp/update.ts';
import { attr, attrs, defaultContext, NLRI_V4, peerOpen, richUpdate, validUpdate } from '../harness/scripted-peer/rfc-cases.ts';
import { ScriptedPeer, type Received } from '../harness/scripted-peer/scripted-peer.ts';
import { encodeUpdateRaw } from '../reference/bgp/update.ts';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'both' },
    count: { type: 'string', default: '100000' },
    'pure-count': { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '20261128' },
    'handshake-fuzz': { type: 'string', default: '10' },
    'timeout-ms': { type: 'string', default: '2000' },
  },
});
const mode = values.mode!;
if (!['live', 'pure', 'both'].includes(mode)) {
  process.stderr.write(`--mode must be live, pure or both\n`);
  process.exit(2);
}
const liveCount = Number(values.count);
const pureCount = Number(values['pure-count']);
const seed = Number(values.seed) >>> 0 || 1;
const handshakeFuzz = Number(values['handshake-fuzz']);
const timeoutMs = Number(values['timeout-ms']);

// ---------------------------------------------------------------------------------------------
// Deterministic randomness and the campaign's messages

/** xorshift32 over one state: the same seed gives the same campaign on every machine. */
function makeRandom(s: number): (n: number) => number {
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

const ctx = defaultContext;
const manyRoutes = Array.from({ length: 40 }, (_, i) => ({
  prefix: i % 2 ? `2001:db8:${i.toString(16)}::/48` : `198.51.100.${i}/32`,
  communities: ['64500:1', '65535:65282'],
  largeCommunities: ['64500:1:2'],
  localPref: 100,
}));

interface Seed { name: string; bytes: Buffer; /** Offsets of each path attribute (UPDATE seeds). */ attrOffsets: number[] }

function attributeOffsets(msg: Buffer): number[] {
  if (msg[18] !== MessageType.Update) return [];
  const wLen = msg.readUInt16BE(19);
  const aLen = msg.readUInt16BE(21 + wLen);
  const out: number[] = [];
  for (let i = 23 + wLen; i < 23 + wLen + aLen;) {
    out.push(i);
    const ext = (msg[i]! & 0x10) !== 0;
    i += ext ? 4 + msg.readUInt16BE(i + 2) : 3 + msg[i + 2]!;
  }
  return out;
}

const seedList: [string, Buffer][] = [
  ['OPEN', peerOpen(ctx)],
  ['OPEN 4-octet ASN', encodeOpen({ version: 4, asn: 4200000000, holdTime: 3, routerId: '192.0.2.1', capabilities: [{ code: 65, asn: 4200000000 }, { code: 1, afi: 1, safi: 1 }, { code: 70, raw: Buffer.from([1, 2]) }] })],
  ['KEEPALIVE', encodeKeepalive()],
  ['NOTIFICATION', encodeNotification(6, 2, Buffer.from('bye'))],
  ['ROUTE-REFRESH v4', encodeRouteRefresh(1, 1)],
  ['ROUTE-REFRESH v6', encodeRouteRefresh(2, 1)],
  ['UPDATE rich', richUpdate(ctx)],
  ['UPDATE simple', validUpdate(ctx)],
  ['UPDATE MP only', encodeUpdateRaw(Buffer.alloc(0), Buffer.concat([attrs.origin(), attrs.asPath([ctx.peerAsn, 4200000000]), attrs.mpReachV6(), attr(0xc0, 32, Array<number>(24).fill(7))]), Buffer.alloc(0))],
  ['UPDATE withdraw', encodeUpdateRaw(Buffer.from([24, 198, 51, 100, 32, 203, 0, 113, 1]), Buffer.alloc(0), Buffer.alloc(0))],
  ['UPDATE 2-octet path + AS4_PATH', encodeUpdateRaw(Buffer.alloc(0), Buffer.concat([attrs.origin(1), attr(0x40, 2, [2, 2, 0xfb, 0xf5, 0x5b, 0xa0]), attrs.nextHop(), attr(0xc0, 17, [2, 1, 0xfa, 0x56, 0xea, 0x00])]), NLRI_V4)],
  ...packAnnouncements(manyRoutes, { ibgp: true, myAsn: 64501, fourOctet: true, nextHopV4: '192.0.2.1', nextHopV6: '2001:db8::1' }).map((b, i): [string, Buffer] => [`UPDATE packed ${i}`, b]),
  ...packWithdrawals(manyRoutes.map((r) => r.prefix)).map((b, i): [string, Buffer] => [`UPDATE packed withdraw ${i}`, b]),
];
const seeds: Seed[] = seedList.map(([name, bytes]) => ({ name, bytes, attrOffsets: attributeOffsets(bytes) }));

const FLAG_CHOICES = [0x00, 0x40, 0x80, 0xc0, 0x10, 0x50, 0x90, 0xd0, 0xe0, 0x20];

function fixLength(b: Buffer): Buffer {
  if (b.length >= 18) b.writeUInt16BE(Math.min(b.length, 65535), 16);
  return b;
}

const strategies = [
  'byte flips', 'truncation', 'length field lies', 'attribute flags', 'attribute length lies', 'attribute type',
  'section length lies', 'random tail', 'duplicate attribute', 'message type swap', 'unmodified',
] as const;
type Strategy = typeof strategies[number];

function mutate(rnd: (n: number) => number, s: Seed): { bytes: Buffer; strategy: Strategy } {
  const src = s.bytes;
  let b: Buffer = Buffer.from(src);
  const isUpdate = s.attrOffsets.length > 0;
  let strategy: Strategy = strategies[rnd(strategies.length)]!;
  if (!isUpdate && ['attribute flags', 'attribute length lies', 'attribute type', 'duplicate attribute', 'section length lies'].includes(strategy)) strategy = 'byte flips';
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
      const end = s.attrOffsets[k + 1] ?? at + ((b[at]! & 0x10) ? 4 + b.readUInt16BE(at + 2) : 3 + b[at + 2]!);
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
// Reporting

const mb = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MB`;
let gcKind = 'global.gc (--expose-gc)';
function fullGc(): void {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    // Not run with --expose-gc: borrow V8's gc for this measurement only.
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
    gcKind = 'V8 gc via --expose-gc set at run time';
  }
  gc();
  gc();
}

function table(title: string, rows: [string, number][]): string {
  const width = Math.max(title.length, ...rows.map(([k]) => k.length));
  const line = (k: string, v: string): string => `| ${k.padEnd(width)} | ${v.padStart(10)} |`;
  return [line(title, 'messages'), `|${'-'.repeat(width + 2)}|${'-'.repeat(11)}:|`, ...rows.map(([k, v]) => line(k, String(v)))].join('\n') + '\n';
}

class Counter extends Map<string, number> {
  bump(k: string, n = 1): void {
    this.set(k, (this.get(k) ?? 0) + n);
  }
  rows(): [string, number][] {
    return [...this].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }
}

// ---------------------------------------------------------------------------------------------
// Pure mode: framer + decoders

/** Framer, header, then the UPDATE body with RFC 7606 handling: what every received byte goes through. */
function decodeAll(bytes: Buffer, fourOctet: boolean, outcomes: Counter): void {
  for (const raw of new MessageStream().push(bytes)) {
    const m = decodeMessage(raw);
    if (m.type === 'update') {
      const u = decodeUpdate(m.body, fourOctet);
      const actions = new Set(u.problems.map((p) => p.action));
      outcomes.bump(actions.has('treat-as-withdraw') ? 'UPDATE treat-as-withdraw' : actions.has('attribute-discard') ? 'UPDATE attribute-discard' : 'UPDATE accepted');
    } else outcomes.bump(`${m.type.toUpperCase()} accepted`);
  }
}

function pure(count: number): { ok: boolean; summary: string } {
  const rnd = makeRandom(seed ^ 0x5eed);
  const outcomes = new Counter();
  // Every rejected message constructs a BgpDecodeError; capturing its stack would be most of the cost.
  const stackLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const { bytes } = mutate(rnd, seeds[rnd(seeds.length)]!);
    const fourOctet = rnd(2) === 0;
    try {
      decodeAll(bytes, fourOctet, outcomes);
      if (bytes.length >= 18 && bytes.readUInt16BE(16) > bytes.length && bytes.readUInt16BE(16) <= 4096) outcomes.bump('incomplete (framer waits for more)');
    } catch (err) {
      if (!(err instanceof BgpDecodeError)) {
        Error.stackTraceLimit = stackLimit;
        try {
          decodeAll(bytes, fourOctet, new Counter()); // again, with a stack trace
        } catch (again) {
          err = again;
        }
        process.stderr.write(`FAIL (pure): message ${i} (fourOctet ${fourOctet}: ${bytes.toString('hex')}) threw ${(err as Error)?.stack ?? String(err)}\n`);
        return { ok: false, summary: '' };
      }
      outcomes.bump(`BgpDecodeError -> NOTIFICATION ${err.errorCode}/${err.errorSubcode}`);
    }
  }
  Error.stackTraceLimit = stackLimit;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    ok: true,
    summary: `## pure: framer + decodeMessage + decodeUpdate\n\n${table('outcome', outcomes.rows())}\n` +
      `${count} messages in ${seconds.toFixed(2)} s (${Math.round(count / seconds).toLocaleString('en')}/s); only BgpDecodeError thrown\n`,
  };
}
// ---------------------------------------------------------------------------------------------
// Live mode: a scripted peer and a real BgpSession over TCP

let lastSent: { i: number; bytes: Buffer; strategy: string; seed: string } | undefined;
process.on('uncaughtException', (err) => {
  process.stderr.write(`FAIL (live): uncaught exception ${err?.stack ?? String(err)}\n`);
  if (lastSent) process.stderr.write(`last message sent: #${lastSent.i} ${lastSent.seed} / ${lastSent.strategy}: ${lastSent.bytes.toString('hex')}\n`);
  process.exit(1);
});

/** How many messages the speaker's framer cuts from these bytes (up to where it would throw). */
function frameCount(bytes: Buffer): number {
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
function framed(rnd: (n: number) => number, b: Buffer): Buffer {
  if (b.length < 19 || !b.subarray(0, 16).equals(Buffer.alloc(16, 0xff))) return b;
  const len = b.readUInt16BE(16);
  if (len <= b.length || len > 4096) return b;
  return Buffer.concat([b, Buffer.from(Array.from({ length: len - b.length }, () => rnd(256)))]);
}

async function live(count: number): Promise<{ ok: boolean; summary: string }> {
  const rnd = makeRandom(seed);
  const outcomes = new Counter();
  const byStrategy = new Counter();
  const logs = new Counter();
  const logger: Logger = {
    debug: () => {},
    info: (e) => logs.bump(e),
    warn: (e, f) => logs.bump(e === 'bgp.update.malformed' ? `${e} ${String(f?.action)}` : e),
    error: (e) => logs.bump(e),
    child: () => logger,
  };
  let handshakeLeft = handshakeFuzz;
  const handshakeEvery = handshakeFuzz > 0 ? Math.max(1, Math.floor(count / handshakeFuzz)) : Infinity;
  let fuzzNextHandshake = false;
  const handshakeOutcomes = new Counter();

  const peer = await ScriptedPeer.listen({
    asn: ctx.peerAsn, holdTime: 3, routerId: ctx.peerRouterId, record: false, keepaliveIntervalMs: 0, defaultTimeoutMs: timeoutMs,
    openBytes: () => {
      if (!fuzzNextHandshake) return peerOpen(ctx);
      fuzzNextHandshake = false;
      handshakeLeft--;
      const openSeeds = seeds.filter((s) => s.name.startsWith('OPEN'));
      const m = mutate(rnd, openSeeds[rnd(openSeeds.length)]!);
      return framed(rnd, m.bytes);
    },
  });
  const session = new BgpSession({
    peerAddress: '127.0.0.1', peerPort: peer.port, myAsn: ctx.speakerAsn, peerAsn: ctx.peerAsn, routerId: '192.0.2.11',
    holdTime: 3, keepaliveTime: 1, nextHopV6: '2001:db8::b', logger, connectRetryCapSeconds: 2,
  });
  session.setRoutes([{ prefix: '203.0.113.200/32', communities: ['64500:1'], largeCommunities: [], localPref: 100 }]);

  // Live counters, updated from the peer's and the session's events.
  let conn = 0;
  let updatesOnConn = 0;
  const notifOnConn = new Map<number, string>();
  peer.onReceive((r: Received) => {
    if (r.conn !== conn) return;
    if (r.msg.type === 'update') updatesOnConn++;
    if (r.msg.type === 'notification') notifOnConn.set(r.conn, `${r.msg.code}/${r.msg.subcode}`);
  });
  let sentNotif: string | undefined;
  let gotNotif: string | undefined;
  session.on('notification-sent', (c: number, s: number) => void (sentNotif = `${c}/${s}`));
  session.on('notification-received', (c: number, s: number) => void (gotNotif = `${c}/${s}`));
  let established = 0;
  session.on('established', () => void established++);
  let stalls = 0;

  let handshakeConn = -1;
  /** Waits for the next connection whose session is Established and whose initial table arrived. */
  const nextSession = async (): Promise<void> => {
    for (;;) {
      const n = conn + 1;
      await peer.nextConnection(n, 10_000);
      conn = n;
      updatesOnConn = 0;
      // Up from the speaker's side = its first UPDATE (the table) on this connection.
      let up = false;
      try {
        await peer.waitUntil(() => (up = updatesOnConn > 0) || peer.current?.id !== n || peer.current.closed, 10_000, `session #${n} up`);
      } catch {
        stalls++;
        peer.dropConnection();
      }
      if (handshakeConn === n) {
        handshakeOutcomes.bump(up ? 'mutated OPEN -> session up' : notifOnConn.has(n) ? `mutated OPEN -> NOTIFICATION ${notifOnConn.get(n)}` : 'mutated OPEN -> closed');
        handshakeConn = -1;
      }
      notifOnConn.delete(n);
      if (up) return;
    }
  };

  const rssBefore = process.memoryUsage().rss;
  session.start();
  await nextSession();
  fullGc();
  const heapStart = process.memoryUsage().heapUsed;
  const rssStart = process.memoryUsage().rss;
  // A second measurement after a warm-up, so that JIT code and pools filled once are not read as a leak.
  const warmup = Math.min(5000, Math.floor(count / 10));
  let heapWarm = heapStart;
  let rssWarm = rssStart;
  const t0 = process.hrtime.bigint();
  let reestablished = 0;

  for (let i = 0; i < count; i++) {
    if (i === warmup && warmup > 0) {
      fullGc();
      heapWarm = process.memoryUsage().heapUsed;
      rssWarm = process.memoryUsage().rss;
    }
    const s = seeds[rnd(seeds.length)]!;
    const m = mutate(rnd, s);
    const bytes = framed(rnd, m.bytes);
    lastSent = { i, bytes, strategy: m.strategy, seed: s.name };
    // The message, a KEEPALIVE (the peer's only ones: they keep the hold timer from firing) and a
    // ROUTE-REFRESH whose answer, once the speaker has framed all of them, proves it processed the
    // message and the session is still up.
    const burst = Buffer.concat([bytes, encodeKeepalive(), encodeRouteRefresh(1, 1)]);
    const target = session.status().messagesReceived + frameCount(burst);
    const me = conn;
    sentNotif = undefined;
    gotNotif = undefined;
    const before = { twa: logs.get('bgp.update.malformed treat-as-withdraw') ?? 0, ad: logs.get('bgp.update.malformed attribute-discard') ?? 0 };
    updatesOnConn = 0;
    peer.send(burst);
    let outcome: string;
    try {
      await peer.waitUntil(() => (updatesOnConn >= 1 && session.status().messagesReceived >= target) || sentNotif !== undefined || gotNotif !== undefined || peer.current?.id !== me || peer.current.closed, timeoutMs, `message ${i}`);
      if (sentNotif) outcome = `NOTIFICATION ${sentNotif} (session reset)`;
      else if (gotNotif !== undefined) {
        const code = Number((gotNotif as string).split('/')[0]);
        outcome = `peer NOTIFICATION ${code <= 6 ? `code ${code}` : '(unknown code)'}: session closed`;
      }
      else if (peer.current?.id !== me || peer.current.closed) outcome = 'connection closed without NOTIFICATION';
      else {
        const twa = (logs.get('bgp.update.malformed treat-as-withdraw') ?? 0) > before.twa;
        const ad = (logs.get('bgp.update.malformed attribute-discard') ?? 0) > before.ad;
        outcome = twa ? 'alive: treat-as-withdraw' : ad ? 'alive: attribute-discard' : 'alive: accepted';
      }
    } catch {
      stalls++;
      outcome = 'stalled (no answer; connection dropped by the fuzzer)';
      peer.dropConnection();
    }
    outcomes.bump(outcome);
    byStrategy.bump(`${m.strategy}: ${outcome.startsWith('alive') ? 'session kept' : 'session reset'}`);
    if (!outcome.startsWith('alive')) {
      if (handshakeLeft > 0 && i >= (handshakeFuzz - handshakeLeft + 1) * handshakeEvery - 1) {
        // The next connection gets a mutated OPEN in the handshake (it costs the speaker's 1 s back-off).
        fuzzNextHandshake = true;
        handshakeConn = conn + 1;
      }
      await nextSession();
      reestablished++;
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const rssEnd = process.memoryUsage().rss;
  await session.stop();
  await peer.close();
  fullGc();
  const heapEnd = process.memoryUsage().heapUsed;
  const status = session.status();
  return {
    ok: true,
    summary: `## live: scripted peer -> reference BgpSession over TCP (127.0.0.1)\n\n${table('outcome', outcomes.rows())}\n` +
      `${table('strategy', byStrategy.rows())}\n` +
      (handshakeOutcomes.size ? `${table('mutated OPEN in the handshake', handshakeOutcomes.rows())}\n` : '') +
      `${table('speaker log event', logs.rows())}\n` +
      `${count} messages in ${seconds.toFixed(1)} s (${Math.round(count / seconds).toLocaleString('en')}/s), each followed by a ROUTE-REFRESH round trip\n` +
      `sessions established ${established} (re-established ${reestablished} times after a reset), stalls ${stalls}, speaker counters: ${status.messagesReceived} received / ${status.messagesSent} sent\n` +
      `no uncaught exception; RSS ${mb(rssBefore)} before the session, ${mb(rssStart)} at the start of the campaign, ${mb(rssWarm)} after ${warmup} messages, ${mb(rssEnd)} at the end\n` +
      `heap used after a full GC: ${mb(heapStart)} at the start, ${mb(heapWarm)} after ${warmup} messages, ${mb(heapEnd)} at the end (${gcKind})\n`,
  };
}

// ---------------------------------------------------------------------------------------------

const rss0 = process.memoryUsage().rss;
process.stdout.write(`fuzz:bgp seed ${seed}, mode ${mode}; ${seeds.length} seed messages; RSS at start ${mb(rss0)}\n\n`);
let ok = true;
if (mode === 'pure' || mode === 'both') {
  const r = pure(pureCount);
  ok &&= r.ok;
  process.stdout.write(r.summary + '\n');
}
if (ok && (mode === 'live' || mode === 'both')) {
  const r = await live(liveCount);
  ok &&= r.ok;
  process.stdout.write(r.summary + '\n');
}
fullGc();
process.stdout.write(`RSS ${mb(rss0)} at start -> ${mb(process.memoryUsage().rss)} at the end; heap after GC ${mb(process.memoryUsage().heapUsed)}\n`);
process.exit(ok ? 0 : 1);
