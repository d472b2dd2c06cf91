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
