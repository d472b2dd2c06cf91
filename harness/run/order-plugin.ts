/**
 * A cucumber coordinator plugin (loaded by `lbconform run --parallel N`, N > 1): hands scenarios to
 * the workers longest first (harness/run/longest-first.ts). Its options, under `lbconformOrder`:
 * `durations` (scenario key -> ms, from an earlier run's report) and `workers`.
 */
import { durationKey, longestFirst } from './longest-first.ts';

export interface OrderOptions {
  durations: Record<string, number>;
  workers: number;
}

interface FilterablePickle {
  gherkinDocument?: { feature?: { name?: string } };
  pickle: { name: string; tags: readonly { name: string }[] };
}

export default {
  type: 'plugin' as const,
  optionsKey: 'lbconformOrder',
  coordinator({
    transform,
    options,
  }: {
    transform: (event: 'pickles:order', fn: (p: readonly FilterablePickle[]) => FilterablePickle[]) => void;
    options: Partial<OrderOptions>;
  }): void {
    transform('pickles:order', (pickles) => {
      const items = pickles.map((p) => ({
        p,
        key: durationKey(p.gherkinDocument?.feature?.name ?? '', p.pickle.name),
        l2: p.pickle.tags.some((t) => t.name === '@l2'),
      }));
      return longestFirst(items, options.durations ?? {}, options.workers ?? 1).map((i) => i.p);
    });
  },
};
