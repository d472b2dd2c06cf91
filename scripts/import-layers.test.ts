import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ruleCycle, violations } from './import-layers.ts';

const repo = fileURLToPath(new URL('../', import.meta.url));

t.test('imports only go down the folder layers (no folder-level cycle)', async (t) => {
  t.same(violations(repo), [], 'every import follows LAYERS in scripts/import-layers.ts');
  t.equal(ruleCycle(), undefined, 'the layer rules themselves form no cycle');
});

t.test(
  'the check sees an upward import, and lets integration tests use the test infrastructure and tests the scripted peer',
  async (t) => {
    const dir = t.testdir({});
    const file = (path: string, text: string): void => {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    file('netns/x.ts', "import { run } from '../harness/y.ts';\n");
    file('reference/a.ts', "export { b } from './b.ts';\nconst m = await import('../netns/x.ts');\n");
    file('reference/l2/z.integration.test.ts', "import { y } from '../../harness/y.ts';\n");
    file('cli/main.ts', "import '../reference/a.ts';\nimport { y } from '../harness/y.ts';\n");
    file(
      'reference/bgp/s.test.ts',
      "import { ScriptedPeer } from '../../tools/bgp-peer/scripted-peer.ts';\n",
    );
    file('reference/bgp/s.ts', "import { ScriptedPeer } from '../../tools/bgp-peer/scripted-peer.ts';\n");
    t.same(violations(dir).sort(), [
      'netns/x.ts -> harness/y.ts',
      'reference/a.ts -> netns/x.ts',
      'reference/bgp/s.ts -> tools/bgp-peer/scripted-peer.ts',
    ]);
  },
);
