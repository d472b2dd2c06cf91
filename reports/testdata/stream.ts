/**
 * Builds a small synthetic cucumber message stream in the shapes cucumber-js 12 writes (protocol 32):
 * meta, source, gherkinDocument, pickle, testCase (a Before hook + the steps), testRunStarted,
 * testCaseStarted, testStepStarted/Finished, testCaseFinished, testRunFinished.
 */
export interface FakeScenario {
  name: string;
  tags: string[];
  /** One status per step (PASSED, FAILED, SKIPPED, UNDEFINED...). */
  steps: string[];
  /** Status of the Before hook (SKIPPED is how the harness skips an unsupported scenario). */
  hook?: string;
  message?: string;
  /** Seconds the scenario takes. */
  seconds?: number;
  /** Id prefix, so two streams can carry the same scenario with different ids. */
  id?: string;
}

export interface FakeFeature {
  name: string;
  uri: string;
  scenarios: FakeScenario[];
}

const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

export function pickleId(feature: number, scenario: number, prefix = 'ab'): string {
  return `${prefix}${feature}${scenario}cdef-0000-4000-8000-000000000000`;
}

export function messageStream(
  features: FakeFeature[],
  opts: { finished?: boolean; cutBytes?: number; retryFirst?: boolean } = {},
): string {
  const lines: unknown[] = [
    {
      meta: {
        protocolVersion: '32.2.0',
        implementation: { version: '12.9.0', name: 'cucumber-js' },
        cpu: { name: 'x64' },
        os: { name: 'linux', version: '6.1.0' },
        runtime: { name: 'node.js', version: '20.20.2' },
      },
    },
  ];
  features.forEach((f) => {
    lines.push({
      source: { data: `Feature: ${f.name}`, uri: f.uri, mediaType: 'text/x.cucumber.gherkin+plain' },
    });
    lines.push({
      gherkinDocument: {
        uri: f.uri,
        feature: { name: f.name, keyword: 'Feature', tags: [], children: [] },
        comments: [],
      },
    });
  });
  const cases: { f: number; s: number; sc: FakeScenario; pid: string }[] = [];
  for (const [fi, f] of features.entries())
    for (const [si, sc] of f.scenarios.entries()) {
      const pid = pickleId(fi, si, sc.id);
      cases.push({ f: fi, s: si, sc, pid });
      lines.push({
        pickle: {
          id: pid,
          uri: f.uri,
          name: sc.name,
          language: 'en',
          astNodeIds: [],
          tags: sc.tags.map((name) => ({ name, astNodeId: 'x' })),
          steps: sc.steps.map((_, k) => ({
            id: `${pid}-step${k}`,
            text: `step ${k} of ${sc.name}`,
            type: 'Action',
            astNodeIds: [],
          })),
        },
      });
    }
  lines.push({
    hook: {
      id: 'hook-before',
      type: 'BEFORE_TEST_CASE',
      sourceReference: { uri: 'features/support/hooks.ts' },
    },
  });
  lines.push({ testRunStarted: { id: 'run', timestamp: ts(1_000_000) } });
  for (const c of cases) {
    lines.push({
      testCase: {
        testRunStartedId: 'run',
        pickleId: c.pid,
        id: `tc-${c.pid}`,
        testSteps: [
          { id: `ts-${c.pid}-hook`, hookId: 'hook-before' },
          ...c.sc.steps.map((_, k) => ({
            id: `ts-${c.pid}-${k}`,
            pickleStepId: `${c.pid}-step${k}`,
            stepDefinitionIds: [],
          })),
        ],
      },
    });
  }
  let now = 1_000_000;
  cases.forEach((c, n) => {
    const attempts = opts.retryFirst && n === 0 ? 2 : 1;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const sid = `tcs-${c.pid}-${attempt}`;
      const retried = attempt < attempts - 1;
      lines.push({ testCaseStarted: { attempt, testCaseId: `tc-${c.pid}`, id: sid, timestamp: ts(now) } });
      const hook = c.sc.hook ?? 'PASSED';
      lines.push({
        testStepStarted: { testCaseStartedId: sid, testStepId: `ts-${c.pid}-hook`, timestamp: ts(now) },
      });
      lines.push({
        testStepFinished: {
          testCaseStartedId: sid,
          testStepId: `ts-${c.pid}-hook`,
          testStepResult: { duration: { seconds: 0, nanos: 1000 }, status: hook },
          timestamp: ts(now),
        },
      });
      c.sc.steps.forEach((st0, k) => {
        const st = hook === 'SKIPPED' ? 'SKIPPED' : retried ? 'FAILED' : st0;
        const result: Record<string, unknown> = { duration: { seconds: 0, nanos: 1000 }, status: st };
        if (st === 'FAILED') {
          const m = retried ? 'flaky first attempt' : (c.sc.message ?? 'failed');
          result['message'] =
            `CodedError: ${m}\n    at eventually (/work/main/harness/wait/eventually.ts:35:9)`;
          result['exception'] = { type: 'CodedError', message: m };
        }
        lines.push({
          testStepStarted: { testCaseStartedId: sid, testStepId: `ts-${c.pid}-${k}`, timestamp: ts(now) },
        });
        lines.push({
          testStepFinished: {
            testCaseStartedId: sid,
            testStepId: `ts-${c.pid}-${k}`,
            testStepResult: result,
            timestamp: ts(now),
          },
        });
      });
      now += Math.round((c.sc.seconds ?? 1) * 1000);
      lines.push({
        testCaseFinished: { testCaseStartedId: sid, timestamp: ts(now), willBeRetried: retried },
      });
    }
  });
  if (opts.finished !== false)
    lines.push({
      testRunFinished: {
        testRunStartedId: 'run',
        timestamp: ts(now + 100),
        success: !cases.some((c) => c.sc.steps.includes('FAILED')),
      },
    });
  const text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
  return opts.cutBytes ? text.slice(0, text.length - opts.cutBytes) : text;
}
