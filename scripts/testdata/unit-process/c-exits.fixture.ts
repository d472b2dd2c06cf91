// Fixture for scripts/test-tiers.test.ts: ends the process it runs in.
import t from 'tap';

t.test('exits', async () => {
  process.exit(3);
});
