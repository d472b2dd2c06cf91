import type { Worker } from 'node:worker_threads';
import { stat } from 'node:fs/promises';
import { startWorker } from '../../common/worker-thread.ts';
import { expandPaths } from '../config/load.ts';
import type { Logger } from '../../common/log.ts';
import { DesiredStateComputer, type ComputedState, type DesiredStateInput } from './desired-state.ts';

interface Job {
  input: DesiredStateInput;
  resolve: (r: ComputedState | 'unchanged') => void;
  reject: (e: Error) => void;
}

/**
 * Reading 50k Services and planning takes seconds; on the speaker's own thread that would starve the
 * BGP keepalives and let a peer's hold timer expire in the middle of a reload. So every computation
 * runs on a worker thread, which also keeps the decoded files and the live plan (only the results
 * cross to the speaker's thread: the full state once, then differences). Except the first load of
 * small manifests: the thread takes some 70 ms to start, more than such a load costs here, so that one
 * is computed on this thread while the worker starts (the worker's own first answer is then a full
 * state again, which the sessions turn into no change on the wire). If the thread cannot start or dies,
 * work moves to this thread, starting from scratch (slower to react, never wrong).
 */
export class PlannerThread {
  private worker?: Worker;
  private closed = false;
  private nextId = 1;
  private readonly pending = new Map<number, Job>();
  /** Used only without a worker. */
  private local?: DesiredStateComputer;
  /** Where computations ran (also in the speaker's status): a thread that never runs shows here. */
  readonly computed = { here: 0, onThread: 0 };

  constructor(private readonly log: Logger) {
    this.start();
  }

  async compute(input: DesiredStateInput): Promise<ComputedState | 'unchanged'> {
    if (!this.worker) return this.computeHere(input);
    if (
      this.computed.here + this.computed.onThread === 0 &&
      (await manifestBytes(input.paths)) < SMALL_BYTES
    ) {
      const first = await this.computeHere(input);
      this.local = undefined; // the thread keeps the state from now on
      return first;
    }
    const id = this.nextId++;
    return new Promise<ComputedState | 'unchanged'>((resolve, reject) => {
      this.pending.set(id, { input, resolve, reject });
      // an idle thread must not keep the process alive; a busy one must
      this.worker!.ref();
      this.worker!.postMessage({ id, input });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }

  private async computeHere(input: DesiredStateInput): Promise<ComputedState | 'unchanged'> {
    this.local ??= new DesiredStateComputer();
    const r = await this.local.compute(input);
    this.computed.here++;
    return r;
  }

  private start(): void {
    if (this.closed) return;
    try {
      const w = startWorker(new URL('./planner-thread.worker.ts', import.meta.url));
      w.on('message', (m: { id: number; result?: ComputedState | 'unchanged'; error?: string }) => {
        const job = this.pending.get(m.id);
        if (!job) return;
        this.pending.delete(m.id);
        if (this.pending.size === 0) w.unref();
        if (m.error !== undefined) job.reject(new Error(m.error));
        else {
          this.computed.onThread++;
          job.resolve(m.result!);
        }
      });
      w.on('error', (err) => this.lose(`planner thread failed: ${err.message}`));
      w.on('exit', (code) => this.lose(`planner thread exited (${code})`));
      w.unref();
      this.worker = w;
    } catch (err) {
      this.log.warn('planner.thread.unavailable', { error: (err as Error).message });
    }
  }

  private lose(why: string): void {
    if (!this.worker) return;
    this.worker = undefined;
    this.log.error('planner.thread.lost', { reason: why, fallback: 'computing on the main thread' });
    // What was asked of the lost thread is computed here instead, from scratch: the first answer is a
    // full state, which replaces whatever differences the thread had sent.
    const jobs = [...this.pending.values()];
    this.pending.clear();
    for (const job of jobs) this.computeHere(job.input).then(job.resolve, job.reject);
  }
}

/** Below this, a first load is cheaper here than waiting for the thread to start. */
const SMALL_BYTES = 256 * 1024;

async function manifestBytes(paths: readonly string[]): Promise<number> {
  const { files } = await expandPaths(paths);
  let n = 0;
  for (const f of files)
    n += await stat(f).then(
      (s) => s.size,
      () => 0,
    );
  return n;
}
