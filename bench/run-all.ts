/**
 * `npm run bench [-- --full]`: every benchmark in one go, with progress lines on stderr.
 *   plan         bench/plan.ts (child process, its own table)
 *   wire         bench/wire.ts (pure): UPDATEs and bytes vs the minimum
 *   convergence  bench/convergence.ts (namespaces, root): reference vs GoBGP, BIRD, FRR; changes; withdraw
 *   speaker cost taken from the convergence run (RSS/CPU when the last route arrived)
 *   failover     bench/failover.ts (namespaces, root): owner SIGKILL -> gratuitous ARP, median and max of 10
 *   suite        bench/suite.ts: `lbconform run` over every feature, split by setup / waiting / teardown
 * Writes out/bench/results.json, results.md and results.html (the curves plotted) and prints the Markdown. Without --full: 1k and
 * 10k routes (a few minutes on 2 cores); --full adds 50k and 100k; `--rounds R` (default 20) one-Service changes per size, of which the median is reported. `--skip plan,convergence` leaves parts out.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  convergenceBench,
  convergenceMarkdown,
  costMarkdown,
  type ConvergenceResult,
} from './convergence.ts';
import { machine, progress, writeOut } from './lib.ts';
import { benchPageHtml } from './plot-html.ts';
import { suiteBench, suiteMarkdown, type SuiteTiming } from './suite.ts';
import { wireBench, wireMarkdown, type WireRow } from './wire.ts';

const { values } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    skip: { type: 'string', default: '' },
    rounds: { type: 'string', default: '20' },
  },
});
const skip = new Set(values.skip!.split(',').filter(Boolean));
const sizes = values.full ? [1_000, 10_000, 50_000, 100_000] : [1_000, 10_000];
/** One-Service add/change/delete rounds per size: the single-change latency is their median. */
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`--rounds must be a whole number >= 1, got ${values.rounds}`);
const started = Date.now();
const results: {
  machine: string;
  date: string;
  full: boolean;
  plan?: string;
  wire?: WireRow[];
  convergence?: ConvergenceResult;
  suite?: SuiteTiming;
  failover?: string;
  wallS?: number;
} = {
  machine: machine(),
  date: new Date().toISOString(),
  full: values.full!,
};
const md: string[] = [
  `# lbconform benchmarks`,
  '',
  `${results.machine}; ${results.date}${values.full ? '; --full' : ''}.`,
];

if (!skip.has('plan')) {
  progress('plan: 1k / 10k / 100k Services');
  const plan = fileURLToPath(new URL('./plan.ts', import.meta.url));
  results.plan = execFileSync(process.execPath, [...process.execArgv, plan], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  md.push('', '## Plan', '', results.plan.trim());
}
if (!skip.has('wire')) {
  progress(`wire: ${[...sizes, ...(values.full ? [] : [50_000])].join(', ')} routes`);
  results.wire = wireBench(values.full ? sizes : [...sizes, 50_000]);
  md.push(
    '',
    '## Wire efficiency (packAnnouncements / packWithdrawals vs the minimum)',
    '',
    wireMarkdown(results.wire),
  );
}
if (!skip.has('convergence')) {
  if (process.getuid?.() !== 0) {
    progress('convergence: skipped (needs root for network namespaces)');
  } else {
    progress(
      `convergence: ${sizes.join(', ')} Services; reference, GoBGP, BIRD, FRR; ${rounds} change rounds`,
    );
    results.convergence = await convergenceBench(sizes, undefined, rounds);
    md.push(
      '',
      '## Convergence',
      '',
      convergenceMarkdown(results.convergence),
      '',
      '## Speaker cost',
      '',
      costMarkdown(results.convergence),
    );
  }
}
if (!skip.has('failover')) {
  if (process.getuid?.() !== 0) progress('failover: skipped (needs root)');
  else {
    progress('failover: L2 owner SIGKILL -> gratuitous ARP, 10 rounds');
    const failover = fileURLToPath(new URL('./failover.ts', import.meta.url));
    const out = execFileSync(process.execPath, [...process.execArgv, failover, '--rounds=10'], {
      encoding: 'utf8',
      maxBuffer: 16 << 20,
    });
    results.failover = out.slice(out.indexOf('| L2 failover')).trim();
    md.push('', '## L2 failover', '', results.failover);
  }
}
if (!skip.has('suite')) {
  if (process.getuid?.() !== 0) progress('suite: skipped (needs root)');
  else {
    results.suite = await suiteBench();
    md.push('', '## Suite wall time (lbconform run, every feature)', '', suiteMarkdown(results.suite));
  }
}
results.wallS = Math.round((Date.now() - started) / 100) / 10;
md.push('', `Benchmark wall time: ${results.wallS} s.`);
const text = md.join('\n') + '\n';
writeOut('results.json', JSON.stringify(results, null, 2) + '\n');
const file = writeOut('results.md', text);
const page = writeOut('results.html', benchPageHtml(results, text));
process.stdout.write(text);
progress(`done in ${results.wallS} s: out/bench/results.json, ${file}, ${page} (plots)`);
