import { loadConfiguration, runCucumber } from '@cucumber/cucumber/api';
import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import { writeAllReports } from '../../reports/commands.ts';
import { reportWarnings, type ConformanceReport } from '../../reports/conformance.ts';
import { finishWithBaseline, loadBaseline } from './baseline.ts';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeTimeouts, resolveTimeouts } from '../timeouts.ts';

/** Systems under test this build can drive (harness/sut/). */
const knownSuts = ['reference', 'reference-frr', 'command'];

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export const runUsage = `usage: lbconform run [--sut reference|reference-frr|command [--sut-start TEMPLATE] [--sut-features bgp,ipv4,...]] [--out DIR] [--tags EXPR] [--timeout name=ms]...
                     [--timeout-scale N] [--consecutive N] [FEATURE_PATH...]

Runs the conformance features against the reference speaker and writes, into DIR (default out/run):
  junit.xml  cucumber.html  messages.ndjson  features/<feature>/<scenario>/ (router dumps, speaker logs)

--sut command runs a vendor speaker in each node namespace from TEMPLATE ({node}, {manifests}, {netns});
scenarios tagged with a feature outside --sut-features are reported NOT_SUPPORTED (not-supported.json).
--implementation-name/--implementation-version/--url/--contact name the implementation in report.yaml;
--deviations FILE records vendor deviations ({deviations: [{scenario: NAME|@tag, reason}]}).
--baseline FILE (a report.json or run folder) compares the run with it at the end and prints the result
  (also DIR/comparison.md); the exit code is then 1 only on a regression: a scenario newly failing, a new
  scenario failing, a run cut off, or a failed run hook. Unreadable FILE: exit 2 before anything runs.

Timeouts (max time a conformant implementation may take):
${describeTimeouts()}`;

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
  let timeouts;
  try {
    timeouts = resolveTimeouts(
      values.timeout ?? [],
      values['timeout-scale'] ? Number(values['timeout-scale']) : 1,
    );
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const consecutive = values.consecutive ? Number(values.consecutive) : 2;
  if (!knownSuts.includes(values.sut!)) {
    io.stderr.write(`unknown --sut "${values.sut}"; available: ${knownSuts.join(', ')}\n`);
    return 2;
  }
  if (values.sut === 'command' && !values['sut-start']) {
    io.stderr.write(`--sut command needs --sut-start 'my-speaker --node {node} --config {manifests}'\n`);
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
  process.env.LBCONFORM_SUT = values.sut;
  if (values['sut-start']) process.env.LBCONFORM_SUT_START = values['sut-start'];
  if (values['sut-features']) process.env.LBCONFORM_SUT_FEATURES = values['sut-features'];
  const started = Date.now();
  mkdirSync(outDir, { recursive: true });
  process.env.LBCONFORM_OUT = resolve(outDir, 'features');

  const { runConfiguration } = await loadConfiguration(
    {
      file: false,
      provided: {
        paths: positionals.length ? positionals : [resolve(repoRoot, 'features/**/*.feature')],
        import: [resolve(repoRoot, 'features/support/**/*.ts'), resolve(repoRoot, 'features/steps/**/*.ts')],
        format: [
          `"file://${resolve(repoRoot, 'harness/run/scenario-lines-formatter.ts')}"`,
          `junit:${resolve(outDir, 'junit.xml')}`,
          `html:${resolve(outDir, 'cucumber.html')}`,
          `message:${resolve(outDir, 'messages.ndjson')}`,
          `summary:${resolve(outDir, 'summary.txt')}`,
        ],
        tags: values.tags ?? '',
        strict: true,
        worldParameters: { outDir: process.env.LBCONFORM_OUT, timeouts, consecutive },
      },
    },
    { cwd: repoRoot },
  );
  const { success } = await runCucumber(runConfiguration, { cwd: repoRoot });
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
  return success ? 0 : 1;
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
      sut: { type: 'string', default: 'reference' },
      'sut-start': { type: 'string' },
      'sut-features': { type: 'string' },
      'implementation-name': { type: 'string' },
      'implementation-version': { type: 'string' },
      url: { type: 'string' },
      contact: { type: 'string' },
      deviations: { type: 'string' },
      baseline: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
