import t from 'tap';
import { parse as parseYaml } from 'yaml';
import {
  buildConformanceReport,
  deviationMatches,
  loadDeviations,
  parseDeviations,
  readConformanceReport,
  reportWarnings,
  reportYaml,
  writeConformanceReport,
  type Machine,
} from './conformance.ts';
import { applyNotSupported, parseMessages } from './model.ts';
import { messageStream, pickleId, type FakeFeature } from './testdata/stream.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const machine: Machine = { os: 'Linux', kernel: '6.1.0', node: 'v20.20.2', arch: 'x64', cpus: 4 };
const now = new Date('2026-01-02T03:04:05Z');

const features: FakeFeature[] = [
  {
    name: 'BGP',
    uri: 'features/bgp.feature',
    scenarios: [
      { name: 'b ok', tags: ['@bgp', '@S1'], steps: ['PASSED'] },
      { name: 'b bad', tags: ['@bgp', '@S2'], steps: ['FAILED'], message: 'no route' },
      { name: 'b md5', tags: ['@bgp', '@md5'], steps: ['PASSED'], hook: 'SKIPPED' },
    ],
  },
  {
    name: 'L2',
    uri: 'features/l2.feature',
    scenarios: [
      { name: 'l ok', tags: ['@l2', '@S4'], steps: ['PASSED'] },
      { name: 'l skipped', tags: ['@l2', '@S5'], steps: ['PASSED'], hook: 'SKIPPED' },
    ],
  },
  {
    name: 'Other',
    uri: 'features/x.feature',
    scenarios: [{ name: 'x ok', tags: ['@ipv4'], steps: ['PASSED'] }],
  },
];

function run() {
  return applyNotSupported(parseMessages(messageStream(features)), [
    { pickleId: pickleId(0, 2), feature: 'md5' },
  ]);
}

t.test('profiles: failure, partial, success; statistics and lists', async (t) => {
  const r = buildConformanceReport(run(), {
    adapter: 'command',
    implementation: { name: 'acme', version: '2.0', url: 'https://acme.example', contact: '@acme' },
    tagExpression: 'not @slow',
    suiteVersion: '0.1.0',
    now,
    machine,
  });
  t.equal(r.apiVersion, 'lbconform.dev/v1alpha1');
  t.equal(r.kind, 'ConformanceReport');
  t.same(r.implementation, {
    name: 'acme',
    version: '2.0',
    adapter: 'command',
    url: 'https://acme.example',
    contact: '@acme',
  });
  t.equal(r.date, '2026-01-02T03:04:05.000Z');
  t.equal(r.tagExpression, 'not @slow');
  t.equal(r.runComplete, true);
  const bgp = r.profiles.bgp!;
  t.equal(bgp.result, 'failure');
  t.same(bgp.statistics, { passed: 1, failed: 1, skipped: 0, notSupported: 1 });
  t.same(bgp.failedTests, ['BGP › b bad']);
  t.same(bgp.notSupportedTests, ['BGP › b md5']);
  t.same(bgp.unsupportedFeatures, ['md5']);
  const l2 = r.profiles.l2!;
  t.equal(l2.result, 'partial');
  t.same(l2.skippedTests, ['L2 › l skipped']);
  t.equal(r.timings.length, 6, 'scenarios outside any profile still have timings');
  t.same(r.timings[1], {
    feature: 'BGP',
    scenario: 'b bad',
    tags: ['@bgp', '@S2'],
    status: 'FAILED',
    durationMs: 1000,
    artifacts: r.timings[1]!.artifacts,
    message: 'CodedError: no route',
    failedStep: 'step 0 of b bad',
  });
});

t.test('success, only NOT_SUPPORTED -> partial, and defaults', async (t) => {
  const ok = parseMessages(
    messageStream([
      { name: 'L2', uri: 'l2.feature', scenarios: [{ name: 'a', tags: ['@l2'], steps: ['PASSED'] }] },
    ]),
  );
  const r = buildConformanceReport(ok, { suiteVersion: '0.1.0', now, machine });
  t.equal(r.profiles.l2!.result, 'success');
  t.equal(r.profiles.bgp, undefined, 'a profile with no scenario is not reported');
  t.same(r.implementation, {
    name: 'lbconform reference speaker',
    version: '0.1.0',
    adapter: 'reference',
    url: '',
    contact: '',
  });
  applyNotSupported(ok, [{ pickleId: ok.scenarios[0]!.id }]);
  ok.scenarios[0]!.status = 'NOT_SUPPORTED';
  t.equal(buildConformanceReport(ok, { suiteVersion: '0.1.0', now, machine }).profiles.l2!.result, 'partial');
  const real = buildConformanceReport(ok, { now });
  t.match(real.suiteVersion, /^\d+\.\d+\.\d+/, 'suite version from package.json');
  t.ok(real.machine.cpus > 0 && real.machine.node.startsWith('v'));
});

t.test('deviations: by name, by feature › name, by tag; listed with their reasons', async (t) => {
  const deviations = parseDeviations(`deviations:
  - scenario: b bad
    reason: we announce after the first keepalive
  - scenario: "@S5"
    reason: no gratuitous ARP on this platform
  - scenario: "Nowhere › nothing"
    reason: matches nothing
`);
  t.equal(deviations.length, 3);
  t.ok(deviationMatches(deviations[0]!, { feature: 'BGP', name: 'b bad', tags: [] }));
  t.ok(
    deviationMatches({ scenario: 'BGP › b bad', reason: 'x' }, { feature: 'BGP', name: 'b bad', tags: [] }),
  );
  const r = buildConformanceReport(run(), { deviations, suiteVersion: '0.1.0', now, machine });
  t.same(r.deviations, deviations, 'every declared deviation is kept');
  t.same(r.profiles.bgp!.deviations, [
    { scenario: 'b bad', reason: 'we announce after the first keepalive', scenarios: ['BGP › b bad'] },
  ]);
  t.same(r.profiles.l2!.deviations, [
    { scenario: '@S5', reason: 'no gratuitous ARP on this platform', scenarios: ['L2 › l skipped'] },
  ]);
  t.equal(r.profiles.bgp!.result, 'failure', 'a deviation does not change the result');
  t.equal(r.timings.find((x) => x.scenario === 'b bad')!.deviation, 'we announce after the first keepalive');
  t.same(
    r.unmatchedDeviations,
    [{ scenario: 'Nowhere › nothing', reason: 'matches nothing' }],
    'the one matching no scenario is flagged',
  );
  t.same(reportWarnings(r), [
    'deviation "Nowhere › nothing" matches no scenario of this run (a typo, a renamed scenario, or one not selected)',
  ]);
  t.same(parseDeviations(''), []);
  t.same(parseDeviations('deviations: []'), []);
  t.throws(() => parseDeviations('deviations: [{ scenario: x }]'), { code: 'REPORT_DEVIATIONS_INVALID' });
  t.throws(() => parseDeviations('deviations: nope'), { code: 'REPORT_DEVIATIONS_INVALID' });
  t.throws(() => parseDeviations('[1, 2'), { code: 'REPORT_DEVIATIONS_INVALID' });
  t.throws(() => loadDeviations('/nonexistent/deviations.yaml'), { code: 'REPORT_DEVIATIONS_UNREADABLE' });
});

t.test('writers: report.json and report.yaml hold the same report', async (t) => {
  const dir = t.testdir({});
  const r = buildConformanceReport(run(), { suiteVersion: '0.1.0', now, machine });
  const [json, yaml] = writeConformanceReport(dir, r);
  t.same(JSON.parse(readFileSync(json!, 'utf8')), r);
  t.same(parseYaml(readFileSync(yaml!, 'utf8')), r);
  t.match(reportYaml(r), /^apiVersion: lbconform\.dev\/v1alpha1\nkind: ConformanceReport\n/);
  t.same(readConformanceReport(json!), r);
  writeFileSync(join(dir, 'bad.json'), '{"kind":"Other"}');
  t.throws(() => readConformanceReport(join(dir, 'bad.json')), { code: 'REPORT_INVALID' });
  t.throws(() => readConformanceReport(join(dir, 'missing.json')), { code: 'REPORT_NOT_FOUND' });
  writeFileSync(join(dir, 'cut.json'), '{"kind":');
  t.throws(() => readConformanceReport(join(dir, 'cut.json')), { code: 'REPORT_INVALID' });
});

t.test('a killed run: incomplete, unfinished listed', async (t) => {
  const text = messageStream(features, { finished: false });
  const r = buildConformanceReport(parseMessages(text.slice(0, text.length - 20)), {
    suiteVersion: '0.1.0',
    now,
    machine,
  });
  t.equal(r.runComplete, false);
  t.same(r.unfinishedTests, ['Other › x ok']);
  t.same(r.notStartedTests, []);
  t.match(
    reportWarnings(r).join('\n'),
    /did not finish.*\nunfinished \(started, never ended\): Other › x ok/,
  );
  t.equal(r.timings.length, 5);
});

t.test('the report records how the SUT was run: start command, capabilities, timeouts', async (t) => {
  const run = parseMessages(
    messageStream([
      { name: 'B', uri: 'b.feature', scenarios: [{ name: 'a', tags: ['@bgp'], steps: ['PASSED'] }] },
    ]),
  );
  const systemUnderTest = {
    adapter: 'command',
    startCommand: 'my-speaker --node {node} {manifests}',
    capabilities: ['bgp', 'ipv4'],
    timeouts: { sessionEstablished: 15000 },
    consecutive: 2,
  };
  const r = buildConformanceReport(run, { now, machine, systemUnderTest });
  t.same(parseYaml(reportYaml(r)).systemUnderTest, systemUnderTest);
  t.equal(buildConformanceReport(run, { now, machine }).systemUnderTest, undefined);
});
