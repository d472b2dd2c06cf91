import t from 'tap';
import { FAULTS, faultInfo } from '../mutation/faults.ts';
import type { ConformanceReport, ScenarioTiming } from './conformance.ts';
import {
  chooseFaults,
  controlFailures,
  judgeFault,
  mutationExitCode,
  mutationTable,
  runArgs,
  selectionFor,
  unionSelection,
} from './mutation.ts';

const timing = (scenario: string, status: ScenarioTiming['status']): ScenarioTiming => ({
  feature: 'F',
  scenario,
  tags: [],
  status,
  durationMs: 1,
  artifacts: '',
});
const report = (timings: ScenarioTiming[], complete = true): ConformanceReport => ({
  apiVersion: 'lbconform.dev/v1alpha1',
  kind: 'ConformanceReport',
  implementation: { name: 'reference+fault:x', version: '1', adapter: 'reference', url: '', contact: '' },
  suiteVersion: '1',
  date: '',
  machine: { os: '', kernel: '', node: '', arch: '', cpus: 2 },
  tagExpression: '',
  runComplete: complete,
  unfinishedTests: [],
  notStartedTests: complete ? [] : ['F › later'],
  runHookFailures: [],
  profiles: {},
  deviations: [],
  unmatchedDeviations: [],
  timings,
});
const nw = faultInfo('never-withdraw')!;

t.test('selection: the registry entry, or everything with --all-features; run arguments', async (t) => {
  t.same(selectionFor(nw, false), { paths: ['features/bgp-fields.feature'], tags: '@lifecycle' });
  t.same(selectionFor(nw, true), { paths: [] });
  t.same(runArgs('never-withdraw', selectionFor(nw, false), '/o/nw'), [
    'run',
    '--sut',
    'reference',
    '--out',
    '/o/nw',
    '--implementation-name',
    'reference+fault:never-withdraw',
    '--tags',
    '@lifecycle',
    'features/bgp-fields.feature',
  ]);
  t.same(runArgs(undefined, { paths: [] }, '/o/c'), ['run', '--sut', 'reference', '--out', '/o/c']);
  t.same(
    unionSelection([
      { paths: ['b'], tags: '@x' },
      { paths: ['a', 'b'], tags: '@y or @z' },
    ]),
    { paths: ['a', 'b'], tags: '(@x) or (@y or @z)' },
  );
  t.same(
    unionSelection([{ paths: ['b'], tags: '@x' }, { paths: ['a'] }]),
    { paths: ['a', 'b'] },
    'an untagged selection takes its features whole',
  );
  t.same(unionSelection([{ paths: ['b'] }, { paths: [] }]), { paths: [] });
  for (const f of FAULTS) t.ok(selectionFor(f, false).paths.length > 0, `${f.name} names features`);
});

t.test('judge: caught only by a scenario that fails under the fault and not without it', async (t) => {
  const r = report([
    timing('a', 'FAILED'),
    timing('b', 'FAILED'),
    timing('c', 'SUCCEEDED'),
    timing('d', 'SKIPPED'),
  ]);
  const j = judgeFault(nw, r);
  t.equal(j.caught, true);
  t.same(j.failing, ['F › a', 'F › b']);
  t.equal(j.passed, 1);
  const control = controlFailures(report([timing('a', 'FAILED'), timing('b', 'FAILED')]));
  const j2 = judgeFault(nw, r, control);
  t.equal(j2.caught, false, 'every failure also happens without the fault');
  t.same(j2.failingInControl, ['F › a', 'F › b']);
  t.equal(judgeFault(nw, report([timing('c', 'SUCCEEDED')])).caught, false, 'all passing: not caught');
  const none = judgeFault(nw, undefined, new Set(), 'no /x/report.json');
  t.same([none.caught, none.error], [false, 'no /x/report.json']);
  t.match(judgeFault(nw, report([timing('a', 'FAILED')], false)).error, /did not finish \(1 never started\)/);
});

t.test('the failing step and its message are kept for each catching scenario', async (t) => {
  const failed: ScenarioTiming = {
    ...timing('a', 'FAILED'),
    failedStep: 'Then R1 has 3 routes',
    message: '\n  Error: R1 holds 2 of 3 routes\n  at step (x.ts:1)\n',
  };
  const long: ScenarioTiming = { ...timing('b', 'FAILED'), failedStep: 'Then x', message: 'y'.repeat(300) };
  const j = judgeFault(nw, report([failed, long, timing('c', 'SUCCEEDED')]), new Set(['F › b']));
  t.same(j.evidence, [
    { scenario: 'F › a', step: 'Then R1 has 3 routes', message: 'Error: R1 holds 2 of 3 routes' },
  ]);
  const j2 = judgeFault(nw, report([long]));
  t.equal(j2.evidence?.[0]?.message?.length, 200, 'a long message is cut at 200 characters');
  t.match(
    mutationTable([j]),
    /F › a \(failed at "Then R1 has 3 routes": Error: R1 holds 2 of 3 routes\)<br>\(also failing without the fault: F › b\) \|/,
  );
});

t.test('table and exit code', async (t) => {
  const caught = judgeFault(nw, report([timing('a|b', 'FAILED')]));
  const missed = judgeFault(faultInfo('no-dedup')!, report([timing('c', 'SUCCEEDED')]));
  const md = mutationTable([caught, missed]);
  t.match(
    md,
    /\| never-withdraw \| packing \| reference\/bgp\/rib-out.ts \(AdjRibOut.setDesired\) \| caught \| 1 failed, 0 passed \| F › a\\\|b \|/,
  );
  t.match(md, /\| no-dedup \| plan \| [^|]+ \| NOT CAUGHT \| 0 failed, 1 passed \| — \|/);
  t.match(md, /1 of 2 faults caught; not caught: no-dedup/);
  t.equal(mutationExitCode([caught]), 0);
  t.equal(mutationExitCode([caught, missed]), 1);
  t.equal(mutationExitCode([]), 1, 'nothing run proves nothing');
});

t.test('--only picks faults by name; an unknown one is FAULT_UNKNOWN', async (t) => {
  t.equal(chooseFaults(undefined).length, FAULTS.length);
  t.same(
    chooseFaults('no-dedup, never-withdraw').map((f) => f.name),
    ['no-dedup', 'never-withdraw'],
  );
  t.throws(() => chooseFaults('no-dedup,bogus'), { code: 'FAULT_UNKNOWN' });
});
