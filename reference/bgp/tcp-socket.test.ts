import t from 'tap';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { isCodedError } from '../../common/errors.ts';
import { BgpSession } from './session.ts';
import { connectBgpSocket, sessionTtl, setSocketTtl, socketTtl } from './tcp-socket.ts';
import { ScriptedPeer } from '../../tools/bgp-peer/scripted-peer.ts';
import { sessionWithPeer } from '../../tools/bgp-peer/session-with-peer.ts';

async function server(
  t: { teardown(fn: () => unknown): void },
  host: string,
): Promise<{ server: Server; port: number; accepted: Promise<Socket> }> {
  const s = createServer();
  const accepted = once(s, 'connection').then(([c]) => c as Socket);
  s.listen(0, host);
  await once(s, 'listening');
  t.teardown(() => new Promise((r) => s.close(r)));
  return { server: s, port: (s.address() as { port: number }).port, accepted };
}

function defaultTtl(host: string): number {
  return Number(
    readFileSync(
      host.includes(':') ? '/proc/sys/net/ipv6/conf/lo/hop_limit' : '/proc/sys/net/ipv4/ip_default_ttl',
      'utf8',
    ),
  );
}

t.test('sessionTtl: FRR / MetalLB values', async (t) => {
  t.equal(sessionTtl(64500, 64500), 255, 'iBGP: 255');
  t.equal(sessionTtl(64500, 64500, 255), 255, 'iBGP ignores multihop');
  t.equal(sessionTtl(64500, 4200000000), 1, 'single-hop eBGP: 1');
  t.equal(sessionTtl(64500, 4200000000, 255), 255, 'eBGP multihop: the configured TTL');
  t.equal(sessionTtl(64500, 4200000000, 5), 5);
});

for (const [host, family] of [
  ['127.0.0.1', 'IPv4 IP_TTL'],
  ['::1', 'IPv6 IPV6_UNICAST_HOPS'],
] as const) {
  t.test(`connectBgpSocket sets ${family} before connect; read back with getsockopt`, async (t) => {
    for (const ttl of [1, 7, 255]) {
      const { port, accepted } = await server(t, host);
      const { socket, connected } = connectBgpSocket({ peerAddress: host, peerPort: port, ttl });
      const peer = await accepted;
      t.equal(socketTtl(socket), ttl, `TTL ${ttl} on the connecting socket`);
      t.ok(connected(), 'handshake completed');
      t.equal(socketTtl(peer), defaultTtl(host), 'the other end keeps the namespace default');
      setSocketTtl(peer, 3);
      t.equal(socketTtl(peer), 3, 'setSocketTtl on an accepted socket');
      socket.destroy();
      peer.destroy();
    }
  });
}

t.test('connectBgpSocket with an MD5 key sets the TTL too', async (t) => {
  const { port } = await server(t, '127.0.0.1');
  const { socket } = connectBgpSocket({ peerAddress: '127.0.0.1', peerPort: port, ttl: 1, password: 'k3y' });
  t.equal(socketTtl(socket), 1);
  socket.destroy();
});

t.test('a refused connection is never connected', async (t) => {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const closed = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  const { socket, connected } = connectBgpSocket({ peerAddress: '127.0.0.1', peerPort: closed, ttl: 64 });
  const errors: string[] = [];
  socket.on('error', (err: NodeJS.ErrnoException) => errors.push(String(err.code)));
  const gone = new Promise((r) => socket.on('close', r));
  socket.write(Buffer.from('x'));
  await gone;
  t.same(errors, ['ECONNREFUSED'], 'the failed handshake surfaces on the first write');
  t.notOk(connected());
});

t.test('bad arguments are coded errors', async (t) => {
  const code = (fn: () => unknown): string | undefined => {
    try {
      fn();
    } catch (err) {
      return isCodedError(err) ? err.code : `not coded: ${String(err)}`;
    }
    return undefined;
  };
  t.equal(
    code(() => connectBgpSocket({ peerAddress: '127.0.0.1', peerPort: 179, ttl: 0 })),
    'TCP_TTL_FAILED',
  );
  t.equal(
    code(() => connectBgpSocket({ peerAddress: '127.0.0.1', peerPort: 179, ttl: 256 })),
    'TCP_TTL_FAILED',
  );
  t.equal(
    code(() => connectBgpSocket({ peerAddress: 'not-an-ip', peerPort: 179, ttl: 1 })),
    'TCP_SOCKET_FAILED',
  );
  t.equal(
    code(() =>
      connectBgpSocket({ peerAddress: '127.0.0.1', peerPort: 179, ttl: 1, password: 'x'.repeat(81) }),
    ),
    'TCP_MD5_FAILED',
  );
});

/** The session's own socket: what it really sends with. */
function sessionSocket(session: BgpSession): Socket {
  return (session as unknown as { socket: Socket }).socket;
}

t.test(
  'every BgpSession connects with its TTL: eBGP 1, eBGP multihop 255, iBGP 255; inbound gets it too',
  async (t) => {
    const cases = [
      { name: 'eBGP', peerAsn: 4200000000, ebgpMultiHop: undefined, ttl: 1 },
      { name: 'eBGP multihop', peerAsn: 4200000000, ebgpMultiHop: 255, ttl: 255 },
      { name: 'iBGP', peerAsn: 64500, ebgpMultiHop: undefined, ttl: 255 },
    ];
    for (const c of cases) {
      const { peer, session } = await sessionWithPeer(
        t,
        { asn: c.peerAsn, holdTime: 30 },
        c.ebgpMultiHop ? { ebgpMultiHop: c.ebgpMultiHop } : {},
      );
      const established = once(session, 'established');
      session.start();
      await established;
      t.equal(session.ttl, c.ttl, `${c.name}: session TTL`);
      t.equal(
        socketTtl(sessionSocket(session)),
        c.ttl,
        `${c.name}: the outbound socket sends with TTL ${c.ttl}`,
      );
      await session.stop();
      await peer.close();
    }

    // inbound: the accepted socket is given the session's TTL before anything is sent on it
    const session = new BgpSession({
      peerAddress: '127.0.0.1',
      peerPort: 9,
      myAsn: 64500,
      peerAsn: 4200000000,
      routerId: '192.0.2.11',
      holdTime: 30,
    });
    const { port, accepted } = await server(t, '127.0.0.1');
    const client = new ScriptedPeer({ asn: 4200000000, holdTime: 30 });
    const { socket: out } = connectBgpSocket({ peerAddress: '127.0.0.1', peerPort: port, ttl: 64 });
    client.attach(out);
    const inbound = await accepted;
    t.equal(socketTtl(inbound), defaultTtl('127.0.0.1'), 'an accepted socket starts with the default TTL');
    const established = once(session, 'established');
    session.acceptIncoming(inbound);
    t.equal(socketTtl(inbound), 1, 'acceptIncoming gives it the eBGP TTL 1');
    await established;
    await session.stop();
    out.destroy();
  },
);
