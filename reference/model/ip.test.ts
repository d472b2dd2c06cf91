import t from 'tap';
import fc from 'fast-check';
import {
  cidrContains,
  cidrFirst,
  cidrOf,
  cidrLast,
  cidrSize,
  cidrsOverlap,
  familyBits,
  formatCidr,
  formatIP,
  ipBytes,
  ipFromBytes,
  maskIP,
  parseCidr,
  parseIP,
  rangeToCidrs,
  type Family,
  type IP,
} from './ip.ts';

t.test('parse and format: canonical RFC 5952 text', async (t) => {
  const cases: [string, string][] = [
    ['203.0.113.200', '203.0.113.200'],
    ['fc00:f853:ccd:e799:0:0:0:0', 'fc00:f853:ccd:e799::'],
    ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0db8::0001', '2001:db8::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
  ];
  for (const [input, want] of cases) t.equal(formatIP(parseIP(input)!), want, input);
  for (const bad of [
    '',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '256.1.1.1',
    '1::2::3',
    '12345::',
    'g::1',
    '1:2:3:4:5:6:7:8:9',
    'fe80::1%eth0',
    ' 1.2.3.4',
  ]) {
    t.equal(parseIP(bad), undefined, `rejects ${JSON.stringify(bad)}`);
  }
});

t.test('parseCidr rejects host bits and bad lengths', async (t) => {
  t.same(parseCidr('203.0.113.200/30'), {
    ok: true,
    value: { family: 4, addr: parseIP('203.0.113.200')!.value, len: 30 },
  });
  t.equal(parseCidr('203.0.113.201/30').ok, false);
  t.equal(parseCidr('203.0.113.0/33').ok, false);
  t.equal(parseCidr('2001:db8::/129').ok, false);
  t.equal(parseCidr('2001:db8::/032').ok, false);
  t.equal(parseCidr('2001:db8::').ok, false);
});

t.test('the document range summarises to /30 /29 /28 /26 /29 /32', async (t) => {
  const cidrs = rangeToCidrs(parseIP('4.4.4.100')!, parseIP('4.4.4.200')!);
  t.same(cidrs.map(formatCidr), [
    '4.4.4.100/30',
    '4.4.4.104/29',
    '4.4.4.112/28',
    '4.4.4.128/26',
    '4.4.4.192/29',
    '4.4.4.200/32',
  ]);
  t.same(rangeToCidrs(parseIP('2001:100:4::200')!, parseIP('2001:100:4::400')!).map(formatCidr), [
    '2001:100:4::200/119',
    '2001:100:4::400/128',
  ]);
  t.same(rangeToCidrs(parseIP('0.0.0.0')!, parseIP('255.255.255.255')!).map(formatCidr), ['0.0.0.0/0']);
});

const arbFamily = fc.constantFrom<Family>(4, 6);
const arbIP = (f: Family): fc.Arbitrary<IP> =>
  fc.bigInt({ min: 0n, max: (1n << BigInt(familyBits(f))) - 1n }).map((value) => ({ family: f, value }));
const anyIP = arbFamily.chain(arbIP);

t.test('property: format/parse round trip', async () => {
  fc.assert(
    fc.property(anyIP, (ip) => {
      const back = parseIP(formatIP(ip))!;
      return back.family === ip.family && back.value === ip.value && formatIP(back) === formatIP(ip);
    }),
  );
});

t.test(
  'property: aggregation prefix contains the IP, has the length, is canonical, same for the whole aggregate',
  async () => {
    fc.assert(
      fc.property(
        arbFamily.chain((f) =>
          fc.tuple(
            arbIP(f),
            fc.integer({ min: 0, max: familyBits(f) }),
            fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          ),
        ),
        ([ip, len, offset]) => {
          const p = maskIP(ip, len);
          const parsed = parseCidr(formatCidr(p));
          if (!parsed.ok || parsed.value.addr !== p.addr || parsed.value.len !== len) return false; // canonical
          if (!cidrContains(p, ip) || p.len !== len) return false;
          // Any other IP in the same aggregate gets the same prefix.
          const other: IP = { family: ip.family, value: p.addr + (offset % cidrSize(p)) };
          return formatCidr(maskIP(other, len)) === formatCidr(p);
        },
      ),
    );
  },
);

t.test('property: ranges summarise to a minimal, exact, non-overlapping cover', async () => {
  fc.assert(
    fc.property(
      arbFamily.chain((f) =>
        fc.tuple(
          arbIP(f),
          fc.bigInt({ min: 0n, max: 5000n }),
          fc.bigInt({ min: 0n, max: 1n << 40n }),
          fc.boolean(),
        ),
      ),
      ([start, span, bigSpan, useBig]) => {
        const max = (1n << BigInt(familyBits(start.family))) - 1n;
        let endV = start.value + (useBig ? bigSpan : span);
        if (endV > max) endV = max;
        const cidrs = rangeToCidrs(start, { family: start.family, value: endV });
        // Exact and in order: each block starts where the previous one ended, first = start, last = end.
        let next = start.value;
        for (const c of cidrs) {
          if (cidrFirst(c) !== next) return false;
          if ((c.addr & ((1n << BigInt(familyBits(c.family) - c.len)) - 1n)) !== 0n) return false;
          next = cidrLast(c) + 1n;
        }
        if (next - 1n !== endV) return false;
        // Non-overlapping.
        for (let i = 1; i < cidrs.length; i++) if (cidrsOverlap(cidrs[i - 1]!, cidrs[i]!)) return false;
        // Minimal: no two neighbours could merge into one aligned block.
        for (let i = 1; i < cidrs.length; i++) {
          const a = cidrs[i - 1]!;
          const b = cidrs[i]!;
          if (
            a.len === b.len &&
            a.len > 0 &&
            maskIP({ family: a.family, value: a.addr }, a.len - 1).addr === a.addr &&
            cidrLast(a) + 1n === b.addr
          )
            return false;
        }
        return true;
      },
    ),
  );
});

t.test('bytes: network order, 4 or 16; an IPv4-mapped address stays 16 bytes (IPv6)', async (t) => {
  t.same([...ipBytes(parseIP('203.0.113.7')!)], [203, 0, 113, 7]);
  const mapped = parseIP('::ffff:203.0.113.7')!;
  t.equal(mapped.family, 6);
  t.same([...ipBytes(mapped)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 203, 0, 113, 7]);
  t.equal(formatIP(ipFromBytes(ipBytes(mapped))), '::ffff:203.0.113.7');
  t.throws(() => ipFromBytes(Buffer.alloc(5)), RangeError);
  t.equal(formatCidr(cidrOf('::ffff:203.0.113.0/120')), '::ffff:203.0.113.0/120');
  t.throws(() => cidrOf('203.0.113.1/24'), { code: 'BAD_CIDR' }, 'host bits set: a bug, with a code');
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), (value) => {
      const ip: IP = { family: 6, value };
      return ipFromBytes(ipBytes(ip)).value === value;
    }),
  );
});
