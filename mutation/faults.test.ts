import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FAULTS, faultPatch } from './faults.ts';
import { applyFault, treeFiles } from './scratch.ts';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const patchDir = fileURLToPath(new URL('./faults/', import.meta.url));

t.test('every fault has a patch, every patch a registry entry, names unique', async (t) => {
  const patches = readdirSync(patchDir)
    .filter((f) => f.endsWith('.patch'))
    .map((f) => f.replace(/\.patch$/, ''))
    .sort();
  t.same(patches, FAULTS.map((f) => f.name).sort());
  t.equal(new Set(FAULTS.map((f) => f.name)).size, FAULTS.length);
  t.ok(FAULTS.length >= 30, `${FAULTS.length} faults`);
});

t.test(
  'every patch still applies to the tree and changes reference/ only (no fault hooks in production code)',
  async (t) => {
    for (const f of FAULTS) {
      const patch = faultPatch(f.name);
      t.doesNotThrow(() => applyFault(repoRoot, patch, { check: true }), `${f.name} applies`);
      const touched = [...readFileSync(patch, 'utf8').matchAll(/^\+\+\+ b\/(\S+)/gm)].map((m) => m[1]!);
      t.ok(touched.length > 0, `${f.name} changes something`);
      for (const file of touched) t.match(file, /^reference\//, `${f.name} changes ${file}`);
      t.ok(f.features.length > 0, `${f.name} names the features that catch it`);
    }
  },
);

t.test('production code carries no fault switch', async (t) => {
  const offenders = treeFiles(repoRoot).filter(
    (f) =>
      f.startsWith('reference/') &&
      f.endsWith('.ts') &&
      /activeFault|LBCONFORM_FAULT/.test(readFileSync(`${repoRoot}${f}`, 'utf8')),
  );
  t.same(offenders, []);
});
