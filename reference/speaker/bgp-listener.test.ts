import t from 'tap';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import type { Logger } from '../../common/log.ts';
import { BgpSession } from '../bgp/session.ts';
import {
  decodeMessage,
  encodeKeepalive,
  encodeOpen,
  ourCapabilities,
  type Message,
} from '../bgp/messages.ts';
import { MessageStream } from '../bgp/stream.ts';
import { connectBgpSocket } from '../bgp/tcp-socket.ts';
import { poll } from '../../common/poll.ts';
import { BgpListener } from './bgp-listener.ts';

/** A logger that keeps events (to see what the listener said). */
function recorder(): Logger & { events: { event: string; fields?: Record<string, unknown> }[] } {
  const events: { event: string; fields?: Record<string, unknown> }[] = [];
  const log: Logger = {
    debug: (event, fields) => void events.push({ event, ...(fields ? { fields } : {}) }),
    info: (event, fields) => void events.push({ event, ...(fields ? { fields } : {}) }),
    warn: (event, fields) => void events.push({ event, ...(fields ? { fields } : {}) }),
    error: (event, fields) => void events.push({ event, ...(fields ? { fields } : {}) }),
    child: () => log,
  };
  return Object.assign(log, { events });
}

/** Waits (polling, 10 s at most) for something the sockets bring about. */
async function until(what: string, cond: () => boolean): Promise<void> {
  await poll(
    what,
    async () => {
      if (!cond()) throw new Error('not yet');
    },
    { timeoutMs: 10_000, intervalMs: 10 },
  );
}

function listener(t: { teardown(fn: () => unknown): void }, log: Logger): BgpListener {
  const l = new BgpListener(log, { port: 0, addresses: ['127.0.0.1'] });
  t.teardown(() => l.close());
  return l;
}

function closedWithoutData(s: Socket): Promise<number> {
  let bytes = 0;
  s.on('data', (c: Buffer) => (bytes += c.length));
  s.on('error', () => {});
  return new Promise((resolve) => s.on('close', () => resolve(bytes)));
}

t.test('a connection from an address that is no configured peer is closed at once and logged', async (t) => {
  const log = recorder();
  const l = listener(t, log);
  const accepted: Socket[] = [];
  l.register('192.0.2.1', { accept: (s) => accepted.push(s) });
  const [port] = l.ports();
  const s = connect(port!, '127.0.0.1');
  t.equal(await closedWithoutData(s), 0, 'closed, nothing sent');
  t.equal(accepted.length, 0, 'no session got it');
  t.match(
    log.events.find((e) => e.event === 'bgp.listener.refused'),
    { fields: { reason: 'not a configured peer', remote: /^127\.0\.0\.1:\d+$/ } },
  );
});

t.test('a configured peer reaches its session; after unregister it is refused', async (t) => {
  const log = recorder();
  const l = listener(t, log);
  const accepted: Socket[] = [];
  const unregister = l.register('127.0.0.1', { accept: (s) => accepted.push(s) });
  const [port] = l.ports();
  const s = connect(port!, '127.0.0.1');
  await once(s, 'connect');
  await until('the session got the connection', () => accepted.length > 0);
  t.equal(accepted[0]!.remotePort, s.localPort, 'the same connection');
  s.destroy();
  accepted[0]!.destroy();
  unregister();
  const again = connect(port!, '127.0.0.1');
  t.equal(await closedWithoutData(again), 0, 'refused once unregistered');
  t.equal(accepted.length, 1);
});

t.test(
  'an MD5 peer: only a SYN signed with its key is accepted (the key is on the listening socket)',
  async (t) => {
    const log = recorder();
    const l = listener(t, log);
    const accepted: Socket[] = [];
    l.register('127.0.0.1', { accept: (s) => accepted.push(s), password: 'right-key' });
    const [port] = l.ports();
    // the kernel drops these SYNs: they stay connecting, the listener never sees them
    const unsigned = connectBgpSocket({ peerAddress: '127.0.0.1', peerPort: port!, ttl: 64 });
    const wrong = connectBgpSocket({
      peerAddress: '127.0.0.1',
      peerPort: port!,
      ttl: 64,
      password: 'wrong-key',
    });
    const signed = connectBgpSocket({
      peerAddress: '127.0.0.1',
      peerPort: port!,
      ttl: 64,
      password: 'right-key',
    });
    for (const c of [unsigned, wrong, signed]) c.socket.on('error', () => {});
    await until('the signed connection accepted', () => accepted.length > 0);
    t.equal(accepted.length, 1, 'one connection accepted');
    t.equal(accepted[0]!.remotePort, signed.socket.localPort, 'the signed one');
    t.ok(signed.connected());
    t.notOk(unsigned.connected(), 'unsigned SYN dropped');
    t.notOk(wrong.connected(), 'wrongly signed SYN dropped');
    for (const c of [unsigned, wrong, signed]) c.socket.destroy();
    accepted[0]!.destroy();
  },
);

t.test('listening on a port in use is logged, not thrown', async (t) => {
  const log = recorder();
  const first = listener(t, log);
  first.register('192.0.2.1', { accept: () => {} });
  const second = new BgpListener(log, { port: first.ports()[0]!, addresses: ['127.0.0.1'] });
  t.doesNotThrow(() => second.register('192.0.2.1', { accept: () => {} }));
  t.same(second.ports(), []);
  t.match(
    log.events.find((e) => e.event === 'bgp.listener.failed'),
    { fields: { address: '127.0.0.1', code: 'TCP_SOCKET_FAILED' } },
  );
});

/**
 * Two speakers connecting to each other at the same moment: each also accepts the other's connection.
 * RFC 4271 6.8 keeps exactly one: the one opened by the higher BGP Identifier (B here).
 */
t.test(
  'collision between two sessions on 127.0.0.1: both Established over one connection, the one B opened',
  async (t) => {
    const la = listener(t, recorder());
    const lb = listener(t, recorder());
    const sessions: { a?: BgpSession; b?: BgpSession } = {};
    la.register('127.0.0.1', { accept: (s) => sessions.a!.acceptIncoming(s) });
    lb.register('127.0.0.1', { accept: (s) => sessions.b!.acceptIncoming(s) });
    const opts = { peerAddress: '127.0.0.1', myAsn: 64500, peerAsn: 64500, holdTime: 3, keepaliveTime: 1 };
    const a = (sessions.a = new BgpSession({ ...opts, peerPort: lb.ports()[0]!, routerId: '192.0.2.11' }));
    const b = (sessions.b = new BgpSession({ ...opts, peerPort: la.ports()[0]!, routerId: '192.0.2.12' }));
    t.teardown(() => Promise.all([a.stop(), b.stop()]));
    let downs = 0;
    for (const s of [a, b]) s.on('state', (from: string) => from === 'Established' && downs++);
    const up = Promise.all([once(a, 'established'), once(b, 'established')]);
    a.start();
    b.start();
    await up;
    const sa = a.status();
    const sb = b.status();
    t.equal(sa.connection?.local, sb.connection?.remote, 'one TCP connection between them');
    t.equal(sa.connection?.inbound, true, 'A (lower identifier) keeps the connection B opened');
    t.equal(sb.connection?.inbound, false);
    // stable: several keepalive intervals later still the same single connection
    const target = sa.messagesReceived + 3;
    await until('three more keepalives', () => a.status().messagesReceived >= target);
    t.equal(downs, 0, 'no session went down');
    t.equal(a.status().connection?.local, sa.connection?.local, 'still the same connection');
    t.equal(b.currentState, 'Established');
  },
);

/** Collects the BGP messages arriving on a socket. */
function messages(s: Socket): Message[] {
  const out: Message[] = [];
  const stream = new MessageStream();
  s.on('data', (c: Buffer) => out.push(...stream.push(c).map(decodeMessage)));
  s.on('error', () => {});
  return out;
}

t.test('an inbound connection beside our connected attempt is held until its OPEN decides', async (t) => {
  // the peer accepts our connection but stays silent: our attempt sits in OpenSent
  const silent = createServer();
  const ours = once(silent, 'connection').then(([c]) => c as Socket);
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  t.teardown(() => void silent.close());
  const session = new BgpSession({
    peerAddress: '127.0.0.1',
    peerPort: (silent.address() as { port: number }).port,
    myAsn: 64500,
    peerAsn: 64500,
    routerId: '192.0.2.11',
    holdTime: 30,
  });
  t.teardown(() => session.stop());
  const l = listener(t, recorder());
  l.register('127.0.0.1', { accept: (s) => session.acceptIncoming(s) });
  session.start();
  const outbound = await ours;
  const onOutbound = messages(outbound);
  await until('our OPEN', () => onOutbound.some((m) => m.type === 'open'));

  const early = connect(l.ports()[0]!, '127.0.0.1');
  const onEarly = messages(early);
  await until('our OPEN on the held connection', () => onEarly.some((m) => m.type === 'open'));
  early.write(encodeKeepalive());
  await until('a NOTIFICATION', () => onEarly.some((m) => m.type === 'notification'));
  t.match(
    onEarly.find((m) => m.type === 'notification'),
    { code: 5, subcode: 0 },
    'KEEPALIVE before OPEN: FSM error',
  );
  t.equal(session.status().connection?.inbound, false, 'our own attempt is untouched');

  const peer = connect(l.ports()[0]!, '127.0.0.1');
  const onPeer = messages(peer);
  await until('our OPEN on the second held connection', () => onPeer.some((m) => m.type === 'open'));
  const established = once(session, 'established');
  peer.write(
    Buffer.concat([
      encodeOpen({
        version: 4,
        asn: 64500,
        holdTime: 30,
        routerId: '192.0.2.200',
        capabilities: ourCapabilities(64500),
      }),
      encodeKeepalive(),
    ]),
  );
  await established;
  t.equal(
    session.status().connection?.inbound,
    true,
    'the higher identifier (the peer) opened the surviving connection',
  );
  await until('Cease on our own attempt', () => onOutbound.some((m) => m.type === 'notification'));
  t.match(
    onOutbound.find((m) => m.type === 'notification'),
    { code: 6, subcode: 7 },
    'Cease / Connection Collision Resolution',
  );
  for (const s of [early, peer, outbound]) s.destroy();
});
