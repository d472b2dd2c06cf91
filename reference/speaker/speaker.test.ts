import t from 'tap';
import { Speaker, type DesiredState, type PeerForNode, type PeerSession, type RouteForPeer } from './speaker.ts';
import { silentLogger } from '../../common/log.ts';

const peer = (name: string, over: Partial<PeerForNode> = {}): PeerForNode => ({
  name, myAsn: 64500, peerAsn: 64500, peerAddress: '192.0.2.1', peerPort: 179, holdTime: 3, keepaliveTime: 1, ...over,
});
const route = (prefix: string): RouteForPeer => ({ prefix, communities: [], largeCommunities: [] });

/** Records what the speaker asks of its sessions. */
function harness(states: DesiredState[]) {
  const opened: string[] = [];
  const stopped: string[] = [];
  const routes = new Map<string, string[][]>();
  let i = 0;
  const speaker = new Speaker(
    async () => states[Math.min(i++, states.length - 1)]!,
    (p): PeerSession => {
      opened.push(p.name);
      return {
        setRoutes: (r) => routes.set(p.name, [...(routes.get(p.name) ?? []), r.map((x) => x.prefix)]),
        stop: async () => void stopped.push(p.name),
        status: () => ({ peer: p.name }),
      };
    },
    silentLogger,
  );
  return { speaker, opened, stopped, routes };
}

const ok = (peers: PeerForNode[], routes: Record<string, string[]>): DesiredState => ({
  ok: true, peers, summary: 'x', routes: new Map(Object.entries(routes).map(([k, v]) => [k, v.map(route)])),
});

t.test('opens one session per peer and hands each its routes', async (t) => {
  const h = harness([ok([peer('a'), peer('b', { peerAddress: '192.0.2.2' })], { a: ['203.0.113.200/32'] })]);
  t.equal(await h.speaker.start(), true);
  t.same(h.opened, ['a', 'b']);
  t.same(h.routes.get('a'), [['203.0.113.200/32']]);
  t.same(h.routes.get('b'), [[]]);
});

t.test('an invalid config at start starts nothing', async (t) => {
  const h = harness([{ ok: false, errors: ['bad'] }]);
  t.equal(await h.speaker.start(), false);
  t.same(h.opened, []);
});

t.test('an invalid reload keeps the last good config and its sessions', async (t) => {
  const h = harness([ok([peer('a')], { a: ['203.0.113.200/32'] }), { ok: false, errors: ['bad'] }]);
  await h.speaker.start();
  await h.speaker.reload();
  t.same(h.stopped, []);
  t.same(h.routes.get('a'), [['203.0.113.200/32']]);
  t.same(h.speaker.status().config, 'x');
});

t.test('reload: unchanged peer keeps its session, changed peer is rebuilt, removed peer stopped', async (t) => {
  const h = harness([
    ok([peer('a'), peer('b')], {}),
    ok([peer('a'), peer('b', { holdTime: 9, keepaliveTime: 3 })], { a: ['203.0.113.201/32'] }),
    ok([peer('b', { holdTime: 9, keepaliveTime: 3 })], {}),
  ]);
  await h.speaker.start();
  await h.speaker.reload();
  t.same(h.opened, ['a', 'b', 'b']);
  t.same(h.stopped, ['b']);
  t.same(h.routes.get('a'), [[], ['203.0.113.201/32']]);
  await h.speaker.reload();
  t.same(h.stopped, ['b', 'a']);
  await h.speaker.stop();
  t.same(h.stopped, ['b', 'a', 'b']);
});
