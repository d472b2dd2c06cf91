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
