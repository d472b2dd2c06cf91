import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CodedError } from '../common/errors.ts';
import type { Logger } from '../common/log.ts';
import { bringUp, type Lab } from './lab.ts';
import { checkPrefix, gcStaleRuns, type GcReport } from './gc.ts';
import { deleteNamespace, deleteNamespaceSync, listNamespaces } from './linux.ts';
import { claimRun, pidFile, releaseRun, runKey, tempRoot } from './ownership.ts';
import type { Topology } from './topology.ts';

export type { Lab } from './lab.ts';
export { gcStaleRuns, type GcReport } from './gc.ts';

/** One suite process's claim on the machine: a run id, a temp dir, and every lab it brings up. */
export interface Run {
  readonly prefix: string;
  /** 6 hex digits. */
  readonly runId: string;
  /** `<prefix>-<runId>`: every namespace of this run starts with it followed by `-`. */
  readonly key: string;
  /** `/tmp/lbconform/<key>/` (router instance dirs, sockets); removed by close(). */
  readonly tempDir: string;
  /** Where artifacts of this run go (the `outDir` option; the temp dir when not given). Kept by close(). */
  readonly outDir: string;
  /** `/run/lbconform/<key>.pid`. */
  readonly pidFile: string;
  /** Namespaces removed by the garbage collection at this run's start. */
  readonly collected: string[];
  /** Everything the garbage collection at this run's start removed. */
  readonly gc: GcReport;
  /** Brings a topology up; labs are numbered, so one run can hold several at once. */
  up(topology: Topology): Promise<Lab>;
  /** Tears every lab down, kills what runs in them, removes temp dir and pid file. Idempotent. */
  close(): Promise<void>;
}

export interface RunOptions {
  /** Namespace name prefix (default `lbc`; tests of the harness itself use `lbct`). */
  prefix?: string;
  outDir?: string;
  log?: Logger;
}

const openRuns = new Set<{ key: string }>();
let hooksInstalled = false;

/**
 * Starts a run: first removes what dead runs of the same prefix left, then claims a fresh run id
 * (pid file first, so a concurrent garbage collection sees it as alive before anything exists).
 * Namespaces are named `<prefix>-<runId>-<lab>-h-<host>` / `-s-<segment>`. Teardown happens on
 * close(), and on SIGINT/SIGTERM/exit even if the caller never gets to call it.
 */
export async function createRun(opts: RunOptions = {}): Promise<Run> {
  const prefix = opts.prefix ?? 'lbc';
  checkPrefix(prefix);
  const gc = await gcStaleRuns(prefix, opts.log);
  let runId: string;
  let key: string;
  do {
    runId = randomBytes(3).toString('hex');
    key = runKey(prefix, runId);
  } while (
    existsSync(pidFile(key)) ||
    existsSync(join(tempRoot, key)) ||
    listNamespaces().some((n) => n.startsWith(`${key}-`))
  );
  claimRun(key);
  const tempDir = join(tempRoot, key);
  mkdirSync(tempDir, { recursive: true });
  const outDir = opts.outDir ? resolve(opts.outDir) : tempDir;
  mkdirSync(outDir, { recursive: true });
  const state = { key };
  openRuns.add(state);
  installHooks();
  opts.log?.info('netns.run.created', { run: key, tempDir, outDir, collected: gc.runs });
  const labs = new Set<Lab>();
  const inFlight = new Set<Promise<Lab>>();
  let labCount = 0;
  let closed: Promise<void> | undefined;
  const run: Run = {
    prefix,
    runId,
    key,
    tempDir,
    outDir,
    pidFile: pidFile(key),
    collected: gc.namespaces,
    gc,
    async up(topology) {
      if (closed) throw new CodedError('RUN_CLOSED', `run ${key} is closed`);
      const started = Date.now();
      const bringing = bringUp(topology, `${key}-${labCount++}`, () => {});
      inFlight.add(bringing);
      let lab: Lab;
      try {
        lab = await bringing;
      } finally {
        inFlight.delete(bringing);
      }
      labs.add(lab);
      opts.log?.info('netns.lab.up', {
        run: key,
        namespaces: lab.namespaces().length,
        ms: Date.now() - started,
      });
      const down = lab.down.bind(lab);
      return Object.assign(lab, {
        down: async () => {
          await down();
          labs.delete(lab);
        },
      });
    },
    close() {
      closed ??= (async () => {
        // A bring-up still running finishes (or fails and cleans itself) first, so nothing it
        // creates after this point escapes the teardown below.
        await Promise.allSettled([...inFlight]);
        await Promise.all([...labs].map((l) => l.down()));
        // Anything created but not known to a lab (a bring-up that failed half-way) goes too.
        const rest = listNamespaces().filter((n) => n.startsWith(`${key}-`));
        await Promise.all(rest.map(deleteNamespace));
        rmSync(tempDir, { recursive: true, force: true });
        releaseRun(key);
        openRuns.delete(state);
        opts.log?.info('netns.run.closed', { run: key });
      })();
      return closed;
    },
  };
  return run;
}

/** Last-resort cleanup: synchronous, because on `exit` nothing asynchronous runs any more. */
function cleanupSync(): void {
  for (const r of openRuns) {
    for (const ns of listNamespaces().filter((n) => n.startsWith(`${r.key}-`))) deleteNamespaceSync(ns);
    rmSync(join(tempRoot, r.key), { recursive: true, force: true });
    releaseRun(r.key);
  }
  openRuns.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', cleanupSync);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.on(signal, () => {
      if (openRuns.size > 0)
        process.stderr.write(`\nlbconform: ${signal}: removing namespaces and daemons of this run\n`);
      cleanupSync();
      process.exit(code);
    });
  }
}
