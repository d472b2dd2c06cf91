import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { deleteNamespace, listNamespaces } from './linux.ts';
import { knownRunKeys, ownerAlive, releaseRun, tempRoot } from './ownership.ts';

export interface GcReport {
  runs: string[];
  namespaces: string[];
}

/**
 * Removes what runs with this prefix left behind when their owner died (kill -9, crash, power cut):
 * processes inside their namespaces (routers, speakers), the namespaces, temp dirs and pid files.
 * Runs whose owner is alive are never touched, so two suites can share a machine.
 */
export async function gcStaleRuns(prefix: string): Promise<GcReport> {
  const nsRe = new RegExp(`^(${prefix.replace(/[^A-Za-z0-9]/g, '\\$&')}-[0-9a-f]{6})-`);
  const keys = new Set(knownRunKeys(prefix));
  const byKey = new Map<string, string[]>();
  for (const ns of listNamespaces()) {
    const m = nsRe.exec(ns);
    if (!m) continue;
    keys.add(m[1]!);
    byKey.set(m[1]!, [...(byKey.get(m[1]!) ?? []), ns]);
  }
  const report: GcReport = { runs: [], namespaces: [] };
  for (const key of keys) {
    if (ownerAlive(key)) continue;
    const namespaces = byKey.get(key) ?? [];
    // Host namespaces first (their veths go with them), then the switches.
    const ordered = [...namespaces.filter((n) => n.includes('-h-')), ...namespaces.filter((n) => !n.includes('-h-'))];
    for (const ns of ordered) await deleteNamespace(ns);
    rmSync(join(tempRoot, key), { recursive: true, force: true });
    releaseRun(key);
    report.runs.push(key);
    report.namespaces.push(...namespaces);
  }
  return report;
}
