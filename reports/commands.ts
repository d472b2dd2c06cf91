/**
 * Report commands: `writeAllReports` (called by `lbconform run` at the end of every run),
 * `lbconform report --run DIR ...` (rewrite a run's reports, e.g. with a vendor's identity and deviations)
 * and `lbconform compare OLD NEW` (re-exported from compare.ts).
 */
import { runFile } from '../common/run-folder.ts';
import { parseArgs } from 'node:util';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  buildConformanceReport,
  loadDeviations,
  reportWarnings,
  writeConformanceReport,
  type ConformanceReport,
  type Implementation,
  type SystemUnderTestRecord,
} from './conformance.ts';
import { readRun } from './model.ts';
import { summaryHtml } from './summary-html.ts';
import type { CommandIO } from '../reference/commands/io.ts';

export { runCompare } from './compare.ts';

export interface WriteReportsOptions {
  implementation?: Partial<Implementation>;
  adapter?: string;
  tagExpression?: string;
  deviationsFile?: string;
  /** For tests: fixed date. */
  now?: Date;
}

/**
 * Reads `runDir/messages.ndjson` (+ `not-supported.json`) and writes `report.json`, `report.yaml` and
 * `summary.html` beside it. Throws REPORT_NO_MESSAGES (no stream), REPORT_DEVIATIONS_INVALID /
 * REPORT_DEVIATIONS_UNREADABLE (bad deviations file), REPORT_NOT_SUPPORTED_INVALID.
 */
export function writeAllReportsSync(
  runDir: string,
  opts: WriteReportsOptions = {},
): { files: string[]; report: ConformanceReport } {
  const run = readRun(runDir);
  // written by `lbconform run` before the features start (harness/run/run-suite.ts)
  const sutFile = runFile(runDir, 'sut');
  const systemUnderTest = existsSync(sutFile)
    ? (JSON.parse(readFileSync(sutFile, 'utf8')) as SystemUnderTestRecord)
    : undefined;
  const report = buildConformanceReport(run, {
    ...(opts.implementation ? { implementation: opts.implementation } : {}),
    ...(opts.adapter !== undefined ? { adapter: opts.adapter } : {}),
    ...(opts.tagExpression !== undefined ? { tagExpression: opts.tagExpression } : {}),
    ...(opts.deviationsFile ? { deviations: loadDeviations(opts.deviationsFile) } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(systemUnderTest ? { systemUnderTest } : {}),
  });
  const files = writeConformanceReport(runDir, report);
  const html = runFile(runDir, 'summaryHtml');
  writeFileSync(html, summaryHtml([{ report, runHref: '' }]));
  files.push(html);
  return { files, report };
}

export async function writeAllReports(
  runDir: string,
  opts: WriteReportsOptions = {},
): Promise<{ files: string[]; report: ConformanceReport }> {
  return writeAllReportsSync(runDir, opts);
}

const reportUsage = `usage: lbconform report --run DIR [--implementation-name N] [--implementation-version V] [--adapter A]
                        [--url U] [--contact C] [--tags EXPR] [--deviations FILE]
  writes DIR/report.json, DIR/report.yaml and DIR/summary.html from DIR/messages.ndjson
  FILE: YAML { deviations: [{ scenario: "<name, 'feature › name' or @tag>", reason: "..." }] }
`;

/** `lbconform report`: 0 written, 1 input unreadable or invalid, 2 usage. */
export async function runReport(args: string[], io: CommandIO): Promise<number> {
  if (args[0] === 'merge') return (await import('./merge.ts')).runReportMerge(args.slice(1), io);
  const config = {
    args,
    allowPositionals: false,
    options: {
      run: { type: 'string' },
      'implementation-name': { type: 'string' },
      'implementation-version': { type: 'string' },
      adapter: { type: 'string' },
      url: { type: 'string' },
      contact: { type: 'string' },
      tags: { type: 'string' },
      deviations: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  } as const;
  let values: ReturnType<typeof parseArgs<typeof config>>['values'];
  try {
    ({ values } = parseArgs(config));
  } catch (err) {
    io.stderr.write(`lbconform report: ${(err as Error).message}\n${reportUsage}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(reportUsage);
    return 0;
  }
  if (!values.run) {
    io.stderr.write(`lbconform report: --run DIR is required\n${reportUsage}`);
    return 2;
  }
  const implementation: Partial<Implementation> = {};
  if (values['implementation-name'] !== undefined) implementation.name = values['implementation-name'];
  if (values['implementation-version'] !== undefined)
    implementation.version = values['implementation-version'];
  if (values.url !== undefined) implementation.url = values.url;
  if (values.contact !== undefined) implementation.contact = values.contact;
  try {
    const { files, report } = writeAllReportsSync(values.run, {
      implementation,
      ...(values.adapter !== undefined ? { adapter: values.adapter } : {}),
      ...(values.tags !== undefined ? { tagExpression: values.tags } : {}),
      ...(values.deviations !== undefined ? { deviationsFile: values.deviations } : {}),
    });
    for (const [p, r] of Object.entries(report.profiles))
      io.stdout.write(
        `${p}: ${r.result} (${r.statistics.passed} passed, ${r.statistics.failed} failed, ${r.statistics.skipped} skipped, ${r.statistics.notSupported} not supported)\n`,
      );
    for (const w of reportWarnings(report)) io.stderr.write(`warning: ${w}\n`);
    io.stdout.write(files.map((f) => `wrote ${f}\n`).join(''));
    return 0;
  } catch (err) {
    const code = (err as { code?: string }).code;
    io.stderr.write(`lbconform report: ${code ? `${code}: ` : ''}${(err as Error).message}\n`);
    return 1;
  }
}
