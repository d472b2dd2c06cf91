import t from 'tap';
import { once } from 'node:events';
import type { BgpSessionOptions } from './session.ts';
import { encodeKeepalive, encodeRouteRefresh } from './messages.ts';
import { cidrOf, formatCidr } from '../model/ip.ts';
import { is } from '../../tools/bgp-peer/scripted-peer.ts';
import { sessionWithPeer } from '../../tools/bgp-peer/session-with-peer.ts';

/** Hold 3 s, keepalive 1 s: these tests watch the timers. */
const setup = (
  t: { teardown(fn: () => unknown): void },
  peerOpen: { asn: number; holdTime: number },
  opts: Partial<BgpSessionOptions> = {},
) => sessionWithPeer(t, peerOpen, { holdTime: 3, keepaliveTime: 1, ...opts });

const route = (prefix: string, localPref?: number) => ({
  prefix: cidrOf(prefix),
  communities: [],
  largeCommunities: [],
  ...(localPref === undefined ? {} : { localPref }),
});

t.test('iBGP: Established, full table, then only differences; Cease on stop', async (t) => {
  const { peer, session } = await setup(t, { asn: 64500, holdTime: 3 });
  session.setRoutes([route('203.0.113.200/32', 0), route('fc00::/128', 0)]);
  const established = once(session, 'established');
  session.start();
  await established;
  const first = [
    await peer.nextUpdate({ what: 'first update' }),
    await peer.nextUpdate({ what: 'second update' }),
  ];
  const v4 = first.find((u) => u.nlri.length)!;
  const v6 = first.find((u) => u.attributes.mpReach)!;
  t.same(v4.nlri.map(formatCidr), ['203.0.113.200/32']);
  t.equal(v4.attributes.localPref, 0, 'LOCAL_PREF 0 sent on iBGP');
  t.same(v4.attributes.asPath, [], 'empty AS_PATH on iBGP');
  t.equal(v4.attributes.nextHop, '127.0.0.1');
  t.same(v6.attributes.mpReach?.nextHops, ['2001:db8::b']);

  const before = peer.messages.filter((m) => m.type === 'update').length;
  session.setRoutes([route('203.0.113.200/32', 0)]);
  const w = await peer.nextUpdate({ what: 'withdraw' });
  t.same(w.attributes.mpUnreach?.withdrawn.map(formatCidr), ['fc00::/128']);
  session.setRoutes([route('203.0.113.200/32', 0)]);
  peer.send(encodeKeepalive());
  await peer.next(is.keepalive(), undefined, 'a keepalive after the no-op');
  t.equal(
    peer.messages.filter((m) => m.type === 'update').length,
    before + 1,
    'an unchanged set sends nothing',
  );

  peer.send(encodeRouteRefresh(1, 1));
  const refreshed = await peer.nextUpdate({ what: 'route refresh answer' });
  t.same(refreshed.nlri.map(formatCidr), ['203.0.113.200/32']);

  const cease = peer.next(is.notification(), undefined, 'cease');
  await session.stop();
  t.match((await cease).msg, { type: 'notification', code: 6, subcode: 2 });
});

t.test('eBGP with a 4-octet peer ASN: AS_PATH [myAsn], no LOCAL_PREF', async (t) => {
  const { peer, session } = await setup(t, { asn: 4200000000, holdTime: 3 });
  session.setRoutes([route('203.0.113.200/32')]);
  session.start();
  const u = await peer.nextUpdate({ what: 'update' });
  t.same(u.attributes.asPath, [{ type: 2, asns: [64500] }]);
  t.equal(u.attributes.localPref, undefined);
  const open = peer.messages.find((m) => m.type === 'open');
  t.match(open, { asn: 64500, holdTime: 3, routerId: '192.0.2.11' });
});

t.test('wrong peer AS: NOTIFICATION 2/2 and no Established', async (t) => {
  const { peer, session } = await setup(t, { asn: 65001, holdTime: 3 }, { peerAsn: 65002 });
  const sent = once(session, 'notification-sent');
  session.start();
  t.same(await sent, [2, 2]);
  t.not(session.currentState, 'Established');
  void peer;
});

t.test('hold timer expiry: NOTIFICATION 4/0, then reconnect', async (t) => {
  const { peer, session } = await setup(t, { asn: 64500, holdTime: 3 });
  session.start();
  await once(session, 'established');
  // The scripted peer sends no keepalives after the first: the session must give up after 3 s.
  const [code, sub] = (await once(session, 'notification-sent')) as [number, number];
  t.same([code, sub], [4, 0]);
  await once(session, 'established');
  t.pass('reconnected at once after the hold timer expired');
  void peer;
});

t.test(
  'the peer closing the connection: the session reconnects at once and re-sends the whole table',
  async (t) => {
    const { peer, session } = await setup(t, { asn: 64500, holdTime: 3 });
    session.setRoutes([route('203.0.113.200/32', 0)]);
    session.start();
    await once(session, 'established');
    await peer.nextUpdate({ what: 'first full table' });
    const again = once(session, 'established');
    peer.dropConnection();
    await again;
    const u = await peer.nextUpdate({ what: 'full table after reconnect' });
    t.same(u.nlri.map(formatCidr), ['203.0.113.200/32'], 'Adj-RIB-Out was reset: everything sent again');
  },
);
