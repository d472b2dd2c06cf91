import t from 'tap';
import { negotiateFamilies } from './families.ts';

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
