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

// Cases that Stryker showed no test could tell apart (mutation/stryker, `npm run mutation:unit -- bgp-codec`).
t.test('attributes: only what the route and session call for', async (t) => {
  const [plain] = decodeAll(packAnnouncements([r('203.0.113.1/32')], ibgp));
  t.same(
    plain!.attributes,
    { origin: 0, asPath: [], nextHop: '192.0.2.11' },
    'no LOCAL_PREF, no communities',
  );
  const big = 4200000000;
  const two = (ctx: WireContext) => {
    const m = packAnnouncements([r('203.0.113.1/32')], ctx);
    return decodeUpdate((decodeMessage(m[0]!) as { body: Buffer }).body, false).attributes;
  };
  t.same(
    two({ ...ebgp, fourOctet: false, myAsn: big }).as4Path,
    [{ type: 2, asns: [big] }],
    'AS4_PATH for a 4-octet ASN',
  );
  t.same(two({ ...ebgp, fourOctet: false, myAsn: big }).asPath, [{ type: 2, asns: [23456] }]);
  t.equal(two({ ...ebgp, fourOctet: false, myAsn: 65535 }).as4Path, undefined, 'a 2-octet ASN needs none');
  t.equal(two({ ...ibgp, fourOctet: false, myAsn: big }).as4Path, undefined, 'iBGP: empty AS_PATH, none');
  const [four] = decodeAll(packAnnouncements([r('203.0.113.1/32')], { ...ebgp, myAsn: big }));
  t.equal(four!.attributes.as4Path, undefined, '4-octet session: none');
});

t.test('packing: nothing in, nothing out; no next hop of a family, none of its routes', async (t) => {
  t.same(packAnnouncements([], ibgp), []);
  t.same(packWithdrawals([]), []);
  const both = [r('203.0.113.1/32'), r('2001:db8::1/128')];
  const { nextHopV4: _4, ...noV4 } = ibgp;
  const { nextHopV6: _6, ...noV6 } = ibgp;
  t.same(
    decodeAll(packAnnouncements(both, noV4)).map((u) => u.attributes.mpReach?.nlri.map(formatCidr)),
    [['2001:db8::1/128']],
  );
  t.same(
    decodeAll(packAnnouncements(both, noV6)).map((u) => u.nlri.map(formatCidr)),
    [['203.0.113.1/32']],
  );
});

t.test('packing: the same UPDATEs whatever the order of the routes', async (t) => {
  const routes = [
    r('203.0.113.2/32', { localPref: 0 }),
    r('203.0.113.1/32', { localPref: 0 }),
    r('203.0.113.3/32', { localPref: 100, communities: ['1:2'] }),
    r('2001:db8::2/128', { localPref: 0 }),
    r('2001:db8::1/128', { localPref: 0 }),
  ];
  const want = packAnnouncements(routes, ibgp);
  t.same(packAnnouncements([...routes].reverse(), ibgp), want);
  t.same(packAnnouncements([routes[2]!, routes[4]!, routes[0]!, routes[3]!, routes[1]!], ibgp), want);
  t.same(
    decodeAll(want).map((u) => [...u.nlri, ...(u.attributes.mpReach?.nlri ?? [])].map(formatCidr)),
    [['203.0.113.1/32', '203.0.113.2/32'], ['203.0.113.3/32'], ['2001:db8::1/128', '2001:db8::2/128']],
    'prefixes in order inside each UPDATE',
  );
  const w = [cidrOf('203.0.113.2/32'), cidrOf('2001:db8::1/128'), cidrOf('203.0.113.1/32')];
  t.same(packWithdrawals(w), packWithdrawals([...w].reverse()));
});

t.test('packing fills each UPDATE up to 4096 octets exactly, and never past it', async (t) => {
  // iBGP, LOCAL_PREF and one community: 28 octets of attributes leave 4045 = 809 x 5 for /32 NLRI.
  const v4 = Array.from({ length: 1618 }, (_, i) =>
    r(`10.${(i >> 8) & 255}.${i & 255}.1/32`, { localPref: 0, communities: ['1:2'] }),
  );
  const m4 = packAnnouncements(v4, ibgp);
  t.same(
    m4.map((m) => m.length),
    [4096, 4096],
  );
  t.same(
    decodeAll(m4).map((u) => u.nlri.length),
    [809, 809],
  );
  // IPv6 /64 in MP_REACH_NLRI: 9 octets each, 448 fit after the attributes and the MP header.
  const v6 = Array.from({ length: 1000 }, (_, i) => r(`2001:db8:${i.toString(16)}::/64`, { localPref: 0 }));
  const m6 = decodeAll(packAnnouncements(v6, ibgp));
  t.same(
    m6.map((u) => u.attributes.mpReach!.nlri.length),
    [448, 448, 104],
  );
  const wv6 = decodeAll(packWithdrawals(v6.map((x) => x.prefix)));
  t.same(
    wv6.map((u) => u.attributes.mpUnreach!.withdrawn.length),
    [451, 451, 98],
  );
  const wv4 = packWithdrawals(v4.map((x) => x.prefix));
  t.same(
    decodeAll(wv4).map((u) => u.withdrawn.length),
    [814, 804],
  );
});
