/**
 * Where a scenario's time goes, for the suite benchmark: building the lab and starting routers
 * (setup), polling for an expected state (waiting for convergence) and the After hook (teardown).
 * One scenario runs at a time in a cucumber process, so module-level counters are enough.
 */
export type Phase = 'setup' | 'wait' | 'teardown';

const spent: Record<Phase, number> = { setup: 0, wait: 0, teardown: 0 };
let depth = 0;

/** Runs fn and adds its duration to `phase` (nested timings count once, in the outer phase). */
export async function timed<T>(phase: Phase, fn: () => Promise<T>): Promise<T> {
  if (depth > 0) return fn();
  depth++;
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    depth--;
    spent[phase] += performance.now() - t0;
  }
}

/** The counters since the last call, rounded to ms; resets them. */
export function takePhaseTimes(): Record<Phase, number> {
  const out = {
    setup: Math.round(spent.setup),
    wait: Math.round(spent.wait),
    teardown: Math.round(spent.teardown),
  };
  spent.setup = spent.wait = spent.teardown = 0;
  return out;
}
