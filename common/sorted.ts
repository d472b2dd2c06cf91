/** Sorted arrays of strings or bigints kept sorted in place (binary search; a splice per insert). */
type Sortable = string | bigint | number;

/** The first index whose element is not below `v`. */
export function lowerBound<T extends Sortable>(xs: readonly T[], v: T): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts `v` unless present. */
export function insertSorted<T extends Sortable>(xs: T[], v: T): void {
  const i = lowerBound(xs, v);
  if (xs[i] !== v) xs.splice(i, 0, v);
}
