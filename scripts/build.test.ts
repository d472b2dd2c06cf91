import t from 'tap';
import { rewriteAssetUrls, runtimeSources } from './build.ts';
import { packageJsonForPack } from './pack.ts';
import { fileURLToPath } from 'node:url';

t.test('asset URLs point from dist/ back into the package; .ts scripts become their .js twin', async (t) => {
  const src = [
    "new URL('./native/build/x.node', import.meta.url)",
    "new URL('../../fixtures/invalid/', import.meta.url)",
    "new URL('./worker.ts', import.meta.url)",
    "createRequire(import.meta.url)('./native/build/bgp_socket.node')",
    "import { a } from './a.ts';",
  ].join('\n');
  const out = rewriteAssetUrls(src, 'reference/bgp/tcp-socket.ts').split('\n');
  t.equal(out[0], "new URL('../../../reference/bgp/native/build/x.node', import.meta.url)");
  t.equal(out[1], "new URL('../../../fixtures/invalid/', import.meta.url)");
  t.equal(out[2], "new URL('./worker.js', import.meta.url)");
  t.equal(out[3], "createRequire(import.meta.url)('../../../reference/bgp/native/build/bgp_socket.node')");
  t.equal(out[4], "import { a } from './a.ts';", 'imports are the resolver plugin’s job');
});

t.test('runtime sources: the CLI and the steps, never tests or testdata', async (t) => {
  const files = runtimeSources(fileURLToPath(new URL('../', import.meta.url)));
  t.ok(files.includes('cli/main.ts'));
  t.ok(files.includes('features/support/hooks.ts'));
  t.notOk(files.some((f) => f.endsWith('.test.ts') || f.includes('/testdata/')));
});

t.test('the packed package.json: cucumber becomes a runtime dependency, tools and scripts go', async (t) => {
  const pkg = packageJsonForPack(
    {
      name: 'lbconform',
      version: '1.0.0',
      private: true,
      scripts: { x: 'y' },
      dependencies: { yaml: '^2' },
      devDependencies: { tsx: '^4', '@cucumber/cucumber': '~12' },
    },
    () => '9.9.9',
  );
  t.same(pkg.dependencies?.yaml, '^2');
  t.equal(pkg.dependencies?.['@cucumber/cucumber'], '9.9.9');
  t.equal(pkg.devDependencies, undefined);
  t.equal(pkg.scripts, undefined);
  t.equal(pkg.private, undefined);
});
