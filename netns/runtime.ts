import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bringUp, type Lab } from './lab.ts';
import { gcStaleRuns } from './gc.ts';
import { deleteNamespaceSync, listNamespaces } from './linux.ts';
import { claimRun, releaseRun, runKey, tempRoot } from './ownership.ts';
import type { Topology } from './topology.ts';

export type { Lab } from './lab.ts';

/** One suite process's claim on the machine: a run id, a temp dir, and every lab it brings up. */
export interface Run {
  readonly prefix: string;
  readonly runId: string;
  readonly key: string;
  readonly tempDir: string;
  /** Removed by the garbage collection at this run's start. */
  readonly collected: string[];
  up(topology: Topology): Promise<Lab>;
  close(): Promise<void>;
}

const openRuns = new Set<{ key: string; namespaces: Set<string> }>();
let hooksInstalled = false;

/**
 * Starts a run: first removes what dead runs of the same prefix left, then claims a fresh run id.
 * Namespaces are named `<prefix>-<runId>-<lab>-h-<host>` / `-s-<segment>`. Teardown happens on
 * close(), and on SIGINT/SIGTERM/exit even if the caller never gets to call it.
 */
export async function createRun(opts: { prefix?: string } = {}): Promise<Run> {
  const prefix = opts.prefix ?? 'lbc';
  const gc = await gcStaleRuns(prefix);
  const runId = randomBytes(3).toString('hex');
  const key = runKey(prefix, runId);
  claimRun(key);
  const tempDir = join(tempRoot, key);
  mkdirSync(tempDir, { recursive: true });
  const state = { key, namespaces: new Set<string>() };
  openRuns.add(state);
  installHooks();
  const labs = new Set<Lab>();
  let labCount = 0;
  let closed: Promise<void> | undefined;
  return {
    prefix,
    runId,
    key,
    tempDir,
    collected: gc.namespaces,
    async up(topology) {
      const lab = await bringUp(topology, `${key}-${labCount++}`, (ns) => state.namespaces.add(ns));
      labs.add(lab);
      const down = lab.down.bind(lab);
      return Object.assign(lab, {
        down: async () => {
          await down();
          labs.delete(lab);
          for (const ns of lab.namespaces()) state.namespaces.delete(ns);
        },
      });
    },
    close() {
      closed ??= (async () => {
        await Promise.all([...labs].map((l) => l.down()));
        // Anything created but not yet known to a lab (a failed bring-up) goes too.
        for (const ns of listNamespaces().filter((n) => n.startsWith(`${key}-`))) deleteNamespaceSync(ns);
        rmSync(tempDir, { recursive: true, force: true });
        releaseRun(key);
        openRuns.delete(state);
      })();
      return closed;
    },
  };
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
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      process.stderr.write(`\nlbconform: ${signal}: removing namespaces and daemons of this run\n`);
      cleanupSync();
      process.exit(code);
    });
  }
}
