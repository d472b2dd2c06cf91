/**
 * Regression comparison of two runs (two report.json files, or two run folders): newly failing scenarios
 * (regressions), fixed, still failing, newly unsupported, appeared, disappeared, and timing regressions.
 * Printed as Markdown (fit for a pull-request comment) or JSON; `lbconform compare` exits 1 on regression.
 */
import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  buildConformanceReport,
  readConformanceReport,
  type ConformanceReport,
  type ScenarioTiming,
} from './conformance.ts';
import { readRun, type ScenarioStatus } from './model.ts';
import { runFile } from '../common/run-folder.ts';
import { CodedError } from '../common/errors.ts';
import type { CommandIO } from '../reference/commands/io.ts';

export type { CommandIO };

export interface ScenarioChange {
  /** `feature › scenario` */
  scenario: string;
  before?: ScenarioStatus;
  after?: ScenarioStatus;
  /** The new failure's message (regressions, still failing). */
  message?: string;
  /** The new run's artifacts folder for that scenario, relative to its run folder. */
  artifacts?: string;
}

export interface TimingChange {
  scenario: string;
  beforeMs: number;
  afterMs: number;
}

export interface Comparison {
  before: { implementation: string; date: string };
  after: { implementation: string; date: string };
  regressions: ScenarioChange[];
  fixes: ScenarioChange[];
  stillFailing: ScenarioChange[];
  newlyUnsupported: ScenarioChange[];
  /** Any other status change (e.g. passed -> skipped). */
  otherChanges: ScenarioChange[];
  appeared: ScenarioChange[];
  /** In OLD, absent from NEW (and NEW did not merely stop before it). */
  disappeared: ScenarioChange[];
  /** In OLD, absent from NEW because NEW was killed or cut off before it finished or started. */
  notRun: ScenarioChange[];
  /** NEW did not finish (no testRunFinished). */
  afterIncomplete: boolean;
  /** NEW's failed BeforeAll / AfterAll hooks (e.g. the root-namespace check). */
  afterHookFailures: string[];
  slower: TimingChange[];
  thresholds: { ratio: number; ms: number };
}

export interface CompareOptions {
  /** Slower means more than `ratio` times and more than `ms` milliseconds slower (defaults 1.5 and 500). */
  ratio?: number;
  ms?: number;
}

const key = (t: { feature: string; scenario: string }): string => `${t.feature} › ${t.scenario}`;
const who = (r: ConformanceReport): { implementation: string; date: string } => ({
  implementation:
    `${r.implementation?.name ?? '?'} ${r.implementation?.version ?? ''}`.trim() +
    ` (${r.implementation?.adapter ?? '?'})`,
  date: r.date ?? '',
});

function change(k: string, old: ScenarioTiming | undefined, now: ScenarioTiming | undefined): ScenarioChange {
  const c: ScenarioChange = { scenario: k };
  if (old) c.before = old.status;
  if (now) c.after = now.status;
  if (now?.status === 'FAILED' && now.message !== undefined) c.message = now.message;
  if (now?.status === 'FAILED' && now.artifacts) c.artifacts = now.artifacts;
  return c;
}

export function compareReports(
  before: ConformanceReport,
  after: ConformanceReport,
  opts: CompareOptions = {},
): Comparison {
  const ratio = opts.ratio ?? 1.5;
  const ms = opts.ms ?? 500;
  const a = new Map(before.timings.map((t) => [key(t), t]));
  const b = new Map(after.timings.map((t) => [key(t), t]));
  const c: Comparison = {
    before: who(before),
    after: who(after),
    regressions: [],
    fixes: [],
    stillFailing: [],
    newlyUnsupported: [],
    otherChanges: [],
    appeared: [],
    disappeared: [],
    notRun: [],
    slower: [],
    afterIncomplete: after.runComplete === false,
    afterHookFailures: after.runHookFailures ?? [],
    thresholds: { ratio, ms },
  };
  for (const [k, now] of b) {
    const old = a.get(k);
    if (!old) {
      c.appeared.push(change(k, undefined, now));
      continue;
    }
    const x = change(k, old, now);
    if (old.status !== 'FAILED' && now.status === 'FAILED') c.regressions.push(x);
    else if (old.status === 'FAILED' && now.status === 'FAILED') c.stillFailing.push(x);
    else if (old.status === 'FAILED' && now.status === 'SUCCEEDED') c.fixes.push(x);
    else if (old.status !== 'NOT_SUPPORTED' && now.status === 'NOT_SUPPORTED') c.newlyUnsupported.push(x);
    else if (old.status !== now.status) c.otherChanges.push(x);
    if (
      old.status === 'SUCCEEDED' &&
      now.status === 'SUCCEEDED' &&
      now.durationMs > old.durationMs * ratio &&
      now.durationMs - old.durationMs > ms
    ) {
      c.slower.push({ scenario: k, beforeMs: old.durationMs, afterMs: now.durationMs });
    }
  }
  const cutOff = new Set([...(after.unfinishedTests ?? []), ...(after.notStartedTests ?? [])]);
  for (const [k, old] of a)
    if (!b.has(k)) (cutOff.has(k) ? c.notRun : c.disappeared).push(change(k, old, undefined));
  c.slower.sort((x, y) => y.afterMs - y.beforeMs - (x.afterMs - x.beforeMs));
  return c;
}

/**
 * Why NEW is worse than OLD, one line per reason: newly failing scenarios, new scenarios that fail, a run
 * that did not finish, failed run hooks. Empty means no regression. Gone scenarios, fixes and timings
 * never fail the comparison (a run of some features against a full baseline is fine).
 */
export function regressionReasons(c: Comparison): string[] {
  const out: string[] = [];
  if (c.regressions.length) out.push(`${c.regressions.length} scenario(s) newly failing`);
  const newFailing = c.appeared.filter((x) => x.after === 'FAILED');
  if (newFailing.length) out.push(`${newFailing.length} new scenario(s) failing`);
  if (c.afterIncomplete)
    out.push(
      `the new run did not finish${c.notRun.length ? ` (${c.notRun.length} scenario(s) of the old run not run)` : ''}`,
    );
  if (c.afterHookFailures.length) out.push(`${c.afterHookFailures.length} run hook(s) failed`);
  return out;
}

export function hasRegression(c: Comparison): boolean {
  return regressionReasons(c).length > 0;
}

const label: Record<string, string> = {
  SUCCEEDED: 'passed',
  FAILED: 'failed',
  SKIPPED: 'skipped',
  NOT_SUPPORTED: 'not supported',
};
/** Markdown-inert: no HTML, no link or emphasis syntax can come from scenario names or messages. */
const md = (s: string): string => s.replace(/[\\`*_[\]<>|#]/g, (ch) => `\\${ch}`).replace(/\n/g, ' ');
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function section(
  title: string,
  items: ScenarioChange[],
  withStatus: boolean,
  withMessage: boolean,
  absent = 'gone',
): string {
  if (!items.length) return '';
  const lines = items.map((i) => {
    const status = withStatus
      ? ` (${i.before ? label[i.before] : 'new'} → ${i.after ? label[i.after] : absent})`
      : '';
    const msg =
      withMessage && i.message
        ? `\n  \`\`\`\n  ${i.message
            .split('\n')
            .slice(0, 6)
            .map((l) => l.replace(/```/g, "'''"))
            .join('\n  ')}\n  \`\`\``
        : '';
    return `- ${md(i.scenario)}${status}${i.artifacts && withMessage ? ` — artifacts: \`${i.artifacts.replace(/`/g, '')}/\`` : ''}${msg}`;
  });
  return `### ${title} (${items.length})\n\n${lines.join('\n')}\n`;
}

export function comparisonMarkdown(c: Comparison): string {
  const reasons = regressionReasons(c);
  const verdict = c.regressions.length
    ? `**${c.regressions.length} regression${c.regressions.length === 1 ? '' : 's'}**`
    : reasons.length
      ? '**Regressed**'
      : '**No regressions**';
  const parts = [
    `## lbconform compare: ${verdict}, ${c.fixes.length} fixed, ${c.stillFailing.length} still failing`,
    `Old: ${md(c.before.implementation)} ${md(c.before.date)}  \nNew: ${md(c.after.implementation)} ${md(c.after.date)}\n`,
    reasons.length ? `Regressed because: ${reasons.map(md).join('; ')}.\n` : '',
    c.afterHookFailures.length
      ? `### Failed run hooks (${c.afterHookFailures.length})\n\n${c.afterHookFailures.map((h) => `- ${md(h.split('\n')[0] ?? '')}`).join('\n')}\n`
      : '',
    section('Regressions (newly failing)', c.regressions, true, true),
    section('Fixed', c.fixes, false, false),
    section('Still failing', c.stillFailing, false, true),
    section('Newly not supported', c.newlyUnsupported, true, false),
    section('Other status changes', c.otherChanges, true, false),
    section('New scenarios', c.appeared, true, true),
    section('Gone scenarios', c.disappeared, true, false),
    section('Not run (the new run was cut off before them)', c.notRun, true, false, 'not run'),
    c.slower.length
      ? `### Slower (> ${Math.round((c.thresholds.ratio - 1) * 100)}% and > ${c.thresholds.ms} ms) (${c.slower.length})\n\n| scenario | before | after |\n|---|---:|---:|\n${c.slower
          .map((s) => `| ${md(s.scenario)} | ${secs(s.beforeMs)} | ${secs(s.afterMs)} |`)
          .join('\n')}\n`
      : '',
  ];
  return parts.filter(Boolean).join('\n');
}

/**
 * A report.json, or a run folder (its report.json, else built from its messages.ndjson). Throws
 * REPORT_NOT_FOUND, REPORT_UNREADABLE, REPORT_INVALID or REPORT_NO_MESSAGES.
 */
export function loadReportOrRun(path: string): ConformanceReport {
  if (!existsSync(path))
    throw new CodedError(
      'REPORT_NOT_FOUND',
      `no such file or folder: ${path} (expected a report.json or a run folder)`,
    );
  if (statSync(path).isDirectory()) {
    const file = runFile(path, 'report');
    if (existsSync(file)) return readConformanceReport(file);
    return buildConformanceReport(readRun(path), {
      suiteVersion: '?',
      machine: { os: '', kernel: '', node: '', arch: '', cpus: 0 },
    });
  }
  return readConformanceReport(path);
}

const compareUsage = `usage: lbconform compare OLD NEW [--json]
  OLD, NEW: report.json files or run folders
  exit 0: no regression; 1: NEW regressed (a scenario newly failing, a new scenario failing, NEW cut off,
  a run hook failed); 2: usage error, or OLD / NEW missing or unreadable (no comparison was made)
`;

/** Loads OLD and NEW, naming which one failed to load. */
export function loadPair(oldPath: string, newPath: string): [ConformanceReport, ConformanceReport] {
  const load = (what: string, path: string): ConformanceReport => {
    try {
      return loadReportOrRun(path);
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'REPORT_UNREADABLE';
      throw new CodedError(code, `cannot read ${what} (${path}): ${(err as Error).message}`, { cause: err });
    }
  };
  return [load('OLD', oldPath), load('NEW', newPath)];
}

/** `lbconform compare OLD NEW [--json]`: 0 no regression, 1 regression, 2 usage or unreadable input. */
export async function runCompare(args: string[], io: CommandIO): Promise<number> {
  const config = {
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  } as const;
  let parsed: ReturnType<typeof parseArgs<typeof config>>;
  try {
    parsed = parseArgs(config);
  } catch (err) {
    io.stderr.write(`lbconform compare: ${(err as Error).message}\n${compareUsage}`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout.write(compareUsage);
    return 0;
  }
  if (parsed.positionals.length !== 2) {
    io.stderr.write(
      `lbconform compare: expected two runs, got ${parsed.positionals.length}\n${compareUsage}`,
    );
    return 2;
  }
  const [oldPath, newPath] = parsed.positionals as [string, string];
  let c: Comparison;
  try {
    c = compareReports(...loadPair(oldPath, newPath));
  } catch (err) {
    const code = (err as { code?: string }).code;
    io.stderr.write(`lbconform compare: ${code ? `${code}: ` : ''}${(err as Error).message}\n`);
    return 2;
  }
  io.stdout.write(parsed.values.json ? JSON.stringify(c, null, 2) + '\n' : comparisonMarkdown(c));
  return hasRegression(c) ? 1 : 0;
}
