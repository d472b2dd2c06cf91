// Fixture for scripts/test-tiers.test.ts: runs after c-exits in a fresh process; prints outside TAP.
import t from 'tap';

t.test('still runs', async (t) => {
  console.log('a line outside TAP');
  t.pass('ran');
});
