/**
 * Model-based test of the incremental plan: random add/remove sequences of Services against an
 * oracle that recomputes the (node, peer, prefix) set from scratch with the simplest possible code.
 */
import t from 'tap';
import fc from 'fast-check';
import { parseManifestText } from '../config/load.ts';
import { formatCidr, maskIP, parseIP } from '../model/ip.ts';
import { anySelectorMatches } from '../model/selector.ts';
import type { ClusterConfig, Service } from '../model/types.ts';
import { PlanBuilder } from './builder.ts';
import { electL2Owner } from './l2.ts';
import { buildPlan, routesForNode } from './plan.ts';
import { PlanContext } from './context.ts';
import type { PlanAllocation, Readiness } from './types.ts';

const config = ((): ClusterConfig => {
  const text =
    `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: p}
spec: {addresses: [203.0.113.0/28, "fc00::/124"]}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: host}
spec: {communities: ["65535:65282"], localPref: 100}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: agg}
spec: {aggregationLength: 30, aggregationLengthV6: 126, communities: ["8000:800"], peers: [tor]}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: agg-rack1}
spec: {aggregationLength: 30, aggregationLengthV6: 126, communities: ["large:1:2:3"], nodeSelectors: [{matchLabels: {rack: r1}}]}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: tor}
spec: {myASN: 64500, peerASN: 64500, peerAddress: 192.0.2.1}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: edge}
spec: {myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.2, dualStackAddressFamily: true, nodeSelectors: [{matchExpressions: [{key: rack, operator: In, values: [r2]}]}]}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: tor-v6}
spec: {myASN: 64500, peerASN: 64500, peerAddress: "2001:db8::1"}
` +
    ['NodeA:r1', 'NodeB:r1', 'NodeC:r2']
      .map(
        (s) =>
          `---\napiVersion: v1\nkind: Node\nmetadata: {name: ${s.split(':')[0]}, labels: {rack: ${s.split(':')[1]}}}\n`,
      )
      .join('');
  const r = parseManifestText(text, 'm.yaml');
  if (!r.config) throw new Error(JSON.stringify(r.errors));
  return r.config;
})();

interface Case {
  svc: Service;
  alloc: PlanAllocation;
  ready: Readiness;
}

const nodes = ['NodeA', 'NodeB', 'NodeC'];
const IPS = [
  '203.0.113.0',
  '203.0.113.1',
  '203.0.113.2',
  '203.0.113.5',
  '203.0.113.9',
  'fc00::',
  'fc00::1',
  'fc00::6',
];

/** Eight Services with fixed IPs (several share aggregates) and assorted readiness / policies. */
const cases: Case[] = IPS.map((ip, i) => {
  const local = i % 3 === 1;
  const readyNodes = new Set(nodes.filter((_, j) => (i + j) % 2 === 0));
  return {
    svc: {
      namespace: 'demo',
      name: `s${i}`,
      key: `demo/s${i}`,
      type: 'LoadBalancer',
      labels: {},
      annotations: {},
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: [],
      externalTrafficPolicy: local ? 'Local' : 'Cluster',
      ports: [],
      selector: {},
      statusIPs: [],
      src: { file: 'x', line: 1 },
    },
    alloc: { service: `demo/s${i}`, ips: i === 0 ? [ip, 'fc00::f'] : [ip], pool: 'p' },
    ready: { anyReady: i !== 7, readyNodes: i === 7 ? new Set() : readyNodes },
  };
});

/** The oracle: the set of `node|peer|prefix` keys, straight from the definitions in semantics.md. */
function oracle(present: ReadonlySet<number>): Set<string> {
  const out = new Set<string>();
  for (const i of present) {
    const { svc, alloc, ready } = cases[i]!;
    for (const ipText of alloc.ips) {
      const ip = parseIP(ipText)!;
      for (const adv of config.bgpAdvertisements) {
        const prefix = formatCidr(
          maskIP(ip, ip.family === 4 ? adv.aggregationLength : adv.aggregationLengthV6),
        );
        for (const peer of config.peers) {
          if (adv.peers.length > 0 && !adv.peers.includes(peer.name)) continue;
          // one family per BGPPeer unless dualStackAddressFamily (MetalLB internal/bgp/frr/frr.go)
          const peerV6 = peer.peerAddress.includes(':');
          if (!peer.dualStackAddressFamily && peerV6 !== (ip.family === 6)) continue;
          for (const n of config.nodes) {
            if (
              !anySelectorMatches(adv.nodeSelectors, n.labels) ||
              !anySelectorMatches(peer.nodeSelectors, n.labels)
            )
              continue;
            const ok = svc.externalTrafficPolicy === 'Local' ? ready.readyNodes.has(n.name) : ready.anyReady;
            if (ok) out.add(`${n.name}|${peer.name}|${prefix}`);
          }
        }
      }
    }
  }
  return out;
}

interface Model {
  present: Set<number>;
}
interface Real {
  builder: PlanBuilder;
}

function keysOf(b: PlanBuilder, t: { fail(m: string): void }): Set<string> {
  const rows = b.plan().bgp;
  const keys = rows.map((r) => `${r.node}|${r.peer}|${r.prefix}`);
  const set = new Set(keys);
  if (set.size !== keys.length) t.fail('two rows with the same (node, peer, prefix)');
  return set;
}

function check(m: Model, r: Real): void {
  const got = keysOf(r.builder, t);
  const want = oracle(m.present);
  if ([...got].sort().join('\n') !== [...want].sort().join('\n')) {
    throw new Error(
      `plan rows differ from the oracle:\n got ${[...got].sort().join(', ')}\nwant ${[...want].sort().join(', ')}`,
    );
  }
}

class AddCmd implements fc.Command<Model, Real> {
  constructor(readonly i: number) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    const before = keysOf(r.builder, t);
    const c = cases[this.i]!;
    r.builder.addService(c.svc, c.alloc, c.ready);
    m.present.add(this.i);
    const after = keysOf(r.builder, t);
    // Adding a Service never removes another Service's route.
    for (const k of before) if (!after.has(k)) throw new Error(`adding s${this.i} removed ${k}`);
    check(m, r);
  }
  toString(): string {
    return `add(s${this.i})`;
  }
}

class RemoveCmd implements fc.Command<Model, Real> {
  constructor(readonly i: number) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    const removed = r.builder.removeService(cases[this.i]!.svc.key);
    if (removed !== m.present.has(this.i)) throw new Error('removeService result disagrees with the model');
    m.present.delete(this.i);
    // An aggregate disappears only when no remaining Service produces it: exactly the oracle's set.
    check(m, r);
  }
  toString(): string {
    return `remove(s${this.i})`;
  }
}

t.test('model-based: add/remove Services against the oracle', async (t) => {
  const idx = fc.integer({ min: 0, max: cases.length - 1 });
  const commands = [idx.map((i) => new AddCmd(i)), idx.map((i) => new RemoveCmd(i))];
  fc.assert(
    fc.property(fc.commands(commands, { maxCommands: 40 }), (cmds) => {
      fc.modelRun(
        () => ({
          model: { present: new Set<number>() },
          real: { builder: new PlanBuilder(new PlanContext(config)) },
        }),
        cmds,
      );
    }),
    { numRuns: 200 },
  );
  t.pass('matches the oracle');
});

t.test('property: the plan does not depend on the order Services are added', async (t) => {
  const want = (() => {
    const b = new PlanBuilder(new PlanContext(config));
    for (const c of cases) b.addService(c.svc, c.alloc, c.ready);
    return JSON.stringify(b.plan());
  })();
  fc.assert(
    fc.property(fc.shuffledSubarray(cases, { minLength: cases.length }), (order) => {
      const b = new PlanBuilder(new PlanContext(config));
      for (const c of order) b.addService(c.svc, c.alloc, c.ready);
      return JSON.stringify(b.plan()) === want;
    }),
  );
  t.pass();
});

t.test('aggregates are shared, and withdrawn with their last Service', async (t) => {
  const b = new PlanBuilder(new PlanContext(config));
  const s0 = cases[0]!; // 203.0.113.0 (Cluster, ready)
  const s2 = cases[2]!; // 203.0.113.2 (Cluster, ready), same /30
  b.addService(s0.svc, s0.alloc, s0.ready);
  b.addService(s2.svc, s2.alloc, s2.ready);
  const has = (prefix: string): boolean =>
    b.plan().bgp.some((r) => r.prefix === prefix && r.node === 'NodeA' && r.peer === 'tor');
  t.ok(has('203.0.113.0/30'));
  t.equal(
    b.plan().bgp.filter((r) => r.prefix === '203.0.113.0/30' && r.node === 'NodeA' && r.peer === 'tor')
      .length,
    1,
  );
  b.removeService('demo/s0');
  t.ok(has('203.0.113.0/30'), 'still produced by s2');
  t.notOk(has('203.0.113.0/32'));
  b.removeService('demo/s2');
  t.notOk(has('203.0.113.0/30'), 'withdrawn with the last Service');
  t.equal(b.rowCount, 0);
});

t.test(
  'touched prefixes re-read after each change rebuild exactly the plan (what a speaker sends as a difference)',
  async (t) => {
    const idx = fc.integer({ min: 0, max: cases.length - 1 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), idx), { maxLength: 30 }), (ops) => {
        const b = new PlanBuilder(new PlanContext(config), undefined, true);
        const mirror = new Map<string, string[]>();
        const untracked = new PlanBuilder(new PlanContext(config));
        t.same([...untracked.takeTouched()], [], 'a builder without tracking reports nothing');
        for (const [add, i] of ops) {
          const c = cases[i]!;
          if (add) b.addService(c.svc, c.alloc, c.ready);
          else b.removeService(c.svc.key);
          for (const prefix of b.takeTouched()) {
            const rows = b.rowsForPrefix(prefix);
            const pairs = rows.map((r) => r.pair);
            if (pairs.some((p, k) => k > 0 && p <= pairs[k - 1]!)) return false; // pair order, one row each
            if (rows.length)
              mirror.set(
                prefix,
                rows.map((r) => JSON.stringify(r.row)),
              );
            else mirror.delete(prefix);
          }
          if (b.takeTouched().size !== 0) return false; // taken means cleared
          const plan = b.plan();
          const want = plan.bgp.map((r) => JSON.stringify(r)).sort();
          const got = [...mirror.values()].flat().sort();
          if (JSON.stringify(got) !== JSON.stringify(want)) return false;
          if (b.rowCount !== plan.bgp.length) return false;
          const prefixWarnings = new Set([...mirror.keys()].flatMap((p) => b.warningsForPrefix(p)));
          if (JSON.stringify([...prefixWarnings].sort()) !== JSON.stringify(plan.warnings)) return false;
          for (const x of cases) {
            const present = plan.allocations.some((a) => a.service === x.svc.key);
            if ((b.serviceRecord(x.svc.key) !== undefined) !== present) return false;
          }
        }
        return (
          b.rowsForPrefix('198.51.100.0/24').length === 0 &&
          b.warningsForPrefix('198.51.100.0/24').length === 0
        );
      }),
      { numRuns: 200 },
    );
    t.pass('the touched prefixes cover every row that came, changed or went');
  },
);

t.test(
  'two advertisements with different localPref on one iBGP prefix: the highest goes, with a warning',
  async (t) => {
    const r = parseManifestText(
      `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: p}
spec: {addresses: [203.0.113.0/28]}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: low}
spec: {localPref: 200, communities: ["65000:2", "large:64500:1:2"]}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: high}
spec: {localPref: 200, communities: ["65000:1", "65000:2", "large:64500:1:1"]}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: tor}
spec: {myASN: 64500, peerASN: 64500, peerAddress: 192.0.2.1}
---
apiVersion: v1
kind: Node
metadata: {name: NodeA}
`,
      'm.yaml',
    );
    if (!r.config) throw new Error(JSON.stringify(r.errors));
    // validation refuses two localPrefs for one prefix (LOCALPREF_CONFLICT); the builder still must not guess
    r.config.bgpAdvertisements.find((a) => a.name === 'low')!.localPref = 50;
    const b = new PlanBuilder(new PlanContext(r.config), undefined, true);
    const c = cases[0]!;
    b.addService(
      c.svc,
      { ...c.alloc, ips: ['203.0.113.3'] },
      { anyReady: true, readyNodes: new Set(['NodeA']) },
    );
    const rows = b.rowsForPrefix('203.0.113.3/32');
    t.same(
      rows.map((x) => x.row),
      [
        {
          node: 'NodeA',
          peer: 'tor',
          prefix: '203.0.113.3/32',
          communities: ['65000:1', '65000:2'],
          largeCommunities: ['64500:1:1', '64500:1:2'],
          localPref: 200,
        },
      ],
      'one row: communities merged once and sorted, the highest localPref',
    );
    t.same(b.warningsForPrefix('203.0.113.3/32'), [
      '203.0.113.3/32 to peer tor: advertisements high, low set different localPref (50, 200); sending the highest, 200',
    ]);
    t.same(b.plan().warnings, b.warningsForPrefix('203.0.113.3/32'), 'the same warning in the plan');
  },
);

// ---- Cases Stryker showed no test could tell apart (`npm run mutation:unit -- plan`, builder.ts) ----

const configOf = (yaml: string): ClusterConfig => {
  const r = parseManifestText(yaml, 'm.yaml');
  if (!r.config) throw new Error(JSON.stringify(r.errors));
  return r.config;
};
const svcOf = (name: string, extra: Partial<Service> = {}): Service => ({
  ...cases[0]!.svc,
  name,
  key: `demo/${name}`,
  ...extra,
});
const readyOn = (...on: string[]): Readiness => ({ anyReady: true, readyNodes: new Set(on) });
const NODES3 = ['NodeA:r1', 'NodeB:r1', 'NodeC:r2']
  .map(
    (s) =>
      `---\napiVersion: v1\nkind: Node\nmetadata: {name: ${s.split(':')[0]}, labels: {rack: ${s.split(':')[1]}}}\n`,
  )
  .join('');

t.test('a builder without tracking remembers no touched prefix, before or after takeTouched', async (t) => {
  const b = new PlanBuilder(new PlanContext(config));
  t.equal(b.size, 0);
  b.addService(cases[0]!.svc, cases[0]!.alloc, cases[0]!.ready);
  t.same([...b.takeTouched()], [], 'after an add');
  b.addService(cases[2]!.svc, cases[2]!.alloc, cases[2]!.ready);
  t.same([...b.takeTouched()], [], 'after takeTouched, still nothing');
  t.equal(b.size, 2);
  const built = buildPlan(config, []).builder;
  built.addService(cases[0]!.svc, cases[0]!.alloc, cases[0]!.ready);
  t.same([...built.takeTouched()], [], 'buildPlan does not track unless asked');
});

t.test('buildPlan skips an allocation whose Service is not in the config', async (t) => {
  t.same(buildPlan(config, [{ service: 'demo/gone', ips: ['203.0.113.1'], pool: 'p' }]).plan.allocations, []);
});

t.test('routesForNode: every route to each peer, localPref only on iBGP', async (t) => {
  const b = new PlanBuilder(new PlanContext(config));
  b.addService(cases[0]!.svc, cases[0]!.alloc, readyOn('NodeA', 'NodeB', 'NodeC'));
  const plan = b.plan();
  const tor = routesForNode(plan, 'NodeA').get('tor')!;
  t.same(
    tor.map((r) => formatCidr(r.prefix)),
    plan.bgp.filter((r) => r.node === 'NodeA' && r.peer === 'tor').map((r) => r.prefix),
  );
  t.ok(tor.length >= 2, 'several routes to one peer');
  t.ok(tor.every((r) => r.localPref !== undefined));
  const edge = routesForNode(plan, 'NodeC').get('edge')!;
  t.ok(edge.length > 0);
  t.ok(
    edge.every((r) => !Object.hasOwn(r, 'localPref')),
    'eBGP: no localPref key',
  );
});

const l2Config = configOf(`apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: l2p}
spec: {addresses: [198.51.100.0/28, "2001:db8:1::/124"]}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: sel}
spec: {addresses: [198.51.100.16/28]}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: rack1}
spec: {ipAddressPools: [l2p], nodeSelectors: [{matchLabels: {rack: r1}}], interfaces: [eth1]}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: rack2}
spec: {ipAddressPools: [l2p], nodeSelectors: [{matchLabels: {rack: r2}}], interfaces: [eth2]}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: only-x}
spec: {ipAddressPools: [sel], serviceSelectors: [{matchLabels: {app: x}}]}
${NODES3}`);
const ALL3 = ['NodeA', 'NodeB', 'NodeC'];

t.test('L2: candidates from any advertisement, interfaces from those covering the owner', async (t) => {
  const owners = new Set<string>();
  for (let i = 1; i <= 12; i++) {
    const ip = `198.51.100.${i}`;
    const b = new PlanBuilder(new PlanContext(l2Config));
    b.addService(svcOf(`s${i}`), { service: `demo/s${i}`, ips: [ip], pool: 'l2p' }, readyOn(...ALL3));
    const owner = electL2Owner(ALL3, ip)!;
    owners.add(owner);
    t.same(
      b.plan().l2,
      [{ service: `demo/s${i}`, ip, node: owner, interfaces: owner === 'NodeC' ? ['eth2'] : ['eth1'] }],
      ip,
    );
    t.same(b.plan().warnings, [], ip);
  }
  t.ok(owners.has('NodeC') && owners.size > 1, 'owners on both racks');
});

t.test('L2 under Local: only a node with a ready endpoint can own the address', async (t) => {
  let elsewhere = 0;
  for (let i = 1; i <= 12; i++) {
    const ip = `198.51.100.${i}`;
    const b = new PlanBuilder(new PlanContext(l2Config));
    b.addService(
      svcOf(`s${i}`, { externalTrafficPolicy: 'Local' }),
      { service: `demo/s${i}`, ips: [ip], pool: 'l2p' },
      readyOn('NodeB'),
    );
    t.same(
      b.plan().l2.map((r) => r.node),
      ['NodeB'],
      ip,
    );
    if (electL2Owner(ALL3, ip) !== 'NodeB') elsewhere++;
  }
  t.ok(elsewhere > 0, 'without the endpoint rule another node would have won some of these');
  const none = new PlanBuilder(new PlanContext(l2Config));
  none.addService(
    svcOf('far', { externalTrafficPolicy: 'Local' }),
    { service: 'demo/far', ips: ['198.51.100.1', '2001:db8:1::1'], pool: 'l2p' },
    { anyReady: true, readyNodes: new Set(['elsewhere']) },
  );
  t.same(none.plan().warnings, [
    'demo/far: no live node is eligible to announce 198.51.100.1, 2001:db8:1::1 over L2 (L2Advertisement nodeSelectors, ready local endpoints and live nodes leave none)',
  ]);
});

t.test('L2: nothing to say for a Service no advertisement selects, or one without addresses', async (t) => {
  const b = new PlanBuilder(new PlanContext(l2Config), []);
  b.addService(
    svcOf('y', { labels: { app: 'y' } }),
    { service: 'demo/y', ips: ['198.51.100.17'], pool: 'sel' },
    readyOn(...ALL3),
  );
  b.addService(svcOf('empty'), { service: 'demo/empty', ips: [], pool: 'l2p' }, readyOn(...ALL3));
  t.same(b.plan().l2, []);
  t.same(b.plan().warnings, [], 'no "no live node" warning: nothing was to be announced');
  b.addService(
    svcOf('x', { labels: { app: 'x' } }),
    { service: 'demo/x', ips: ['198.51.100.17'], pool: 'sel' },
    readyOn(...ALL3),
  );
  t.equal(b.plan().warnings.length, 1, 'a selected Service with no live node does warn');
});

t.test('L2 rows in address order, each with its own text; allocations and warnings sorted', async (t) => {
  const b = new PlanBuilder(new PlanContext(l2Config), ['NodeA', 'NodeB', 'NodeC']);
  b.addService(
    svcOf('dual'),
    { service: 'demo/dual', ips: ['2001:db8:1::1', '198.51.100.1'], pool: 'l2p' },
    readyOn(...ALL3),
  );
  t.same(
    b.plan().l2.map((r) => r.ip),
    ['198.51.100.1', '2001:db8:1::1'],
  );
  const quiet = new PlanBuilder(new PlanContext(l2Config), []);
  for (const name of ['b', 'c', 'a'])
    quiet.addService(
      svcOf(name),
      { service: `demo/${name}`, ips: ['198.51.100.1'], pool: 'l2p' },
      readyOn(...ALL3),
    );
  const plan = quiet.plan();
  t.same(
    plan.allocations.map((a) => a.service),
    ['demo/a', 'demo/b', 'demo/c'],
  );
  t.same(
    plan.warnings.map((w) => w.slice(0, 6)),
    ['demo/a', 'demo/b', 'demo/c'],
  );
});

const bgpConfig = (advs: string, addresses = '10.0.0.0/24'): ClusterConfig =>
  configOf(`apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: p}
spec: {addresses: [${addresses}]}
${advs}---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: tor}
spec: {myASN: 64500, peerASN: 64500, peerAddress: 192.0.2.1}
---
apiVersion: v1
kind: Node
metadata: {name: NodeA}
`);
const adv = (name: string, spec: string): string =>
  `---\napiVersion: metallb.io/v1beta1\nkind: BGPAdvertisement\nmetadata: {name: ${name}}\nspec: {${spec}}\n`;

t.test('BGP rows of one session by address, then length', async (t) => {
  const b = new PlanBuilder(
    new PlanContext(bgpConfig(adv('host', '') + adv('wide', 'aggregationLength: 26'))),
  );
  b.addService(svcOf('s0'), { service: 'demo/s0', ips: ['10.0.0.0'], pool: 'p' }, readyOn('NodeA'));
  b.addService(svcOf('s65'), { service: 'demo/s65', ips: ['10.0.0.65'], pool: 'p' }, readyOn('NodeA'));
  t.same(
    b.plan().bgp.map((r) => r.prefix),
    ['10.0.0.0/26', '10.0.0.0/32', '10.0.0.64/26', '10.0.0.65/32'],
  );
});

t.test('two advertisements on one prefix: communities merged and sorted, names in index order', async (t) => {
  const c = bgpConfig(
    adv(
      'a',
      'aggregationLength: 30, communities: ["65000:2", "large:1:1:2"], localPref: 100, serviceSelectors: [{matchLabels: {tier: y}}]',
    ) +
      adv(
        'b',
        'aggregationLength: 30, communities: ["65000:1", "large:1:1:1"], localPref: 100, serviceSelectors: [{matchLabels: {app: x}}]',
      ),
  );
  // validation refuses two localPrefs on one prefix; the builder must still order its warning
  c.bgpAdvertisements.find((a) => a.name === 'b')!.localPref = 50;
  const b = new PlanBuilder(new PlanContext(c));
  // x is selected by b alone and comes first, so the prefix learns b before a
  b.addService(
    svcOf('x', { labels: { app: 'x' } }),
    { service: 'demo/x', ips: ['10.0.0.1'], pool: 'p' },
    readyOn('NodeA'),
  );
  b.addService(
    svcOf('y', { labels: { app: 'x', tier: 'y' } }),
    { service: 'demo/y', ips: ['10.0.0.2'], pool: 'p' },
    readyOn('NodeA'),
  );
  t.same(b.plan().bgp, [
    {
      node: 'NodeA',
      peer: 'tor',
      prefix: '10.0.0.0/30',
      communities: ['65000:1', '65000:2'],
      largeCommunities: ['1:1:1', '1:1:2'],
      localPref: 100,
    },
  ]);
  t.same(b.plan().warnings, [
    '10.0.0.0/30 to peer tor: advertisements a, b set different localPref (50, 100); sending the highest, 100',
  ]);
});

t.test('merged community sets are cached per set of advertisements, 24 of them included', async (t) => {
  // ids [1, 2, 3] and [1, 23] read the same once joined without a separator
  const names = Array.from({ length: 24 }, (_, i) => `a${String(i).padStart(2, '0')}`);
  const c = bgpConfig(
    names
      .map((n, i) =>
        adv(
          n,
          `aggregationLength: 30, communities: ["65000:${i}"], serviceSelectors: [{matchLabels: {${n}: "y"}}]`,
        ),
      )
      .join(''),
  );
  const ctx = new PlanContext(c);
  const idx = (n: string) => ctx.advs.findIndex((a) => a.name === n);
  t.same([idx('a01'), idx('a02'), idx('a03'), idx('a23')], [1, 2, 3, 23]);
  const b = new PlanBuilder(ctx);
  const labels = (...ns: string[]) => Object.fromEntries(ns.map((n) => [n, 'y']));
  b.addService(svcOf('p'), { service: 'demo/p', ips: ['10.0.0.1'], pool: 'p' }, readyOn('NodeA'));
  b.removeService('demo/p');
  b.addService(
    svcOf('one', { labels: labels('a01', 'a02', 'a03') }),
    { service: 'demo/one', ips: ['10.0.0.1'], pool: 'p' },
    readyOn('NodeA'),
  );
  b.addService(
    svcOf('two', { labels: labels('a01', 'a23') }),
    { service: 'demo/two', ips: ['10.0.0.5'], pool: 'p' },
    readyOn('NodeA'),
  );
  t.same(
    b.plan().bgp.map((r) => [r.prefix, r.communities]),
    [
      ['10.0.0.0/30', ['65000:1', '65000:2', '65000:3']],
      ['10.0.0.4/30', ['65000:1', '65000:23']],
    ],
  );
});

t.test('plan warnings in text order, not in prefix order', async (t) => {
  // 9.0.0.0/30 comes before 10.0.0.0/30 as a prefix, after it as text
  const c = bgpConfig(
    adv('a', 'aggregationLength: 30, localPref: 100') + adv('b', 'aggregationLength: 30, localPref: 100'),
    '9.0.0.0/24, 10.0.0.0/24',
  );
  c.bgpAdvertisements.find((a) => a.name === 'b')!.localPref = 50;
  const b = new PlanBuilder(new PlanContext(c));
  b.addService(svcOf('nine'), { service: 'demo/nine', ips: ['9.0.0.1'], pool: 'p' }, readyOn('NodeA'));
  b.addService(svcOf('ten'), { service: 'demo/ten', ips: ['10.0.0.1'], pool: 'p' }, readyOn('NodeA'));
  t.same(
    b.plan().warnings.map((w) => w.split(' ')[0]),
    ['10.0.0.0/30', '9.0.0.0/30'],
  );
});
