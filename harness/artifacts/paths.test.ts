import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { scenarioDir, slug, writeArtifact, writeJsonArtifact } from './paths.ts';

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
    const dir = scenarioDir(out, f, s);
    t.ok(existsSync(dir));
    const rel = relative(out, dir);
    t.ok(!rel.startsWith('..') && rel.split('/').length === 2, `${f} / ${s} -> ${rel}`);
  }
});

t.test('writeArtifact writes text and JSON, refuses names with path syntax', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'lbct-art-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const dir = join(out, 'routers', 'tor');
  t.equal(readFileSync(writeArtifact(dir, 'running-config.txt', 'hostname tor\n'), 'utf8'), 'hostname tor\n');
  t.same(JSON.parse(readFileSync(writeArtifact(dir, 'rib.json', { routes: {} }), 'utf8')), { routes: {} });
  t.equal(readFileSync(writeJsonArtifact(dir, 's.json', 'x'), 'utf8'), '"x"\n');
  t.equal(readFileSync(writeJsonArtifact(dir, 'n.json', { n: 10n }), 'utf8'), '{\n  "n": "10"\n}\n');
  for (const bad of ['../x', 'a/b', '.', '..', '', '.hidden'])
    t.throws(() => writeArtifact(dir, bad, ''), { code: 'ARTIFACT_NAME_INVALID' }, bad);
});
