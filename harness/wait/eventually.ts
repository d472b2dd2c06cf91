import { setTimeout as delay } from 'node:timers/promises';
import { CodedError } from '../../common/errors.ts';

export interface EventuallyOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** The check must pass this many times in a row (a route seen mid-update does not count). */
  consecutive?: number;
}

/**
 * Polls `check` until it resolves `consecutive` times in a row; otherwise fails with WAIT_TIMEOUT,
 * naming the wait and its timeout and quoting the last failure (the last difference seen).
 */
export async function eventually<T>(name: string, check: () => Promise<T>, opts: EventuallyOptions): Promise<T> {
  const interval = opts.intervalMs ?? 50;
  const needed = opts.consecutive ?? 1;
  const start = Date.now();
  let streak = 0;
  let lastError: unknown;
  let attempts = 0;
  for (;;) {
    attempts++;
    try {
      const value = await check();
      if (++streak >= needed) return value;
    } catch (err) {
      streak = 0;
      lastError = err;
    }
    if (Date.now() - start >= opts.timeoutMs) break;
    await delay(interval);
  }
  const last = lastError instanceof Error ? lastError.message : lastError === undefined ? `passed only ${streak} of ${needed} consecutive checks` : String(lastError);
  throw new CodedError('WAIT_TIMEOUT', `timed out after ${opts.timeoutMs} ms (${attempts} checks) waiting for: ${name}\n  last difference:\n  ${last}`, { cause: lastError });
}
