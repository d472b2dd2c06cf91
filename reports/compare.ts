import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ConformanceReport, ScenarioStatus } from './conformance-report.ts';
import type { CommandIO } from '../reference/commands/io.ts';

export interface Comparison {
  regressions: string[];
  fixes: string[];
  stillFailing: string[];
  appeared: string[];
  disappeared: string[];
  slower: { scenario: string; beforeMs: number; afterMs: number }[];
}

const key = (t: { feature: string; scenario: string }): string => `${t.feature} › ${t.scenario}`;

/** Old run vs new run, scenario by scenario; slower = more than 50% and 500 ms slower. */
export function compareReports(before: ConformanceReport, after: ConformanceReport): Comparison {
  const a = new Map(before.timings.map((t) => [key(t), t]));
  const b = new Map(after.timings.map((t) => [key(t), t]));
  const ok = (s: ScenarioStatus): boolean => s === 'SUCCEEDED';
  const c: Comparison = { regressions: [], fixes: [], stillFailing: [], appeared: [], disappeared: [], slower: [] };
  for (const [k, t] of b) {
    const old = a.get(k);
    if (!old) {
      c.appeared.push(k);
      continue;
    }
    if (ok(old.status) && t.status === 'FAILED') c.regressions.push(k);
    else if (old.status === 'FAILED' && ok(t.status)) c.fixes.push(k);
    else if (old.status === 'FAILED' && t.status === 'FAILED') c.stillFailing.push(k);
    if (ok(old.status) && ok(t.status) && t.durationMs > old.durationMs * 1.5 && t.durationMs - old.durationMs > 500) {
      c.slower.push({ scenario: k, beforeMs: old.durationMs, afterMs: t.durationMs });
    }
  }
  for (const k of a.keys()) if (!b.has(k)) c.disappeared.push(k);
  return c;
}

export function comparisonMarkdown(c: Comparison): string {
  const section = (title: string, items: string[]): string => (items.length ? `### ${title} (${items.length})\n${items.map((i) => `- ${i}`).join('\n')}\n` : '');
  return [
    `## Comparison: ${c.regressions.length} regressions, ${c.fixes.length} fixes`,
    section('Regressions', c.regressions),
    section('Fixed', c.fixes),
    section('Still failing', c.stillFailing),
    section('New scenarios', c.appeared),
    section('Gone', c.disappeared),
    section('Slower', c.slower.map((s) => `${s.scenario}: ${(s.beforeMs / 1000).toFixed(1)} s -> ${(s.afterMs / 1000).toFixed(1)} s`)),
  ].filter(Boolean).join('\n');
}

function loadReport(path: string): ConformanceReport {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'report.json') : path;
  return JSON.parse(readFileSync(file, 'utf8')) as ConformanceReport;
}

/** `lbconform compare OLD NEW [--json]`: exit 1 when the new run has a regression. */
export async function runCompare(args: string[], io: CommandIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\nusage: lbconform compare OLD_RUN_OR_REPORT NEW_RUN_OR_REPORT [--json]\n`);
    return 2;
  }
  const [oldPath, newPath] = parsed.positionals;
  if (!oldPath || !newPath) {
    io.stderr.write('usage: lbconform compare OLD_RUN_OR_REPORT NEW_RUN_OR_REPORT [--json]\n');
    return 2;
  }
  let c: Comparison;
  try {
    c = compareReports(loadReport(oldPath), loadReport(newPath));
  } catch (err) {
    io.stderr.write(`lbconform compare: ${(err as Error).message}\n`);
    return 2;
  }
  io.stdout.write(parsed.values.json ? JSON.stringify(c, null, 2) + '\n' : comparisonMarkdown(c) + '\n');
  return c.regressions.length ? 1 : 0;
}
