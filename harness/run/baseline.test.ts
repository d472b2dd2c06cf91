import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportJson } from '../../reports/conformance.ts';
import { finishWithBaseline, judgeAgainstBaseline, loadBaseline } from './baseline.ts';
import { runSuite } from './run-suite.ts';
import { fakeReport as report, fakeTiming as timing } from '../../reports/testdata/report.ts';

function sink() {
  const s = { text: '', write: (x: string) => (s.text += x) };
  return s;
}

t.test('judged against a baseline: known failures pass, a new failure regresses', async (t) => {
  const baseline = report([timing('a', 'SUCCEEDED'), timing('b', 'FAILED')]);
  t.equal(
    judgeAgainstBaseline(baseline, report([timing('a', 'SUCCEEDED'), timing('b', 'FAILED')])).regressed,
    false,
  );
  const o = judgeAgainstBaseline(baseline, report([timing('a', 'FAILED'), timing('b', 'FAILED')]));
  t.equal(o.regressed, true);
  t.same(o.reasons, ['1 scenario(s) newly failing']);
  t.match(o.markdown, /Regressions \(newly failing\) \(1\)/);
});

t.test('finishWithBaseline prints, writes comparison.md, and gives the exit code', async (t) => {
  const dir = t.testdir({});
  const baseline = report([timing('a', 'SUCCEEDED')]);
  let out = sink();
  t.equal(finishWithBaseline(baseline, report([timing('a', 'SUCCEEDED')]), dir, out), 0);
  t.match(out.text, /baseline: no regression/);
  t.match(readFileSync(join(dir, 'comparison.md'), 'utf8'), /\*\*No regressions\*\*/);
  out = sink();
  t.equal(finishWithBaseline(baseline, report([timing('a', 'FAILED')]), dir, out), 1);
  t.match(out.text, /baseline: REGRESSED \(1 scenario\(s\) newly failing\)/);
  out = sink();
  t.equal(finishWithBaseline(baseline, undefined, dir, out), 1, 'no report: cannot prove anything, fail');
});

t.test('loadBaseline: a report.json, or the codes of a bad one', async (t) => {
  const dir = t.testdir({ 'bad.json': '[]' });
  writeFileSync(join(dir, 'ok.json'), reportJson(report([timing('a', 'SUCCEEDED')])));
  t.equal(loadBaseline(join(dir, 'ok.json')).timings.length, 1);
  t.throws(() => loadBaseline(join(dir, 'missing.json')), { code: 'REPORT_NOT_FOUND' });
  t.throws(() => loadBaseline(join(dir, 'bad.json')), { code: 'REPORT_INVALID' });
});

t.test(
  'lbconform run refuses --fault (gone: npm run mutation patches a copy) or a bad --baseline with exit 2',
  async (t) => {
    const io = () => {
      const o = { stdout: sink(), stderr: sink() };
      return o;
    };
    let o = io();
    t.equal(await runSuite(['--fault', 'no-dedup', '--out', '/nonexistent/never'], o), 2);
    t.match(o.stderr.text, /Unknown option '--fault'/);
    o = io();
    t.equal(await runSuite(['--baseline', '/nonexistent/baseline.json'], o), 2);
    t.match(o.stderr.text, /REPORT_NOT_FOUND/);
    o = io();
    t.equal(
      await runSuite(
        ['--parallel', '2', '--order-from', '/nonexistent/run', '--out', '/nonexistent/never'],
        o,
      ),
      2,
    );
    t.match(o.stderr.text, /--order-from: REPORT_NOT_FOUND/);
    t.match(
      o.stdout.text +
        (await (async () => {
          const h = io();
          await runSuite(['--help'], h);
          return h.stdout.text;
        })()),
      /--baseline FILE/,
    );
  },
);

t.test(
  'lbconform run refuses an unknown capability or an unstartable --sut-start before running anything',
  async (t) => {
    const io = () => ({ stdout: sink(), stderr: sink() });
    let o = io();
    t.equal(
      await runSuite(
        [
          '--sut',
          'command',
          '--sut-start',
          'sh',
          '--sut-features',
          'bgp,dual-stack',
          '--out',
          '/nonexistent/never',
        ],
        o,
      ),
      2,
    );
    t.match(o.stderr.text, /SUT_CAPABILITY_UNKNOWN.*"dual-stack"/);
    o = io();
    t.equal(
      await runSuite(
        ['--sut', 'command', '--sut-start', './no/such/speaker --node {node}', '--out', '/nonexistent/never'],
        o,
      ),
      2,
    );
    t.match(o.stderr.text, /SUT_START_NOT_FOUND/);
    o = io();
    t.equal(await runSuite(['--sut-features', 'bgp'], o), 2, '--sut-features without --sut command');
  },
);
