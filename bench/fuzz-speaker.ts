/**
 * `npm run fuzz:bgp -- --target speaker`: the live campaign against the real speaker process
 * (`lbconform speaker`), run inside a namespace of our own (see tools/bgp-peer/speaker-process.ts).
 *
 * Each mutated message goes from the scripted peer to the speaker, followed by a KEEPALIVE and a
 * ROUTE-REFRESH. What the speaker did is read from the wire and its log: a NOTIFICATION (code/subcode)
 * and a closed connection, a closed connection after the peer's own NOTIFICATION, or the session kept,
 * proved by the ROUTE-REFRESH answer(s) on the same connection, with the RFC 7606 action it logged.
 * The speaker's RSS (VmRSS/VmHWM from /proc) is sampled before, during and after. A speaker that exits
 * fails the run with the message that killed it and its log tail; so does a logged internal error.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { decodeMessage, encodeKeepalive, encodeRouteRefresh } from '../reference/bgp/messages.ts';
import { MessageStream } from '../reference/bgp/stream.ts';
import { peerOpen } from '../tools/bgp-peer/rfc-cases.ts';
import { ScriptedPeer, type Received } from '../tools/bgp-peer/scripted-peer.ts';
import {
  PEER_ADDRESS,
  startSpeaker,
  workDir,
  writeSpeakerManifests,
  type LogLine,
  type SpeakerMemory,
  type SpeakerProcess,
} from '../tools/bgp-peer/speaker-process.ts';
import { defaultTimeouts } from '../harness/timeouts.ts';
import { Counter, ctx, framed, mb, mutate, seeds, table, makeRandom } from './fuzz-campaign.ts';
import { BENCH_OUT } from './lib.ts';

export interface SpeakerCampaignOptions {
  count: number;
  seed: number;
  /** Connections whose handshake gets a mutated OPEN (spread over the campaign). */
  handshakeFuzz: number;
  /** Longest wait for the speaker's answer to one message. */
  timeoutMs: number;
}

/** Log events that say what the speaker did with a message (the rest are only counted). */
const TELLING = new Set([
  'bgp.route-refresh',
  'bgp.update.malformed',
  'bgp.session.down',
  'bgp.notification.received',
  'bgp.session.internal-error',
]);

/** ROUTE-REFRESH messages for IPv4 unicast in `bytes`: each is answered with one UPDATE (the table). */
function refreshesV4(bytes: Buffer): number {
  let frames: Buffer[];
  try {
    frames = new MessageStream().push(bytes);
  } catch {
    return 0; // the speaker's framer throws too: the session ends, nothing is answered
  }
  let n = 0;
  for (const f of frames) {
    try {
      const m = decodeMessage(f);
      if (m.type === 'route-refresh' && m.afi === 1 && m.safi === 1) n++;
    } catch {
      // this message ends the session; the wait sees the close
    }
  }
  return n;
}

const kb = (k: number): string => mb(k * 1024);

export async function speakerCampaign(o: SpeakerCampaignOptions): Promise<{ ok: boolean; summary: string }> {
  const rnd = makeRandom(o.seed);
  const work = workDir('fuzz');
  const outcomes = new Counter();
  const byStrategy = new Counter();
  const logs = new Counter();
  const failures: string[] = [];
  const stalledExamples: string[] = [];
  let handshakeLeft = o.handshakeFuzz;
  const handshakeEvery = o.handshakeFuzz > 0 ? Math.max(1, Math.floor(o.count / o.handshakeFuzz)) : Infinity;
  let fuzzNextHandshake = false;
  const handshakeOutcomes = new Counter();
  let lastSent: { i: number; bytes: Buffer; strategy: string; seed: string } | undefined;
  const describeLast = (): string =>
    lastSent
      ? `#${lastSent.i} ${lastSent.seed} / ${lastSent.strategy}: ${lastSent.bytes.toString('hex')}`
      : '(none yet)';

  const peer = await ScriptedPeer.listen({
    asn: ctx.peerAsn,
    holdTime: 3,
    routerId: ctx.peerRouterId,
    record: false,
    host: PEER_ADDRESS,
    // The peer's own keepalives keep the speaker's 3 s hold timer from firing while we wait.
    keepaliveIntervalMs: 1000,
    // BGPPeer peerPort is at most 16384 (MetalLB's CRD): a fixed port in our own namespace, not an ephemeral one
    port: 1179,
    defaultTimeoutMs: o.timeoutMs,
    openBytes: () => {
      if (!fuzzNextHandshake) return peerOpen(ctx);
      fuzzNextHandshake = false;
      handshakeLeft--;
      const openSeeds = seeds.filter((s) => s.name.startsWith('OPEN'));
      return framed(rnd, mutate(rnd, openSeeds[rnd(openSeeds.length)]!).bytes);
    },
  });
  writeSpeakerManifests(join(work, 'manifests'), { peerPort: peer.port });
  const logFile = join(work, 'speaker.log');
  // info: the route-refresh line orders the log against the wire; debug would only add volume.
  const speaker: SpeakerProcess = startSpeaker({
    manifestDir: join(work, 'manifests'),
    stateDir: join(work, 'state'),
    logFile,
    logLevel: 'info',
    recordLog: false,
    onEvent: () => peer.poke(),
  });

  // What the speaker logged since the current message was sent (telling events only).
  let since: LogLine[] = [];
  speaker.log.onLine((l) => {
    logs.bump(l.event === 'bgp.update.malformed' ? `${l.event} ${String(l.action)}` : l.event);
    if (TELLING.has(l.event)) since.push(l);
    if (l.event === 'bgp.session.internal-error' && failures.length < 5)
      failures.push(`internal error after message ${describeLast()}: ${String(l.error).split('\n')[0]}`);
  });

  let conn = 0;
  let updatesOnConn = 0;
  const notifOnConn = new Map<number, string>();
  peer.onReceive((r: Received) => {
    if (r.conn !== conn) return;
    if (r.msg.type === 'update') updatesOnConn++;
    if (r.msg.type === 'notification') notifOnConn.set(r.conn, `${r.msg.code}/${r.msg.subcode}`);
  });

  const crashed = (): string =>
    `FAIL (speaker): the speaker process ${speaker.pid} exited (${JSON.stringify(speaker.exit)})\n` +
    `last message sent: ${describeLast()}\nspeaker log tail:\n${speaker.log.tail(25).join('\n')}\n`;

  let stalls = 0;
  let handshakeConn = -1;
  let established = 0;
  /** The next connection whose session is up (the speaker's table arrived on it). */
  const nextSession = async (timeoutMs: number): Promise<void> => {
    for (;;) {
      const n = conn + 1;
      await peer.waitUntil(() => peer.connections >= n || !speaker.alive(), timeoutMs, `connection #${n}`);
      if (!speaker.alive()) return;
      conn = n;
      updatesOnConn = 0;
      let up = false;
      try {
        await peer.waitUntil(
          () => (up = updatesOnConn > 0) || peer.current?.id !== n || peer.current.closed || !speaker.alive(),
          timeoutMs,
          `session #${n} up`,
        );
      } catch {
        stalls++;
        peer.dropConnection();
      }
      if (handshakeConn === n) {
        handshakeOutcomes.bump(
          up
            ? 'mutated OPEN -> session up'
            : notifOnConn.has(n)
              ? `mutated OPEN -> NOTIFICATION ${notifOnConn.get(n)}`
              : 'mutated OPEN -> closed',
        );
        handshakeConn = -1;
      }
      notifOnConn.delete(n);
      if (up) {
        established++;
        return;
      }
      if (!speaker.alive()) return;
    }
  };

  const memory: { at: string; m: SpeakerMemory }[] = [];
  const started = Date.now();
  const sample = (at: string): void => {
    if (!speaker.alive()) return;
    const m = speaker.memory();
    memory.push({ at, m });
    // Progress on stderr: a full campaign runs for minutes on a busy machine.
    process.stderr.write(
      `[fuzz:bgp speaker ${new Date().toISOString().slice(11, 19)}] ${at}: VmRSS ${kb(m.rssKb)}, VmHWM ${kb(m.hwmKb)}, ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
    );
  };
  try {
    await nextSession(defaultTimeouts.sessionEstablished.ms);
    if (!speaker.alive()) return { ok: false, summary: crashed() };
    sample('campaign start (session up)');
    const every = Math.max(1, Math.floor(o.count / 10));
    const t0 = process.hrtime.bigint();
    let reestablished = 0;

    for (let i = 0; i < o.count; i++) {
      if (i > 0 && i % every === 0) sample(`after ${i.toLocaleString('en')} messages`);
      const s = seeds[rnd(seeds.length)]!;
      const m = mutate(rnd, s);
      const bytes = framed(rnd, m.bytes);
      lastSent = { i, bytes, strategy: m.strategy, seed: s.name };
      const burst = Buffer.concat([bytes, encodeKeepalive(), encodeRouteRefresh(1, 1)]);
      const answers = refreshesV4(burst);
      const me = conn;
      since = [];
      updatesOnConn = 0;
      const refreshed = (): number =>
        since.filter((l) => l.event === 'bgp.route-refresh' && l.afi === 1 && l.safi === 1).length;
      const closed = (): boolean => peer.current?.id !== me || peer.current.closed;
      peer.send(burst);
      let outcome: string;
      try {
        // Kept: every expected answer arrived and the speaker logged every refresh (its lines about the
        // message come before those, so they are all read). Else: the connection closed.
        await peer.waitUntil(
          () =>
            (answers > 0 && updatesOnConn >= answers && refreshed() >= answers) ||
            closed() ||
            !speaker.alive(),
          o.timeoutMs,
          `message ${i}`,
        );
        if (!speaker.alive()) return { ok: false, summary: crashed() };
        if (closed()) {
          const down = (): LogLine | undefined => since.find((l) => l.event === 'bgp.session.down');
          await peer
            .waitUntil(
              () => down() !== undefined || !speaker.alive(),
              o.timeoutMs,
              `the speaker's bgp.session.down for message ${i}`,
            )
            .catch(() => {});
          if (!speaker.alive()) return { ok: false, summary: crashed() };
          const reason = String(down()?.reason ?? 'no bgp.session.down logged');
          const notif = notifOnConn.get(me);
          if (notif) outcome = `NOTIFICATION ${notif} (session reset)`;
          else if (reason.startsWith('peer sent NOTIFICATION')) {
            const code = Number(/NOTIFICATION (\d+)/.exec(reason)?.[1]);
            outcome = `peer NOTIFICATION ${code >= 1 && code <= 6 ? `code ${code}` : '(unknown code)'}: session closed`;
          } else outcome = `connection closed without NOTIFICATION (${reason.split(':')[0]})`;
        } else {
          const actions = since.filter((l) => l.event === 'bgp.update.malformed').map((l) => l.action);
          outcome = actions.includes('treat-as-withdraw')
            ? 'alive: treat-as-withdraw'
            : actions.includes('attribute-discard')
              ? 'alive: attribute-discard'
              : 'alive: accepted';
        }
      } catch {
        stalls++;
        outcome = 'stalled (no answer; connection dropped by the fuzzer)';
        if (stalledExamples.length < 3) stalledExamples.push(describeLast());
        peer.dropConnection();
      }
      outcomes.bump(outcome);
      byStrategy.bump(`${m.strategy}: ${outcome.startsWith('alive') ? 'session kept' : 'session reset'}`);
      if (!outcome.startsWith('alive')) {
        if (handshakeLeft > 0 && i >= (o.handshakeFuzz - handshakeLeft + 1) * handshakeEvery - 1) {
          // The next connection gets a mutated OPEN (it costs the speaker's 1 s back-off when refused).
          fuzzNextHandshake = true;
          handshakeConn = conn + 1;
        }
        // A refused handshake costs the back-off (1 s, doubling): a few of them in a row take longer.
        await nextSession(defaultTimeouts.sessionEstablished.ms);
        if (!speaker.alive()) return { ok: false, summary: crashed() };
        reestablished++;
      }
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    sample(`end (${o.count.toLocaleString('en')} messages)`);
    const exit = await speaker.stop(defaultTimeouts.speakerStop.ms);
    if (exit.code !== 0)
      failures.push(
        `the speaker did not stop cleanly on SIGTERM after the campaign: ${JSON.stringify(exit)}`,
      );
    const memTable = [
      '| when | VmRSS | VmHWM |',
      '|---|---:|---:|',
      ...memory.map((x) => `| ${x.at} | ${kb(x.m.rssKb)} | ${kb(x.m.hwmKb)} |`),
    ].join('\n');
    const summary =
      `## speaker: scripted peer -> \`lbconform speaker\` process (pid ${speaker.pid}) in its own namespace\n\n${table('outcome', outcomes.rows())}\n` +
      `${table('strategy', byStrategy.rows())}\n` +
      (handshakeOutcomes.size
        ? `${table('mutated OPEN in the handshake', handshakeOutcomes.rows())}\n`
        : '') +
      `${table('speaker log event', logs.rows())}\n` +
      `${o.count} messages in ${seconds.toFixed(1)} s (${Math.round(o.count / seconds).toLocaleString('en')}/s), each followed by a KEEPALIVE and a ROUTE-REFRESH round trip\n` +
      `sessions established ${established} (re-established ${reestablished} times after a reset), stalls ${stalls}\n` +
      (stalledExamples.length
        ? `first stalled messages:\n${stalledExamples.map((x) => `  ${x}`).join('\n')}\n`
        : '') +
      `speaker process memory (/proc/${speaker.pid}/status):\n\n${memTable}\n\n` +
      `speaker exit after SIGTERM: ${JSON.stringify(exit)}\n` +
      (failures.length
        ? `FAIL:\n${failures.map((f) => `  ${f}`).join('\n')}\n`
        : `the speaker process never exited during the campaign and logged no internal error\n`);
    return { ok: failures.length === 0, summary };
  } finally {
    await speaker.stop();
    await peer.close();
    if (failures.length > 0 || speaker.exit?.code !== 0) {
      // Kept for the post-mortem; the campaign's temp dir goes.
      mkdirSync(BENCH_OUT, { recursive: true });
      copyFileSync(logFile, join(BENCH_OUT, 'fuzz-bgp-speaker.log'));
      process.stderr.write(`speaker log kept in ${join(BENCH_OUT, 'fuzz-bgp-speaker.log')}\n`);
    }
    rmSync(work, { recursive: true, force: true });
  }
}
