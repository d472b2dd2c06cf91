import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runCompare, runReport, writeAllReports } from './commands.ts';
import { messageStream, pickleId, type FakeFeature } from './testdata/stream.ts';

const features: FakeFeature[] = [
  {
    name: 'BGP',
    uri: 'features/bgp.feature',
    scenarios: [
      { name: 'b ok', tags: ['@bgp'], steps: ['PASSED'] },
      { name: 'b md5', tags: ['@bgp', '@md5'], steps: ['PASSED'], hook: 'SKIPPED' },
    ],
  },
  {
    name: 'L2',
    uri: 'features/l2.feature',
    scenarios: [
      { name: '<script>l2</script>', tags: ['@l2', '@S4'], steps: ['FAILED'], message: 'two owners' },
    ],
  },
];

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

t.test('writeAllReports writes report.json, report.yaml and summary.html', async (t) => {
  const dir = t.testdir({
    'messages.ndjson': messageStream(features),
    'not-supported.json': JSON.stringify([{ pickleId: pickleId(0, 1), scenario: 'b md5', feature: 'md5' }]),
    'deviations.yaml': 'deviations:\n  - scenario: "@S4"\n    reason: single-node lab\n',
  });
  const { files } = await writeAllReports(dir, {
    adapter: 'command',
    implementation: { name: 'acme', version: '9' },
    tagExpression: '@bgp or @l2',
    deviationsFile: join(dir, 'deviations.yaml'),
  });
  t.same(
    files,
    ['report.json', 'report.yaml', 'summary.html'].map((f) => join(dir, f)),
  );
  const r = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  t.same(parseYaml(readFileSync(join(dir, 'report.yaml'), 'utf8')), r);
  t.equal(r.implementation.name, 'acme');
  t.equal(r.implementation.adapter, 'command');
  t.equal(r.tagExpression, '@bgp or @l2');
  t.equal(r.profiles.bgp.result, 'partial');
  t.same(r.profiles.bgp.notSupportedTests, ['BGP › b md5']);
  t.equal(r.profiles.l2.result, 'failure');
  t.same(r.profiles.l2.deviations, [
    { scenario: '@S4', reason: 'single-node lab', scenarios: ['L2 › <script>l2</script>'] },
  ]);
  const html = readFileSync(join(dir, 'summary.html'), 'utf8');
  t.notMatch(html, /<script/);
  t.match(html, /href="features\/L2\/script-l2-script-ab10cd\/"/);
  await t.rejects(writeAllReports(join(dir, 'nope')), { code: 'REPORT_NO_MESSAGES' });
  await t.rejects(writeAllReports(dir, { deviationsFile: join(dir, 'missing.yaml') }), {
    code: 'REPORT_DEVIATIONS_UNREADABLE',
  });
});

t.test('lbconform report', async (t) => {
  const dir = t.testdir({ 'messages.ndjson': messageStream(features), 'bad.yaml': 'deviations: 3\n' });
  let r = io();
  t.equal(
    await runReport(
      [
        '--run',
        dir,
        '--implementation-name',
        'acme',
        '--implementation-version',
        '1.2',
        '--adapter',
        'command',
        '--url',
        'https://acme.example',
        '--contact',
        'ops@acme.example',
        '--tags',
        'not @slow',
      ],
      r.io,
    ),
    0,
  );
  t.match(r.out.stdout, /bgp: partial|bgp: success/);
  t.match(r.out.stdout, /l2: failure/);
  t.match(r.out.stdout, /wrote .*summary\.html/);
  const rep = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  t.same(rep.implementation, {
    name: 'acme',
    version: '1.2',
    adapter: 'command',
    url: 'https://acme.example',
    contact: 'ops@acme.example',
  });
  t.equal(rep.tagExpression, 'not @slow');
  r = io();
  t.equal(await runReport([], r.io), 2, '--run is required');
  t.match(r.out.stderr, /--run DIR is required/);
  t.equal(await runReport(['--run', dir, '--bogus'], io().io), 2, 'unknown option');
  t.equal(await runReport(['--run', dir, 'extra'], io().io), 2, 'no positionals');
  r = io();
  t.equal(await runReport(['--run', dir, '--deviations', join(dir, 'bad.yaml')], r.io), 1);
  t.match(r.out.stderr, /REPORT_DEVIATIONS_INVALID/);
  t.equal(await runReport(['--run', join(dir, 'nope')], io().io), 1);
  t.equal(await runReport(['--help'], io().io), 0);
});

t.test('a killed run still gets its reports', async (t) => {
  const text = messageStream(features, { finished: false });
  const dir = t.testdir({ 'messages.ndjson': text.slice(0, text.length - 25) });
  const r = io();
  t.equal(await runReport(['--run', dir], r.io), 0);
  t.match(r.out.stderr, /warning: the run did not finish/);
  t.match(r.out.stderr, /warning: unfinished \(started, never ended\): L2 › <script>l2<\/script>/);
  const rep = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  t.equal(rep.runComplete, false);
  t.same(rep.unfinishedTests, ['L2 › <script>l2</script>']);
  t.ok(existsSync(join(dir, 'summary.html')));
});

t.test('runCompare is exported here too (exit 1 on regression)', async (t) => {
  const pass = messageStream([
    { name: 'F', uri: 'f', scenarios: [{ name: 'a', tags: ['@bgp'], steps: ['PASSED'] }] },
  ]);
  const fail = messageStream([
    { name: 'F', uri: 'f', scenarios: [{ name: 'a', tags: ['@bgp'], steps: ['FAILED'] }] },
  ]);
  const dir = t.testdir({ old: { 'messages.ndjson': pass }, new: { 'messages.ndjson': fail } });
  await writeAllReports(join(dir, 'old'));
  await writeAllReports(join(dir, 'new'));
  const r = io();
  t.equal(await runCompare([join(dir, 'old', 'report.json'), join(dir, 'new')], r.io), 1);
  t.match(r.out.stdout, /Regressions \(newly failing\) \(1\)/);
});
