import t from 'tap';
import type { Logger } from '../../common/log.ts';
import { BgpSession } from '../../reference/bgp/session.ts';
import { cidrOf } from '../../reference/model/ip.ts';
import { is, ScriptedPeer } from './scripted-peer.ts';
import { defaultContext, rfcCases, type RfcCase } from './rfc-cases.ts';

interface LogLine {
  level: string;
  event: string;
  fields: Record<string, unknown>;
}

function recordingLogger(lines: LogLine[]): Logger {
  const log =
    (level: string) =>
    (event: string, fields: Record<string, unknown> = {}): void =>
      void lines.push({ level, event, fields });
  const logger: Logger = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: () => logger,
  };
  return logger;
}

type Test = Parameters<Parameters<typeof t.test>[0]>[0];

const WAIT_MS = 3000;
const ctx = defaultContext;

/** One case against a fresh reference session and a fresh scripted peer. */
async function runCase(t: Test, c: RfcCase): Promise<void> {
  const peer = await ScriptedPeer.listen({
    asn: ctx.peerAsn,
    holdTime: ctx.holdTime,
    routerId: ctx.peerRouterId,
    handshake: c.phase === 'open' || c.phase === 'established' ? 'auto' : 'manual',
    ...(c.phase === 'open'
      ? { openBytes: (conn: number) => (conn === 1 ? c.bytes(ctx) : peer.openMessage()) }
      : {}),
    defaultTimeoutMs: WAIT_MS,
  });
  const logs: LogLine[] = [];
  const session = new BgpSession({
    peerAddress: '127.0.0.1',
    peerPort: peer.port,
    myAsn: ctx.speakerAsn,
    peerAsn: ctx.peerAsn,
    routerId: '192.0.2.11',
    holdTime: 3,
    keepaliveTime: 1,
    nextHopV6: '2001:db8::b',
    logger: recordingLogger(logs),
  });
  // One route, so that a ROUTE-REFRESH is answered: the round trip that proves a message was processed.
  session.setRoutes([{ prefix: cidrOf('203.0.113.200/32'), communities: [], largeCommunities: [] }]);
  const sent: [number, number][] = [];
  const gotFromPeer: [number, number][] = [];
  let establishedCount = 0;
  session.on('notification-sent', (code: number, sub: number) => void sent.push([code, sub]));
  session.on('notification-received', (code: number, sub: number) => void gotFromPeer.push([code, sub]));
  session.on('established', () => void establishedCount++);
  t.teardown(async () => {
    await session.stop();
    await peer.close();
  });

  session.start();
  await peer.nextConnection(1);
  const bytes = c.bytes(ctx);
  switch (c.phase) {
    case 'open':
      break; // the peer answers the speaker's OPEN with the case's bytes
    case 'open-sent':
      await peer.next(is.open(), WAIT_MS, "the speaker's OPEN");
      peer.send(bytes);
      break;
    case 'open-confirm':
      await peer.next(is.open(), WAIT_MS, "the speaker's OPEN");
      peer.sendOpen();
      peer.send(bytes);
      break;
    case 'established':
      await peer.established(1);
      await peer.next(is.update(), WAIT_MS, 'the initial table');
      t.equal(session.currentState, 'Established', 'Established before the case');
      peer.skipAll();
      peer.send(bytes);
      break;
  }
  const before = peer.received.length;
  const notificationsAfter = () => peer.received.slice(before).filter((r) => r.msg.type === 'notification');

  if (typeof c.expect === 'object') {
    const [code, subcode] = c.expect.notification;
    const n = await peer.next(is.notification(), WAIT_MS, `NOTIFICATION ${code}/${subcode}`);
    const msg = n.msg as { code: number; subcode: number; data: Buffer };
    t.same([msg.code, msg.subcode], [code, subcode], `NOTIFICATION ${code}/${subcode} on the wire`);
    if (c.expect.data) t.same(msg.data.toString('hex'), c.expect.data.toString('hex'), 'NOTIFICATION data');
    t.same(sent, [[code, subcode]], 'the session reports exactly that NOTIFICATION');
    await peer.closed(1);
    t.pass('the speaker closed the connection');
    if (c.phase !== 'established') t.equal(establishedCount, 0, 'never Established');
    return;
  }

  if (c.expect === 'session-drops') {
    await peer.closed(1);
    t.same(gotFromPeer, [[bytes[19], bytes[20]]], "the session saw the peer's NOTIFICATION");
    t.same(sent, [], 'no NOTIFICATION in answer to a NOTIFICATION');
    t.same(notificationsAfter().filter((r) => r.conn === 1).length, 0, 'none on the wire either');
    await peer.nextConnection(2);
    t.pass('the speaker reconnected');
    if (c.phase === 'established') {
      await peer.established(2);
      t.equal(session.currentState, 'Established', 'Established again');
    }
    return;
  }

  // treat-as-withdraw / attribute-discard: the message is processed (a ROUTE-REFRESH sent after it
  // is answered on the same connection) and the session stays up (a later KEEPALIVE from the speaker).
  peer.sendRouteRefresh(1, 1);
  const answer = await peer.next(is.update(), WAIT_MS, 'the ROUTE-REFRESH answer after the case');
  t.equal(answer.conn, 1, 'answered on the same connection');
  const ka = await peer.next(is.keepalive(), WAIT_MS, 'a KEEPALIVE from the speaker after the case');
  t.equal(ka.conn, 1, 'the speaker still sends keepalives on the same connection');
  t.equal(session.currentState, 'Established', 'still Established');
  t.same(sent, [], 'no NOTIFICATION sent');
  t.same(notificationsAfter(), [], 'no NOTIFICATION on the wire');
  t.equal(peer.connections, 1, 'no reconnect');
  const actions = logs.filter((l) => l.event === 'bgp.update.malformed').map((l) => l.fields.action);
  t.ok(actions.includes(c.expect), `logged ${c.expect} (${JSON.stringify(actions)})`);
  if (c.expect === 'attribute-discard')
    t.notOk(actions.includes('treat-as-withdraw'), 'not treated as withdraw');
}

t.test('the table covers what issue 9 asks for', async (t) => {
  const outcomes = rfcCases.map((c) =>
    typeof c.expect === 'string' ? c.expect : `${c.expect.notification[0]}/${c.expect.notification[1]}`,
  );
  for (const need of [
    '1/1',
    '1/2',
    '1/3',
    '2/1',
    '2/2',
    '2/3',
    '2/6',
    '3/1',
    '3/2',
    '3/10',
    '5/0',
    'treat-as-withdraw',
    'attribute-discard',
    'session-drops',
  ]) {
    t.ok(outcomes.includes(need), `a case expecting ${need}`);
  }
  t.equal(new Set(rfcCases.map((c) => c.name)).size, rfcCases.length, 'case names are unique');
  for (const c of rfcCases) t.match(c.rfc, /^RFC \d+ [\d.a-z]+/, `${c.name}: cites a clause`);
});

// Every case has its own session and peer: run them side by side (the RFC 7606 ones each wait for a
// KEEPALIVE, up to 1 s).
t.jobs = 16;
for (const c of rfcCases) {
  const what = typeof c.expect === 'string' ? c.expect : `NOTIFICATION ${c.expect.notification.join('/')}`;
  t.test(`${c.name} [${c.rfc}] -> ${what}`, (t) => runCase(t, c));
}
