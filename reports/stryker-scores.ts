/** The mutation score of one Stryker JSON report (mutation-testing-report-schema), for the per-folder table. */

interface MutantJson {
  status: string;
}
interface ReportJson {
  files: Record<string, { mutants: MutantJson[] }>;
}

export interface FolderScore {
  folder: string;
  killed: number;
  survived: number;
  noCoverage: number;
  timeout: number;
  ignored: number;
  compileErrors: number;
  /** (killed + timeout) / (killed + timeout + survived + noCoverage), in percent. */
  score: number;
}

export function mutationScores(folder: string, report: ReportJson): FolderScore {
  const count = (s: string): number =>
    Object.values(report.files).reduce((n, f) => n + f.mutants.filter((m) => m.status === s).length, 0);
  const killed = count('Killed');
  const timeout = count('Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const detected = killed + timeout;
  const valid = detected + survived + noCoverage;
  return {
    folder,
    killed,
    survived,
    noCoverage,
    timeout,
    ignored: count('Ignored'),
    compileErrors: count('CompileError'),
    score: valid === 0 ? 100 : (100 * detected) / valid,
  };
}

export function scoresTable(scores: FolderScore[]): string {
  const rows = scores.map(
    (s) =>
      `| ${s.folder} | ${s.score.toFixed(1)}% | ${s.killed} | ${s.timeout} | ${s.survived} | ${s.noCoverage} | ${s.ignored} | ${s.compileErrors} |`,
  );
  return `${['| folder | score | killed | timeout | survived | no coverage | ignored | compile errors |', '|---|---|---|---|---|---|---|---|', ...rows].join('\n')}\n`;
}
