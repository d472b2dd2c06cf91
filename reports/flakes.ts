/**
 * Flake accounting for `npm run soak` (scripts/soak.ts): the same suite run N times, each run's
 * scenarios read from its report.json (or junit.xml when the conformance report is missing), and one
 * row per scenario: in how many runs it ran, how often it failed, the last error. A scenario that
 * failed in some runs but not all is a flake. Pure: no files, no processes.
 */

export type Outcome = 'passed' | 'failed' | 'skipped';

export interface ScenarioOutcome {
  /** `feature › scenario`. */
  key: string;
  outcome: Outcome;
  /** First line of the failure. */
  error?: string;
}

export interface RunOutcome {
  /** 1-based run number. */
  run: number;
  scenarios: ScenarioOutcome[];
  /** Why the run as a whole is in doubt (no report, cut short, a failed BeforeAll/AfterAll hook). */
  problems: string[];
}

export type Verdict = 'flaky' | 'failing' | 'passing' | 'skipped';

export interface FlakeRow {
  scenario: string;
  /** Runs in which it ran (passed or failed; skipped runs do not count). */
  runs: number;
  failures: number;
  /** `run N: message` of the latest failure, or ''. */
  lastError: string;
  verdict: Verdict;
}

const firstLine = (s: string | undefined): string =>
  (s ?? '')
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean) ?? '';

const key = (feature: string, scenario: string): string => `${feature} › ${scenario}`;

/** Outcomes from a conformance report (report.json): `timings` lists every scenario of the run. */
export function outcomesFromReport(report: unknown): { scenarios: ScenarioOutcome[]; problems: string[] } {
  const r = report as {
    timings?: unknown;
    runComplete?: unknown;
    runHookFailures?: unknown;
    unfinishedTests?: unknown;
  };
  if (!r || !Array.isArray(r.timings)) return { scenarios: [], problems: ['report.json has no timings'] };
  const problems: string[] = [];
  if (r.runComplete === false) problems.push('the run was cut short (runComplete: false)');
  if (Array.isArray(r.unfinishedTests) && r.unfinishedTests.length)
    problems.push(`unfinished: ${r.unfinishedTests.join(', ')}`);
  if (Array.isArray(r.runHookFailures))
    for (const h of r.runHookFailures) problems.push(`run hook failed: ${firstLine(String(h))}`);
  const scenarios = (
    r.timings as {
      feature?: string;
      scenario?: string;
      status?: string;
      message?: string;
      failedStep?: string;
    }[]
  ).map((t) => {
    const outcome: Outcome =
      t.status === 'SUCCEEDED' ? 'passed' : t.status === 'FAILED' ? 'failed' : 'skipped';
    const error =
      outcome === 'failed'
        ? firstLine(t.message) || (t.failedStep ? `failed at: ${t.failedStep}` : 'failed')
        : undefined;
    return { key: key(t.feature ?? '?', t.scenario ?? '?'), outcome, ...(error ? { error } : {}) };
  });
  return { scenarios, problems };
}

const unescapeXml = (s: string): string =>
  s.replace(
    /&(quot|amp|lt|gt|apos|#(\d+)|#x([0-9a-f]+));/gi,
    (m, name: string, dec?: string, hex?: string) =>
      dec
        ? String.fromCodePoint(Number(dec))
        : hex
          ? String.fromCodePoint(parseInt(hex, 16))
          : (({ quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" } as Record<string, string>)[
              name.toLowerCase()
            ] ?? m),
  );

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? unescapeXml(m[1]!) : undefined;
};

/** Outcomes from cucumber's junit.xml (the fallback when report.json was not written). */
export function outcomesFromJunit(xml: string): ScenarioOutcome[] {
  const out: ScenarioOutcome[] = [];
  const re = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const head = m[1]!;
    const body = m[3] ?? '';
    const k = key(attr(head, 'classname') ?? '?', attr(head, 'name') ?? '?');
    const failure = /<(failure|error)\b([^>]*?)(\/>|>([\s\S]*?)<\/\1>)/.exec(body);
    if (failure) {
      const text = (failure[4] ?? '').replace(/^\s*<!\[CDATA\[|\]\]>\s*$/g, '');
      out.push({
        key: k,
        outcome: 'failed',
        error: firstLine(attr(failure[2]!, 'message')) || firstLine(unescapeXml(text)) || 'failed',
      });
    } else {
      out.push({ key: k, outcome: /<skipped\b/.test(body) ? 'skipped' : 'passed' });
    }
  }
  return out;
}

/** One row per scenario seen in any run: flaky first, then failing, then by name. */
export function flakeTable(runs: RunOutcome[]): FlakeRow[] {
  const rows = new Map<string, FlakeRow>();
  for (const run of [...runs].sort((a, b) => a.run - b.run)) {
    for (const s of run.scenarios) {
      const row = rows.get(s.key) ?? {
        scenario: s.key,
        runs: 0,
        failures: 0,
        lastError: '',
        verdict: 'skipped' as Verdict,
      };
      if (s.outcome !== 'skipped') row.runs++;
      if (s.outcome === 'failed') {
        row.failures++;
        row.lastError = `run ${run.run}: ${s.error ?? 'failed'}`;
      }
      rows.set(s.key, row);
    }
  }
  const order: Record<Verdict, number> = { flaky: 0, failing: 1, passing: 2, skipped: 3 };
  return [...rows.values()]
    .map((r) => ({
      ...r,
      verdict: (r.runs === 0
        ? 'skipped'
        : r.failures === 0
          ? 'passing'
          : r.failures === r.runs
            ? 'failing'
            : 'flaky') as Verdict,
    }))
    .sort(
      (a, b) =>
        order[a.verdict] - order[b.verdict] ||
        b.failures - a.failures ||
        a.scenario.localeCompare(b.scenario),
    );
}

const clip = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, Math.max(0, n - 1))}…`);

/** `feature › scenario` in `n` characters: the feature name gives way first (the scenario says what ran). */
export function clipKey(key: string, n: number): string {
  if (key.length <= n) return key;
  const at = key.indexOf(' › ');
  if (at < 0 || n < 20) return clip(key, n);
  const feature = key.slice(0, at);
  const scenario = key.slice(at + 3);
  const f = clip(feature, Math.min(feature.length, Math.max(12, n - 3 - scenario.length)));
  return `${f} › ${clip(scenario, n - f.length - 3)}`;
}

/** The table as fixed-width text (scenario and error clipped to keep one line per scenario). */
export function formatFlakeTable(rows: FlakeRow[], width = { scenario: 90, error: 100 }): string {
  const head = ['scenario', 'runs', 'failures', 'verdict', 'last error'];
  const cells = rows.map((r) => [
    clipKey(r.scenario, width.scenario),
    String(r.runs),
    String(r.failures),
    r.verdict,
    clip(r.lastError, width.error),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string =>
    c
      .map((x, i) => (i === 1 || i === 2 ? x.padStart(w[i]!) : x.padEnd(w[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...cells.map(line)].join('\n');
}

export interface SoakVerdict {
  exitCode: 0 | 1;
  flaky: number;
  failing: number;
  problems: string[];
  summary: string;
}

/** Green only when every scenario that ran passed in every run and no run is in doubt. */
export function soakVerdict(runs: RunOutcome[], rows: FlakeRow[] = flakeTable(runs)): SoakVerdict {
  const flaky = rows.filter((r) => r.verdict === 'flaky').length;
  const failing = rows.filter((r) => r.verdict === 'failing').length;
  const problems = runs.flatMap((r) => r.problems.map((p) => `run ${r.run}: ${p}`));
  const ok = flaky === 0 && failing === 0 && problems.length === 0;
  const summary =
    `${runs.length} runs, ${rows.length} scenarios: ${flaky} flaky, ${failing} failing in every run, ${rows.filter((r) => r.verdict === 'passing').length} passing in every run` +
    (problems.length ? `, ${problems.length} run problem(s)` : '');
  return { exitCode: ok ? 0 : 1, flaky, failing, problems, summary };
}
