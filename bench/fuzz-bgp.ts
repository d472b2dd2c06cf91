/**
 * `npm run fuzz:bgp [-- --mode live|pure|both --count N --pure-count N --seed S --handshake-fuzz N]`
 * `npm run fuzz:bgp -- --target speaker [--count N --seed S --handshake-fuzz N --timeout-ms MS]` (root)
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
 * Prints an outcome table per mode, RSS before and after, and the heap after a full GC. The seeds and
 * mutations live in fuzz-campaign.ts, shared by every target.
 *
 * --target speaker (default 100,000 messages; bench/fuzz-speaker.ts): the live campaign against the
 * real `lbconform speaker` process in a namespace of our own (prefix lbcm; this script re-executes
 * itself inside it), with the speaker process's RSS before, during and after; exit 1 if it exits.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from '../common/log.ts';
import { BgpDecodeError } from '../reference/bgp/errors.ts';
import { decodeMessage } from '../reference/bgp/messages.ts';
import { BgpSession } from '../reference/bgp/session.ts';
import { MessageStream } from '../reference/bgp/stream.ts';
import { decodeUpdate } from '../reference/bgp/update.ts';
import { cidrOf } from '../reference/model/ip.ts';
import { ScriptedPeer } from '../tools/bgp-peer/scripted-peer.ts';
import { INSIDE_ENV, runInsideLab } from '../tools/bgp-peer/speaker-process.ts';
import { Counter, ctx, frameCount, makeRandom, mb, mutate, seeds, table } from './fuzz-campaign.ts';
import { LiveCampaign } from './fuzz-live.ts';
import { speakerCampaign } from './fuzz-speaker.ts';

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'session' },
    mode: { type: 'string', default: 'both' },
    count: { type: 'string', default: '100000' },
    'pure-count': { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '20261128' },
    'handshake-fuzz': { type: 'string', default: '10' },
    'timeout-ms': { type: 'string' },
  },
});
const target = values.target!;
if (!['session', 'speaker'].includes(target)) {
  process.stderr.write(
    `--target must be session (in-process BgpSession and decoders) or speaker (the speaker process)\n`,
  );
  process.exit(2);
}
const mode = values.mode!;
if (!['live', 'pure', 'both'].includes(mode)) {
  process.stderr.write(`--mode must be live, pure or both\n`);
  process.exit(2);
}
const liveCount = Number(values.count);
const pureCount = Number(values['pure-count']);
const seed = Number(values.seed) >>> 0 || 1;
const handshakeFuzz = Number(values['handshake-fuzz']);
// The speaker process answers over a pipe and a second process: more slack on a loaded machine.
const timeoutMs = Number(values['timeout-ms'] ?? (target === 'speaker' ? 5000 : 2000));

if (target === 'speaker') {
  if (!process.env[INSIDE_ENV]) {
    if (process.getuid?.() !== 0) {
      process.stderr.write(
        '--target speaker needs root (it runs the speaker in a network namespace of its own)\n',
      );
      process.exit(2);
    }
    process.exit(await runInsideLab(fileURLToPath(import.meta.url), process.argv.slice(2)));
  }
  process.stdout.write(`fuzz:bgp seed ${seed}, target speaker; ${seeds.length} seed messages\n\n`);
  const r = await speakerCampaign({ count: liveCount, seed, handshakeFuzz, timeoutMs });
  process.stdout.write(r.summary + '\n');
  process.exit(r.ok ? 0 : 1);
}

// ---------------------------------------------------------------------------------------------
// Reporting

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

// ---------------------------------------------------------------------------------------------
// Pure mode: framer + decoders

/** Framer, header, then the UPDATE body with RFC 7606 handling: what every received byte goes through. */
function decodeAll(bytes: Buffer, fourOctet: boolean, outcomes: Counter): void {
  for (const raw of new MessageStream().push(bytes)) {
    const m = decodeMessage(raw);
    if (m.type === 'update') {
      const u = decodeUpdate(m.body, fourOctet);
      const actions = new Set(u.problems.map((p) => p.action));
      outcomes.bump(
        actions.has('treat-as-withdraw')
          ? 'UPDATE treat-as-withdraw'
          : actions.has('attribute-discard')
            ? 'UPDATE attribute-discard'
            : 'UPDATE accepted',
      );
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
      if (bytes.length >= 18 && bytes.readUInt16BE(16) > bytes.length && bytes.readUInt16BE(16) <= 4096)
        outcomes.bump('incomplete (framer waits for more)');
    } catch (err) {
      if (!(err instanceof BgpDecodeError)) {
        Error.stackTraceLimit = stackLimit;
        let shown: unknown = err;
        try {
          decodeAll(bytes, fourOctet, new Counter()); // again, with a stack trace
        } catch (again) {
          shown = again;
        }
        process.stderr.write(
          `FAIL (pure): message ${i} (fourOctet ${fourOctet}: ${bytes.toString('hex')}) threw ${(shown as Error)?.stack ?? String(shown)}\n`,
        );
        return { ok: false, summary: '' };
      }
      outcomes.bump(`BgpDecodeError -> NOTIFICATION ${err.errorCode}/${err.errorSubcode}`);
    }
  }
  Error.stackTraceLimit = stackLimit;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    ok: true,
    summary:
      `## pure: framer + decodeMessage + decodeUpdate\n\n${table('outcome', outcomes.rows())}\n` +
      `${count} messages in ${seconds.toFixed(2)} s (${Math.round(count / seconds).toLocaleString('en')}/s); only BgpDecodeError thrown\n`,
  };
}
// ---------------------------------------------------------------------------------------------
// Live mode: a scripted peer and a real BgpSession over TCP

let campaign: LiveCampaign | undefined;
process.on('uncaughtException', (err) => {
  process.stderr.write(`FAIL (live): uncaught exception ${err?.stack ?? String(err)}\n`);
  if (campaign?.lastSent) process.stderr.write(`last message sent: ${campaign.describeLast()}\n`);
  process.exit(1);
});

async function live(count: number): Promise<{ ok: boolean; summary: string }> {
  const logs = new Counter();
  const logger: Logger = {
    debug: () => {},
    info: (e) => logs.bump(e),
    warn: (e, f) => logs.bump(e === 'bgp.update.malformed' ? `${e} ${String(f?.action)}` : e),
    error: (e) => logs.bump(e),
    child: () => logger,
  };
  const c = new LiveCampaign({ seed, count, handshakeFuzz });
  campaign = c;
  const peer = await ScriptedPeer.listen({
    ...c.peerOptions(),
    // the peer's only keepalives are the ones in each burst: they keep the hold timer from firing
    keepaliveIntervalMs: 0,
    defaultTimeoutMs: timeoutMs,
  });
  c.use(peer);
  const session = new BgpSession({
    peerAddress: '127.0.0.1',
    peerPort: peer.port,
    myAsn: ctx.speakerAsn,
    peerAsn: ctx.peerAsn,
    routerId: '192.0.2.11',
    holdTime: 3,
    keepaliveTime: 1,
    nextHopV6: '2001:db8::b',
    logger,
    connectRetryCapSeconds: 2,
  });
  session.setRoutes([
    { prefix: cidrOf('203.0.113.200/32'), communities: ['64500:1'], largeCommunities: [], localPref: 100 },
  ]);

  let sentNotif: string | undefined;
  let gotNotif: string | undefined;
  session.on('notification-sent', (code: number, sub: number) => void (sentNotif = `${code}/${sub}`));
  session.on('notification-received', (code: number, sub: number) => void (gotNotif = `${code}/${sub}`));
  let established = 0;
  session.on('established', () => void established++);

  const rssBefore = process.memoryUsage().rss;
  session.start();
  await c.nextSession(10_000);
  fullGc();
  const heapStart = process.memoryUsage().heapUsed;
  const rssStart = process.memoryUsage().rss;
  // A second measurement after a warm-up, so that JIT code and pools filled once are not read as a leak.
  const warmup = Math.min(5000, Math.floor(count / 10));
  let heapWarm = heapStart;
  let rssWarm = rssStart;
  const t0 = process.hrtime.bigint();

  await c.run({
    sessionTimeoutMs: 10_000,
    beforeMessage: (i) => {
      if (i === warmup && warmup > 0) {
        fullGc();
        heapWarm = process.memoryUsage().heapUsed;
        rssWarm = process.memoryUsage().rss;
      }
    },
    // The ROUTE-REFRESH's answer, once the session has framed the whole burst, proves it processed the
    // message and is still up.
    judge: async ({ i, burst, conn }) => {
      const target = session.status().messagesReceived + frameCount(burst);
      sentNotif = undefined;
      gotNotif = undefined;
      const before = {
        twa: logs.get('bgp.update.malformed treat-as-withdraw') ?? 0,
        ad: logs.get('bgp.update.malformed attribute-discard') ?? 0,
      };
      await peer.waitUntil(
        () =>
          (c.updatesOnConn >= 1 && session.status().messagesReceived >= target) ||
          sentNotif !== undefined ||
          gotNotif !== undefined ||
          c.closedSince(conn),
        timeoutMs,
        `message ${i}`,
      );
      if (sentNotif) return `NOTIFICATION ${sentNotif} (session reset)`;
      if (gotNotif !== undefined) {
        const code = Number((gotNotif as string).split('/')[0]);
        return `peer NOTIFICATION ${code <= 6 ? `code ${code}` : '(unknown code)'}: session closed`;
      }
      if (c.closedSince(conn)) return 'connection closed without NOTIFICATION';
      const twa = (logs.get('bgp.update.malformed treat-as-withdraw') ?? 0) > before.twa;
      const ad = (logs.get('bgp.update.malformed attribute-discard') ?? 0) > before.ad;
      return twa ? 'alive: treat-as-withdraw' : ad ? 'alive: attribute-discard' : 'alive: accepted';
    },
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const rssEnd = process.memoryUsage().rss;
  await session.stop();
  await peer.close();
  fullGc();
  const heapEnd = process.memoryUsage().heapUsed;
  const status = session.status();
  return {
    ok: true,
    summary:
      `## live: scripted peer -> reference BgpSession over TCP (127.0.0.1)\n\n${c.tables()}` +
      `${table('speaker log event', logs.rows())}\n` +
      `${count} messages in ${seconds.toFixed(1)} s (${Math.round(count / seconds).toLocaleString('en')}/s), each followed by a ROUTE-REFRESH round trip\n` +
      `sessions established ${established} (re-established ${c.reestablished} times after a reset), stalls ${c.stalls}, speaker counters: ${status.messagesReceived} received / ${status.messagesSent} sent\n` +
      `no uncaught exception; RSS ${mb(rssBefore)} before the session, ${mb(rssStart)} at the start of the campaign, ${mb(rssWarm)} after ${warmup} messages, ${mb(rssEnd)} at the end\n` +
      `heap used after a full GC: ${mb(heapStart)} at the start, ${mb(heapWarm)} after ${warmup} messages, ${mb(heapEnd)} at the end (${gcKind})\n`,
  };
}

// ---------------------------------------------------------------------------------------------

const rss0 = process.memoryUsage().rss;
process.stdout.write(
  `fuzz:bgp seed ${seed}, mode ${mode}; ${seeds.length} seed messages; RSS at start ${mb(rss0)}\n\n`,
);
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
process.stdout.write(
  `RSS ${mb(rss0)} at start -> ${mb(process.memoryUsage().rss)} at the end; heap after GC ${mb(process.memoryUsage().heapUsed)}\n`,
);
process.exit(ok ? 0 : 1);
