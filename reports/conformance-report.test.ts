import t from 'tap';
import { buildReport, readScenarios, summaryHtml } from './conformance-report.ts';

const ts = (s: number) => ({ seconds: s, nanos: 0 });
function stream(cases: { name: string; tags: string[]; steps: string[]; message?: string }[], cut = false): string {
  const lines: unknown[] = [{ gherkinDocument: { uri: 'f.feature', feature: { name: 'F <b>' } } }];
  cases.forEach((c, i) => {
    lines.push({ pickle: { id: `p${i}abcdef`, uri: 'f.feature', name: c.name, tags: c.tags.map((name) => ({ name })) } });
    lines.push({ testCase: { id: `c${i}`, pickleId: `p${i}abcdef` } });
  });
  cases.forEach((c, i) => {
    lines.push({ testCaseStarted: { id: `s${i}`, testCaseId: `c${i}`, timestamp: ts(10 * i) } });
    for (const st of c.steps) lines.push({ testStepFinished: { testCaseStartedId: `s${i}`, testStepResult: { status: st, ...(st === 'FAILED' ? { message: c.message } : {}) } } });
    lines.push({ testCaseFinished: { testCaseStartedId: `s${i}`, timestamp: ts(10 * i + 3) } });
  });
  const text = lines.map((l) => JSON.stringify(l)).join('\n');
  return cut ? text.slice(0, text.length - 20) : text;
}

t.test('statuses, profiles and results', async (t) => {
  const s = readScenarios(stream([
    { name: 'ok', tags: ['@bgp'], steps: ['PASSED', 'PASSED'] },
    { name: 'bad', tags: ['@bgp'], steps: ['PASSED', 'FAILED', 'SKIPPED'], message: 'missing 203.0.113.200/32' },
    { name: 'l2 skipped', tags: ['@l2'], steps: ['SKIPPED'] },
    { name: 'l2 ok', tags: ['@l2'], steps: ['PASSED'] },
  ]));
  t.same(s.map((x) => x.status), ['SUCCEEDED', 'FAILED', 'SKIPPED', 'SUCCEEDED']);
  t.equal(s[1]!.message, 'missing 203.0.113.200/32');
  t.equal(s[0]!.durationMs, 3000);
  t.match(s[0]!.artifacts, /^features\/F-b\/ok-p0abcd$/);
  const r = buildReport(s, { adapter: 'reference', tagExpression: '', suiteVersion: '0.1.0' });
  t.equal(r.profiles['bgp']!.result, 'failure');
  t.same(r.profiles['bgp']!.statistics, { passed: 1, failed: 1, skipped: 0, notSupported: 0 });
  t.equal(r.profiles['l2']!.result, 'partial');
  const html = summaryHtml(r, s);
  t.notMatch(html, /F <b>/, 'names are escaped');
  t.match(html, /F &#60;b&#62;/);
});

t.test('a truncated stream (killed run) reports what finished', async (t) => {
  const s = readScenarios(stream([{ name: 'one', tags: ['@bgp'], steps: ['PASSED'] }, { name: 'two', tags: ['@bgp'], steps: ['PASSED'] }], true));
  t.same(s.map((x) => x.name), ['one']);
});
