/**
 * Every case of the RFC 4271 / RFC 7606 table against the real speaker process (`lbconform speaker`),
 * one process for the whole table, in a namespace of our own (root only). The file re-executes itself
 * inside the namespace (t.spawn of `ip netns exec NS node ... this file`), where the scripted peer
 * listens on the peer address and the speaker, its child, connects to it.
 *
 * Proofs come from the wire (NOTIFICATION code/subcode/data, who closed, reconnects, the ROUTE-REFRESH
 * round trip, keepalives) and from the speaker's own JSON log (the RFC 7606 action it took).
 */
import t from 'tap';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeNotification, type UpdateFrame } from '../../reference/bgp/messages.ts';
import { formatCidr } from '../../reference/model/ip.ts';
import { decodeUpdate } from '../../reference/bgp/update.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';
import { ScriptedPeer, type Received } from './scripted-peer.ts';
import { defaultContext, rfcCases, type RfcCase } from './rfc-cases.ts';
import {
  INSIDE_ENV,
  insideArgv,
  insideEnv,
  NETNS_PREFIX,
  PEER_ADDRESS,
  SERVICE_PREFIX,
  startSpeaker,
  withSpeakerLab,
  workDir,
  writeSpeakerManifests,
  type LogLine,
  type SpeakerProcess,
} from './speaker-process.ts';

type Test = Parameters<Parameters<typeof t.test>[0]>[0];

const self = fileURLToPath(import.meta.url);
/** One answer from the speaker (a NOTIFICATION, a ROUTE-REFRESH answer, a log line). */
const WAIT_MS = 5000;
/** Speaker start (tsx compiles the sources) or a reconnect after the 1 s back-off, to Established. */
const SESSION_MS = defaultTimeouts.sessionEstablished.ms;
const ctx = defaultContext;
/** The whole table inside the namespace. */
const TABLE_MS = 180_000;

const SCRIPTED_PEER_PORT = 1179;

async function inside(): Promise<void> {
  t.setTimeout(TABLE_MS);
  const work = workDir('test');
  const peer = await ScriptedPeer.listen({
    asn: ctx.peerAsn,
    holdTime: ctx.holdTime,
    routerId: ctx.peerRouterId,
    handshake: 'manual',
    host: PEER_ADDRESS,
    // a fixed port in the namespace of our own: BGPPeer peerPort is at most 16384 (MetalLB's CRD), an
    // ephemeral port is not, and 179 is the speaker's own listener
    port: SCRIPTED_PEER_PORT,
    defaultTimeoutMs: WAIT_MS,
  });
  writeSpeakerManifests(join(work, 'manifests'), { peerPort: peer.port, holdTime: `${ctx.holdTime}s` });
  const speaker = startSpeaker({
    manifestDir: join(work, 'manifests'),
    stateDir: join(work, 'state'),
    logFile: join(work, 'speaker.log'),
    onEvent: () => peer.poke(),
  });
  t.teardown(async () => {
    await speaker.stop();
    await peer.close();
    rmSync(work, { recursive: true, force: true });
  });
  t.comment(`speaker pid ${speaker.pid}, scripted peer ${PEER_ADDRESS}:${peer.port}`);

  const d = new Driver(peer, speaker);
  for (const c of rfcCases) {
    const what = typeof c.expect === 'string' ? c.expect : `NOTIFICATION ${c.expect.notification.join('/')}`;
    await t.test(`${c.name} [${c.rfc}] -> ${what}`, (t) =>
      d.runCase(t, c).catch((err: Error) => {
        t.fail(`${err.message}\nspeaker log tail:\n${speaker.log.tail(15).join('\n')}`);
      }),
    );
    if (!speaker.alive()) break;
  }

  await t.test('the speaker process is alive after the table and still peers', async (t) => {
    t.ok(speaker.alive(), `process ${speaker.pid} still running (exit: ${JSON.stringify(speaker.exit)})`);
    const n = await d.goodSession();
    t.ok(peer.current?.established && peer.current.id === n, 'a session is Established');
    const internal = speaker.log.since(0, 'bgp.session.internal-error');
    t.same(internal, [], 'no internal error logged over the whole table');
    const before = peer.received.length;
    const stopped = await speaker.stop(defaultTimeouts.speakerStop.ms);
    t.same(stopped, { code: 0, signal: null }, 'SIGTERM: clean exit 0');
    const cease = peer.received
      .slice(before)
      .filter((r) => r.conn === n && r.msg.type === 'notification')
      .map(notif);
    t.same(cease, [[6, 2]], 'Cease / Administrative Shutdown on the way out');
  });
}

const notif = (r: Received): [number, number] => {
  const m = r.msg as { code: number; subcode: number };
  return [m.code, m.subcode];
};
const onConn =
  (n: number, type?: Received['msg']['type']) =>
  (r: Received): boolean =>
    r.conn === n && (type === undefined || r.msg.type === type);

/** Keeps one speaker process going through every case: which connection is a good session, back-off. */
class Driver {
  /** The connection that is a healthy Established session with its table received, if any. */
  private good: number | undefined;

  constructor(
    private readonly peer: ScriptedPeer,
    private readonly speaker: SpeakerProcess,
  ) {}

  /** Speaker OPEN on connection n, our OPEN and KEEPALIVE, its KEEPALIVE and its table. */
  async handshake(n: number): Promise<void> {
    await this.peer.next(onConn(n, 'open'), SESSION_MS, `the speaker's OPEN on connection #${n}`);
    this.peer.sendOpen();
    this.peer.sendKeepalive();
    await this.peer.established(n, WAIT_MS);
    await this.peer.next(onConn(n, 'update'), WAIT_MS, `the initial table on connection #${n}`);
    this.good = n;
  }

  /** A healthy Established session (the current one, or a new one). It also resets the speaker's back-off. */
  async goodSession(): Promise<number> {
    const cur = this.peer.current;
    if (cur && this.good === cur.id && !cur.closed) return cur.id;
    if (cur && !cur.closed) {
      this.peer.dropConnection();
      await this.peer.closed(cur.id, WAIT_MS);
    }
    const n = await this.peer.nextConnection((cur?.id ?? 0) + 1, SESSION_MS);
    await this.handshake(n);
    return n;
  }

  /**
   * A fresh connection for a case in the handshake: after a good session (so the speaker's back-off
   * is reset and it reconnects at once), which the peer ends with Cease / Administrative Reset.
   */
  async freshConnection(): Promise<number> {
    const g = await this.goodSession();
    this.peer.send(encodeNotification(6, 4));
    this.good = undefined;
    await this.peer.closed(g, WAIT_MS);
    return this.peer.nextConnection(g + 1, SESSION_MS);
  }

  async runCase(t: Test, c: RfcCase): Promise<void> {
    const { peer, speaker } = this;
    const bytes = c.bytes(ctx);
    const n = c.phase === 'established' ? await this.goodSession() : await this.freshConnection();
    const conns = peer.connections;
    if (c.phase !== 'established')
      await peer.next(onConn(n, 'open'), SESSION_MS, `the speaker's OPEN on connection #${n}`);
    const seq = peer.received.length;
    const mark = speaker.log.lines.length;
    const after = (match: (r: Received) => boolean): Received[] => peer.received.slice(seq).filter(match);
    const logged = (event: string): LogLine[] => speaker.log.since(mark, event);
    switch (c.phase) {
      case 'open':
        peer.send(bytes);
        peer.sendKeepalive();
        break;
      case 'open-sent':
        peer.send(bytes);
        break;
      case 'open-confirm':
        peer.sendOpen();
        peer.send(bytes);
        break;
      case 'established':
        peer.send(bytes);
        break;
    }

    if (typeof c.expect === 'object') {
      const [code, subcode] = c.expect.notification;
      this.good = undefined;
      const r = await peer.next(
        onConn(n, 'notification'),
        WAIT_MS,
        `NOTIFICATION ${code}/${subcode} on connection #${n}`,
      );
      t.same(notif(r), [code, subcode], `NOTIFICATION ${code}/${subcode} on the wire`);
      if (c.expect.data)
        t.equal(
          (r.msg as { data: Buffer }).data.toString('hex'),
          c.expect.data.toString('hex'),
          'NOTIFICATION data',
        );
      await peer.closed(n, WAIT_MS);
      t.same(
        after(onConn(n, 'notification')).map(notif),
        [[code, subcode]],
        'exactly that NOTIFICATION, then the speaker closed the connection',
      );
      if (c.phase !== 'established')
        t.same(after(onConn(n, 'update')), [], 'never Established (no table sent on that connection)');
      if (c.phase === 'open')
        t.same(after(onConn(n, 'keepalive')), [], 'the OPEN was not accepted (no KEEPALIVE for it)');
      await peer.waitUntil(
        () => logged('bgp.session.down').length > 0,
        WAIT_MS,
        'the speaker to log bgp.session.down',
      );
      t.match(
        String(logged('bgp.session.down')[0]!.reason),
        /NOTIFICATION|unexpected|peer AS|identifier|hold time|version|parameter/,
        'the speaker logged why it ended the session',
      );
      t.ok(speaker.alive(), 'the speaker process is alive');
      return;
    }

    if (c.expect === 'session-drops') {
      this.good = undefined;
      await peer.closed(n, WAIT_MS);
      t.same(after(onConn(n, 'notification')), [], 'no NOTIFICATION in answer to a NOTIFICATION');
      await peer.waitUntil(
        () => logged('bgp.notification.received').length > 0,
        WAIT_MS,
        'the speaker to log bgp.notification.received',
      );
      const l = logged('bgp.notification.received')[0]!;
      t.same([l.code, l.subcode], [bytes[19], bytes[20]], "the speaker saw the peer's NOTIFICATION");
      const next = await peer.nextConnection(n + 1, SESSION_MS);
      t.pass('the speaker reconnected');
      if (c.phase === 'established') {
        await this.handshake(next);
        t.pass('Established again, table re-sent');
      }
      t.ok(speaker.alive(), 'the speaker process is alive');
      return;
    }

    // treat-as-withdraw / attribute-discard: the message is processed (a ROUTE-REFRESH sent after it is
    // answered on the same connection) and the session stays up (a later KEEPALIVE from the speaker).
    peer.sendRouteRefresh(1, 1);
    const answer = await peer.next(onConn(n, 'update'), WAIT_MS, 'the ROUTE-REFRESH answer after the case');
    const nlri = decodeUpdate((answer.msg as UpdateFrame).body).nlri.map(formatCidr);
    t.same(nlri, [SERVICE_PREFIX], 'the answer re-sends the table');
    const ka = await peer.next(
      onConn(n, 'keepalive'),
      WAIT_MS,
      'a KEEPALIVE from the speaker after the case',
    );
    t.ok(ka.seq > answer.seq, 'the speaker still sends keepalives on the same connection');
    t.same(
      after((r) => r.msg.type === 'notification'),
      [],
      'no NOTIFICATION on the wire',
    );
    t.equal(peer.connections, conns, 'no reconnect');
    t.notOk(peer.current?.closed, 'the connection is open');
    // The route-refresh log line comes after the case's own lines: once it is read, they all are.
    await peer.waitUntil(
      () => logged('bgp.route-refresh').length > 0,
      WAIT_MS,
      'the speaker to log the ROUTE-REFRESH',
    );
    const actions = logged('bgp.update.malformed').map((l) => l.action);
    t.ok(actions.includes(c.expect), `the speaker logged ${c.expect} (${JSON.stringify(actions)})`);
    if (c.expect === 'attribute-discard')
      t.notOk(actions.includes('treat-as-withdraw'), 'not treated as withdraw');
    t.same(logged('bgp.session.down'), [], 'no session down logged');
  }
}

if (!process.env[INSIDE_ENV]) {
  // ~30 s on an idle machine (the RFC 7606 cases each wait for a speaker KEEPALIVE, up to 1 s); room for a busy one.
  t.setTimeout(TABLE_MS + 20_000);
  t.test(
    `RFC cases against the speaker process (namespace ${NETNS_PREFIX}-*)`,
    { skip: process.getuid?.() !== 0 ? 'needs root (namespaces)' : false },
    async (t) => {
      await withSpeakerLab(async (netns, tempDir) => {
        await t.spawn(
          'ip',
          insideArgv(netns, self),
          { env: insideEnv(tempDir), timeout: TABLE_MS },
          `inside ${netns}`,
        );
      });
    },
  );
} else {
  await inside();
}
