import t from 'tap';
import fc from 'fast-check';
import { decodeMessage } from './messages.ts';
import { type Cidr, formatCidr, maskIP, parseIP } from '../model/ip.ts';
import { AFI_IPV6 } from './nlri.ts';
import { BgpDecodeError } from './errors.ts';
import { throwsDecode } from './test-helpers.ts';
import { decodeUpdate, encodeUpdate, encodeUpdateRaw, type Update } from './update.ts';

/** `addr/len` with any host bits cleared (random addresses make random host bits). */
const masked = (text: string): Cidr => {
  const [addr = '', len] = text.split('/');
  return maskIP(parseIP(addr)!, Number(len));
};

const v4prefix = fc
  .tuple(fc.nat(0xffffffff), fc.integer({ min: 0, max: 32 }))
  .map(([a, l]) => masked(`${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/${l}`));
const v6prefix = fc
  .tuple(fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 128 }))
  .map(([g, l]) => masked(`${g.map((x) => x.toString(16)).join(':')}/${l}`));
const asn = fc.integer({ min: 1, max: 4294967295 });

function bodyOf(u: Update, four = true): Buffer {
  const wire = encodeUpdate(u, four);
  const msg = decodeMessage(wire);
  if (msg.type !== 'update') throw new Error('not an update');
  return msg.body;
}

t.test('prefixes: parse/format is canonical and host bits are cleared', async (t) => {
  t.equal(formatCidr(masked('203.0.113.201/30')), '203.0.113.200/30');
  t.equal(formatCidr(masked('fc00:f853:ccd:e799:0:0:0:1/128')), 'fc00:f853:ccd:e799::1/128');
  t.equal(formatCidr(masked('2001:db8:0:1::b/64')), '2001:db8:0:1::/64');
  t.equal(formatCidr(masked('::/0')), '::/0');
});

t.test('UPDATE round trip for every attribute (4-octet and 2-octet AS encoding)', async (t) => {
  const update = fc.record(
    {
      withdrawn: fc.array(v4prefix, { maxLength: 5 }),
      nlri: fc.array(v4prefix, { maxLength: 5 }),
      attributes: fc.record(
        {
          origin: fc.integer({ min: 0, max: 2 }),
          asPath: fc.array(
            fc.record(
              {
                type: fc.constantFrom(1 as const, 2 as const),
                asns: fc.array(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 5 }),
              },
              { noNullPrototype: true },
            ),
            { maxLength: 3 },
          ),
          nextHop: fc.constant('192.0.2.11'),
          med: fc.nat(0xffffffff),
          localPref: fc.nat(0xffffffff),
          atomicAggregate: fc.constant(true),
          aggregator: fc.record(
            { asn: fc.integer({ min: 1, max: 65535 }), address: fc.constant('192.0.2.1') },
            { noNullPrototype: true },
          ),
          communities: fc.array(fc.nat(0xffffffff), { minLength: 1, maxLength: 6 }),
          largeCommunities: fc.array(fc.tuple(asn, fc.nat(0xffffffff), fc.nat(0xffffffff)), {
            minLength: 1,
            maxLength: 3,
          }),
          mpReach: fc.record(
            {
              afi: fc.constant(AFI_IPV6),
              safi: fc.constant(1),
              nextHops: fc.constant(['2001:db8::1']),
              nlri: fc.array(v6prefix, { maxLength: 5 }),
            },
            { noNullPrototype: true },
          ),
          mpUnreach: fc.record(
            {
              afi: fc.constant(AFI_IPV6),
              safi: fc.constant(1),
              withdrawn: fc.array(v6prefix, { maxLength: 5 }),
            },
            { noNullPrototype: true },
          ),
          as4Path: fc.array(
            fc.record(
              { type: fc.constant(2 as const), asns: fc.array(asn, { minLength: 1, maxLength: 3 }) },
              { noNullPrototype: true },
            ),
            { maxLength: 2 },
          ),
          unknown: fc.constant([{ flags: 0xc0, type: 99, value: Buffer.from([1, 2, 3]) }]),
        },
        { requiredKeys: [], noNullPrototype: true },
      ),
    },
    { noNullPrototype: true },
  );
  fc.assert(
    fc.property(update, fc.boolean(), (u, four) => {
      // Mandatory attributes present whenever NLRI is, so nothing is treated as withdrawn.
      const full = {
        ...u,
        attributes: { origin: 0, asPath: [], nextHop: '192.0.2.11', ...u.attributes },
      } as unknown as Update;
      if (!four && full.attributes.aggregator) full.attributes.aggregator.asn &= 0xffff;
      const back = decodeUpdate(bodyOf(full, four), four);
      t.same(back.problems, []);
      t.same({ withdrawn: back.withdrawn, nlri: back.nlri, attributes: back.attributes }, full);
    }),
    { numRuns: 200 },
  );
});

t.test(
  'RFC 7606: malformed attributes are treat-as-withdraw or attribute-discard, list errors reset',
  async (t) => {
    const p = [masked('203.0.113.200/32')];
    const good = (extra: Buffer): Buffer => {
      const attrs = Buffer.concat([
        Buffer.from([0x40, 1, 1, 0]),
        Buffer.from([0x40, 2, 0]),
        Buffer.from([0x40, 3, 4, 192, 0, 2, 11]),
        extra,
      ]);
      const m = decodeMessage(encodeUpdateRaw(Buffer.alloc(0), attrs, Buffer.from([32, 203, 0, 113, 200])));
      return (m as { body: Buffer }).body;
    };
    const cases: { name: string; extra: Buffer; action: string; clause: string }[] = [
      {
        name: 'COMMUNITIES length not a multiple of 4',
        extra: Buffer.from([0xc0, 8, 3, 1, 2, 3]),
        action: 'treat-as-withdraw',
        clause: 'RFC 7606 7.8',
      },
      {
        name: 'LOCAL_PREF length 2',
        extra: Buffer.from([0x40, 5, 2, 0, 1]),
        action: 'treat-as-withdraw',
        clause: 'RFC 7606 7.5',
      },
      {
        name: 'ATOMIC_AGGREGATE with a value',
        extra: Buffer.from([0x40, 6, 1, 0]),
        action: 'attribute-discard',
        clause: 'RFC 7606 7.6',
      },
      {
        name: 'AGGREGATOR wrong length',
        extra: Buffer.from([0xc0, 7, 3, 0, 0, 0]),
        action: 'attribute-discard',
        clause: 'RFC 7606 7.7',
      },
      {
        name: 'LARGE_COMMUNITY length 11',
        extra: Buffer.concat([Buffer.from([0xc0, 32, 11]), Buffer.alloc(11)]),
        action: 'treat-as-withdraw',
        clause: 'RFC 8092 5',
      },
    ];
    for (const c of cases) {
      const u = decodeUpdate(good(c.extra));
      t.equal(u.problems[0]?.action, c.action, `${c.name} (${c.clause})`);
      if (c.action === 'treat-as-withdraw')
        t.same(u.withdrawn, p, `${c.name}: announced prefixes become withdrawals`);
    }
    const missingOrigin = decodeMessage(
      encodeUpdateRaw(
        Buffer.alloc(0),
        Buffer.from([0x40, 2, 0, 0x40, 3, 4, 192, 0, 2, 11]),
        Buffer.from([32, 203, 0, 113, 200]),
      ),
    );
    t.equal(
      decodeUpdate((missingOrigin as { body: Buffer }).body).problems[0]?.action,
      'treat-as-withdraw',
      'missing ORIGIN (RFC 7606 3.d)',
    );
    const overrun = Buffer.from([0, 0, 0, 50, 0x40, 1, 1, 0]);
    throwsDecode(
      t,
      () => decodeUpdate(overrun),
      3,
      1,
      'attribute length overruns: session reset (RFC 7606 4)',
    );
    const badNlri = Buffer.from([0, 0, 0, 0, 40, 1]);
    throwsDecode(t, () => decodeUpdate(badNlri), 3, 10, 'NLRI length 40: session reset');
  },
);

t.test('decoding mutated UPDATEs only ever throws BgpDecodeError', async (t) => {
  const base = bodyOf({
    withdrawn: [],
    nlri: [masked('203.0.113.200/32')],
    attributes: {
      origin: 0,
      asPath: [{ type: 2, asns: [64500] }],
      nextHop: '192.0.2.11',
      communities: [1],
      largeCommunities: [[1, 2, 3]],
      mpReach: { afi: AFI_IPV6, safi: 1, nextHops: ['2001:db8::b'], nlri: [masked('fc00::/124')] },
    },
  });
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(base.length - 1), fc.nat(255)), { minLength: 1, maxLength: 8 }),
      (muts) => {
        const b = Buffer.from(base);
        for (const [i, v] of muts) b[i] = v;
        try {
          decodeUpdate(b);
        } catch (err) {
          if (!(err instanceof BgpDecodeError)) throw err;
        }
      },
    ),
    { numRuns: 3000 },
  );
  t.pass('only typed errors');
});
