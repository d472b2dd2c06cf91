import { setTimeout as delay } from 'node:timers/promises';
import { CodedError } from './errors.ts';

export interface PollOptions {
  timeoutMs: number;
  /** Pause between two checks (default 50 ms). */
  intervalMs?: number;
  /** The check must pass this many times in a row (a route seen mid-update does not count). */
  consecutive?: number;
  /**
   * A check still running at the deadline may finish (and count) within this much more time (default
   * 2000 ms); one that takes longer is abandoned, so a hung command cannot hang the suite.
   */
  graceMs?: number;
  /** Stops the wait early: it rejects with the signal's reason (e.g. the process it waits for died). */
  signal?: AbortSignal;
}

const pending = Symbol('pending');

/**
 * Polls `check` until it resolves `consecutive` times in a row and returns the last value; otherwise
 * fails with WAIT_TIMEOUT, naming the wait and its timeout and quoting the last failure (the last
 * difference seen). A check still running at the deadline may finish within `graceMs`; past that it
 * is abandoned (a hung vtysh cannot hang the suite) and its eventual result is ignored.
 */
export async function poll<T>(name: string, check: () => Promise<T>, opts: PollOptions): Promise<T> {
  const interval = opts.intervalMs ?? 50;
  const needed = opts.consecutive ?? 1;
  if (!(opts.timeoutMs >= 0) || !(interval >= 0) || !Number.isInteger(needed) || needed < 1) {
    throw new CodedError(
      'WAIT_INVALID',
      `eventually(${name}): timeoutMs and intervalMs must be >= 0 and consecutive a positive integer`,
    );
  }
  const grace = opts.graceMs ?? 2000;
  const signal = opts.signal;
  signal?.throwIfAborted();
  // Rejects when the signal aborts, so neither a running check nor the pause delays the abort.
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    if (!signal) return;
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {});

  const deadline = Date.now() + opts.timeoutMs;
  let streak = 0;
  let lastError: unknown;
  let attempts = 0;
  let hung = false;
  try {
    for (;;) {
      attempts++;
      let timer: NodeJS.Timeout | undefined;
      try {
        const attempt = check();
        attempt.catch(() => {}); // a late rejection after the deadline must not become unhandled
        const deadlineHit = new Promise<typeof pending>(
          (r) => (timer = setTimeout(() => r(pending), Math.max(0, deadline - Date.now()) + grace)),
        );
        const value = await Promise.race([attempt, aborted, deadlineHit]);
        if (value === pending) {
          hung = true;
          break;
        }
        if (++streak >= needed) return value;
      } catch (err) {
        signal?.throwIfAborted();
        streak = 0;
        lastError = err;
      } finally {
        clearTimeout(timer);
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      await Promise.race([
        delay(Math.min(interval, left), undefined, signal ? { signal } : undefined).catch(() => {}),
        aborted,
      ]);
    }
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
  const failure =
    lastError === undefined
      ? '(no check failed)'
      : lastError instanceof Error
        ? lastError.message
        : String(lastError);
  const status = hung
    ? `the last check was still running at the deadline; last failure: ${failure}`
    : streak > 0
      ? `passed only ${streak} of ${needed} consecutive checks; last failure: ${failure}`
      : failure;
  throw new CodedError(
    'WAIT_TIMEOUT',
    `timed out after ${opts.timeoutMs} ms (${attempts} checks) waiting for: ${name}\n  last difference:\n  ${status}`,
    { cause: lastError },
  );
}
