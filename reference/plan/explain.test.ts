import t from 'tap';
import { allocate } from '../allocate/allocate.ts';
import { parseManifestText } from '../config/load.ts';
import {
  AnnouncedIndex,
  announcedKey,
  explainService,
  serviceStatuses,
  type Explanation,
} from './explain.ts';

const node = (name: string, labels: Record<string, string> = {}) => `
apiVersion: v1
kind: Node
metadata: { name: ${name}, labels: { kubernetes.io/hostname: ${name}${Object.entries(labels)
  .map(([k, v]) => `, ${k}: ${v}`)
  .join('')} } }
`;
const pool = (name: string, cidr: string, labels = '{}') => `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: ${name}, namespace: metallb-system, labels: ${labels} }
spec: { addresses: [${cidr}] }
`;
const peer = (name: string, address: string, nodeSelectors = '[]') => `
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: ${name}, namespace: metallb-system }
spec: { myASN: 64500, peerASN: 64500, peerAddress: ${address}, nodeSelectors: ${nodeSelectors} }
`;
const bgpAdv = (name: string, spec: string) => `
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: { name: ${name}, namespace: metallb-system }
spec: ${spec}
`;
const l2Adv = (name: string, spec: string) => `
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: ${name}, namespace: metallb-system }
spec: ${spec}
`;
const service = (name: string, ip: string, readyOn: string[], etp = 'Cluster', type = 'LoadBalancer') => `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: default, annotations: { metallb.io/loadBalancerIPs: "${ip}" } }
spec: { type: ${type}, externalTrafficPolicy: ${etp}, ports: [{ port: 80 }] }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: ${name}-1, namespace: default, labels: { kubernetes.io/service-name: ${name} } }
addressType: IPv4
endpoints: [${readyOn.map((n, i) => `{ addresses: [10.0.0.${i + 1}], nodeName: ${n}, conditions: { ready: true } }`).join(', ')}]
`;

function explain(docs: string[], key: string, opts = {}): Explanation {
  const { config, errors } = parseManifestText(docs.join('---\n'), 'case.yaml');
  if (!config) throw new Error(JSON.stringify(errors));
  const { allocations, errors: serviceErrors } = allocate(config);
  return explainService({ config, allocations, serviceErrors }, key, opts);
}

const base = [
  node('NodeA', { zone: 'east' }),
  node('NodeB'),
  pool('p', '203.0.113.0/28'),
  peer('tor', '192.0.2.1'),
];
const codes = (e: Explanation) => [
  ...e.bgp.map(
    (r) => `${r.node}/${r.peer}: ${r.announced ? `announced ${r.prefixes.join(',')}` : r.reason!.code}`,
  ),
  ...e.l2.map((r) => `${r.node}/L2: ${r.announced ? 'announced' : r.reason!.code}`),
];

t.test('a table of cases: each row announced or the first reason, with the resource and field', async (t) => {
  const cases: { name: string; docs: string[]; key?: string; opts?: object; want: string[] | string }[] = [
    {
      name: 'announced from every node',
      docs: [...base, bgpAdv('a', '{}'), service('web', '203.0.113.1', ['NodeA'])],
      want: ['NodeA/tor: announced 203.0.113.1/32', 'NodeB/tor: announced 203.0.113.1/32'],
    },
    {
      name: 'a node labelled exclude-from-external-load-balancers: excluded (BGP)',
      docs: [
        node('NodeA', { zone: 'east' }),
        node('NodeB', { 'node.kubernetes.io/exclude-from-external-load-balancers': '""' }),
        pool('p', '203.0.113.0/28'),
        peer('tor', '192.0.2.1'),
        bgpAdv('a', '{}'),
        service('web', '203.0.113.1', ['NodeA']),
      ],
      want: ['NodeA/tor: announced 203.0.113.1/32', 'NodeB/tor: NODE_EXCLUDED'],
    },
    {
      name: 'a node labelled exclude-from-external-load-balancers is no L2 candidate',
      docs: [
        node('NodeA', { 'node.kubernetes.io/exclude-from-external-load-balancers': '""' }),
        pool('p', '203.0.113.0/28'),
        l2Adv('l', '{}'),
        service('web', '203.0.113.1', ['NodeA']),
      ],
      want: ['NodeA/L2: NODE_EXCLUDED'],
    },
    {
      name: 'an IPv6 BGPPeer never carries an IPv4-only Service (families per peer)',
      docs: [
        ...base,
        peer('tor-v6', '2001:db8::1'),
        bgpAdv('a', '{}'),
        service('web', '203.0.113.1', ['NodeA']),
      ],
      want: [
        'NodeA/tor: announced 203.0.113.1/32',
        'NodeA/tor-v6: PEER_WRONG_FAMILY',
        'NodeB/tor: announced 203.0.113.1/32',
        'NodeB/tor-v6: PEER_WRONG_FAMILY',
      ],
    },
    {
      name: 'a Service of another loadBalancerClass is not ours',
      docs: [
        ...base,
        bgpAdv('a', '{}'),
        service('web', '203.0.113.1', ['NodeA']).replace(
          'spec: { type: LoadBalancer,',
          'spec: { loadBalancerClass: example.com/other, type: LoadBalancer,',
        ),
      ],
      want: 'OTHER_LOAD_BALANCER_CLASS',
    },
    {
      name: 'no such Service',
      docs: [...base, bgpAdv('a', '{}')],
      key: 'default/none',
      want: 'SERVICE_NOT_FOUND',
    },
    {
      name: 'not a LoadBalancer',
      docs: [...base, bgpAdv('a', '{}'), service('web', '203.0.113.1', ['NodeA'], 'Cluster', 'ClusterIP')],
      want: 'NOT_LOAD_BALANCER',
    },
    {
      name: 'an IP outside every pool: no IP allocated',
      docs: [...base, bgpAdv('a', '{}'), service('web', '198.51.100.7', ['NodeA'])],
      want: 'NO_IP_ALLOCATED',
    },
    {
      name: 'no advertisement selects the pool',
      docs: [
        ...base,
        bgpAdv('a', '{ ipAddressPools: [other] }'),
        pool('other', '203.0.113.64/28'),
        service('web', '203.0.113.1', ['NodeA']),
      ],
      want: 'NO_ADVERTISEMENT',
    },
    {
      name: 'the advertisement selects another node',
      docs: [
        ...base,
        bgpAdv('a', '{ nodeSelectors: [{ matchLabels: { zone: east } }] }'),
        service('web', '203.0.113.1', ['NodeA']),
      ],
      want: ['NodeA/tor: announced 203.0.113.1/32', 'NodeB/tor: NODE_NOT_SELECTED'],
    },
    {
      name: 'the peer has no session on the node, and an advertisement for another peer',
      docs: [
        ...base,
        peer('core', '192.0.2.2', '[{ matchLabels: { zone: east } }]'),
        bgpAdv('a', '{ peers: [core] }'),
        service('web', '203.0.113.1', ['NodeA']),
      ],
      want: [
        'NodeA/core: announced 203.0.113.1/32',
        'NodeA/tor: PEER_NOT_SELECTED',
        'NodeB/core: PEER_NOT_ON_NODE',
        'NodeB/tor: PEER_NOT_SELECTED',
      ],
    },
    {
      name: 'no ready endpoint at all',
      docs: [...base, bgpAdv('a', '{}'), service('web', '203.0.113.1', [])],
      want: ['NodeA/tor: NO_READY_ENDPOINT', 'NodeB/tor: NO_READY_ENDPOINT'],
    },
    {
      name: 'Local: only the node with the endpoint',
      docs: [...base, bgpAdv('a', '{}'), service('web', '203.0.113.1', ['NodeB'], 'Local')],
      want: ['NodeA/tor: NO_LOCAL_ENDPOINT', 'NodeB/tor: announced 203.0.113.1/32'],
    },
    {
      name: 'L2: the elected node announces, the other says who is',
      docs: [
        node('NodeA'),
        node('NodeB'),
        pool('p', '203.0.113.0/28'),
        l2Adv('l', '{}'),
        service('web', '203.0.113.1', ['NodeA']),
      ],
      want: ['NodeA/L2: announced', 'NodeB/L2: L2_NOT_ELECTED'],
    },
    {
      name: 'L2: a dead node is not a candidate',
      docs: [
        node('NodeA'),
        node('NodeB'),
        pool('p', '203.0.113.0/28'),
        l2Adv('l', '{}'),
        service('web', '203.0.113.1', ['NodeA']),
      ],
      opts: { alive: ['NodeB'] },
      want: ['NodeA/L2: NODE_NOT_ALIVE', 'NodeB/L2: announced'],
    },
    {
      name: 'L2: nodeSelectors leave a node out; --node filters',
      docs: [
        node('NodeA', { zone: 'east' }),
        node('NodeB'),
        pool('p', '203.0.113.0/28'),
        l2Adv('l', '{ nodeSelectors: [{ matchLabels: { zone: east } }] }'),
        service('web', '203.0.113.1', ['NodeA']),
      ],
      opts: { node: 'NodeB' },
      want: ['NodeB/L2: NODE_NOT_SELECTED'],
    },
  ];
  for (const c of cases) {
    const e = explain(c.docs, c.key ?? 'default/web', c.opts);
    if (typeof c.want === 'string') t.equal(e.reason?.code, c.want, c.name);
    else t.same(codes(e), c.want, c.name);
    for (const r of [e.reason, ...e.bgp.map((x) => x.reason), ...e.l2.map((x) => x.reason)])
      if (r) t.same(reasonProblems(r), [], `${c.name}: ${r.code} says what decides`);
  }
});

/**
 * What a reason lacks: a message, the deciding resource (Kind/name) and field. Only a missing Service
 * has no resource to point at, and an elected other node or an unexplained row no field.
 */
function reasonProblems(r: NonNullable<Explanation['reason']>): string[] {
  const out: string[] = [];
  if (!/^[A-Z0-9_]+$/.test(r.code)) out.push(`code ${r.code}`);
  if (r.message.length < 10) out.push(`message "${r.message}"`);
  if (r.code === 'SERVICE_NOT_FOUND') return out;
  if (!/^[A-Za-z0-9]+\/\S/.test(r.resource ?? '')) out.push(`resource "${r.resource}"`);
  const fieldless = [
    'L2_NOT_ELECTED',
    'NODE_NOT_ALIVE',
    'UNEXPLAINED',
    'NO_ADVERTISEMENT',
    'NO_READY_ENDPOINT',
    'NO_IP_ALLOCATED',
  ];
  if (!fieldless.includes(r.code) && !/^(spec|metadata|status)\./.test(r.field ?? ''))
    out.push(`field "${r.field}"`);
  return out;
}

t.test('reasons name the deciding resource and field', async (t) => {
  const e = explain(
    [
      ...base,
      bgpAdv('a', '{ nodeSelectors: [{ matchLabels: { zone: east } }] }'),
      service('web', '203.0.113.1', ['NodeA']),
    ],
    'default/web',
    { node: 'NodeB', peer: 'tor' },
  );
  t.same(
    e.bgp.map((r) => ({ resource: r.reason?.resource, field: r.reason?.field })),
    [{ resource: 'BGPAdvertisement/a', field: 'spec.nodeSelectors' }],
  );
  t.same(e.ips, ['203.0.113.1']);
  t.equal(e.pool, 'p');
});

t.test(
  'status: ServiceBGPStatus per announcing node with its peers, ServiceL2Status for the elected node',
  async (t) => {
    const docs = [
      ...base,
      bgpAdv('a', '{ nodeSelectors: [{ matchLabels: { zone: east } }] }'),
      l2Adv('l', '{}'),
      service('web', '203.0.113.1', ['NodeA']),
    ];
    const { config } = parseManifestText(docs.join('---\n'), 'case.yaml');
    const { allocations, errors: serviceErrors } = allocate(config!);
    t.same(serviceStatuses({ config: config!, allocations, serviceErrors }), {
      bgp: [{ node: 'NodeA', serviceName: 'web', serviceNamespace: 'default', peers: ['tor'] }],
      l2: [{ node: 'NodeA', serviceName: 'web', serviceNamespace: 'default', interfaces: [] }],
    });
  },
);

t.test('AnnouncedIndex over prefix sets kept elsewhere answers as the one built from the plan', async (t) => {
  const docs = [
    ...base,
    pool('v6', '"2001:db8:5::/120"'),
    peer('tor6', '"2001:db8::1"'),
    bgpAdv('a', '{ aggregationLength: 30 }'),
    service('web', '203.0.113.1', ['NodeA']),
    service('web6', '2001:db8:5::1', ['NodeA']),
  ];
  const { config } = parseManifestText(docs.join('---\n'), 'case.yaml');
  const { allocations } = allocate(config!);
  const { computePlan } = await import('./plan.ts');
  const { AnnouncedIndex, announcedKey } = await import('./explain.ts');
  const plan = computePlan(config!, allocations);
  const sets = new Map<string, Set<string>>();
  for (const r of plan.bgp) {
    const k = announcedKey(r.node, r.peer);
    sets.set(k, (sets.get(k) ?? new Set()).add(r.prefix));
  }
  const fromPlan = new AnnouncedIndex(plan, config!);
  const over = new AnnouncedIndex(sets, config!);
  for (const n of ['NodeA', 'NodeB'])
    for (const p of ['tor', 'tor6'])
      for (const ips of [
        ['203.0.113.1'],
        ['2001:db8:5::1'],
        ['203.0.113.1', '2001:db8:5::1'],
        ['203.0.113.9'],
      ])
        t.same(over.prefixesFor(n, p, ips), fromPlan.prefixesFor(n, p, ips), `${n} ${p} ${ips.join(',')}`);
  t.same(
    fromPlan.prefixesFor('NodeA', 'tor', ['203.0.113.1']),
    ['203.0.113.0/30'],
    'the aggregate carries it',
  );
  t.same(
    fromPlan.prefixesFor('NodeA', 'tor6', ['2001:db8:5::1']),
    ['2001:db8:5::1/128'],
    'the IPv6 peer, its /128',
  );
  t.equal(
    fromPlan.prefixesFor('NodeA', 'tor', ['2001:db8:5::1']),
    undefined,
    'an IPv4 peer: nothing for an IPv6 IP',
  );
  t.equal(fromPlan.prefixesFor('NodeA', 'nobody', ['203.0.113.1']), undefined, 'no session, nothing');
});

t.test(
  'reason details: the classes compared, a NetworkUnavailable node, a pool that gave nothing',
  async (t) => {
    const other = explain(
      [
        ...base,
        bgpAdv('a', '{}'),
        service('web', '203.0.113.1', ['NodeA']).replace(
          'spec: { type: LoadBalancer,',
          'spec: { loadBalancerClass: example.com/other, type: LoadBalancer,',
        ),
      ],
      'default/web',
    );
    t.equal(
      other.reason?.message,
      "spec.loadBalancerClass is example.com/other, the speaker's is unset: not ours",
    );
    const unavailable = explain(
      [
        node('NodeA'),
        `apiVersion: v1
kind: Node
metadata: { name: NodeB }
status: { conditions: [{ type: NetworkUnavailable, status: "True" }] }
`,
        pool('p', '203.0.113.0/28'),
        peer('tor', '192.0.2.1'),
        bgpAdv('a', '{}'),
        service('web', '203.0.113.1', ['NodeA']),
      ],
      'default/web',
      { node: 'NodeB' },
    );
    t.same(
      unavailable.bgp.map((r) => r.reason),
      [
        {
          code: 'NODE_EXCLUDED',
          message: 'NodeB has the condition NetworkUnavailable: it neither announces nor is an L2 candidate',
          resource: 'Node/NodeB',
          field: 'status.conditions',
        },
      ],
    );
    const none = explain(
      [...base, bgpAdv('a', '{}'), service('web', '198.51.100.7', ['NodeA'])],
      'default/web',
    );
    t.equal(none.reason?.code, 'NO_IP_ALLOCATED');
    t.match(none.reason?.message, /198\.51\.100\.7.*\[[A-Z_]+\]$/, "the allocator's message and code");
  },
);

t.test('statuses: Services in key order, one node or all, L2 interfaces as objects', async (t) => {
  const docs = [
    ...base,
    bgpAdv('a', '{}'),
    l2Adv('l', '{ interfaces: [eth1, eth0] }'),
    service('zeta', '203.0.113.3', ['NodeA', 'NodeB']),
    service('alpha', '203.0.113.2', ['NodeA', 'NodeB']),
  ];
  const { config } = parseManifestText(docs.join('---\n'), 'case.yaml');
  const { allocations, errors: serviceErrors } = allocate(config!);
  const all = serviceStatuses({ config: config!, allocations: [...allocations].reverse(), serviceErrors });
  t.same(
    all.bgp.map((s) => `${s.serviceName}@${s.node}:${s.peers.join(',')}`),
    ['alpha@NodeA:tor', 'alpha@NodeB:tor', 'zeta@NodeA:tor', 'zeta@NodeB:tor'],
    'by Service, then node',
  );
  t.same(
    all.l2.map((s) => s.serviceName),
    ['alpha', 'zeta'],
  );
  t.same(all.l2[0]!.interfaces, [{ name: 'eth0' }, { name: 'eth1' }], 'interfaces sorted, as objects');
  const owner = all.l2[0]!.node;
  const other = owner === 'NodeA' ? 'NodeB' : 'NodeA';
  const one = serviceStatuses({ config: config!, allocations, serviceErrors }, { node: other });
  t.ok(
    one.bgp.every((s) => s.node === other),
    'only the asked node',
  );
  t.equal(one.bgp.length, 2);
  t.notOk(
    one.l2.some((s) => s.serviceName === 'alpha'),
    "the node that did not win alpha's election has no L2 status for it",
  );
  const alone = serviceStatuses({ config: config!, allocations, serviceErrors }, { alive: [other] });
  t.same(
    alone.l2.map((s) => s.node),
    [other, other],
    'alive: the only live node owns every L2 IP',
  );
});

// ---- Cases Stryker showed no test could tell apart (`npm run mutation:unit -- plan`, explain.ts) ----

const loaded = (docs: string[], opts = {}) => {
  const { config, errors } = parseManifestText(docs.join('---\n'), 'case.yaml', {
    namespace: 'metallb-system',
    ...opts,
  });
  if (!config) throw new Error(JSON.stringify(errors));
  return { config, ...((r) => ({ allocations: r.allocations, serviceErrors: r.errors }))(allocate(config)) };
};

t.test('explain: the asked Service, its own allocation and its own error', async (t) => {
  t.same(explain(base, 'default/none'), {
    service: 'default/none',
    ips: [],
    bgp: [],
    l2: [],
    reason: { code: 'SERVICE_NOT_FOUND', message: 'no Service default/none in the manifests' },
  });
  const two = [
    ...base,
    bgpAdv('a', '{}'),
    service('a', '203.0.113.1', ['NodeA'], 'Cluster', 'ClusterIP'),
    service('b', '203.0.113.2', ['NodeA']),
  ];
  t.same(explain(two, 'default/b').ips, ['203.0.113.2'], 'not the first Service of the manifests');
  const both = [
    ...base,
    bgpAdv('a', '{}'),
    service('a', '203.0.113.1', ['NodeA']),
    service('b', '203.0.113.2', ['NodeA']),
  ];
  t.same(explain(both, 'default/b').ips, ['203.0.113.2'], 'not the first allocation');
  const failing = [
    ...base,
    bgpAdv('a', '{}'),
    service('a', '198.51.100.1', ['NodeA']),
    service('b', '198.51.100.2', ['NodeA']),
  ];
  const b = explain(failing, 'default/b');
  t.equal(b.reason!.code, 'NO_IP_ALLOCATED');
  t.match(b.reason!.message, /198\.51\.100\.2/, "its own error, not the first Service's");
  t.notMatch(b.reason!.message, /198\.51\.100\.1/);
  const { config } = loaded([...base, service('a', '203.0.113.1', ['NodeA'])]);
  t.same(explainService({ config, allocations: [], serviceErrors: [] }, 'default/a').reason, {
    code: 'NO_IP_ALLOCATED',
    message: 'no IPAddressPool gave it an address',
    resource: 'Service/default/a',
  });
});

t.test("explain: a Service without a class, the speaker's class set", async (t) => {
  const { config, allocations, serviceErrors } = loaded(
    [...base, bgpAdv('a', '{}'), service('a', '203.0.113.1', ['NodeA'])],
    {
      loadBalancerClass: 'ours',
    },
  );
  t.same(explainService({ config, allocations, serviceErrors }, 'default/a').reason, {
    code: 'OTHER_LOAD_BALANCER_CLASS',
    message: "spec.loadBalancerClass is unset, the speaker's is ours: not ours",
    resource: 'Service/default/a',
    field: 'spec.loadBalancerClass',
  });
});

t.test('explain: one peer when asked; no BGP rows for an L2-only pool; exact rows', async (t) => {
  const docs = [
    ...base,
    peer('edge', '192.0.2.2'),
    bgpAdv('a', '{ nodeSelectors: [{ matchLabels: { zone: east } }] }'),
    service('web', '203.0.113.1', ['NodeA']),
  ];
  const e = explain(docs, 'default/web', { peer: 'tor' });
  t.same(
    e.bgp.map((r) => `${r.node}/${r.peer}`),
    ['NodeA/tor', 'NodeB/tor'],
  );
  t.same(e.bgp[1], {
    node: 'NodeB',
    peer: 'tor',
    announced: false,
    prefixes: [],
    reason: {
      code: 'NODE_NOT_SELECTED',
      message: 'no BGPAdvertisement for the pool and tor selects NodeB',
      resource: 'BGPAdvertisement/a',
      field: 'spec.nodeSelectors',
    },
  });
  const l2only = explain(
    [...base, l2Adv('l', '{}'), service('web', '203.0.113.1', ['NodeA'])],
    'default/web',
  );
  t.same(l2only.bgp, [], 'a peer exists, but no BGPAdvertisement selects the pool');
  t.equal(l2only.l2.length, 2);
});

t.test('explain: reasons that name several advertisements list them all', async (t) => {
  const twoL2 = explain(
    [
      ...base,
      l2Adv('l2', "{ nodeSelectors: [{ matchLabels: { zone: 'west' } }] }"),
      l2Adv('l1', "{ nodeSelectors: [{ matchLabels: { zone: 'west' } }] }"),
      service('web', '203.0.113.1', ['NodeA']),
    ],
    'default/web',
  );
  t.same(twoL2.l2[0]!.reason, {
    code: 'NODE_NOT_SELECTED',
    message: 'no L2Advertisement for the pool selects NodeA',
    resource: 'L2Advertisement/l1, L2Advertisement/l2',
    field: 'spec.nodeSelectors',
  });
  const notToPeer = explain(
    [
      ...base,
      peer('edge', '192.0.2.2'),
      bgpAdv('b', '{ peers: [edge] }'),
      bgpAdv('a', '{ peers: [edge] }'),
      service('web', '203.0.113.1', ['NodeA']),
    ],
    'default/web',
    { peer: 'tor' },
  );
  t.same(notToPeer.bgp[0]!.reason!.resource, 'BGPAdvertisement/a, BGPAdvertisement/b');
  const notNode = explain(
    [
      ...base,
      bgpAdv('a', "{ nodeSelectors: [{ matchLabels: { zone: 'west' } }] }"),
      bgpAdv('b', "{ nodeSelectors: [{ matchLabels: { zone: 'north' } }] }"),
      service('web', '203.0.113.1', ['NodeA']),
    ],
    'default/web',
  );
  t.same(notNode.bgp[0]!.reason!.resource, 'BGPAdvertisement/a, BGPAdvertisement/b');
});

t.test('explain: one advertisement selecting the node is enough; the next reason is given', async (t) => {
  const e = explain(
    [
      ...base,
      bgpAdv('a', "{ nodeSelectors: [{ matchLabels: { zone: 'east' } }] }"),
      bgpAdv('b', "{ nodeSelectors: [{ matchLabels: { zone: 'west' } }] }"),
      service('web', '203.0.113.1', []),
    ],
    'default/web',
  );
  t.same(e.bgp[0]!.reason!.code, 'NO_READY_ENDPOINT', 'NodeA is selected by a, not by b');
});

t.test('explain: a family the peer carries, for an address not announced for another reason', async (t) => {
  const e = explain(
    [
      ...base,
      bgpAdv('a', "{ nodeSelectors: [{ matchLabels: { zone: 'west' } }] }"),
      service('web', '203.0.113.1', ['NodeA']),
    ],
    'default/web',
  );
  t.same(e.bgp[0]!.reason!.code, 'NODE_NOT_SELECTED', 'an IPv4 address to an IPv4 peer is no family problem');
});

t.test('explain: each Service its own L2 owner', async (t) => {
  const docs = [...base, l2Adv('l', '{}')];
  const ips = ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4', '203.0.113.5', '203.0.113.6'];
  const all = [...docs, ...ips.map((ip, i) => service(`s${i}`, ip, ['NodeA', 'NodeB']))];
  const owners = ips.map((_, i) => explain(all, `default/s${i}`).l2.find((r) => r.announced)!.node);
  const { config, allocations, serviceErrors } = loaded(all);
  const statuses = serviceStatuses({ config, allocations, serviceErrors });
  t.same(
    owners,
    ips.map((_, i) => statuses.l2.find((s) => s.serviceName === `s${i}`)!.node),
  );
  t.ok(new Set(owners).size > 1, 'the owners differ, so a wrong lookup shows');
});

t.test(
  'AnnouncedIndex: families a peer carries, every IP it carries, unknown peers carry both',
  async (t) => {
    const { config } = loaded([...base, peer('dual', '192.0.2.3'), bgpAdv('a', '{}')]);
    config.peers.find((p) => p.name === 'dual')!.dualStackAddressFamily = true;
    const rows = new Map([
      [announcedKey('NodeA', 'tor'), new Set(['203.0.113.1/32'])],
      [announcedKey('NodeA', 'dual'), new Set(['203.0.113.1/32'])],
      [announcedKey('NodeA', 'ghost'), new Set(['203.0.113.1/32', '2001:db8::1/128'])],
    ]);
    const index = new AnnouncedIndex(rows, config);
    const ips = ['203.0.113.1', '2001:db8::1'];
    t.same(
      index.prefixesFor('NodeA', 'tor', ips),
      ['203.0.113.1/32'],
      'IPv4 peer: the IPv6 address is not asked',
    );
    t.equal(
      index.prefixesFor('NodeA', 'dual', ips),
      undefined,
      'dual-stack peer without the IPv6 route: not announced',
    );
    t.same(index.prefixesFor('NodeA', 'ghost', ips), ['203.0.113.1/32', '2001:db8::1/128']);
    t.equal(
      new AnnouncedIndex(
        new Map([[announcedKey('NodeA', 'ghost'), new Set(['203.0.113.1/32'])]]),
        config,
      ).prefixesFor('NodeA', 'ghost', ips),
      undefined,
      'a peer outside the config is asked for both families',
    );
  },
);

t.test('statuses: nodes and peers in name order, L2 statuses without a node filter', async (t) => {
  const docs = [
    node('NodeZ'),
    node('NodeB'),
    node('NodeA'),
    pool('p', '203.0.113.0/28'),
    peer('zeta', '192.0.2.9'),
    peer('alpha', '192.0.2.1'),
    bgpAdv('a', '{}'),
    l2Adv('l', '{}'),
    service('c', '203.0.113.3', ['NodeA']),
    service('a', '203.0.113.1', ['NodeA']),
    service('b', '203.0.113.2', ['NodeA']),
  ];
  const { config, allocations, serviceErrors } = loaded(docs);
  // rotated, not reversed: a comparator that always says "less" reverses its input
  const s = serviceStatuses({
    config,
    allocations: [...allocations.slice(1), allocations[0]!],
    serviceErrors,
  });
  t.same(
    s.bgp.filter((x) => x.serviceName === 'a').map((x) => `${x.node}:${x.peers.join(',')}`),
    ['NodeA:alpha,zeta', 'NodeB:alpha,zeta', 'NodeZ:alpha,zeta'],
  );
  t.same(
    s.bgp.map((x) => x.serviceName).filter((n, i, all) => all.indexOf(n) === i),
    ['a', 'b', 'c'],
  );
  t.same(
    s.l2.map((x) => x.serviceName),
    ['a', 'b', 'c'],
    'every L2 status when no node is asked',
  );
});

t.test('explain: a dual-stack Service not announced to an IPv4 peer for another reason', async (t) => {
  const dual = `
apiVersion: v1
kind: Service
metadata: { name: web, namespace: default, annotations: { metallb.io/loadBalancerIPs: "203.0.113.1,2001:db8::1" } }
spec: { type: LoadBalancer, ipFamilyPolicy: RequireDualStack, ipFamilies: [IPv4, IPv6], ports: [{ port: 80 }] }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: web-1, namespace: default, labels: { kubernetes.io/service-name: web } }
addressType: IPv4
endpoints: [{ addresses: [10.0.0.1], nodeName: NodeA, conditions: { ready: true } }]
`;
  const e = explain(
    [
      node('NodeA', { zone: 'east' }),
      pool('p', '203.0.113.0/28, "2001:db8::/124"'),
      peer('tor', '192.0.2.1'),
      bgpAdv('a', "{ nodeSelectors: [{ matchLabels: { zone: 'west' } }] }"),
      dual,
    ],
    'default/web',
  );
  t.same(e.bgp[0]!.reason!.code, 'NODE_NOT_SELECTED', 'the peer carries the IPv4 address: no family problem');
});

t.test(
  "statuses for the owner's node hold its L2 status; an IPv6 address to an IPv6 peer is no family problem",
  async (t) => {
    const docs = [...base, l2Adv('l', '{}'), service('web', '203.0.113.1', ['NodeA', 'NodeB'])];
    const { config, allocations, serviceErrors } = loaded(docs);
    const owner = serviceStatuses({ config, allocations, serviceErrors }).l2[0]!.node;
    t.same(
      serviceStatuses({ config, allocations, serviceErrors }, { node: owner }).l2.map((s) => s.node),
      [owner],
    );
    const v6 = explain(
      [
        node('NodeA', { zone: 'east' }),
        pool('p', '"2001:db8::/124"'),
        peer('tor6', '"2001:db8:ff::1"'),
        bgpAdv('a', "{ nodeSelectors: [{ matchLabels: { zone: 'west' } }] }"),
        service('web', '2001:db8::1', ['NodeA']),
      ],
      'default/web',
    );
    t.same(v6.bgp[0]!.reason!.code, 'NODE_NOT_SELECTED');
  },
);
