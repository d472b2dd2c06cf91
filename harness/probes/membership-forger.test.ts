import t from 'tap';
import { HEARTBEAT, LEAVE, decodeMessage, encodeMessage } from '../../reference/l2/membership.ts';
import { forgeDatagram, peekDatagram, udpFromFrame } from './membership-forger.ts';

const secret = 'the-shared-secret';

t.test('forged datagrams look right but fail the MAC', async (t) => {
  for (const signature of ['wrong-key', 'none'] as const) {
    const b = forgeDatagram(
      { to: 'NodeB', from: 'NodeA', type: 'leave', signature, counter: 'next' },
      1_700_000_000_000,
    );
    t.same(decodeMessage(b, secret), { ok: false, reason: 'bad-mac' }, signature);
    const m = peekDatagram(b);
    t.equal(m?.type, 'leave');
    t.equal(m?.from, 'NodeA');
    t.equal(m?.to, 'NodeB');
    t.equal(m?.timestampMs, 1_700_000_000_000);
    // Above the counter a member started at that time could have reached: only the MAC stops it.
    t.ok(m!.counter > 1_700_000_000_000n * 1000n);
  }
  const max = peekDatagram(
    forgeDatagram({ to: 'B', from: 'A', type: 'heartbeat', signature: 'wrong-key', counter: 'max' }),
  );
  t.equal(max?.counter, (1n << 64n) - 1n);
});

t.test('peekDatagram reads a real datagram without the secret and refuses other payloads', async (t) => {
  const real = encodeMessage(
    { type: HEARTBEAT, from: 'NodeC', to: 'NodeA', counter: 42n, timestampMs: 7 },
    secret,
  );
  t.same(peekDatagram(real), { type: 'heartbeat', from: 'NodeC', to: 'NodeA', counter: 42n, timestampMs: 7 });
  t.equal(peekDatagram(Buffer.from('hello')), undefined);
  t.equal(peekDatagram(real.subarray(0, real.length - 1)), undefined, 'truncated');
  const badType = Buffer.from(real);
  badType[4] = 9;
  t.equal(peekDatagram(badType), undefined);
  t.equal(
    decodeMessage(
      encodeMessage({ type: LEAVE, from: 'a', to: 'b', counter: 1n, timestampMs: 1 }, secret),
      secret,
    ).ok,
    true,
  );
});

/** Ethernet + IPv4 (no options) + UDP around `payload`. */
function frame(payload: Buffer, opts: { proto?: number; fragOffset?: number } = {}): Buffer {
  const eth = Buffer.alloc(14);
  eth.writeUInt16BE(0x0800, 12);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 8 + payload.length, 2);
  ip.writeUInt16BE(opts.fragOffset ?? 0, 6);
  ip[8] = 64;
  ip[9] = opts.proto ?? 17;
  Buffer.from([192, 0, 2, 11]).copy(ip, 12);
  Buffer.from([192, 0, 2, 12]).copy(ip, 16);
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(40000, 0);
  udp.writeUInt16BE(7946, 2);
  udp.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([eth, ip, udp, payload, Buffer.alloc(6)]); // trailing Ethernet padding is ignored
}

t.test('udpFromFrame extracts IPv4/UDP and ignores everything else', async (t) => {
  const d = udpFromFrame(frame(Buffer.from('abc')));
  t.same(d && { ...d, payload: d.payload.toString() }, {
    src: '192.0.2.11',
    dst: '192.0.2.12',
    sport: 40000,
    dport: 7946,
    payload: 'abc',
  });
  t.equal(udpFromFrame(frame(Buffer.from('abc'), { proto: 6 })), undefined, 'TCP');
  t.equal(udpFromFrame(frame(Buffer.from('abc'), { fragOffset: 0x2000 })), undefined, 'first fragment');
  t.equal(udpFromFrame(Buffer.alloc(20)), undefined, 'short');
});
