// decode.ts: each kind decoded to exactly the model it should give (every field, every default), and the
// BGPPeer rules of MetalLB's internal/config/config.go (parseTimers, the password and multihop checks).
import t from 'tap';
import type * as M from '../model/types.ts';
import { parseManifestText, preciseLoad } from './load.ts';

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

const problems = (text: string) =>
  parseManifestText(text, 'f.yaml').errors.map((x) => [x.code, x.line, x.kind, x.name, x.field, x.message]);

t.test('documents that are not resources: each problem with its line, kind, name and field', async (t) => {
  t.same(problems('42\n'), [
    ['NOT_AN_OBJECT', 1, '', '', '', 'a document must be a Kubernetes resource (a mapping), got 42'],
  ]);
  t.same(problems('- a\n'), [
    ['NOT_AN_OBJECT', 1, '', '', '', 'a document must be a Kubernetes resource (a mapping), got a list'],
  ]);
  t.same(problems('kind: Node\nmetadata: {name: a}\n'), [
    ['MISSING_FIELD', 1, 'Node', 'a', 'apiVersion', 'required field "apiVersion" is missing'],
  ]);
  t.same(problems('apiVersion: v1\nkind: null\n'), [
    ['MISSING_FIELD', 2, '', '', 'kind', 'required field "kind" is missing'],
  ]);
  t.same(problems('apiVersion: 1\nkind: 2\nmetadata: {name: a}\n'), [
    ['WRONG_TYPE', 1, '', 'a', 'apiVersion', 'got 1, expected a string'],
    ['WRONG_TYPE', 2, '', 'a', 'kind', 'got 2, expected a string'],
  ]);
  t.same(problems('apiVersion: metallb.io/v1beta1\nkind: Foo\nmetadata: {name: a}\n'), [
    [
      'UNKNOWN_KIND',
      2,
      'Foo',
      'a',
      'kind',
      'metallb.io/v1beta1 Foo is not a supported resource; supported: metallb.io/v1beta1 IPAddressPool, BGPAdvertisement, L2Advertisement, Community, BFDProfile; metallb.io/v1beta2 BGPPeer; v1 Node, Service, List; discovery.k8s.io/v1 EndpointSlice',
    ],
  ]);
  t.same(
    problems('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n'),
    [],
    "other groups' kinds are skipped",
  );
});

t.test('namespaces: a valid label, the speaker namespace for MetalLB kinds; Nodes have none', async (t) => {
  t.same(problems('apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: Bad_NS}\nspec: {}\n'), [
    [
      'INVALID_NAME',
      3,
      'Service',
      'a',
      'metadata.namespace',
      '"Bad_NS" is not a valid namespace; expected a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters',
    ],
  ]);
  t.same(
    problems(`apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: ${'n'.repeat(63)}}\nspec: {}\n`),
    [],
  );
  t.same(
    problems(
      `apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: ${'n'.repeat(64)}}\nspec: {}\n`,
    ).map((p) => p[0]),
    ['INVALID_NAME'],
  );
  t.same(
    problems('apiVersion: metallb.io/v1beta1\nkind: BFDProfile\nmetadata: {name: a, namespace: other}\n'),
    [
      [
        'WRONG_NAMESPACE',
        3,
        'BFDProfile',
        'a',
        'metadata.namespace',
        'namespace "other" is not the speaker\'s namespace; MetalLB resources must be in "metallb-system" (or omit metadata.namespace)',
      ],
    ],
  );
  t.same(
    problems(
      'apiVersion: metallb.io/v1beta1\nkind: BFDProfile\nmetadata: {name: a}\n---\napiVersion: metallb.io/v1beta1\nkind: BFDProfile\nmetadata: {name: a, namespace: metallb-system}\n',
    ),
    [
      [
        'DUPLICATE_RESOURCE',
        7,
        'BFDProfile',
        'a',
        'metadata.name',
        'BFDProfile "a" is already defined at f.yaml:1; names must be unique',
      ],
    ],
    'no namespace is the speaker namespace',
  );
  t.same(
    problems(
      'apiVersion: v1\nkind: Node\nmetadata: {name: a, namespace: x}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: a}\n',
    ).map((p) => p[0]),
    ['DUPLICATE_RESOURCE'],
    'a Node namespace is ignored',
  );
  t.same(
    problems(
      'apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: x}\nspec: {}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: y}\nspec: {}\n',
    ),
    [],
    'the same name in two namespaces',
  );
});

t.test('a v1 List: items decoded as documents, their errors on their own lines and fields', async (t) => {
  t.same(problems('apiVersion: v1\nkind: List\nitems: 3\n'), [
    ['WRONG_TYPE', 3, 'List', '', 'items', 'got 3, expected a list of resources'],
  ]);
  const text =
    'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata: {name: a}\n- apiVersion: metallb.io/v1beta1\n  kind: IPAddressPool\n  metadata: {name: p}\n  spec:\n    addresses:\n    - nope\n- 7\n';
  t.same(
    problems(text),
    [
      ['NOT_AN_OBJECT', 13, '', '', '', 'a document must be a Kubernetes resource (a mapping), got 7'],
      [
        'INVALID_CIDR',
        12,
        'IPAddressPool',
        'p',
        'spec.addresses[0]',
        '"nope" is not a valid CIDR (missing "/prefix-length"); expected e.g. 203.0.113.200/30 or a range 4.4.4.100-4.4.4.200',
      ],
    ].sort((a, b) => (a[1] as number) - (b[1] as number)),
  );
  // the precise path (the fast one knows document lines only, so a List's items all read line 1 there)
  const ok = preciseLoad(
    [{ file: 'f.yaml', text: text.replace('    - nope\n- 7\n', '    - 192.0.2.0/28\n') }],
    { namespace: 'metallb-system' },
    [],
  );
  t.same(ok.errors, []);
  t.same([ok.config!.nodes[0]!.src.line, ok.config!.pools[0]!.src.line], [4, 7], 'each item at its own line');
});

t.test(
  'EndpointSlice: the Service it serves; an endpoint can serve when ready (or unset) or serving',
  async (t) => {
    t.same(
      problems(
        'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s, namespace: app}\naddressType: IPv4\nendpoints: []\n',
      ),
      [
        [
          'MISSING_FIELD',
          3,
          'EndpointSlice',
          's',
          'metadata.labels["kubernetes.io/service-name"]',
          'an EndpointSlice needs the label kubernetes.io/service-name naming its Service',
        ],
      ],
    );
    const r = parseManifestText(
      'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s, namespace: app, labels: {kubernetes.io/service-name: web}}\naddressType: IPv4\nendpoints:\n- {addresses: [10.0.0.1], nodeName: n1}\n- {addresses: [10.0.0.2], conditions: {ready: false}}\n- {addresses: [10.0.0.3], conditions: {ready: false, serving: true}}\n- {addresses: [], conditions: {ready: true}}\n- {addresses: [10.0.0.5], conditions: {ready: null, serving: false}}\n',
      'e.yaml',
    );
    t.same(r.errors, []);
    t.strictSame(withoutSrc(r.config!.endpointSlices[0]), {
      namespace: 'app',
      name: 's',
      serviceKey: 'app/web',
      endpoints: [
        { addresses: ['10.0.0.1'], nodeName: 'n1', ready: true },
        { addresses: ['10.0.0.2'], ready: false },
        { addresses: ['10.0.0.3'], ready: true },
        { addresses: [], ready: false },
        { addresses: ['10.0.0.5'], ready: true },
      ],
    });
  },
);

t.test('label selectors: values as each operator requires; the L2Advertisement as written', async (t) => {
  t.same(
    problems(
      'apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: {name: a}\nspec:\n  nodeSelectors:\n  - matchExpressions:\n    - {key: k, operator: In}\n    - {key: k, operator: Exists, values: [a, b]}\n    - {key: k, operator: NotIn, values: []}\n    - {key: k, operator: DoesNotExist, values: [a]}\n',
    ),
    [
      [
        'INVALID_SELECTOR',
        7,
        'L2Advertisement',
        'a',
        'spec.nodeSelectors[0].matchExpressions[0].values',
        'operator In needs at least one value',
      ],
      [
        'INVALID_SELECTOR',
        8,
        'L2Advertisement',
        'a',
        'spec.nodeSelectors[0].matchExpressions[1].values',
        'operator Exists takes no values, got 2',
      ],
      [
        'INVALID_SELECTOR',
        9,
        'L2Advertisement',
        'a',
        'spec.nodeSelectors[0].matchExpressions[2].values',
        'operator NotIn needs at least one value',
      ],
      [
        'INVALID_SELECTOR',
        10,
        'L2Advertisement',
        'a',
        'spec.nodeSelectors[0].matchExpressions[3].values',
        'operator DoesNotExist takes no values, got 1',
      ],
    ],
  );
  const r = parseManifestText(
    'apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: {name: a}\nspec:\n  nodeSelectors:\n  - matchLabels: {a: b}\n    matchExpressions:\n    - {key: k, operator: NotIn, values: [x]}\n    - {key: j, operator: DoesNotExist}\n  interfaces: [eth0]\n  ipAddressPools: [p]\n---\napiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: p}\nspec: {addresses: [192.0.2.0/28]}\n',
    'l.yaml',
  );
  t.same(r.errors, []);
  t.strictSame(withoutSrc(r.config!.l2Advertisements[0]), {
    serviceSelectors: [],
    name: 'a',
    ipAddressPools: ['p'],
    ipAddressPoolSelectors: [],
    nodeSelectors: [
      {
        matchLabels: { a: 'b' },
        matchExpressions: [
          { key: 'k', operator: 'NotIn', values: ['x'] },
          { key: 'j', operator: 'DoesNotExist', values: [] },
        ],
      },
    ],
    interfaces: ['eth0'],
  });
});
