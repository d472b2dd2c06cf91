/** Small helpers shared by the benchmark scripts (no namespaces here). */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { poll } from '../common/poll.ts';
import { run } from '../common/exec.ts';

/** Service IP i (1-based) from 198.18.0.0/15 (RFC 2544 benchmarking range; /32 routes exist only inside our namespaces): 131,071 of them, enough for 100k Services. */
export const ipOf = (i: number): string => `198.${18 + ((i >> 16) & 1)}.${(i >> 8) & 255}.${i & 255}`;
/** Prefix length of AGGREGATE. */
export const AGGREGATE_LENGTH = 15;
/** The shared aggregate every implementation announces next to the /32s. */
export const AGGREGATE = '198.18.0.0/15';

export const BENCH_OUT = 'out/bench';

export function writeOut(name: string, content: string): string {
  mkdirSync(BENCH_OUT, { recursive: true });
  const file = join(BENCH_OUT, name);
  writeFileSync(file, content);
  return file;
}

export function progress(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

/** Polls cond every intervalMs until true (common/poll.ts); the time is measured by the caller. */
export async function waitFor(
  what: string,
  cond: () => Promise<boolean>,
  timeoutMs = 300_000,
  intervalMs = 20,
): Promise<void> {
  await poll(
    what,
    async () => {
      if (!(await cond())) throw new Error('not yet');
    },
    { timeoutMs, intervalMs },
  );
}

export interface ProcCost {
  pid: number;
  /** Peak resident set (VmHWM), MB. */
  peakRssMb: number;
  /** utime + stime of the process itself (not its children), seconds. */
  cpuS: number;
}

/** Peak RSS (VmHWM) and CPU seconds (utime+stime) of a live process from /proc. */
export function procCost(pid: number): ProcCost {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwmKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after "(comm) ": state=0 ... utime=11, stime=12 (clock ticks; 100 Hz on Linux).
  return {
    pid,
    peakRssMb: Math.round((hwmKb / 1024) * 10) / 10,
    cpuS: (Number(f[11]) + Number(f[12])) / 100,
  };
}

/** Pid of the process named `comm` running in our namespace `netns` (`ip netns pids`). */
export async function pidIn(netns: string, comm: string): Promise<number | undefined> {
  const { stdout } = await run('ip', ['netns', 'pids', netns]);
  for (const p of stdout
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0)) {
    try {
      if (readFileSync(`/proc/${p}/comm`, 'utf8').trim() === comm) return p;
    } catch {
      // exited meanwhile
    }
  }
  return undefined;
}

export const fmtMs = (ms: number | undefined): string =>
  ms === undefined ? '–' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
export const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || b === 0 ? '–' : (a / b).toFixed(2);

export function machine(): string {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
  const cores = readFileSync('/proc/cpuinfo', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('processor')).length;
  return `${cpu.trim()}, ${cores} cores, node ${process.version}`;
}

/** The median of some figures (the mean of the two middle ones for an even count); NaN for none. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
