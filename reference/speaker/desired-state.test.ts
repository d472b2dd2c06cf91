import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readManifests } from '../config/load.ts';
import { attributeKey, prefixKey } from '../bgp/route.ts';
import {
  DesiredStateComputer,
  desiredStateFromTexts,
  type ComputedState,
  type DesiredStateInput,
} from './desired-state.ts';
import { PlannerThread } from './planner-thread.ts';
import { ServiceStatusBook } from './status-book.ts';
import { silentLogger } from '../../common/log.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/doc/', import.meta.url));

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'lbconform-desired-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function manifestDir(t: { teardown(fn: () => void): void }): string {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'S1.yaml'), readFileSync(join(fixtures, 'S1.yaml')));
  writeFileSync(join(dir, 'S1.cluster.yaml'), readFileSync(join(fixtures, 'S1.cluster.yaml')));
  return dir;
}

/** What a speaker holds after applying full states and differences: compared with a fresh computation. */
class Mirror {
  routes = new Map<string, Map<string, string>>();
  services?: ServiceStatusBook;
  summary = '';
  warnings: string[] = [];
  l2?: unknown;
  deltas = 0;
  fulls = 0;

  apply(r: ComputedState | 'unchanged'): void {
    if (r === 'unchanged' || !r.ok) return;
    this.summary = r.summary;
    this.warnings = r.warnings ?? [];
    if (r.l2) this.l2 = r.l2;
    if ('delta' in r) {
      this.deltas++;
      for (const d of r.delta.routes) {
        const table = this.routes.get(d.peer)!;
        for (const p of d.withdraw) table.delete(p);
        for (const x of d.announce) table.set(prefixKey(x), attributeKey(x));
      }
      this.services!.patch(r.delta.services);
      return;
    }
    this.fulls++;
    this.routes = new Map(
      [...r.routes].map(([peer, list]) => [peer, new Map(list.map((x) => [prefixKey(x), attributeKey(x)]))]),
    );
    for (const p of r.peers) if (!this.routes.has(p.name)) this.routes.set(p.name, new Map());
    this.services = new ServiceStatusBook(r.services);
  }

  view() {
    return {
      routes: [...this.routes]
        .filter(([, m]) => m.size > 0)
        .map(([peer, m]) => [peer, [...m].sort()] as const)
        .sort(),
      services: this.services?.all(),
      summary: this.summary,
      warnings: this.warnings,
      l2: this.l2,
    };
  }
}

async function fresh(input: DesiredStateInput) {
  const { texts, errors } = await readManifests(input.paths);
  const r = desiredStateFromTexts(input, texts, errors);
  if (!r.ok) return r;
  const m = new Mirror();
  m.apply(r);
  return m.view();
}

t.test('the same files and inputs are "unchanged"; any edit or liveness change is not', async (t) => {
  const dir = manifestDir(t);
  const c = new DesiredStateComputer();
  const input = { node: 'NodeA', paths: [dir], namespace: 'metallb-system' };
  const first = await c.compute(input);
  t.ok(first !== 'unchanged' && first.ok, 'first computation');
  t.equal(await c.compute(input), 'unchanged');
  writeFileSync(join(dir, 'S1.yaml'), readFileSync(join(dir, 'S1.yaml'), 'utf8') + '\n# a comment\n');
  t.not(
    await c.compute(input),
    'unchanged',
    'an edit to a file with pools, even a comment, is computed again',
  );
  writeFileSync(join(dir, 'S9.yaml'), serviceDoc('late', '203.0.113.203', 'NodeA'));
  t.not(await c.compute(input), 'unchanged', 'a new Service');
  writeFileSync(join(dir, 'S9.yaml'), `# moved\n${serviceDoc('late', '203.0.113.203', 'NodeA')}`);
  t.equal(await c.compute(input), 'unchanged', 'a Service file rewritten with the same resources');
  t.not(await c.compute({ ...input, alive: ['NodeA'] }), 'unchanged', 'a liveness change');
});

t.test('the planner thread computes what a fresh load computes, then differences', async (t) => {
  const dir = manifestDir(t);
  const planner = new PlannerThread(silentLogger);
  t.teardown(() => planner.close());
  const input = { node: 'NodeA', paths: [dir], namespace: 'metallb-system' };
  const m = new Mirror();
  m.apply(await planner.compute(input));
  t.same(m.view(), await fresh(input), 'the first, full (small manifests: on this thread)');
  writeFileSync(join(dir, 'S8.yaml'), serviceDoc('early', '203.0.113.202', 'NodeA'));
  const second = await planner.compute(input);
  t.ok(second !== 'unchanged' && second.ok && !('delta' in second), "the thread's first answer: full");
  m.apply(second);
  t.same(m.view(), await fresh(input));
  writeFileSync(join(dir, 'S9.yaml'), serviceDoc('late', '203.0.113.203', 'NodeA'));
  const third = await planner.compute(input);
  t.ok(third !== 'unchanged' && third.ok && 'delta' in third, 'a new Service file: a difference');
  m.apply(third);
  t.same(m.view(), await fresh(input), 'the difference applied equals a fresh load');
  t.same(planner.computed, { here: 1, onThread: 2 }, 'a small first load here, the reloads on the thread');
});

t.test("the desired state carries this node's ServiceBGPStatus view (speaker --status)", async (t) => {
  const dir = manifestDir(t);
  const state = await new DesiredStateComputer().compute({
    node: 'NodeA',
    paths: [dir],
    namespace: 'metallb-system',
  });
  if (state === 'unchanged' || !state.ok || 'delta' in state) throw new Error('expected a full state');
  t.ok(state.services.bgp.length > 0, 'at least one Service announced from NodeA');
  t.ok(
    state.services.bgp.every((s) => s.node === 'NodeA' && s.peers.length > 0),
    "only NodeA's objects, each with the peers it announces to",
  );
});

// ---- differences equal fresh loads, over random edit sequences ----

const CLUSTER = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: asked}
spec: {addresses: [192.168.10.0/24, "2001:db8:10::/120"], autoAssign: false}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: auto}
spec: {addresses: [192.168.20.0/28]}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: host}
spec: {communities: ["65000:1"], localPref: 100}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: agg}
spec: {aggregationLength: 28, aggregationLengthV6: 124, localPref: 200, communities: ["65000:2"], ipAddressPools: [asked]}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: l2}
spec: {ipAddressPools: [auto]}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: ibgp}
spec: {myASN: 64500, peerASN: 64500, peerAddress: 192.0.2.1}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: ebgp}
spec: {myASN: 64500, peerASN: 64501, peerAddress: "2001:db8::1", dualStackAddressFamily: true}
---
apiVersion: v1
kind: Node
metadata: {name: NodeA}
status: {addresses: [{type: InternalIP, address: 192.0.2.11}]}
---
apiVersion: v1
kind: Node
metadata: {name: NodeB}
status: {addresses: [{type: InternalIP, address: 192.0.2.12}]}
`;

function serviceDoc(
  name: string,
  ip: string | undefined,
  readyOn: string | undefined,
  more: { local?: boolean; status?: string; shared?: string; type?: string } = {},
): string {
  const ann = [
    ...(ip ? [`metallb.io/loadBalancerIPs: "${ip}"`] : []),
    ...(more.shared ? [`metallb.io/allow-shared-ip: ${more.shared}`] : []),
  ];
  const status = more.status ? `\nstatus: {loadBalancer: {ingress: [{ip: "${more.status}"}]}}` : '';
  const svc = `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: app${ann.length ? `, annotations: {${ann.join(', ')}}` : ''}}
spec: {type: ${more.type ?? 'LoadBalancer'}, ipFamilyPolicy: PreferDualStack, selector: {app: ${name}}, ports: [{port: 80, protocol: TCP}]${more.local ? ', externalTrafficPolicy: Local' : ''}}${status}
`;
  if (!readyOn) return svc;
  return `${svc}---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${name}-1, namespace: app, labels: {kubernetes.io/service-name: ${name}}}
addressType: IPv4
endpoints: [{addresses: [10.0.0.1], nodeName: ${readyOn}, conditions: {ready: true}}]
`;
}

/** A small seeded generator (mulberry32), so a failing sequence can be replayed by its seed. */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return (((x ^ (x >>> 14)) >>> 0) % n) >>> 0;
  };
}

t.test(
  'differences applied step by step equal a fresh load after every edit (random sequences)',
  async (t) => {
    let deltas = 0;
    let fulls = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const dir = tempDir(t);
      const pick = rng(seed);
      writeFileSync(join(dir, '00-cluster.yaml'), CLUSTER);
      const bulk: string[] = [];
      for (let i = 1; i <= 30; i++)
        bulk.push(serviceDoc(`bulk${i}`, `192.168.10.${i}`, i % 3 ? 'NodeA' : 'NodeB'));
      writeFileSync(join(dir, '10-bulk.yaml'), bulk.join('---\n'));
      const input: DesiredStateInput = { node: 'NodeA', paths: [dir], namespace: 'metallb-system' };
      const c = new DesiredStateComputer();
      const m = new Mirror();
      const steps: string[] = [];
      for (let step = 0; step < 25; step++) {
        const name = `s${pick(8)}`;
        const file = join(dir, `20-${name}.yaml`);
        const ip4 = `192.168.10.${100 + pick(12)}`;
        const node = ['NodeA', 'NodeB', undefined][pick(3)];
        const op = pick(12);
        let what: string;
        if (op < 4) {
          what = `${name} asks ${ip4}, ready on ${node}`;
          writeFileSync(file, serviceDoc(name, ip4, node, { local: pick(2) === 0 }));
        } else if (op < 6) {
          what = `${name} removed`;
          rmSync(file, { force: true });
        } else if (op === 6) {
          what = `${name} asks a v4 and a v6 address`;
          writeFileSync(file, serviceDoc(name, `${ip4},2001:db8:10::${pick(9) + 1}`, node));
        } else if (op === 7) {
          what = `${name} auto-assigned`;
          writeFileSync(file, serviceDoc(name, undefined, node));
        } else if (op === 8) {
          what = `${name} holds ${ip4} in its status`;
          writeFileSync(file, serviceDoc(name, undefined, node, { status: ip4 }));
        } else if (op === 9) {
          what = `${name} shares ${ip4}`;
          writeFileSync(file, serviceDoc(name, ip4, node, { shared: 'k' }));
        } else if (op === 10) {
          what = `${name} is a ClusterIP`;
          writeFileSync(file, serviceDoc(name, undefined, node, { type: 'ClusterIP' }));
        } else {
          what = `${name} invalid`;
          writeFileSync(file, serviceDoc(name, 'not-an-ip', node).replace('ports:', 'portz:'));
        }
        steps.push(what);
        const r = await c.compute(input);
        m.apply(r);
        const want = await fresh(input);
        if ('ok' in want) {
          if (r === 'unchanged' || r.ok)
            t.fail(`seed ${seed}: invalid files accepted after ${steps.join('; ')}`);
          else t.same(r.errors, want.errors, 'same errors');
          rmSync(file, { force: true }); // back to a valid set, as an operator would
          m.apply(await c.compute(input));
          steps.push(`${name} removed`);
          continue;
        }
        const got = m.view();
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          t.same(got, want, `seed ${seed} after: ${steps.join('; ')}`);
          return;
        }
      }
      deltas += m.deltas;
      fulls += m.fulls;
      t.pass(
        `seed ${seed}: ${m.deltas} differences, ${m.fulls} full states, every one equal to a fresh load`,
      );
    }
    t.ok(deltas > 50, `the difference path was taken (${deltas} differences, ${fulls} full states)`);
  },
);
