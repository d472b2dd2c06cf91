import t from 'tap';
import { compareReports, comparisonMarkdown } from './compare.ts';
import type { ConformanceReport } from './conformance-report.ts';

const report = (timings: ConformanceReport['timings']): ConformanceReport => ({
  apiVersion: 'lbconform.dev/v1alpha1', kind: 'ConformanceReport',
  implementation: { name: 'x', version: '1', adapter: 'reference', url: '', contact: '' }, suiteVersion: '1', date: '',
  machine: { kernel: '', node: '', arch: '', cpus: 2 }, tagExpression: '', profiles: {}, timings,
});

t.test('regressions, fixes, new, gone and slower scenarios', async (t) => {
  const before = report([
    { feature: 'F', scenario: 'a', status: 'SUCCEEDED', durationMs: 1000 },
    { feature: 'F', scenario: 'b', status: 'FAILED', durationMs: 1000 },
    { feature: 'F', scenario: 'c', status: 'SUCCEEDED', durationMs: 1000 },
    { feature: 'F', scenario: 'gone', status: 'SUCCEEDED', durationMs: 1000 },
  ]);
  const after = report([
    { feature: 'F', scenario: 'a', status: 'FAILED', durationMs: 1000 },
    { feature: 'F', scenario: 'b', status: 'SUCCEEDED', durationMs: 1000 },
    { feature: 'F', scenario: 'c', status: 'SUCCEEDED', durationMs: 2000 },
    { feature: 'F', scenario: 'new', status: 'SUCCEEDED', durationMs: 1000 },
  ]);
  const c = compareReports(before, after);
  t.same(c.regressions, ['F › a']);
  t.same(c.fixes, ['F › b']);
  t.same(c.appeared, ['F › new']);
  t.same(c.disappeared, ['F › gone']);
  t.same(c.slower, [{ scenario: 'F › c', beforeMs: 1000, afterMs: 2000 }]);
  t.match(comparisonMarkdown(c), /1 regressions, 1 fixes/);
});
