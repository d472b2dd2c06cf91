import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compareReports,
  comparisonMarkdown,
  hasRegression,
  loadReportOrRun,
  regressionReasons,
  runCompare,
} from './compare.ts';
import { reportJson } from './conformance.ts';
import { messageStream, type FakeScenario } from './testdata/stream.ts';
import { fakeReport as report, fakeTiming as timing } from './testdata/report.ts';

const before = report([
  timing('a', 'SUCCEEDED'),
  timing('b', 'FAILED'),
  timing('c', 'SUCCEEDED'),
  timing('d', 'FAILED'),
  timing('e', 'SUCCEEDED'),
  timing('f', 'SUCCEEDED'),
  timing('g', 'SUCCEEDED', 1000),
  timing('h', 'SUCCEEDED', 100),
  timing('gone', 'SUCCEEDED'),
]);
const after = report([
  timing('a', 'FAILED', 1000, 'missing 203.0.113.1/32'),
  timing('b', 'SUCCEEDED'),
  timing('c', 'SUCCEEDED', 2000),
  timing('d', 'FAILED', 1000, 'still'),
  timing('e', 'NOT_SUPPORTED'),
  timing('f', 'SKIPPED'),
  timing('g', 'SUCCEEDED', 1400),
  timing('h', 'SUCCEEDED', 500),
  timing('new', 'FAILED'),
]);

t.test('regressions, fixes, still failing, unsupported, new, gone, slower', async (t) => {
  const c = compareReports(before, after);
  t.same(c.regressions, [
    {
      scenario: 'F › a',
      before: 'SUCCEEDED',
      after: 'FAILED',
      message: 'missing 203.0.113.1/32',
      artifacts: 'features/F/a',
    },
  ]);
  t.same(
    c.fixes.map((x) => x.scenario),
    ['F › b'],
  );
  t.same(
    c.stillFailing.map((x) => x.scenario),
    ['F › d'],
  );
  t.same(
    c.newlyUnsupported.map((x) => x.scenario),
    ['F › e'],
  );
  t.same(
    c.otherChanges.map((x) => [x.scenario, x.after]),
    [['F › f', 'SKIPPED']],
  );
  t.same(
    c.appeared.map((x) => [x.scenario, x.after]),
    [['F › new', 'FAILED']],
  );
  t.same(
    c.disappeared.map((x) => x.scenario),
    ['F › gone'],
  );
  t.same(
    c.slower,
    [{ scenario: 'F › c', beforeMs: 1000, afterMs: 2000 }],
    '+40% and +400 ms are not slower; neither is 5x of 100 ms',
  );
  t.ok(hasRegression(c));
  t.notOk(hasRegression(compareReports(before, before)));
  const md = comparisonMarkdown(c);
  t.match(md, /\*\*1 regression\*\*, 1 fixed, 1 still failing/);
  t.match(md, /### Regressions \(newly failing\) \(1\)\n\n- F › a \(passed → failed\)/);
  t.match(md, /missing 203\.0\.113\.1\/32/);
  t.match(md, /\| F › c \| 1\.0 s \| 2\.0 s \|/);
  t.match(comparisonMarkdown(compareReports(before, before)), /\*\*No regressions\*\*/);
});

t.test('scenario names cannot inject Markdown or HTML', async (t) => {
  const name = '<b>x</b> [l](http://e)';
  const c = compareReports(
    report([timing(name, 'SUCCEEDED')]),
    report([{ ...timing(name, 'FAILED', 1000, '<i>m</i>'), artifacts: 'features/F/b-x-b-l-http-e' }]),
  );
  const md = comparisonMarkdown(c);
  t.notMatch(md, /<b>/);
  t.notMatch(md, /\[l\]\(/);
});

function io() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s) },
    },
  };
}

t.test('lbconform compare: files, run folders, exit codes', async (t) => {
  const scen = (status: string): FakeScenario[] => [
    { name: 'one', tags: ['@bgp'], steps: [status] },
    { name: 'two', tags: ['@bgp'], steps: ['FAILED'] },
  ];
  const dir = t.testdir({
    old: { 'messages.ndjson': messageStream([{ name: 'F', uri: 'f.feature', scenarios: scen('PASSED') }]) },
    new: { 'messages.ndjson': messageStream([{ name: 'F', uri: 'f.feature', scenarios: scen('FAILED') }]) },
  });
  // Run folders without report.json: built from their message streams.
  let r = io();
  t.equal(await runCompare([join(dir, 'old'), join(dir, 'new')], r.io), 1);
  t.match(r.out.stdout, /F › one/);
  r = io();
  t.equal(await runCompare([join(dir, 'new'), join(dir, 'old'), '--json'], r.io), 0);
  const json = JSON.parse(r.out.stdout);
  t.same(
    json.fixes.map((x: { scenario: string }) => x.scenario),
    ['F › one'],
  );
  t.same(
    json.stillFailing.map((x: { scenario: string }) => x.scenario),
    ['F › two'],
  );
  // report.json files.
  writeFileSync(join(dir, 'a.json'), reportJson(before));
  writeFileSync(join(dir, 'b.json'), reportJson(after));
  r = io();
  t.equal(await runCompare([join(dir, 'a.json'), join(dir, 'b.json')], r.io), 1);
  t.equal(loadReportOrRun(join(dir, 'a.json')).timings.length, 9);
  // A run folder with a report.json uses it.
  writeFileSync(join(dir, 'old', 'report.json'), reportJson(before));
  t.equal(loadReportOrRun(join(dir, 'old')).timings.length, 9);
  // Usage and input errors: 2.
  r = io();
  t.equal(await runCompare([join(dir, 'a.json')], r.io), 2);
  t.match(r.out.stderr, /usage: lbconform compare OLD NEW/);
  t.equal(await runCompare(['--nope', 'a', 'b'], io().io), 2);
  r = io();
  t.equal(await runCompare([join(dir, 'missing.json'), join(dir, 'b.json')], r.io), 2);
  t.match(r.out.stderr, /REPORT_NOT_FOUND: cannot read OLD \(.*missing\.json\)/);
  t.equal(r.out.stdout, '', 'no comparison printed');
  writeFileSync(join(dir, 'garbage.json'), '{"kind":');
  r = io();
  t.equal(await runCompare([join(dir, 'a.json'), join(dir, 'garbage.json')], r.io), 2);
  t.match(r.out.stderr, /REPORT_INVALID: cannot read NEW/);
  writeFileSync(join(dir, 'other.json'), '{"kind":"Other"}');
  t.equal(await runCompare([join(dir, 'other.json'), join(dir, 'a.json')], io().io), 2);
  r = io();
  mkdirSync(join(dir, 'empty'));
  t.equal(
    await runCompare([join(dir, 'a.json'), join(dir, 'empty')], r.io),
    2,
    'an empty folder is unreadable input, not a regression',
  );
  t.match(r.out.stderr, /REPORT_NO_MESSAGES/);
  t.throws(() => loadReportOrRun(join(dir, 'nope')), { code: 'REPORT_NOT_FOUND' });
  t.equal(await runCompare(['--help'], io().io), 0);
});

t.test('a new scenario that fails, a cut-off run and a failed run hook are regressions too', async (t) => {
  const old = report([
    timing('a', 'SUCCEEDED'),
    timing('b', 'SUCCEEDED'),
    timing('c', 'SUCCEEDED'),
    timing('gone', 'SUCCEEDED'),
  ]);
  t.same(regressionReasons(compareReports(old, old)), []);
  // A new scenario failing.
  const c1 = compareReports(old, report([...old.timings, timing('new', 'FAILED')]));
  t.same(regressionReasons(c1), ['1 new scenario(s) failing']);
  t.notOk(
    hasRegression(compareReports(old, report([...old.timings, timing('new', 'SUCCEEDED')]))),
    'a new passing scenario is fine',
  );
  // A subset run against a full baseline: gone scenarios are not a regression.
  const c2 = compareReports(old, report([timing('a', 'SUCCEEDED')]));
  t.same(
    c2.disappeared.map((x) => x.scenario),
    ['F › b', 'F › c', 'F › gone'],
  );
  t.notOk(hasRegression(c2));
  // Killed after a: b unfinished, c never started; gone is really gone.
  const cut = {
    ...report([timing('a', 'SUCCEEDED')]),
    runComplete: false,
    unfinishedTests: ['F › b'],
    notStartedTests: ['F › c'],
  };
  const c3 = compareReports(old, cut);
  t.same(
    c3.notRun.map((x) => x.scenario),
    ['F › b', 'F › c'],
  );
  t.same(
    c3.disappeared.map((x) => x.scenario),
    ['F › gone'],
  );
  t.same(regressionReasons(c3), ['the new run did not finish (2 scenario(s) of the old run not run)']);
  const md = comparisonMarkdown(c3);
  t.match(md, /\*\*Regressed\*\*/);
  t.match(md, /### Not run \(the new run was cut off before them\) \(2\)\n\n- F › b \(passed → not run\)/);
  // A failed AfterAll (the root-namespace check).
  const c4 = compareReports(old, {
    ...old,
    runHookFailures: ['Error: the root namespace changed during the run:\n  x'],
  });
  t.same(regressionReasons(c4), ['1 run hook(s) failed']);
  t.match(
    comparisonMarkdown(c4),
    /### Failed run hooks \(1\)\n\n- Error: the root namespace changed during the run:\n/,
  );
});

t.test(
  'a report.json written before notStartedTests / unmatchedDeviations existed still loads',
  async (t) => {
    const dir = t.testdir({});
    const { notStartedTests: _n, unmatchedDeviations: _u, ...older } = report([timing('a', 'SUCCEEDED')]);
    writeFileSync(join(dir, 'old.json'), JSON.stringify(older));
    const r = loadReportOrRun(join(dir, 'old.json'));
    t.same(r.notStartedTests, []);
    t.same(r.unmatchedDeviations, []);
  },
);
