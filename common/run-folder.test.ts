import t from 'tap';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { RUN_FILES, runFile, scenarioDir, scenarioFolder, slug } from './run-folder.ts';

t.test('slug keeps readable names and drops path syntax', async (t) => {
  t.equal(slug('S1 · Basic BGP advertisement (doc 27.2.2)'), 'S1-Basic-BGP-advertisement-doc-27.2.2');
  t.equal(slug('../../etc/passwd'), 'etc-passwd');
  t.equal(slug('..'), 'unnamed');
  t.equal(slug('.hidden'), 'hidden');
  t.equal(slug('///'), 'unnamed');
  t.equal(slug(''), 'unnamed');
  t.equal(slug('café ünïcode'), 'cafe-unicode', 'accents dropped');
  t.equal(slug('a'.repeat(149) + ' b'), 'a'.repeat(149), 'cut at 150 without a trailing dash');
});

t.test('scenarioDir stays inside outDir whatever the names', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'lbct-art-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  for (const [f, s] of [
    ['..', '..'],
    ['../x', '/etc'],
    ['bgp-basic', 'iBGP: routes (1/2)'],
  ] as const) {
    const dir = scenarioDir(out, f, s, 'abcdef0123');
    t.ok(existsSync(dir));
    const rel = relative(out, dir);
    t.ok(!rel.startsWith('..') && rel.split('/').length === 2, `${f} / ${s} -> ${rel}`);
    t.equal(`features/${rel}`, scenarioFolder(f, s, 'abcdef0123'), 'reports link the folder the hooks write');
  }
});

t.test('run files: one name each', async (t) => {
  t.equal(runFile('/r', 'messages'), '/r/messages.ndjson');
  t.equal(new Set(Object.values(RUN_FILES)).size, Object.keys(RUN_FILES).length);
});
