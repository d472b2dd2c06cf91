/**
 * JSON-subset comparison in the style of FRR topotests' json_cmp: `expected` must be contained in
 * `actual`. Returns one line per difference, each starting with a JSONPath-like location into the
 * actual document (empty = match).
 *
 * - Objects: every expected key must match (actual may have more keys). `null` means the key must be
 *   absent; an `undefined` value is no constraint (as if the key were not written).
 * - Arrays: every expected element must match a *distinct* actual element, in any order (a maximum
 *   bipartite matching, so the order of the expected elements never matters). Wrap with
 *   `exactly([...])` to also require the same length. In JSON-only expectations (fixtures read from
 *   files) write `{ "$exactLength": n }` for "an array of exactly n elements", optionally with
 *   `"$items": [...]` for elements that must be among them.
 * - Primitives: equal (`Object.is`).
 *
 * An expected element that matches nothing is reported through the actual element that comes closest
 * (fewest differences), e.g. `$.routes["203.0.113.200/32"][0].locPrf: expected 0, got 100`.
 */
const EXACT = Symbol('exactly');

export type Exactly = unknown[] & { [EXACT]: true };

/** An expected array that must also have exactly this many elements. */
export function exactly(items: unknown[]): Exactly {
  return Object.assign([...items], { [EXACT]: true as const });
}

interface ExactLength {
  $exactLength: number;
  $items?: unknown[];
}

function isExactLength(v: unknown): v is ExactLength {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, '$exactLength');
}

export function jsonSubsetDiff(expected: unknown, actual: unknown, path = '$'): string[] {
  if (isExactLength(expected)) {
    const n = expected.$exactLength;
    if (!Number.isInteger(n) || n < 0)
      return [`${path}: $exactLength must be a non-negative integer, got ${show(n)}`];
    if (!Array.isArray(actual))
      return [`${path}: expected an array of exactly ${n} elements, got ${show(actual)}`];
    return diffArray(expected.$items ?? [], actual, path, n);
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array, got ${show(actual)}`];
    return diffArray(
      expected,
      actual,
      path,
      (expected as Partial<Exactly>)[EXACT] ? expected.length : undefined,
    );
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
      return [`${path}: expected an object, got ${show(actual)}`];
    const diffs: string[] = [];
    for (const [k, e] of Object.entries(expected)) {
      if (e === undefined) continue;
      const p = `${path}${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`}`;
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

/** True when `expected` is contained in `actual`. */
export function jsonSubsetMatches(expected: unknown, actual: unknown): boolean {
  return jsonSubsetDiff(expected, actual).length === 0;
}

function diffArray(
  expected: unknown[],
  actual: unknown[],
  path: string,
  exactLength: number | undefined,
): string[] {
  const diffs: string[] = [];
  if (exactLength !== undefined && actual.length !== exactLength) {
    diffs.push(`${path}: expected exactly ${exactLength} elements, got ${actual.length}: ${show(actual)}`);
  }
  // Which actual elements each expected element could be (computed once; the matching reuses it).
  const fits = expected.map((e) => actual.map((a) => jsonSubsetDiff(e, a).length === 0));
  const owner = maximumMatching(fits, actual.length);
  const matched = new Set(owner.filter((e) => e >= 0));
  const free = actual.map((_, j) => j).filter((j) => owner[j]! < 0);
  expected.forEach((e, i) => {
    if (matched.has(i)) return;
    if (actual.length === 0) {
      diffs.push(`${path}: expected an element matching ${show(e)}, got an empty array`);
      return;
    }
    // The closest element not already taken by another expectation (or any, if all are taken).
    const candidates = free.length > 0 ? free : actual.map((_, j) => j);
    let best = {
      j: candidates[0]!,
      lines: jsonSubsetDiff(e, actual[candidates[0]!], `${path}[${candidates[0]}]`),
    };
    for (const j of candidates.slice(1)) {
      const lines = jsonSubsetDiff(e, actual[j], `${path}[${j}]`);
      if (lines.length < best.lines.length) best = { j, lines };
    }
    if (candidates.length > 1 || best.lines.length === 0) {
      // Several candidates (or the closest one is the match of another expected element): say which.
      diffs.push(
        `${path}: expected element ${i} ${show(e)} matches none of the ${actual.length} elements${best.lines.length === 0 ? ' not already matched' : ''}; closest is [${best.j}]`,
      );
    }
    diffs.push(...best.lines);
  });
  return diffs;
}

/**
 * Kuhn's augmenting paths: owner[j] = index of the expected element that actual element j is given
 * to, or -1. Sizes here are small (paths of one prefix, next hops of one path).
 */
function maximumMatching(fits: boolean[][], actualCount: number): number[] {
  const owner = new Array<number>(actualCount).fill(-1);
  const tryAssign = (i: number, seen: boolean[]): boolean => {
    for (let j = 0; j < actualCount; j++) {
      if (!fits[i]![j] || seen[j]) continue;
      seen[j] = true;
      if (owner[j]! < 0 || tryAssign(owner[j]!, seen)) {
        owner[j] = i;
        return true;
      }
    }
    return false;
  };
  for (let i = 0; i < fits.length; i++) tryAssign(i, new Array<boolean>(actualCount).fill(false));
  return owner;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 200 ? `${s.slice(0, 200)}...` : s;
}
