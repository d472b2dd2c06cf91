import t from 'tap';
import fc from 'fast-check';
import { decodeMessage } from './messages.ts';
import { packAnnouncements, packWithdrawals, type WireContext } from './packer.ts';
import { cidrOf, formatCidr } from '../model/ip.ts';
import { AdjRibOut } from './rib-out.ts';
import type { AnnouncedRoute } from '../model/route.ts';
import { decodeUpdate } from './update.ts';

const ibgp: WireContext = {
  ibgp: true,
  myAsn: 64500,
  fourOctet: true,
  nextHopV4: '192.0.2.11',
  nextHopV6: '2001:db8:0:1::b',
};
const ebgp: WireContext = { ...ibgp, ibgp: false };
const r = (prefix: string, over: Partial<AnnouncedRoute> = {}): AnnouncedRoute => ({
  prefix: cidrOf(prefix),
  communities: [],
  largeCommunities: [],
  ...over,
});

function decodeAll(messages: Buffer[]) {
  return messages.map((m) => {
    t.ok(m.length <= 4096, 'message within 4096 bytes');
    const msg = decodeMessage(m);
    return decodeUpdate((msg as { body: Buffer }).body);
  });
}

t.test(
  'iBGP: LOCAL_PREF present (even 0), empty AS_PATH, IPv6 in MP_REACH with the IPv6 next hop',
  async (t) => {
    const [v4, v6] = decodeAll(
      packAnnouncements(
        [r('203.0.113.200/32', { localPref: 0 }), r('fc00:f853:ccd:e799::/128', { localPref: 0 })],
        ibgp,
      ),
    );
    t.same(v4!.attributes, { origin: 0, asPath: [], nextHop: '192.0.2.11', localPref: 0 });
    t.same(v4!.nlri.map(formatCidr), ['203.0.113.200/32']);
    t.same(v6!.attributes.asPath, []);
    t.same(v6!.attributes.mpReach?.nextHops, ['2001:db8:0:1::b']);
    t.same(v6!.attributes.mpReach?.nlri.map(formatCidr), ['fc00:f853:ccd:e799::/128']);
    t.equal(v6!.attributes.nextHop, undefined, 'no IPv4 NEXT_HOP in an MP-only UPDATE');
  },
);

t.test('eBGP: AS_PATH is [myAsn], no LOCAL_PREF even if given; communities numeric', async (t) => {
  const [u] = decodeAll(
    packAnnouncements(
      [r('203.0.113.200/32', { localPref: 100, communities: ['65535:65282'], largeCommunities: ['1:2:3'] })],
      ebgp,
    ),
  );
  t.same(u!.attributes.asPath, [{ type: 2, asns: [64500] }]);
  t.equal(u!.attributes.localPref, undefined);
  t.same(u!.attributes.communities, [0xffffff02]);
  t.same(u!.attributes.largeCommunities, [[1, 2, 3]]);
});

t.test(
  'packing: minimal message count, never over 4096 bytes, exactly the input prefixes back',
  async (t) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 3 }), (n, groups) => {
        const routes = Array.from({ length: n }, (_, i) =>
          r(`10.${(i >> 8) & 255}.${i & 255}.0/24`, { communities: [`64500:${i % groups}`] }),
        );
        const msgs = packAnnouncements(routes, ibgp);
        const back = decodeAll(msgs)
          .flatMap((u) => u.nlri.map(formatCidr))
          .sort();
        t.same(back, routes.map((x) => formatCidr(x.prefix)).sort());
        // 4 octets per /24; attributes ~ 40 bytes: each message holds about 1000 prefixes.
        const perGroup = Math.ceil(n / groups);
        t.ok(
          msgs.length <= groups * Math.ceil(perGroup / 1000),
          `${msgs.length} messages for ${n} routes in ${groups} groups`,
        );
      }),
      { numRuns: 20 },
    );
    const w = packWithdrawals(
      Array.from({ length: 2000 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`)
        .concat(['fc00::/124'])
        .map(cidrOf),
    );
    const decoded = decodeAll(w);
    t.equal(decoded.flatMap((u) => u.withdrawn).length, 2000);
    t.same(decoded.flatMap((u) => u.attributes.mpUnreach?.withdrawn ?? []).map(formatCidr), ['fc00::/124']);
    t.equal(w.length, 3, 'two IPv4 withdraw messages and one MP_UNREACH');
  },
);

t.test('Adj-RIB-Out sends only differences and replaces changed routes without a withdraw', async (t) => {
  const rib = new AdjRibOut();
  t.same(rib.setDesired([r('203.0.113.200/32'), r('203.0.113.200/30')]), {
    announce: [r('203.0.113.200/32'), r('203.0.113.200/30')],
    withdraw: [],
  });
  t.same(
    rib.setDesired([r('203.0.113.200/32'), r('203.0.113.200/30')]),
    { announce: [], withdraw: [] },
    'unchanged: nothing',
  );
  t.same(
    rib.setDesired([r('203.0.113.200/32', { communities: ['1:1'] }), r('203.0.113.200/30')]),
    { announce: [r('203.0.113.200/32', { communities: ['1:1'] })], withdraw: [] },
    'changed: implicit replace',
  );
  t.same(rib.setDesired([r('203.0.113.200/30')]), { announce: [], withdraw: [cidrOf('203.0.113.200/32')] });
  t.equal(rib.all().length, 1);
});
