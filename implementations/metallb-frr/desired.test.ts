/**
 * MetalLB's speaker logic as desired.ts reads it (speaker/main.go SetBalancer and poolFor,
 * speaker/bgp_controller.go ShouldAnnounce / SetBalancer / syncPeers) on small manifests.
 */
import t from 'tap';
import { parseManifestTexts } from '../../reference/config/load.ts';
import type { ClusterConfig } from '../../reference/model/types.ts';
import { desiredConfig, serviceAdvertisements } from './desired.ts';
import { serviceIPs } from './service-ips.ts';

const base = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: pool, namespace: metallb-system, labels: {zone: east}}
spec: {addresses: [203.0.113.0/28, "2001:db8:100::/124"]}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: hosts, namespace: metallb-system}
spec: {ipAddressPoolSelectors: [{matchLabels: {zone: east}}], communities: ["64500:1"], localPref: 50}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: agg, namespace: metallb-system}
spec: {ipAddressPools: [pool], aggregationLength: 28, aggregationLengthV6: 124, nodeSelectors: [{matchLabels: {rack: a}}]}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: tor, namespace: metallb-system}
spec: {myASN: 64500, peerASN: 64500, peerAddress: 192.0.2.1}
---
apiVersion: v1
kind: Node
metadata: {name: NodeA, labels: {rack: a}}
---
apiVersion: v1
kind: Node
metadata: {name: NodeB}
`;

function service(name: string, extra: string, status?: string[], etp = 'Cluster', readyOn = 'NodeA'): string {
  return `
---
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: default${extra}}
spec: {type: LoadBalancer, externalTrafficPolicy: ${etp}, ports: [{port: 80, protocol: TCP}]}
${status ? `status: {loadBalancer: {ingress: [${status.map((ip) => `{ip: "${ip}"}`).join(', ')}]}}` : ''}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${name}-1, namespace: default, labels: {kubernetes.io/service-name: ${name}}}
addressType: IPv4
endpoints: [{addresses: [10.0.0.1], nodeName: ${readyOn}}]
ports: [{port: 8080, protocol: TCP}]
`;
}

function load(text: string): { config: ClusterConfig; ips: Map<string, string[]> } {
  const texts = [{ file: 'm.yaml', text }];
  const { config, errors } = parseManifestTexts(texts, { namespace: 'metallb-system' });
  if (!config) throw new Error(JSON.stringify(errors));
  return { config, ips: serviceIPs(config.services) };
}

t.test("the controller's status.loadBalancer.ingress is what gets announced", async (t) => {
  const { config, ips } = load(base + service('web', '', ['203.0.113.5']));
  t.same(ips.get('default/web'), ['203.0.113.5']);
  const ads = serviceAdvertisements(config, ips, 'NodeA');
  t.same(
    ads.map((a) => [a.prefix, a.localPref, a.communities]),
    [
      ['203.0.113.5/32', 50, ['64500:1']],
      ['203.0.113.0/28', 0, []],
    ],
  );
  // NodeB is not selected by the aggregate's nodeSelectors: only the host route.
  t.same(
    serviceAdvertisements(config, ips, 'NodeB').map((a) => a.prefix),
    ['203.0.113.5/32'],
  );
});

t.test('no status and nothing asked for: nothing (the speaker never allocates)', async (t) => {
  const { config, ips } = load(base + service('web', ''));
  t.equal(ips.size, 0);
  t.same(serviceAdvertisements(config, ips, 'NodeA'), []);
});

t.test('an IP the Service asked for itself is not announced until the controller writes it', async (t) => {
  const { ips } = load(base + service('web', ', annotations: {metallb.io/loadBalancerIPs: "203.0.113.7"}'));
  t.equal(ips.size, 0);
});

t.test(
  "another loadBalancerClass is not the speaker's, even with a status (filterByLoadBalancerClass)",
  async (t) => {
    const other = service('other', '', ['203.0.113.6']).replace(
      'spec: {type: LoadBalancer,',
      'spec: {type: LoadBalancer, loadBalancerClass: example.com/lb,',
    );
    const { config } = load(base + other + service('web', '', ['203.0.113.5']));
    t.same([...serviceIPs(config.services).keys()], ['default/web']);
    t.same([...serviceIPs(config.services, 'example.com/lb').keys()], ['default/other']);
  },
);

t.test('a Service inside a kind: List dump carries its status too', async (t) => {
  const list = `
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: held, namespace: default}
    spec: {type: LoadBalancer, clusterIP: 10.96.0.10, ports: [{port: 80, protocol: TCP}]}
    status: {loadBalancer: {ingress: [{ip: 203.0.113.9}]}}
`;
  const { ips } = load(base + list);
  t.same(ips.get('default/held'), ['203.0.113.9']);
});

t.test('an IP outside every pool is not announced (poolFor finds none)', async (t) => {
  const { config, ips } = load(base + service('web', '', ['198.51.100.9']));
  const warnings: string[] = [];
  t.same(serviceAdvertisements(config, ips, 'NodeA', warnings), []);
  t.match(warnings[0], /in no IPAddressPool/);
});

t.test('externalTrafficPolicy Local: only the node with the endpoint', async (t) => {
  const { config, ips } = load(base + service('web', '', ['203.0.113.5'], 'Local', 'NodeB'));
  t.same(serviceAdvertisements(config, ips, 'NodeA'), []);
  t.same(
    serviceAdvertisements(config, ips, 'NodeB').map((a) => a.prefix),
    ['203.0.113.5/32'],
  );
});

t.test('a node labelled exclude-from-external-load-balancers announces nothing', async (t) => {
  const text = base.replace(
    'metadata: {name: NodeB}',
    'metadata: {name: NodeB, labels: {node.kubernetes.io/exclude-from-external-load-balancers: ""}}',
  );
  const { config, ips } = load(text + service('web', '', ['203.0.113.5']));
  t.same(serviceAdvertisements(config, ips, 'NodeB'), []);
});

t.test('the IPv4 BGPPeer gets the IPv4 prefixes of a dual-stack Service only', async (t) => {
  const { config, ips } = load(base + service('web', '', ['203.0.113.5', '2001:db8:100::5']));
  const c = desiredConfig(config, ips, 'NodeA');
  const n = c.routers[0]!.neighbors[0]!;
  t.equal(n.family, 'ipv4');
  t.same(n.prefixesV4, ['203.0.113.0/28', '203.0.113.5/32']);
  t.same(n.prefixesV6, []);
  t.same(c.routers[0]!.ipv6Prefixes, [], 'no network statement for a prefix no neighbour may get');
});
