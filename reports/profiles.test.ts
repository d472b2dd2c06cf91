import t from 'tap';
import { gatingCapabilities } from '../common/capabilities.ts';
import { PROFILES, inProfile } from './profiles.ts';

t.test('a scenario counts only where all its capabilities belong', async (t) => {
  t.ok(inProfile('bgp', ['@bgp', '@ibgp', '@ipv4', '@S1']));
  t.notOk(inProfile('bgp', ['@bgp', '@l2', '@ibgp']), 'BGP and L2 at once is not a BGP-only scenario');
  t.ok(inProfile('bgp-l2', ['@bgp', '@l2', '@ibgp']));
  t.notOk(inProfile('l2', ['@bgp', '@l2']));
  t.notOk(inProfile('bgp', ['@bgp', '@controller', '@ipv4']), 'allocation is judged apart');
  t.ok(inProfile('controller', ['@bgp', '@controller', '@ipv4']));
  t.ok(inProfile('l2', ['@l2', '@l2-status', '@ipv6']));
});

t.test('every gating capability belongs to some profile', async (t) => {
  for (const c of gatingCapabilities)
    t.ok(
      PROFILES.some((p) => inProfile(p, ['@bgp', '@l2', '@controller', `@${c}`])),
      `${c} counts somewhere`,
    );
});
