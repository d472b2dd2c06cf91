import t from 'tap';
import { eventually } from './eventually.ts';
import { expectSubset } from './expect-subset.ts';

t.test('resolves with the value of the first passing check', async (t) => {
  let n = 0;
  t.equal(
    await eventually(
      'third time',
      async () => {
        if (++n < 3) throw new Error('not yet');
        return 'done';
      },
      { timeoutMs: 2000, intervalMs: 1 },
    ),
    'done',
  );
  t.equal(n, 3);
});

t.test('requires the number of consecutive passes; a failure resets the streak', async (t) => {
  let n = 0;
  const v = await eventually(
    'flaky',
    async () => {
      n++;
      if (n === 1 || n === 3) throw new Error(`not yet ${n}`); // fail, pass, fail, pass, pass
      return n;
    },
    { timeoutMs: 2000, intervalMs: 1, consecutive: 2 },
  );
  t.equal(v, 5, 'the failure at 3 resets the streak');
});

t.test('times out with the name, the timeout and the last difference', async (t) => {
  let n = 0;
  const err = await eventually(
    'route 203.0.113.200/32 at tor',
    async () => {
      throw new Error(`diff #${++n}`);
    },
    { timeoutMs: 30, intervalMs: 5 },
  ).catch((e: unknown) => e);
  t.match(err, { code: 'WAIT_TIMEOUT' });
  const message = (err as Error).message;
  t.match(message, /route 203\.0\.113\.200\/32 at tor/);
  t.match(message, /30 ms/);
  t.ok(message.includes(`diff #${n}`), 'quotes the very last failure');
  t.match((err as Error).cause, { message: `diff #${n}` }, 'the last failure is the cause');
});

t.test('a streak cut short by the deadline is reported as such', async (t) => {
  let n = 0;
  await t.rejects(
    eventually(
      'never twice',
      async () => {
        if (++n % 2 === 0) throw new Error('flap');
      },
      { timeoutMs: 40, intervalMs: 2, consecutive: 2 },
    ),
    { code: 'WAIT_TIMEOUT' },
  );
  await t.rejects(
    eventually('stays up only once', async () => {}, { timeoutMs: 0, consecutive: 3 }),
    { code: 'WAIT_TIMEOUT', message: /passed only 1 of 3/ },
  );
});

t.test('a check that never settles cannot hang the wait', async (t) => {
  const start = Date.now();
  await t.rejects(
    eventually('hung', () => new Promise<void>(() => {}), { timeoutMs: 50, graceMs: 50 }),
    { code: 'WAIT_TIMEOUT', message: /still running/ },
  );
  t.ok(Date.now() - start < 1000);
});

t.test('a check running over the deadline may still finish within the grace and count', async (t) => {
  t.equal(
    await eventually('slow but fine', () => new Promise<string>((r) => setTimeout(() => r('late'), 60)), {
      timeoutMs: 10,
      graceMs: 500,
    }),
    'late',
  );
});

t.test('synchronous throws and non-Error rejections are failures like any other', async (t) => {
  await t.rejects(
    eventually(
      'sync',
      (() => {
        throw new Error('sync boom');
      }) as () => Promise<void>,
      { timeoutMs: 10, intervalMs: 2 },
    ),
    { code: 'WAIT_TIMEOUT', message: /sync boom/ },
  );
  await t.rejects(
    eventually('string', () => Promise.reject('just a string'), { timeoutMs: 10, intervalMs: 2 }),
    { message: /just a string/ },
  );
});

t.test('checks are spaced by the interval', async (t) => {
  let n = 0;
  await eventually(
    'spaced',
    async () => {
      if (++n < 100) throw new Error('x');
    },
    { timeoutMs: 120, intervalMs: 40 },
  ).catch(() => {});
  t.ok(n <= 5, `about timeout/interval checks (${n})`);
});

t.test('bad options are rejected', async (t) => {
  await t.rejects(
    eventually('x', async () => 1, { timeoutMs: 10, consecutive: 0 }),
    { code: 'WAIT_INVALID' },
  );
  await t.rejects(
    eventually('x', async () => 1, { timeoutMs: Number.NaN }),
    { code: 'WAIT_INVALID' },
  );
});

t.test('expectSubset polls until the document contains the expectation', async (t) => {
  let n = 0;
  const doc = await expectSubset(
    'route appears',
    async () => ({ routes: n++ < 2 ? {} : { '203.0.113.1/32': [{ valid: true, locPrf: 0 }] } }),
    { routes: { '203.0.113.1/32': [{ valid: true }] } },
    { timeoutMs: 2000, intervalMs: 1 },
  );
  t.same(
    doc,
    { routes: { '203.0.113.1/32': [{ valid: true, locPrf: 0 }] } },
    'returns the matching document',
  );
});

t.test('expectSubset times out quoting the last diff lines', async (t) => {
  await t.rejects(
    expectSubset(
      'locPrf 0',
      async () => ({ routes: { '203.0.113.200/32': [{ locPrf: 100 }] } }),
      { routes: { '203.0.113.200/32': [{ locPrf: 0 }] } },
      { timeoutMs: 20, intervalMs: 5 },
    ),
    {
      code: 'WAIT_TIMEOUT',
      message: /locPrf 0[\s\S]*\$\.routes\["203\.0\.113\.200\/32"\]\[0\]\.locPrf: expected 0, got 100/,
    },
  );
  const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 1]));
  await t.rejects(
    expectSubset('many', async () => ({}), many, { timeoutMs: 0 }),
    { message: /and 20 more differences/ },
  );
});

t.test('an aborted wait rejects at once with the reason', async (t) => {
  const ac = new AbortController();
  const start = Date.now();
  setTimeout(() => ac.abort(Object.assign(new Error('daemon died'), { code: 'X_DIED' })), 20);
  await t.rejects(
    eventually(
      'never',
      async () => {
        throw new Error('not yet');
      },
      { timeoutMs: 5000, intervalMs: 1000, signal: ac.signal },
    ),
    { code: 'X_DIED' },
  );
  t.ok(Date.now() - start < 1000, 'did not wait for the interval or the timeout');
  await t.rejects(
    eventually('already', async () => 1, { timeoutMs: 10, signal: AbortSignal.abort(new Error('gone')) }),
    { message: 'gone' },
  );
});
