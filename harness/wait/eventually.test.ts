import t from 'tap';
import { eventually } from './eventually.ts';

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
