/**
 * The order a parallel run hands scenarios to its workers: longest first (longest-processing-time
 * scheduling), from the durations of an earlier run. A run ends when its last worker ends, so a 40 s
 * scenario handed out last makes the run 40 s longer than it needs to be; handed out first, it
 * overlaps with everything else. Verdicts never depend on the order.
 */

export interface Orderable {
  /** `feature name\0scenario name`, the key of `durations`. */
  key: string;
  /** Layer 2 scenarios stay out of the first wave (every worker starting at once). */
  l2: boolean;
}

/** The key a scenario's duration is known by (feature and scenario names, as reports name them). */
export function durationKey(feature: string, scenario: string): string {
  return `${feature}\0${scenario}`;
}

/** Per scenario key, its duration (ms), from a report's `timings`. Unknown or absent durations are skipped. */
export function durationsFromTimings(
  timings: readonly { feature?: string; scenario?: string; durationMs?: number }[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of timings)
    if (t.feature !== undefined && t.scenario !== undefined && typeof t.durationMs === 'number')
      out[durationKey(t.feature, t.scenario)] = t.durationMs;
  return out;
}

/**
 * `items` longest first; a scenario without a known duration counts as the median of the known ones
 * (a new scenario is typical until measured). Ties keep the given order. The first `workers` places go
 * to non-L2 scenarios where there are enough (the first wave is the CPU's busiest moment); after them
 * come the L2 scenarios, then the others: only a few L2 scenarios may run at once (features/support/
 * hooks.ts), so they are the chain to keep busy, and the coordinator hands out the first scenario it
 * may, so a worker takes an L2 one whenever an L2 place is free and the longest other one otherwise.
 */
export function longestFirst<T extends Orderable>(
  items: readonly T[],
  durations: Readonly<Record<string, number>>,
  workers: number,
): T[] {
  const known = items.map((i) => durations[i.key]).filter((d): d is number => d !== undefined);
  const median = known.length ? [...known].sort((a, b) => a - b)[Math.floor(known.length / 2)]! : 0;
  const cost = (i: T): number => durations[i.key] ?? median;
  const sorted = items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => cost(b.item) - cost(a.item) || a.index - b.index)
    .map((x) => x.item);
  const firstWave: T[] = [];
  for (const i of sorted) if (firstWave.length < workers && !i.l2) firstWave.push(i);
  const rest = sorted.filter((i) => !firstWave.includes(i));
  return [...firstWave, ...rest.filter((i) => i.l2), ...rest.filter((i) => !i.l2)];
}
