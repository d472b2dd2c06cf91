import t from 'tap';
import { decodeMessage } from './messages.ts';
import { formatCidr } from '../model/ip.ts';
import { decodeUpdate, encodeUpdateRaw } from './update.ts';

/** An UPDATE announcing 203.0.113.200/32 with valid ORIGIN, AS_PATH, NEXT_HOP plus `extra` attributes. */
function announce(
  extra: Buffer,
  mandatory: Buffer = Buffer.from([0x40, 1, 1, 0, 0x40, 2, 0, 0x40, 3, 4, 192, 0, 2, 11]),
): Buffer {
  const m = decodeMessage(
    encodeUpdateRaw(Buffer.alloc(0), Buffer.concat([mandatory, extra]), Buffer.from([32, 203, 0, 113, 200])),
  );
  return (m as { body: Buffer }).body;
}

// RFC 7606 3.c: Optional/Transitive bits in conflict with the attribute's definition -> treat-as-withdraw.
const flagCases: { name: string; extra: Buffer; mandatory?: Buffer }[] = [
  { name: 'COMMUNITIES marked well-known (0x40)', extra: Buffer.from([0x40, 8, 4, 0xfd, 0xe8, 0, 1]) },
  {
    name: 'COMMUNITIES marked optional non-transitive (0x80)',
    extra: Buffer.from([0x80, 8, 4, 0xfd, 0xe8, 0, 1]),
  },
  { name: 'MULTI_EXIT_DISC marked transitive (0xc0)', extra: Buffer.from([0xc0, 4, 4, 0, 0, 0, 1]) },
  {
    name: 'LARGE_COMMUNITY marked well-known (0x40)',
    extra: Buffer.concat([Buffer.from([0x40, 32, 12]), Buffer.alloc(12)]),
  },
  {
    name: 'NEXT_HOP without the transitive bit (0x00)',
    extra: Buffer.alloc(0),
    mandatory: Buffer.from([0x40, 1, 1, 0, 0x40, 2, 0, 0x00, 3, 4, 192, 0, 2, 11]),
  },
];

t.test('RFC 7606 3.c: wrong Optional/Transitive bits are treat-as-withdraw', async (t) => {
  for (const c of flagCases) {
    const u = decodeUpdate(announce(c.extra, c.mandatory));
    t.same(
      u.problems.map((p) => p.action),
      ['treat-as-withdraw'],
      c.name,
    );
    t.same(
      u.withdrawn.map(formatCidr),
      ['203.0.113.200/32'],
      `${c.name}: the announcement becomes a withdrawal`,
    );
    t.same(u.nlri, [], `${c.name}: nothing announced`);
  }
});

t.test(
  'the Partial bit does not count as a conflict (RFC 7606 3.c compares Optional and Transitive only)',
  async (t) => {
    const u = decodeUpdate(announce(Buffer.from([0xe0, 8, 4, 0xfd, 0xe8, 0, 1])));
    t.same(u.problems, []);
    t.same(u.attributes.communities, [0xfde8 * 65536 + 1]);
  },
);

t.test('MP_REACH_NLRI with wrong flags: still read, so its prefixes are withdrawn', async (t) => {
  const nlri = Buffer.from([128, 0xfc, 0, 0xf8, 0x53, 0x0c, 0xcd, 0xe7, 0x99, 0, 0, 0, 0, 0, 0, 0, 0]);
  const nh = Buffer.from([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b]);
  const value = Buffer.concat([Buffer.from([0, 2, 1, 16]), nh, Buffer.from([0]), nlri]);
  const mp = Buffer.concat([Buffer.from([0xc0, 14, value.length]), value]);
  const body = (
    decodeMessage(
      encodeUpdateRaw(
        Buffer.alloc(0),
        Buffer.concat([Buffer.from([0x40, 1, 1, 0, 0x40, 2, 0]), mp]),
        Buffer.alloc(0),
      ),
    ) as { body: Buffer }
  ).body;
  const u = decodeUpdate(body);
  t.same(
    u.problems.map((p) => p.action),
    ['treat-as-withdraw'],
  );
  t.same(u.attributes.mpUnreach?.withdrawn.map(formatCidr), ['fc00:f853:ccd:e799::/128']);
  t.equal(u.attributes.mpReach, undefined);
});

t.test('AS_PATH confederation segments (RFC 5065 types 3 and 4) are accepted', async (t) => {
  const asPath = Buffer.from([0x40, 2, 12, 3, 1, 0, 0, 0xfd, 0xe8, 4, 1, 0, 0, 0xfd, 0xe9]);
  const u = decodeUpdate(
    announce(
      Buffer.alloc(0),
      Buffer.concat([Buffer.from([0x40, 1, 1, 0]), asPath, Buffer.from([0x40, 3, 4, 192, 0, 2, 11])]),
    ),
  );
  t.same(u.problems, []);
  t.same(u.attributes.asPath, [
    { type: 3, asns: [65000] },
    { type: 4, asns: [65001] },
  ]);
});
