/**
 * `npm run bench:suite [-- FEATURE_PATH...]`: the wall time of `lbconform run` over the whole suite
 * (or the given features), split by where the scenarios spent it: setup (namespaces, links, routers
 * started), waiting for convergence (polls for an expected state), teardown (artifacts, stops, lab
 * release) and the rest (speaker starts, actions, step overhead). Reads the timing.json each scenario
 * leaves beside its artifacts. Writes out/bench/suite.{json,md}.
 */
import { runFile } from '../common/run-folder.ts';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_OUT, fmtMs, machine, progress, writeOut } from './lib.ts';

export interface SuiteTiming {
  wallMs: number;
  exitCode: number;
  scenarios: number;
  setupMs: number;
  waitMs: number;
  teardownMs: number;
  /** Sum of scenario durations not in the three phases. */
  otherMs: number;
  /** Wall time outside scenarios: cucumber start, BeforeAll/AfterAll (run GC, root snapshots), reports. */
  outsideMs: number;
  summary: string;
}

/** Every timing.json under a run's features/ folder. */
export function readScenarioTimings(
  runDir: string,
): { setup: number; wait: number; teardown: number; total?: number }[] {
  const out: { setup: number; wait: number; teardown: number }[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (name === 'timing.json') out.push(JSON.parse(readFileSync(p, 'utf8')));
      else if (statSync(p).isDirectory()) walk(p);
    }
  };
  if (existsSync(join(runDir, 'features'))) walk(join(runDir, 'features'));
  return out;
}

/** Scenario durations from the run's report.json (the sum the phases are part of). */
function scenarioTotalMs(runDir: string): number {
  const file = runFile(runDir, 'report');
  if (!existsSync(file)) return 0;
  const report = JSON.parse(readFileSync(file, 'utf8')) as { timings?: { durationMs?: number }[] };
  return (report.timings ?? []).reduce((n, s) => n + (s.durationMs ?? 0), 0);
}

export function suiteBench(features: string[] = []): SuiteTiming {
  const out = join(BENCH_OUT, 'suite-run');
  rmSync(out, { recursive: true, force: true });
  const bin = fileURLToPath(new URL('../bin/lbconform', import.meta.url));
  progress(`suite: lbconform run ${features.join(' ') || '(every feature)'}`);
  const t0 = Date.now();
  const r = spawnSync(bin, ['run', '--out', out, ...features], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const wallMs = Date.now() - t0;
  const timings = readScenarioTimings(out);
  const sum = (k: 'setup' | 'wait' | 'teardown'): number => timings.reduce((n, x) => n + x[k], 0);
  const scenarioMs = scenarioTotalMs(out);
  const [setupMs, waitMs, teardownMs] = [sum('setup'), sum('wait'), sum('teardown')];
  const summary = /(\d+ scenarios?, .*?); wall time/.exec(r.stdout ?? '')?.[1] ?? `exit ${r.status}`;
  return {
    wallMs,
    exitCode: r.status ?? -1,
    scenarios: timings.length,
    setupMs,
    waitMs,
    teardownMs,
    otherMs: Math.max(0, scenarioMs - setupMs - waitMs - teardownMs),
    outsideMs: Math.max(0, wallMs - scenarioMs),
    summary,
  };
}

export function suiteMarkdown(s: SuiteTiming): string {
  const pct = (ms: number): string => `${Math.round((ms / Math.max(1, s.wallMs)) * 100)}%`;
  return [
    `Suite: ${s.summary}; ${s.scenarios} scenarios timed; exit code ${s.exitCode}.`,
    '',
    '| part | time | share of wall |',
    '|---|---:|---:|',
    `| setup: namespaces, links, routers started | ${fmtMs(s.setupMs)} | ${pct(s.setupMs)} |`,
    `| waiting for convergence (polls) | ${fmtMs(s.waitMs)} | ${pct(s.waitMs)} |`,
    `| teardown: artifacts, stops, lab release | ${fmtMs(s.teardownMs)} | ${pct(s.teardownMs)} |`,
    `| other scenario time: speaker starts, actions | ${fmtMs(s.otherMs)} | ${pct(s.otherMs)} |`,
    `| outside scenarios: start, run GC, root checks, reports | ${fmtMs(s.outsideMs)} | ${pct(s.outsideMs)} |`,
    `| **wall time** | **${fmtMs(s.wallMs)}** | 100% |`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const s = suiteBench(process.argv.slice(2));
  const md = `# Suite timing\n\n${machine()}; ${new Date().toISOString()}.\n\n${suiteMarkdown(s)}\n`;
  writeOut('suite.json', JSON.stringify(s, null, 2) + '\n');
  writeOut('suite.md', md);
  process.stdout.write(md);
}
