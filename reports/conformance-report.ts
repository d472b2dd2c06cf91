import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, release, arch } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { slug } from '../harness/artifacts/paths.ts';

/**
 * The conformance report of one run, read from the cucumber message stream (the same stream the JUnit
 * and HTML formatters consume), in the shape of Gateway API's ConformanceReport: per profile (bgp, l2)
 * a result — failure if anything failed, partial if anything was skipped, else success.
 */
export type ScenarioStatus = 'SUCCEEDED' | 'FAILED' | 'SKIPPED' | 'NOT_SUPPORTED';

export interface ScenarioResult {
  feature: string;
  name: string;
  tags: string[];
  status: ScenarioStatus;
  durationMs: number;
  message?: string;
  artifacts: string;
}

interface Envelope {
  gherkinDocument?: { uri?: string; feature?: { name: string } };
  pickle?: { id: string; uri: string; name: string; tags: { name: string }[] };
  testCase?: { id: string; pickleId: string };
  testCaseStarted?: { id: string; testCaseId: string; timestamp: { seconds: number; nanos: number } };
  testStepFinished?: { testCaseStartedId: string; testStepResult: { status: string; message?: string } };
  testCaseFinished?: { testCaseStartedId: string; timestamp: { seconds: number; nanos: number }; willBeRetried?: boolean };
}

const ms = (t: { seconds: number; nanos: number }): number => t.seconds * 1000 + Math.round(t.nanos / 1e6);

/** Reads what is there: a truncated stream (a killed run) yields the scenarios that finished. */
export function readScenarios(ndjson: string): ScenarioResult[] {
  const features = new Map<string, string>();
  const pickles = new Map<string, NonNullable<Envelope['pickle']>>();
  const cases = new Map<string, string>();
  const started = new Map<string, { pickleId: string; at: number; worst: string; message?: string }>();
  const out: ScenarioResult[] = [];
  const rank: Record<string, number> = { PASSED: 0, SKIPPED: 1, PENDING: 2, UNDEFINED: 3, AMBIGUOUS: 4, FAILED: 5, UNKNOWN: 2 };
  for (const line of ndjson.split('\n')) {
    if (!line.trim()) continue;
    let e: Envelope;
    try {
      e = JSON.parse(line) as Envelope;
    } catch {
      continue; // the last line of a killed run may be cut
    }
    if (e.gherkinDocument?.uri && e.gherkinDocument.feature) features.set(e.gherkinDocument.uri, e.gherkinDocument.feature.name);
    if (e.pickle) pickles.set(e.pickle.id, e.pickle);
    if (e.testCase) cases.set(e.testCase.id, e.testCase.pickleId);
    if (e.testCaseStarted) started.set(e.testCaseStarted.id, { pickleId: cases.get(e.testCaseStarted.testCaseId) ?? '', at: ms(e.testCaseStarted.timestamp), worst: 'PASSED' });
    if (e.testStepFinished) {
      const s = started.get(e.testStepFinished.testCaseStartedId);
      const r = e.testStepFinished.testStepResult;
      if (s && (rank[r.status] ?? 2) > (rank[s.worst] ?? 0)) {
        s.worst = r.status;
        if (r.message) s.message = r.message;
      }
    }
    if (e.testCaseFinished && !e.testCaseFinished.willBeRetried) {
      const s = started.get(e.testCaseFinished.testCaseStartedId);
      const p = s ? pickles.get(s.pickleId) : undefined;
      if (!s || !p) continue;
      const feature = features.get(p.uri) ?? p.uri;
      out.push({
        feature,
        name: p.name,
        tags: p.tags.map((t) => t.name),
        status: s.worst === 'PASSED' ? 'SUCCEEDED' : s.worst === 'SKIPPED' ? 'SKIPPED' : 'FAILED',
        durationMs: ms(e.testCaseFinished.timestamp) - s.at,
        ...(s.message ? { message: s.message.split('\n').slice(0, 20).join('\n') } : {}),
        artifacts: join('features', slug(feature), slug(`${p.name} ${p.id.slice(0, 6)}`)),
      });
    }
  }
  return out;
}

export interface ConformanceReport {
  apiVersion: 'lbconform.dev/v1alpha1';
  kind: 'ConformanceReport';
  implementation: { name: string; version: string; adapter: string; url: string; contact: string };
  suiteVersion: string;
  date: string;
  machine: { kernel: string; node: string; arch: string; cpus: number };
  tagExpression: string;
  profiles: Record<string, {
    result: 'success' | 'partial' | 'failure';
    statistics: { passed: number; failed: number; skipped: number; notSupported: number };
    failedTests: string[];
    skippedTests: string[];
    notSupportedTests: string[];
  }>;
  timings: { feature: string; scenario: string; status: ScenarioStatus; durationMs: number }[];
}

export function buildReport(scenarios: ScenarioResult[], opts: { adapter: string; tagExpression: string; suiteVersion: string; now?: Date }): ConformanceReport {
  const profiles: ConformanceReport['profiles'] = {};
  for (const profile of ['bgp', 'l2']) {
    const mine = scenarios.filter((s) => s.tags.includes(`@${profile}`));
    if (!mine.length) continue;
    const failed = mine.filter((s) => s.status === 'FAILED');
    const skipped = mine.filter((s) => s.status === 'SKIPPED');
    const unsupported = mine.filter((s) => s.status === 'NOT_SUPPORTED');
    profiles[profile] = {
      result: failed.length ? 'failure' : skipped.length || unsupported.length ? 'partial' : 'success',
      statistics: { passed: mine.length - failed.length - skipped.length - unsupported.length, failed: failed.length, skipped: skipped.length, notSupported: unsupported.length },
      failedTests: failed.map((s) => `${s.feature} › ${s.name}`),
      skippedTests: skipped.map((s) => `${s.feature} › ${s.name}`),
      notSupportedTests: unsupported.map((s) => `${s.feature} › ${s.name}`),
    };
  }
  return {
    apiVersion: 'lbconform.dev/v1alpha1',
    kind: 'ConformanceReport',
    implementation: { name: opts.adapter === 'reference' ? 'lbconform reference speaker' : opts.adapter, version: opts.suiteVersion, adapter: opts.adapter, url: '', contact: '' },
    suiteVersion: opts.suiteVersion,
    date: (opts.now ?? new Date()).toISOString(),
    machine: { kernel: release(), node: process.version, arch: arch(), cpus: cpus().length },
    tagExpression: opts.tagExpression,
    profiles,
    timings: scenarios.map((s) => ({ feature: s.feature, scenario: s.name, status: s.status, durationMs: s.durationMs })),
  };
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** One page a person reads first: result per profile, every scenario with its time, failures linked. */
export function summaryHtml(report: ConformanceReport, scenarios: ScenarioResult[]): string {
  const profileRows = Object.entries(report.profiles).map(([p, r]) =>
    `<tr><td>${esc(p)}</td><td class="${r.result}">${r.result}</td><td>${r.statistics.passed}</td><td>${r.statistics.failed}</td><td>${r.statistics.skipped}</td><td>${r.statistics.notSupported}</td></tr>`).join('');
  const rows = scenarios.map((s) => `<tr><td>${esc(s.feature)}</td><td>${esc(s.name)}</td><td class="${s.status}">${s.status}</td><td>${(s.durationMs / 1000).toFixed(1)} s</td><td>${
    s.status === 'FAILED' ? `<a href="${esc(s.artifacts)}/">artifacts</a><pre>${esc(s.message ?? '')}</pre>` : ''}</td></tr>`).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>lbconform: ${esc(report.implementation.name)}</title>
<style>body{font:14px system-ui;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}
.success,.SUCCEEDED{background:#dfd}.partial,.SKIPPED,.NOT_SUPPORTED{background:#ffd}.failure,.FAILED{background:#fdd}pre{white-space:pre-wrap;max-width:60em}</style></head><body>
<h1>Conformance: ${esc(report.implementation.name)} (${esc(report.implementation.adapter)})</h1>
<p>suite ${esc(report.suiteVersion)} · ${esc(report.date)} · kernel ${esc(report.machine.kernel)} · node ${esc(report.machine.node)} · tags <code>${esc(report.tagExpression || '(all)')}</code></p>
<table><tr><th>profile</th><th>result</th><th>passed</th><th>failed</th><th>skipped</th><th>not supported</th></tr>${profileRows}</table>
<h2>Scenarios</h2><table><tr><th>feature</th><th>scenario</th><th>result</th><th>time</th><th>failure</th></tr>
${rows}</table></body></html>
`;
}

/** Writes report.json, report.yaml and summary.html next to the run's messages.ndjson. */
export function writeConformanceReports(runDir: string, opts: { adapter: string; tagExpression: string; suiteVersion: string }): string[] {
  const messages = join(runDir, 'messages.ndjson');
  if (!existsSync(messages)) return [];
  const scenarios = readScenarios(readFileSync(messages, 'utf8'));
  // Scenarios the SUT declared it cannot do were skipped by the harness: NOT_SUPPORTED, not failures.
  const ns = join(runDir, 'not-supported.json');
  if (existsSync(ns)) {
    const names = new Set((JSON.parse(readFileSync(ns, 'utf8')) as { scenario: string }[]).map((x) => x.scenario));
    for (const s of scenarios) if (s.status === 'SKIPPED' && names.has(s.name)) s.status = 'NOT_SUPPORTED';
  }
  const report = buildReport(scenarios, opts);
  const files = [join(runDir, 'report.json'), join(runDir, 'report.yaml'), join(runDir, 'summary.html')];
  writeFileSync(files[0]!, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(files[1]!, stringify(report));
  writeFileSync(files[2]!, summaryHtml(report, scenarios));
  return files;
}
