/**
 * The critical path of a parallel run, from its cucumber message stream: per worker, how long it was
 * busy, when it ran its first and last scenario, and the scenarios that kept the last worker busy
 * after another one ran out of work (the tail that better scheduling or shorter scenarios remove).
 */

export interface WorkerChain {
  worker: string;
  scenarios: number;
  /** Seconds from the run's start. */
  firstStartS: number;
  lastEndS: number;
  busyS: number;
}

export interface Chains {
  runS: number;
  workers: WorkerChain[];
  /** Seconds between the first worker running out of work and the run's last scenario ending. */
  tailS: number;
  /** The scenarios running during that tail, with their start and end (s from the run's start). */
  tail: { scenario: string; worker: string; startS: number; endS: number }[];
}

interface Ts {
  seconds: number;
  nanos: number;
}
const sec = (t: Ts): number => t.seconds + t.nanos / 1e9;
const round = (x: number): number => Math.round(x * 10) / 10;

/** Reads messages.ndjson text; undefined when it has no test run in it. */
export function workerChains(ndjson: string): Chains | undefined {
  const pickles = new Map<string, string>();
  const cases = new Map<string, string>();
  const started = new Map<string, { testCaseId: string; workerId?: string; at: number }>();
  const done: { scenario: string; worker: string; startS: number; endS: number }[] = [];
  let runStart: number | undefined;
  let runEnd: number | undefined;
  for (const line of ndjson.split('\n')) {
    if (!line.trim()) continue;
    const m = JSON.parse(line) as Record<string, Record<string, unknown>>;
    if (m['pickle']) pickles.set(m['pickle']['id'] as string, m['pickle']['name'] as string);
    else if (m['testCase']) cases.set(m['testCase']['id'] as string, m['testCase']['pickleId'] as string);
    else if (m['testRunStarted']) runStart = sec(m['testRunStarted']['timestamp'] as Ts);
    else if (m['testRunFinished']) runEnd = sec(m['testRunFinished']['timestamp'] as Ts);
    else if (m['testCaseStarted']) {
      const s = m['testCaseStarted'];
      started.set(s['id'] as string, {
        testCaseId: s['testCaseId'] as string,
        ...(s['workerId'] !== undefined ? { workerId: String(s['workerId']) } : {}),
        at: sec(s['timestamp'] as Ts),
      });
    } else if (m['testCaseFinished']) {
      const f = m['testCaseFinished'];
      const s = started.get(f['testCaseStartedId'] as string);
      if (!s || runStart === undefined) continue;
      done.push({
        scenario: pickles.get(cases.get(s.testCaseId) ?? '') ?? '?',
        worker: s.workerId ?? '0',
        startS: s.at - runStart,
        endS: sec(f['timestamp'] as Ts) - runStart,
      });
    }
  }
  if (runStart === undefined || !done.length) return undefined;
  const byWorker = new Map<string, typeof done>();
  for (const d of done) byWorker.set(d.worker, [...(byWorker.get(d.worker) ?? []), d]);
  const workers = [...byWorker].map(([worker, ds]) => ({
    worker,
    scenarios: ds.length,
    firstStartS: round(Math.min(...ds.map((d) => d.startS))),
    lastEndS: round(Math.max(...ds.map((d) => d.endS))),
    busyS: round(ds.reduce((n, d) => n + d.endS - d.startS, 0)),
  }));
  const firstIdle = Math.min(...workers.map((w) => w.lastEndS));
  const lastEnd = Math.max(...done.map((d) => d.endS));
  return {
    runS: round((runEnd ?? runStart + lastEnd) - runStart),
    workers: workers.sort((a, b) => Number(a.worker) - Number(b.worker)),
    tailS: round(lastEnd - firstIdle),
    tail: done
      .filter((d) => d.endS > firstIdle)
      .sort((a, b) => a.startS - b.startS)
      .map((d) => ({ ...d, startS: round(d.startS), endS: round(d.endS) })),
  };
}

export function chainsMarkdown(c: Chains): string {
  return [
    `Workers (cucumber's run: ${c.runS} s; the tail after the first worker ran out of work: ${c.tailS} s):`,
    '',
    '| worker | scenarios | first start s | last end s | busy s |',
    '|---|---:|---:|---:|---:|',
    ...c.workers.map(
      (w) => `| ${w.worker} | ${w.scenarios} | ${w.firstStartS} | ${w.lastEndS} | ${w.busyS} |`,
    ),
    '',
    'Running in the tail:',
    '',
    ...c.tail.map((d) => `- worker ${d.worker}, ${d.startS}-${d.endS} s: ${d.scenario}`),
  ].join('\n');
}
