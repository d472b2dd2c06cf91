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
import { decodeMessage } from '../reference/bgp/messages.ts';
import { MessageStream } from '../reference/bgp/stream.ts';
import { ScriptedPeer } from '../tools/bgp-peer/scripted-peer.ts';
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
import { Counter, mb, table } from './fuzz-campaign.ts';
import { LiveCampaign } from './fuzz-live.ts';
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
  const work = workDir('fuzz');
  const logs = new Counter();
  const failures: string[] = [];
  const stalledExamples: string[] = [];
  let speaker: SpeakerProcess | undefined;
  const c = new LiveCampaign({
    seed: o.seed,
    count: o.count,
    handshakeFuzz: o.handshakeFuzz,
    gone: () => speaker?.alive() === false,
  });

  const peer = await ScriptedPeer.listen({
    ...c.peerOptions(),
    host: PEER_ADDRESS,
    // The peer's own keepalives keep the speaker's 3 s hold timer from firing while we wait.
    keepaliveIntervalMs: 1000,
    // BGPPeer peerPort is at most 16384 (MetalLB's CRD): a fixed port in our own namespace, not an ephemeral one
    port: 1179,
    defaultTimeoutMs: o.timeoutMs,
  });
  c.use(peer);
  writeSpeakerManifests(join(work, 'manifests'), { peerPort: peer.port });
  const logFile = join(work, 'speaker.log');
  // info: the route-refresh line orders the log against the wire; debug would only add volume.
  const sp: SpeakerProcess = startSpeaker({
    manifestDir: join(work, 'manifests'),
    stateDir: join(work, 'state'),
    logFile,
    logLevel: 'info',
    recordLog: false,
    onEvent: () => peer.poke(),
  });
  speaker = sp;

  // What the speaker logged since the current message was sent (telling events only).
  let since: LogLine[] = [];
  sp.log.onLine((l) => {
    logs.bump(l.event === 'bgp.update.malformed' ? `${l.event} ${String(l.action)}` : l.event);
    if (TELLING.has(l.event)) since.push(l);
    if (l.event === 'bgp.session.internal-error' && failures.length < 5)
      failures.push(`internal error after message ${c.describeLast()}: ${String(l.error).split('\n')[0]}`);
  });

  const crashed = (): string =>
    `FAIL (speaker): the speaker process ${sp.pid} exited (${JSON.stringify(sp.exit)})\n` +
    `last message sent: ${c.describeLast()}\nspeaker log tail:\n${sp.log.tail(25).join('\n')}\n`;

  const memory: { at: string; m: SpeakerMemory }[] = [];
  const started = Date.now();
  const sample = (at: string): void => {
    if (!sp.alive()) return;
    const m = sp.memory();
    memory.push({ at, m });
    // Progress on stderr: a full campaign runs for minutes on a busy machine.
    process.stderr.write(
      `[fuzz:bgp speaker ${new Date().toISOString().slice(11, 19)}] ${at}: VmRSS ${kb(m.rssKb)}, VmHWM ${kb(m.hwmKb)}, ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
    );
  };
  try {
    await c.nextSession(defaultTimeouts.sessionEstablished.ms);
    if (!sp.alive()) return { ok: false, summary: crashed() };
    sample('campaign start (session up)');
    const every = Math.max(1, Math.floor(o.count / 10));
    const t0 = process.hrtime.bigint();

    const completed = await c.run({
      // A refused handshake costs the back-off (1 s, doubling): a few of them in a row take longer.
      sessionTimeoutMs: defaultTimeouts.sessionEstablished.ms,
      beforeMessage: (i) => {
        if (i > 0 && i % every === 0) sample(`after ${i.toLocaleString('en')} messages`);
      },
      onStall: () => {
        if (stalledExamples.length < 3) stalledExamples.push(c.describeLast());
      },
      // Kept: every expected answer arrived and the speaker logged every refresh (its lines about the
      // message come before those, so they are all read). Else: the connection closed.
      judge: async ({ i, burst, conn }) => {
        const answers = refreshesV4(burst);
        since = [];
        const refreshed = (): number =>
          since.filter((l) => l.event === 'bgp.route-refresh' && l.afi === 1 && l.safi === 1).length;
        await peer.waitUntil(
          () =>
            (answers > 0 && c.updatesOnConn >= answers && refreshed() >= answers) ||
            c.closedSince(conn) ||
            !sp.alive(),
          o.timeoutMs,
          `message ${i}`,
        );
        if (!sp.alive() || !c.closedSince(conn)) {
          const actions = since.filter((l) => l.event === 'bgp.update.malformed').map((l) => l.action);
          return actions.includes('treat-as-withdraw')
            ? 'alive: treat-as-withdraw'
            : actions.includes('attribute-discard')
              ? 'alive: attribute-discard'
              : 'alive: accepted';
        }
        const down = (): LogLine | undefined => since.find((l) => l.event === 'bgp.session.down');
        await peer
          .waitUntil(
            () => down() !== undefined || !sp.alive(),
            o.timeoutMs,
            `the speaker's bgp.session.down for message ${i}`,
          )
          .catch(() => {});
        const reason = String(down()?.reason ?? 'no bgp.session.down logged');
        const notif = c.notificationOn(conn);
        if (notif) return `NOTIFICATION ${notif} (session reset)`;
        if (reason.startsWith('peer sent NOTIFICATION')) {
          const code = Number(/NOTIFICATION (\d+)/.exec(reason)?.[1]);
          return `peer NOTIFICATION ${code >= 1 && code <= 6 ? `code ${code}` : '(unknown code)'}: session closed`;
        }
        return `connection closed without NOTIFICATION (${reason.split(':')[0]})`;
      },
    });
    if (!completed) return { ok: false, summary: crashed() };
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    sample(`end (${o.count.toLocaleString('en')} messages)`);
    const exit = await sp.stop(defaultTimeouts.speakerStop.ms);
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
      `## speaker: scripted peer -> \`lbconform speaker\` process (pid ${sp.pid}) in its own namespace\n\n${c.tables()}` +
      `${table('speaker log event', logs.rows())}\n` +
      `${o.count} messages in ${seconds.toFixed(1)} s (${Math.round(o.count / seconds).toLocaleString('en')}/s), each followed by a KEEPALIVE and a ROUTE-REFRESH round trip\n` +
      `sessions established ${c.sessionsUp} (re-established ${c.reestablished} times after a reset), stalls ${c.stalls}\n` +
      (stalledExamples.length
        ? `first stalled messages:\n${stalledExamples.map((x) => `  ${x}`).join('\n')}\n`
        : '') +
      `speaker process memory (/proc/${sp.pid}/status):\n\n${memTable}\n\n` +
      `speaker exit after SIGTERM: ${JSON.stringify(exit)}\n` +
      (failures.length
        ? `FAIL:\n${failures.map((f) => `  ${f}`).join('\n')}\n`
        : `the speaker process never exited during the campaign and logged no internal error\n`);
    return { ok: failures.length === 0, summary };
  } finally {
    await sp.stop();
    await peer.close();
    if (failures.length > 0 || sp.exit?.code !== 0) {
      // Kept for the post-mortem; the campaign's temp dir goes.
      mkdirSync(BENCH_OUT, { recursive: true });
      copyFileSync(logFile, join(BENCH_OUT, 'fuzz-bgp-speaker.log'));
      process.stderr.write(`speaker log kept in ${join(BENCH_OUT, 'fuzz-bgp-speaker.log')}\n`);
    }
    rmSync(work, { recursive: true, force: true });
  }
}
