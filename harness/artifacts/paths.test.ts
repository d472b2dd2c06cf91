import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeArtifact, writeJsonArtifact } from './paths.ts';

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
