import { isIP } from 'node:net';
import { CodedError } from '../../common/errors.ts';
import { formatIP, type IP } from '../model/ip.ts';

/** AFI numbers (RFC 4760). */
export const AFI_IPV4 = 1;
export const AFI_IPV6 = 2;
export const SAFI_UNICAST = 1;

export interface Prefix {
  afi: typeof AFI_IPV4 | typeof AFI_IPV6;
  /** Full-width address bytes (4 or 16), host bits zero. */
  bytes: Buffer;
  length: number;
}

export function addressBytes(ip: string): Buffer {
  const family = isIP(ip);
  if (family === 4) return Buffer.from(ip.split('.').map(Number));
  if (family === 6) {
    const [head = '', tail] = ip.split('::') as [string, string | undefined];
    const h = head ? head.split(':') : [];
    const tl = tail ? tail.split(':') : [];
    const groups =
      tail === undefined ? h : [...h, ...Array<string>(8 - h.length - tl.length).fill('0'), ...tl];
    const b = Buffer.alloc(16);
    for (const [i, g] of groups.entries()) b.writeUInt16BE(parseInt(g, 16), i * 2);
    return b;
  }
  throw new CodedError('BGP_BAD_ADDRESS', `not an IP address: "${ip}"`);
}

/** RFC 5952 text for 4 or 16 address bytes (one formatter for the whole project: the model's). */
export function formatAddress(b: Buffer): string {
  const value = [...b].reduce((acc, x) => (acc << 8n) | BigInt(x), 0n);
  const ip: IP = { family: b.length === 4 ? 4 : 6, value };
  return formatIP(ip);
}

export function parsePrefix(text: string): Prefix {
  const [addr = '', lenText] = text.split('/');
  const bytes = addressBytes(addr);
  const max = bytes.length * 8;
  const length = lenText === undefined ? max : Number(lenText);
  if (!Number.isInteger(length) || length < 0 || length > max)
    throw new CodedError('BGP_BAD_PREFIX', `bad prefix length in "${text}"`);
  return { afi: bytes.length === 4 ? AFI_IPV4 : AFI_IPV6, bytes: maskBytes(bytes, length), length };
}

export function formatPrefix(p: Prefix): string {
  return `${formatAddress(p.bytes)}/${p.length}`;
}

function maskBytes(b: Buffer, length: number): Buffer {
  const out = Buffer.from(b);
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, length - i * 8));
    out[i] = out[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

/** NLRI encoding: length octet then the minimum number of address octets. */
export function encodedPrefixSize(p: Prefix): number {
  return 1 + Math.ceil(p.length / 8);
}

export function writePrefix(p: Prefix, out: Buffer, at: number): number {
  out[at] = p.length;
  const n = Math.ceil(p.length / 8);
  p.bytes.copy(out, at + 1, 0, n);
  return at + 1 + n;
}

/** Reads a run of NLRI; returns undefined when the bytes are not a whole, valid list. */
export function readPrefixes(buf: Buffer, afi: typeof AFI_IPV4 | typeof AFI_IPV6): Prefix[] | undefined {
  const width = afi === AFI_IPV4 ? 4 : 16;
  const out: Prefix[] = [];
  let i = 0;
  while (i < buf.length) {
    const length = buf[i]!;
    const n = Math.ceil(length / 8);
    if (length > width * 8 || i + 1 + n > buf.length) return undefined;
    const bytes = Buffer.alloc(width);
    buf.copy(bytes, 0, i + 1, i + 1 + n);
    out.push({ afi, bytes: maskBytes(bytes, length), length });
    i += 1 + n;
  }
  return out;
}
