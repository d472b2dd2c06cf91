/**
 * JSON-subset comparison in the style of FRR topotests' json_cmp: `expected` must be contained in
 * `actual`. Objects: every expected key must match (actual may have more); `null` means the key must be
 * absent. Arrays: every expected element must match a distinct actual element, in any order; wrap with
 * `exactly([...])` to also require the same length. Returns one line per difference (empty = match).
 */
const EXACT = Symbol('exactly');

export type Exactly = unknown[] & { [EXACT]: true };

export function exactly(items: unknown[]): Exactly {
  return Object.assign([...items], { [EXACT]: true as const });
}

export function jsonSubsetDiff(expected: unknown, actual: unknown, path = '$'): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array, got ${show(actual)}`];
    const diffs: string[] = [];
    if ((expected as Partial<Exactly>)[EXACT] && expected.length !== actual.length) {
      diffs.push(`${path}: expected exactly ${expected.length} elements, got ${actual.length}: ${show(actual)}`);
    }
    const used = new Set<number>();
    expected.forEach((e, i) => {
      const match = actual.findIndex((a, j) => !used.has(j) && jsonSubsetDiff(e, a).length === 0);
      if (match >= 0) used.add(match);
      else diffs.push(`${path}[${i}]: no element matches ${show(e)} in ${show(actual)}`);
    });
    return diffs;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [`${path}: expected an object, got ${show(actual)}`];
    const diffs: string[] = [];
    for (const [k, e] of Object.entries(expected)) {
      const p = `${path}${/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`}`;
      const has = Object.hasOwn(actual, k);
      const a = (actual as Record<string, unknown>)[k];
      if (e === null) {
        if (has) diffs.push(`${p}: must be absent, got ${show(a)}`);
      } else if (!has) {
        diffs.push(`${p}: missing, expected ${show(e)}`);
      } else {
        diffs.push(...jsonSubsetDiff(e, a, p));
      }
    }
    return diffs;
  }
  return Object.is(expected, actual) ? [] : [`${path}: expected ${show(expected)}, got ${show(actual)}`];
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 200 ? `${s.slice(0, 200)}...` : s;
}
