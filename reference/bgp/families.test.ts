import t from 'tap';
import { ALL_FAMILIES, familyOfAfi, familyOfPrefix, negotiateFamilies } from './families.ts';
import { cidrOf } from '../model/ip.ts';

t.test('negotiated families = ours that the peer also offers (RFC 4760)', async (t) => {
  const v4 = { code: 1 as const, afi: 1, safi: 1 };
  const v6 = { code: 1 as const, afi: 2, safi: 1 };
  t.same(negotiateFamilies(['ipv4', 'ipv6'], [v4, v6, { code: 2 }]), ['ipv4', 'ipv6']);
  t.same(negotiateFamilies(['ipv4', 'ipv6'], [v6]), ['ipv6']);
  t.same(negotiateFamilies(['ipv6'], [v4, v6]), ['ipv6']);
  t.same(
    negotiateFamilies(['ipv4', 'ipv6'], [{ code: 65, asn: 1 }]),
    ['ipv4'],
    'no multiprotocol capability: IPv4 unicast implied',
  );
  t.same(
    negotiateFamilies(['ipv6'], []),
    [],
    'an IPv6-only speaker and a peer without capabilities share nothing',
  );
  t.same(
    negotiateFamilies(['ipv4', 'ipv6'], [{ code: 1, afi: 2, safi: 128 }]),
    [],
    'only unicast SAFI counts, and its presence cancels the IPv4 default',
  );
});

// Cases that Stryker showed no test could tell apart (mutation/stryker, `npm run mutation:unit -- bgp-codec`).
t.test('families: AFI/SAFI and prefixes', async (t) => {
  t.same(ALL_FAMILIES, ['ipv4', 'ipv6']);
  t.equal(familyOfAfi(1, 1), 'ipv4');
  t.equal(familyOfAfi(2, 1), 'ipv6');
  t.equal(familyOfAfi(25, 1), undefined, 'another AFI');
  t.equal(familyOfAfi(1, 2), undefined, 'multicast is not unicast');
  t.equal(familyOfPrefix(cidrOf('203.0.113.0/24')), 'ipv4');
  t.equal(familyOfPrefix(cidrOf('2001:db8::/32')), 'ipv6');
  t.same(
    negotiateFamilies(['ipv4', 'ipv6'], [{ code: 1, raw: Buffer.from([0]) }]),
    ['ipv4'],
    'a malformed MP capability is none',
  );
  t.same(
    negotiateFamilies(['ipv4', 'ipv6'], [{ code: 1, afi: 25, safi: 65 }]),
    [],
    'only another AFI: no family',
  );
  t.same(
    negotiateFamilies(
      ['ipv4', 'ipv6'],
      [
        { code: 65, asn: 1 },
        { code: 1, afi: 2, safi: 1 },
      ],
    ),
    ['ipv6'],
  );
});
