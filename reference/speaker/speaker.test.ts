import t from 'tap';
import { Speaker, type DesiredState, type FullState, type PeerForNode, type PeerSession } from './speaker.ts';
import { cidrOf, formatCidr } from '../model/ip.ts';
import type { AnnouncedRoute } from '../model/route.ts';
import { silentLogger } from '../../common/log.ts';

const peer = (name: string, over: Partial<PeerForNode> = {}): PeerForNode => ({
  name,
  myAsn: 64500,
  peerAsn: 64500,
  peerAddress: '192.0.2.1',
  peerPort: 179,
  holdTime: 3,
  keepaliveTime: 1,
  families: ['ipv4'],
  ...over,
});
const route = (prefix: string): AnnouncedRoute => ({
  prefix: cidrOf(prefix),
  communities: [],
  largeCommunities: [],
});

/** Records what the speaker asks of its sessions. */
function harness(states: DesiredState[]) {
  const opened: string[] = [];
  const stopped: string[] = [];
  const routes = new Map<string, string[][]>();
  const patches: string[] = [];
  let i = 0;
  const speaker = new Speaker(
    async () => states[Math.min(i++, states.length - 1)]!,
    (p): PeerSession => {
      opened.push(p.name);
      return {
        setRoutes: (r) =>
          routes.set(p.name, [...(routes.get(p.name) ?? []), r.map((x) => formatCidr(x.prefix))]),
        patchRoutes: (a, w) =>
          patches.push(`${p.name}: +${a.map((x) => formatCidr(x.prefix)).join(',')} -${w.join(',')}`),
        stop: async () => void stopped.push(p.name),
        status: () => ({ peer: p.name }),
      };
    },
    silentLogger,
  );
  return { speaker, opened, stopped, routes, patches };
}

const ok = (peers: PeerForNode[], routes: Record<string, string[]>): DesiredState => ({
  ok: true,
  peers,
  summary: 'x',
  routes: new Map(Object.entries(routes).map(([k, v]) => [k, v.map(route)])),
});

t.test(
  'a difference patches the sessions it names and the statuses; it never opens or closes one',
  async (t) => {
    const full: DesiredState = {
      ...(ok([peer('a'), peer('b', { peerAddress: '192.0.2.2' })], { a: ['203.0.113.200/32'] }) as FullState),
      services: { bgp: [{ node: 'n', serviceName: 's1', serviceNamespace: 'x', peers: ['a'] }], l2: [] },
    };
    const delta: DesiredState = {
      ok: true,
      summary: 'y',
      delta: {
        routes: [{ peer: 'a', announce: [route('203.0.113.201/32')], withdraw: ['203.0.113.200/32'] }],
        services: {
          keys: ['x/s1', 'x/s2'],
          statuses: { bgp: [{ node: 'n', serviceName: 's2', serviceNamespace: 'x', peers: ['a'] }], l2: [] },
        },
      },
    };
    const h = harness([full, delta]);
    await h.speaker.start();
    await h.speaker.reload();
    t.same(h.opened, ['a', 'b'], 'no session opened for the difference');
    t.same(h.stopped, []);
    t.same(h.patches, ['a: +203.0.113.201/32 -203.0.113.200/32'], 'only peer a patched');
    const st = h.speaker.status();
    t.equal(st.config, 'y');
    t.same(
      st.services?.bgp.map((s) => s.serviceName),
      ['s2'],
      's1 replaced by nothing, s2 added',
    );
  },
);

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

t.test(
  'reload: unchanged peer keeps its session, changed peer is rebuilt, removed peer stopped',
  async (t) => {
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
  },
);

t.test('reload requests made while one runs become one more reload, not one each', async (t) => {
  let computes = 0;
  let release!: () => void;
  let entered!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const slowOneRunning = new Promise<void>((r) => (entered = r));
  const speaker = new Speaker(
    async () => {
      computes++;
      if (computes === 2) {
        entered();
        await gate; // the first reload after start is slow
      }
      return ok([], {});
    },
    () => ({ setRoutes: () => {}, patchRoutes: () => {}, stop: async () => {}, status: () => ({}) }),
    silentLogger,
  );
  await speaker.start();
  const running = speaker.reload();
  await slowOneRunning;
  const burst = [speaker.reload(), speaker.reload(), speaker.reload()];
  release();
  await Promise.all([running, ...burst]);
  t.equal(computes, 3, 'start + the running reload + one coalesced reload');
});

t.test('an unchanged config is not applied again; a stop during a reload opens nothing', async (t) => {
  const opened: string[] = [];
  let answer: DesiredState | 'unchanged' = ok([peer('a')], {});
  let release!: () => void;
  let gate: Promise<void> | undefined;
  const speaker = new Speaker(
    async () => {
      await gate;
      return answer;
    },
    (p) => {
      opened.push(p.name);
      return { setRoutes: () => {}, patchRoutes: () => {}, stop: async () => {}, status: () => ({}) };
    },
    silentLogger,
  );
  await speaker.start();
  answer = 'unchanged';
  await speaker.reload();
  t.same(opened, ['a'], 'unchanged: nothing reopened');
  answer = ok([peer('a'), peer('b', { peerAddress: '192.0.2.2' })], {});
  gate = new Promise<void>((r) => (release = r));
  const reload = speaker.reload();
  await speaker.stop();
  release();
  await reload;
  t.same(opened, ['a'], 'the reload that finished after stop opened no session');
});

t.test('a peer whose session cannot be opened is logged and skipped; the others come up', async (t) => {
  const opened: string[] = [];
  const speaker = new Speaker(
    async () => ok([peer('bad'), peer('good', { peerAddress: '192.0.2.2' })], { good: ['203.0.113.1/32'] }),
    (p) => {
      if (p.name === 'bad')
        throw Object.assign(new Error('no route to 192.0.2.1'), { code: 'NO_ROUTE_TO_PEER' });
      opened.push(p.name);
      return { setRoutes: () => {}, patchRoutes: () => {}, stop: async () => {}, status: () => ({}) };
    },
    silentLogger,
  );
  t.equal(await speaker.start(), true);
  t.same(opened, ['good']);
  t.same(Object.keys(speaker.status().sessions), ['good']);
});
