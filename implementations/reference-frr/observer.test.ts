import t from 'tap';
import { neighborEvents, type FrrNeighborJson } from './observer.ts';

const names = new Map([['192.0.2.1', 'tor']]);
const up: FrrNeighborJson = {
  bgpState: 'Established',
  connectionsEstablished: 1,
  connectionsDropped: 0,
  messageStats: { routeRefreshRecv: 0, notificationsSent: 0, notificationsRecv: 0 },
};
const events = (prev: Record<string, FrrNeighborJson>, cur: Record<string, FrrNeighborJson>): string[] =>
  neighborEvents(prev, cur, names).map((e) => e.event);

t.test('a session coming up is one state event, with the BGPPeer name', async (t) => {
  const [e] = neighborEvents({}, { '192.0.2.1': up }, names);
  t.same(e, {
    level: 'info',
    event: 'bgp.session.state',
    fields: { peer: 'tor', address: '192.0.2.1', from: 'Idle', to: 'Established' },
  });
  t.same(events({ '192.0.2.1': up }, { '192.0.2.1': up }), [], 'nothing changed, nothing logged');
});

t.test('hold timer expiry is ours only when we sent the 4/0 NOTIFICATION', async (t) => {
  const expired: FrrNeighborJson = {
    ...up,
    bgpState: 'Connect',
    connectionsDropped: 1,
    lastResetDueTo: 'BGP Notification send',
    lastErrorCodeSubcode: '0400',
    messageStats: { notificationsSent: 1 },
  };
  t.same(events({ '192.0.2.1': up }, { '192.0.2.1': expired }), [
    'bgp.hold-timer.expired',
    'bgp.notification.sent',
    'bgp.session.state',
  ]);
  const theirs: FrrNeighborJson = {
    ...expired,
    lastResetDueTo: 'BGP Notification received',
    messageStats: { notificationsRecv: 1 },
  };
  t.same(events({ '192.0.2.1': up }, { '192.0.2.1': theirs }), [
    'bgp.notification.received',
    'bgp.session.state',
  ]);
  const cease: FrrNeighborJson = { ...expired, lastErrorCodeSubcode: '0602' };
  t.notOk(events({ '192.0.2.1': up }, { '192.0.2.1': cease }).includes('bgp.hold-timer.expired'));
});

t.test('a drop and re-establish between two polls is still seen (counters, not states)', async (t) => {
  const again: FrrNeighborJson = {
    ...up,
    connectionsEstablished: 2,
    connectionsDropped: 1,
    lastResetDueTo: 'Peer closed the session',
  };
  const [e] = neighborEvents({ '192.0.2.1': up }, { '192.0.2.1': again }, names);
  t.same(e?.fields, {
    peer: 'tor',
    address: '192.0.2.1',
    from: 'Established',
    to: 'Established',
    dropped: 1,
    reason: 'Peer closed the session',
  });
});

t.test('ROUTE-REFRESH received', async (t) => {
  const refreshed: FrrNeighborJson = { ...up, messageStats: { ...up.messageStats, routeRefreshRecv: 2 } };
  const got = neighborEvents({ '192.0.2.1': up }, { '192.0.2.1': refreshed }, names);
  t.same(
    got.map((e) => [e.event, e.fields.received]),
    [['bgp.route-refresh', 2]],
  );
  t.same(
    events(
      { '192.0.2.1': refreshed },
      { '192.0.2.1': { ...refreshed, messageStats: { routeRefreshRecv: 0 } } },
    ),
    [],
    'a counter reset (neighbour configured anew) is not an event',
  );
});
