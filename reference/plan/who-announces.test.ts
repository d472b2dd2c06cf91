/**
 * Who announces and what is ours, as MetalLB decides it. Each test names the MetalLB source it was
 * checked against (metallb/metallb, the snapshot in /work/.mirror).
 */
import t from 'tap';
import { allocate } from '../allocate/allocate.ts';
import { type LoadOptions, parseManifestText } from '../config/load.ts';
import type { ClusterConfig } from '../model/types.ts';
import { computePlan } from './plan.ts';

const BASE = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: p}
spec: {addresses: [203.0.113.0/28]}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: bgp}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: l2}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: tor}
spec: {myASN: 64500, peerASN: 64500, peerAddress: 192.0.2.1}
`;

const node = (name: string, extra = ''): string =>
  `---\napiVersion: v1\nkind: Node\nmetadata: {name: ${name}, labels: {kubernetes.io/hostname: ${name}${extra}}}\n`;

const service = (name: string, spec = '', meta = ''): string =>
  `---\napiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: demo${meta}}\nspec: {type: LoadBalancer, ports: [{port: 80}]${spec}}\n`;

const slice = (svc: string, endpoints: string): string =>
  `---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: ${svc}-1, namespace: demo, labels: {kubernetes.io/service-name: ${svc}}}\naddressType: IPv4\nendpoints: ${endpoints}\n`;

function load(text: string, opts: Partial<LoadOptions> = {}): ClusterConfig {
  const r = parseManifestText(text, 'm.yaml', { namespace: 'metallb-system', ...opts });
  if (!r.config) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

function planOf(config: ClusterConfig) {
  const { allocations, errors } = allocate(config);
  return computePlan(config, allocations, { serviceErrors: errors });
}

const bgpNodes = (c: ClusterConfig): string[] => [...new Set(planOf(c).bgp.map((r) => r.node))].sort();

t.test(
  'endpoints that can serve: ready absent or true, or serving true (epslices.EndpointCanServe)',
  async (t) => {
    const withEndpoint = (cond: string, addresses = '[10.0.0.1]') =>
      load(
        BASE +
          node('NodeA') +
          service('web') +
          slice('web', `[{addresses: ${addresses}, nodeName: NodeA${cond ? `, conditions: ${cond}` : ''}}]`),
      );
    t.same(bgpNodes(withEndpoint('')), ['NodeA'], 'no conditions: ready');
    t.same(bgpNodes(withEndpoint('{ready: true}')), ['NodeA']);
    t.same(bgpNodes(withEndpoint('{ready: false, serving: true, terminating: true}')), ['NodeA'], 'serving');
    t.same(bgpNodes(withEndpoint('{ready: false}')), [], 'not ready, not serving');
    t.same(bgpNodes(withEndpoint('{ready: false, serving: false}')), []);
    // speaker/bgp_controller.go hasHealthyEndpoint: `len(ep.Addresses) > 0 && EndpointCanServe`
    t.same(
      bgpNodes(withEndpoint('{ready: true}', '[]')),
      [],
      'an endpoint without an address serves nothing',
    );
  },
);

t.test(
  'node.kubernetes.io/exclude-from-external-load-balancers (nodes.IsNodeExcludedFromBalancers)',
  async (t) => {
    const text =
      BASE +
      node('NodeA') +
      node('NodeB', ', node.kubernetes.io/exclude-from-external-load-balancers: ""') +
      service('web') +
      slice('web', '[{addresses: [10.0.0.1], nodeName: NodeA}]');
    // speaker/bgp_controller.go ShouldAnnounce: "nodeLabeledExcludeBalancers", any value of the label
    t.same(bgpNodes(load(text)), ['NodeA'], 'the labelled node does not announce over BGP');
    // speaker/layer2_controller.go speakersForAds: the labelled node is no candidate
    for (const alive of [['NodeB'], ['NodeA', 'NodeB']]) {
      const c = load(text);
      const { allocations } = allocate(c);
      const l2 = computePlan(c, allocations, { alive }).l2;
      t.ok(
        l2.every((r) => r.node !== 'NodeB'),
        `never an L2 owner (alive ${alive.join(',')})`,
      );
    }
    // speaker/main.go --ignore-exclude-lb
    t.same(bgpNodes(load(text, { ignoreExcludeLB: true })), ['NodeA', 'NodeB'], 'ignored on request');
  },
);

t.test('Node condition NetworkUnavailable True: no announcement (nodes.IsNetworkUnavailable)', async (t) => {
  const unavailable = `---
apiVersion: v1
kind: Node
metadata: {name: NodeB, labels: {kubernetes.io/hostname: NodeB}}
status: {conditions: [{type: NetworkUnavailable, status: "True"}, {type: Ready, status: "True"}]}
`;
  const available = unavailable.replace('status: "True"}, {type: Ready', 'status: "False"}, {type: Ready');
  const text = (n: string) =>
    BASE + node('NodeA') + n + service('web') + slice('web', '[{addresses: [10.0.0.1], nodeName: NodeA}]');
  t.same(bgpNodes(load(text(unavailable))), ['NodeA']);
  t.same(bgpNodes(load(text(unavailable), { ignoreExcludeLB: true })), ['NodeA'], 'not a label to ignore');
  t.same(bgpNodes(load(text(available))), ['NodeA', 'NodeB'], 'status False: announces');
  const c = load(text(unavailable));
  t.same(
    computePlan(c, allocate(c).allocations, { alive: ['NodeB'] }).l2,
    [],
    'no L2 candidate (layer2_controller.go speakersForAds)',
  );
});

t.test('spec.loadBalancerClass (service_controller.go filterByLoadBalancerClass)', async (t) => {
  const text =
    BASE +
    node('NodeA') +
    service('plain') +
    service('other', ', loadBalancerClass: example.com/other') +
    slice('plain', '[{addresses: [10.0.0.1], nodeName: NodeA}]') +
    slice('other', '[{addresses: [10.0.0.2], nodeName: NodeA}]');
  t.same(
    allocate(load(text)).allocations.map((a) => a.service),
    ['demo/plain'],
    'without --lb-class: only Services without a class',
  );
  t.same(
    allocate(load(text, { loadBalancerClass: 'example.com/other' })).allocations.map((a) => a.service),
    ['demo/other'],
    'with --lb-class: only that class',
  );
  t.same(
    planOf(load(text)).bgp.map((r) => r.prefix),
    ['203.0.113.0/32'],
    'the other class is not announced',
  );
});

t.test('status.loadBalancer.ingress is an existing assignment; kind: List dumps load', async (t) => {
  const dump = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: web, namespace: demo, uid: 1234, resourceVersion: "7"}
    spec: {type: LoadBalancer, ports: [{port: 80}], clusterIP: 10.96.0.5}
    status: {loadBalancer: {ingress: [{ip: 203.0.113.9, ipMode: VIP}]}}
  - apiVersion: v1
    kind: Service
    metadata: {name: aaa, namespace: demo}
    spec: {type: LoadBalancer, ports: [{port: 80}]}
metadata: {resourceVersion: ""}
`;
  const c = load(`${BASE}${node('NodeA')}---\n${dump}`);
  t.same(
    allocate(c).allocations,
    [
      { service: 'demo/aaa', ips: ['203.0.113.0'], pool: 'p' },
      { service: 'demo/web', ips: ['203.0.113.9'], pool: 'p' },
    ],
    'web keeps its IP though aaa sorts first',
  );
  const stale = load(`${BASE}${node('NodeA')}---\n${dump.replace('203.0.113.9', '198.51.100.9')}`);
  const again = allocate(stale);
  t.same(again.errors, [], 'an address in no pool any more is no error');
  t.match(
    again.allocations.find((a) => a.service === 'demo/web')?.ips,
    [/^203\.0\.113\./],
    'it is allocated afresh from the pool',
  );
});

t.test(
  'allow-shared-ip: same key, different ports and the same backend key (allocator sharingOK)',
  async (t) => {
    const shared = (name: string, port: number, etp: string, selector: string) =>
      service(
        name,
        `, externalTrafficPolicy: ${etp}, selector: {app: ${selector}}, ports: [{port: ${port}}], loadBalancerIP: 203.0.113.5`,
        ', annotations: {metallb.io/allow-shared-ip: k}',
      ).replace('ports: [{port: 80}], ', '');
    const errors = (text: string) => allocate(load(BASE + node('NodeA') + text)).errors.map((e) => e.code);
    t.same(
      errors(shared('a', 80, 'Cluster', 'x') + shared('b', 81, 'Cluster', 'y')),
      [],
      'Cluster: backends free',
    );
    t.same(errors(shared('a', 80, 'Local', 'x') + shared('b', 81, 'Local', 'x')), [], 'Local: same pods');
    t.same(
      errors(shared('a', 80, 'Local', 'x') + shared('b', 81, 'Local', 'y')),
      ['IP_IN_USE'],
      'Local with other pods: refused, so one IP never has two L2 owners',
    );
    t.same(errors(shared('a', 80, 'Local', 'x') + shared('b', 81, 'Cluster', 'x')), ['IP_IN_USE']);
    t.same(
      errors(shared('a', 80, 'Cluster', 'x') + shared('b', 80, 'Cluster', 'x')),
      ['IP_IN_USE'],
      'same port',
    );
  },
);

t.test('auto-assignment walks the addresses in the order written (allocator getIPFromCIDR)', async (t) => {
  const text = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: p}
spec: {addresses: [203.0.113.10/31, 203.0.113.0/31]}
${service('web')}`;
  t.same(allocate(load(text)).allocations[0]?.ips, ['203.0.113.10']);
});
