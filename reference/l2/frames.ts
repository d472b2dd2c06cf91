import { CodedError } from '../../common/errors.ts';
import { formatIP, parseIP } from '../model/ip.ts';

/**
 * Pure codecs for what layer 2 mode puts on the wire: Ethernet II, ARP (Ethernet/IPv4), IPv6 with
 * ICMPv6 Neighbour Solicitation / Advertisement (RFC 4861). Addresses are strings: MACs lower-case
 * `aa:bb:cc:dd:ee:ff`, IPs canonical (RFC 5952). Decoders return undefined for anything malformed or
 * not of their kind, never throw; encoders throw L2_FRAME_INVALID for bad input.
 */

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';
export const ZERO_MAC = '00:00:00:00:00:00';
export const ALL_NODES = 'ff02::1';
export const IPPROTO_ICMPV6 = 58;
export const ICMPV6_NS = 135;
export const ICMPV6_NA = 136;

const MAC_RE = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i;

function invalid(msg: string): never {
  throw new CodedError('L2_FRAME_INVALID', msg);
}

export function macToBytes(mac: string): Buffer {
  if (!MAC_RE.test(mac)) invalid(`bad MAC "${mac}"`);
  return Buffer.from(mac.split(':').map((h) => parseInt(h, 16)));
}

export function bytesToMac(b: Uint8Array, offset = 0): string {
  const parts: string[] = [];
  for (let i = 0; i < 6; i++) parts.push(b[offset + i]!.toString(16).padStart(2, '0'));
  return parts.join(':');
}

export function ipToBytes(ip: string, family: 4 | 6): Buffer {
  const p = parseIP(ip);
  if (!p || p.family !== family) invalid(`bad IPv${family} address "${ip}"`);
  const n = family === 4 ? 4 : 16;
  const b = Buffer.alloc(n);
  let v = p.value;
  for (let i = n - 1; i >= 0; i--) {
    b[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return b;
}

export function bytesToIp(b: Uint8Array, offset: number, family: 4 | 6): string {
  const n = family === 4 ? 4 : 16;
  let v = 0n;
  for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(b[offset + i]!);
  return formatIP({ family, value: v });
}

// ---------------------------------------------------------------- Ethernet

export interface EthernetFrame {
  dst: string;
  src: string;
  ethertype: number;
  payload: Buffer;
}

export function encodeEthernet(f: EthernetFrame): Buffer {
  const head = Buffer.alloc(14);
  macToBytes(f.dst).copy(head, 0);
  macToBytes(f.src).copy(head, 6);
  head.writeUInt16BE(f.ethertype, 12);
  const frame = Buffer.concat([head, f.payload]);
  // Minimum Ethernet payload is 46 bytes; AF_PACKET does not pad for us on every driver.
  return frame.length >= 60 ? frame : Buffer.concat([frame, Buffer.alloc(60 - frame.length)]);
}

export function decodeEthernet(b: Uint8Array): EthernetFrame | undefined {
  if (b.length < 14) return undefined;
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return {
    dst: bytesToMac(buf, 0),
    src: bytesToMac(buf, 6),
    ethertype: buf.readUInt16BE(12),
    payload: buf.subarray(14),
  };
}

// ---------------------------------------------------------------- ARP

export const ARP_REQUEST = 1;
export const ARP_REPLY = 2;

export interface ArpPacket {
  op: 1 | 2;
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
}

export function encodeArp(p: ArpPacket): Buffer {
  const b = Buffer.alloc(28);
  b.writeUInt16BE(1, 0); // hardware: Ethernet
  b.writeUInt16BE(ETHERTYPE_IPV4, 2);
  b[4] = 6;
  b[5] = 4;
  b.writeUInt16BE(p.op, 6);
  macToBytes(p.senderMac).copy(b, 8);
  ipToBytes(p.senderIp, 4).copy(b, 14);
  macToBytes(p.targetMac).copy(b, 18);
  ipToBytes(p.targetIp, 4).copy(b, 24);
  return b;
}

/** Ethernet/IPv4 ARP requests and replies only. */
export function decodeArp(b: Uint8Array): ArpPacket | undefined {
  if (b.length < 28) return undefined;
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (buf.readUInt16BE(0) !== 1 || buf.readUInt16BE(2) !== ETHERTYPE_IPV4 || buf[4] !== 6 || buf[5] !== 4)
    return undefined;
  const op = buf.readUInt16BE(6);
  if (op !== ARP_REQUEST && op !== ARP_REPLY) return undefined;
  return {
    op,
    senderMac: bytesToMac(buf, 8),
    senderIp: bytesToIp(buf, 14, 4),
    targetMac: bytesToMac(buf, 18),
    targetIp: bytesToIp(buf, 24, 4),
  };
}

export function arpFrame(ethDst: string, ethSrc: string, p: ArpPacket): Buffer {
  return encodeEthernet({ dst: ethDst, src: ethSrc, ethertype: ETHERTYPE_ARP, payload: encodeArp(p) });
}

/** A request asking who has `targetIp`, broadcast. */
export function arpRequestFrame(mac: string, senderIp: string, targetIp: string): Buffer {
  return arpFrame(BROADCAST_MAC, mac, {
    op: ARP_REQUEST,
    senderMac: mac,
    senderIp,
    targetMac: ZERO_MAC,
    targetIp,
  });
}

/** The answer to `req`, from `mac`, unicast to the requester. */
export function arpReplyFrame(mac: string, req: ArpPacket): Buffer {
  return arpFrame(req.senderMac, mac, {
    op: ARP_REPLY,
    senderMac: mac,
    senderIp: req.targetIp,
    targetMac: req.senderMac,
    targetIp: req.senderIp,
  });
}

/** Gratuitous ARP in both forms, broadcast: a request and a reply, sender and target IP both `ip`. */
export function gratuitousArpFrames(mac: string, ip: string): [request: Buffer, reply: Buffer] {
  return [
    arpFrame(BROADCAST_MAC, mac, {
      op: ARP_REQUEST,
      senderMac: mac,
      senderIp: ip,
      targetMac: ZERO_MAC,
      targetIp: ip,
    }),
    arpFrame(BROADCAST_MAC, mac, {
      op: ARP_REPLY,
      senderMac: mac,
      senderIp: ip,
      targetMac: BROADCAST_MAC,
      targetIp: ip,
    }),
  ];
}

// ---------------------------------------------------------------- IPv6 / ICMPv6 / NDP

export interface IPv6Packet {
  src: string;
  dst: string;
  nextHeader: number;
  hopLimit: number;
  payload: Buffer;
}

export function encodeIPv6(p: IPv6Packet): Buffer {
  const h = Buffer.alloc(40);
  h.writeUInt32BE(0x60000000, 0);
  h.writeUInt16BE(p.payload.length, 4);
  h[6] = p.nextHeader;
  h[7] = p.hopLimit;
  ipToBytes(p.src, 6).copy(h, 8);
  ipToBytes(p.dst, 6).copy(h, 24);
  return Buffer.concat([h, p.payload]);
}

export function decodeIPv6(b: Uint8Array): IPv6Packet | undefined {
  if (b.length < 40) return undefined;
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (buf[0]! >> 4 !== 6) return undefined;
  const len = buf.readUInt16BE(4);
  if (40 + len > buf.length) return undefined;
  return {
    src: bytesToIp(buf, 8, 6),
    dst: bytesToIp(buf, 24, 6),
    nextHeader: buf[6]!,
    hopLimit: buf[7]!,
    payload: buf.subarray(40, 40 + len),
  };
}

/** RFC 4443 checksum: one's complement sum over the IPv6 pseudo-header and the message. */
export function icmpv6Checksum(src: string, dst: string, message: Uint8Array): number {
  const pseudo = Buffer.alloc(40);
  ipToBytes(src, 6).copy(pseudo, 0);
  ipToBytes(dst, 6).copy(pseudo, 16);
  pseudo.writeUInt32BE(message.length, 32);
  pseudo[39] = IPPROTO_ICMPV6;
  let sum = 0;
  const add = (d: Uint8Array): void => {
    for (let i = 0; i < d.length; i += 2) sum += (d[i]! << 8) | (i + 1 < d.length ? d[i + 1]! : 0);
  };
  add(pseudo);
  add(message);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export interface NdpFlags {
  router: boolean;
  solicited: boolean;
  override: boolean;
}

export type NdpMessage =
  | { type: 'ns'; target: string; sourceLinkAddr?: string }
  | { type: 'na'; target: string; flags: NdpFlags; targetLinkAddr?: string };

/** The ICMPv6 message (checksum filled in for the given addresses). */
export function encodeNdp(m: NdpMessage, src: string, dst: string): Buffer {
  const lla = m.type === 'ns' ? m.sourceLinkAddr : m.targetLinkAddr;
  const b = Buffer.alloc(24 + (lla ? 8 : 0));
  b[0] = m.type === 'ns' ? ICMPV6_NS : ICMPV6_NA;
  if (m.type === 'na')
    b[4] = (m.flags.router ? 0x80 : 0) | (m.flags.solicited ? 0x40 : 0) | (m.flags.override ? 0x20 : 0);
  ipToBytes(m.target, 6).copy(b, 8);
  if (lla) {
    b[24] = m.type === 'ns' ? 1 : 2;
    b[25] = 1;
    macToBytes(lla).copy(b, 26);
  }
  b.writeUInt16BE(icmpv6Checksum(src, dst, b), 2);
  return b;
}

/** Validates per RFC 4861 7.1 (code 0, length, checksum, option lengths) and decodes; else undefined. */
export function decodeNdp(b: Uint8Array, src: string, dst: string): NdpMessage | undefined {
  if (b.length < 24) return undefined;
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const type = buf[0];
  if ((type !== ICMPV6_NS && type !== ICMPV6_NA) || buf[1] !== 0) return undefined;
  if (icmpv6Checksum(src, dst, buf) !== 0) return undefined;
  const target = bytesToIp(buf, 8, 6);
  if (parseIP(target)!.value >> 120n === 0xffn) return undefined; // target must not be multicast
  let sll: string | undefined;
  let tll: string | undefined;
  for (let o = 24; o < buf.length; ) {
    if (o + 2 > buf.length) return undefined;
    const len = buf[o + 1]! * 8;
    if (len === 0 || o + len > buf.length) return undefined;
    if (buf[o] === 1 && len >= 8) sll = bytesToMac(buf, o + 2);
    if (buf[o] === 2 && len >= 8) tll = bytesToMac(buf, o + 2);
    o += len;
  }
  if (type === ICMPV6_NS) {
    if (src === '::' && sll) return undefined; // RFC 4861 7.1.1
    return sll ? { type: 'ns', target, sourceLinkAddr: sll } : { type: 'ns', target };
  }
  const f = buf[4]!;
  const flags = { router: (f & 0x80) !== 0, solicited: (f & 0x40) !== 0, override: (f & 0x20) !== 0 };
  if (flags.solicited && isMulticastV6(dst)) return undefined; // RFC 4861 7.1.2
  return tll ? { type: 'na', target, flags, targetLinkAddr: tll } : { type: 'na', target, flags };
}

export interface NdpFrame {
  eth: EthernetFrame;
  ip: IPv6Packet;
  msg: NdpMessage;
}

/** A whole Ethernet frame carrying an NDP message, hop limit 255. */
export function ndpFrame(o: {
  srcMac: string;
  dstMac: string;
  srcIp: string;
  dstIp: string;
  msg: NdpMessage;
}): Buffer {
  const payload = encodeNdp(o.msg, o.srcIp, o.dstIp);
  const ip = encodeIPv6({ src: o.srcIp, dst: o.dstIp, nextHeader: IPPROTO_ICMPV6, hopLimit: 255, payload });
  return encodeEthernet({ dst: o.dstMac, src: o.srcMac, ethertype: ETHERTYPE_IPV6, payload: ip });
}

/** An NS/NA in an Ethernet frame, valid per RFC 4861 (hop limit 255 included); else undefined. */
export function decodeNdpFrame(b: Uint8Array): NdpFrame | undefined {
  const eth = decodeEthernet(b);
  if (!eth || eth.ethertype !== ETHERTYPE_IPV6) return undefined;
  const ip = decodeIPv6(eth.payload);
  if (!ip || ip.nextHeader !== IPPROTO_ICMPV6 || ip.hopLimit !== 255) return undefined;
  const msg = decodeNdp(ip.payload, ip.src, ip.dst);
  return msg ? { eth, ip, msg } : undefined;
}

/** An ARP packet in an Ethernet frame; else undefined. */
export function decodeArpFrame(b: Uint8Array): { eth: EthernetFrame; arp: ArpPacket } | undefined {
  const eth = decodeEthernet(b);
  if (!eth || eth.ethertype !== ETHERTYPE_ARP) return undefined;
  const arp = decodeArp(eth.payload);
  return arp ? { eth, arp } : undefined;
}

export function isMulticastV6(ip: string): boolean {
  const p = parseIP(ip);
  return p !== undefined && p.family === 6 && p.value >> 120n === 0xffn;
}

/** ff02::1:ffXX:XXXX, from the low 24 bits of `ip` (RFC 4291 2.7.1). */
export function solicitedNodeAddress(ip: string): string {
  const p = parseIP(ip);
  if (p?.family !== 6) invalid(`bad IPv6 address "${ip}"`);
  const value = (0xff02n << 112n) | (0x1ffn << 24n) | (p.value & 0xffffffn);
  return formatIP({ family: 6, value });
}

/** 33:33 + the low 32 bits of a multicast IPv6 address (RFC 2464 7). */
export function ipv6MulticastMac(ip: string): string {
  const b = ipToBytes(ip, 6);
  return bytesToMac(Buffer.from([0x33, 0x33, b[12]!, b[13]!, b[14]!, b[15]!]));
}

/** A solicited NA answering `ns` for `target` from `mac`; to ff02::1 (S=0) when the solicitor is `::`. */
export function solicitedNaFrame(o: { mac: string; srcIp: string; ns: NdpFrame }): Buffer {
  const dad = o.ns.ip.src === '::';
  const dstIp = dad ? ALL_NODES : o.ns.ip.src;
  const dstMac = dad
    ? ipv6MulticastMac(ALL_NODES)
    : ((o.ns.msg.type === 'ns' ? o.ns.msg.sourceLinkAddr : undefined) ?? o.ns.eth.src);
  return ndpFrame({
    srcMac: o.mac,
    dstMac,
    srcIp: o.srcIp,
    dstIp,
    msg: {
      type: 'na',
      target: o.ns.msg.target,
      flags: { router: false, solicited: !dad, override: true },
      targetLinkAddr: o.mac,
    },
  });
}

/** Unsolicited NA to all nodes, Override set, S=0. */
export function unsolicitedNaFrame(mac: string, srcIp: string, target: string): Buffer {
  return ndpFrame({
    srcMac: mac,
    dstMac: ipv6MulticastMac(ALL_NODES),
    srcIp,
    dstIp: ALL_NODES,
    msg: {
      type: 'na',
      target,
      flags: { router: false, solicited: false, override: true },
      targetLinkAddr: mac,
    },
  });
}

/** A neighbour solicitation for `target` to its solicited-node group (what a host sends to resolve it). */
export function nsFrame(o: { mac: string; srcIp: string; target: string }): Buffer {
  const group = solicitedNodeAddress(o.target);
  return ndpFrame({
    srcMac: o.mac,
    dstMac: ipv6MulticastMac(group),
    srcIp: o.srcIp,
    dstIp: group,
    msg:
      o.srcIp === '::'
        ? { type: 'ns', target: o.target }
        : { type: 'ns', target: o.target, sourceLinkAddr: o.mac },
  });
}
