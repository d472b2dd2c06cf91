// Fixture for scripts/test-tiers.test.ts: two assertions in a subtest, one at the top; a teardown that
// must run before the next file starts.
import t from 'tap';

t.test('a subtest', async (t) => {
  t.equal(1, 1);
  t.ok(true);
});
t.equal(2, 2);
const timer = setInterval(() => undefined, 1000);
t.teardown(() => clearInterval(timer));
