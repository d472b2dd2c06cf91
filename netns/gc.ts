import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CodedError } from '../common/errors.ts';
import type { Logger } from '../common/log.ts';
import { deleteNamespace, listNamespaces } from './linux.ts';
import { knownRunKeys, ownerAlive, releaseRun, tempRoot } from './ownership.ts';

export interface GcReport {
  /** Run keys (`<prefix>-<runId>`) removed. */
  runs: string[];
  namespaces: string[];
  /** Pids killed inside those namespaces (routers, speakers, anything left running). */
  processes: number[];
}

/** Run prefixes: short, lowercase, no separator (so `lbc` never matches `lbct-...`). */
export const prefixRe = /^[a-z][a-z0-9]{0,7}$/;

export function checkPrefix(prefix: string): void {
  if (!prefixRe.test(prefix))
    throw new CodedError('RUN_PREFIX_INVALID', `run prefix "${prefix}" must match ${prefixRe}`);
}

/**
 * Removes what runs with this prefix left behind when their owner died (kill -9, crash, power cut):
 * processes inside their namespaces (routers, speakers), the namespaces, temp dirs and pid files.
 * A run counts as dead when its pid file is missing or names a process that is gone (or a recycled
 * pid with another start time). Runs whose owner is alive are never touched, so two suites can share
 * a machine; other prefixes are never looked at.
 */
export async function gcStaleRuns(prefix: string, log?: Logger): Promise<GcReport> {
  checkPrefix(prefix);
  const nsRe = new RegExp(`^(${prefix}-[0-9a-f]{6})-`);
  const keys = new Set(knownRunKeys(prefix));
  const byKey = new Map<string, string[]>();
  for (const ns of listNamespaces()) {
    const m = nsRe.exec(ns);
    if (!m) continue;
    keys.add(m[1]!);
    byKey.set(m[1]!, [...(byKey.get(m[1]!) ?? []), ns]);
  }
  const report: GcReport = { runs: [], namespaces: [], processes: [] };
  for (const key of [...keys].sort()) {
    if (ownerAlive(key)) continue;
    const namespaces = byKey.get(key) ?? [];
    // All at once: processes inside each are killed first, then the namespace is deleted.
    for (const pids of await Promise.all(namespaces.map(deleteNamespace))) report.processes.push(...pids);
    rmSync(join(tempRoot, key), { recursive: true, force: true });
    releaseRun(key);
    report.runs.push(key);
    report.namespaces.push(...namespaces);
    log?.info('netns.gc.removed_run', { run: key, namespaces, processes: report.processes });
  }
  return report;
}
