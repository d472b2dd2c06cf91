import t from 'tap';
import { connect, createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import type { Logger } from '../../common/log.ts';
import { BgpSession, type BgpSessionOptions } from './session.ts';
import { decodeMessage, encodeRouteRefresh, type Message } from './messages.ts';
import { cidrOf, formatCidr } from '../model/ip.ts';
import { MessageStream } from './stream.ts';
import { is, ScriptedPeer } from '../../tools/bgp-peer/scripted-peer.ts';
import { eventWithin, sessionWithPeer } from '../../tools/bgp-peer/session-with-peer.ts';

const route = (prefix: string, extra: { communities?: string[]; localPref?: number } = {}) => ({
  prefix: cidrOf(prefix),
  communities: extra.communities ?? [],
  largeCommunities: [],
  ...(extra.localPref === undefined ? {} : { localPref: extra.localPref }),
});

type Teardown = { teardown(fn: () => unknown): void };

/** Records log events so tests can assert on them (event names are stable, messages are not). */
function recordingLogger(): Logger & { events: { event: string; fields?: Record<string, unknown> }[] } {
  const events: { event: string; fields?: Record<string, unknown> }[] = [];
  const rec = (event: string, fields?: Record<string, unknown>) =>
    void events.push({ event, ...(fields ? { fields } : {}) });
  const log = { debug: rec, info: rec, warn: rec, error: rec, child: () => log, events };
  return log;
}

const setup = sessionWithPeer;

t.test('only negotiated families are sent: a peer without IPv6 unicast gets no MP_REACH_NLRI', async (t) => {
  const { peer, session } = await setup(t, {
    asn: 64500,
    holdTime: 30,
    capabilities: [{ code: 1, afi: 1, safi: 1 }, { code: 2 }, { code: 65, asn: 64500 }],
  });
  session.setRoutes([
    route('203.0.113.200/32', { localPref: 0 }),
    route('2001:db8:1::/128', { localPref: 0 }),
  ]);
  const established = eventWithin(session, 'established');
  session.start();
  await established;
  const u = await peer.nextUpdate({ what: 'the IPv4 table' });
  t.same(u.nlri.map(formatCidr), ['203.0.113.200/32']);
  t.equal(u.attributes.mpReach, undefined);
  t.match(session.status(), {
    advertised: 1,
    heldBack: 1,
    negotiated: { holdTime: 30, keepaliveTime: 10, fourOctetAs: true, families: ['ipv4'] },
  });

  // A refresh for IPv6 (not negotiated) is ignored; the IPv4 one is answered. TCP keeps the order, so
  // the next UPDATE being the IPv4 answer shows the IPv6 request produced nothing.
  peer.send(Buffer.concat([encodeRouteRefresh(2, 1), encodeRouteRefresh(1, 1)]));
  const again = await peer.nextUpdate({ what: 'refresh answer' });
  t.same(again.nlri.map(formatCidr), ['203.0.113.200/32']);
  t.equal(again.attributes.mpReach, undefined);
});

t.test('a peer with no multiprotocol capability at all speaks IPv4 unicast only (RFC 4760)', async (t) => {
  const { peer, session } = await setup(t, {
    asn: 64500,
    holdTime: 30,
    capabilities: [{ code: 65, asn: 64500 }],
  });
  session.setRoutes([route('2001:db8:1::/128', { localPref: 0 }), route('203.0.113.7/32', { localPref: 0 })]);
  session.start();
  await eventWithin(session, 'established');
  const u = await peer.nextUpdate({ what: 'IPv4 only' });
  t.same(u.nlri.map(formatCidr), ['203.0.113.7/32']);
  t.equal(session.status().heldBack, 1);
});

t.test('families option: an IPv6-only session offers only IPv6 in OPEN', async (t) => {
  const { peer, session } = await setup(t, { asn: 64500, holdTime: 30 }, { families: ['ipv6'] });
  session.setRoutes([
    route('203.0.113.200/32', { localPref: 0 }),
    route('2001:db8:1::/128', { localPref: 0 }),
  ]);
  session.start();
  const open = (await peer.next(is.open(), undefined, 'OPEN')).msg as Extract<Message, { type: 'open' }>;
  t.same(
    open.capabilities.filter((c) => c.code === 1),
    [{ code: 1, afi: 2, safi: 1 }],
  );
  const u = await peer.nextUpdate({ what: 'IPv6 only' });
  t.same(u.attributes.mpReach?.nlri.map(formatCidr), ['2001:db8:1::/128']);
  t.same(u.nlri, []);
});

t.test(
  'eBGP from a 4-octet ASN to a 2-octet peer: AS_TRANS in OPEN and AS_PATH, real ASN in AS4_PATH',
  async (t) => {
    const { peer, session } = await setup(
      t,
      { asn: 65001, holdTime: 30, capabilities: [{ code: 1, afi: 1, safi: 1 }, { code: 2 }] },
      { myAsn: 4200000000 },
    );
    session.setRoutes([route('203.0.113.200/32', { communities: ['65000:1'] })]);
    session.start();
    const u = await peer.nextUpdate({ what: 'update', fourOctet: false });
    t.same(u.attributes.asPath, [{ type: 2, asns: [23456] }]);
    t.same(u.attributes.as4Path, [{ type: 2, asns: [4200000000] }]);
    t.same(u.attributes.communities, [65000 * 65536 + 1]);
    const open = peer.messages.find((m) => m.type === 'open') as Extract<Message, { type: 'open' }>;
    t.equal(open.asn, 4200000000, 'the real ASN travels in capability 65');
    t.match(session.status().negotiated, { fourOctetAs: false });
  },
);

t.test('invalid routes are logged and skipped, valid ones still go out', async (t) => {
  const log = recordingLogger();
  const { peer, session } = await setup(t, { asn: 65001, holdTime: 30 }, { logger: log });
  session.setRoutes([
    route('203.0.113.8/32', { localPref: -1 }),
    route('203.0.113.9/32', { communities: ['70000:1'] }),
    route('203.0.113.10/32', { communities: ['65000:2', '65000:1', '65000:2'] }),
  ]);
  session.start();
  const u = await peer.nextUpdate({ what: 'the valid route' });
  t.same(u.nlri.map(formatCidr), ['203.0.113.10/32']);
  t.same(u.attributes.communities, [65000 * 65536 + 1, 65000 * 65536 + 2], 'sorted, duplicates removed');
  t.same(
    log.events.filter((e) => e.event === 'bgp.route.invalid').map((e) => e.fields?.prefix),
    ['203.0.113.8/32', '203.0.113.9/32'],
  );
});

/** A listener that hands its connections to the session, as a speaker's passive side would. */
async function listenerFor(t: Teardown, session: BgpSession): Promise<number> {
  const server = createServer((s) => session.acceptIncoming(s));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => void server.close());
  return (server.address() as { port: number }).port;
}

/** A port nothing listens on: outbound attempts are refused at once. */
async function closedPort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

function firstMessage(socket: Socket): Promise<Message> {
  const stream = new MessageStream();
  return new Promise((resolve, reject) => {
    socket.on('data', (c) => {
      const [raw] = stream.push(c);
      if (raw) resolve(decodeMessage(raw));
    });
    socket.on('error', reject);
    setTimeout(() => reject(new Error('no message')), 5000).unref();
  });
}

/** An iBGP session whose outbound attempts are refused (a closed port): it only gets inbound connections. */
async function passiveSession(extra: Partial<BgpSessionOptions> = {}): Promise<BgpSession> {
  return new BgpSession({
    peerAddress: '127.0.0.1',
    peerPort: await closedPort(),
    myAsn: 64500,
    peerAsn: 64500,
    routerId: '192.0.2.11',
    holdTime: 30,
    ...extra,
  });
}

t.test(
  'acceptIncoming: an inbound connection becomes the session; a second one collides with Established and is refused 6/7',
  async (t) => {
    const peer = new ScriptedPeer({ asn: 64500, holdTime: 30 });
    const session = await passiveSession({ connectRetryCapSeconds: 1 });
    t.teardown(async () => {
      await session.stop();
      await peer.close();
    });
    session.setRoutes([route('203.0.113.200/32', { localPref: 100 })]);
    const port = await listenerFor(t, session);
    session.start(); // the outbound attempt is refused; the session waits in Active/Connect
    const established = eventWithin(session, 'established');
    const inbound = connect(port, '127.0.0.1');
    peer.attach(inbound);
    await established;
    const u = await peer.nextUpdate({ what: 'table over the inbound connection' });
    t.same(u.nlri.map(formatCidr), ['203.0.113.200/32']);

    const second = connect(port, '127.0.0.1');
    const answer = await firstMessage(second);
    t.match(answer, { type: 'notification', code: 6, subcode: 7 }, 'Cease / Connection Collision Resolution');
    second.destroy();
    t.equal(session.currentState, 'Established', 'the established session is kept');
  },
);

t.test('acceptIncoming after stop() is refused with Cease', async (t) => {
  const session = await passiveSession();
  const port = await listenerFor(t, session);
  session.start();
  await session.stop();
  const s = connect(port, '127.0.0.1');
  t.match(await firstMessage(s), { type: 'notification', code: 6, subcode: 2 });
  s.destroy();
  t.equal(session.currentState, 'Idle');
});

t.test('start() twice does not open a second connection', async (t) => {
  const { peer, session } = await setup(t, { asn: 64500, holdTime: 30 });
  session.start();
  session.start();
  await eventWithin(session, 'established');
  t.equal(peer.connections, 1);
});
