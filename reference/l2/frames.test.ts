import t from 'tap';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import {
  ARP_REPLY,
  ARP_REQUEST,
  BROADCAST_MAC,
  bytesToIp,
  decodeArp,
  decodeArpFrame,
  decodeEthernet,
  decodeNdp,
  decodeNdpFrame,
  encodeArp,
  encodeNdp,
  gratuitousArpFrames,
  arpReplyFrame,
  arpRequestFrame,
  icmpv6Checksum,
  ipToBytes,
  ipv6MulticastMac,
  macToBytes,
  nsFrame,
  solicitedNaFrame,
  solicitedNodeAddress,
  unsolicitedNaFrame,
  type ArpPacket,
} from './frames.ts';

const mac = fc
  .uint8Array({ minLength: 6, maxLength: 6 })
  .map((b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':'));
const v4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => bytesToIp(b, 0, 4));
const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => bytesToIp(b, 0, 6));
const unicast6 = fc
  .uint8Array({ minLength: 16, maxLength: 16 })
  .filter((b) => b[0] !== 0xff)
  .map((b) => bytesToIp(b, 0, 6));

t.test('ARP round-trips', async (t) => {
  fc.assert(
    fc.property(
      fc.constantFrom<1 | 2>(1, 2),
      mac,
      v4,
      mac,
      v4,
      (op, senderMac, senderIp, targetMac, targetIp) => {
        const p: ArpPacket = { op, senderMac, senderIp, targetMac, targetIp };
        assert.deepStrictEqual(decodeArp(encodeArp(p)), p);
      },
    ),
  );
  t.pass('property held');
});

t.test('ARP request / reply / gratuitous frames', async (t) => {
  const req = arpRequestFrame('02:00:00:00:00:01', '192.0.2.1', '4.4.4.1');
  t.equal(req.length, 60, 'padded to the Ethernet minimum');
  const d = decodeArpFrame(req)!;
  t.equal(d.eth.dst, BROADCAST_MAC);
  t.equal(d.arp.op, ARP_REQUEST);
  const rep = decodeArpFrame(arpReplyFrame('02:00:00:00:00:aa', d.arp))!;
  t.strictSame(rep.eth, { ...rep.eth, dst: '02:00:00:00:00:01', src: '02:00:00:00:00:aa' });
  t.strictSame(rep.arp, {
    op: ARP_REPLY,
    senderMac: '02:00:00:00:00:aa',
    senderIp: '4.4.4.1',
    targetMac: '02:00:00:00:00:01',
    targetIp: '192.0.2.1',
  });
  const [g1, g2] = gratuitousArpFrames('02:00:00:00:00:aa', '4.4.4.1').map((f) => decodeArpFrame(f)!);
  t.equal(g1!.arp.op, ARP_REQUEST);
  t.equal(g2!.arp.op, ARP_REPLY);
  for (const g of [g1!, g2!]) {
    t.equal(g.eth.dst, BROADCAST_MAC);
    t.equal(g.arp.senderIp, '4.4.4.1');
    t.equal(g.arp.targetIp, '4.4.4.1');
  }
});

t.test('decoders reject garbage without throwing', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
      decodeArpFrame(b);
      decodeNdpFrame(b);
      decodeEthernet(b);
    }),
  );
  t.equal(decodeArp(Buffer.alloc(10)), undefined);
  const bad = encodeArp({
    op: 1,
    senderMac: '02:00:00:00:00:01',
    senderIp: '1.2.3.4',
    targetMac: '00:00:00:00:00:00',
    targetIp: '1.2.3.5',
  });
  bad.writeUInt16BE(3, 6);
  t.equal(decodeArp(bad), undefined, 'op 3');
});

t.test('solicited-node address and multicast MAC', async (t) => {
  t.equal(solicitedNodeAddress('fc00:f853:ccd:e799::1'), 'ff02::1:ff00:1');
  t.equal(solicitedNodeAddress('2001:db8::1234:5678'), 'ff02::1:ff34:5678');
  t.equal(ipv6MulticastMac('ff02::1:ff34:5678'), '33:33:ff:34:56:78');
  t.equal(ipv6MulticastMac('ff02::1'), '33:33:00:00:00:01');
  t.throws(() => solicitedNodeAddress('1.2.3.4'), { code: 'L2_FRAME_INVALID' });
  t.throws(() => macToBytes('nope'), { code: 'L2_FRAME_INVALID' });
  fc.assert(
    fc.property(v6, (ip) => {
      const g = solicitedNodeAddress(ip);
      const a = ipToBytes(ip, 6);
      const b = ipToBytes(g, 6);
      assert.deepEqual([...b.subarray(13)], [...a.subarray(13)]);
      assert.deepEqual([...b.subarray(0, 13)], [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff]);
    }),
  );
});

t.test('ICMPv6 checksum: a known NS (captured from Linux) verifies', async (t) => {
  // fe80::1 -> ff02::1:ff00:2, NS for fe80::2 with SLLA 02:00:00:00:00:01
  const msg = encodeNdp(
    { type: 'ns', target: 'fe80::2', sourceLinkAddr: '02:00:00:00:00:01' },
    'fe80::1',
    'ff02::1:ff00:2',
  );
  t.equal(icmpv6Checksum('fe80::1', 'ff02::1:ff00:2', msg), 0, 'sum over message with checksum is 0');
  msg[10] = msg[10]! ^ 1;
  t.equal(decodeNdp(msg, 'fe80::1', 'ff02::1:ff00:2'), undefined, 'corrupted message rejected');
});

t.test('NS and NA round-trip with flags and link-layer options', async (t) => {
  fc.assert(
    fc.property(
      unicast6,
      unicast6,
      unicast6,
      mac,
      fc.boolean(),
      fc.boolean(),
      fc.boolean(),
      fc.boolean(),
      (src, dst, target, m, r, s, o, withLla) => {
        const ns = withLla
          ? { type: 'ns' as const, target, sourceLinkAddr: m }
          : { type: 'ns' as const, target };
        assert.deepStrictEqual(decodeNdp(encodeNdp(ns, src, dst), src, dst), ns);
        const flags = { router: r, solicited: s, override: o };
        const na = withLla
          ? { type: 'na' as const, target, flags, targetLinkAddr: m }
          : { type: 'na' as const, target, flags };
        assert.deepStrictEqual(decodeNdp(encodeNdp(na, src, dst), src, dst), na);
        // The checksum covers the pseudo-header: another destination fails.
        const other = dst === '2001:db8::1' ? '2001:db8::2' : '2001:db8::1';
        assert.equal(decodeNdp(encodeNdp(na, src, dst), src, other), undefined);
      },
    ),
  );
  t.pass('property held');
});

t.test('NS frame -> solicited NA frame; unsolicited NA', async (t) => {
  const ns = decodeNdpFrame(
    nsFrame({ mac: '02:00:00:00:00:01', srcIp: 'fe80::1', target: 'fc00:f853:ccd:e799::1' }),
  )!;
  t.equal(ns.eth.dst, '33:33:ff:00:00:01');
  t.equal(ns.ip.dst, 'ff02::1:ff00:1');
  t.equal(ns.ip.hopLimit, 255);
  t.strictSame(ns.msg, { type: 'ns', target: 'fc00:f853:ccd:e799::1', sourceLinkAddr: '02:00:00:00:00:01' });
  const na = decodeNdpFrame(solicitedNaFrame({ mac: '02:00:00:00:00:aa', srcIp: 'fe80::aa', ns }))!;
  t.equal(na.eth.dst, '02:00:00:00:00:01');
  t.equal(na.ip.dst, 'fe80::1');
  t.equal(na.ip.hopLimit, 255);
  t.strictSame(na.msg, {
    type: 'na',
    target: 'fc00:f853:ccd:e799::1',
    flags: { router: false, solicited: true, override: true },
    targetLinkAddr: '02:00:00:00:00:aa',
  });

  const dadNs = decodeNdpFrame(nsFrame({ mac: '02:00:00:00:00:01', srcIp: '::', target: 'fc00::1' }))!;
  t.strictSame(dadNs.msg, { type: 'ns', target: 'fc00::1' }, 'no SLLA from ::');
  const dadNa = decodeNdpFrame(solicitedNaFrame({ mac: '02:00:00:00:00:aa', srcIp: 'fe80::aa', ns: dadNs }))!;
  t.equal(dadNa.ip.dst, 'ff02::1');
  t.equal(
    dadNa.msg.type === 'na' && dadNa.msg.flags.solicited,
    false,
    'answer to :: goes to all nodes with S=0',
  );

  const u = decodeNdpFrame(unsolicitedNaFrame('02:00:00:00:00:aa', 'fe80::aa', 'fc00::1'))!;
  t.equal(u.eth.dst, '33:33:00:00:00:01');
  t.equal(u.ip.dst, 'ff02::1');
  t.strictSame(u.msg, {
    type: 'na',
    target: 'fc00::1',
    flags: { router: false, solicited: false, override: true },
    targetLinkAddr: '02:00:00:00:00:aa',
  });

  const low = Buffer.from(unsolicitedNaFrame('02:00:00:00:00:aa', 'fe80::aa', 'fc00::1'));
  low[14 + 7] = 64;
  t.equal(decodeNdpFrame(low), undefined, 'hop limit below 255 rejected');
});
