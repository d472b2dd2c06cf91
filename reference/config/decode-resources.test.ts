// decode.ts: each kind decoded to exactly the model it should give (every field, every default), and the
// BGPPeer rules of MetalLB's internal/config/config.go (parseTimers, the password and multihop checks).
import t from 'tap';
import type * as M from '../model/types.ts';
import { parseManifestText } from './load.ts';

const withoutSrc = <T extends { src: M.Source }>(o: T | undefined): Omit<T, 'src'> | undefined => {
  if (!o) return undefined;
  const { src: _src, ...rest } = o;
  return rest;
};

const peerDoc = (spec: string): string =>
  `apiVersion: metallb.io/v1beta2\nkind: BGPPeer\nmetadata: {name: p}\nspec: {myASN: 64500, peerAddress: 192.0.2.1${spec}}\n`;
const peer = (spec: string) => parseManifestText(peerDoc(spec), 'p.yaml');
const minimalPeer = {
  name: 'p',
  myASN: 64500,
  peerASN: 64501,
  peerAddress: '192.0.2.1',
  peerPort: 179,
  holdTime: 90,
  keepaliveTime: 30,
  nodeSelectors: [],
  ebgpMultiHop: false,
  dualStackAddressFamily: false,
};

t.test('BGPPeer: defaults only when nothing else is written (MetalLB 90s/30s, port 179)', async (t) => {
  const r = peer(', peerASN: 64501');
  t.same(r.errors, []);
  t.strictSame(withoutSrc(r.config!.peers[0]), minimalPeer);
  for (const empty of [', password: ""', ', vrf: ""'])
    t.strictSame(
      withoutSrc(peer(`, peerASN: 64501${empty}`).config!.peers[0]),
      minimalPeer,
      `${empty}: unset`,
    );
});

t.test('BGPPeer: every field written is carried', async (t) => {
  const r = parseManifestText(
    `${peerDoc(', peerASN: 64501, peerPort: 1179, sourceAddress: 192.0.2.9, holdTime: 9s, keepaliveTime: 2s, routerID: 10.0.0.1, password: pw, ebgpMultiHop: true, bfdProfile: b, enableGracefulRestart: true, dualStackAddressFamily: true, connectTime: 5s, localASN: 64499, nodeSelectors: [{matchLabels: {a: b}}]')}---\napiVersion: metallb.io/v1beta1\nkind: BFDProfile\nmetadata: {name: b}\n`,
    'p.yaml',
  );
  t.same(r.errors, []);
  t.strictSame(withoutSrc(r.config!.peers[0]), {
    name: 'p',
    myASN: 64500,
    peerASN: 64501,
    peerAddress: '192.0.2.1',
    peerPort: 1179,
    sourceAddress: '192.0.2.9',
    holdTime: 9,
    keepaliveTime: 2,
    routerID: '10.0.0.1',
    nodeSelectors: [{ matchLabels: { a: 'b' }, matchExpressions: [] }],
    password: 'pw',
    ebgpMultiHop: true,
    bfdProfile: 'b',
    enableGracefulRestart: true,
    dualStackAddressFamily: true,
    connectTime: 5,
    localASN: 64499,
  });
});

t.test('BGPPeer timers as MetalLB parseTimers derives them, in whole seconds', async (t) => {
  const timers = (spec: string) => {
    const p = peer(`, peerASN: 64501${spec}`).config?.peers[0];
    return p && [p.holdTime, p.keepaliveTime];
  };
  t.same(timers(', holdTime: 9s'), [9, 3], 'keepalive = hold / 3');
  t.same(timers(', keepaliveTime: 4s'), [12, 4], 'hold = 3 x keepalive');
  t.same(timers(', keepaliveTime: 1500ms'), [4, 1], '4.5 s and 1.5 s rounded down');
  t.same(timers(', holdTime: 0s'), [0, 0], '0: no keepalives');
  t.same(timers(', holdTime: 3s'), [3, 1], 'the smallest hold time but 0');
  t.same(timers(', holdTime: 9s, keepaliveTime: 9s'), [9, 9], 'keepalive equal to hold is allowed');
  t.same(timers(', holdTime: 65535s'), [65535, 21845], 'the largest hold time');
});

t.test('BGPPeer: each refused value with its code, field and message', async (t) => {
  const cases: [string, string, string, string, boolean][] = [
    [
      ', holdTime: 2s',
      'INVALID_HOLD_TIME',
      'spec.holdTime',
      'hold time 2s is invalid; expected 0s (no keepalives) or at least 3s',
      false,
    ],
    [
      ', holdTime: 65536s',
      'INVALID_HOLD_TIME',
      'spec.holdTime',
      'hold time 65536s is invalid; BGP allows at most 65535s (18h12m15s)',
      false,
    ],
    [
      ', keepaliveTime: 30000s',
      'INVALID_HOLD_TIME',
      'spec.keepaliveTime',
      'hold time 90000s is invalid; BGP allows at most 65535s (18h12m15s)',
      false,
    ],
    [
      ', holdTime: 9s, keepaliveTime: 10s',
      'INVALID_KEEPALIVE_TIME',
      'spec.keepaliveTime',
      'keepalive time 10s must not exceed the hold time 9s',
      false,
    ],
    [
      ', connectTime: 1500ms',
      'INVALID_CONNECT_TIME',
      'spec.connectTime',
      '"1500ms" is not a valid connect time; expected a whole number of seconds between 1s and 65535s (18h12m15s)',
      false,
    ],
    [
      ', connectTime: 0s',
      'INVALID_CONNECT_TIME',
      'spec.connectTime',
      '"0s" is not a valid connect time; expected a whole number of seconds between 1s and 65535s (18h12m15s)',
      false,
    ],
    [
      ', connectTime: 65536s',
      'INVALID_CONNECT_TIME',
      'spec.connectTime',
      '"65536s" is not a valid connect time; expected a whole number of seconds between 1s and 65535s (18h12m15s)',
      false,
    ],
    [
      ', routerID: "2001:db8::1"',
      'INVALID_ROUTER_ID',
      'spec.routerID',
      '"2001:db8::1" is not a router ID; expected an IPv4 address such as 192.0.2.10',
      false,
    ],
    [
      ', password: ' + 'x'.repeat(81),
      'INVALID_VALUE',
      'spec.password',
      'the password is 81 bytes; a TCP MD5 key holds at most 80',
      false,
    ],
    [
      ', password: ' + 'é'.repeat(41),
      'INVALID_VALUE',
      'spec.password',
      'the password is 82 bytes; a TCP MD5 key holds at most 80',
      false,
    ],
    [
      ', dynamicASN: internal',
      'INVALID_VALUE',
      'spec.peerASN',
      'exactly one of peerASN and dynamicASN must be set',
      false,
    ],
  ];
  for (const [spec, code, field, message] of cases)
    t.same(
      peer(`, peerASN: 64501${spec}`).errors.map((e) => [e.code, e.field, e.message]),
      [[code, field, message]],
      spec.slice(0, 40),
    );
  t.same(
    peer(', peerASN: 64500, ebgpMultiHop: true').errors.map((e) => [e.code, e.field, e.message]),
    [
      [
        'EBGP_MULTIHOP_ON_IBGP',
        'spec.ebgpMultiHop',
        'ebgpMultiHop is set but the session is iBGP (myASN = peerASN = 64500); remove it or use a different peerASN',
      ],
    ],
  );
  t.same(peer(', peerASN: 64500, localASN: 64499, ebgpMultiHop: true').errors, [], 'localASN makes it eBGP');
  t.same(peer(', password: ' + 'x'.repeat(80) + ', peerASN: 64501').errors, [], '80 bytes fit');
  t.same(peer(', peerASN: 64501, connectTime: 65535s').errors, [], 'the largest connect time');
  t.same(peer(', peerASN: 64501, connectTime: 1s').config?.peers[0]?.connectTime, 1);
});

t.test('BGPPeer: what is accepted with a warning, and what is not used', async (t) => {
  const warnings = (spec: string) => {
    const r = peer(spec);
    t.same(r.errors, [], spec);
    return [r.config!.warnings.map((w) => [w.code, w.field, w.message]), r.config!.peers.length];
  };
  t.same(warnings(', peerASN: 64501, disableMP: true'), [
    [
      [
        'DEPRECATED_FIELD',
        'spec.disableMP',
        'disableMP is deprecated and has no effect; a BGPPeer carries the family of its peerAddress, set dualStackAddressFamily: true to carry both',
      ],
    ],
    1,
  ]);
  t.same(warnings(', peerASN: 64501, vrf: red'), [
    [['NOT_IMPLEMENTED', 'spec.vrf', 'peering in VRF "red" is not implemented; this BGPPeer is not used']],
    0,
  ]);
  t.same(warnings(', dynamicASN: external'), [
    [
      [
        'NOT_IMPLEMENTED',
        'spec.dynamicASN',
        'dynamicASN: external (any AS but myASN) is not implemented; this BGPPeer is not used',
      ],
    ],
    0,
  ]);
  const internal = peer(', dynamicASN: internal, localASN: 64777').config!.peers[0]!;
  t.same([internal.peerASN, internal.localASN], [64777, 64777], 'dynamicASN internal: the local AS');
  t.equal(peer(', dynamicASN: internal').config!.peers[0]!.peerASN, 64500, 'without localASN: myASN');
});

t.test('Node: addresses InternalIP first, only valid IPs; NetworkUnavailable only when True', async (t) => {
  const node = (status: string) =>
    parseManifestText(
      `apiVersion: v1\nkind: Node\nmetadata: {name: NodeA, labels: {a: b}}\n${status}`,
      'n.yaml',
    );
  const r = node(
    'status:\n  addresses: [{type: Hostname, address: nodea}, {type: ExternalIP, address: 198.51.100.1}, {type: InternalIP, address: 192.0.2.1}, {type: InternalIP, address: "2001:db8::1"}, {type: InternalIP}]\n  conditions: [{type: Ready, status: "True"}, {type: NetworkUnavailable, status: "False"}]\n',
  );
  t.same(r.errors, []);
  t.strictSame(withoutSrc(r.config!.nodes[0]), {
    name: 'NodeA',
    labels: { a: 'b' },
    addresses: ['192.0.2.1', '2001:db8::1', '198.51.100.1'],
    networkUnavailable: false,
  });
  t.equal(
    node('status:\n  conditions: [{type: NetworkUnavailable, status: "True"}]\n').config!.nodes[0]!
      .networkUnavailable,
    true,
  );
  t.equal(
    node('status:\n  conditions: [{type: Ready, status: "True"}]\n').config!.nodes[0]!.networkUnavailable,
    false,
  );
  t.strictSame(withoutSrc(node('').config!.nodes[0]), {
    name: 'NodeA',
    labels: { a: 'b' },
    addresses: [],
    networkUnavailable: false,
  });
});

t.test(
  'Service: every field carried, defaults as Kubernetes gives them, ingress IPs from status',
  async (t) => {
    const r = parseManifestText(
      'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: demo, labels: {app: web}, annotations: {x: y}}\nspec:\n  type: LoadBalancer\n  loadBalancerIP: 192.0.2.10\n  loadBalancerClass: metallb\n  ipFamilyPolicy: RequireDualStack\n  ipFamilies: [IPv4, IPv6]\n  externalTrafficPolicy: Local\n  ports: [{name: http, port: 80}, {port: 53, protocol: UDP, name: ""}]\n  selector: {app: web}\nstatus: {loadBalancer: {ingress: [{ip: 192.0.2.10}, {hostname: x}, {ip: bad}, {ip: "2001:db8::10"}]}}\n',
      's.yaml',
    );
    t.same(r.errors, []);
    t.strictSame(withoutSrc(r.config!.services[0]), {
      namespace: 'demo',
      name: 'web',
      key: 'demo/web',
      type: 'LoadBalancer',
      labels: { app: 'web' },
      annotations: { x: 'y' },
      loadBalancerIP: '192.0.2.10',
      ipFamilyPolicy: 'RequireDualStack',
      ipFamilies: ['IPv4', 'IPv6'],
      externalTrafficPolicy: 'Local',
      ports: [
        { name: 'http', protocol: 'TCP', port: 80 },
        { protocol: 'UDP', port: 53 },
      ],
      selector: { app: 'web' },
      loadBalancerClass: 'metallb',
      statusIPs: ['192.0.2.10', '2001:db8::10'],
    });
    const bare = parseManifestText(
      'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: demo}\nspec: {loadBalancerIP: "", loadBalancerClass: ""}\n',
      's.yaml',
    );
    t.strictSame(withoutSrc(bare.config!.services[0]), {
      namespace: 'demo',
      name: 'web',
      key: 'demo/web',
      type: 'ClusterIP',
      labels: {},
      annotations: {},
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: [],
      externalTrafficPolicy: 'Cluster',
      ports: [],
      selector: {},
      statusIPs: [],
    });
  },
);

t.test('names: DNS-1123 subdomains for every kind but Node, looser node names, at most 253', async (t) => {
  const pool = (name: string) =>
    parseManifestText(
      `apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: "${name}"}\nspec: {addresses: [192.0.2.0/28]}\n`,
      'p.yaml',
    ).errors.map((e) => e.code);
  const node = (name: string) =>
    parseManifestText(`apiVersion: v1\nkind: Node\nmetadata: {name: "${name}"}\n`, 'n.yaml').errors.map(
      (e) => e.code,
    );
  for (const ok of ['a', 'a.b-c', '0', 'a-1.b2', `${'a'.repeat(63)}.${'b'.repeat(189)}`])
    t.same(pool(ok), [], ok.slice(0, 20));
  for (const bad of ['A', '-a', 'a-', 'a..b', 'a.-b', 'a_b', '.a', `${'a'.repeat(254)}`])
    t.same(pool(bad), ['INVALID_NAME'], bad.slice(0, 20));
  for (const ok of ['NodeA', 'node_a.b-c', '9', 'n'.repeat(253)]) t.same(node(ok), [], ok.slice(0, 20));
  for (const bad of ['node a', '-a', '.a', '_a', 'n'.repeat(254)])
    t.same(node(bad), ['INVALID_NAME'], bad.slice(0, 20));
  const msg = parseManifestText('apiVersion: v1\nkind: Node\nmetadata: {name: "a b"}\n', 'n.yaml').errors[0]!
    .message;
  t.equal(
    msg,
    '"a b" is not a valid Node name; expected a node name without whitespace, quotes or control characters (at most 253)',
  );
  t.equal(
    parseManifestText(
      'apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: A}\nspec: {addresses: [192.0.2.0/28]}\n',
      'p.yaml',
    ).errors[0]!.message,
    '"A" is not a valid IPAddressPool name; expected a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters',
  );
});
