// Fixture for scripts/test-tiers.test.ts: one pass, one failure.
import t from 'tap';

t.test('fails', async (t) => {
  t.equal(1, 2);
});
t.pass('this one passes');
