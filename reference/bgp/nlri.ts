import { CodedError } from '../../common/errors.ts';
import { type Cidr, ipBytes, ipFromBytes, maskIP, parseIP } from '../model/ip.ts';

/** AFI numbers (RFC 4760). */
export const AFI_IPV4 = 1;
export const AFI_IPV6 = 2;
export const SAFI_UNICAST = 1;

export type Afi = typeof AFI_IPV4 | typeof AFI_IPV6;

/** 4 or 16 bytes of an address given as text (next hops, AGGREGATOR); parsed by the model's parser. */
export function addressBytes(text: string): Buffer {
  const ip = parseIP(text);
  if (!ip) throw new CodedError('BGP_BAD_ADDRESS', `not an IP address: "${text}"`);
  return ipBytes(ip);
}

/** NLRI encoding: length octet then the minimum number of address octets. */
export function encodedPrefixSize(p: Cidr): number {
  return 1 + Math.ceil(p.len / 8);
}

export function writePrefix(p: Cidr, out: Buffer, at: number): number {
  out[at] = p.len;
  const n = Math.ceil(p.len / 8);
  ipBytes({ family: p.family, value: p.addr }).copy(out, at + 1, 0, n);
  return at + 1 + n;
}

/** Reads a run of NLRI; returns undefined when the bytes are not a whole, valid list. Host bits are cleared. */
export function readPrefixes(buf: Buffer, afi: Afi): Cidr[] | undefined {
  const width = afi === AFI_IPV4 ? 4 : 16;
  const out: Cidr[] = [];
  let i = 0;
  while (i < buf.length) {
    const length = buf[i]!;
    const n = Math.ceil(length / 8);
    if (length > width * 8 || i + 1 + n > buf.length) return undefined;
    const bytes = Buffer.alloc(width);
    buf.copy(bytes, 0, i + 1, i + 1 + n);
    out.push(maskIP(ipFromBytes(bytes), length));
    i += 1 + n;
  }
  return out;
}
