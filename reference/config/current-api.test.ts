/** The current MetalLB API (api/v1beta1, api/v1beta2) beyond the document's fields. */
import t from 'tap';
import { allocate } from '../allocate/allocate.ts';
import { computePlan } from '../plan/plan.ts';
import { peersForNode } from '../plan/peers.ts';
import { parseManifestText } from './load.ts';

const load = (text: string) => parseManifestText(text, 'm.yaml');
const peer = (spec: string, extra = '') =>
  load(
    `apiVersion: metallb.io/v1beta2\nkind: BGPPeer\nmetadata: {name: p}\nspec: {myASN: 64500${spec}}\n${extra}`,
  );

t.test(
  'serviceAllocation: namespaces, namespaceSelectors, serviceSelectors, priority (allocator pinnedPoolsForService)',
  async (t) => {
    const text = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: general}
spec: {addresses: [203.0.113.0/30]}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: team-low}
spec: {addresses: [203.0.113.8/30], serviceAllocation: {priority: 50, namespaceSelectors: [{matchLabels: {team: a}}]}}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: team-high}
spec: {addresses: [203.0.113.16/30], serviceAllocation: {priority: 10, namespaces: [a-ns]}}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: web-only}
spec: {addresses: [203.0.113.24/30], serviceAllocation: {serviceSelectors: [{matchLabels: {app: web}}]}}
---
apiVersion: v1
kind: Namespace
metadata: {name: a-ns, labels: {team: a}}
---
apiVersion: v1
kind: Service
metadata: {name: s1, namespace: a-ns}
spec: {type: LoadBalancer, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: s2, namespace: other}
spec: {type: LoadBalancer, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: s3, namespace: other, labels: {app: web}}
spec: {type: LoadBalancer, ports: [{port: 80}]}
`;
    const r = load(text);
    t.same(r.errors, []);
    t.same(
      allocate(r.config!).allocations.map((a) => [a.service, a.pool]),
      [
        ['a-ns/s1', 'team-high'],
        ['other/s2', 'general'],
        ['other/s3', 'web-only'],
      ],
      'priority 10 before 50; a pool with serviceAllocation serves only its Services',
    );
  },
);

t.test('passwordSecret and the Secret kind (config.go passwordFromSecretForPeer)', async (t) => {
  const secret = (type: string, data: string) =>
    `---\napiVersion: v1\nkind: Secret\nmetadata: {name: bgp-auth, namespace: metallb-system}\ntype: ${type}\ndata: {${data}}\n`;
  const spec =
    ', peerASN: 64500, peerAddress: 192.0.2.1, passwordSecret: {name: bgp-auth, namespace: metallb-system}';
  const ok = peer(
    spec,
    secret('kubernetes.io/basic-auth', `password: ${Buffer.from('s3cret').toString('base64')}`),
  );
  t.equal(ok.config?.peers[0]?.password, 's3cret');
  t.same(
    peer(spec).errors.map((e) => e.code),
    ['UNKNOWN_SECRET'],
  );
  t.same(
    peer(spec, secret('Opaque', 'password: eA==')).errors.map((e) => e.code),
    ['INVALID_SECRET'],
  );
  t.same(
    peer(spec, secret('kubernetes.io/basic-auth', 'password: eA==').replace(/type: .*\n/, '')).errors.map(
      (e) => [e.kind, e.message],
    ),
    [['BGPPeer', 'Secret "bgp-auth" must be of type kubernetes.io/basic-auth, got ""']],
    'a Secret without a type',
  );
  t.same(
    peer(spec).errors.map((e) => [e.field, e.message]),
    [['spec.passwordSecret', 'no Secret named "bgp-auth" in the speaker\'s namespace']],
  );
  t.same(
    peer(spec, secret('Opaque', 'password: eA==')).errors.map((e) => e.message),
    ['Secret "bgp-auth" must be of type kubernetes.io/basic-auth, got "Opaque"'],
  );
  t.same(
    peer(spec, secret('kubernetes.io/basic-auth', 'username: eA==')).errors.map((e) => [e.code, e.message]),
    [['INVALID_SECRET', 'Secret "bgp-auth" holds no "password" key']],
  );
  const empty = peer(spec, secret('kubernetes.io/basic-auth', 'password: ""'));
  t.same(empty.errors, []);
  t.equal(empty.config?.peers[0]?.password, undefined, 'an empty password is no password');
  t.same(
    peer(`${spec}, password: x`).errors.map((e) => e.code),
    ['INVALID_VALUE'],
    'password and passwordSecret are exclusive',
  );
});

t.test('dynamicASN, localASN; vrf and interface are reported, never ignored', async (t) => {
  const internal = peer(', dynamicASN: internal, peerAddress: 192.0.2.1');
  t.match(internal.config?.peers[0], { peerASN: 64500 }, 'internal: the peer is in our AS');
  const external = peer(', dynamicASN: external, peerAddress: 192.0.2.1');
  t.same(external.config?.peers, []);
  t.same(
    external.config?.warnings.map((w) => [w.code, w.field]),
    [['NOT_IMPLEMENTED', 'spec.dynamicASN']],
  );
  t.same(
    peer(', peerASN: 1, dynamicASN: internal, peerAddress: 192.0.2.1').errors.map((e) => e.code),
    ['INVALID_VALUE'],
  );
  t.same(
    peer(', peerAddress: 192.0.2.1').errors.map((e) => e.code),
    ['MISSING_FIELD'],
  );
  const local = peer(', localASN: 64501, peerASN: 64501, peerAddress: 192.0.2.1');
  t.match(peersForNode(local.config!, 'NodeA')[0], { myAsn: 64501, peerAsn: 64501 }, 'speaks as localASN');
  for (const [field, spec] of [
    ['spec.vrf', ', peerASN: 1, peerAddress: 192.0.2.1, vrf: red'],
    ['spec.interface', ', peerASN: 1, interface: eth1'],
  ] as const) {
    const r = peer(spec);
    t.same(r.config?.peers, [], `${field}: the peer is not used`);
    t.same(
      r.config?.warnings.map((w) => [w.code, w.field]),
      [['NOT_IMPLEMENTED', field]],
    );
  }
});

t.test(
  'a live dump: kinds the speaker does not use are skipped, metallb.io kinds still checked',
  async (t) => {
    const r = load(`apiVersion: v1
kind: ConfigMap
metadata: {name: x, namespace: metallb-system}
data: {a: b}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: speaker, namespace: metallb-system}
spec: {}
`);
    t.same(r.errors, []);
    t.same(
      load('apiVersion: metallb.io/v1beta1\nkind: AddressPool\nmetadata: {name: p}\n').errors.map(
        (e) => e.code,
      ),
      ['UNKNOWN_KIND'],
    );
  },
);

t.test('serviceSelectors on advertisements: only matching Services are announced', async (t) => {
  const r = load(`apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: p}
spec: {addresses: [203.0.113.0/30]}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: web}
spec: {serviceSelectors: [{matchLabels: {app: web}}]}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: tor}
spec: {myASN: 64500, peerASN: 64500, peerAddress: 192.0.2.1}
---
apiVersion: v1
kind: Node
metadata: {name: NodeA}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: demo, labels: {app: web}}
spec: {type: LoadBalancer, ports: [{port: 80}], loadBalancerIP: 203.0.113.1}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: demo, labels: {app: db}}
spec: {type: LoadBalancer, ports: [{port: 80}], loadBalancerIP: 203.0.113.2}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-1, namespace: demo, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
endpoints: [{addresses: [10.0.0.1]}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: db-1, namespace: demo, labels: {kubernetes.io/service-name: db}}
addressType: IPv4
endpoints: [{addresses: [10.0.0.2]}]
`);
  const { allocations } = allocate(r.config!);
  t.same(
    computePlan(r.config!, allocations).bgp.map((b) => b.prefix),
    ['203.0.113.1/32'],
  );
});
