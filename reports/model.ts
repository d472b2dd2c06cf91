/**
 * One run's result, read from the cucumber message stream (`messages.ndjson`, the stream the JUnit and
 * HTML formatters consume too). Only the fields used here are typed: the envelopes are the ones of
 * `@cucumber/messages` (protocol 32), read defensively so a run killed mid-write still yields what finished.
 */
import { existsSync, readFileSync } from 'node:fs';
import { CodedError } from '../common/errors.ts';
import { runFile, scenarioFolder } from '../common/run-folder.ts';

export type ScenarioStatus = 'SUCCEEDED' | 'FAILED' | 'SKIPPED' | 'NOT_SUPPORTED';

export interface ScenarioResult {
  /** The pickle id (stable within one run only). */
  id: string;
  feature: string;
  /** Feature file, relative to the repository (`features/bgp-basic.feature`). */
  uri: string;
  name: string;
  /** Tags with their `@`, feature tags included. */
  tags: string[];
  status: ScenarioStatus;
  durationMs: number;
  /** First failure's message, ANSI colours removed, trimmed to 40 lines / 4000 characters. */
  message?: string;
  /** Text of the step that failed first (`(hook)` for a hook). */
  failedStep?: string;
  /** For NOT_SUPPORTED: the capability tags the system under test lacks (from not-supported.json). */
  unsupported?: string[];
  /** Artifacts folder relative to the run folder, `/`-separated. */
  artifacts: string;
}

export interface RunResult {
  scenarios: ScenarioResult[];
  /** False when the stream ended without `testRunFinished` (a killed run) or had a cut line. */
  complete: boolean;
  /** `testRunFinished.success`, when the run finished. */
  success?: boolean;
  /** Scenarios that started but never finished (a killed run): `feature › name`. */
  unfinished: string[];
  /** Scenarios the run meant to run (a testCase) that never started (a killed or cut-off run). */
  notStarted: string[];
  /** Messages of failed BeforeAll / AfterAll hooks (they fail the run, not a scenario). */
  runHookFailures: string[];
  startedAt?: string;
  finishedAt?: string;
  cucumber?: { version: string; os: string; runtime: string };
}

/** The key reports and comparisons identify a scenario by. */
export function scenarioKey(s: { feature: string; name: string }): string {
  return `${s.feature} › ${s.name}`;
}

interface Timestamp {
  seconds: number | string;
  nanos: number;
}
interface StepResult {
  status?: string;
  message?: string;
  exception?: { type?: string; message?: string };
}
interface Envelope {
  meta?: {
    implementation?: { name?: string; version?: string };
    os?: { name?: string; version?: string };
    runtime?: { name?: string; version?: string };
  };
  gherkinDocument?: { uri?: string; feature?: { name?: string } };
  pickle?: {
    id: string;
    uri: string;
    name: string;
    tags?: { name: string }[];
    steps?: { id: string; text: string }[];
  };
  testCase?: {
    id: string;
    pickleId: string;
    testSteps?: { id: string; pickleStepId?: string; hookId?: string }[];
  };
  testRunStarted?: { timestamp?: Timestamp };
  testRunHookFinished?: { result?: StepResult };
  testCaseStarted?: { id: string; testCaseId: string; timestamp: Timestamp };
  testStepFinished?: { testCaseStartedId: string; testStepId?: string; testStepResult?: StepResult };
  testCaseFinished?: { testCaseStartedId: string; timestamp: Timestamp; willBeRetried?: boolean };
  testRunFinished?: { timestamp?: Timestamp; success?: boolean; message?: string };
}

const toMs = (t: Timestamp): number => Number(t.seconds) * 1000 + Math.round((t.nanos ?? 0) / 1e6);
const iso = (t: Timestamp | undefined): string | undefined =>
  t ? new Date(toMs(t)).toISOString() : undefined;

// Cucumber's own ordering (getWorstTestStepResult): the worst step decides the scenario.
const rank: Record<string, number> = {
  UNKNOWN: 0,
  PASSED: 1,
  SKIPPED: 2,
  PENDING: 3,
  UNDEFINED: 4,
  AMBIGUOUS: 5,
  FAILED: 6,
};

// eslint-disable-next-line no-control-regex
const ansi = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

function trimMessage(text: string): string {
  const lines = text.replace(ansi, '').split('\n');
  const cut =
    lines.length > 40
      ? [...lines.slice(0, 40), `… (${lines.length - 40} more lines)`].join('\n')
      : lines.join('\n');
  return cut.length > 4000 ? cut.slice(0, 4000) + '…' : cut;
}

function stepMessage(r: StepResult): string {
  if (r.exception?.message !== undefined)
    return r.exception.type ? `${r.exception.type}: ${r.exception.message}` : r.exception.message;
  if (r.message) return r.message;
  switch (r.status) {
    case 'UNDEFINED':
      return 'undefined step';
    case 'PENDING':
      return 'pending step';
    case 'AMBIGUOUS':
      return 'ambiguous step';
    default:
      return r.status ?? 'failed';
  }
}

/** Parses a message stream. Lines that are not JSON (the last line of a killed run) are ignored. */
export function parseMessages(ndjson: string): RunResult {
  const features = new Map<string, string>();
  const pickles = new Map<string, NonNullable<Envelope['pickle']>>();
  const cases = new Map<string, NonNullable<Envelope['testCase']>>();
  interface Attempt {
    testCaseId: string;
    at: number;
    worst: string;
    message?: string;
    failedStep?: string;
  }
  const attempts = new Map<string, Attempt>();
  const finished = new Set<string>();
  const byPickle = new Map<string, ScenarioResult>();
  const run: RunResult = {
    scenarios: [],
    complete: false,
    unfinished: [],
    notStarted: [],
    runHookFailures: [],
  };
  let cutLine = false;
  for (const line of ndjson.split('\n')) {
    if (!line.trim()) continue;
    let e: Envelope;
    try {
      e = JSON.parse(line) as Envelope;
    } catch {
      cutLine = true;
      continue;
    }
    if (!e || typeof e !== 'object') continue;
    if (e.meta) {
      const m = e.meta;
      run.cucumber = {
        version: `${m.implementation?.name ?? 'cucumber'} ${m.implementation?.version ?? ''}`.trim(),
        os: `${m.os?.name ?? ''} ${m.os?.version ?? ''}`.trim(),
        runtime: `${m.runtime?.name ?? ''} ${m.runtime?.version ?? ''}`.trim(),
      };
    } else if (e.gherkinDocument) {
      if (e.gherkinDocument.uri && e.gherkinDocument.feature?.name !== undefined)
        features.set(e.gherkinDocument.uri, e.gherkinDocument.feature.name);
    } else if (e.pickle) {
      pickles.set(e.pickle.id, e.pickle);
    } else if (e.testCase) {
      cases.set(e.testCase.id, e.testCase);
    } else if (e.testRunStarted) {
      const at = iso(e.testRunStarted.timestamp);
      if (at) run.startedAt = at;
    } else if (e.testRunHookFinished) {
      const r = e.testRunHookFinished.result ?? {};
      if ((rank[r.status ?? 'UNKNOWN'] ?? 0) > rank['SKIPPED']!)
        run.runHookFailures.push(trimMessage(stepMessage(r)));
    } else if (e.testCaseStarted) {
      attempts.set(e.testCaseStarted.id, {
        testCaseId: e.testCaseStarted.testCaseId,
        at: toMs(e.testCaseStarted.timestamp),
        worst: 'UNKNOWN',
      });
    } else if (e.testStepFinished) {
      const a = attempts.get(e.testStepFinished.testCaseStartedId);
      const r = e.testStepFinished.testStepResult ?? {};
      const status = r.status ?? 'UNKNOWN';
      if (!a || (rank[status] ?? 0) <= (rank[a.worst] ?? 0)) continue;
      a.worst = status;
      if ((rank[status] ?? 0) > rank['SKIPPED']!) {
        a.message = trimMessage(stepMessage(r));
        const tc = cases.get(a.testCaseId);
        const step = tc?.testSteps?.find((s) => s.id === e.testStepFinished!.testStepId);
        const pickle = tc ? pickles.get(tc.pickleId) : undefined;
        const text = step?.pickleStepId
          ? pickle?.steps?.find((s) => s.id === step.pickleStepId)?.text
          : step?.hookId
            ? '(hook)'
            : undefined;
        if (text !== undefined) a.failedStep = text;
        else delete a.failedStep;
      }
    } else if (e.testCaseFinished) {
      const id = e.testCaseFinished.testCaseStartedId;
      finished.add(id);
      if (e.testCaseFinished.willBeRetried) continue;
      const a = attempts.get(id);
      const tc = a ? cases.get(a.testCaseId) : undefined;
      const p = tc ? pickles.get(tc.pickleId) : undefined;
      if (!a || !p) continue;
      const feature = features.get(p.uri) ?? p.uri;
      const worst = rank[a.worst] ?? 0;
      const s: ScenarioResult = {
        id: p.id,
        feature,
        uri: p.uri,
        name: p.name,
        tags: (p.tags ?? []).map((t) => t.name),
        status: worst <= rank['PASSED']! ? 'SUCCEEDED' : worst === rank['SKIPPED'] ? 'SKIPPED' : 'FAILED',
        durationMs: Math.max(0, toMs(e.testCaseFinished.timestamp) - a.at),
        artifacts: scenarioFolder(feature, p.name, p.id),
      };
      if (a.message !== undefined) s.message = a.message;
      if (a.failedStep !== undefined) s.failedStep = a.failedStep;
      byPickle.set(p.id, s); // a retried scenario: its last attempt counts
    } else if (e.testRunFinished) {
      run.complete = true;
      if (typeof e.testRunFinished.success === 'boolean') run.success = e.testRunFinished.success;
      const at = iso(e.testRunFinished.timestamp);
      if (at) run.finishedAt = at;
    }
  }
  if (cutLine) run.complete = false;
  run.scenarios = [...byPickle.values()];
  for (const [id, a] of attempts) {
    if (finished.has(id)) continue;
    const tc = cases.get(a.testCaseId);
    const p = tc ? pickles.get(tc.pickleId) : undefined;
    if (p && !byPickle.has(p.id))
      run.unfinished.push(scenarioKey({ feature: features.get(p.uri) ?? p.uri, name: p.name }));
  }
  // testCase envelopes come up front, one per scenario the run will execute: those never started were cut off.
  const started = new Set([...attempts.values()].map((a) => a.testCaseId));
  for (const tc of cases.values()) {
    const p = pickles.get(tc.pickleId);
    if (p && !started.has(tc.id) && !byPickle.has(p.id))
      run.notStarted.push(scenarioKey({ feature: features.get(p.uri) ?? p.uri, name: p.name }));
  }
  return run;
}

/** An entry of `not-supported.json`, written by the harness's Before hook. */
export interface NotSupportedEntry {
  pickleId: string;
  /** Comma-separated capability tags the system under test lacks. */
  feature?: string;
  scenario?: string;
}

/** Marks the listed scenarios NOT_SUPPORTED (unless they failed anyway: a failure stays a failure). */
export function applyNotSupported(run: RunResult, entries: NotSupportedEntry[]): RunResult {
  const byId = new Map(entries.map((e) => [e.pickleId, e]));
  for (const s of run.scenarios) {
    const e = byId.get(s.id);
    if (!e || s.status === 'FAILED') continue;
    s.status = 'NOT_SUPPORTED';
    const lacking = (e.feature ?? '')
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    if (lacking.length) s.unsupported = lacking;
  }
  return run;
}

/** Reads `DIR/messages.ndjson` and, when present, `DIR/not-supported.json`. */
export function readRun(runDir: string): RunResult {
  const messages = runFile(runDir, 'messages');
  if (!existsSync(messages)) throw new CodedError('REPORT_NO_MESSAGES', `no messages.ndjson in ${runDir}`);
  const run = parseMessages(readFileSync(messages, 'utf8'));
  const ns = runFile(runDir, 'notSupported');
  if (existsSync(ns)) {
    let entries: unknown;
    try {
      entries = JSON.parse(readFileSync(ns, 'utf8'));
    } catch (err) {
      throw new CodedError('REPORT_NOT_SUPPORTED_INVALID', `${ns}: not JSON`, { cause: err });
    }
    if (
      !Array.isArray(entries) ||
      !entries.every(
        (x) => x && typeof x === 'object' && typeof (x as NotSupportedEntry).pickleId === 'string',
      )
    ) {
      throw new CodedError(
        'REPORT_NOT_SUPPORTED_INVALID',
        `${ns}: expected [{ "pickleId": "...", "feature": "..." }]`,
      );
    }
    applyNotSupported(run, entries as NotSupportedEntry[]);
  }
  return run;
}
