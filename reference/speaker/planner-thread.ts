import { Worker } from 'node:worker_threads';
import type { Logger } from '../../common/log.ts';
import type { ValidationError } from '../model/types.ts';
import { ParsedDocsCache } from '../config/yaml-fast.ts';
import {
  DesiredStateSource,
  desiredStateFromTexts,
  type DesiredStateInput,
  type ManifestTexts,
} from './desired-state.ts';
import type { DesiredState } from './speaker.ts';

interface Job {
  input: DesiredStateInput;
  texts: ManifestTexts;
  errors: ValidationError[];
  resolve: (r: DesiredState) => void;
  reject: (e: Error) => void;
}

/**
 * Parsing 50k Services and planning takes seconds; on the speaker's own thread that would starve the
 * BGP keepalives and let a peer's hold timer expire in the middle of a reload. So reloads are computed
 * on a worker thread and the event loop stays free. The first computation runs here (no session is up
 * yet, and starting the thread first would only delay it); the thread starts after it. If the thread
 * cannot start or dies, work falls back to this thread (slower to react, never wrong).
 */
export class PlannerThread {
  private worker?: Worker;
  private started = false;
  private closed = false;
  private nextId = 1;
  private readonly pending = new Map<number, Job>();
  /** For what runs on this thread (the first computation, or all of them without a worker). */
  private readonly cache = new ParsedDocsCache();
  /** Where computations ran (also in the speaker's status): a thread that never runs shows here. */
  readonly computed = { here: 0, onThread: 0 };
  private readonly source = new DesiredStateSource((input, texts, errors) =>
    this.fromTexts(input, texts, errors),
  );

  constructor(private readonly log: Logger) {}

  compute(input: DesiredStateInput): Promise<DesiredState | 'unchanged'> {
    return this.source.compute(input);
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }

  private fromTexts(
    input: DesiredStateInput,
    texts: ManifestTexts,
    errors: ValidationError[],
  ): Promise<DesiredState> {
    if (!this.worker) {
      const state = desiredStateFromTexts(input, texts, errors, this.cache);
      this.computed.here++;
      if (!this.started) {
        setImmediate(() => {
          this.start();
          // the thread reads these texts now, so the first reload finds them parsed (id 0: no answer awaited)
          this.worker?.postMessage({ id: 0, input, texts, errors });
        });
      }
      return Promise.resolve(state);
    }
    const id = this.nextId++;
    return new Promise<DesiredState>((resolve, reject) => {
      this.pending.set(id, { input, texts, errors, resolve, reject });
      // an idle thread must not keep the process alive; a busy one must
      this.worker!.ref();
      this.worker!.postMessage({ id, input, texts, errors });
    });
  }

  private start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    try {
      const w = startWorker(new URL('./planner-thread.worker.ts', import.meta.url));
      w.on('message', (m: { id: number; result?: DesiredState; error?: string }) => {
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
    // what was asked of the lost thread is computed here instead
    for (const [, job] of this.pending) {
      try {
        job.resolve(desiredStateFromTexts(job.input, job.texts, job.errors));
      } catch (err) {
        job.reject(err as Error);
      }
    }
    this.pending.clear();
  }
}

/**
 * Node does not hand a worker the loader the main thread runs under, so when the speaker runs from
 * TypeScript sources the thread registers tsx itself before loading its body.
 */
function startWorker(body: URL): Worker {
  if (!body.pathname.endsWith('.ts')) return new Worker(body);
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(body.href)}); })`;
  return new Worker(boot, { eval: true });
}
