import { FEATURES_DIR, runFile } from '../../common/run-folder.ts';
import {
  loadConfiguration,
  loadSources,
  runCucumber,
  type ISourcesCoordinates,
} from '@cucumber/cucumber/api';
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { defaultParallel, inShard, l2AtOnce, parseShard, type Shard } from './shard.ts';
import { writeAllReports } from '../../reports/commands.ts';
import {
  reportWarnings,
  type ConformanceReport,
  type SystemUnderTestRecord,
} from '../../reports/conformance.ts';
import { referenceSpeaker } from '../sut/reference.ts';
import { referenceFrrSpeaker } from '../sut/reference-frr.ts';
import { finishWithBaseline, loadBaseline } from './baseline.ts';
import { dirname, resolve } from 'node:path';
import { runsCompiled } from '../../common/node-script.ts';
import { fileURLToPath } from 'node:url';
import { defaultConsecutive, describeTimeouts, resolveTimeouts } from '../timeouts.ts';
import { describeCapabilities, parseCapabilities } from '../../common/capabilities.ts';
import { DEFAULT_COMMAND_CAPABILITIES, resolveStartProgram } from '../sut/command.ts';
import { SUT_NAMES, isSutName } from '../sut/registry.ts';
import { loadReportOrRun } from '../../reports/compare.ts';
import { durationsFromTimings } from './longest-first.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** Where this code runs from: the checkout (TypeScript) or dist/ (compiled); support code comes from there too. */
const codeRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const codeExt = runsCompiled ? 'js' : 'ts';

export const runUsage = `usage: lbconform run [--sut ${SUT_NAMES.join('|')} [--sut-start TEMPLATE] [--sut-features bgp,ipv4,...]] [--out DIR] [--tags EXPR] [--timeout name=ms]...
                     [--timeout-scale N] [--consecutive N] [--parallel N] [--shard I/N] [FEATURE_PATH...]

Runs the conformance features against the reference speaker and writes, into DIR (default out/run):
  junit.xml  cucumber.html  messages.ndjson  features/<feature>/<scenario>/ (router dumps, speaker logs)

--sut command runs a vendor speaker in each node namespace from TEMPLATE ({node}, {manifests}, {netns});
scenarios tagged with a feature outside --sut-features are reported NOT_SUPPORTED (not-supported.json).
--implementation-name/--implementation-version/--url/--contact name the implementation in report.yaml;
--deviations FILE records vendor deviations ({deviations: [{scenario: NAME|@tag, reason}]}).
--parallel N runs N scenarios at a time (default: what the machine sustains, ${defaultParallel()} here; 1 = one
  after another), each worker with its own namespace prefix (LBCONFORM_NETNS_PREFIX + worker number),
  routers and temp folder; the reports are one set, as from a serial run.
--order-from FILE (a report.json or run folder; default reports/baselines/reference.json) gives the
  scenario durations a parallel run hands scenarios out by, longest first (a serial run keeps the
  features' order, so a feature's scenarios share its lab).
--shard I/N runs only shard I of N (a scenario's shard is a hash of its feature file and name, stable
  when scenarios come and go); \`lbconform report merge --out DIR SHARD_DIR...\` joins the shards' reports.
--baseline FILE (a report.json or run folder) compares the run with it at the end and prints the result
  (also DIR/comparison.md); the exit code is then 1 only on a regression: a scenario newly failing, a new
  scenario failing, a run cut off, or a failed run hook. Unreadable FILE: exit 2 before anything runs.

Timeouts (max time a conformant implementation may take):
${describeTimeouts()}

Capabilities (--sut-features; an unknown name is an error; "extra" ones gate no scenario, they add checks):
${describeCapabilities()}

Exit: 0 every executed scenario passed, 1 a failure or no scenario executed at all, 2 usage (unknown
capability, --sut-start program not found, bad timeout) before anything runs.`;

export type { CommandIO as Io } from '../../reference/commands/io.ts';
import type { CommandIO as Io } from '../../reference/commands/io.ts';

/** `lbconform run`: one cucumber run, every formatter fed by the same message stream. */
export async function runSuite(args: string[], io: Io): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  let positionals: string[];
  try {
    ({ values, positionals } = parse(args));
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n${runUsage}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(runUsage + '\n');
    return 0;
  }
  const outDir = resolve(values.out ?? 'out/run');
  let timeouts: ReturnType<typeof resolveTimeouts>;
  try {
    timeouts = resolveTimeouts(
      values.timeout ?? [],
      values['timeout-scale'] ? Number(values['timeout-scale']) : 1,
    );
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const consecutive = values.consecutive ? Number(values.consecutive) : defaultConsecutive;
  const parallel = values.parallel === undefined ? defaultParallel() : Number(values.parallel);
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 99) {
    io.stderr.write(
      `--parallel must be a whole number from 1 to 99, got "${values.parallel}"\n${runUsage}\n`,
    );
    return 2;
  }
  let shard: Shard | undefined;
  try {
    l2AtOnce(process.env.LBCONFORM_L2_AT_ONCE); // read by the support code; a bad value stops here
    if (values.shard) shard = parseShard(values.shard);
  } catch (err) {
    io.stderr.write(`lbconform run: ${(err as Error).message}\n`);
    return 2;
  }
  if (!isSutName(values.sut!)) {
    io.stderr.write(`unknown --sut "${values.sut}"; available: ${SUT_NAMES.join(', ')}\n`);
    return 2;
  }
  if (values.sut === 'command' && !values['sut-start']) {
    io.stderr.write(`--sut command needs --sut-start 'my-speaker --node {node} --config {manifests}'\n`);
    return 2;
  }
  if (values.sut !== 'command' && (values['sut-start'] || values['sut-features'])) {
    io.stderr.write(`--sut-start and --sut-features go with --sut command only (got --sut ${values.sut})\n`);
    return 2;
  }
  try {
    if (values['sut-features'] !== undefined) parseCapabilities(values['sut-features']);
    if (values['sut-start']) resolveStartProgram(values['sut-start']);
  } catch (err) {
    const code = (err as { code?: string }).code;
    io.stderr.write(`lbconform run: ${code ? `${code}: ` : ''}${(err as Error).message}\n`);
    return 2;
  }
  let baseline: ConformanceReport | undefined;
  try {
    if (values.baseline) baseline = loadBaseline(values.baseline);
  } catch (err) {
    const code = (err as { code?: string }).code;
    io.stderr.write(`lbconform run: ${code ? `${code}: ` : ''}${(err as Error).message}\n`);
    return 2;
  }
  let durations: Record<string, number> = {};
  if (parallel > 1) {
    const from = values['order-from'] ?? resolve(repoRoot, 'reports/baselines/reference.json');
    try {
      if (values['order-from'] || existsSync(from))
        durations = durationsFromTimings(loadReportOrRun(from).timings);
    } catch (err) {
      const code = (err as { code?: string }).code;
      io.stderr.write(`lbconform run: --order-from: ${code ? `${code}: ` : ''}${(err as Error).message}\n`);
      return 2;
    }
  }
  process.env.LBCONFORM_SUT = values.sut;
  if (values['sut-start']) process.env.LBCONFORM_SUT_START = values['sut-start'];
  const started = Date.now();
  mkdirSync(outDir, { recursive: true });
  const sutRecord: SystemUnderTestRecord = {
    adapter: values.sut!,
    ...(values['sut-start'] ? { startCommand: values['sut-start'] } : {}),
    capabilities:
      values.sut === 'command'
        ? parseCapabilities(values['sut-features'] ?? DEFAULT_COMMAND_CAPABILITIES)
        : [...(values.sut === 'reference-frr' ? referenceFrrSpeaker : referenceSpeaker).features],
    timeouts,
    consecutive,
  };
  writeFileSync(runFile(resolve(outDir), 'sut'), `${JSON.stringify(sutRecord, null, 2)}\n`);
  process.env.LBCONFORM_SUT_FEATURES = sutRecord.capabilities.join(',');
  process.env.LBCONFORM_OUT = resolve(outDir, FEATURES_DIR);

  const { runConfiguration } = await loadConfiguration(
    {
      file: false,
      provided: {
        paths: positionals.length ? positionals : defaultFeatureOrder(resolve(repoRoot, 'features')),
        import: [
          resolve(codeRoot, `features/support/**/*.${codeExt}`),
          resolve(codeRoot, `features/steps/**/*.${codeExt}`),
        ],
        format: [
          `"file://${resolve(codeRoot, `harness/run/scenario-lines-formatter.${codeExt}`)}"`,
          `junit:${runFile(outDir, 'junit')}`,
          `html:${runFile(outDir, 'cucumberHtml')}`,
          `message:${runFile(outDir, 'messages')}`,
          `summary:${runFile(outDir, 'cucumberSummary')}`,
        ],
        tags: values.tags ?? '',
        strict: true,
        worldParameters: { outDir: process.env.LBCONFORM_OUT, timeouts, consecutive },
      },
    },
    { cwd: repoRoot },
  );
  // One worker per scenario at most: a worker costs a process and a namespace run.
  runConfiguration.runtime.parallel = parallel > 1 ? parallel : 0;
  // In parallel, the longest scenarios go first (the run ends with its last worker).
  if (parallel > 1)
    runConfiguration.plugins = {
      specifiers: [`file://${resolve(codeRoot, `harness/run/order-plugin.${codeExt}`)}`],
      options: { lbconformOrder: { durations, workers: parallel } },
    };
  if (shard) await selectShard(runConfiguration.sources, shard, io);
  // Workers write their own not-supported-w<N>.json; a stale one from an earlier run must not count.
  clearNotSupported(outDir);
  const { success } = await runCucumber(runConfiguration, { cwd: repoRoot });
  mergeNotSupported(outDir);
  let reports: string[] = [];
  let report: ConformanceReport | undefined;
  try {
    const implementation = {
      ...(values['implementation-name'] ? { name: values['implementation-name'] } : {}),
      ...(values['implementation-version'] ? { version: values['implementation-version'] } : {}),
      ...(values.url ? { url: values.url } : {}),
      ...(values.contact ? { contact: values.contact } : {}),
    };
    ({ files: reports, report } = await writeAllReports(outDir, {
      adapter: values.sut!,
      tagExpression: values.tags ?? '',
      implementation,
      ...(values.deviations ? { deviationsFile: values.deviations } : {}),
    }));
    for (const w of reportWarnings(report)) io.stderr.write(`warning: ${w}\n`);
  } catch (err) {
    io.stderr.write(`lbconform run: conformance report not written: ${(err as Error).message}\n`);
  }
  io.stdout.write(`\nwall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  io.stdout.write(
    `\nreports: ${outDir}/{junit.xml,cucumber.html,messages.ndjson}${reports.length ? `, ${reports.map((r) => r.slice(outDir.length + 1)).join(', ')}` : ''}\nartifacts: ${outDir}/features/\n`,
  );
  if (baseline) return finishWithBaseline(baseline, report, outDir, io.stdout);
  const executed = report?.timings.filter((t) => t.status === 'SUCCEEDED' || t.status === 'FAILED').length;
  if (executed === 0) {
    const notSupported = report?.timings.filter((t) => t.status === 'NOT_SUPPORTED').length ?? 0;
    io.stderr.write(
      `lbconform run: no scenario was executed (${report?.timings.length ?? 0} selected, ${notSupported} not supported by the declared capabilities): nothing was judged\n`,
    );
    return 1;
  }
  return success ? 0 : 1;
}

/**
 * Every feature, two BGP features first, then layer 2 and BGP features alternating: in a parallel run
 * the workers then mix the timing-sensitive L2 scenarios (membership heartbeats, a process per ARP/NDP
 * check) with BGP ones, and none runs in the first wave, when every worker starts at once. Verdicts
 * never depend on the order.
 */
export function defaultFeatureOrder(dir: string): string[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.feature'))
    .sort();
  const l2 = files.filter((f) => f.startsWith('l2-'));
  const rest = files.filter((f) => !f.startsWith('l2-'));
  const out: string[] = rest.splice(0, 2);
  for (let i = 0; i < Math.max(l2.length, rest.length); i++) {
    if (l2[i]) out.push(l2[i]!);
    if (rest[i]) out.push(rest[i]!);
  }
  return out.map((f) => resolve(dir, f));
}

/** Narrows the run to one shard: its scenarios as `file:line` paths (tags and names already applied). */
async function selectShard(sources: ISourcesCoordinates, shard: Shard, io: Io): Promise<void> {
  const { plan } = await loadSources(sources, { cwd: repoRoot });
  const mine = inShard(plan, shard);
  io.stdout.write(`shard ${shard.index}/${shard.total}: ${mine.length} of ${plan.length} scenarios\n`);
  sources.paths = mine.map((p) => `${p.uri}:${p.location.line}`);
  // No scenario in this shard: a name nothing matches, so the run is empty (not everything).
  if (!mine.length) sources.names = ['^(?!)$'];
}

function clearNotSupported(outDir: string): void {
  for (const f of readdirSync(outDir))
    if (/^not-supported(-w\d+)?\.json$/.test(f)) rmSync(resolve(outDir, f), { force: true });
}

/** Joins the workers' not-supported-w<N>.json into the one not-supported.json the reports read. */
function mergeNotSupported(outDir: string): void {
  const parts = readdirSync(outDir).filter((f) => /^not-supported-w\d+\.json$/.test(f));
  if (!parts.length) return;
  const all = parts.flatMap((f) => JSON.parse(readFileSync(resolve(outDir, f), 'utf8')) as unknown[]);
  writeFileSync(resolve(outDir, 'not-supported.json'), `${JSON.stringify(all, null, 2)}\n`);
  for (const f of parts) rmSync(resolve(outDir, f), { force: true });
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      tags: { type: 'string' },
      timeout: { type: 'string', multiple: true },
      'timeout-scale': { type: 'string' },
      consecutive: { type: 'string' },
      parallel: { type: 'string' },
      shard: { type: 'string' },
      sut: { type: 'string', default: 'reference' },
      'sut-start': { type: 'string' },
      'sut-features': { type: 'string' },
      'implementation-name': { type: 'string' },
      'implementation-version': { type: 'string' },
      url: { type: 'string' },
      contact: { type: 'string' },
      deviations: { type: 'string' },
      baseline: { type: 'string' },
      'order-from': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
