import t from 'tap';
import fc from 'fast-check';
import { parseManifestText } from '../config/load.ts';
import type { ClusterConfig } from '../model/types.ts';
import { allocate, Allocator, backendKeyOf, compareIPText, compareServiceKeys } from './allocate.ts';

const pool = (name: string, addrs: string[], extra = ''): string =>
  `apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: ${name}\nspec:\n  addresses: [${addrs.join(', ')}]\n${extra}---\n`;

const svc = (
  name: string,
  opts: { ann?: Record<string, string>; spec?: string; ports?: number[] } = {},
): string =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: demo\n` +
  (opts.ann
    ? `  annotations:\n${Object.entries(opts.ann)
        .map(([k, v]) => `    ${k}: "${v}"\n`)
        .join('')}`
    : '') +
  `spec:\n  type: LoadBalancer\n  ports: [${(opts.ports ?? [80]).map((p) => `{port: ${p}}`).join(', ')}]\n${opts.spec ?? ''}---\n`;

function cfg(text: string): ClusterConfig {
  const r = parseManifestText(text, 'a.yaml');
  if (!r.config) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

t.test('lowest free address of the first auto-assign pool (pools by name)', async (t) => {
  const c = cfg(
    pool('b-pool', ['198.51.100.0/30']) +
      pool('a-pool', ['203.0.113.0/31']) +
      svc('s1') +
      svc('s2') +
      svc('s3'),
  );
  const { allocations, errors } = allocate(c);
  t.same(errors, []);
  t.same(allocations, [
    { service: 'demo/s1', ips: ['203.0.113.0'], pool: 'a-pool' },
    { service: 'demo/s2', ips: ['203.0.113.1'], pool: 'a-pool' },
    { service: 'demo/s3', ips: ['198.51.100.0'], pool: 'b-pool' },
  ]);
});

t.test('autoAssign false pools give addresses only on request; requests are served first', async (t) => {
  const c = cfg(
    pool('manual', ['203.0.113.200/30'], '  autoAssign: false\n') +
      pool('auto', ['198.51.100.0/31']) +
      svc('a-auto') +
      svc('z-req', { ann: { 'metallb.io/loadBalancerIPs': '198.51.100.0' } }) +
      svc('by-pool', { ann: { 'metallb.io/address-pool': 'manual' } }) +
      svc('old-ann', { ann: { 'metallb.universe.tf/loadBalancerIPs': '203.0.113.203' } }) +
      svc('spec-ip', { spec: '  loadBalancerIP: 203.0.113.202\n' }),
  );
  const { allocations, errors } = allocate(c);
  t.same(errors, []);
  t.same(allocations, [
    { service: 'demo/a-auto', ips: ['198.51.100.1'], pool: 'auto' },
    { service: 'demo/by-pool', ips: ['203.0.113.200'], pool: 'manual' },
    { service: 'demo/old-ann', ips: ['203.0.113.203'], pool: 'manual' },
    { service: 'demo/spec-ip', ips: ['203.0.113.202'], pool: 'manual' },
    { service: 'demo/z-req', ips: ['198.51.100.0'], pool: 'auto' },
  ]);
});

t.test('avoidBuggyIPs skips .0 and .255', async (t) => {
  const c = cfg(
    pool('p', ['203.0.113.255/32', '198.51.100.0/31'], '  avoidBuggyIPs: true\n') +
      svc('s1') +
      svc('s2', { ann: { 'metallb.io/loadBalancerIPs': '203.0.113.255' } }),
  );
  const { allocations, errors } = allocate(c);
  t.same(allocations, [{ service: 'demo/s1', ips: ['198.51.100.1'], pool: 'p' }]);
  t.match(errors, [{ service: 'demo/s2', code: 'IP_NOT_IN_POOL' }]);
});

t.test('dual stack from one pool; SingleStack IPv6 by ipFamilies', async (t) => {
  const c = cfg(
    pool('a-v4only', ['192.0.2.0/30']) +
      pool('b-dual', ['203.0.113.200/30', 'fc00:f853:ccd:e799::/124']) +
      svc('dual', { spec: '  ipFamilyPolicy: RequireDualStack\n  ipFamilies: [IPv6, IPv4]\n' }) +
      svc('prefer', { spec: '  ipFamilyPolicy: PreferDualStack\n' }) +
      svc('v6', { spec: '  ipFamilies: [IPv6]\n' }) +
      svc('v4'),
  );
  const { allocations, errors } = allocate(c);
  t.same(errors, []);
  t.same(allocations, [
    { service: 'demo/dual', ips: ['fc00:f853:ccd:e799::', '203.0.113.200'], pool: 'b-dual' },
    { service: 'demo/prefer', ips: ['203.0.113.201', 'fc00:f853:ccd:e799::1'], pool: 'b-dual' },
    { service: 'demo/v4', ips: ['192.0.2.0'], pool: 'a-v4only' },
    { service: 'demo/v6', ips: ['fc00:f853:ccd:e799::2'], pool: 'b-dual' },
  ]);
  const none = allocate(
    cfg(
      pool('v4', ['192.0.2.0/30']) +
        svc('dual', { spec: '  ipFamilyPolicy: RequireDualStack\n' }) +
        svc('prefer', { spec: '  ipFamilyPolicy: PreferDualStack\n' }),
    ),
  );
  t.match(none.errors, [{ service: 'demo/dual', code: 'POOL_EXHAUSTED' }]);
  t.same(none.allocations, [{ service: 'demo/prefer', ips: ['192.0.2.0'], pool: 'v4' }]);
});

t.test('sharing keys: same key and distinct ports share; otherwise clash', async (t) => {
  const key = { 'metallb.io/allow-shared-ip': 'k1' };
  const c = cfg(
    pool('p', ['203.0.113.0/30']) +
      svc('a', { ann: key, ports: [80] }) +
      svc('b', { ann: key, ports: [443] }) +
      svc('c', { ann: key, ports: [80] }) +
      svc('d', { ann: { 'metallb.io/loadBalancerIPs': '203.0.113.0' } }) +
      svc('e', {
        ann: { 'metallb.io/loadBalancerIPs': '203.0.113.1', 'metallb.io/allow-shared-ip': 'k1' },
        ports: [8080],
      }) +
      svc('f', {
        ann: { 'metallb.io/loadBalancerIPs': '203.0.113.0', 'metallb.io/allow-shared-ip': 'k1' },
        ports: [9090],
      }),
  );
  const { allocations, errors } = allocate(c);
  // d holds .0 without a key, so f cannot share it; a and b join e on .1; c clashes with a on port 80.
  t.match(errors, [{ service: 'demo/f', code: 'IP_IN_USE' }]);
  t.same(
    allocations.map((a) => [a.service, a.ips[0]]),
    [
      ['demo/a', '203.0.113.1'],
      ['demo/b', '203.0.113.1'],
      ['demo/c', '203.0.113.2'],
      ['demo/d', '203.0.113.0'],
      ['demo/e', '203.0.113.1'],
    ],
  );
});

t.test('per-Service errors, not crashes', async (t) => {
  const c = cfg(
    pool('p', ['203.0.113.0/30']) +
      svc('both', {
        ann: { 'metallb.io/loadBalancerIPs': '203.0.113.1' },
        spec: '  loadBalancerIP: 203.0.113.1\n',
      }) +
      svc('bad', { ann: { 'metallb.io/loadBalancerIPs': 'not-an-ip' } }) +
      svc('outside', { ann: { 'metallb.io/loadBalancerIPs': '192.0.2.1' } }) +
      svc('nopool', { ann: { 'metallb.io/address-pool': 'missing' } }) +
      svc('two-single', { ann: { 'metallb.io/loadBalancerIPs': '203.0.113.1,2001:db8::1' } }),
  );
  const { errors } = allocate(c);
  t.same(
    errors.map((e) => [e.service, e.code]),
    [
      ['demo/bad', 'INVALID_REQUESTED_IP'],
      ['demo/both', 'CONFLICTING_IP_REQUEST'],
      ['demo/nopool', 'UNKNOWN_POOL'],
      ['demo/outside', 'IP_NOT_IN_POOL'],
      ['demo/two-single', 'IP_FAMILY_MISMATCH'],
    ],
  );
});

t.test('only LoadBalancer Services are allocated', async (t) => {
  const c = cfg(
    pool('p', ['203.0.113.0/30']) +
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: cip\nspec:\n  ports: [{port: 80}]\n',
  );
  t.same(allocate(c).allocations, []);
});

t.test('Allocator.release frees the address for the next assignment', async (t) => {
  const c = cfg(pool('p', ['203.0.113.0/30']) + svc('a') + svc('b') + svc('c'));
  const al = new Allocator(c.pools);
  const [a, b, s3] = c.services;
  t.match(al.assign(a!), { ok: true, allocation: { ips: ['203.0.113.0'] } });
  t.match(al.assign(b!), { ok: true, allocation: { ips: ['203.0.113.1'] } });
  t.ok(al.release('demo/a'));
  t.match(al.assign(s3!), { ok: true, allocation: { ips: ['203.0.113.0'] } });
  t.match(al.assign(a!), { ok: true, allocation: { ips: ['203.0.113.2'] } });
});

t.test('property: allocation does not depend on manifest order', async () => {
  const docs = [
    pool('p', ['203.0.113.0/29', 'fc00::/126']),
    pool('q', ['198.51.100.0/30'], '  autoAssign: false\n'),
    ...['a', 'b', 'c', 'd', 'e'].map((n, i) =>
      svc(n, i % 2 ? { spec: '  ipFamilyPolicy: PreferDualStack\n' } : {}),
    ),
    svc('f', { ann: { 'metallb.io/loadBalancerIPs': '203.0.113.3' } }),
    svc('g', { ann: { 'metallb.io/address-pool': 'q' } }),
  ];
  const want = JSON.stringify(allocate(cfg(docs.join(''))));
  fc.assert(
    fc.property(
      fc.shuffledSubarray(docs, { minLength: docs.length }),
      (order) => JSON.stringify(allocate(cfg(order.join('')))) === want,
    ),
  );
});

// Cases that Stryker showed no test could tell apart (mutation/stryker, `npm run mutation:unit -- allocate`):
// the message of every per-Service error, request parsing, family order, pool choice.
const errorsOf = (text: string) => allocate(cfg(text)).errors.map((e) => [e.service, e.code, e.message]);
const ipsOf = (text: string) => allocate(cfg(text)).allocations.map((a) => [a.service, a.ips, a.pool]);
const ips = (v: string) => ({ ann: { 'metallb.io/loadBalancerIPs': v } });

t.test('errors say what is wrong: pools and requests', async (t) => {
  t.same(
    errorsOf(
      pool('b', ['203.0.113.0/30']) +
        pool('a', ['192.0.2.0/30']) +
        svc('s', { ann: { 'metallb.io/address-pool': 'x' } }),
    ),
    [
      [
        'demo/s',
        'UNKNOWN_POOL',
        'annotation metallb.io/address-pool names pool "x", which does not exist; defined pools: a, b',
      ],
    ],
  );
  t.same(errorsOf(svc('s', { ann: { 'metallb.io/address-pool': 'x' } })), [
    [
      'demo/s',
      'UNKNOWN_POOL',
      'annotation metallb.io/address-pool names pool "x", which does not exist; defined pools: (none)',
    ],
  ]);
  t.same(
    errorsOf(
      pool('p', ['203.0.113.0/30']) +
        svc('s', { ...ips('203.0.113.1'), spec: '  loadBalancerIP: 203.0.113.1\n' }),
    ),
    [
      [
        'demo/s',
        'CONFLICTING_IP_REQUEST',
        'both the metallb.io/loadBalancerIPs annotation and spec.loadBalancerIP are set; use only the annotation',
      ],
    ],
  );
  t.same(errorsOf(pool('p', ['203.0.113.0/30']) + svc('s', ips('203.0.113.1, x'))), [
    ['demo/s', 'INVALID_REQUESTED_IP', 'requested address "x" is not an IPv4 or IPv6 address'],
  ]);
  t.same(
    errorsOf(
      pool('p', ['203.0.113.0/30']) +
        svc('s', { ...ips('203.0.113.1,203.0.113.2'), spec: '  ipFamilyPolicy: PreferDualStack\n' }),
    ),
    [
      [
        'demo/s',
        'INVALID_REQUESTED_IP',
        'at most one IPv4 address may be requested, got 203.0.113.1,203.0.113.2',
      ],
    ],
  );
  t.same(
    errorsOf(
      pool('p', ['2001:db8::/126']) +
        svc('s', { ...ips('2001:db8::1,2001:db8::2'), spec: '  ipFamilyPolicy: PreferDualStack\n' }),
    ),
    [
      [
        'demo/s',
        'INVALID_REQUESTED_IP',
        'at most one IPv6 address may be requested, got 2001:db8::1,2001:db8::2',
      ],
    ],
  );
  t.same(errorsOf(pool('p', ['203.0.113.0/30']) + svc('s', ips(' , '))), [
    ['demo/s', 'INVALID_REQUESTED_IP', 'the request " , " holds no address'],
  ]);
  t.same(
    errorsOf(pool('p', ['203.0.113.0/30', '2001:db8::/126']) + svc('s', ips('203.0.113.1,2001:db8::1'))),
    [
      [
        'demo/s',
        'IP_FAMILY_MISMATCH',
        'a SingleStack Service may request one address, got 2; set ipFamilyPolicy to PreferDualStack or RequireDualStack',
      ],
    ],
  );
  t.same(
    errorsOf(
      pool('p', ['203.0.113.0/30']) +
        svc('s', { ...ips('203.0.113.1'), spec: '  ipFamilyPolicy: RequireDualStack\n' }),
    ),
    [
      [
        'demo/s',
        'IP_FAMILY_MISMATCH',
        'a RequireDualStack Service must request one IPv4 and one IPv6 address',
      ],
    ],
  );
  t.same(
    errorsOf(
      pool('p', ['203.0.113.0/30']) + svc('s', { ...ips('203.0.113.1'), spec: '  ipFamilies: [IPv6]\n' }),
    ),
    [['demo/s', 'IP_FAMILY_MISMATCH', 'requested IPv4 address 203.0.113.1 but ipFamilies is IPv6']],
  );
});

t.test('errors say what is wrong: pool membership, use, exhaustion', async (t) => {
  const pools = pool('p', ['203.0.113.0/30']) + pool('q', ['2001:db8::/126', '198.51.100.0/30']);
  t.same(
    errorsOf(
      pools + svc('s', { ...ips('203.0.113.1,2001:db8::1'), spec: '  ipFamilyPolicy: PreferDualStack\n' }),
    ),
    [
      [
        'demo/s',
        'IP_NOT_IN_POOL',
        'requested 203.0.113.1, 2001:db8::1 are not all in one pool (addresses avoided by avoidBuggyIPs do not count); pools: p (203.0.113.0/30); q (2001:db8::/126, 198.51.100.0/30)',
      ],
    ],
  );
  t.same(errorsOf(svc('s', ips('203.0.113.1'))), [
    [
      'demo/s',
      'IP_NOT_IN_POOL',
      'requested 203.0.113.1 is in no pool (addresses avoided by avoidBuggyIPs do not count); pools: (none)',
    ],
  ]);
  t.same(
    errorsOf(
      pools +
        svc('s', { ann: { 'metallb.io/loadBalancerIPs': '203.0.113.1', 'metallb.io/address-pool': 'q' } }),
    ),
    [
      [
        'demo/s',
        'IP_NOT_IN_POOL',
        'requested 203.0.113.1 is in pool "p", not in the pool "q" named by the annotation',
      ],
    ],
  );
  t.same(errorsOf(pools + svc('a', ips('203.0.113.1')) + svc('b', ips('203.0.113.1'))), [
    [
      'demo/b',
      'IP_IN_USE',
      '203.0.113.1 is already used by demo/a; share it with the same metallb.io/allow-shared-ip key and distinct ports, or ask for another address',
    ],
  ]);
  t.same(
    errorsOf(
      pools +
        svc('a', {
          ann: { 'metallb.io/loadBalancerIPs': '203.0.113.1', 'metallb.io/allow-shared-ip': 'k' },
        }) +
        svc('b', { ann: { 'metallb.io/loadBalancerIPs': '203.0.113.1', 'metallb.io/allow-shared-ip': 'k' } }),
    ),
    [
      [
        'demo/b',
        'IP_IN_USE',
        '203.0.113.1 is already used by demo/a (with a different sharing key or clashing ports); share it with the same metallb.io/allow-shared-ip key and distinct ports, or ask for another address',
      ],
    ],
  );
  t.same(errorsOf(pool('m', ['203.0.113.0/30'], '  autoAssign: false\n') + svc('s')), [
    [
      'demo/s',
      'NO_POOL',
      'no pool assigns addresses automatically (all have autoAssign: false); request an address or a pool by name',
    ],
  ]);
  t.same(
    errorsOf(
      pool('p', ['203.0.113.0/32']) +
        pool('q', ['198.51.100.0/30']) +
        svc('s', { spec: '  ipFamilies: [IPv6]\n' }),
    ),
    [['demo/s', 'POOL_EXHAUSTED', 'no auto-assign pool has a free IPv6 address (pools tried: p, q)']],
  );
  t.same(
    errorsOf(pool('p', ['203.0.113.0/32']) + svc('s', { spec: '  ipFamilyPolicy: RequireDualStack\n' })),
    [
      [
        'demo/s',
        'POOL_EXHAUSTED',
        'no auto-assign pool has a free IPv4 and a free IPv6 address in one pool (pools tried: p)',
      ],
    ],
  );
  t.same(
    errorsOf(
      pool('p', ['203.0.113.0/32']) + svc('a') + svc('b', { ann: { 'metallb.io/address-pool': 'p' } }),
    ),
    [['demo/b', 'POOL_EXHAUSTED', 'no address in pool "p" has a free IPv4 address (pools tried: p)']],
  );
});

t.test('requests: spaces and empty items, family order, the pool holding all of them', async (t) => {
  const pools = pool('a', ['198.51.100.0/30']) + pool('b', ['203.0.113.0/30', '2001:db8::/126']);
  t.same(ipsOf(pools + svc('s', ips(' 203.0.113.1 , '))), [['demo/s', ['203.0.113.1'], 'b']]);
  t.same(
    ipsOf(
      pools +
        svc('s', {
          ...ips('203.0.113.1,2001:db8::1'),
          spec: '  ipFamilyPolicy: PreferDualStack\n  ipFamilies: [IPv6, IPv4]\n',
        }),
    ),
    [['demo/s', ['2001:db8::1', '203.0.113.1'], 'b']],
    'the primary family first',
  );
  t.same(
    ipsOf(
      pools +
        svc('s', {
          ...ips('2001:db8::1,203.0.113.1'),
          spec: '  ipFamilyPolicy: RequireDualStack\n  ipFamilies: [IPv4, IPv6]\n',
        }),
    ),
    [['demo/s', ['203.0.113.1', '2001:db8::1'], 'b']],
  );
  t.same(
    ipsOf(pools + svc('s', ips('2001:db8::2'))),
    [['demo/s', ['2001:db8::2'], 'b']],
    'no ipFamilies: any family',
  );
  t.same(
    ipsOf(
      pools +
        svc('s', { ann: { 'metallb.io/loadBalancerIPs': '203.0.113.2', 'metallb.io/address-pool': 'b' } }),
    ),
    [['demo/s', ['203.0.113.2'], 'b']],
    'the named pool holds it',
  );
});

t.test('release: unknown keys, shared addresses stay until the last sharer goes', async (t) => {
  const key = { 'metallb.io/allow-shared-ip': 'k' };
  const c = cfg(
    pool('p', ['203.0.113.0/31']) +
      svc('a', { ann: key, ports: [80] }) +
      svc('b', { ann: key, ports: [443] }) +
      svc('c') +
      svc('d'),
  );
  const al = new Allocator(c.pools);
  const [a, b, s3, d] = c.services;
  t.notOk(al.release('demo/none'), 'nothing to release');
  t.match(al.assign(a!), { ok: true, allocation: { ips: ['203.0.113.0'] } });
  t.match(al.assign(b!), { ok: true, allocation: { ips: ['203.0.113.0'] } });
  t.match(al.assign(s3!), { ok: true, allocation: { ips: ['203.0.113.1'] } });
  t.ok(al.release('demo/a'));
  t.match(al.assign(d!), { ok: false, error: { code: 'POOL_EXHAUSTED' } }, 'b still holds .0');
  t.ok(al.release('demo/b'));
  t.match(
    al.assign(d!),
    { ok: true, allocation: { ips: ['203.0.113.0'] } },
    'free once the last sharer goes',
  );
  t.match(al.assign(d!), { ok: true, allocation: { ips: ['203.0.113.0'] } }, 'assigning again keeps it');
});

t.test('sharing: the lowest shareable address, and only in the pool being tried', async (t) => {
  const k = (port: number, extra: Record<string, string> = {}) => ({
    ann: { 'metallb.io/allow-shared-ip': 'k', ...extra },
    ports: [port],
  });
  t.same(
    ipsOf(
      pool('p', ['203.0.113.0/30']) +
        svc('a', k(80, { 'metallb.io/loadBalancerIPs': '203.0.113.1' })) +
        svc('b', k(80)) +
        svc('c', k(443)),
    ),
    [
      ['demo/a', ['203.0.113.1'], 'p'],
      ['demo/b', ['203.0.113.0'], 'p'],
      ['demo/c', ['203.0.113.0'], 'p'],
    ],
    'c could share .0 or .1 and takes the lower',
  );
  t.same(
    ipsOf(
      pool('p', ['203.0.113.0/32']) +
        pool('q', ['198.51.100.1/32']) +
        svc('a', k(80, { 'metallb.io/address-pool': 'p' })) +
        svc('b', k(443, { 'metallb.io/address-pool': 'q' })),
    ),
    [
      ['demo/a', ['203.0.113.0'], 'p'],
      ['demo/b', ['198.51.100.1'], 'q'],
    ],
    'an address shared under the key in another pool is not taken',
  );
});

t.test('orders and keys: IPv4 before IPv6, service keys as text, backend key under Local only', async (t) => {
  t.same(['2001:db8::1', '198.51.100.2', '192.0.2.10', '192.0.2.9'].sort(compareIPText), [
    '192.0.2.9',
    '192.0.2.10',
    '198.51.100.2',
    '2001:db8::1',
  ]);
  t.same(
    [compareServiceKeys('a/b', 'a/c'), compareServiceKeys('a/c', 'a/b'), compareServiceKeys('a/b', 'a/b')],
    [-1, 1, 0],
  );
  const [local, cluster] = cfg(
    svc('l', { spec: '  externalTrafficPolicy: Local\n  selector: {tier: front, app: web}\n' }) +
      svc('c', { spec: '  selector: {app: web}\n' }),
  ).services;
  t.equal(backendKeyOf(local!), 'app=web,tier=front');
  t.equal(backendKeyOf(cluster!), '');
});

t.test('sharing under Local needs the same backend (one L2 owner per IP)', async (t) => {
  const k = (name: string, selector: string, port: number) =>
    svc(name, {
      ann: { 'metallb.io/allow-shared-ip': 'k', 'metallb.io/loadBalancerIPs': '203.0.113.1' },
      ports: [port],
      spec: `  externalTrafficPolicy: Local\n  selector: {app: ${selector}}\n`,
    });
  t.same(
    errorsOf(pool('p', ['203.0.113.0/30']) + k('a', 'web', 80) + k('b', 'web', 443) + k('c', 'db', 8080)).map(
      ([s, c]) => [s, c],
    ),
    [['demo/c', 'IP_IN_USE']],
  );
});

// MetalLB internal/allocator pinnedPoolsForService, isPoolCompatibleWithService, sortPools.
t.test(
  'serviceAllocation: pools pinned by namespace, namespace labels or Service labels, by priority',
  async (t) => {
    const sa = (spec: string) => `  serviceAllocation: ${spec}\n`;
    const ns = (name: string, labels: string) =>
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}, labels: ${labels}}\n---\n`;
    const svcIn = (name: string, namespace: string, labels = '{}') =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${namespace}, labels: ${labels}}\nspec: {type: LoadBalancer, ports: [{port: 80}]}\n---\n`;
    const pools =
      pool('a-free', ['192.0.2.0/30']) +
      pool('b-demo', ['198.51.100.0/30'], sa('{priority: 20, namespaces: [demo]}')) +
      pool('c-demo-first', ['198.51.100.8/30'], sa('{priority: 10, namespaces: [demo]}')) +
      pool('d-team', ['203.0.113.0/30'], sa('{namespaceSelectors: [{matchLabels: {team: x}}]}')) +
      pool('e-web', ['203.0.113.8/30'], sa('{priority: 5, serviceSelectors: [{matchLabels: {app: web}}]}')) +
      pool('f-any', ['203.0.113.16/30'], sa('{priority: 0}')) +
      pool('g-manual', ['203.0.113.24/30'], `  autoAssign: false\n${sa('{priority: 1}')}`);
    const got = ipsOf(
      pools +
        ns('teamx', '{team: x}') +
        ns('other', '{team: y}') +
        svcIn('s1', 'demo') +
        svcIn('s2', 'teamx') +
        svcIn('s3', 'other') +
        svcIn('s4', 'other', '{app: web}'),
    );
    t.same(got, [
      ['demo/s1', ['198.51.100.8'], 'c-demo-first'],
      ['other/s3', ['203.0.113.16'], 'f-any'],
      ['other/s4', ['203.0.113.8'], 'e-web'],
      ['teamx/s2', ['203.0.113.0'], 'd-team'],
    ]);
  },
);

t.test(
  'an address the Service already holds (its status) is kept while valid; SingleStack with two families',
  async (t) => {
    const held = (name: string, ip: string) =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: demo}\nspec: {type: LoadBalancer, ports: [{port: 80}]}\nstatus: {loadBalancer: {ingress: [{ip: ${ip}}]}}\n---\n`;
    t.same(
      ipsOf(pool('p', ['203.0.113.0/30']) + svc('a') + held('b', '203.0.113.2') + held('c', '192.0.2.1')),
      [
        ['demo/a', ['203.0.113.1'], 'p'],
        ['demo/b', ['203.0.113.2'], 'p'],
        ['demo/c', ['203.0.113.0'], 'p'],
      ],
    );
    t.same(
      errorsOf(
        pool('p', ['203.0.113.0/30']) +
          svc('s', { spec: '  ipFamilyPolicy: SingleStack\n  ipFamilies: [IPv4, IPv6]\n' }),
      ),
      [
        [
          'demo/s',
          'INVALID_IP_FAMILIES',
          'ipFamilyPolicy SingleStack allows one entry in ipFamilies, got IPv4, IPv6',
        ],
      ],
    );
  },
);

t.test('survivors of the 2026-12-05 Stryker run: sharing, release, order, families', async (t) => {
  const k = (port: number | number[], extra: Record<string, string> = {}) => ({
    ann: { 'metallb.io/allow-shared-ip': 'k', ...extra },
    ports: Array.isArray(port) ? port : [port],
  });
  const req = (ip: string) => ({ 'metallb.io/loadBalancerIPs': ip });
  const p30 = pool('p', ['203.0.113.0/30']);
  t.same(
    ipsOf(p30 + svc('a', k(80, req('203.0.113.0'))) + svc('b', k(80, req('203.0.113.1'))) + svc('c', k(443))),
    [
      ['demo/a', ['203.0.113.0'], 'p'],
      ['demo/b', ['203.0.113.1'], 'p'],
      ['demo/c', ['203.0.113.0'], 'p'],
    ],
    'the lowest shareable address, whatever order they were taken in',
  );
  t.same(
    ipsOf(p30 + svc('a', k(80)) + svc('b', k(80)) + svc('c', k(443))).map((r) => r[1]),
    [['203.0.113.0'], ['203.0.113.1'], ['203.0.113.0']],
    'every address under the key is remembered',
  );
  t.same(
    ipsOf(p30 + svc('a', k(80, req('203.0.113.1'))) + svc('b', k(443))).map((r) => r[1]),
    [['203.0.113.1'], ['203.0.113.0']],
    'a lower free address beats a shareable one',
  );
  t.same(
    ipsOf(pool('p', ['203.0.113.0/32']) + svc('a', k(80)) + svc('b', k(443))).map((r) => r[1]),
    [['203.0.113.0'], ['203.0.113.0']],
    'no free address left: share',
  );
  t.same(
    ipsOf(
      pool('p', ['198.51.100.1/32']) +
        pool('q', ['203.0.113.0/32']) +
        svc('a', k(80, { 'metallb.io/address-pool': 'p' })) +
        svc('b', k(443, { 'metallb.io/address-pool': 'q' })),
    ).map((r) => r[1]),
    [['198.51.100.1'], ['203.0.113.0']],
    'a lower address shared in another pool is not taken',
  );
  t.same(
    errorsOf(p30 + svc('a', k([80, 443], req('203.0.113.0'))) + svc('b', k(443, req('203.0.113.0')))).map(
      (e) => e[1],
    ),
    ['IP_IN_USE'],
    'one port in common is a clash',
  );
  t.same(
    errorsOf(
      p30 +
        svc('a', { ann: req('203.0.113.1'), ports: [80] }) +
        svc('b', { ann: req('203.0.113.1'), ports: [443] }),
    ).map((e) => e[1]),
    ['IP_IN_USE'],
    'without a sharing key, distinct ports do not share',
  );
  t.same(
    errorsOf(
      p30 +
        svc('a', k(80, req('203.0.113.1'))) +
        svc('b', k(443, req('203.0.113.1'))) +
        svc('c', { ann: req('203.0.113.1') }),
    ),
    [
      [
        'demo/c',
        'IP_IN_USE',
        '203.0.113.1 is already used by demo/a, demo/b; share it with the same metallb.io/allow-shared-ip key and distinct ports, or ask for another address',
      ],
    ],
  );
  t.same(
    errorsOf(
      pool('a', ['192.0.2.0/30']) +
        pool('b', ['203.0.113.0/30', '2001:db8::/126']) +
        svc('s', {
          ann: { ...req('203.0.113.1,2001:db8::1'), 'metallb.io/address-pool': 'a' },
          spec: '  ipFamilyPolicy: PreferDualStack\n',
        }),
    ).map((e) => e[2]),
    ['requested 203.0.113.1, 2001:db8::1 is in pool "b", not in the pool "a" named by the annotation'],
  );
  t.same(
    ipsOf(pool('p', ['203.0.113.0/32', '2001:db8::/126']) + svc('a') + svc('b')),
    [['demo/a', ['203.0.113.0'], 'p']],
    'IPv4 is taken from the IPv4 ranges only',
  );
  t.same(
    ipsOf(p30 + svc('a') + svc('b', { spec: '  loadBalancerIP: 203.0.113.0\n' })).map((r) => r[1]),
    [['203.0.113.1'], ['203.0.113.0']],
    'spec.loadBalancerIP is a request, served first',
  );
  const held = `apiVersion: v1\nkind: Service\nmetadata: {name: z, namespace: demo}\nspec: {type: LoadBalancer, ports: [{port: 80}]}\nstatus: {loadBalancer: {ingress: [{ip: 203.0.113.0}]}}\n---\n`;
  t.same(
    ipsOf(p30 + svc('a') + held).map((r) => r[1]),
    [['203.0.113.1'], ['203.0.113.0']],
    'held addresses are served before new Services',
  );
  t.same(
    ipsOf(
      pool('p', ['203.0.113.0/30', '2001:db8::/126']) +
        svc('a', {
          ann: req('203.0.113.1'),
          spec: '  ipFamilyPolicy: PreferDualStack\n  ipFamilies: [IPv6, IPv4]\n',
        }) +
        svc('b', { ann: req('203.0.113.2'), spec: '  ipFamilies: [IPv4]\n' }),
    ).map((r) => r[1]),
    [['203.0.113.1'], ['203.0.113.2']],
    'one address of either family for PreferDualStack; of the family asked for SingleStack',
  );
  t.same(
    ipsOf(p30 + svc('a') + svc('b', { spec: '  loadBalancerClass: other.example/lb\n' })),
    [['demo/a', ['203.0.113.0'], 'p']],
    'another loadBalancerClass is not ours',
  );
});

t.test('release: addresses go back to their own pool, lowest first', async (t) => {
  const c = cfg(
    pool('a', ['203.0.113.0/31']) +
      pool('b', ['198.51.100.0/31'], '  autoAssign: false\n') +
      svc('s1', { ann: { 'metallb.io/address-pool': 'b' } }) +
      svc('s2'),
  );
  const al = new Allocator(c.pools);
  const [s1, s2] = c.services;
  t.match(al.assign(s1!), { ok: true, allocation: { ips: ['198.51.100.0'], pool: 'b' } });
  t.ok(al.release('demo/s1'));
  t.match(al.assign(s2!), { ok: true, allocation: { ips: ['203.0.113.0'], pool: 'a' } });
  const d = cfg(
    pool('p', ['203.0.113.0/29']) + ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => svc(n)).join(''),
  );
  const al2 = new Allocator(d.pools);
  for (const s of d.services.slice(0, 3)) al2.assign(s);
  for (const key of ['demo/c', 'demo/a', 'demo/b']) al2.release(key);
  t.same(
    d.services.slice(3).map((s) => (al2.assign(s) as { allocation: { ips: string[] } }).allocation.ips[0]),
    ['203.0.113.0', '203.0.113.1', '203.0.113.2', '203.0.113.3'],
    'released in any order, handed out lowest first',
  );
});

// ---- Survivors of the second 2026-12-05 Stryker run (`npm run mutation:unit -- allocate`) ----

t.test('isFree: an address is free until a Service holds it, and again once released', async (t) => {
  const c = cfg(pool('p', ['203.0.113.0/30']) + svc('a'));
  const a = new Allocator(c.pools);
  const ip = { family: 4 as const, value: 0xcb007100n };
  t.ok(a.isFree(ip));
  t.ok(a.assign(c.services[0]!).ok);
  t.notOk(a.isFree(ip), 'held');
  t.ok(a.isFree({ family: 4, value: 0xcb007101n }), 'its neighbour is not');
  t.ok(a.isFree({ family: 6, value: 0xcb007100n }), 'the same number in IPv6 is another address');
  a.release('demo/a');
  t.ok(a.isFree(ip), 'released');
});

t.test('an Allocator built without Namespaces: namespaceSelectors select none', async (t) => {
  const c = cfg(
    pool('a', ['203.0.113.0/30'], '  serviceAllocation: {namespaceSelectors: [{matchLabels: {team: x}}]}\n') +
      pool('b', ['198.51.100.0/30']) +
      svc('s'),
  );
  const a = new Allocator(c.pools);
  t.same(a.assign(c.services[0]!), {
    ok: true,
    allocation: { service: 'demo/s', ips: ['198.51.100.0'], pool: 'b' },
  });
});

t.test('auto-assignment tries pools in name order, however many and in whatever order written', async (t) => {
  const names = Array.from({ length: 70 }, (_, i) => `p${String((i * 37) % 70).padStart(2, '0')}`);
  const text =
    names.map((n) => pool(n, [`10.0.${Number(n.slice(1))}.0/32`])).join('') +
    Array.from({ length: 70 }, (_, i) => svc(`s${String(i).padStart(2, '0')}`)).join('');
  t.same(
    ipsOf(text).map(([, ips, p]) => `${p}:${(ips as string[])[0]}`),
    [...names].sort().map((n) => `${n}:10.0.${Number(n.slice(1))}.0`),
  );
});

t.test(
  'status addresses: a request wins over them; a dual-stack Service keeps both of its own',
  async (t) => {
    const withStatus = (name: string, spec: string, ingress: string[]) =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: demo}\nspec: {type: LoadBalancer, ports: [{port: 80}]${spec}}\nstatus: {loadBalancer: {ingress: [${ingress.map((ip) => `{ip: "${ip}"}`).join(', ')}]}}\n---\n`;
    t.same(
      ipsOf(
        pool('p', ['203.0.113.0/29']) + withStatus('a', ', loadBalancerIP: 203.0.113.5', ['203.0.113.3']),
      ),
      [['demo/a', ['203.0.113.5'], 'p']],
      'spec.loadBalancerIP, not the status',
    );
    t.same(
      ipsOf(
        pool('p', ['203.0.113.0/29', '2001:db8::/125']) +
          withStatus('d', ', ipFamilyPolicy: RequireDualStack, ipFamilies: [IPv4, IPv6]', [
            '203.0.113.5',
            '2001:db8::5',
          ]),
      ),
      [['demo/d', ['203.0.113.5', '2001:db8::5'], 'p']],
    );
  },
);

t.test(
  'namespaceSelectors that select no Namespace: the pool takes a Service only by its serviceSelectors',
  async (t) => {
    // MetalLB config.go addressPoolServiceAllocationsFromCR resolves selectors to namespaces; allocator.go
    // pinnedPoolsForService lists a pool by namespace or by serviceSelectors, isPoolCompatibleWithService
    // checks the namespaces only when there are some.
    const sa = (spec: string) => `  serviceAllocation: ${spec}\n`;
    const svcL = (name: string, labels: string) =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: demo, labels: ${labels}}\nspec: {type: LoadBalancer, ports: [{port: 80}]}\n---\n`;
    t.same(
      ipsOf(
        pool('a-none', ['203.0.113.0/30'], sa('{namespaceSelectors: [{matchLabels: {team: x}}]}')) +
          pool('b-free', ['198.51.100.0/30']) +
          svcL('s', '{app: web}'),
      ),
      [['demo/s', ['198.51.100.0'], 'b-free']],
      'selectors alone: nobody',
    );
    t.same(
      ipsOf(
        pool(
          'a-web',
          ['203.0.113.0/30'],
          sa(
            '{namespaceSelectors: [{matchLabels: {team: x}}], serviceSelectors: [{matchLabels: {app: web}}]}',
          ),
        ) +
          pool('b-free', ['198.51.100.0/30']) +
          svcL('s', '{app: web}') +
          svcL('t', '{app: db}'),
      ),
      [
        ['demo/s', ['203.0.113.0'], 'a-web'],
        ['demo/t', ['198.51.100.0'], 'b-free'],
      ],
      'with serviceSelectors: those decide',
    );
  },
);

t.test('a released address ahead of the cursor does not jump the queue', async (t) => {
  const c = cfg(pool('p', ['203.0.113.0/29']) + svc('r', ips('203.0.113.5')) + svc('a') + svc('b'));
  const a = new Allocator(c.pools);
  const [r, first, second] = c.services as [never, never, never];
  t.match(a.assign(r), { ok: true });
  t.match(a.assign(first), { allocation: { ips: ['203.0.113.0'] } });
  a.release('demo/r');
  t.match(a.assign(second), { allocation: { ips: ['203.0.113.1'] } }, 'the lowest free, not the freed .5');
});
