/**
 * BGP communities as configured: standard `a:b` (RFC 1997, two 16-bit numbers) or large
 * `large:a:b:c` (RFC 8092, three 32-bit numbers). Normalised text drops leading zeros.
 */
export type Community =
  | { kind: 'standard'; value: number; text: string }
  | { kind: 'large'; parts: [number, number, number]; text: string };

function num(s: string, max: number): number | undefined {
  if (!/^\d{1,10}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= max ? n : undefined;
}

/** The one community codec of the reference: text as configured (or as the plan prints it) to values. */
export function parseCommunity(s: string): Community | undefined {
  if (typeof s !== 'string') return undefined;
  const parts = s.split(':');
  if (parts.length === 2) {
    const a = num(parts[0]!, 0xffff);
    const b = num(parts[1]!, 0xffff);
    if (a === undefined || b === undefined) return undefined;
    return { kind: 'standard', value: a * 65536 + b, text: `${a}:${b}` };
  }
  if (parts.length === 4 && parts[0]!.toLowerCase() === 'large') {
    const [a, b, c] = [num(parts[1]!, 0xffffffff), num(parts[2]!, 0xffffffff), num(parts[3]!, 0xffffffff)];
    if (a === undefined || b === undefined || c === undefined) return undefined;
    return { kind: 'large', parts: [a, b, c], text: `${a}:${b}:${c}` };
  }
  return undefined;
}

/** The 32-bit value of a standard `a:b` (RFC 1997), or undefined when it is not one. */
export function standardValue(text: string): number | undefined {
  const c = parseCommunity(text);
  return c?.kind === 'standard' ? c.value : undefined;
}

/** `a:b` text of a 32-bit standard community value (as received on the wire). */
export function formatStandard(value: number): string {
  return `${value >>> 16}:${value & 0xffff}`;
}

/** The three numbers of a large `a:b:c` (RFC 8092, written without `large:`), or undefined. */
export function largeParts(text: string): [number, number, number] | undefined {
  const c = parseCommunity(`large:${text}`);
  return c?.kind === 'large' ? c.parts : undefined;
}

/** Numeric order of `a:b` texts (what `plan` prints). */
export function compareStandard(x: string, y: string): number {
  const [a1, b1] = x.split(':').map(Number) as [number, number];
  const [a2, b2] = y.split(':').map(Number) as [number, number];
  return a1 - a2 || b1 - b2;
}

/** Numeric order of `a:b:c` texts. */
export function compareLarge(x: string, y: string): number {
  const p = x.split(':').map(Number);
  const q = y.split(':').map(Number);
  return p[0]! - q[0]! || p[1]! - q[1]! || p[2]! - q[2]!;
}
