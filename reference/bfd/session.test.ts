import t from 'tap';
import { once } from 'node:events';
import { BfdSession, type BfdTimers } from './session.ts';
import { decodeControl, encodeControl, type ControlPacket } from './packet.ts';

const fast: BfdTimers = {
  transmitIntervalMs: 20,
  receiveIntervalMs: 20,
  detectMultiplier: 3,
  echoReceiveIntervalMs: 0,
  passive: false,
};

/** Two sessions wired back to back; `cut` drops a's packets to b (a silent path, as in the feature). */
function pair(aTimers = fast, bTimers = fast) {
  const link = { cutAtoB: false, ttl: 255 };
  let a!: BfdSession;
  let b!: BfdSession;
  a = new BfdSession(aTimers, 1111, (p) => !link.cutAtoB && setImmediate(() => b.receive(p, link.ttl)));
  b = new BfdSession(bTimers, 2222, (p) => setImmediate(() => a.receive(p, 255)));
  return { a, b, link };
}

t.test('codec: RFC 5880 4.1 layout, microseconds on the wire, reception checks', async (t) => {
  const p: ControlPacket = {
    diag: 1,
    state: 'Up',
    poll: true,
    final: false,
    detectMult: 3,
    myDiscriminator: 7,
    yourDiscriminator: 9,
    desiredMinTxMs: 100,
    requiredMinRxMs: 300,
    requiredMinEchoRxMs: 50,
  };
  const b = encodeControl(p);
  t.equal(b.toString('hex'), '21e00318' + '00000007' + '00000009' + '000186a0' + '000493e0' + '0000c350');
  t.same(decodeControl(b), p);
  const bad = (mut: (x: Buffer) => void) => {
    const x = Buffer.from(b);
    mut(x);
    return decodeControl(x);
  };
  t.match(
    bad((x) => (x[0] = 0x41)),
    { discard: /version 2/ },
  );
  t.match(
    bad((x) => (x[2] = 0)),
    { discard: /multiplier 0/ },
  );
  t.match(
    bad((x) => x.writeUInt32BE(0, 4)),
    { discard: /my discriminator 0/ },
  );
  t.match(
    bad((x) => x.writeUInt32BE(0, 8)),
    { discard: /your discriminator 0 in state Up/ },
  );
  t.match(
    bad((x) => (x[1] = x[1]! | 1)),
    { discard: /multipoint/ },
  );
  t.match(decodeControl(b.subarray(0, 20)), { discard: /short/ });
});

t.test('three-way handshake to Up on both sides, then detection after a silent path', async (t) => {
  const { a, b, link } = pair();
  t.teardown(() => {
    a.stop();
    b.stop();
  });
  const upA = once(a, 'state', { signal: AbortSignal.timeout(5000) });
  a.start();
  b.start();
  await upA;
  while (a.currentState !== 'Up' || b.currentState !== 'Up')
    await once(a.currentState !== 'Up' ? a : b, 'state', { signal: AbortSignal.timeout(5000) });
  t.equal(a.currentState, 'Up');
  t.equal(b.currentState, 'Up');
  // after the Poll/Final exchange both run at the fast rate: detection time 3 x 20 ms (poll for it, 2 s)
  const fastBy = Date.now() + 2000;
  while (b.status().detectionTimeMs !== 60 && Date.now() < fastBy)
    await new Promise((r) => setTimeout(r, 10));
  t.equal(
    b.status().detectionTimeMs,
    60,
    'b detects a in 3 x max(20, 20) ms once a advertised its fast rate',
  );
  const aChanges: unknown[][] = [];
  a.on('state', (...args: unknown[]) => aChanges.push(args));
  const started = Date.now();
  const down = once(b, 'down', { signal: AbortSignal.timeout(5000) });
  link.cutAtoB = true;
  t.same(await down, [1], 'diag 1: control detection time expired');
  t.ok(Date.now() - started < 500, `b went Down ${Date.now() - started} ms after the cut`);
  // a hears b say Down: neighbour signalled session down (diag 3)
  const [, to, diag] = (await once(a, 'state', { signal: AbortSignal.timeout(5000) })) as [
    string,
    string,
    number,
  ];
  t.same([to, diag], ['Down', 3]);
});

t.test(
  'GTSM: packets arriving with TTL below 255 are discarded and never bring the session up',
  async (t) => {
    const { a, b, link } = pair();
    link.ttl = 254;
    t.teardown(() => {
      a.stop();
      b.stop();
    });
    a.start();
    b.start();
    await new Promise((r) => setTimeout(r, 1200));
    t.equal(b.currentState, 'Down');
    t.ok(b.status().discarded > 0, 'b counted the discarded packets');
  },
);

t.test('passive role: sends nothing until the peer speaks; AdminDown on stop is no failure', async (t) => {
  const sent: Buffer[] = [];
  const passive = new BfdSession({ ...fast, passive: true }, 3333, (p) => sent.push(p));
  passive.start();
  await new Promise((r) => setTimeout(r, 100));
  t.equal(sent.length, 0, 'a passive session waits');
  const hello = encodeControl({
    diag: 0,
    state: 'Down',
    poll: false,
    final: false,
    detectMult: 3,
    myDiscriminator: 44,
    yourDiscriminator: 0,
    desiredMinTxMs: 1000,
    requiredMinRxMs: 20,
    requiredMinEchoRxMs: 0,
  });
  passive.receive(hello, 255);
  t.equal(passive.currentState, 'Init');
  await new Promise((r) => setTimeout(r, 50));
  t.ok(sent.length > 0, 'it answers once the peer spoke');
  t.match(decodeControl(sent.at(-1)!), { state: 'Init', yourDiscriminator: 44, myDiscriminator: 3333 });
  passive.stop({ adminDown: true });
  t.match(decodeControl(sent.at(-1)!), { state: 'AdminDown', diag: 7 });
  const { a, b } = pair();
  let downs = 0;
  b.on('down', () => downs++);
  a.start();
  b.start();
  while (b.currentState !== 'Up') await once(b, 'state', { signal: AbortSignal.timeout(5000) });
  a.stop({ adminDown: true });
  await once(b, 'state', { signal: AbortSignal.timeout(5000) });
  t.equal(b.currentState, 'Down');
  t.equal(b.status().diag, 3);
  b.stop();
  t.equal(downs, 0, 'AdminDown from the peer is no failure (RFC 5882 3.2): no down event');
});

t.test('going Up switches to the fast rate at once: no packet left due at the slow 1 s rate', async (t) => {
  const sent: { at: number; p: ReturnType<typeof decodeControl> }[] = [];
  const s = new BfdSession({ ...fast, transmitIntervalMs: 50 }, 5555, (p) =>
    sent.push({ at: Date.now(), p: decodeControl(p) }),
  );
  t.teardown(() => s.stop());
  s.start();
  const peer = (state: 'Down' | 'Init' | 'Up', final = false) =>
    encodeControl({
      diag: 0,
      state,
      poll: false,
      final,
      detectMult: 3,
      myDiscriminator: 66,
      yourDiscriminator: state === 'Down' ? 0 : 5555,
      desiredMinTxMs: 50,
      requiredMinRxMs: 50,
      requiredMinEchoRxMs: 0,
    });
  await new Promise((r) => setTimeout(r, 20)); // the first packet leaves at once
  s.receive(peer('Down'), 255);
  t.equal(s.currentState, 'Init');
  t.match(sent.at(-1)!.p, { desiredMinTxMs: 1000 }, 'slow rate before Up (RFC 5880 6.8.3)');
  s.receive(peer('Up'), 255);
  t.equal(s.currentState, 'Up');
  const upAt = Date.now();
  t.match(sent.at(-1)!.p, { state: 'Up', poll: true, desiredMinTxMs: 50 }, 'a Poll announces the new rate');
  // the peer keeps talking (and answers the Poll), so the session stays Up
  const keep = setInterval(() => s.receive(peer('Up', true), 255), 40);
  t.teardown(() => clearInterval(keep));
  await new Promise((r) => setTimeout(r, 300));
  const after = sent.filter((x) => x.at > upAt);
  t.ok(after.length >= 4, `${after.length} packets in the 300 ms after Up (fast rate), not one per second`);
  t.match(after.at(-1)!.p, { poll: false }, 'the Final ended the Poll');
});
