/**
 * `npm run soak -- [--runs N] [--out DIR] [lbconform run arguments...]`: runs `bin/lbconform run` N
 * times (default 5), each into DIR/run-<i> (DIR default out/soak), and prints a flake table: per
 * scenario the runs it ran in, its failures and the last error. Arguments other than --runs/--out
 * (feature paths, --tags, --timeout ...) go to every run unchanged. Each run's output is in
 * DIR/run-<i>/run.log. Exit 0 when every scenario passed in every run; 1 on a flake (failed in some
 * runs but not all), a scenario failing in every run, or a run without a usable report; 2 on bad usage.
 */
import { runFile } from '../common/run-folder.ts';
import type { ChildProcess } from 'node:child_process';
import { runLbconform } from '../harness/run/child.ts';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  flakeTable,
  formatFlakeTable,
  outcomesFromJunit,
  outcomesFromReport,
  soakVerdict,
  type RunOutcome,
} from '../reports/flakes.ts';

const usage = `usage: npm run soak -- [--runs N] [--out DIR] [lbconform run arguments: FEATURE_PATH... --tags EXPR ...]`;

function parse(argv: string[]): { runs: number; out: string; rest: string[] } | string {
  let runs = 5;
  let out = 'out/soak';
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [name, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    if (name === '--runs' || name === '--out') {
      const v = inline ?? argv[++i];
      if (v === undefined) return `${name} needs a value`;
      if (name === '--runs') {
        runs = Number(v);
        if (!Number.isInteger(runs) || runs < 1) return `--runs must be a positive integer, got "${v}"`;
      } else out = v;
    } else if (a === '--help' || a === '-h') {
      return '';
    } else rest.push(a);
  }
  return { runs, out: resolve(out), rest };
}

let current: ChildProcess | undefined;
let interrupted = false;

/** One `lbconform run`, output to run.log; resolves with its exit code (128+n for signal n). */
function runOnce(dir: string, rest: string[]): Promise<number> {
  mkdirSync(dir, { recursive: true });
  // A previous soak's reports must never stand in for a run that wrote none.
  for (const f of ['report', 'junit'] as const) rmSync(runFile(dir, f), { force: true });
  const run = runLbconform(['run', '--out', dir, ...rest], {
    logFile: join(dir, 'run.log'),
    cwd: process.cwd(),
  });
  current = run.child;
  return run.done.finally(() => {
    current = undefined;
  });
}

/** A run's scenarios from report.json, else junit.xml. */
function readRun(run: number, dir: string, exitCode: number): RunOutcome {
  const report = runFile(dir, 'report');
  if (existsSync(report)) {
    try {
      return { run, ...outcomesFromReport(JSON.parse(readFileSync(report, 'utf8'))) };
    } catch (err) {
      return { run, scenarios: [], problems: [`unreadable report.json: ${(err as Error).message}`] };
    }
  }
  const junit = runFile(dir, 'junit');
  if (existsSync(junit)) {
    const scenarios = outcomesFromJunit(readFileSync(junit, 'utf8'));
    return { run, scenarios, problems: scenarios.length ? [] : ['junit.xml lists no scenario'] };
  }
  return {
    run,
    scenarios: [],
    problems: [`no report.json or junit.xml (exit ${exitCode}, see ${join(dir, 'run.log')})`],
  };
}

async function main(argv: string[]): Promise<number> {
  const opts = parse(argv);
  if (typeof opts === 'string') {
    process.stderr.write(`${opts ? `${opts}\n` : ''}${usage}\n`);
    return opts ? 2 : 0;
  }
  // Ctrl-C / SIGTERM: the running suite gets the signal (it tears its namespaces down), then we stop.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      interrupted = true;
      current?.kill(sig);
    });
  }
  const runs: RunOutcome[] = [];
  process.stdout.write(
    `soak: ${opts.runs} runs of lbconform run ${opts.rest.join(' ')} into ${opts.out}/run-<i>\n`,
  );
  for (let i = 1; i <= opts.runs && !interrupted; i++) {
    const dir = join(opts.out, `run-${i}`);
    const started = Date.now();
    const code = await runOnce(dir, opts.rest);
    const r = readRun(i, dir, code);
    runs.push(r);
    const n = (o: string): number => r.scenarios.filter((s) => s.outcome === o).length;
    const failed = r.scenarios.filter((s) => s.outcome === 'failed').map((s) => s.key);
    process.stdout.write(
      `run ${i}/${opts.runs}: ${n('passed')} passed, ${n('failed')} failed, ${n('skipped')} skipped in ${((Date.now() - started) / 1000).toFixed(1)} s (exit ${code})` +
        `${failed.length ? `; failed: ${failed.join('; ')}` : ''}${r.problems.length ? `; ${r.problems.join('; ')}` : ''}\n`,
    );
  }
  const rows = flakeTable(runs);
  const verdict = soakVerdict(runs, rows);
  process.stdout.write(
    `\n${formatFlakeTable(rows)}\n\n${verdict.summary}${interrupted ? ' (interrupted)' : ''}\n`,
  );
  for (const p of verdict.problems) process.stdout.write(`  ${p}\n`);
  mkdirSync(opts.out, { recursive: true });
  writeFileSync(
    join(opts.out, 'flakes.json'),
    JSON.stringify({ runs: runs.length, rows, verdict }, null, 2) + '\n',
  );
  return interrupted ? 130 : verdict.exitCode;
}

process.exitCode = await main(process.argv.slice(2));
