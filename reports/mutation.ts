/**
 * The pure half of `npm run mutation` (scripts/mutation.ts runs the suite once per fault, in a scratch copy
 * with the fault's patch applied): what each fault's run selects, whether the run caught the fault, and
 * the table that says so.
 */
import { CodedError } from '../common/errors.ts';
import { FAULTS, type FaultInfo } from '../mutation/faults.ts';
import type { ConformanceReport } from './conformance.ts';
import { scenarioKey } from './model.ts';

export interface Selection {
  paths: string[];
  tags?: string;
}

/** The features (and tags) a fault's registry entry names, or the whole suite with `all`. */
export function selectionFor(fault: FaultInfo, all: boolean): Selection {
  if (all) return { paths: [] };
  return { paths: [...fault.features], ...(fault.tags ? { tags: fault.tags } : {}) };
}

/** The union of several selections, for one control run without a fault (tags ORed, paths merged). */
export function unionSelection(sels: Selection[]): Selection {
  if (sels.some((s) => s.paths.length === 0)) return { paths: [] };
  const paths = [...new Set(sels.flatMap((s) => s.paths))].sort();
  // A selection without tags takes its features whole: the union then cannot filter by tag.
  if (sels.some((s) => !s.tags)) return { paths };
  return { paths, tags: [...new Set(sels.map((s) => `(${s.tags})`))].join(' or ') };
}

/**
 * `lbconform run` arguments (run in the scratch copy) for one fault, or the control run when `fault` is
 * undefined; the report names the implementation `reference+fault:NAME`.
 */
export function runArgs(fault: string | undefined, sel: Selection, outDir: string): string[] {
  return [
    'run',
    '--sut',
    'reference',
    '--out',
    outDir,
    ...(fault ? ['--implementation-name', `reference+fault:${fault}`] : []),
    ...(sel.tags ? ['--tags', sel.tags] : []),
    ...sel.paths,
  ];
}

export interface MutationResult {
  fault: string;
  area: string;
  description: string;
  where: string;
  caught: boolean;
  /** Scenarios that failed under the fault (and not in the control run). */
  failing: string[];
  /** Scenarios that failed under the fault but failed without it too: they prove nothing. */
  failingInControl: string[];
  passed: number;
  /** Per failing scenario (same order as `failing`): the step that failed and its message's first line. */
  evidence?: FailureEvidence[];
  /** The run gave no usable report (crash, killed): the fault is not counted as caught. */
  error?: string;
  seconds?: number;
}

export interface FailureEvidence {
  scenario: string;
  step?: string;
  message?: string;
}

/** A message's first non-empty line, cut at 200 characters (the table is for reading). */
function firstLine(message: string | undefined): string | undefined {
  const line = message
    ?.split('\n')
    .map((l) => l.trim())
    .find(Boolean);
  return line && line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

const failedOf = (r: ConformanceReport): string[] =>
  r.timings
    .filter((t) => t.status === 'FAILED')
    .map((t) => scenarioKey({ feature: t.feature, name: t.scenario }));

/** Caught = at least one scenario failed under the fault that did not fail without it. */
export function judgeFault(
  fault: FaultInfo,
  report: ConformanceReport | undefined,
  controlFailed: ReadonlySet<string> = new Set(),
  error?: string,
): MutationResult {
  const base = { fault: fault.name, area: fault.area, description: fault.description, where: fault.where };
  if (!report)
    return {
      ...base,
      caught: false,
      failing: [],
      failingInControl: [],
      passed: 0,
      error: error ?? 'no report',
    };
  const failed = failedOf(report);
  const failing = failed.filter((s) => !controlFailed.has(s));
  const failingSet = new Set(failing);
  const evidence = report.timings
    .filter(
      (t) => t.status === 'FAILED' && failingSet.has(scenarioKey({ feature: t.feature, name: t.scenario })),
    )
    .map((t): FailureEvidence => {
      const e: FailureEvidence = { scenario: scenarioKey({ feature: t.feature, name: t.scenario }) };
      if (t.failedStep !== undefined) e.step = t.failedStep;
      const m = firstLine(t.message);
      if (m !== undefined) e.message = m;
      return e;
    });
  const result: MutationResult = {
    ...base,
    caught: failing.length > 0,
    failing,
    evidence,
    failingInControl: failed.filter((s) => controlFailed.has(s)),
    passed: report.timings.filter((t) => t.status === 'SUCCEEDED').length,
  };
  if (!report.runComplete)
    result.error = `run did not finish (${report.notStartedTests.length} never started)`;
  return result;
}

export function controlFailures(report: ConformanceReport | undefined): Set<string> {
  return new Set(report ? failedOf(report) : []);
}

/** A Markdown table: fault, area, where, caught?, the scenarios that caught it. */
export function mutationTable(results: MutationResult[]): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = results.map((r) => {
    const verdict = r.caught ? 'caught' : r.error ? `NOT CAUGHT (${r.error})` : 'NOT CAUGHT';
    const stepOf = (scenario: string): string => {
      const e = r.evidence?.find((x) => x.scenario === scenario);
      if (!e?.step) return '';
      return ` (failed at "${cell(e.step)}"${e.message ? `: ${cell(e.message)}` : ''})`;
    };
    const failing = r.failing.length ? r.failing.map((s) => `${cell(s)}${stepOf(s)}`).join('<br>') : '—';
    const extra = r.failingInControl.length
      ? `<br>(also failing without the fault: ${r.failingInControl.map(cell).join(', ')})`
      : '';
    return `| ${r.fault} | ${r.area} | ${cell(r.where)} | ${verdict} | ${r.failing.length} failed, ${r.passed} passed${r.seconds !== undefined ? `, ${r.seconds.toFixed(0)} s` : ''} | ${failing}${extra} |`;
  });
  const caught = results.filter((r) => r.caught).length;
  return (
    [
      '| fault | area | where | caught? | scenarios | catching scenarios |',
      '|---|---|---|---|---|---|',
      ...rows,
      '',
      `${caught} of ${results.length} faults caught${
        caught === results.length
          ? ''
          : `; not caught: ${results
              .filter((r) => !r.caught)
              .map((r) => r.fault)
              .join(', ')}`
      }`,
    ].join('\n') + '\n'
  );
}

/** 0 when every fault was caught, else 1. */
export function mutationExitCode(results: MutationResult[]): number {
  return results.length > 0 && results.every((r) => r.caught) ? 0 : 1;
}

/** Faults by name (`--only a,b`), FAULT_UNKNOWN for a name not in the registry. */
export function chooseFaults(only: string | undefined): FaultInfo[] {
  if (!only) return [...FAULTS];
  const names = only
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !FAULTS.some((f) => f.name === n));
  if (unknown.length)
    throw new CodedError(
      'FAULT_UNKNOWN',
      `unknown fault(s) ${unknown.join(', ')}; known: ${FAULTS.map((f) => f.name).join(', ')}`,
    );
  return FAULTS.filter((f) => names.includes(f.name));
}
