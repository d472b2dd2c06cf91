/**
 * Conformance profiles and which scenarios count in each. A scenario counts in a profile only when it
 * carries every tag the profile requires and all its capability tags belong to the profile: a BGP-only
 * speaker can reach `bgp: success`, because a scenario that needs BGP and layer 2 at once counts in
 * `bgp-l2`, and an allocation case (`@controller`) counts in `controller`, never in `bgp`.
 */
import { gatingCapabilities } from '../common/capabilities.ts';

export const PROFILES = ['bgp', 'l2', 'bgp-l2', 'controller', 'bgp-extended', 'l2-extended'] as const;
export type Profile = (typeof PROFILES)[number];

const families = ['ipv4', 'ipv6', 'dualstack'];
const bgp = [
  'bgp',
  ...families,
  'ibgp',
  'ebgp',
  'md5',
  'interop',
  'session',
  'passive',
  'route-refresh',
  'dualstack-session',
  'who-announces',
  'timers',
  'cease',
  'scale',
  'endpoints',
];
const l2 = [
  'l2',
  ...families,
  'l2-status',
  'membership-security',
  'who-announces',
  'endpoints',
  'gratuitous',
  'partition',
];
/** Beyond MetalLB parity (graceful restart, BFD, periodic announcements): their own profiles, so a speaker
 * without them still reaches `bgp: success` / `l2: success`. */
const bgpExtended = ['graceful-restart', 'bfd'];
const l2Extended = ['l2-periodic'];

const definitions: Record<Profile, { requires: string[]; allowed: string[] }> = {
  bgp: { requires: ['bgp'], allowed: bgp },
  l2: { requires: ['l2'], allowed: l2 },
  'bgp-l2': { requires: ['bgp', 'l2'], allowed: [...bgp, ...l2] },
  controller: { requires: ['controller'], allowed: [...bgp, ...l2, 'controller'] },
  'bgp-extended': { requires: ['bgp'], allowed: [...bgp, ...bgpExtended] },
  'l2-extended': { requires: ['l2'], allowed: [...l2, ...l2Extended] },
};

/** The capabilities whose scenarios count in `profile` (each once). */
export function profileCapabilities(profile: Profile): string[] {
  return [...new Set(definitions[profile].allowed)];
}

/** Whether a scenario with these tags (with or without `@`) counts in `profile`. */
export function inProfile(profile: Profile, tags: readonly string[]): boolean {
  const names = tags.map((t) => (t.startsWith('@') ? t.slice(1) : t));
  const d = definitions[profile];
  return (
    d.requires.every((r) => names.includes(r)) &&
    names.filter((n) => gatingCapabilities.includes(n)).every((n) => d.allowed.includes(n))
  );
}
