import { readFileSync } from 'node:fs';
import t from 'tap';
import { runTier } from './test-tiers.ts';

const dir = 'scripts/testdata/unit-process';
const files = ['a-passes', 'b-fails', 'c-exits', 'd-after-exit'].map((f) => `${dir}/${f}.fixture.ts`);

t.test(
  'unit files in one shared process: per-file counts, a dying process costs only its file',
  async (t) => {
    const log = `${t.testdir()}/unit.tap`;
    const r = await runTier('unit', { files, jobs: 1, logFile: log });
    const byName = Object.fromEntries(r.files.map((f) => [f.file.slice(dir.length + 1), f]));
    t.match(byName['a-passes.fixture.ts'], { ok: true, pass: 3, fail: 0 });
    t.match(byName['b-fails.fixture.ts'], { ok: false, pass: 1, fail: 1 });
    t.match(byName['c-exits.fixture.ts'], { ok: false, fail: 1 });
    t.match(byName['d-after-exit.fixture.ts'], { ok: true, pass: 1, fail: 0 });
    const tap = readFileSync(log, 'utf8');
    t.match(
      tap,
      /# Subtest: scripts\/testdata\/unit-process\/b-fails\.fixture\.ts[\s\S]*not ok 1 - should be equal/,
    );
    t.match(tap, /the shared test process exited with code \d+ while running this file/);
    t.match(
      tap,
      /# output of scripts\/testdata\/unit-process\/d-after-exit\.fixture\.ts outside TAP:\na line outside TAP/,
    );
  },
);

t.test('--own-process gives the same counts', async (t) => {
  const r = await runTier('unit', { files: [files[0]!, files[1]!], jobs: 1, ownProcess: true });
  t.match(r.files, [
    { ok: true, pass: 3, fail: 0 },
    { ok: false, pass: 1, fail: 1 },
  ]);
});
