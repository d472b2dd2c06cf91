/**
 * The conformance report of one run, in the shape of Gateway API's ConformanceReport: who was tested
 * (implementation), with what (suite version, machine, tag expression), and per profile (reports/profiles.ts) a
 * result — failure if any scenario failed, partial if any was skipped or not supported, else success —
 * with the scenarios behind it, the vendor's deviations and every scenario's time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, release, type } from 'node:os';
import { parse as parseYaml, stringify } from 'yaml';
import { runFile } from '../common/run-folder.ts';
import { CodedError } from '../common/errors.ts';
import { scenarioKey, type RunResult, type ScenarioResult, type ScenarioStatus } from './model.ts';

import { inProfile, PROFILES, type Profile } from './profiles.ts';

export { PROFILES, type Profile } from './profiles.ts';
export type ProfileResult = 'success' | 'partial' | 'failure';

export interface Implementation {
  name: string;
  version: string;
  adapter: string;
  url: string;
  contact: string;
}

export interface Machine {
  os: string;
  kernel: string;
  node: string;
  arch: string;
  cpus: number;
}

/** A vendor's declared deviation: `scenario` is a scenario name, `feature › name`, or a tag (`@S4`). */
export interface Deviation {
  scenario: string;
  reason: string;
}

export interface ProfileReport {
  result: ProfileResult;
  statistics: { passed: number; failed: number; skipped: number; notSupported: number };
  failedTests: string[];
  skippedTests: string[];
  notSupportedTests: string[];
  /** Capability tags the system under test declared it lacks (why tests are not supported). */
  unsupportedFeatures: string[];
  /** Deviations that apply to at least one scenario of this profile, with the scenarios they cover. */
  deviations: { scenario: string; reason: string; scenarios: string[] }[];
}

/** How the system under test was run: what a reader needs to repeat the run (`sut.json` of a run). */
export interface SystemUnderTestRecord {
  adapter: string;
  /** The `--sut-start` template (adapter `command`). */
  startCommand?: string;
  /** Capabilities it declared. */
  capabilities: string[];
  /** The effective timeout table (ms), after --timeout and --timeout-scale. */
  timeouts: Record<string, number>;
  /** Consecutive successes a check needs. */
  consecutive: number;
}

export interface ScenarioTiming {
  feature: string;
  scenario: string;
  tags: string[];
  status: ScenarioStatus;
  durationMs: number;
  /** Artifacts folder relative to the run folder. */
  artifacts: string;
  message?: string;
  failedStep?: string;
  deviation?: string;
}

export interface ConformanceReport {
  apiVersion: 'lbconform.dev/v1alpha1';
  kind: 'ConformanceReport';
  implementation: Implementation;
  suiteVersion: string;
  date: string;
  machine: Machine;
  tagExpression: string;
  /** False when the run was cut short (no testRunFinished): results are what finished. */
  runComplete: boolean;
  unfinishedTests: string[];
  /** Scenarios the run meant to run that never started (the run was killed or cut off first). */
  notStartedTests: string[];
  /** Failed BeforeAll / AfterAll hooks (e.g. the root-namespace check): they fail the run, not a scenario. */
  runHookFailures: string[];
  profiles: Partial<Record<Profile, ProfileReport>>;
  /** Start command, declared capabilities and timeouts of the run (absent in reports of older runs). */
  systemUnderTest?: SystemUnderTestRecord;
  /** Every deviation the vendor declared, matched or not. */
  deviations: Deviation[];
  /** Declared deviations that select no scenario of this run (a typo, or a scenario renamed or not run). */
  unmatchedDeviations: Deviation[];
  /** Every scenario in run order (including those in no profile). */
  timings: ScenarioTiming[];
}

export interface BuildOptions {
  implementation?: Partial<Implementation>;
  adapter?: string;
  tagExpression?: string;
  suiteVersion?: string;
  deviations?: Deviation[];
  now?: Date;
  machine?: Machine;
  systemUnderTest?: SystemUnderTestRecord;
}

export function currentMachine(): Machine {
  return { os: type(), kernel: release(), node: process.version, arch: arch(), cpus: cpus().length };
}

/** The suite's version (package.json). */
export function suiteVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? '0.0.0';
}

/** Whether a deviation's `scenario` selects this scenario. */
export function deviationMatches(
  d: Deviation,
  s: { feature: string; name: string; tags: string[] },
): boolean {
  const sel = d.scenario.trim();
  return sel.startsWith('@') ? s.tags.includes(sel) : sel === s.name || sel === scenarioKey(s);
}

export function profileResult(st: ProfileReport['statistics']): ProfileResult {
  return st.failed ? 'failure' : st.skipped || st.notSupported ? 'partial' : 'success';
}

export function buildConformanceReport(run: RunResult, opts: BuildOptions = {}): ConformanceReport {
  const adapter = opts.implementation?.adapter ?? opts.adapter ?? 'reference';
  const version = opts.suiteVersion ?? suiteVersion();
  const deviations = opts.deviations ?? [];
  const deviationOf = (s: ScenarioResult): Deviation | undefined =>
    deviations.find((d) => deviationMatches(d, s));
  const profiles: ConformanceReport['profiles'] = {};
  for (const profile of PROFILES) {
    const mine = run.scenarios.filter((s) => inProfile(profile, s.tags));
    if (!mine.length) continue;
    const of = (st: ScenarioStatus): string[] => mine.filter((s) => s.status === st).map(scenarioKey);
    const failedTests = of('FAILED');
    const skippedTests = of('SKIPPED');
    const notSupportedTests = of('NOT_SUPPORTED');
    const statistics = {
      passed: of('SUCCEEDED').length,
      failed: failedTests.length,
      skipped: skippedTests.length,
      notSupported: notSupportedTests.length,
    };
    const applied = deviations
      .map((d) => ({
        scenario: d.scenario,
        reason: d.reason,
        scenarios: mine.filter((s) => deviationMatches(d, s)).map(scenarioKey),
      }))
      .filter((d) => d.scenarios.length);
    profiles[profile] = {
      result: profileResult(statistics),
      statistics,
      failedTests,
      skippedTests,
      notSupportedTests,
      unsupportedFeatures: [...new Set(mine.flatMap((s) => s.unsupported ?? []))].sort(),
      deviations: applied,
    };
  }
  return {
    apiVersion: 'lbconform.dev/v1alpha1',
    kind: 'ConformanceReport',
    implementation: {
      name: opts.implementation?.name ?? (adapter === 'reference' ? 'lbconform reference speaker' : adapter),
      version: opts.implementation?.version ?? (adapter.startsWith('reference') ? version : 'unknown'),
      adapter,
      url: opts.implementation?.url ?? '',
      contact: opts.implementation?.contact ?? '',
    },
    suiteVersion: version,
    date: (opts.now ?? new Date()).toISOString(),
    machine: opts.machine ?? currentMachine(),
    tagExpression: opts.tagExpression ?? '',
    runComplete: run.complete,
    unfinishedTests: run.unfinished,
    notStartedTests: run.notStarted,
    runHookFailures: run.runHookFailures,
    profiles,
    ...(opts.systemUnderTest ? { systemUnderTest: opts.systemUnderTest } : {}),
    deviations,
    unmatchedDeviations: deviations.filter((d) => !run.scenarios.some((s) => deviationMatches(d, s))),
    timings: run.scenarios.map((s) => {
      const t: ScenarioTiming = {
        feature: s.feature,
        scenario: s.name,
        tags: s.tags,
        status: s.status,
        durationMs: s.durationMs,
        artifacts: s.artifacts,
      };
      if (s.message !== undefined) t.message = s.message;
      if (s.failedStep !== undefined) t.failedStep = s.failedStep;
      const d = deviationOf(s);
      if (d) t.deviation = d.reason;
      return t;
    }),
  };
}

/** Parses a deviations YAML: `{ deviations: [{ scenario, reason }] }` (REPORT_DEVIATIONS_INVALID otherwise). */
export function parseDeviations(text: string, source = 'deviations'): Deviation[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new CodedError('REPORT_DEVIATIONS_INVALID', `${source}: not YAML: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (doc === null || doc === undefined) return [];
  const list = (doc as { deviations?: unknown }).deviations;
  if (
    typeof doc !== 'object' ||
    Array.isArray(doc) ||
    (list !== undefined && list !== null && !Array.isArray(list))
  ) {
    throw new CodedError(
      'REPORT_DEVIATIONS_INVALID',
      `${source}: expected { deviations: [{ scenario, reason }] }`,
    );
  }
  return ((list ?? []) as unknown[]).map((d, i) => {
    const x = d as { scenario?: unknown; reason?: unknown } | null;
    if (
      !x ||
      typeof x !== 'object' ||
      typeof x.scenario !== 'string' ||
      !x.scenario.trim() ||
      typeof x.reason !== 'string' ||
      !x.reason.trim()
    ) {
      throw new CodedError(
        'REPORT_DEVIATIONS_INVALID',
        `${source}: deviations[${i}] needs a non-empty "scenario" and "reason"`,
      );
    }
    return { scenario: x.scenario.trim(), reason: x.reason.trim() };
  });
}

export function loadDeviations(file: string): Deviation[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CodedError('REPORT_DEVIATIONS_UNREADABLE', `cannot read ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return parseDeviations(text, file);
}

export function reportJson(report: ConformanceReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

export function reportYaml(report: ConformanceReport): string {
  return stringify(report, { lineWidth: 0 });
}

/** Writes `report.json` and `report.yaml` into `dir`; returns their paths. */
export function writeConformanceReport(dir: string, report: ConformanceReport): string[] {
  const json = runFile(dir, 'report');
  const yaml = runFile(dir, 'reportYaml');
  writeFileSync(json, reportJson(report));
  writeFileSync(yaml, reportYaml(report));
  return [json, yaml];
}

/**
 * Reads a report.json: REPORT_NOT_FOUND (no such file), REPORT_UNREADABLE (cannot be read),
 * REPORT_INVALID (not JSON, or not a ConformanceReport). Lists added since are filled in as empty.
 */
export function readConformanceReport(file: string): ConformanceReport {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CodedError(
      missing ? 'REPORT_NOT_FOUND' : 'REPORT_UNREADABLE',
      missing ? `no such file: ${file}` : `cannot read ${file}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new CodedError('REPORT_INVALID', `${file}: not JSON: ${(err as Error).message}`, { cause: err });
  }
  const r = doc as Partial<ConformanceReport> | null;
  if (r?.kind !== 'ConformanceReport' || !Array.isArray(r.timings))
    throw new CodedError('REPORT_INVALID', `${file}: not a ConformanceReport`);
  return {
    ...r,
    unfinishedTests: r.unfinishedTests ?? [],
    notStartedTests: r.notStartedTests ?? [],
    runHookFailures: r.runHookFailures ?? [],
    deviations: r.deviations ?? [],
    unmatchedDeviations: r.unmatchedDeviations ?? [],
  } as ConformanceReport;
}

/** What a reader of this report must not miss: a cut-off run, deviations that matched nothing. */
export function reportWarnings(r: ConformanceReport): string[] {
  const out: string[] = [];
  if (!r.runComplete) {
    out.push(`the run did not finish; the report holds the ${r.timings.length} scenario(s) that did`);
    for (const s of r.unfinishedTests) out.push(`unfinished (started, never ended): ${s}`);
    for (const s of r.notStartedTests) out.push(`never started: ${s}`);
  }
  for (const d of r.unmatchedDeviations)
    out.push(
      `deviation ${JSON.stringify(d.scenario)} matches no scenario of this run (a typo, a renamed scenario, or one not selected)`,
    );
  return out;
}
