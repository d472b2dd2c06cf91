import t from 'tap';
import fc from 'fast-check';
import { normalizeRoute } from './route.ts';

t.test('normalizeRoute: canonical prefix, communities sorted numerically and de-duplicated', async (t) => {
  t.same(
    normalizeRoute({
      prefix: '203.0.113.201/30',
      communities: ['65000:10', '65000:9', '65000:10'],
      largeCommunities: ['1:2:3', '1:1:4'],
      localPref: 0,
    }),
    {
      route: {
        prefix: '203.0.113.200/30',
        communities: ['65000:9', '65000:10'],
        largeCommunities: ['1:1:4', '1:2:3'],
        localPref: 0,
      },
    },
  );
  t.same(
    normalizeRoute({ prefix: 'FC00:F853:0CCD:E799:0:0:0:0/128', communities: [], largeCommunities: [] }),
    {
      route: { prefix: 'fc00:f853:ccd:e799::/128', communities: [], largeCommunities: [] },
    },
  );
});

t.test('normalizeRoute refuses what cannot be encoded', async (t) => {
  const bad = [
    { prefix: 'nope', communities: [], largeCommunities: [] },
    { prefix: '203.0.113.0/33', communities: [], largeCommunities: [] },
    { prefix: '203.0.113.1/32', communities: ['65536:1'], largeCommunities: [] },
    { prefix: '203.0.113.1/32', communities: ['no-export'], largeCommunities: [] },
    { prefix: '203.0.113.1/32', communities: [], largeCommunities: ['4294967296:0:0'] },
    { prefix: '203.0.113.1/32', communities: [], largeCommunities: [], localPref: -1 },
  ];
  for (const r of bad) t.ok('error' in normalizeRoute(r), JSON.stringify(r));
});

t.test('normalizeRoute is idempotent', async (t) => {
  const u16 = fc.nat(0xffff);
  const arb = fc.record(
    {
      prefix: fc
        .tuple(fc.nat(255), fc.nat(255), fc.integer({ min: 0, max: 32 }))
        .map(([a, b, l]) => `203.${a}.${b}.7/${l}`),
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
