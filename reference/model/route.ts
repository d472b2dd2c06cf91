import type { Cidr } from './ip.ts';

/**
 * One BGP route as the plan hands it to a session, the one route type of the reference (the session
 * adds ORIGIN, AS_PATH and NEXT_HOP). The prefix is parsed once, by the model; the BGP layer encodes it.
 */
export interface AnnouncedRoute {
  prefix: Cidr;
  /** Standard communities, numeric `a:b`, numerically sorted. */
  communities: string[];
  /** Large communities, `a:b:c` without the `large:` marker, numerically sorted. */
  largeCommunities: string[];
  /** Present only when it goes on the wire (iBGP), then even when 0. */
  localPref?: number;
}
