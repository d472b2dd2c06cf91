import t from 'tap';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeContext, SystemUnderTest } from './adapter.ts';
import { SpeakerDriver } from './driver.ts';

function fakeSut(features: string[], calls: string[]): SystemUnderTest {
  return {
    name: 'fake',
    features,
    async start(node: NodeContext) {
      calls.push(`start ${node.name} ${node.netns}`);
      return {
        node: node.name,
        pid: process.pid,
        configChanged: async () => void calls.push(`hup ${node.name}`),
        stop: async () => void calls.push(`stop ${node.name}`),
        kill: async () => void calls.push(`kill ${node.name}`),
      };
    },
  };
}

t.test(
  'the driver owns start, restart, stop and kill; a start makes the next route check wait for sessions',
  async (t) => {
    const calls: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'lbc-driver-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const d = new SpeakerDriver({
      sut: fakeSut(['bgp'], calls),
      netnsOf: async (n) => `ns-${n}`,
      manifestDir: dir,
      scenarioDir: dir,
      l2Secret: 's',
    });
    await d.startAll(['A', 'B']);
    t.ok(d.sessionsPending);
    t.ok(d.has('A'));
    await t.rejects(d.start('A'), { code: 'DRIVER_ALREADY_RUNNING' });
    await d.configChanged();
    await d.restart('A', 'kill');
    await d.stop('B');
    await t.rejects(d.kill('B'), { code: 'DRIVER_NOT_RUNNING' });
    t.same(calls, ['start A ns-A', 'start B ns-B', 'hup A', 'hup B', 'kill A', 'start A ns-A', 'stop B']);
    t.same([...d.running.keys()], ['A']);
    t.same(await d.stopAll(), []);
    t.equal(d.running.size, 0);
  },
);

t.test('events: read only when their capability is declared, from the speaker output', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lbc-driver-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const ctx = { netnsOf: async (n: string) => n, manifestDir: dir, scenarioDir: dir, l2Secret: 's' };
  const without = new SpeakerDriver({ ...ctx, sut: fakeSut(['bgp'], []) });
  t.throws(() => without.events('A', 'config.rejected'), { code: 'DRIVER_UNDECLARED' });
  await t.rejects(without.l2Status('A'), { code: 'DRIVER_UNDECLARED' });
  const withEvents = new SpeakerDriver({ ...ctx, sut: fakeSut(['bgp', 'config-events'], []) });
  appendFileSync(
    withEvents.logFile('A'),
    '{"ts":"2026-12-04T00:00:00Z","event":"config.applied"}\nnoise\n{"ts":"2026-12-04T00:00:02Z","event":"config.rejected","errors":[{"code":"POOL_OVERLAP"}]}\n',
  );
  t.equal(withEvents.events('A', 'config.rejected').length, 1);
  t.equal(withEvents.events('A', 'config.applied', Date.parse('2026-12-04T00:00:01Z')).length, 0, 'since');
  const e = await withEvents.waitForEvent(
    'A',
    'config.rejected',
    (x) => JSON.stringify(x).includes('POOL_OVERLAP'),
    100,
    'x',
  );
  t.equal(e.event, 'config.rejected');
  await t.rejects(
    withEvents.waitForEvent('A', 'config.rejected', () => false, 100, 'never'),
    {
      message: /1 config.rejected event\(s\), none matching/,
    },
  );
});
