import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DesiredStateSource } from './desired-state.ts';
import { PlannerThread } from './planner-thread.ts';
import { silentLogger } from '../../common/log.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/doc/', import.meta.url));

function manifestDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'lbconform-desired-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'S1.yaml'), readFileSync(join(fixtures, 'S1.yaml')));
  writeFileSync(join(dir, 'S1.cluster.yaml'), readFileSync(join(fixtures, 'S1.cluster.yaml')));
  return dir;
}

t.test('the same files and alive set are "unchanged"; any edit or liveness change is not', async (t) => {
  const dir = manifestDir(t);
  const source = new DesiredStateSource();
  const input = { node: 'NodeA', paths: [dir], namespace: 'metallb-system' };
  const first = await source.compute(input);
  t.ok(first !== 'unchanged' && first.ok, 'first computation');
  t.equal(await source.compute(input), 'unchanged');
  writeFileSync(join(dir, 'S1.yaml'), readFileSync(join(dir, 'S1.yaml'), 'utf8') + '\n# a comment\n');
  t.not(await source.compute(input), 'unchanged', 'an edit, even a comment, is read again');
  t.not(await source.compute({ ...input, alive: ['NodeA'] }), 'unchanged', 'a liveness change');
});

t.test('the planner thread computes what the main thread computes', async (t) => {
  const dir = manifestDir(t);
  const planner = new PlannerThread(silentLogger);
  t.teardown(() => planner.close());
  const input = { node: 'NodeA', paths: [dir], namespace: 'metallb-system' };
  const inline = await new DesiredStateSource().compute(input);
  const first = await planner.compute(input); // on the main thread; starts the worker
  writeFileSync(join(dir, 'S1.yaml'), readFileSync(join(dir, 'S1.yaml'), 'utf8') + '\n# edit\n');
  const second = await planner.compute(input); // on the worker, started after the first
  t.same(first, inline);
  t.same(second, inline);
  t.same(planner.computed, { here: 1, onThread: 1 }, 'the first here, the reload on the thread');
});

t.test('a reload parses only the files that changed; the result is the same as a fresh load', async (t) => {
  const dir = manifestDir(t);
  const { ParsedDocsCache } = await import('../config/yaml-fast.ts');
  const { readManifests } = await import('../config/load.ts');
  const { desiredStateFromTexts } = await import('./desired-state.ts');
  const input = { node: 'NodeA', paths: [dir], namespace: 'metallb-system' };
  const cache = new ParsedDocsCache();
  const read = async () => readManifests([dir]);
  let r = await read();
  desiredStateFromTexts(input, r.texts, r.errors, cache);
  t.equal(cache.hits, 0);
  writeFileSync(join(dir, 'S1.yaml'), readFileSync(join(dir, 'S1.yaml'), 'utf8') + '\n# edit\n');
  r = await read();
  const cached = desiredStateFromTexts(input, r.texts, r.errors, cache);
  t.equal(cache.hits, 1, 'the unchanged cluster file came from the cache');
  t.same(cached, desiredStateFromTexts(input, r.texts, r.errors), 'same as without a cache');
  desiredStateFromTexts(input, r.texts, r.errors, cache);
  t.equal(cache.hits, 3, 'both files cached after a load that used them');
});

t.test('cached documents are frozen: a write into a shared value throws instead of leaking', async (t) => {
  const { ParsedDocsCache } = await import('../config/yaml-fast.ts');
  const docs = new ParsedDocsCache().parse('a: {b: [1, {c: 2}]}\n')!;
  const v = docs[0]!.value as { a: { b: [number, { c: number }] } };
  t.throws(() => {
    v.a.b[1].c = 3;
  }, TypeError);
});

t.test("the desired state carries this node's ServiceBGPStatus view (speaker --status)", async (t) => {
  const dir = manifestDir(t);
  const state = await new DesiredStateSource().compute({
    node: 'NodeA',
    paths: [dir],
    namespace: 'metallb-system',
  });
  if (state === 'unchanged' || !state.ok) throw new Error('expected a desired state');
  t.ok(state.services!.bgp.length > 0, 'at least one Service announced from NodeA');
  t.ok(
    state.services!.bgp.every((s) => s.node === 'NodeA' && s.peers.length > 0),
    "only NodeA's objects, each with the peers it announces to",
  );
});
