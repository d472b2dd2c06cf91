// crosscheck.ts: the rules that span resources, each with its exact code, line, field and message,
// after MetalLB's internal/config/config.go (validateConfig's pool overlap check, validateBGPAdvPerPool,
// BGPAdvertisementsHaveCompatibleLocalPref, the community alias lookup).
import t from 'tap';
import type { LabelSelector } from '../model/selector.ts';
import type * as M from '../model/types.ts';
import { poolsSelectedBy } from './crosscheck.ts';
import { parseManifestText } from './load.ts';

const pool = (n: string, addrs: string, labels = '{}') =>
  `apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: ${n}, labels: ${labels}}\nspec: {addresses: [${addrs}]}\n`;
const adv = (n: string, spec: string) =>
  `apiVersion: metallb.io/v1beta1\nkind: BGPAdvertisement\nmetadata: {name: ${n}}\nspec: {${spec}}\n`;
const l2 = (n: string, spec: string) =>
  `apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: {name: ${n}}\nspec: {${spec}}\n`;
const community = (n: string, list: string) =>
  `apiVersion: metallb.io/v1beta1\nkind: Community\nmetadata: {name: ${n}}\nspec: {communities: [${list}]}\n`;
const node = (n: string, labels: string) =>
  `apiVersion: v1\nkind: Node\nmetadata: {name: ${n}, labels: ${labels}}\n`;

const load = (...docs: string[]) => parseManifestText(docs.join('---\n'), 'f.yaml');
const errorsOf = (...docs: string[]) =>
  load(...docs).errors.map((x) => [x.code, x.line, x.name, x.field, x.message]);
const warningsOf = (...docs: string[]) => {
  const r = load(...docs);
  return r.config
    ? r.config.warnings.map((x) => [x.code, x.line, x.name, x.field, x.message])
    : ['errors', r.errors];
};
const overlap = (
  line: number,
  name: string,
  field: string,
  cidr: string,
  other: string,
  otherPool: string,
  text: string,
) => [
  'POOL_OVERLAP',
  line,
  name,
  field,
  `CIDR ${cidr} in pool "${name}" overlaps with already defined CIDR ${other} (pool "${otherPool}", ${text}); pools must not share addresses`,
];

t.test('pool overlaps: reported on the entry defined later, once per entry, per family', async (t) => {
  t.same(errorsOf(pool('a', '192.0.2.0/24'), pool('b', '10.0.0.0/8, 192.0.2.128/25')), [
    overlap(9, 'b', 'spec.addresses[1]', '192.0.2.128/25', '192.0.2.0/24', 'a', '192.0.2.0/24'),
  ]);
  t.same(
    errorsOf(pool('a', '10.1.0.0/16'), pool('b', '10.0.0.0/8')),
    [overlap(9, 'b', 'spec.addresses[0]', '10.0.0.0/8', '10.1.0.0/16', 'a', '10.1.0.0/16')],
    'the later pool is the one reported even when its CIDR comes first',
  );
  t.same(
    errorsOf(pool('a', '192.0.2.10-192.0.2.20'), pool('b', '192.0.2.20/32')),
    [overlap(9, 'b', 'spec.addresses[0]', '192.0.2.20/32', '192.0.2.20/32', 'a', '192.0.2.10-192.0.2.20')],
    'the last address of a range',
  );
  t.same(errorsOf(pool('a', '2001:db8::/64, 192.0.2.0/24'), pool('b', '2001:db8::1/128')), [
    overlap(9, 'b', 'spec.addresses[0]', '2001:db8::1/128', '2001:db8::/64', 'a', '2001:db8::/64'),
  ]);
  t.same(
    errorsOf(pool('a', '192.0.2.0/24, 192.0.2.0/25')),
    [overlap(4, 'a', 'spec.addresses[1]', '192.0.2.0/25', '192.0.2.0/24', 'a', '192.0.2.0/24')],
    'two entries of one pool',
  );
  t.same(
    errorsOf(pool('a', '10.0.0.0/8'), pool('b', '10.1.0.0/16'), pool('c', '10.2.0.0/16')).map((e) => [
      e[2],
      e[4],
    ]),
    [
      [
        'b',
        'CIDR 10.1.0.0/16 in pool "b" overlaps with already defined CIDR 10.0.0.0/8 (pool "a", 10.0.0.0/8); pools must not share addresses',
      ],
      [
        'c',
        'CIDR 10.2.0.0/16 in pool "c" overlaps with already defined CIDR 10.0.0.0/8 (pool "a", 10.0.0.0/8); pools must not share addresses',
      ],
    ],
    'a wide CIDR stays open past the small ones inside it',
  );
  t.same(
    errorsOf(pool('a', '10.0.0.0/8'), pool('b', '10.1.0.0/16, 10.2.0.0/16')).map((e) => e[3]),
    ['spec.addresses[0]', 'spec.addresses[1]'],
    'each overlapping entry once',
  );
  t.same(errorsOf(pool('a', '192.0.2.0/25'), pool('b', '192.0.2.128/25')), [], 'adjacent CIDRs');
  t.same(errorsOf(pool('a', '192.0.2.0-192.0.2.200')), [], 'the CIDRs of one range');
  t.same(errorsOf(pool('a', '0.0.0.0/32'), pool('b', '::/128')), [], 'the same number in two families');
  t.same(errorsOf(pool('a', '10.0.0.0/8'), pool('b', '::/0')), [], 'families never overlap');
});

t.test(
  'community aliases: unique names; an alias, a literal or a large community, sent once and sorted',
  async (t) => {
    t.same(errorsOf(community('c1', '{name: x, value: "1:1"}'), community('c2', '{name: x, value: "2:2"}')), [
      [
        'DUPLICATE_COMMUNITY_ALIAS',
        9,
        'c2',
        'spec.communities[0].name',
        'community alias "x" is already defined (f.yaml:1); alias names must be unique',
      ],
    ]);
    const r = load(
      community('c1', '{name: x, value: "1:1"}, {name: y, value: "large:1:2:3"}'),
      pool('p', '192.0.2.0/24'),
      adv('a', 'communities: [x, y, "65535:65535", "1:1", "large:1:2:3", "3:3", "large:0:0:9"]'),
    );
    t.same(r.errors, []);
    t.same(r.config!.bgpAdvertisements[0]!.communities, ['1:1', '3:3', '65535:65535'], 'numeric order');
    t.same(r.config!.bgpAdvertisements[0]!.largeCommunities, ['0:0:9', '1:2:3']);
    t.same(
      [...r.config!.communityAliases],
      [
        ['x', '1:1'],
        ['y', 'large:1:2:3'],
      ],
    );
    t.same(
      errorsOf(
        community('c1', '{name: zz, value: "1:1"}, {name: aa, value: "2:2"}'),
        adv('a', 'communities: [nope]'),
      ),
      [
        [
          'INVALID_COMMUNITY',
          9,
          'a',
          'spec.communities[0]',
          '"nope" is not a community; expected a:b (two numbers 0..65535), large:a:b:c (three numbers 0..4294967295), or a Community alias (defined: aa, zz)',
        ],
      ],
    );
    t.same(errorsOf(adv('a', 'communities: ["1:1", nope]')), [
      [
        'INVALID_COMMUNITY',
        4,
        'a',
        'spec.communities[1]',
        '"nope" is not a community; expected a:b (two numbers 0..65535), large:a:b:c (three numbers 0..4294967295), or the name of an alias defined in a Community resource (none defined)',
      ],
    ]);
  },
);

// Lines are the field's own (the spec line): the fast path, which knows document lines only, leaves warnings
// to the precise path.
t.test('references to pools and peers not (yet) defined are warnings naming what exists', async (t) => {
  t.same(
    warningsOf(
      pool('p2', '192.0.2.0/24'),
      pool('p1', '198.51.100.0/24'),
      adv('a', 'ipAddressPools: [p1, nope], peers: [x]'),
      l2('l', 'ipAddressPools: [zz]'),
    ),
    [
      [
        'UNKNOWN_POOL',
        14,
        'a',
        'spec.ipAddressPools[1]',
        'no IPAddressPool named "nope" yet; the name is skipped until it exists (defined pools: p1, p2)',
      ],
      [
        'UNKNOWN_PEER',
        14,
        'a',
        'spec.peers[0]',
        'no BGPPeer named "x" yet; the name is skipped until it exists (defined peers: (none))',
      ],
      [
        'UNKNOWN_POOL',
        19,
        'l',
        'spec.ipAddressPools[0]',
        'no IPAddressPool named "zz" yet; the name is skipped until it exists (defined pools: p1, p2)',
      ],
    ],
  );
  const peer = (n: string) =>
    `apiVersion: metallb.io/v1beta2\nkind: BGPPeer\nmetadata: {name: ${n}}\nspec: {myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.1}\n`;
  t.same(warningsOf(peer('zeta'), peer('alpha'), adv('a', 'peers: [x, zeta]')), [
    [
      'UNKNOWN_PEER',
      14,
      'a',
      'spec.peers[0]',
      'no BGPPeer named "x" yet; the name is skipped until it exists (defined peers: alpha, zeta)',
    ],
  ]);
  t.same(warningsOf(adv('a', 'ipAddressPools: [nope]')), [
    [
      'UNKNOWN_POOL',
      4,
      'a',
      'spec.ipAddressPools[0]',
      'no IPAddressPool named "nope" yet; the name is skipped until it exists (defined pools: (none))',
    ],
  ]);
});

t.test(
  'aggregation lengths: not shorter than the widest prefix of each selected entry, per family',
  async (t) => {
    t.same(
      errorsOf(
        pool('p', '192.0.2.0/24, 2001:db8::/64'),
        adv('a', 'aggregationLength: 23, aggregationLengthV6: 63'),
      ),
      [
        [
          'AGGREGATION_LENGTH_TOO_SHORT',
          9,
          'a',
          'spec.aggregationLength',
          'invalid aggregation length 23: prefix 24 in pool "p" is more specific than the aggregation length for addresses 192.0.2.0/24; expected 24..32',
        ],
        [
          'AGGREGATION_LENGTH_TOO_SHORT',
          9,
          'a',
          'spec.aggregationLengthV6',
          'invalid aggregation length 63: prefix 64 in pool "p" is more specific than the aggregation length for addresses 2001:db8::/64; expected 64..128',
        ],
      ],
    );
    t.same(
      errorsOf(pool('p', '192.0.2.0-192.0.2.9'), adv('a', 'aggregationLength: 28')),
      [
        [
          'AGGREGATION_LENGTH_TOO_SHORT',
          9,
          'a',
          'spec.aggregationLength',
          'invalid aggregation length 28: prefix 29 in pool "p" is more specific than the aggregation length for addresses 192.0.2.0-192.0.2.9; expected 29..32',
        ],
      ],
      'a range: its widest CIDR (192.0.2.0/29)',
    );
    t.same(errorsOf(pool('p', '192.0.2.0/24'), adv('a', 'aggregationLength: 24')), [], 'equal is fine');
    t.same(
      errorsOf(pool('p', '192.0.2.0/24, 198.51.100.0/25'), adv('a', 'aggregationLength: 22')).length,
      1,
      'one error per family and advertisement',
    );
    t.same(
      errorsOf(
        pool('p', '192.0.2.0/24'),
        pool('q', '198.51.100.0/25'),
        adv('a', 'aggregationLength: 24, ipAddressPools: [p]'),
      ),
      [],
      'only the pools it selects',
    );
  },
);

const lpConflict = (line: number, b: string, lb: number, a: string, la: number, p = 'p') => [
  'LOCALPREF_CONFLICT',
  line,
  b,
  'spec.localPref',
  `invalid local preference ${lb}: local preference ${la} already set for the same type of BGP update by BGPAdvertisement "${a}" (same pool "${p}", aggregation lengths, overlapping peers and nodes); use the same localPref or separate them`,
];

t.test('localPref conflicts as MetalLB BGPAdvertisementsHaveCompatibleLocalPref finds them', async (t) => {
  const base = [pool('p', '192.0.2.0/24'), node('n1', '{zone: a}'), node('n2', '{zone: b}')];
  t.same(errorsOf(...base, adv('a', 'localPref: 100'), adv('b', 'localPref: 200')), [
    lpConflict(22, 'b', 200, 'a', 100),
  ]);
  t.same(
    errorsOf(...base, adv('a', ''), adv('b', 'localPref: 200')),
    [lpConflict(22, 'b', 200, 'a', 0)],
    'unset is 0',
  );
  t.same(
    errorsOf(...base, adv('a', 'localPref: 100'), adv('b', 'localPref: 200'), adv('c', 'localPref: 300')),
    [
      lpConflict(22, 'b', 200, 'a', 100),
      lpConflict(27, 'c', 300, 'a', 100),
      lpConflict(27, 'c', 300, 'b', 200),
    ],
  );
  t.same(
    errorsOf(...base, adv('a', 'localPref: 100, peers: [x, y]'), adv('b', 'localPref: 200, peers: [y]')),
    [lpConflict(22, 'b', 200, 'a', 100)],
    'a peer in common',
  );
  const none: [string, string, string][] = [
    ['the same localPref', 'localPref: 100', 'localPref: 100'],
    ['other aggregation lengths', 'localPref: 100', 'localPref: 200, aggregationLength: 24'],
    ['disjoint peers', 'localPref: 100, peers: [x]', 'localPref: 200, peers: [y]'],
    [
      'disjoint nodes',
      'localPref: 100, nodeSelectors: [{matchLabels: {zone: a}}]',
      'localPref: 200, nodeSelectors: [{matchLabels: {zone: b}}]',
    ],
    ['serviceSelectors', 'localPref: 100', 'localPref: 200, serviceSelectors: [{matchLabels: {x: y}}]'],
  ];
  for (const [what, a, b] of none) t.same(errorsOf(...base, adv('a', a), adv('b', b)), [], what);
  t.same(
    errorsOf(
      ...base,
      pool('q', '198.51.100.0/24'),
      adv('a', 'localPref: 100, ipAddressPools: [p]'),
      adv('b', 'localPref: 200, ipAddressPools: [q]'),
    ),
    [],
    'different pools',
  );
  t.same(
    errorsOf(pool('p', '192.0.2.0/24'), adv('a', 'localPref: 100'), adv('b', 'localPref: 200')),
    [],
    'no Node: nothing overlaps',
  );
  t.same(
    errorsOf(
      pool('p', '192.0.2.0/24'),
      pool('q', '198.51.100.0/24'),
      node('n1', '{}'),
      adv('a', 'localPref: 100'),
      adv('b', 'localPref: 200'),
    ),
    [lpConflict(23, 'b', 200, 'a', 100)],
    'two pools shared: reported once',
  );
});

t.test('localPref: aggregation lengths must differ for every family the pool holds', async (t) => {
  const dual = pool('p', '192.0.2.0/24, 2001:db8::/64');
  const v6 = pool('p', '2001:db8::/64');
  const n = node('n1', '{}');
  t.same(
    errorsOf(dual, n, adv('a', 'localPref: 100'), adv('b', 'localPref: 200, aggregationLength: 24')),
    [lpConflict(18, 'b', 200, 'a', 100)],
    'dual-stack pool, IPv4 length differs only',
  );
  t.same(
    errorsOf(dual, n, adv('a', 'localPref: 100'), adv('b', 'localPref: 200, aggregationLengthV6: 64')),
    [lpConflict(18, 'b', 200, 'a', 100)],
    'dual-stack pool, IPv6 length differs only',
  );
  t.same(
    errorsOf(
      dual,
      n,
      adv('a', 'localPref: 100'),
      adv('b', 'localPref: 200, aggregationLength: 24, aggregationLengthV6: 64'),
    ),
    [],
  );
  t.same(
    errorsOf(v6, n, adv('a', 'localPref: 100'), adv('b', 'localPref: 200, aggregationLengthV6: 64')),
    [],
    'IPv6 pool',
  );
  t.same(
    errorsOf(v6, n, adv('a', 'localPref: 100'), adv('b', 'localPref: 200, aggregationLength: 24')),
    [lpConflict(18, 'b', 200, 'a', 100)],
    'IPv6 pool: the IPv4 length does not count',
  );
});

t.test(
  'poolsSelectedBy: named pools, or selected by label, or every pool when neither is given',
  async (t) => {
    const p = (name: string, labels: Record<string, string>) =>
      ({ name, labels }) as unknown as M.IPAddressPool;
    const pools = [p('a', { tier: 'gold' }), p('b', { tier: 'silver' }), p('c', {})];
    const sel = (labels: Record<string, string>): LabelSelector => ({
      matchLabels: labels,
      matchExpressions: [],
    });
    const names = (ipAddressPools: string[], ipAddressPoolSelectors: LabelSelector[]) =>
      poolsSelectedBy({ ipAddressPools, ipAddressPoolSelectors }, pools).map((x) => x.name);
    t.same(names([], []), ['a', 'b', 'c']);
    t.same(names(['c'], []), ['c']);
    t.same(names([], [sel({ tier: 'gold' })]), ['a']);
    t.same(names(['c'], [sel({ tier: 'silver' })]), ['b', 'c'], 'either way');
    t.same(names([], [sel({ tier: 'gold' }), sel({ tier: 'silver' })]), ['a', 'b'], 'any selector');
    t.same(names(['nope'], []), [], 'a name that matches nothing selects nothing');
    const all = poolsSelectedBy({ ipAddressPools: [], ipAddressPoolSelectors: [] }, pools);
    t.not(all, pools, 'a copy');
  },
);

t.test(
  'overlaps: which entry is "later" within one pool, and the widest CIDR stays the one compared',
  async (t) => {
    t.same(
      errorsOf(pool('a', '192.0.2.128/25, 192.0.2.0/24')),
      [overlap(4, 'a', 'spec.addresses[1]', '192.0.2.0/24', '192.0.2.128/25', 'a', '192.0.2.128/25')],
      'the second entry is reported though its CIDR starts first',
    );
    t.same(
      errorsOf(pool('a', '192.0.2.0/24'), pool('b', '192.0.2.128/25'), pool('c', '192.0.2.255/32')).map(
        (e) => e[4],
      ),
      [
        'CIDR 192.0.2.128/25 in pool "b" overlaps with already defined CIDR 192.0.2.0/24 (pool "a", 192.0.2.0/24); pools must not share addresses',
        'CIDR 192.0.2.255/32 in pool "c" overlaps with already defined CIDR 192.0.2.0/24 (pool "a", 192.0.2.0/24); pools must not share addresses',
      ],
      'a CIDR ending where the open one ends does not replace it',
    );
    t.same(
      errorsOf(pool('a', '10.0.0.0/8'), pool('b', '::/127'), pool('c', '::1/128')).map((e) => [e[2], e[3]]),
      [['c', 'spec.addresses[0]']],
      'the first IPv6 CIDR opens the IPv6 sweep, whatever the IPv4 one reached',
    );
  },
);

t.test('cross-resource errors and warnings name the kind of the resource they are about', async (t) => {
  const kinds = (...docs: string[]) => {
    const r = load(...docs);
    return [...r.errors, ...(r.config?.warnings ?? [])].map((e) => [e.code, e.kind]);
  };
  t.same(kinds(pool('a', '192.0.2.0/24'), pool('b', '192.0.2.0/25')), [['POOL_OVERLAP', 'IPAddressPool']]);
  t.same(kinds(community('c1', '{name: x, value: "1:1"}'), community('c2', '{name: x, value: "2:2"}')), [
    ['DUPLICATE_COMMUNITY_ALIAS', 'Community'],
  ]);
  t.same(kinds(adv('a', 'communities: [nope]')), [['INVALID_COMMUNITY', 'BGPAdvertisement']]);
  t.same(kinds(adv('a', 'ipAddressPools: [x], peers: [y]'), l2('l', 'ipAddressPools: [z]')), [
    ['UNKNOWN_POOL', 'BGPAdvertisement'],
    ['UNKNOWN_PEER', 'BGPAdvertisement'],
    ['UNKNOWN_POOL', 'L2Advertisement'],
  ]);
  t.same(kinds(pool('p', '192.0.2.0/24'), adv('a', 'aggregationLength: 23')), [
    ['AGGREGATION_LENGTH_TOO_SHORT', 'BGPAdvertisement'],
  ]);
  t.same(
    kinds(pool('p', '192.0.2.0/24'), node('n', '{}'), adv('a', 'localPref: 1'), adv('b', 'localPref: 2')),
    [['LOCALPREF_CONFLICT', 'BGPAdvertisement']],
  );
});

t.test('localPref: an advertisement naming no peer shares every peer with one that names some', async (t) => {
  const base = [pool('p', '192.0.2.0/24'), node('n1', '{}')];
  t.same(errorsOf(...base, adv('a', 'localPref: 100, peers: [x]'), adv('b', 'localPref: 200')), [
    lpConflict(18, 'b', 200, 'a', 100),
  ]);
  t.same(errorsOf(...base, adv('a', 'localPref: 100'), adv('b', 'localPref: 200, peers: [y]')), [
    lpConflict(18, 'b', 200, 'a', 100),
  ]);
});

t.test(
  'overlaps: CIDRs starting at one address, narrowest or widest first: every later pool is reported',
  async (t) => {
    const errors = errorsOf(pool('a', '10.0.0.0/24'), pool('b', '10.0.0.0/16'), pool('c', '10.0.0.0/8'));
    t.same(
      errors.map((e) => e.slice(0, 4)),
      [
        ['POOL_OVERLAP', 9, 'b', 'spec.addresses[0]'],
        ['POOL_OVERLAP', 14, 'c', 'spec.addresses[0]'],
      ],
    );
    t.equal(
      errors[0]![4],
      'CIDR 10.0.0.0/16 in pool "b" overlaps with already defined CIDR 10.0.0.0/24 (pool "a", 10.0.0.0/24); pools must not share addresses',
    );
    // MetalLB internal/config/config.go compares each CIDR with every earlier one in order: the first, a, is named
    t.equal(
      errors[1]![4],
      'CIDR 10.0.0.0/8 in pool "c" overlaps with already defined CIDR 10.0.0.0/24 (pool "a", 10.0.0.0/24); pools must not share addresses',
    );
    t.same(
      errorsOf(pool('a', '10.0.0.0/8'), pool('b', '10.0.0.0/16'), pool('c', '10.0.0.0/24')).map((e) => e[2]),
      ['b', 'c'],
    );
  },
);

t.test(
  "overlaps: a later pool reaching past an earlier pool's second entry is the one reported",
  async (t) => {
    t.same(errorsOf(pool('a', '192.168.0.0/24, 10.1.0.0/16'), pool('b', '10.0.0.0/8')), [
      overlap(9, 'b', 'spec.addresses[0]', '10.0.0.0/8', '10.1.0.0/16', 'a', '10.1.0.0/16'),
    ]);
    t.same(
      errorsOf(pool('a', '2001:db8:ffff::/48, 2001:db8:1::/48'), pool('b', '2001:db8::/32')).map((e) => [
        e[2],
        e[3],
      ]),
      [['b', 'spec.addresses[0]']],
      'the same in IPv6',
    );
  },
);

t.test(
  'overlaps: every entry overlapping an earlier one is reported, against the first it overlaps',
  async (t) => {
    // Before: only f was named (against the widest open CIDR), and e, which MetalLB reports first, was not.
    t.same(errorsOf(pool('d', '10.0.1.0/24'), pool('e', '10.0.1.0/25'), pool('f', '10.0.0.0/8')), [
      overlap(9, 'e', 'spec.addresses[0]', '10.0.1.0/25', '10.0.1.0/24', 'd', '10.0.1.0/24'),
      overlap(14, 'f', 'spec.addresses[0]', '10.0.0.0/8', '10.0.1.0/24', 'd', '10.0.1.0/24'),
    ]);
    t.same(
      errorsOf(pool('a', '10.0.2.0/24'), pool('b', '10.0.1.0/24'), pool('c', '10.0.0.0/22')),
      [overlap(14, 'c', 'spec.addresses[0]', '10.0.0.0/22', '10.0.2.0/24', 'a', '10.0.2.0/24')],
      'the first defined, not the first by address',
    );
    t.same(
      errorsOf(pool('a', '10.0.1.0/24'), pool('b', '10.0.1.0-10.0.2.255')),
      [overlap(9, 'b', 'spec.addresses[0]', '10.0.1.0/24', '10.0.1.0/24', 'a', '10.0.1.0/24')],
      "a range's first CIDR that overlaps",
    );
    t.same(
      errorsOf(pool('a', '10.0.2.0/24'), pool('b', '10.0.1.0-10.0.2.255')),
      [overlap(9, 'b', 'spec.addresses[0]', '10.0.2.0/24', '10.0.2.0/24', 'a', '10.0.2.0/24')],
      "a range's later CIDR when only that one overlaps",
    );
  },
);

// MetalLB internal/config/config.go (pools from the CRs): "pool cidr %q contains nodeIp %q", InternalIP only
// (internal/k8s/nodes NodeIPsForFamily).
t.test("a pool holding a Node's InternalIP is refused; other node addresses may be pooled", async (t) => {
  const nodeWith = (n: string, addresses: string) =>
    `apiVersion: v1\nkind: Node\nmetadata: {name: ${n}}\nstatus: {addresses: [${addresses}]}\n`;
  const internal = (ip: string) => `{type: InternalIP, address: "${ip}"}`;
  const contains = (line: number, pool: string, field: string, cidr: string, ip: string, node: string) => [
    'POOL_CONTAINS_NODE_IP',
    line,
    pool,
    field,
    `CIDR ${cidr} in pool "${pool}" contains ${ip}, an InternalIP of Node "${node}"; MetalLB refuses a pool holding a node's address`,
  ];
  t.same(
    errorsOf(
      nodeWith('n1', `${internal('192.0.2.10')}, ${internal('2001:db8::a')}`),
      nodeWith('n2', internal('192.0.2.20')),
      pool('a', '198.51.100.0/24, 192.0.2.16-192.0.2.31'),
      pool('b', '2001:db8::/120'),
    ),
    [
      contains(14, 'a', 'spec.addresses[1]', '192.0.2.16/28', '192.0.2.20', 'n2'),
      contains(19, 'b', 'spec.addresses[0]', '2001:db8::/120', '2001:db8::a', 'n1'),
    ],
  );
  t.same(
    errorsOf(
      nodeWith('n1', `${internal('192.0.2.10')}, ${internal('192.0.2.11')}`),
      pool('a', '192.0.2.0/24'),
    ),
    [contains(9, 'a', 'spec.addresses[0]', '192.0.2.0/24', '192.0.2.10', 'n1')],
    'one error per entry, naming the first address',
  );
  t.same(
    errorsOf(
      nodeWith(
        'n1',
        `{type: ExternalIP, address: 192.0.2.10}, {type: Hostname, address: n1}, ${internal('10.0.0.1')}`,
      ),
      pool('a', '192.0.2.0/24, 10.0.0.2-10.0.0.9'),
    ),
    [],
    'an ExternalIP, and a neighbour of the InternalIP, are fine',
  );
  t.same(
    errorsOf(pool('a', '192.0.2.0/24'), nodeWith('n1', internal('192.0.2.1'))),
    [contains(4, 'a', 'spec.addresses[0]', '192.0.2.0/24', '192.0.2.1', 'n1')],
    'the Node may come after the pool',
  );
});

t.test(
  'overlaps among 70 pools written out of order: the one overlap is found, and errors name the kind',
  async (t) => {
    const order = Array.from({ length: 70 }, (_, i) => (i * 37) % 70);
    const docs = order.map((i) => pool(`p${String(i).padStart(2, '0')}`, `10.0.${i}.0/24`));
    const r = load(...docs, pool('z', '10.0.5.128/25'));
    t.same(
      r.errors.map((e) => [e.code, e.kind, e.name, e.message]),
      [
        [
          'POOL_OVERLAP',
          'IPAddressPool',
          'z',
          'CIDR 10.0.5.128/25 in pool "z" overlaps with already defined CIDR 10.0.5.0/24 (pool "p05", 10.0.5.0/24); pools must not share addresses',
        ],
      ],
    );
    const withNode = load(
      `apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {addresses: [{type: InternalIP, address: 10.0.0.1}, {type: InternalIP, address: 7}]}\n`,
      pool('a', '10.0.0.0/24'),
    );
    t.same(
      withNode.errors.map((e) => [e.code, e.kind]),
      [['POOL_CONTAINS_NODE_IP', 'IPAddressPool']],
      'a number where an address belongs is skipped, not a crash',
    );
  },
);
