import { MAX_MESSAGE_SIZE, HEADER_SIZE } from './messages.ts';
import { largeParts, standardValue } from '../model/community.ts';
import { type Cidr, compareCidr } from '../model/ip.ts';
import type { AnnouncedRoute } from '../model/route.ts';
import { AFI_IPV6, SAFI_UNICAST, encodedPrefixSize } from './nlri.ts';
import { attributeKey } from './route.ts';
import { encodeAttributes, encodePrefixes, encodeUpdateRaw, Origin, type PathAttributes } from './update.ts';

/** How this session dresses routes on the wire. */
export interface WireContext {
  ibgp: boolean;
  myAsn: number;
  fourOctet: boolean;
  /** Absent on an IPv6 session of a node without IPv4: IPv4 routes cannot be announced then. */
  nextHopV4?: string;
  nextHopV6?: string;
}

const BODY_MAX = MAX_MESSAGE_SIZE - HEADER_SIZE - 4; // minus withdrawn-length and attribute-length fields
/** MP_(UN)REACH attribute header (flags, type, 2-octet extended length): always extended when packed. */
const ATTR_HEADER_EXT = 4;

function baseAttributes(r: AnnouncedRoute, ctx: WireContext): PathAttributes {
  const a: PathAttributes = {
    origin: Origin.IGP,
    asPath: ctx.ibgp ? [] : [{ type: 2, asns: [ctx.myAsn] }],
  };
  if (ctx.ibgp && r.localPref !== undefined) a.localPref = r.localPref;
  if (r.communities.length) a.communities = r.communities.map((c) => standardValue(c)!);
  if (r.largeCommunities.length) a.largeCommunities = r.largeCommunities.map((c) => largeParts(c)!);
  if (!ctx.fourOctet && !ctx.ibgp && ctx.myAsn > 0xffff) a.as4Path = [{ type: 2, asns: [ctx.myAsn] }];
  return a;
}

/** Greedy: fills each message up to `capacity` bytes of prefixes. */
function chunk(prefixes: Cidr[], capacity: number): Cidr[][] {
  const out: Cidr[][] = [];
  let cur: Cidr[] = [];
  let used = 0;
  for (const p of prefixes) {
    const size = encodedPrefixSize(p);
    if (used + size > capacity && cur.length) {
      out.push(cur);
      cur = [];
      used = 0;
    }
    cur.push(p);
    used += size;
  }
  if (cur.length) out.push(cur);
  return out;
}

/**
 * Routes sharing attributes go into as few UPDATEs as fit in 4096 bytes: IPv4 in the NLRI field,
 * IPv6 inside MP_REACH_NLRI. Groups and prefixes in a stable order, so output is deterministic.
 */
export function packAnnouncements(routes: readonly AnnouncedRoute[], ctx: WireContext): Buffer[] {
  const groups = new Map<string, AnnouncedRoute[]>();
  for (const r of [...routes].sort((a, b) => compareCidr(a.prefix, b.prefix))) {
    const k = attributeKey(r);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  const out: Buffer[] = [];
  for (const [, group] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const first = group[0]!;
    const prefixes = group.map((r) => r.prefix);
    const attrs = baseAttributes(first, ctx);
    if (prefixes[0]!.family === 4) {
      if (!ctx.nextHopV4) continue;
      const encoded = encodeAttributes({ ...attrs, nextHop: ctx.nextHopV4 }, ctx.fourOctet);
      for (const part of chunk(prefixes, BODY_MAX - encoded.length))
        out.push(encodeUpdateRaw(Buffer.alloc(0), encoded, encodePrefixes(part)));
    } else {
      if (!ctx.nextHopV6) continue; // no IPv6 next hop on this session: IPv6 cannot be announced
      const encoded = encodeAttributes(attrs, ctx.fourOctet);
      const mpFixed = ATTR_HEADER_EXT + 5 + 16;
      for (const part of chunk(prefixes, BODY_MAX - encoded.length - mpFixed)) {
        const mp = encodeAttributes(
          { mpReach: { afi: AFI_IPV6, safi: SAFI_UNICAST, nextHops: [ctx.nextHopV6], nlri: part } },
          ctx.fourOctet,
        );
        out.push(encodeUpdateRaw(Buffer.alloc(0), Buffer.concat([encoded, mp]), Buffer.alloc(0)));
      }
    }
  }
  return out;
}

/** Withdrawals packed the same way: IPv4 in Withdrawn Routes, IPv6 in MP_UNREACH_NLRI. */
export function packWithdrawals(withdrawn: readonly Cidr[]): Buffer[] {
  const prefixes = [...withdrawn].sort(compareCidr);
  const v4 = prefixes.filter((p) => p.family === 4);
  const v6 = prefixes.filter((p) => p.family === 6);
  const out: Buffer[] = [];
  for (const part of chunk(v4, BODY_MAX))
    out.push(encodeUpdateRaw(encodePrefixes(part), Buffer.alloc(0), Buffer.alloc(0)));
  for (const part of chunk(v6, BODY_MAX - ATTR_HEADER_EXT - 3)) {
    out.push(
      encodeUpdateRaw(
        Buffer.alloc(0),
        encodeAttributes({ mpUnreach: { afi: AFI_IPV6, safi: SAFI_UNICAST, withdrawn: part } }, true),
        Buffer.alloc(0),
      ),
    );
  }
  return out;
}
