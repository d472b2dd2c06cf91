/**
 * `lbconform run --baseline FILE`: the baseline is loaded before the (long) run, so a wrong path fails
 * at once; at the end the run's report is compared with it and the Markdown printed. The run's exit
 * code then says whether it regressed against the baseline (failures the baseline already had do not
 * count; a new failure, a new failing scenario, a cut-off run or a failed run hook do).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compareReports,
  comparisonMarkdown,
  loadReportOrRun,
  regressionReasons,
} from '../../reports/compare.ts';
import type { ConformanceReport } from '../../reports/conformance.ts';

export interface BaselineOutcome {
  regressed: boolean;
  reasons: string[];
  markdown: string;
}

/** Throws REPORT_NOT_FOUND / REPORT_UNREADABLE / REPORT_INVALID / REPORT_NO_MESSAGES. */
export function loadBaseline(path: string): ConformanceReport {
  return loadReportOrRun(path);
}

export function judgeAgainstBaseline(
  baseline: ConformanceReport,
  report: ConformanceReport,
): BaselineOutcome {
  const c = compareReports(baseline, report);
  const reasons = regressionReasons(c);
  return { regressed: reasons.length > 0, reasons, markdown: comparisonMarkdown(c) };
}

/** Prints the comparison, writes it as `comparison.md` in the run folder, returns the exit code. */
export function finishWithBaseline(
  baseline: ConformanceReport,
  report: ConformanceReport | undefined,
  outDir: string,
  out: { write(s: string): unknown },
): number {
  if (!report) {
    out.write('\nbaseline: no report was written, so nothing could be compared: failing\n');
    return 1;
  }
  const o = judgeAgainstBaseline(baseline, report);
  writeFileSync(join(outDir, 'comparison.md'), o.markdown);
  out.write(`\n${o.markdown}\n`);
  out.write(o.regressed ? `baseline: REGRESSED (${o.reasons.join('; ')})\n` : 'baseline: no regression\n');
  return o.regressed ? 1 : 0;
}
