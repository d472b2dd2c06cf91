import t from 'tap';
import type { Envelope, TestStepResultStatus } from '@cucumber/messages';
import { cucumberHtml, junitXml, mergeShardMessages } from './merge.ts';

/**
 * A shard's stream for one feature of two scenarios, with its own random-looking ids (as every
 * cucumber process makes), running only the scenarios in `run`.
 */
function shard(tag: string, run: number[], status: 'PASSED' | 'FAILED'): Envelope[] {
  const id = (x: string) => `${tag}-${x}`;
  const ts = (s: number) => ({ seconds: s, nanos: 0 });
  const scenario = (n: number) => ({
    id: id(`sc${n}`),
    location: { line: 3 + n * 3, column: 3 },
    keyword: 'Scenario',
    name: `s${n}`,
    description: '',
    tags: [],
    examples: [],
    steps: [
      { id: id(`st${n}`), location: { line: 4 + n * 3, column: 5 }, keyword: 'Given ', text: 'a step' },
    ],
  });
  const out: Envelope[] = [
    {
      meta: {
        protocolVersion: '32',
        implementation: { name: 'cucumber-js' },
        cpu: { name: 'x' },
        os: { name: 'l' },
        runtime: { name: 'n' },
      },
    },
    { source: { uri: 'features/a.feature', data: 'Feature: a', mediaType: 'text/x.cucumber.gherkin+plain' } },
    {
      gherkinDocument: {
        uri: 'features/a.feature',
        comments: [],
        feature: {
          location: { line: 1, column: 1 },
          tags: [],
          language: 'en',
          keyword: 'Feature',
          name: 'a',
          description: '',
          children: [{ scenario: scenario(0) }, { scenario: scenario(1) }],
        },
      },
    },
    {
      stepDefinition: {
        id: id('def'),
        pattern: { source: 'a step', type: 'CUCUMBER_EXPRESSION' },
        sourceReference: { uri: 'steps.ts', location: { line: 1 } },
      },
    },
    { testRunStarted: { id: id('run'), timestamp: ts(100) } },
  ] as Envelope[];
  for (const n of run) {
    out.splice(3, 0, {
      pickle: {
        id: id(`p${n}`),
        uri: 'features/a.feature',
        location: { line: 3 + n * 3, column: 3 },
        name: `s${n}`,
        language: 'en',
        astNodeIds: [id(`sc${n}`)],
        tags: [],
        steps: [{ id: id(`ps${n}`), text: 'a step', type: 'Context', astNodeIds: [id(`st${n}`)] }],
      },
    } as Envelope);
    out.push(
      {
        testCase: {
          id: id(`tc${n}`),
          pickleId: id(`p${n}`),
          testRunStartedId: id('run'),
          testSteps: [
            {
              id: id(`ts${n}`),
              pickleStepId: id(`ps${n}`),
              stepDefinitionIds: [id('def')],
              stepMatchArgumentsLists: [],
            },
          ],
        },
      },
      { testCaseStarted: { id: id(`tcs${n}`), testCaseId: id(`tc${n}`), attempt: 0, timestamp: ts(101) } },
      { testStepStarted: { testCaseStartedId: id(`tcs${n}`), testStepId: id(`ts${n}`), timestamp: ts(101) } },
      {
        testStepFinished: {
          testCaseStartedId: id(`tcs${n}`),
          testStepId: id(`ts${n}`),
          testStepResult: {
            status: status as TestStepResultStatus,
            duration: ts(1),
            ...(status === 'FAILED' ? { message: 'boom' } : {}),
          },
          timestamp: ts(102),
        },
      },
      { testCaseFinished: { testCaseStartedId: id(`tcs${n}`), timestamp: ts(102), willBeRetried: false } },
    );
  }
  out.push({
    testRunFinished: {
      testRunStartedId: id('run'),
      timestamp: ts(run.length ? 110 + run[0]! : 105),
      success: status === 'PASSED',
    },
  });
  return out;
}

t.test(
  'two shards become one run: one document, one definition, every test case, ids consistent',
  async (t) => {
    const merged = mergeShardMessages([shard('A', [0], 'PASSED'), shard('B', [1], 'PASSED')]);
    const kinds = (k: string) => merged.filter((e) => k in e);
    t.equal(kinds('meta').length, 1);
    t.equal(kinds('gherkinDocument').length, 1);
    t.equal(kinds('source').length, 1);
    t.equal(kinds('stepDefinition').length, 1);
    t.equal(kinds('testRunStarted').length, 1);
    t.equal(kinds('testRunFinished').length, 1);
    t.equal(kinds('testCase').length, 2);
    const finished = merged.at(-1)!.testRunFinished!;
    t.equal(finished.success, true);
    t.same(finished.timestamp, { seconds: 111, nanos: 0 }, 'the latest shard end');
    // Shard B's pickle points at shard A's AST nodes and step definition.
    const pickleB = kinds('pickle')
      .map((e) => e.pickle!)
      .find((p) => p.name === 's1')!;
    t.same(pickleB.astNodeIds, ['A-sc1']);
    t.same(pickleB.steps[0]!.astNodeIds, ['A-st1']);
    const caseB = kinds('testCase')
      .map((e) => e.testCase!)
      .find((c) => c.pickleId === 'B-p1')!;
    t.same(caseB.testSteps[0]!.stepDefinitionIds, ['A-def']);
    t.equal(caseB.testRunStartedId, 'A-run');
    const xml = junitXml(merged);
    t.match(xml, /tests="2"/);
    t.match(xml, /failures="0"/);
    t.match(xml, /name="s0"/);
    t.match(xml, /name="s1"/);
    t.match(await cucumberHtml(merged), /<html/);
  },
);

t.test(
  'one failing shard fails the merged run; pickles that did not run in a shard are dropped',
  async (t) => {
    const a = shard('A', [0], 'PASSED');
    // B also lists scenario 0's pickle without running it (a filtered pickle must not appear twice).
    const b = shard('B', [1], 'FAILED');
    b.splice(3, 0, { pickle: { ...a.find((e) => e.pickle)!.pickle!, id: 'B-unrun' } });
    const merged = mergeShardMessages([a, b]);
    t.equal(merged.at(-1)!.testRunFinished!.success, false);
    t.equal(merged.filter((e) => e.pickle).length, 2);
    t.match(junitXml(merged), /failures="1"/);
  },
);

t.test('no shard: REPORT_MERGE_EMPTY', async (t) => {
  t.throws(() => mergeShardMessages([]), { code: 'REPORT_MERGE_EMPTY' });
});
