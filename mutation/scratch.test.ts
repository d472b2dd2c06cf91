import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyFault, makeScratchCopy, removeScratchCopy, revertFault, treeFiles } from './scratch.ts';

t.test('a scratch copy holds the tree and native builds, takes a patch and gives it back', async (t) => {
  const repo = t.testdir({
    reference: { 'x.ts': 'export const a = 1;\n', l2: { native: { build: { 'a.node': 'bin' } } } },
    node_modules: { dep: { 'index.js': '' } },
    '.gitignore': 'node_modules/\nreference/**/native/build/\n',
    'untracked.ts': 'new\n',
  });
  execFileSync('git', ['init', '-q'], { cwd: repo });
  execFileSync('git', ['add', 'reference/x.ts', '.gitignore'], { cwd: repo });
  t.same(
    treeFiles(repo),
    ['.gitignore', 'reference/x.ts', 'untracked.ts'],
    'tracked + untracked, ignored left out',
  );

  const patch = join(repo, 'fault.patch');
  writeFileSync(
    patch,
    [
      '--- a/reference/x.ts',
      '+++ b/reference/x.ts',
      '@@ -1 +1 @@',
      '-export const a = 1;',
      '+export const a = 2;',
      '',
    ].join('\n'),
  );
  mkdirSync(join(repo, 'scratch'));
  const copy = makeScratchCopy(repo, join(repo, 'scratch'));
  t.ok(existsSync(join(copy, 'reference/l2/native/build/a.node')), 'native build copied');
  t.ok(lstatSync(join(copy, 'node_modules')).isSymbolicLink(), 'node_modules linked, not copied');
  applyFault(copy, patch);
  t.equal(readFileSync(join(copy, 'reference/x.ts'), 'utf8'), 'export const a = 2;\n');
  t.equal(
    readFileSync(join(repo, 'reference/x.ts'), 'utf8'),
    'export const a = 1;\n',
    'the checkout untouched',
  );
  revertFault(copy, patch);
  t.equal(readFileSync(join(copy, 'reference/x.ts'), 'utf8'), 'export const a = 1;\n');
  t.throws(
    () => revertFault(copy, patch),
    { code: 'FAULT_PATCH' },
    'reverting twice is an error, not silence',
  );
  removeScratchCopy(copy);
  t.notOk(existsSync(copy));
});
