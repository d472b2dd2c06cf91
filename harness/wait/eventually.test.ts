import t from 'tap';
import { eventually } from './eventually.ts';

t.test('returns once the check passes the required number of times in a row', async (t) => {
  let n = 0;
  const seen: boolean[] = [];
  const v = await eventually('flaky', async () => {
    n++;
    const ok = n !== 3 && n >= 2; // pass, fail, pass, pass...
    seen.push(ok);
    if (!ok) throw new Error(`not yet ${n}`);
    return n;
  }, { timeoutMs: 2000, intervalMs: 1, consecutive: 2 });
  t.equal(v, 5, 'the failure at 3 resets the streak');
});

t.test('times out with the name and the last difference', async (t) => {
  let n = 0;
  await t.rejects(
    eventually('route 203.0.113.200/32 at tor', async () => {
      throw new Error(`diff #${++n}`);
    }, { timeoutMs: 30, intervalMs: 5 }),
    { code: 'WAIT_TIMEOUT', message: /route 203\.0\.113\.200\/32 at tor[\s\S]*diff #\d+/ },
  );
});
