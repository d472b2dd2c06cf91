/**
 * `npm run mutation:unit`: StrykerJS over the pure core, one folder at a time (config, model, allocate,
 * plan, bgp-codec, config-yaml), each with concurrency 1 and its committed incremental file, so a rerun only tests
 * mutants whose code or tests changed. Prints the mutation score per folder and writes
 * out/mutation/stryker/scores.md. Not part of `make test`.
 *
 *   npm run mutation:unit -- [folder ...]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mutationScores, scoresTable, type FolderScore } from '../reports/stryker-scores.ts';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const ALL = ['allocate', 'model', 'plan', 'bgp-codec', 'config-yaml', 'config'];

function main(): number {
  const asked = process.argv.slice(2).filter((a) => a !== '--');
  const unknown = asked.filter((a) => !ALL.includes(a));
  if (unknown.length) {
    process.stderr.write(
      `mutation:unit: unknown folder(s) ${unknown.join(', ')}; known: ${ALL.join(', ')}\n`,
    );
    return 2;
  }
  const folders = asked.length ? asked : ALL;
  const scores: FolderScore[] = [];
  let failed = 0;
  for (const folder of folders) {
    process.stdout.write(`== stryker: ${folder}\n`);
    const r = spawnSync(join(repoRoot, 'node_modules/.bin/stryker'), ['run', 'stryker.config.mjs'], {
      cwd: repoRoot,
      stdio: 'inherit',
      env: { ...process.env, STRYKER_FOLDER: folder },
    });
    if (r.status !== 0) {
      // its report.json is from an earlier run: not shown as if it were this one's
      process.stderr.write(`mutation:unit: stryker failed for ${folder} (exit ${r.status ?? r.signal})\n`);
      failed++;
      continue;
    }
    const report = join(repoRoot, 'out/mutation/stryker', folder, 'report.json');
    if (existsSync(report)) scores.push(mutationScores(folder, JSON.parse(readFileSync(report, 'utf8'))));
  }
  const table = scoresTable(scores);
  mkdirSync(join(repoRoot, 'out/mutation/stryker'), { recursive: true });
  writeFileSync(join(repoRoot, 'out/mutation/stryker/scores.md'), `# Stryker mutation scores\n\n${table}`);
  process.stdout.write(`\n${table}`);
  return failed ? 1 : 0;
}

process.exitCode = main();
