/**
 * IP and CIDR arithmetic for both families on bigint, so IPv4 and IPv6 share one code path.
 * Parsing is strict (no leading zeros in IPv4 octets, no zones): what Go's net.ParseIP accepts, minus
 * the IPv4-in-IPv6 aliasing, which we keep as IPv6 (`::ffff:203.0.113.0/120` is an IPv6 network, on
 * the wire too). The one address/prefix module of the reference: the BGP layer encodes these values.
 */
import { CodedError } from '../../common/errors.ts';

export type Family = 4 | 6;

export interface IP {
  readonly family: Family;
  readonly value: bigint;
}

/** A network: `addr` always has its host bits zero. */
export interface Cidr {
  readonly family: Family;
  readonly addr: bigint;
  readonly len: number;
}

export function familyBits(f: Family): number {
  return f === 4 ? 32 : 128;
}

const V4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseV4Value(s: string): bigint | undefined {
  const m = V4_RE.exec(s);
  if (!m) return undefined;
  let v = 0n;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6Value(s: string): bigint | undefined {
  if (s.length === 0 || s.length > 45) return undefined;
  let head = s;
  let tailV4: bigint | undefined;
  // An embedded dotted quad takes the last two groups.
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.indexOf('.', lastColon) > 0) {
    tailV4 = parseV4Value(s.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    const out: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (halves.length === 2) {
    const a = parseGroups(halves[0]!);
    const b = parseGroups(halves[1]!);
    if (!a || !b || a.length + b.length > 7) return undefined;
    groups = [...a, ...new Array<number>(8 - a.length - b.length).fill(0), ...b];
  } else {
    const a = parseGroups(halves[0]!);
    if (a?.length !== 8) return undefined;
    groups = a;
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  if (tailV4 !== undefined) v = (v & ~0xffffffffn) | tailV4;
  return v;
}

export function parseIP(s: string): IP | undefined {
  if (typeof s !== 'string') return undefined;
  if (s.includes(':')) {
    const value = parseV6Value(s);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseV4Value(s);
  return value === undefined ? undefined : { family: 4, value };
}

function formatV4(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((sh) => Number((v >> sh) & 0xffn)).join('.');
}

/** RFC 5952: lower case, no leading zeros, the longest run (first on a tie) of 2+ zero groups as `::`. */
function formatV6(v: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  // IPv4-mapped addresses keep the dotted quad (RFC 5952 section 5).
  if (v >> 32n === 0xffffn) return '::ffff:' + formatV4(v & 0xffffffffn);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return hex.slice(0, bestStart).join(':') + '::' + hex.slice(bestStart + bestLen).join(':');
}

export function formatIP(ip: IP): string {
  return ip.family === 4 ? formatV4(ip.value) : formatV6(ip.value);
}

/** Canonical text of an address, or undefined when it does not parse. */
export function canonicalIP(s: string): string | undefined {
  const ip = parseIP(s);
  return ip ? formatIP(ip) : undefined;
}

/** Network-order bytes of an address: 4 for IPv4, 16 for IPv6. */
export function ipBytes(ip: IP): Buffer {
  const n = familyBits(ip.family) / 8;
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Number((ip.value >> BigInt((n - 1 - i) * 8)) & 0xffn);
  return b;
}

/** The address held in 4 (IPv4) or 16 (IPv6) network-order bytes. */
export function ipFromBytes(b: Uint8Array): IP {
  if (b.length !== 4 && b.length !== 16)
    throw new RangeError(`an address has 4 or 16 bytes, not ${b.length}`);
  let value = 0n;
  for (const x of b) value = (value << 8n) | BigInt(x);
  return { family: b.length === 4 ? 4 : 6, value };
}

export function hostMask(f: Family, len: number): bigint {
  return (1n << BigInt(familyBits(f) - len)) - 1n;
}

export function maskIP(ip: IP, len: number): Cidr {
  return { family: ip.family, addr: ip.value & ~hostMask(ip.family, len), len };
}

export function cidrFirst(c: Cidr): bigint {
  return c.addr;
}

export function cidrLast(c: Cidr): bigint {
  return c.addr | hostMask(c.family, c.len);
}

export function cidrSize(c: Cidr): bigint {
  return 1n << BigInt(familyBits(c.family) - c.len);
}

export function formatCidr(c: Cidr): string {
  return `${formatIP({ family: c.family, value: c.addr })}/${c.len}`;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Parses `addr/len`. Host bits must be zero: a typo there would silently move the pool. */
export function parseCidr(s: string): ParseResult<Cidr> {
  const slash = s.indexOf('/');
  if (slash < 0) return { ok: false, reason: 'missing "/prefix-length"' };
  const ip = parseIP(s.slice(0, slash));
  if (!ip) return { ok: false, reason: `"${s.slice(0, slash)}" is not an IPv4 or IPv6 address` };
  const lenText = s.slice(slash + 1);
  const bits = familyBits(ip.family);
  if (!/^(0|[1-9]\d{0,2})$/.test(lenText) || Number(lenText) > bits) {
    return { ok: false, reason: `prefix length "${lenText}" is not a number in 0..${bits}` };
  }
  const len = Number(lenText);
  const net = maskIP(ip, len);
  if (net.addr !== ip.value) {
    return { ok: false, reason: `host bits are set; did you mean ${formatCidr(net)}?` };
  }
  return { ok: true, value: net };
}

/**
 * `addr/len` as a Cidr, or a CodedError: for text this program wrote itself (plan rows, tests), where
 * a bad value is a bug, not a user's typo.
 */
export function cidrOf(text: string): Cidr {
  const r = parseCidr(text);
  if (!r.ok) throw new CodedError('BAD_CIDR', `"${text}": ${r.reason}`);
  return r.value;
}

export function cidrContains(c: Cidr, ip: IP): boolean {
  return c.family === ip.family && (ip.value & ~hostMask(c.family, c.len)) === c.addr;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  return cidrFirst(a) <= cidrLast(b) && cidrFirst(b) <= cidrLast(a);
}

/** The minimal exact CIDR cover of the inclusive range [start, end]; empty when start > end. */
export function rangeToCidrs(start: IP, end: IP): Cidr[] {
  if (start.family !== end.family) throw new RangeError('range ends are of different families');
  const f = start.family;
  const bits = familyBits(f);
  const out: Cidr[] = [];
  let cur = start.value;
  const last = end.value;
  while (cur <= last) {
    // Largest block aligned at `cur` that does not run past `last`.
    let size = 0;
    while (size < bits && ((cur >> BigInt(size)) & 1n) === 0n && cur + (1n << BigInt(size + 1)) - 1n <= last)
      size++;
    out.push({ family: f, addr: cur, len: bits - size });
    cur += 1n << BigInt(size);
  }
  return out;
}

/** IPv4 addresses ending in .0 or .255 confuse some old firmware (MetalLB's avoidBuggyIPs). */
export function isBuggyIP(ip: IP): boolean {
  if (ip.family !== 4) return false;
  const last = ip.value & 0xffn;
  return last === 0n || last === 255n;
}

/** Sort order used everywhere: IPv4 before IPv6, then numeric. */
export function compareIP(a: IP, b: IP): number {
  if (a.family !== b.family) return a.family - b.family;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

export function compareCidr(a: Cidr, b: Cidr): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.addr !== b.addr) return a.addr < b.addr ? -1 : 1;
  return a.len - b.len;
}
