import t from 'tap';
import fc from 'fast-check';
import { createSocket } from 'node:dgram';
import { silentLogger } from '../../common/log.ts';
import { poll } from '../../common/poll.ts';
import {
  HEARTBEAT,
  LEAVE,
  Membership,
  decodeMessage,
  encodeMessage,
  type RejectReason,
} from './membership.ts';

const secret = 'test-secret';
const fast = { intervalMs: 50, deadAfterMs: 300 };

async function trio(t: { teardown(fn: () => unknown): void }) {
  const names = ['A', 'B', 'C'];
  const ms = names.map(
    (node) =>
      new Membership({ node, secret, port: 0, bind: '127.0.0.1', peers: [], logger: silentLogger, ...fast }),
  );
  await Promise.all(ms.map((m) => m.ready));
  const peers = ms.map((m) => ({ node: m.node, address: '127.0.0.1', port: m.port }));
  for (const m of ms) m.setPeers(peers);
  t.teardown(() => Promise.all(ms.map((m) => m.close({ graceful: false }))));
  return { ms, peers };
}

const waitAlive = (m: Membership, want: string[], timeoutMs = 2000) =>
  poll(
    `${m.node} sees ${want.join(',')}`,
    async () => {
      const a = m.alive();
      if (a.join() !== want.join()) throw new Error(`alive ${a.join()}`);
    },
    { timeoutMs, intervalMs: 10 },
  );

async function send(port: number, b: Buffer): Promise<void> {
  const s = createSocket('udp4');
  await new Promise<void>((r, j) => s.send(b, port, '127.0.0.1', (e) => (e ? j(e) : r())));
  s.close();
}

function rejection(m: Membership, reason: RejectReason): Promise<void> {
  return new Promise((resolve) => {
    const f = (r: RejectReason) => {
      if (r === reason) {
        m.off('rejected', f);
        resolve();
      }
    };
    m.on('rejected', f);
  });
}

t.test('codec round-trips and refuses a wrong secret or a flipped bit', async (t) => {
  fc.assert(
    fc.property(
      fc.constantFrom<1 | 2>(1, 2),
      fc.string({ maxLength: 40 }),
      fc.string({ maxLength: 40 }),
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      fc.nat(),
      fc.nat(),
      (type, from, to, counter, ts, bit) => {
        const b = encodeMessage({ type, from, to, counter, timestampMs: ts }, secret);
        const d = decodeMessage(b, secret);
        if (
          !d.ok ||
          d.msg.from !== from ||
          d.msg.to !== to ||
          d.msg.counter !== counter ||
          d.msg.timestampMs !== ts ||
          d.msg.type !== type
        )
          return false;
        if (decodeMessage(b, 'other').ok) return false;
        const flipped = Buffer.from(b);
        const i = bit % (flipped.length * 8);
        flipped[i >> 3]! ^= 1 << (i & 7);
        return !decodeMessage(flipped, secret).ok;
      },
    ),
  );
  t.pass('property held');
  t.throws(() => new Membership({ node: 'A', secret: '', port: 0, peers: [], logger: silentLogger }), {
    code: 'MEMBERSHIP_NO_SECRET',
  });
});

t.test(
  'three members join, detect a death within the bound, see a rejoin, and a clean leave at once',
  async (t) => {
    const { ms, peers } = await trio(t);
    const [a, b, c] = ms as [Membership, Membership, Membership];
    for (const m of ms) await waitAlive(m, ['A', 'B', 'C']);

    const changes: string[][] = [];
    a.on('change', (x: string[]) => changes.push(x));
    const killedAt = Date.now();
    await c.close({ graceful: false }); // a crash: no leave message
    await waitAlive(a, ['A', 'B'], 2000);
    const took = Date.now() - killedAt;
    t.ok(
      took >= 300 - 60 && took <= 300 + 50 + 200,
      `death detected after ${took} ms (deadAfter 300, interval 50)`,
    );
    await waitAlive(b, ['A', 'B']);
    t.same(changes, [['A', 'B']], 'one change event, no flapping');

    const c2 = new Membership({
      node: 'C',
      secret,
      port: peers[2]!.port,
      bind: '127.0.0.1',
      peers,
      logger: silentLogger,
      ...fast,
    });
    t.teardown(() => c2.close({ graceful: false }));
    await c2.ready;
    for (const m of [a, b, c2]) await waitAlive(m, ['A', 'B', 'C']);
    t.pass('restarted C rejoins (its counter starts above the old one)');

    const leftAt = Date.now();
    await b.close();
    await waitAlive(a, ['A', 'C'], 200);
    t.ok(Date.now() - leftAt < 200, 'a clean leave is seen at once');
  },
);

t.test('a stranger without the secret can neither join nor evict; replays are rejected', async (t) => {
  const { ms } = await trio(t);
  const [a] = ms as [Membership, Membership, Membership];
  await waitAlive(a, ['A', 'B', 'C']);

  // Forged leave for B (wrong key): B stays.
  let r = rejection(a, 'bad-mac');
  await send(
    a.port,
    encodeMessage({ type: LEAVE, from: 'B', to: 'A', counter: 1n << 62n, timestampMs: Date.now() }, 'guess'),
  );
  await r;
  // Forged join of a new node.
  r = rejection(a, 'bad-mac');
  await send(
    a.port,
    encodeMessage(
      { type: HEARTBEAT, from: 'X', to: 'A', counter: 1n << 62n, timestampMs: Date.now() },
      'guess',
    ),
  );
  await r;
  // Garbage.
  r = rejection(a, 'malformed');
  await send(a.port, Buffer.from('hello'));
  await r;
  t.same(a.alive(), ['A', 'B', 'C']);

  // Right key but not a configured node: cannot join.
  r = rejection(a, 'unknown-sender');
  await send(
    a.port,
    encodeMessage({ type: HEARTBEAT, from: 'X', to: 'A', counter: 1n, timestampMs: Date.now() }, secret),
  );
  await r;
  // Addressed to someone else (a message to B reflected to A).
  r = rejection(a, 'not-for-me');
  await send(
    a.port,
    encodeMessage(
      { type: HEARTBEAT, from: 'C', to: 'B', counter: 1n << 62n, timestampMs: Date.now() },
      secret,
    ),
  );
  await r;
  // An old counter (a recorded heartbeat replayed) - as a leave, it would evict C.
  r = rejection(a, 'replay');
  await send(
    a.port,
    encodeMessage({ type: LEAVE, from: 'C', to: 'A', counter: 5n, timestampMs: Date.now() }, secret),
  );
  await r;
  t.same(a.alive(), ['A', 'B', 'C'], 'nobody joined, nobody was evicted');
});

t.test('replay of a captured heartbeat: once accepted, never again; old timestamps are stale', async (t) => {
  const a = new Membership({
    node: 'A',
    secret,
    port: 0,
    bind: '127.0.0.1',
    peers: [{ node: 'D', address: '127.0.0.1', port: 9 }],
    logger: silentLogger,
    ...fast,
  });
  t.teardown(() => a.close({ graceful: false }));
  await a.ready;
  const captured = encodeMessage(
    { type: HEARTBEAT, from: 'D', to: 'A', counter: 1000n, timestampMs: Date.now() },
    secret,
  );
  await send(a.port, captured);
  await waitAlive(a, ['A', 'D']);
  await waitAlive(a, ['A'], 2000); // D is silent: dead
  const r = rejection(a, 'replay');
  await send(a.port, captured);
  await r;
  t.same(a.alive(), ['A'], 'the replayed heartbeat does not revive D');

  const s = rejection(a, 'stale');
  await send(
    a.port,
    encodeMessage(
      { type: HEARTBEAT, from: 'D', to: 'A', counter: 2000n, timestampMs: Date.now() - 60_000 },
      secret,
    ),
  );
  await s;
  t.same(a.alive(), ['A']);
  t.equal(a.stats.rejected.replay, 1);
});

t.test('bind failure has a code', async (t) => {
  const a = new Membership({
    node: 'A',
    secret,
    port: 0,
    bind: '127.0.0.1',
    peers: [],
    logger: silentLogger,
  });
  await a.ready;
  t.teardown(() => a.close());
  const b = new Membership({
    node: 'B',
    secret,
    port: a.port,
    bind: '127.0.0.1',
    peers: [],
    logger: silentLogger,
  });
  await t.rejects(b.ready, { code: 'MEMBERSHIP_BIND_FAILED' });
  await b.close();
});

t.test(
  'a member heard for the first time gets a heartbeat back at once, not an interval later',
  async (t) => {
    const slow = { intervalMs: 60_000, deadAfterMs: 120_000 };
    const [a, b] = ['A', 'B'].map(
      (node) =>
        new Membership({
          node,
          secret,
          port: 0,
          bind: '127.0.0.1',
          peers: [],
          logger: silentLogger,
          ...slow,
        }),
    ) as [Membership, Membership];
    await Promise.all([a.ready, b.ready]);
    const peers = [a, b].map((m) => ({ node: m.node, address: '127.0.0.1', port: m.port }));
    a.setPeers(peers);
    b.setPeers(peers);
    t.teardown(() => Promise.all([a.close({ graceful: false }), b.close({ graceful: false })]));
    // A "restarted" A announces itself to B (as its first beat would); neither beats again for a minute.
    await send(
      b.port,
      encodeMessage(
        { type: HEARTBEAT, from: 'A', to: 'B', counter: BigInt(Date.now()) * 1000n, timestampMs: Date.now() },
        secret,
      ),
    );
    await waitAlive(b, ['A', 'B']);
    await waitAlive(a, ['A', 'B'], 1000);
    t.pass('A hears B within a second although B beats once a minute');
  },
);
