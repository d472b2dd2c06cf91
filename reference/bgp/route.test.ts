import t from 'tap';
import fc from 'fast-check';
import { cidrOf, maskIP, parseIP } from '../model/ip.ts';
import type { AnnouncedRoute } from '../model/route.ts';
import { attributeKey, normalizeRoute } from './route.ts';

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

// Cases that Stryker showed no test could tell apart (mutation/stryker, `npm run mutation:unit -- bgp-codec`).
t.test('attributeKey: routes share a key only when every attribute is the same', async (t) => {
  const r = (over: Partial<AnnouncedRoute> = {}): AnnouncedRoute => ({
    prefix: cidrOf('203.0.113.1/32'),
    communities: [],
    largeCommunities: [],
    ...over,
  });
  t.equal(
    attributeKey(r()),
    attributeKey(r({ prefix: cidrOf('203.0.113.2/32') })),
    'the prefix is not part of it',
  );
  const differ: [string, AnnouncedRoute, AnnouncedRoute][] = [
    ['family', r(), r({ prefix: cidrOf('2001:db8::1/128') })],
    ['localPref 5 and 7', r({ localPref: 5 }), r({ localPref: 7 })],
    ['localPref 0 and none', r({ localPref: 0 }), r()],
    [
      'communities split differently',
      r({ communities: ['1:2', '34:5'] }),
      r({ communities: ['1:23', '4:5'] }),
    ],
    ['standard or large', r({ communities: ['1:2'] }), r({ largeCommunities: ['1:2'] })],
    [
      'large split differently',
      r({ largeCommunities: ['1:2:3', '45:6:7'] }),
      r({ largeCommunities: ['1:2:34', '5:6:7'] }),
    ],
  ];
  for (const [name, a, b] of differ) t.not(attributeKey(a), attributeKey(b), name);
});

t.test('normalizeRoute: messages, bounds, order and duplicates', async (t) => {
  const base = { prefix: cidrOf('203.0.113.1/32'), communities: [], largeCommunities: [] };
  t.same(normalizeRoute({ ...base, communities: ['x'] }), { error: 'bad community "x"' });
  t.same(normalizeRoute({ ...base, largeCommunities: ['1:2'] }), { error: 'bad large community "1:2"' });
  t.same(normalizeRoute({ ...base, localPref: -1 }), { error: 'bad localPref -1' });
  t.same(normalizeRoute({ ...base, localPref: 1.5 }), { error: 'bad localPref 1.5' });
  t.same(normalizeRoute({ ...base, localPref: 0x100000000 }), { error: 'bad localPref 4294967296' });
  t.same(normalizeRoute({ ...base, localPref: 0xffffffff }), { route: { ...base, localPref: 0xffffffff } });
  const n = normalizeRoute({ ...base, largeCommunities: ['1:2:5', '1:2:3', '1:2:5', '1:1:9', '0:9:9'] });
  t.same(n, { route: { ...base, largeCommunities: ['0:9:9', '1:1:9', '1:2:3', '1:2:5'] } });
  t.notOk('localPref' in (n as { route: object }).route, 'no localPref key when none was given');
});

t.test(
  'normalizeRoute: large communities whose digits read the same joined are still different',
  async (t) => {
    const prefix = cidrOf('203.0.113.200/30');
    const r = normalizeRoute({ prefix, communities: [], largeCommunities: ['12:3:4', '1:23:4', '1:2:34'] });
    t.same(r, { route: { prefix, communities: [], largeCommunities: ['1:2:34', '1:23:4', '12:3:4'] } });
  },
);
