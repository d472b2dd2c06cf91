import t from 'tap';
import { setTimeout as delay } from 'node:timers/promises';
import { takePhaseTimes, timed } from './phase-clock.ts';

t.test('time is added to its phase once, nested calls count in the outer phase', async (t) => {
  takePhaseTimes();
  await timed('setup', () => delay(30));
  await timed('wait', () => timed('setup', () => delay(30)));
  const p = takePhaseTimes();
  t.ok(p.setup >= 25 && p.setup < 2000, `setup ${p.setup}`);
  t.ok(p.wait >= 25 && p.wait < 2000, `wait ${p.wait}`);
  t.equal(p.teardown, 0);
  t.same(takePhaseTimes(), { setup: 0, wait: 0, teardown: 0 }, 'reset after reading');
});

t.test('a failing fn still counts, and its error passes through', async (t) => {
  takePhaseTimes();
  await t.rejects(
    timed('teardown', async () => {
      await delay(10);
      throw new Error('boom');
    }),
    /boom/,
  );
  t.ok(takePhaseTimes().teardown >= 5);
});
