import t from 'tap';
import { cidrOf, formatCidr } from '../model/ip.ts';
import { AFI_IPV4, AFI_IPV6, addressBytes, encodedPrefixSize, readPrefixes, writePrefix } from './nlri.ts';

t.test('addressBytes: 4 or 16 octets, or a coded error', async (t) => {
  t.same([...addressBytes('192.0.2.1')], [192, 0, 2, 1]);
  t.equal(addressBytes('2001:db8::1').length, 16);
  t.throws(() => addressBytes('192.0.2'), {
    code: 'BGP_BAD_ADDRESS',
    message: 'not an IP address: "192.0.2"',
  });
});

t.test('NLRI: the length octet and only the octets the length needs', async (t) => {
  t.same(
    ['0.0.0.0/0', '128.0.0.0/1', '10.0.0.0/8', '10.128.0.0/9', '203.0.113.1/32', '2001:db8::1/128'].map((p) =>
      encodedPrefixSize(cidrOf(p)),
    ),
    [1, 2, 2, 3, 5, 17],
  );
  const out = Buffer.alloc(8, 0xee);
  t.equal(writePrefix(cidrOf('10.128.0.0/9'), out, 2), 5, 'returns the next offset');
  t.same([...out], [0xee, 0xee, 9, 10, 128, 0xee, 0xee, 0xee], 'writes nothing past its octets');
});

t.test('readPrefixes: whole valid lists only, host bits cleared', async (t) => {
  const read = (bytes: number[], afi: typeof AFI_IPV4 | typeof AFI_IPV6 = AFI_IPV4) =>
    readPrefixes(Buffer.from(bytes), afi)?.map(formatCidr);
  t.same(read([]), []);
  t.same(read([32, 203, 0, 113, 1, 0]), ['203.0.113.1/32', '0.0.0.0/0']);
  t.same(read([23, 203, 0, 113]), ['203.0.112.0/23'], 'host bits cleared');
  t.equal(read([33, 203, 0, 113, 1, 0]), undefined, 'longer than 32 for IPv4');
  t.equal(read([32, 203, 0, 113]), undefined, 'one octet short');
  t.same(read([128, ...new Array(16).fill(0xff)], AFI_IPV6), ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128']);
  t.equal(read([129, ...new Array(17).fill(0)], AFI_IPV6), undefined, 'longer than 128 for IPv6');
  t.same(read([64, 0x20, 1, 0x0d, 0xb8, 0, 0, 0, 1, 8, 10], AFI_IPV6), ['2001:db8:0:1::/64', 'a00::/8']);
});
