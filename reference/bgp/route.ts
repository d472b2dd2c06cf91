import { formatStandard, largeParts, standardValue } from '../model/community.ts';
import { formatCidr } from '../model/ip.ts';
import type { AnnouncedRoute } from '../model/route.ts';

/** Two routes with the same key carry identical attributes and can share one UPDATE. */
export function attributeKey(r: AnnouncedRoute): string {
  return `${r.prefix.family}|${r.localPref ?? '-'}|${r.communities.join(',')}|${r.largeCommunities.join(',')}`;
}

/** The key of a route's prefix in an Adj-RIB-Out and in logs: canonical text. */
export function prefixKey(r: AnnouncedRoute): string {
  return formatCidr(r.prefix);
}

/**
 * A route in canonical form (communities sorted numerically, duplicates removed), or why it cannot go
 * on the wire. Sessions check at the edge so a bad route is logged and skipped instead of throwing
 * inside a socket handler. The prefix is a parsed Cidr already (host bits zero by construction).
 */
export function normalizeRoute(r: AnnouncedRoute): { route: AnnouncedRoute } | { error: string } {
  const standard: number[] = [];
  for (const c of r.communities) {
    const v = standardValue(c);
    if (v === undefined) return { error: `bad community ${JSON.stringify(c)}` };
    standard.push(v);
  }
  const large: [number, number, number][] = [];
  for (const c of r.largeCommunities) {
    const v = largeParts(c);
    if (!v) return { error: `bad large community ${JSON.stringify(c)}` };
    large.push(v);
  }
  if (
    r.localPref !== undefined &&
    !(Number.isInteger(r.localPref) && r.localPref >= 0 && r.localPref <= 0xffffffff)
  ) {
    return { error: `bad localPref ${r.localPref}` };
  }
  const communities = [...new Set(standard)].sort((a, b) => a - b).map(formatStandard);
  const largeSorted = [...new Map(large.map((v) => [v.join(':'), v])).values()]
    .sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2])
    .map((v) => v.join(':'));
  return {
    route: {
      prefix: r.prefix,
      communities,
      largeCommunities: largeSorted,
      ...(r.localPref === undefined ? {} : { localPref: r.localPref }),
    },
  };
}
