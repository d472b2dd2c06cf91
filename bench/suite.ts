/**
 * `npm run bench:suite [-- --parallel N] [-- --only serial|parallel] [-- FEATURE_PATH...]`: runs the
 * suite once serially (`--parallel 1`) and once in parallel (default: `lbconform run`'s default) and
 * prints, for each: wall time, CPU seconds (everything the run started: cucumber, speakers, routers,
 * vtysh, ip, probes), CPU seconds per process kind (sampled from /proc every 200 ms: long-lived
 * processes exactly, short-lived ones as the remainder), the scenarios' time per phase (setup, waiting
 * for convergence, teardown, the rest: speaker starts and actions; from each scenario's timing.json),
 * the load average at start and end (the machine is shared), then the ratio, the slowest scenarios and,
 * for the parallel run, each worker's busy time and the run's tail (bench/worker-chains.ts).
 * Writes out/bench/suite.{json,md}.
 */
import { runFile } from '../common/run-folder.ts';
import { runLbconform } from '../harness/run/child.ts';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCH_OUT, fmtMs, machine, progress, writeOut } from './lib.ts';
import { chainsMarkdown, workerChains, type Chains } from './worker-chains.ts';

export interface SuiteTiming {
  mode: string;
  wallMs: number;
  exitCode: number;
  scenarios: number;
  setupMs: number;
  waitMs: number;
  teardownMs: number;
  /** Sum of scenario durations not in the three phases. */
  otherMs: number;
  /** Wall time outside scenarios (serial runs only: in parallel, scenarios overlap). */
  outsideMs: number;
  /** CPU seconds of everything the run started (the run's process tree, reaped children included). */
  cpuS: number;
  /** CPU seconds per process kind (sampled); "short-lived (vtysh, ip, ...)" is the rest of cpuS. */
  cpuByKind: Record<string, number>;
  loadBefore: number[];
  loadAfter: number[];
  slowest: { scenario: string; ms: number }[];
  /** Per worker busy time and the run's tail (parallel runs; from messages.ndjson). */
  chains?: Chains;
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

/** Scenario durations from the run's report.json. */
function scenarioTimings(runDir: string): { scenario: string; ms: number }[] {
  const file = runFile(runDir, 'report');
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    timings?: { feature?: string; scenario?: string; durationMs?: number }[];
  };
  return (report.timings ?? []).map((s) => ({
    scenario: `${s.feature ?? ''} › ${s.scenario ?? ''}`,
    ms: s.durationMs ?? 0,
  }));
}

/** What kind of process a pid is, from its command name and line (undefined: not ours to count). */
export function processKind(comm: string, cmdline: string): string | undefined {
  if (['bgpd', 'zebra', 'watchfrr', 'staticd'].includes(comm)) return 'FRR daemons (routers, frr-speaker)';
  if (comm === 'gobgpd') return 'gobgpd';
  if (comm === 'bird') return 'bird';
  if (comm === 'tcpdump') return 'tcpdump';
  if (comm === 'vtysh') return 'vtysh';
  if (comm.startsWith('node') || comm === 'MainThread') {
    if (/ frr-speaker /.test(cmdline)) return 'frr-speaker (node)';
    if (/ speaker /.test(cmdline)) return 'speaker (node)';
    if (/run_worker/.test(cmdline)) return 'cucumber workers (steps, polls)';
    if (/l2-probe-cli|membership-forger/.test(cmdline)) return 'probes (node)';
    if (/main\.(js|ts) run/.test(cmdline)) return 'lbconform run (cucumber, reports)';
  }
  return undefined;
}

const ticks = (stat: string): number => {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

/** CPU seconds of reaped children of this process (cutime + cstime). */
function childrenCpu(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}

/**
 * Samples /proc every 200 ms: the highest CPU seen per (pid, start time) of the processes descending
 * from `root` (the run), by kind. Other users of the machine are not counted.
 */
function startSampler(root: () => number | undefined): { stop: () => Record<string, number> } {
  const seen = new Map<string, { kind: string; cpu: number }>();
  const scan = (): void => {
    const top = root();
    if (!top) return;
    const stats = new Map<number, string>();
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        stats.set(Number(pid), readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        // gone meanwhile
      }
    }
    const fields = (stat: string): string[] => stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ours = (pid: number): boolean => {
      for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
        if (p === top) return true;
        const st = stats.get(p);
        if (!st) return false;
        p = Number(fields(st)[1]);
      }
      return false;
    };
    for (const [pid, stat] of stats) {
      if (!ours(pid)) continue;
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const key = `${pid}:${fields(stat)[19]}`;
      let entry = seen.get(key);
      if (!entry) {
        let cmdline = '';
        try {
          cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        } catch {
          continue;
        }
        entry = { kind: processKind(comm, ` ${cmdline} `) ?? `other (${comm})`, cpu: 0 };
        seen.set(key, entry);
      }
      entry.cpu = Math.max(entry.cpu, ticks(stat));
    }
  };
  const timer = setInterval(scan, 200);
  return {
    stop() {
      clearInterval(timer);
      const out: Record<string, number> = {};
      for (const { kind, cpu } of seen.values()) out[kind] = (out[kind] ?? 0) + cpu;
      return out;
    },
  };
}

export async function suiteRun(
  mode: 'serial' | 'parallel',
  features: string[] = [],
  parallel?: number,
): Promise<SuiteTiming> {
  const out = join(BENCH_OUT, `suite-${mode}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(BENCH_OUT, { recursive: true });
  const par = mode === 'serial' ? ['--parallel', '1'] : parallel ? ['--parallel', String(parallel)] : [];
  progress(`suite (${mode}): lbconform run ${[...par, ...features].join(' ') || '(every feature)'}`);
  const loadBefore = loadavg();
  const cpu0 = childrenCpu();
  let childPid: number | undefined;
  const sampler = startSampler(() => childPid);
  const t0 = Date.now();
  let stdout = '';
  const run = runLbconform(['run', '--out', out, ...par, ...features], {
    logFile: join(BENCH_OUT, `suite-${mode}.log`),
    onLine: (line) => {
      stdout += `${line}\n`;
      process.stderr.write(`${line}\n`);
    },
  });
  childPid = run.child.pid;
  const exitCode = await run.done;
  const wallMs = Date.now() - t0;
  const sampled = sampler.stop();
  const cpuS = childrenCpu() - cpu0;
  const loadAfter = loadavg();
  const sampledSum = Object.values(sampled).reduce((a, b) => a + b, 0);
  // Processes shorter than a sample (vtysh, ip, sysctl, ...) show only in the total.
  const cpuByKind = {
    ...sampled,
    'short-lived (vtysh, ip, ... between samples)': Math.max(0, cpuS - sampledSum),
  };
  const timings = readScenarioTimings(out);
  const sum = (k: 'setup' | 'wait' | 'teardown'): number => timings.reduce((n, x) => n + x[k], 0);
  const scenarios = scenarioTimings(out);
  const scenarioMs = scenarios.reduce((n, s) => n + s.ms, 0);
  const [setupMs, waitMs, teardownMs] = [sum('setup'), sum('wait'), sum('teardown')];
  const summary = /(\d+ scenarios?, .*?); wall time/.exec(stdout)?.[1] ?? `exit ${exitCode}`;
  return {
    mode:
      mode === 'serial'
        ? 'serial (--parallel 1)'
        : `parallel (${par.length ? par.join(' ') : 'default --parallel'})`,
    wallMs,
    exitCode,
    scenarios: timings.length,
    setupMs,
    waitMs,
    teardownMs,
    otherMs: Math.max(0, scenarioMs - setupMs - waitMs - teardownMs),
    outsideMs: mode === 'serial' ? Math.max(0, wallMs - scenarioMs) : 0,
    cpuS,
    cpuByKind,
    loadBefore,
    loadAfter,
    slowest: scenarios.sort((a, b) => b.ms - a.ms).slice(0, 8),
    ...(() => {
      const file = runFile(out, 'messages');
      const chains = existsSync(file) ? workerChains(readFileSync(file, 'utf8')) : undefined;
      return chains && mode === 'parallel' ? { chains } : {};
    })(),
    summary,
  };
}

/** Kept for bench/run-all.ts: one serial run of the whole suite (or the given features). */
export function suiteBench(features: string[] = []): Promise<SuiteTiming> {
  return suiteRun('serial', features);
}

const load = (l: number[]): string => l.map((x) => x.toFixed(1)).join(' / ');

export function suiteMarkdown(s: SuiteTiming): string {
  const kinds = Object.entries(s.cpuByKind).sort((a, b) => b[1] - a[1]);
  return [
    `**${s.mode}**: ${s.summary}; wall ${fmtMs(s.wallMs)}; CPU ${s.cpuS.toFixed(1)} s; exit code ${s.exitCode}; load average (1/5/15 min) ${load(s.loadBefore)} before, ${load(s.loadAfter)} after.`,
    '',
    '| scenario time, summed over scenarios | time |',
    '|---|---:|',
    `| setup: namespaces, links, routers started | ${fmtMs(s.setupMs)} |`,
    `| waiting for convergence (polls) | ${fmtMs(s.waitMs)} |`,
    `| teardown: artifacts, stops, lab release | ${fmtMs(s.teardownMs)} |`,
    `| other: speaker starts, actions | ${fmtMs(s.otherMs)} |`,
    ...(s.outsideMs
      ? [`| outside scenarios: start, run GC, root checks, reports | ${fmtMs(s.outsideMs)} |`]
      : []),
    '',
    '| process kind | CPU s |',
    '|---|---:|',
    ...kinds.map(([k, v]) => `| ${k} | ${v.toFixed(1)} |`),
    `| **total** | **${s.cpuS.toFixed(1)}** |`,
    '',
    'Slowest scenarios:',
    '',
    ...s.slowest.map((x) => `- ${fmtMs(x.ms)} ${x.scenario}`),
    ...(s.chains ? ['', chainsMarkdown(s.chains)] : []),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { parallel: { type: 'string' }, only: { type: 'string' } },
  });
  const runs: SuiteTiming[] = [];
  if (values.only !== 'parallel') runs.push(await suiteRun('serial', positionals));
  if (values.only !== 'serial')
    runs.push(await suiteRun('parallel', positionals, values.parallel ? Number(values.parallel) : undefined));
  const [a, b] = runs;
  const ratio =
    a && b
      ? `\n\nSerial ${fmtMs(a.wallMs)} / parallel ${fmtMs(b.wallMs)} = **${(a.wallMs / b.wallMs).toFixed(2)}x** wall; CPU ${a.cpuS.toFixed(1)} s vs ${b.cpuS.toFixed(1)} s.`
      : '';
  const md = `# Suite timing\n\n${machine()}; ${new Date().toISOString()}.\n\n${runs.map(suiteMarkdown).join('\n\n')}${ratio}\n`;
  writeOut('suite.json', JSON.stringify(runs, null, 2) + '\n');
  writeOut('suite.md', md);
  process.stdout.write(md);
}
