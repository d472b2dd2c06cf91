import t from 'tap';
import { scenarioFolder } from '../common/run-folder.ts';
import { applyNotSupported, parseMessages, readRun, scenarioKey } from './model.ts';
import { messageStream, pickleId, type FakeFeature } from './testdata/stream.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const features: FakeFeature[] = [
  {
    name: 'BGP basic <one>',
    uri: 'features/bgp-basic.feature',
    scenarios: [
      { name: 'ok', tags: ['@bgp', '@S1', '@ipv4'], steps: ['PASSED', 'PASSED'], seconds: 2.5 },
      {
        name: 'bad',
        tags: ['@bgp', '@S2'],
        steps: ['PASSED', 'FAILED', 'SKIPPED'],
        message: 'missing 203.0.113.200/32',
      },
      { name: 'undefined', tags: ['@bgp'], steps: ['UNDEFINED', 'SKIPPED'] },
    ],
  },
  {
    name: 'L2',
    uri: 'features/l2.feature',
    scenarios: [
      { name: 'skipped by hook', tags: ['@l2', '@ipv6'], steps: ['PASSED'], hook: 'SKIPPED' },
      { name: 'l2 ok', tags: ['@l2'], steps: ['PASSED'] },
    ],
  },
];

t.test('statuses, durations, messages, artifacts', async (t) => {
  const run = parseMessages(messageStream(features));
  t.equal(run.complete, true);
  t.equal(run.success, false);
  t.same(run.unfinished, []);
  t.equal(run.cucumber?.version, 'cucumber-js 12.9.0');
  t.ok(run.startedAt && run.finishedAt);
  t.same(
    run.scenarios.map((s) => [s.name, s.status]),
    [
      ['ok', 'SUCCEEDED'],
      ['bad', 'FAILED'],
      ['undefined', 'FAILED'],
      ['skipped by hook', 'SKIPPED'],
      ['l2 ok', 'SUCCEEDED'],
    ],
  );
  const [ok, bad, undef] = run.scenarios;
  t.equal(ok!.durationMs, 2500);
  t.same(ok!.tags, ['@bgp', '@S1', '@ipv4']);
  t.equal(ok!.feature, 'BGP basic <one>');
  t.equal(ok!.uri, 'features/bgp-basic.feature');
  t.equal(ok!.message, undefined);
  t.equal(bad!.message, 'CodedError: missing 203.0.113.200/32', 'the exception, not the stack');
  t.equal(bad!.failedStep, 'step 1 of bad');
  t.equal(undef!.message, 'undefined step');
  t.equal(ok!.artifacts, `features/BGP-basic-one/ok-${pickleId(0, 0).slice(0, 6)}`);
  t.equal(ok!.artifacts, scenarioFolder('BGP basic <one>', 'ok', ok!.id));
  t.equal(scenarioKey(ok!), 'BGP basic <one> › ok');
});

t.test('a retried scenario counts by its last attempt', async (t) => {
  const run = parseMessages(
    messageStream(
      [{ name: 'F', uri: 'f.feature', scenarios: [{ name: 'flaky', tags: ['@bgp'], steps: ['PASSED'] }] }],
      { retryFirst: true },
    ),
  );
  t.same(
    run.scenarios.map((s) => s.status),
    ['SUCCEEDED'],
  );
});

t.test('a truncated stream (killed run) yields what finished', async (t) => {
  const full = messageStream(features, { finished: false });
  // Cut in the middle of the last scenario's testCaseFinished line.
  const run = parseMessages(full.slice(0, full.length - 30));
  t.equal(run.complete, false);
  t.equal(run.success, undefined);
  t.same(
    run.scenarios.map((s) => s.name),
    ['ok', 'bad', 'undefined', 'skipped by hook'],
  );
  t.same(run.unfinished, ['L2 › l2 ok']);
  // A complete last line but no testRunFinished: still incomplete.
  t.equal(parseMessages(full).complete, false);
  // Garbage and empty input do not throw.
  t.same(parseMessages('').scenarios, []);
  t.same(parseMessages('{"pickle":\n\n42\nnull\n').scenarios, []);
});

t.test('not-supported.json turns skipped scenarios NOT_SUPPORTED (never a failure)', async (t) => {
  const run = parseMessages(messageStream(features));
  applyNotSupported(run, [
    { pickleId: pickleId(1, 0), feature: 'l2, ipv6' },
    { pickleId: pickleId(0, 1), feature: 'bgp' },
  ]);
  const s = run.scenarios.find((x) => x.name === 'skipped by hook')!;
  t.equal(s.status, 'NOT_SUPPORTED');
  t.same(s.unsupported, ['l2', 'ipv6']);
  t.equal(run.scenarios.find((x) => x.name === 'bad')!.status, 'FAILED');
});

t.test('readRun reads the folder', async (t) => {
  const dir = t.testdir({
    'messages.ndjson': messageStream(features),
    'not-supported.json': JSON.stringify([
      { pickleId: pickleId(1, 0), scenario: 'skipped by hook', feature: 'ipv6' },
    ]),
  });
  const run = readRun(dir);
  t.equal(run.scenarios.find((x) => x.name === 'skipped by hook')!.status, 'NOT_SUPPORTED');
  t.throws(() => readRun(join(dir, 'nope')), { code: 'REPORT_NO_MESSAGES' });
  writeFileSync(join(dir, 'not-supported.json'), '{"x":1}');
  t.throws(() => readRun(dir), { code: 'REPORT_NOT_SUPPORTED_INVALID' });
});

t.test('a run cut off between scenarios: the ones that never started are listed', async (t) => {
  const lines = messageStream(features, { finished: false }).split('\n');
  const secondStart = lines.findIndex(
    (l, i) =>
      l.includes('"testCaseStarted"') && lines.slice(0, i).some((x) => x.includes('"testCaseStarted"')),
  );
  const run = parseMessages(lines.slice(0, secondStart).join('\n'));
  t.equal(run.complete, false);
  t.same(
    run.scenarios.map((s) => s.name),
    ['ok'],
  );
  t.same(run.unfinished, []);
  t.same(run.notStarted, [
    'BGP basic <one> › bad',
    'BGP basic <one> › undefined',
    'L2 › skipped by hook',
    'L2 › l2 ok',
  ]);
  t.same(parseMessages(messageStream(features)).notStarted, [], 'a finished run has none');
});
