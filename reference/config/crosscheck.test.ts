// crosscheck.ts, the pool overlap sweep: cases crosscheck-rules.test.ts leaves open (CIDRs starting at
// the same address, and a wider CIDR of a later pool met before an entry of an earlier pool that is not
// that pool's first). MetalLB (internal/config/config.go) checks each pool's CIDRs against every CIDR
// defined before it and names the later one ("overlaps with already defined CIDR").
import t from 'tap';
import { parseManifestText } from './load.ts';

const pool = (n: string, addrs: string) =>
  `apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: ${n}}\nspec: {addresses: [${addrs}]}\n`;
const load = (...docs: string[]) => parseManifestText(docs.join('---\n'), 'f.yaml');
const errorsOf = (...docs: string[]) =>
  load(...docs).errors.map((x) => [x.code, x.line, x.kind, x.name, x.field, x.message]);

t.test('CIDRs starting at one address, narrowest first: every later pool is reported', async (t) => {
  const errors = errorsOf(pool('a', '10.0.0.0/24'), pool('b', '10.0.0.0/16'), pool('c', '10.0.0.0/8'));
  t.same(
    errors.map((e) => e.slice(0, 5)),
    [
      ['POOL_OVERLAP', 9, 'IPAddressPool', 'b', 'spec.addresses[0]'],
      ['POOL_OVERLAP', 14, 'IPAddressPool', 'c', 'spec.addresses[0]'],
    ],
  );
  t.equal(
    errors[0]![5],
    'CIDR 10.0.0.0/16 in pool "b" overlaps with already defined CIDR 10.0.0.0/24 (pool "a", 10.0.0.0/24); pools must not share addresses',
  );
  t.match(
    errors[1]![5],
    /^CIDR 10\.0\.0\.0\/8 in pool "c" overlaps with already defined CIDR 10\.0\.0\.0\/(24|16) \(pool "(a|b)", 10\.0\.0\.0\/(24|16)\); pools must not share addresses$/,
    'against one of the pools defined before it',
  );
  t.same(
    errorsOf(pool('a', '10.0.0.0/8'), pool('b', '10.0.0.0/16'), pool('c', '10.0.0.0/24')).map((e) => e[3]),
    ['b', 'c'],
    'widest first: the same two pools',
  );
});

t.test(
  'a later pool reaching past an earlier pool’s second entry is the one reported, not that entry',
  async (t) => {
    t.same(errorsOf(pool('a', '192.168.0.0/24, 10.1.0.0/16'), pool('b', '10.0.0.0/8')), [
      [
        'POOL_OVERLAP',
        9,
        'IPAddressPool',
        'b',
        'spec.addresses[0]',
        'CIDR 10.0.0.0/8 in pool "b" overlaps with already defined CIDR 10.1.0.0/16 (pool "a", 10.1.0.0/16); pools must not share addresses',
      ],
    ]);
    t.same(
      errorsOf(pool('a', '2001:db8:ffff::/48, 2001:db8:1::/48'), pool('b', '2001:db8::/32')).map((e) => [
        e[3],
        e[4],
      ]),
      [['b', 'spec.addresses[0]']],
      'the same in IPv6',
    );
  },
);
