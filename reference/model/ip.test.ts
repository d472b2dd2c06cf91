import t from 'tap';
import fc from 'fast-check';
import {
  canonicalIP,
  cidrContains,
  cidrFirst,
  cidrOf,
  cidrLast,
  cidrSize,
  cidrsOverlap,
  compareCidr,
  compareIP,
  familyBits,
  formatCidr,
  formatIP,
  ipBytes,
  ipFromBytes,
  isBuggyIP,
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

// Cases that Stryker showed no test could tell apart (mutation/stryker, `npm run mutation:unit -- model`).
t.test('parse edges: the longest text, embedded IPv4, group counts, not a string', async (t) => {
  const longest = '0000:0000:0000:0000:0000:ffff:255.255.255.255';
  t.equal(longest.length, 45);
  t.equal(canonicalIP(longest), '::ffff:255.255.255.255', 'the longest valid text (45 characters) parses');
  t.equal(parseIP('::ffff:192.0.2.256'), undefined, 'a bad embedded IPv4 is refused');
  t.equal(parseIP('1:2:3:4:5:6:7:8::1::2'), undefined, 'two "::" even after eight groups');
  t.equal(canonicalIP('1:2:3:4:5:6::7'), '1:2:3:4:5:6:0:7', '"::" may stand for one group');
  t.equal(parseIP('1:2:3:4:5:6:7::8'), undefined, '"::" with eight groups around it');
  t.equal(parseIP('g:1:2:3:4:5:6:7'), undefined, 'a bad group without "::"');
  t.equal(parseIP(undefined as unknown as string), undefined, 'not a string: no throw');
  t.equal(canonicalIP('2001:DB8::0001'), '2001:db8::1');
  t.equal(canonicalIP('192.0.2.01'), undefined);
});

t.test('parseCidr says what is wrong', async (t) => {
  t.same(parseCidr('2001:db8::'), { ok: false, reason: 'missing "/prefix-length"' });
  t.same(parseCidr('/24'), { ok: false, reason: '"" is not an IPv4 or IPv6 address' });
  t.same(parseCidr('x/24'), { ok: false, reason: '"x" is not an IPv4 or IPv6 address' });
  t.same(parseCidr('203.0.113.0/33'), { ok: false, reason: 'prefix length "33" is not a number in 0..32' });
  t.same(parseCidr('203.0.113.0/x'), { ok: false, reason: 'prefix length "x" is not a number in 0..32' });
  t.same(parseCidr('203.0.113.201/30'), {
    ok: false,
    reason: 'host bits are set; did you mean 203.0.113.200/30?',
  });
});

t.test('containment and overlap: families apart, edges included', async (t) => {
  t.notOk(cidrContains(cidrOf('0.0.0.0/0'), parseIP('::1')!), 'an IPv6 address is in no IPv4 prefix');
  t.notOk(cidrContains(cidrOf('203.0.113.0/24'), parseIP('203.0.114.1')!));
  t.ok(cidrContains(cidrOf('203.0.113.0/24'), parseIP('203.0.113.255')!));
  t.notOk(cidrsOverlap(cidrOf('0.0.0.0/0'), cidrOf('::/0')), 'families never overlap');
  t.ok(cidrsOverlap(cidrOf('203.0.113.7/32'), cidrOf('203.0.113.7/32')), 'the same host');
  t.ok(cidrsOverlap(cidrOf('203.0.113.0/24'), cidrOf('203.0.113.128/25')));
  t.ok(cidrsOverlap(cidrOf('203.0.113.128/25'), cidrOf('203.0.113.0/24')));
  t.notOk(cidrsOverlap(cidrOf('203.0.113.0/25'), cidrOf('203.0.113.128/25')), 'neighbours');
  t.notOk(cidrsOverlap(cidrOf('203.0.113.128/25'), cidrOf('203.0.113.0/25')));
  t.throws(() => rangeToCidrs(parseIP('192.0.2.1')!, parseIP('::1')!), {
    name: 'RangeError',
    message: 'range ends are of different families',
  });
});

t.test('isBuggyIP: IPv4 .0 and .255 only', async (t) => {
  t.ok(isBuggyIP(parseIP('192.0.2.0')!));
  t.ok(isBuggyIP(parseIP('192.0.2.255')!));
  t.notOk(isBuggyIP(parseIP('192.0.2.1')!));
  t.notOk(isBuggyIP(parseIP('192.0.2.254')!));
  t.notOk(isBuggyIP(parseIP('2001:db8::')!), 'IPv6 is never avoided');
  t.notOk(isBuggyIP(parseIP('2001:db8::ff')!));
});

t.test('compareIP and compareCidr: IPv4 first, then numeric, then shorter first', async (t) => {
  const ip = (s: string) => parseIP(s)!;
  t.ok(compareIP(ip('255.255.255.255'), ip('::')) < 0, 'IPv4 before IPv6');
  t.ok(compareIP(ip('::'), ip('255.255.255.255')) > 0);
  t.equal(compareIP(ip('192.0.2.1'), ip('192.0.2.2')), -1);
  t.equal(compareIP(ip('192.0.2.2'), ip('192.0.2.1')), 1);
  t.equal(compareIP(ip('192.0.2.2'), ip('192.0.2.2')), 0);
  t.ok(compareCidr(cidrOf('255.0.0.0/8'), cidrOf('::/0')) < 0, 'IPv4 before IPv6');
  t.ok(compareCidr(cidrOf('::/0'), cidrOf('255.0.0.0/8')) > 0);
  t.equal(compareCidr(cidrOf('192.0.2.0/24'), cidrOf('198.51.100.0/24')), -1);
  t.equal(compareCidr(cidrOf('198.51.100.0/24'), cidrOf('192.0.2.0/24')), 1);
  t.ok(compareCidr(cidrOf('192.0.2.0/24'), cidrOf('192.0.2.0/25')) < 0, 'shorter first');
  t.ok(compareCidr(cidrOf('192.0.2.0/25'), cidrOf('192.0.2.0/24')) > 0);
  t.equal(compareCidr(cidrOf('192.0.2.0/24'), cidrOf('192.0.2.0/24')), 0);
});

t.test('ipFromBytes: 4 octets are IPv4; other lengths are refused with the count', async (t) => {
  t.same(ipFromBytes(Buffer.from([192, 0, 2, 1])), { family: 4, value: parseIP('192.0.2.1')!.value });
  t.throws(() => ipFromBytes(Buffer.alloc(5)), { message: 'an address has 4 or 16 bytes, not 5' });
  t.throws(() => cidrOf('192.0.2.1/24'), {
    code: 'BAD_CIDR',
    message: '"192.0.2.1/24": host bits are set; did you mean 192.0.2.0/24?',
  });
});
