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
  const second = await planner.compute(input); // on the worker (or inline if it is not up yet)
  t.same(first, inline);
  t.same(second, inline);
});
