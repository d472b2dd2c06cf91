import t from 'tap';
import { gatingCapabilities } from '../common/capabilities.ts';
import { PROFILES, inProfile, profileCapabilities } from './profiles.ts';

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
  // a scenario is BGP, layer 2, both, or an allocation case; whichever it is, its capability counts somewhere
  const bases = [['@bgp'], ['@l2'], ['@bgp', '@l2'], ['@controller', '@bgp']];
  for (const c of gatingCapabilities)
    t.ok(
      bases.some((base) => PROFILES.some((p) => inProfile(p, [...base, `@${c}`]))),
      `${c} counts somewhere`,
    );
});

t.test(
  'extended capabilities have their own profiles: a speaker without them still reaches bgp/l2',
  async (t) => {
    t.notOk(inProfile('bgp', ['@bgp', '@graceful-restart']));
    t.ok(inProfile('bgp-extended', ['@bgp', '@ibgp', '@graceful-restart']));
    t.ok(inProfile('bgp-extended', ['@bgp', '@bfd', '@session']));
    t.notOk(inProfile('l2', ['@l2', '@l2-periodic']));
    t.ok(inProfile('l2-extended', ['@l2', '@ipv4', '@l2-periodic']));
  },
);

t.test('profileCapabilities: each capability once, the extended profile on top of its base', async (t) => {
  const bgp = profileCapabilities('bgp');
  const extended = profileCapabilities('bgp-extended');
  t.equal(new Set(bgp).size, bgp.length, 'no capability twice (ipv4 sits in bgp and in families)');
  t.ok(
    bgp.every((c) => extended.includes(c)),
    'bgp-extended allows all of bgp',
  );
  t.same(
    extended.filter((c) => !bgp.includes(c)),
    ['graceful-restart', 'bfd'],
  );
  t.notOk(extended.includes('l2'));
});
