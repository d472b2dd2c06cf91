import t from 'tap';
import fc from 'fast-check';
import { cidrOf, maskIP, parseIP } from '../model/ip.ts';
import { normalizeRoute } from './route.ts';

t.test(
  'normalizeRoute: communities sorted numerically and de-duplicated; the parsed prefix kept',
  async (t) => {
    const prefix = cidrOf('203.0.113.200/30');
    t.same(
      normalizeRoute({
        prefix,
        communities: ['65000:10', '65000:9', '65000:10', '065000:09'],
        largeCommunities: ['1:2:3', '1:1:4', '01:2:3'],
        localPref: 0,
      }),
      {
        route: {
          prefix,
          communities: ['65000:9', '65000:10'],
          largeCommunities: ['1:1:4', '1:2:3'],
          localPref: 0,
        },
      },
    );
  },
);

t.test('normalizeRoute refuses what cannot be encoded', async (t) => {
  const prefix = cidrOf('203.0.113.1/32');
  const bad = [
    { prefix, communities: ['65536:1'], largeCommunities: [] },
    { prefix, communities: ['no-export'], largeCommunities: [] },
    { prefix, communities: ['large:1:2:3'], largeCommunities: [] },
    { prefix, communities: [], largeCommunities: ['4294967296:0:0'] },
    { prefix, communities: [], largeCommunities: ['large:1:2:3'] },
    { prefix, communities: [], largeCommunities: [], localPref: -1 },
  ];
  for (const r of bad) t.ok('error' in normalizeRoute(r), JSON.stringify({ ...r, prefix: '203.0.113.1/32' }));
});

t.test('normalizeRoute is idempotent', async (t) => {
  const u16 = fc.nat(0xffff);
  const arb = fc.record(
    {
      prefix: fc
        .tuple(fc.nat(255), fc.nat(255), fc.integer({ min: 0, max: 32 }))
        .map(([a, b, l]) => maskIP(parseIP(`203.${a}.${b}.7`)!, l)),
      communities: fc.array(
        fc.tuple(u16, u16).map(([a, b]) => `${a}:${b}`),
        { maxLength: 5 },
      ),
      largeCommunities: fc.array(
        fc.tuple(fc.nat(), fc.nat(), fc.nat()).map((x) => x.join(':')),
        { maxLength: 3 },
      ),
    },
    { noNullPrototype: true },
  );
  fc.assert(
    fc.property(arb, (r) => {
      const once = normalizeRoute(r);
      if (!('route' in once)) return false;
      t.same(normalizeRoute(once.route), once);
      return true;
    }),
    { numRuns: 200 },
  );
});
