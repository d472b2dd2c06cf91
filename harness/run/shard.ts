import { createHash } from 'node:crypto';
import { availableParallelism, freemem } from 'node:os';
import { CodedError } from '../../common/errors.ts';

/** `--shard i/n`: this job runs shard i (1-based) of n. */
export interface Shard {
  index: number;
  total: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const total = Number(m?.[2]);
  if (!m || total < 1 || index < 1 || index > total)
    throw new CodedError(
      'RUN_SHARD_INVALID',
      `--shard must be i/n with 1 <= i <= n (e.g. 2/4), got "${text}"`,
    );
  return { index, total };
}

/**
 * The shard (1-based) a scenario belongs to: a hash of its feature file and name, so a scenario stays
 * in its shard when others are added, removed or moved, and every job computes the same split alone.
 */
export function shardOf(uri: string, scenario: string, total: number): number {
  const h = createHash('sha256').update(`${uri}\0${scenario}`).digest();
  return (h.readUInt32BE(0) % total) + 1;
}

export function inShard<P extends { uri: string; name: string }>(pickles: P[], shard: Shard): P[] {
  return pickles.filter((p) => shardOf(p.uri, p.name, shard.total) === shard.index);
}

/**
 * Default `--parallel`: what this machine sustains. Scenarios mostly wait (sessions, polls), so two
 * workers per core; each worker holds its routers and speakers (about 300 MB at most), so free memory
 * caps it; never more than 8 (namespace prefixes get a one-digit worker suffix).
 */
export function defaultParallel(cores = availableParallelism(), freeBytes = freemem()): number {
  return Math.max(1, Math.min(2 * cores, Math.floor(freeBytes / (300 * 2 ** 20)), 8));
}

/** Each worker's namespace prefix: the run's prefix with the worker number appended (still <= 8 chars). */
export function workerPrefix(base: string, workerId: string | undefined): string {
  if (workerId === undefined || workerId === '') return base;
  return base.slice(0, 8 - workerId.length) + workerId;
}

/**
 * How many layer 2 scenarios a parallel run lets run at once: 2, or LBCONFORM_L2_AT_ONCE (1-8). Their
 * membership heartbeats (every 200 ms, dead after 1 s) and ARP/NDP probes are the most sensitive to a
 * shared CPU; with 4 workers the run is bound by its total work anyway, with more the L2 scenarios
 * (141 of 321 scenario-seconds) become the longest chain at 2 at once.
 */
export function l2AtOnce(text: string | undefined): number {
  if (text === undefined || text === '') return 2;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 8)
    throw new CodedError(
      'RUN_L2_AT_ONCE_INVALID',
      `LBCONFORM_L2_AT_ONCE must be a whole number 1-8, got "${text}"`,
    );
  return n;
}
