// StrykerJS over the pure core, one folder per run (`npm run mutation:unit`, scripts/stryker-unit.ts sets
// STRYKER_FOLDER). Incremental: mutation/stryker/<folder>.incremental.json is committed so reruns only test
// what changed. Reports go to out/mutation/stryker/<folder>/. Not part of `make test` (too slow for CI).
const FOLDERS = {
  // config/ is two runs (2,700 mutants in one did not finish in a sitting): the YAML reader's mutants are
  // run against its own tests only; the rest against every config test (yaml-fast.test.ts covers fastLoad).
  config: {
    mutate: ['reference/config/*.ts', '!reference/config/yaml-*.ts'],
    tests: ['reference/config/*.test.ts'],
  },
  // yaml-docs.ts is mostly tested through the loader (every error's line), so by every config test too.
  'config-yaml': { mutate: ['reference/config/yaml-*.ts'], tests: ['reference/config/*.test.ts'] },
  model: { mutate: ['reference/model/*.ts'], tests: ['reference/model/*.test.ts'] },
  allocate: { mutate: ['reference/allocate/*.ts'], tests: ['reference/allocate/*.test.ts'] },
  plan: { mutate: ['reference/plan/*.ts'], tests: ['reference/plan/*.test.ts'] },
  'bgp-codec': {
    mutate: ['reference/bgp/{messages,update,packer,route,families,nlri}.ts'],
    tests: ['reference/bgp/{messages,update,update-flags,packer,route,families,nlri}.test.ts'],
  },
};
const folder = process.env.STRYKER_FOLDER ?? 'allocate';
const sel = FOLDERS[folder];
if (!sel) throw new Error(`STRYKER_FOLDER=${folder}: expected one of ${Object.keys(FOLDERS).join(', ')}`);
// STRYKER_TESTS (comma-separated globs) replaces the folder's tests, e.g. to leave out a file being written.
if (process.env.STRYKER_TESTS) sel.tests = process.env.STRYKER_TESTS.split(',');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'tap',
  // No TypeScript checker: on this shared machine it spent 58 of 59 minutes on allocate/ and, in grouped
  // mode, marked 500 of its 513 mutants CompileError. Without it a mutant that would not type-check
  // still runs (tsx strips types) and is killed or survives on behaviour alone.
  checkers: [],
  plugins: ['@stryker-mutator/tap-runner'],
  tap: { testFiles: sel.tests, nodeArgs: ['--import', 'tsx', '-r', '{{hookFile}}', '{{testFile}}'] },
  mutate: [...sel.mutate, '!**/*.test.ts', '!**/test-helpers.ts'],
  coverageAnalysis: 'perTest',
  // STRYKER_CONCURRENCY: more than one test process when the machine is otherwise idle.
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 1),
  incremental: true,
  // STRYKER_FORCE=1 runs every mutant: the tap runner reports whole test files, so Stryker cannot see that
  // a file gained a test and reuses the old survivors of every mutant it covers (incremental scores are
  // lower bounds until a forced run).
  force: process.env.STRYKER_FORCE === '1',
  incrementalFile: `mutation/stryker/${folder}.incremental.json`,
  reporters: ['html', 'json', 'clear-text', 'progress-append-only'],
  htmlReporter: { fileName: `out/mutation/stryker/${folder}/index.html` },
  jsonReporter: { fileName: `out/mutation/stryker/${folder}/report.json` },
  tempDirName: `out/stryker-tmp-${folder}`,
  ignorePatterns: ['out', 'bench', '.tap', 'fixtures/large*'],
  timeoutMS: 20000,
  timeoutFactor: 2,
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 85, break: null },
};
