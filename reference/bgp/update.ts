import { BgpDecodeError, ErrorCode, UpdateSubcode, type Rfc7606Action } from './errors.ts';
import { MessageType, frame } from './messages.ts';
import { type Cidr, formatIP, ipFromBytes } from '../model/ip.ts';
import { AFI_IPV4, AFI_IPV6, addressBytes, encodedPrefixSize, readPrefixes, writePrefix } from './nlri.ts';

export const AttrType = {
  Origin: 1,
  AsPath: 2,
  NextHop: 3,
  Med: 4,
  LocalPref: 5,
  AtomicAggregate: 6,
  Aggregator: 7,
  Communities: 8,
  MpReach: 14,
  MpUnreach: 15,
  As4Path: 17,
  LargeCommunity: 32,
} as const;

const OPTIONAL = 0x80;
const TRANSITIVE = 0x40;
const EXTENDED = 0x10;

export const Origin = { IGP: 0, EGP: 1, INCOMPLETE: 2 } as const;

/** 1 AS_SET, 2 AS_SEQUENCE, 3 AS_CONFED_SEQUENCE, 4 AS_CONFED_SET (RFC 5065; received only). */
export interface AsPathSegment {
  type: 1 | 2 | 3 | 4;
  asns: number[];
}

export interface PathAttributes {
  origin?: number;
  asPath?: AsPathSegment[];
  nextHop?: string;
  med?: number;
  localPref?: number;
  atomicAggregate?: boolean;
  aggregator?: { asn: number; address: string };
  /** RFC 1997 values as 32-bit numbers (high 16 bits : low 16 bits). */
  communities?: number[];
  largeCommunities?: [number, number, number][];
  mpReach?: { afi: number; safi: number; nextHops: string[]; nlri: Cidr[] };
  mpUnreach?: { afi: number; safi: number; withdrawn: Cidr[] };
  as4Path?: AsPathSegment[];
  unknown?: { flags: number; type: number; value: Buffer }[];
}

export interface Update {
  withdrawn: Cidr[];
  attributes: PathAttributes;
  nlri: Cidr[];
}

export interface DecodedUpdate extends Update {
  /** Problems handled without a session reset (RFC 7606). */
  problems: { action: Exclude<Rfc7606Action, 'session-reset'>; message: string }[];
}

function attr(flags: number, type: number, value: Buffer): Buffer {
  const ext = value.length > 255;
  const head = Buffer.alloc(ext ? 4 : 3);
  head[0] = flags | (ext ? EXTENDED : 0);
  head[1] = type;
  if (ext) head.writeUInt16BE(value.length, 2);
  else head[2] = value.length;
  return Buffer.concat([head, value]);
}

function encodeAsPath(segments: AsPathSegment[], width: 2 | 4): Buffer {
  const parts: Buffer[] = [];
  for (const s of segments) {
    for (let i = 0; i < s.asns.length || i === 0; i += 255) {
      const chunk = s.asns.slice(i, i + 255);
      const b = Buffer.alloc(2 + chunk.length * width);
      b[0] = s.type;
      b[1] = chunk.length;
      for (const [k, a] of chunk.entries()) {
        if (width === 4) b.writeUInt32BE(a, 2 + k * 4);
        else b.writeUInt16BE(a > 0xffff ? 23456 : a, 2 + k * 2);
      }
      parts.push(b);
    }
  }
  return Buffer.concat(parts);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

/** Path attributes in type order (what routers expect; also makes encodings canonical). */
export function encodeAttributes(a: PathAttributes, fourOctet: boolean): Buffer {
  const out: Buffer[] = [];
  if (a.origin !== undefined) out.push(attr(TRANSITIVE, AttrType.Origin, Buffer.from([a.origin])));
  if (a.asPath !== undefined) {
    out.push(attr(TRANSITIVE, AttrType.AsPath, encodeAsPath(a.asPath, fourOctet ? 4 : 2)));
  }
  if (a.nextHop !== undefined) out.push(attr(TRANSITIVE, AttrType.NextHop, addressBytes(a.nextHop)));
  if (a.med !== undefined) out.push(attr(OPTIONAL, AttrType.Med, u32(a.med)));
  if (a.localPref !== undefined) out.push(attr(TRANSITIVE, AttrType.LocalPref, u32(a.localPref)));
  if (a.atomicAggregate) out.push(attr(TRANSITIVE, AttrType.AtomicAggregate, Buffer.alloc(0)));
  if (a.aggregator) {
    const asn = fourOctet
      ? u32(a.aggregator.asn)
      : Buffer.from([(a.aggregator.asn >> 8) & 0xff, a.aggregator.asn & 0xff]);
    out.push(
      attr(
        OPTIONAL | TRANSITIVE,
        AttrType.Aggregator,
        Buffer.concat([asn, addressBytes(a.aggregator.address)]),
      ),
    );
  }
  if (a.communities?.length)
    out.push(attr(OPTIONAL | TRANSITIVE, AttrType.Communities, Buffer.concat(a.communities.map(u32))));
  if (a.mpReach) {
    const nh = Buffer.concat(a.mpReach.nextHops.map(addressBytes));
    const nlriSize = a.mpReach.nlri.reduce((n, p) => n + encodedPrefixSize(p), 0);
    const v = Buffer.alloc(5 + nh.length + nlriSize); // zero-filled: the reserved octet after the next hops
    v.writeUInt16BE(a.mpReach.afi, 0);
    v[2] = a.mpReach.safi;
    v[3] = nh.length;
    nh.copy(v, 4);
    let at = 5 + nh.length;
    for (const p of a.mpReach.nlri) at = writePrefix(p, v, at);
    out.push(attr(OPTIONAL, AttrType.MpReach, v));
  }
  if (a.mpUnreach) {
    const size = a.mpUnreach.withdrawn.reduce((n, p) => n + encodedPrefixSize(p), 0);
    const v = Buffer.alloc(3 + size);
    v.writeUInt16BE(a.mpUnreach.afi, 0);
    v[2] = a.mpUnreach.safi;
    let at = 3;
    for (const p of a.mpUnreach.withdrawn) at = writePrefix(p, v, at);
    out.push(attr(OPTIONAL, AttrType.MpUnreach, v));
  }
  if (a.as4Path) out.push(attr(OPTIONAL | TRANSITIVE, AttrType.As4Path, encodeAsPath(a.as4Path, 4)));
  if (a.largeCommunities?.length) {
    out.push(
      attr(
        OPTIONAL | TRANSITIVE,
        AttrType.LargeCommunity,
        Buffer.concat(a.largeCommunities.flatMap((c) => c.map(u32))),
      ),
    );
  }
  for (const u of a.unknown ?? []) out.push(attr(u.flags & ~EXTENDED, u.type, u.value));
  return Buffer.concat(out);
}

export function encodePrefixes(prefixes: Cidr[]): Buffer {
  const b = Buffer.alloc(prefixes.reduce((n, p) => n + encodedPrefixSize(p), 0));
  let at = 0;
  for (const p of prefixes) at = writePrefix(p, b, at);
  return b;
}

/** A whole UPDATE message (header included), with pre-encoded attributes. */
export function encodeUpdateRaw(withdrawn: Buffer, attributes: Buffer, nlri: Buffer): Buffer {
  const body = Buffer.alloc(4 + withdrawn.length + attributes.length + nlri.length);
  body.writeUInt16BE(withdrawn.length, 0);
  withdrawn.copy(body, 2);
  body.writeUInt16BE(attributes.length, 2 + withdrawn.length);
  attributes.copy(body, 4 + withdrawn.length);
  nlri.copy(body, 4 + withdrawn.length + attributes.length);
  return frame(MessageType.Update, body);
}

export function encodeUpdate(u: Update, fourOctet = true): Buffer {
  return encodeUpdateRaw(
    encodePrefixes(u.withdrawn),
    encodeAttributes(u.attributes, fourOctet),
    encodePrefixes(u.nlri),
  );
}

const wellKnownMandatory = new Set<number>([AttrType.Origin, AttrType.AsPath, AttrType.NextHop]);

/** The Optional and Transitive bits each known attribute must carry (RFC 7606 3.c compares these two). */
const expectedFlags: Partial<Record<number, number>> = {
  [AttrType.Origin]: TRANSITIVE,
  [AttrType.AsPath]: TRANSITIVE,
  [AttrType.NextHop]: TRANSITIVE,
  [AttrType.LocalPref]: TRANSITIVE,
  [AttrType.AtomicAggregate]: TRANSITIVE,
  [AttrType.Med]: OPTIONAL,
  [AttrType.Aggregator]: OPTIONAL | TRANSITIVE,
  [AttrType.Communities]: OPTIONAL | TRANSITIVE,
  [AttrType.MpReach]: OPTIONAL,
  [AttrType.MpUnreach]: OPTIONAL,
  [AttrType.As4Path]: OPTIONAL | TRANSITIVE,
  [AttrType.LargeCommunity]: OPTIONAL | TRANSITIVE,
};

/**
 * Decodes an UPDATE body with RFC 7606 error handling: what can be handled by treat-as-withdraw or
 * attribute-discard is returned as `problems`; only errors that RFC 7606 still treats as fatal throw.
 */
export function decodeUpdate(body: Buffer, fourOctet = true): DecodedUpdate {
  const malformed = (msg: string, sub: number = UpdateSubcode.MalformedAttributeList): never => {
    throw new BgpDecodeError(msg, ErrorCode.UpdateMessage, sub);
  };
  if (body.length < 4) malformed('UPDATE shorter than 4 octets');
  const wLen = body.readUInt16BE(0);
  if (2 + wLen + 2 > body.length) malformed('withdrawn routes length overruns the message');
  const withdrawn =
    readPrefixes(body.subarray(2, 2 + wLen), AFI_IPV4) ??
    malformed('invalid withdrawn routes', UpdateSubcode.InvalidNetworkField);
  const aLen = body.readUInt16BE(2 + wLen);
  const aStart = 4 + wLen;
  if (aStart + aLen > body.length) malformed('total path attribute length overruns the message');
  const nlri =
    readPrefixes(body.subarray(aStart + aLen), AFI_IPV4) ??
    malformed('invalid NLRI', UpdateSubcode.InvalidNetworkField);

  const attributes: PathAttributes = {};
  const problems: DecodedUpdate['problems'] = [];
  const seen = new Set<number>();
  let withdrawAll = false;
  const treatAsWithdraw = (message: string): void => {
    withdrawAll = true;
    problems.push({ action: 'treat-as-withdraw', message });
  };
  const discard = (message: string): void => void problems.push({ action: 'attribute-discard', message });

  let i = aStart;
  const end = aStart + aLen;
  while (i < end) {
    if (i + 3 > end) malformed('truncated attribute header');
    const flags = body[i]!;
    const type = body[i + 1]!;
    const ext = (flags & EXTENDED) !== 0;
    if (ext && i + 4 > end) malformed('truncated attribute header');
    const len = ext ? body.readUInt16BE(i + 2) : body[i + 2]!;
    const vStart = i + (ext ? 4 : 3);
    if (vStart + len > end) malformed(`attribute ${type} overruns the attribute list`);
    const v = body.subarray(vStart, vStart + len);
    i = vStart + len;
    if (seen.has(type)) {
      if (type === AttrType.MpReach || type === AttrType.MpUnreach) malformed(`duplicate attribute ${type}`);
      discard(`duplicate attribute ${type} ignored`);
      continue;
    }
    seen.add(type);
    const expected = expectedFlags[type];
    if (expected !== undefined && (flags & (OPTIONAL | TRANSITIVE)) !== expected) {
      treatAsWithdraw(`attribute ${type} has flags 0x${flags.toString(16)} (Optional/Transitive bits wrong)`);
      // MP attributes are still read: withdrawing needs their prefixes
      if (type !== AttrType.MpReach && type !== AttrType.MpUnreach) continue;
    }
    switch (type) {
      case AttrType.Origin:
        if (len !== 1 || v[0]! > 2) treatAsWithdraw(`bad ORIGIN (length ${len})`);
        else attributes.origin = v[0]!;
        break;
      case AttrType.AsPath:
      case AttrType.As4Path: {
        const path = decodeAsPath(v, type === AttrType.As4Path ? 4 : fourOctet ? 4 : 2);
        if (!path) {
          if (type === AttrType.AsPath) treatAsWithdraw('malformed AS_PATH');
          else discard('malformed AS4_PATH discarded');
        } else if (type === AttrType.AsPath) attributes.asPath = path;
        else attributes.as4Path = path;
        break;
      }
      case AttrType.NextHop:
        if (len !== 4) treatAsWithdraw(`NEXT_HOP length ${len}`);
        else attributes.nextHop = formatIP(ipFromBytes(v));
        break;
      case AttrType.Med:
        if (len !== 4) treatAsWithdraw(`MED length ${len}`);
        else attributes.med = v.readUInt32BE(0);
        break;
      case AttrType.LocalPref:
        if (len !== 4) treatAsWithdraw(`LOCAL_PREF length ${len}`);
        else attributes.localPref = v.readUInt32BE(0);
        break;
      case AttrType.AtomicAggregate:
        if (len !== 0) discard(`ATOMIC_AGGREGATE length ${len} discarded`);
        else attributes.atomicAggregate = true;
        break;
      case AttrType.Aggregator: {
        const w = fourOctet ? 4 : 2;
        if (len !== w + 4) discard(`AGGREGATOR length ${len} discarded`);
        else
          attributes.aggregator = {
            asn: w === 4 ? v.readUInt32BE(0) : v.readUInt16BE(0),
            address: formatIP(ipFromBytes(v.subarray(w))),
          };
        break;
      }
      case AttrType.Communities:
        if (len === 0 || len % 4 !== 0) treatAsWithdraw(`COMMUNITIES length ${len}`);
        else attributes.communities = Array.from({ length: len / 4 }, (_, k) => v.readUInt32BE(k * 4));
        break;
      case AttrType.LargeCommunity:
        if (len === 0 || len % 12 !== 0) treatAsWithdraw(`LARGE_COMMUNITY length ${len}`);
        else
          attributes.largeCommunities = Array.from(
            { length: len / 12 },
            (_, k) =>
              [v.readUInt32BE(k * 12), v.readUInt32BE(k * 12 + 4), v.readUInt32BE(k * 12 + 8)] as [
                number,
                number,
                number,
              ],
          );
        break;
      case AttrType.MpReach: {
        if (len < 5) malformed('MP_REACH_NLRI too short', UpdateSubcode.OptionalAttributeError);
        const afi = v.readUInt16BE(0);
        const nhLen = v[3]!;
        if (5 + nhLen > len)
          malformed('MP_REACH_NLRI next hop overruns', UpdateSubcode.OptionalAttributeError);
        const nh = v.subarray(4, 4 + nhLen);
        const width = afi === AFI_IPV6 ? 16 : 4;
        if (nhLen === 0 || nhLen % width !== 0 || nhLen > 2 * width)
          malformed(`MP_REACH_NLRI next hop length ${nhLen}`, UpdateSubcode.OptionalAttributeError);
        const nextHops = Array.from({ length: nhLen / width }, (_, k) =>
          formatIP(ipFromBytes(nh.subarray(k * width, (k + 1) * width))),
        );
        const prefixes = afi === AFI_IPV4 || afi === AFI_IPV6 ? readPrefixes(v.subarray(5 + nhLen), afi) : [];
        if (!prefixes) malformed('MP_REACH_NLRI has invalid NLRI', UpdateSubcode.OptionalAttributeError);
        attributes.mpReach = { afi, safi: v[2]!, nextHops, nlri: prefixes! };
        break;
      }
      case AttrType.MpUnreach: {
        if (len < 3) malformed('MP_UNREACH_NLRI too short', UpdateSubcode.OptionalAttributeError);
        const afi = v.readUInt16BE(0);
        const prefixes = afi === AFI_IPV4 || afi === AFI_IPV6 ? readPrefixes(v.subarray(3), afi) : [];
        if (!prefixes) malformed('MP_UNREACH_NLRI has invalid NLRI', UpdateSubcode.OptionalAttributeError);
        attributes.mpUnreach = { afi, safi: v[2]!, withdrawn: prefixes! };
        break;
      }
      default:
        if ((flags & OPTIONAL) === 0) {
          throw new BgpDecodeError(
            `unrecognized well-known attribute ${type}`,
            ErrorCode.UpdateMessage,
            UpdateSubcode.UnrecognizedWellKnown,
            Buffer.from(body.subarray(i - len - (ext ? 4 : 3), i)),
          );
        }
        (attributes.unknown ??= []).push({ flags, type, value: Buffer.from(v) });
    }
  }
  const announces = nlri.length > 0 || (attributes.mpReach?.nlri.length ?? 0) > 0;
  if (announces && !withdrawAll) {
    for (const t of wellKnownMandatory) {
      if (t === AttrType.NextHop && nlri.length === 0) continue; // MP-only UPDATEs carry no NEXT_HOP
      if (!seen.has(t)) treatAsWithdraw(`missing well-known attribute ${t}`);
    }
  }
  if (withdrawAll) {
    const all: Cidr[] = [...withdrawn, ...nlri];
    return { withdrawn: all, attributes: mpWithdrawals(attributes), nlri: [], problems };
  }
  return { withdrawn, attributes, nlri, problems };
}

/**
 * What a treat-as-withdraw UPDATE withdraws beyond its IPv4 prefixes: the MP_UNREACH_NLRI it carried plus
 * the MP_REACH_NLRI it tried to announce (one family per attribute; two families cannot merge into one).
 */
function mpWithdrawals(a: PathAttributes): PathAttributes {
  const reach = a.mpReach;
  const unreach = a.mpUnreach;
  if (!reach) return unreach ? { mpUnreach: unreach } : {};
  const sameFamily = unreach !== undefined && unreach.afi === reach.afi && unreach.safi === reach.safi;
  return {
    mpUnreach: {
      afi: reach.afi,
      safi: reach.safi,
      withdrawn: sameFamily ? [...unreach.withdrawn, ...reach.nlri] : reach.nlri,
    },
  };
}

function decodeAsPath(v: Buffer, width: 2 | 4): AsPathSegment[] | undefined {
  const out: AsPathSegment[] = [];
  let i = 0;
  while (i < v.length) {
    if (i + 2 > v.length) return undefined;
    const type = v[i]!;
    const count = v[i + 1]!;
    if (type < 1 || type > 4 || count === 0 || i + 2 + count * width > v.length) return undefined;
    const asns = Array.from({ length: count }, (_, k) =>
      width === 4 ? v.readUInt32BE(i + 2 + k * 4) : v.readUInt16BE(i + 2 + k * 2),
    );
    out.push({ type: type as AsPathSegment['type'], asns });
    i += 2 + count * width;
  }
  return out;
}

export { AFI_IPV4, AFI_IPV6 };
