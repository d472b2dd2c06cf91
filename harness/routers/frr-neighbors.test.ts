import t from 'tap';
import { parseNeighborFacts } from './frr-neighbors.ts';

t.test("FRR's neighbour JSON becomes the facts steps read", async (t) => {
  const facts = parseNeighborFacts({
    '192.0.2.11': {
      bgpState: 'Established',
      portLocal: 40312,
      portForeign: 179,
      connectionsEstablished: 2,
      connectionsDropped: 1,
      lastResetDueTo: 'BGP Notification received',
      messageStats: { routeRefreshSent: 1, updatesRecv: 4, notificationsRecv: 1 },
    },
    '192.0.2.12': { bgpState: 'Active' },
  });
  t.same(facts['192.0.2.11'], {
    state: 'Established',
    localPort: 40312,
    foreignPort: 179,
    connectionsEstablished: 2,
    connectionsDropped: 1,
    routeRefreshSent: 1,
    updatesReceived: 4,
    notificationsReceived: 1,
    lastResetDueTo: 'BGP Notification received',
  });
  t.same(facts['192.0.2.12'], {
    state: 'Active',
    connectionsEstablished: 0,
    connectionsDropped: 0,
    routeRefreshSent: 0,
    updatesReceived: 0,
    notificationsReceived: 0,
  });
});
