import t from 'tap';
import {
  clipKey,
  flakeTable,
  formatFlakeTable,
  outcomesFromJunit,
  outcomesFromReport,
  soakVerdict,
  type RunOutcome,
} from './flakes.ts';

const run = (
  n: number,
  outcomes: Record<string, 'passed' | 'failed' | 'skipped'>,
  problems: string[] = [],
): RunOutcome => ({
  run: n,
  problems,
  scenarios: Object.entries(outcomes).map(([key, outcome]) => ({
    key,
    outcome,
    ...(outcome === 'failed' ? { error: `boom in ${n}` } : {}),
  })),
});

t.test('a scenario failing in some runs but not all is flaky; in all, failing', async (t) => {
  const runs = [
    run(1, { 'F › a': 'passed', 'F › b': 'failed', 'F › c': 'failed', 'F › d': 'skipped' }),
    run(2, { 'F › a': 'passed', 'F › b': 'passed', 'F › c': 'failed', 'F › d': 'skipped' }),
    run(3, { 'F › a': 'passed', 'F › b': 'failed', 'F › c': 'failed', 'F › d': 'skipped' }),
  ];
  const rows = flakeTable(runs);
  t.same(
    rows.map((r) => [r.scenario, r.runs, r.failures, r.verdict, r.lastError]),
    [
      ['F › b', 3, 2, 'flaky', 'run 3: boom in 3'],
      ['F › c', 3, 3, 'failing', 'run 3: boom in 3'],
      ['F › a', 3, 0, 'passing', ''],
      ['F › d', 0, 0, 'skipped', ''],
    ],
  );
  const v = soakVerdict(runs, rows);
  t.equal(v.exitCode, 1);
  t.equal(v.flaky, 1);
  t.equal(v.failing, 1);
  t.match(v.summary, /3 runs, 4 scenarios: 1 flaky, 1 failing/);
});

t.test("last error is the latest run's, whatever order the runs come in", async (t) => {
  const rows = flakeTable([
    run(2, { 'F › x': 'failed' }),
    run(1, { 'F › x': 'failed' }),
    run(3, { 'F › x': 'passed' }),
  ]);
  t.equal(rows[0]!.lastError, 'run 2: boom in 2');
  t.equal(rows[0]!.verdict, 'flaky');
});

t.test('a scenario missing from a run counts only the runs it ran in', async (t) => {
  const rows = flakeTable([run(1, { 'F › x': 'passed' }), run(2, {})]);
  t.same(
    rows.map((r) => [r.runs, r.failures, r.verdict]),
    [[1, 0, 'passing']],
  );
});

t.test('green only without flakes, failures and run problems', async (t) => {
  t.equal(soakVerdict([run(1, { 'F › a': 'passed' }), run(2, { 'F › a': 'passed' })]).exitCode, 0);
  const withProblem = soakVerdict([
    run(1, { 'F › a': 'passed' }),
    run(2, {}, ['no report.json or junit.xml (exit 1)']),
  ]);
  t.equal(withProblem.exitCode, 1);
  t.same(withProblem.problems, ['run 2: no report.json or junit.xml (exit 1)']);
  t.equal(soakVerdict([]).exitCode, 0, 'nothing ran: nothing flaked (the caller reports zero runs)');
});

t.test('outcomesFromReport reads timings and run-level trouble', async (t) => {
  const r = outcomesFromReport({
    runComplete: false,
    unfinishedTests: ['F › z'],
    runHookFailures: ['Error: the root namespace changed\n  at x'],
    timings: [
      { feature: 'F', scenario: 'a', status: 'SUCCEEDED' },
      {
        feature: 'F',
        scenario: 'b',
        status: 'FAILED',
        message: '\nCodedError: timed out\n  last difference',
      },
      { feature: 'F', scenario: 'c', status: 'FAILED', failedStep: 'Then x' },
      { feature: 'F', scenario: 'd', status: 'NOT_SUPPORTED' },
      { feature: 'F', scenario: 'e', status: 'SKIPPED' },
    ],
  });
  t.same(r.scenarios, [
    { key: 'F › a', outcome: 'passed' },
    { key: 'F › b', outcome: 'failed', error: 'CodedError: timed out' },
    { key: 'F › c', outcome: 'failed', error: 'failed at: Then x' },
    { key: 'F › d', outcome: 'skipped' },
    { key: 'F › e', outcome: 'skipped' },
  ]);
  t.same(r.problems, [
    'the run was cut short (runComplete: false)',
    'unfinished: F › z',
    'run hook failed: Error: the root namespace changed',
  ]);
  t.same(outcomesFromReport({}).problems, ['report.json has no timings']);
});

t.test("outcomesFromJunit reads cucumber's junit.xml", async (t) => {
  const xml = `<?xml version="1.0"?>
<testsuite name="Cucumber" tests="4">
  <testcase classname="L2 &amp; more" name="a &quot;quoted&quot; one" time="1.0">
    <system-out><![CDATA[Given x..passed]]></system-out>
  </testcase>
  <testcase classname="F" name="fails" time="2.0">
    <failure type="CodedError" message="timed out after 10000 ms"><![CDATA[CodedError: timed out after 10000 ms
    at x]]></failure>
  </testcase>
  <testcase classname="F" name="fails without message" time="2.0">
    <failure><![CDATA[
AssertionError: nope]]></failure>
  </testcase>
  <testcase classname="F" name="skipped" time="0"><skipped/></testcase>
  <testcase classname="F" name="empty" time="0"/>
</testsuite>`;
  t.same(outcomesFromJunit(xml), [
    { key: 'L2 & more › a "quoted" one', outcome: 'passed' },
    { key: 'F › fails', outcome: 'failed', error: 'timed out after 10000 ms' },
    { key: 'F › fails without message', outcome: 'failed', error: 'AssertionError: nope' },
    { key: 'F › skipped', outcome: 'skipped' },
    { key: 'F › empty', outcome: 'passed' },
  ]);
});

t.test('formatFlakeTable: one aligned line per scenario, long cells clipped', async (t) => {
  const text = formatFlakeTable(
    flakeTable([
      run(1, { 'F › a': 'failed', [`F › ${'x'.repeat(100)}`]: 'passed' }),
      run(2, { 'F › a': 'passed' }),
    ]),
    { scenario: 20, error: 12 },
  );
  const lines = text.split('\n');
  t.equal(lines.length, 3);
  t.match(lines[0]!, /^scenario\s+runs\s+failures\s+verdict\s+last error$/);
  t.match(lines[1]!, /^F › a\s+2\s+1\s+flaky\s+run 1: boom…$/);
  t.match(lines[2]!, /^F › x{15}…\s+1\s+0\s+passing$/);
});

t.test('clipKey shortens the feature name before the scenario name', async (t) => {
  t.equal(clipKey('Feat › scen', 40), 'Feat › scen');
  t.equal(
    clipKey('L2 membership security: a forged member › heartbeats are refused', 40),
    'L2 membership … › heartbeats are refused',
  );
  t.equal(
    clipKey('L2 membership security › a very long scenario name that goes on and on', 30),
    'L2 membersh… › a very long sc…',
  );
  t.equal(clipKey('no separator here at all', 10), 'no separa…');
  for (const n of [14, 20, 33, 50])
    t.ok(clipKey('Some feature name › some scenario name that is long', n).length <= n, `fits ${n}`);
});
