/**
 * The RFC 4271 / RFC 7606 case table (rfc-cases.ts) played on the wire against any speaker that has
 * the scripted peer as a BGPPeer: the peer listens on TCP 179, the speaker connects, and each case
 * takes one connection. Only what the wire shows counts (the NOTIFICATION the speaker sends, whether it
 * closes, whether it keeps the session and its keepalives), so it judges every SUT the same way.
 */
import { poll } from '../../common/poll.ts';
import { type CaseArea, type CaseContext, caseArea, type RfcCase, rfcCases } from './rfc-cases.ts';
import { describe, type Match, type Received, ScriptedPeer } from './scripted-peer.ts';

export interface WireTableOptions {
  host: string;
  port: number;
  ctx: CaseContext;
  /** The SUT answers ROUTE-REFRESH: used to prove a treat-as-withdraw UPDATE was processed. */
  routeRefresh: boolean;
  /** Longest wait for the speaker's next connection (connect-retry included). */
  connectTimeoutMs: number;
  /** Longest wait for one answer on the wire. */
  waitMs: number;
  /** Case names to play (default: all). */
  only?: string[];
  /** Only the cases of this half of the table (default: both). */
  area?: CaseArea;
  /** Keepalive interval the BGPPeer configures (ms): the rate the speaker's KEEPALIVEs are judged by. */
  keepaliveMs: number;
}

export interface WireResult {
  name: string;
  rfc: string;
  expect: string;
  ok: boolean;
  detail: string;
  ms: number;
}

export function expectation(c: RfcCase): string {
  if (typeof c.expect === 'string') return c.expect;
  const also = (c.expect.alsoAccepted ?? []).map((a) => ` or ${a.notification.join('/')} (${a.rfc})`);
  return `NOTIFICATION ${c.expect.notification.join('/')}${also.join('')}`;
}

/** The cases a run plays, in table order. */
export function selectedCases(o: Pick<WireTableOptions, 'only' | 'area'>): RfcCase[] {
  return rfcCases.filter((c) => (!o.only || o.only.includes(c.name)) && (!o.area || caseArea(c) === o.area));
}

const on =
  (conn: number, type: Received['msg']['type']): Match =>
  (r) =>
    r.conn === conn && r.msg.type === type;

export async function runWireTable(
  o: WireTableOptions,
  onListening: () => void,
  onResult: (r: WireResult) => void,
  /** After the table: called once a session is up; the caller stops the speaker (SIGTERM). */
  awaitStop?: () => void,
): Promise<WireResult[]> {
  const { ctx } = o;
  let current: RfcCase | undefined;
  let caseConn = 0;
  const peer: ScriptedPeer = await ScriptedPeer.listen({
    asn: ctx.peerAsn,
    holdTime: ctx.holdTime,
    routerId: ctx.peerRouterId,
    host: o.host,
    port: o.port,
    handshake: 'auto',
    openBytes: (conn) =>
      current?.phase === 'open' && conn === caseConn ? current.bytes(ctx) : peer.openMessage(),
    defaultTimeoutMs: o.waitMs,
  });
  onListening();
  const results: WireResult[] = [];
  try {
    for (const c of selectedCases(o)) {
      const started = Date.now();
      let detail = '';
      let ok = true;
      try {
        detail = await playCase(c);
      } catch (err) {
        ok = false;
        detail = (err as Error).message;
      }
      const r = { name: c.name, rfc: c.rfc, expect: expectation(c), ok, detail, ms: Date.now() - started };
      results.push(r);
      onResult(r);
    }
    if (awaitStop) {
      for (const [name, rfc, expect, play] of [
        [
          'KEEPALIVE rate on an established session',
          'RFC 4271 4.4 / 10',
          'keepalives every keepaliveTime (75-100 %, never more than one a second)',
          keepaliveRate,
        ] as const,
        [
          'graceful stop (SIGTERM)',
          'RFC 4486 / RFC 4271 6.7',
          'NOTIFICATION 6 (Cease), connection closed',
          ceaseOnStop,
        ] as const,
      ]) {
        const started = Date.now();
        let detail = '';
        let ok = true;
        try {
          detail = await play();
        } catch (err) {
          ok = false;
          detail = (err as Error).message;
        }
        const r = { name, rfc, expect, ok, detail, ms: Date.now() - started };
        results.push(r);
        onResult(r);
        if (!ok) break;
      }
    }
  } finally {
    await peer.close();
  }
  return results;

  /** A fresh session: the speaker's KEEPALIVE gaps over a few intervals. */
  async function freshSession(): Promise<number> {
    const prev = peer.current;
    if (prev && !prev.closed) {
      peer.dropConnection();
      await peer.closed(prev.id, o.waitMs);
    }
    current = undefined;
    peer.setHandshake('auto');
    const conn = await peer.nextConnection(peer.connections + 1, o.connectTimeoutMs);
    await peer.established(conn, o.connectTimeoutMs);
    return conn;
  }

  async function keepaliveRate(): Promise<string> {
    const conn = await freshSession();
    const at: number[] = [];
    for (let i = 0; i < 5; i++)
      at.push((await peer.next(on(conn, 'keepalive'), o.keepaliveMs * 3, `KEEPALIVE ${i + 1}`)).at);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    const low = Math.max(0.75 * o.keepaliveMs - 50, 1000 - 50);
    const high = o.keepaliveMs + 500;
    const bad = gaps.filter((g) => g < low || g > high);
    if (bad.length) throw new Error(`KEEPALIVE gaps ${gaps.join(', ')} ms; want ${low}-${high} ms`);
    return `KEEPALIVE gaps ${gaps.join(', ')} ms`;
  }

  async function ceaseOnStop(): Promise<string> {
    const conn = peer.current?.id ?? (await freshSession());
    awaitStop!();
    const n = await peer.next(on(conn, 'notification'), o.waitMs, 'NOTIFICATION Cease after SIGTERM');
    const msg = n.msg as { code: number; subcode: number };
    if (msg.code !== 6) throw new Error(`got NOTIFICATION ${msg.code}/${msg.subcode}, expected 6 (Cease)`);
    await peer.closed(conn, o.waitMs);
    return `NOTIFICATION 6/${msg.subcode}, connection closed`;
  }

  async function playCase(c: RfcCase): Promise<string> {
    // Every case starts on a fresh connection: end the previous one without a word (the speaker reconnects).
    const prev = peer.current;
    if (prev && !prev.closed) {
      peer.dropConnection();
      await peer.closed(prev.id, o.waitMs);
    }
    // A speaker may back off its reconnects after sessions that never came up (the reference doubles
    // its delay up to 30 s): a session that comes up between two such cases keeps each case short.
    if (prev && !prev.established) {
      current = undefined;
      peer.setHandshake('auto');
      const recovery = await peer.nextConnection(peer.connections + 1, o.connectTimeoutMs);
      await peer.established(recovery, o.connectTimeoutMs);
      peer.dropConnection();
      await peer.closed(recovery, o.waitMs);
    }
    current = c;
    caseConn = peer.connections + 1;
    peer.setHandshake(c.phase === 'open' || c.phase === 'established' ? 'auto' : 'manual');
    const conn = await peer.nextConnection(caseConn, o.connectTimeoutMs);
    const bytes = c.bytes(ctx);
    switch (c.phase) {
      case 'open':
        break; // the peer answers the speaker's OPEN with the case's bytes
      case 'open-sent':
        await peer.next(on(conn, 'open'), o.waitMs, "the speaker's OPEN");
        peer.send(bytes);
        break;
      case 'open-confirm':
        await peer.next(on(conn, 'open'), o.waitMs, "the speaker's OPEN");
        peer.sendOpen();
        peer.send(bytes);
        break;
      case 'established':
        await peer.established(conn, o.connectTimeoutMs);
        await peer.next(on(conn, 'update'), o.waitMs, 'the initial table');
        peer.send(bytes);
        break;
    }
    const mark = peer.received.length;
    const notificationsSince = () =>
      peer.received.slice(mark).filter((r) => r.conn === conn && r.msg.type === 'notification');

    if (typeof c.expect === 'object') {
      const [code, subcode] = c.expect.notification;
      const n = await peer.next(on(conn, 'notification'), o.waitMs, expectation(c));
      const msg = n.msg as { code: number; subcode: number; data: Buffer };
      const got = `${msg.code}/${msg.subcode}`;
      const other = (c.expect.alsoAccepted ?? []).find((a) => a.notification.join('/') === got);
      if (got !== `${code}/${subcode}` && !other)
        throw new Error(`got NOTIFICATION ${got}, expected ${expectation(c).slice('NOTIFICATION '.length)}`);
      if (!other && c.expect.data && !msg.data.equals(c.expect.data))
        throw new Error(
          `NOTIFICATION data ${msg.data.toString('hex')}, expected ${c.expect.data.toString('hex')}`,
        );
      await peer.closed(conn, o.waitMs);
      return `NOTIFICATION ${got}${other ? ` (${other.rfc})` : ''}, connection closed`;
    }

    if (c.expect === 'session-drops') {
      await peer.closed(conn, o.waitMs);
      const answered = notificationsSince();
      if (answered.length) throw new Error(`answered the peer's NOTIFICATION with ${describe(answered[0]!)}`);
      await peer.nextConnection(conn + 1, o.connectTimeoutMs);
      return 'closed without answering, then reconnected';
    }

    // treat-as-withdraw / attribute-discard: the session stays up and the speaker keeps talking on it.
    if (o.routeRefresh) {
      peer.sendRouteRefresh(1, 1);
      await peer.next(on(conn, 'update'), o.waitMs, 'the ROUTE-REFRESH answer after the case');
    }
    // Two KEEPALIVEs on the case's connection; a NOTIFICATION or a close ends the wait at once (polled
    // on what was received, so no pending next() is left behind to consume the next case's messages).
    const stop = new AbortController();
    try {
      await poll(
        `two KEEPALIVEs on connection #${conn} after the case`,
        async () => {
          const broken = keptSessionBroken(conn, notificationsSince());
          if (broken) stop.abort(broken);
          const n = peer.received
            .slice(mark)
            .filter((r) => r.conn === conn && r.msg.type === 'keepalive').length;
          if (n < 2) throw new Error(`${n} KEEPALIVE(s) since the case`);
        },
        { timeoutMs: 2 * o.waitMs, intervalMs: 20, signal: stop.signal },
      );
    } catch (err) {
      throw stop.signal.aborted ? (stop.signal.reason as Error) : err;
    }
    const broken = keptSessionBroken(conn, notificationsSince());
    if (broken) throw broken;
    return `session kept${o.routeRefresh ? ', ROUTE-REFRESH answered after it' : ''}, keepalives continue`;
  }

  /** Why a session that had to stay up did not: a NOTIFICATION the speaker sent, or a closed connection. */
  function keptSessionBroken(conn: number, sent: Received[]): Error | undefined {
    if (sent.length) return new Error(`sent ${describe(sent[0]!)} and closed the session`);
    if (peer.current?.id !== conn || peer.current.closed)
      return new Error(
        `the connection was closed after the case without a NOTIFICATION${peer.connections > conn ? ', then the speaker connected again' : ''}`,
      );
    return undefined;
  }
}
