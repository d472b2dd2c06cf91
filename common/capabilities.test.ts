import t from 'tap';
import { capabilities, missingCapabilities, parseCapabilities } from './capabilities.ts';

t.test('--sut-features: known names only, an unknown one is an error naming it', async (t) => {
  t.same(parseCapabilities('bgp, ipv4,bgp'), ['bgp', 'ipv4']);
  t.throws(() => parseCapabilities('bgp,dual-stack'), {
    code: 'SUT_CAPABILITY_UNKNOWN',
    message: /"dual-stack"/,
  });
  t.throws(() => parseCapabilities(' , '), { code: 'SUT_CAPABILITY_UNKNOWN' });
});

t.test('a scenario lacks only gating capabilities; extras and plain tags never gate', async (t) => {
  t.same(missingCapabilities(['@bgp', '@passive', '@faults', '@S1'], ['bgp']), ['passive']);
  t.same(missingCapabilities(['@bgp', '@config-events'], ['bgp']), [], 'an extra gates nothing');
});

t.test('every capability says what it means and what it gates', async (t) => {
  for (const c of capabilities) {
    t.ok(c.meaning.length > 10, `${c.name}: meaning`);
    t.ok(c.features.length > 3, `${c.name}: features`);
  }
  for (const need of [
    'passive',
    'route-refresh',
    'dualstack-session',
    'controller',
    'config-events',
    'l2-status',
  ])
    t.ok(
      capabilities.some((c) => c.name === need),
      need,
    );
});
