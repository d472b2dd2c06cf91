import t from 'tap';
import fc from 'fast-check';
import {
  AS_TRANS,
  decodeMessage,
  encodeKeepalive,
  encodeNotification,
  encodeOpen,
  encodeRouteRefresh,
  ourCapabilities,
} from './messages.ts';
import { BgpDecodeError } from './errors.ts';
import { throwsDecode } from './test-helpers.ts';
import { MessageStream } from './stream.ts';

const routerId = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));

t.test(
  'OPEN round trip keeps version, ASN (2- and 4-octet), hold time, router id and capabilities',
  async (t) => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4294967295 }),
        fc.integer({ min: 0, max: 65535 }),
        routerId,
        (asn, hold, id) => {
          const caps = ourCapabilities(asn);
          const wire = encodeOpen({ version: 4, asn, holdTime: hold, routerId: id, capabilities: caps });
          const back = decodeMessage(wire);
          t.same(back, { type: 'open', version: 4, asn, holdTime: hold, routerId: id, capabilities: caps });
          // The 2-octet field holds AS_TRANS when the ASN does not fit.
          t.equal(wire.readUInt16BE(19 + 1), asn > 0xffff ? AS_TRANS : asn);
        },
      ),
      { numRuns: 200 },
    );
  },
);

t.test('unknown capabilities survive decoding as raw bytes', async (t) => {
  const wire = encodeOpen({
    version: 4,
    asn: 64500,
    holdTime: 3,
    routerId: '192.0.2.11',
    capabilities: [{ code: 73, raw: Buffer.from('host') }],
  });
  t.same(decodeMessage(wire), {
    type: 'open',
    version: 4,
    asn: 64500,
    holdTime: 3,
    routerId: '192.0.2.11',
    capabilities: [{ code: 73, raw: Buffer.from('host') }],
  });
});

t.test('KEEPALIVE, NOTIFICATION and ROUTE-REFRESH round trip', async (t) => {
  t.same(decodeMessage(encodeKeepalive()), { type: 'keepalive' });
  t.equal(encodeKeepalive().length, 19);
  fc.assert(
    fc.property(fc.nat(255), fc.nat(255), fc.uint8Array({ maxLength: 64 }), (code, sub, data) => {
      t.same(decodeMessage(encodeNotification(code, sub, Buffer.from(data))), {
        type: 'notification',
        code,
        subcode: sub,
        data: Buffer.from(data),
      });
    }),
    { numRuns: 100 },
  );
  t.same(decodeMessage(encodeRouteRefresh(2, 1)), { type: 'route-refresh', afi: 2, safi: 1 });
});

t.test('header and OPEN errors map to the right NOTIFICATION codes', async (t) => {
  const ka = encodeKeepalive();
  const badMarker = Buffer.from(ka);
  badMarker[0] = 0;
  throwsDecode(t, () => decodeMessage(badMarker), 1, 1);
  const badType = Buffer.from(ka);
  badType[18] = 9;
  throwsDecode(t, () => decodeMessage(badType), 1, 3);
  const longKa = Buffer.concat([ka, Buffer.alloc(1)]);
  longKa.writeUInt16BE(20, 16);
  throwsDecode(t, () => decodeMessage(longKa), 1, 2);
  const v3 = encodeOpen({ version: 3, asn: 1, holdTime: 3, routerId: '1.1.1.1', capabilities: [] });
  throwsDecode(t, () => decodeMessage(v3), 2, 1);
});

t.test('arbitrary bytes never throw anything but BgpDecodeError', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.nat(255), (bytes, type) => {
      const body = Buffer.from(bytes);
      const msg = Buffer.concat([Buffer.alloc(16, 0xff), Buffer.from([0, 0, type]), body]);
      msg.writeUInt16BE(msg.length, 16);
      try {
        decodeMessage(msg);
      } catch (err) {
        if (!(err instanceof BgpDecodeError)) throw err;
      }
    }),
    { numRuns: 2000 },
  );
  t.pass('no foreign exception');
});

t.test('the stream framer reassembles messages across any chunking and rejects bad lengths', async (t) => {
  const msgs = [encodeKeepalive(), encodeNotification(6, 2), encodeRouteRefresh(1, 1)];
  const all = Buffer.concat(msgs);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: all.length }), { maxLength: 10 }), (cuts) => {
      const s = new MessageStream();
      const points = [...new Set(cuts)].sort((a, b) => a - b);
      const out: Buffer[] = [];
      let prev = 0;
      for (const p of [...points, all.length]) {
        out.push(...s.push(all.subarray(prev, p)));
        prev = p;
      }
      t.same(out, msgs);
    }),
    { numRuns: 100 },
  );
  const bad = Buffer.from(encodeKeepalive());
  bad.writeUInt16BE(5000, 16);
  throwsDecode(t, () => new MessageStream().push(bad), 1, 2);
});
