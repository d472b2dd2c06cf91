import { formatPrefix, parsePrefix } from './prefix.ts';

/** One route as the plan hands it to a session (the session adds ORIGIN, AS_PATH and NEXT_HOP). */
export interface AnnouncedRoute {
  prefix: string;
  /** Numeric "a:b", sorted. */
  communities: string[];
  /** "a:b:c", sorted. */
  largeCommunities: string[];
  /** Present only when it goes on the wire (iBGP), then even when 0. */
  localPref?: number;
}

/** Two routes with the same key carry identical attributes and can share one UPDATE. */
export function attributeKey(r: AnnouncedRoute): string {
  return `${r.prefix.includes(':') ? 6 : 4}|${r.localPref ?? '-'}|${r.communities.join(',')}|${r.largeCommunities.join(',')}`;
}

export function communityValue(text: string): number {
  const [hi, lo] = text.split(':').map(Number) as [number, number];
  return ((hi << 16) >>> 0) + lo;
}

export function formatCommunity(v: number): string {
  return `${v >>> 16}:${v & 0xffff}`;
}

export function largeCommunityValue(text: string): [number, number, number] {
  const [a, b, c] = text.split(':').map(Number) as [number, number, number];
  return [a, b, c];
}

const COMMUNITY = /^(\d{1,5}):(\d{1,5})$/;
const LARGE_COMMUNITY = /^(\d{1,10}):(\d{1,10}):(\d{1,10})$/;

/**
 * A route in canonical form (canonical prefix text, communities sorted numerically, duplicates
 * removed), or why it cannot go on the wire. Sessions check at the edge so a bad route is logged and
 * skipped instead of throwing inside a socket handler.
 */
export function normalizeRoute(r: AnnouncedRoute): { route: AnnouncedRoute } | { error: string } {
  let prefix: string;
  try {
    prefix = formatPrefix(parsePrefix(r.prefix));
  } catch {
    return { error: `bad prefix ${JSON.stringify(r.prefix)}` };
  }
  for (const c of r.communities) {
    const m = COMMUNITY.exec(c);
    if (!m || Number(m[1]) > 0xffff || Number(m[2]) > 0xffff)
      return { error: `bad community ${JSON.stringify(c)}` };
  }
  for (const c of r.largeCommunities) {
    const m = LARGE_COMMUNITY.exec(c);
    if (!m || m.slice(1).some((x) => Number(x) > 0xffffffff))
      return { error: `bad large community ${JSON.stringify(c)}` };
  }
  if (
    r.localPref !== undefined &&
    !(Number.isInteger(r.localPref) && r.localPref >= 0 && r.localPref <= 0xffffffff)
  ) {
    return { error: `bad localPref ${r.localPref}` };
  }
  const communities = [...new Set(r.communities.map(communityValue))]
    .sort((a, b) => a - b)
    .map(formatCommunity);
  const large = [
    ...new Map(
      r.largeCommunities.map((c) => [largeCommunityValue(c).join(':'), largeCommunityValue(c)]),
    ).values(),
  ]
    .sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2])
    .map((v) => v.join(':'));
  return {
    route: {
      prefix,
      communities,
      largeCommunities: large,
      ...(r.localPref === undefined ? {} : { localPref: r.localPref }),
    },
  };
}
