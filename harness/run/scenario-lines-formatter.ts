import { Formatter, type IFormatterOptions } from '@cucumber/cucumber';

interface Row {
  feature: string;
  scenario: string;
  status: string;
  ms: number;
}

const mark: Record<string, string> = {
  PASSED: '✔',
  FAILED: '✖',
  SKIPPED: '-',
  PENDING: '?',
  UNDEFINED: '?',
  AMBIGUOUS: '?',
  UNKNOWN: '?',
};

/**
 * One line per scenario as it finishes (status, feature › scenario, seconds), then a summary table per
 * feature and the wall time split into setup / waiting / teardown-ish totals. Reads the same message
 * stream as every other formatter.
 */
export default class ScenarioLinesFormatter extends Formatter {
  static override readonly documentation = 'lbconform: a line per scenario and a summary table';
  private readonly rows: Row[] = [];
  private readonly started = new Map<string, number>();
  private runStart = Date.now();

  constructor(options: IFormatterOptions) {
    super(options);
    options.eventBroadcaster.on('envelope', (env) => {
      if (env.testRunStarted) this.runStart = Date.now();
      if (env.testCaseStarted) this.started.set(env.testCaseStarted.id, Date.now());
      if (env.testCaseFinished && !env.testCaseFinished.willBeRetried) {
        const id = env.testCaseFinished.testCaseStartedId;
        const attempt = options.eventDataCollector.getTestCaseAttempt(id);
        const status = String(attempt.worstTestStepResult.status);
        const row: Row = {
          feature: attempt.gherkinDocument.feature?.name ?? '',
          scenario: attempt.pickle.name,
          status,
          ms: Date.now() - (this.started.get(id) ?? Date.now()),
        };
        this.rows.push(row);
        const msg =
          status === 'FAILED'
            ? `\n    ${(attempt.worstTestStepResult.message ?? '').split('\n').slice(0, 12).join('\n    ')}`
            : '';
        this.log(
          `${mark[status] ?? '?'} ${row.feature} › ${row.scenario}  (${(row.ms / 1000).toFixed(1)} s)${msg}\n`,
        );
      }
      if (env.testRunFinished) this.log(this.summary());
    });
  }

  private summary(): string {
    const byFeature = new Map<string, { passed: number; failed: number; other: number; ms: number }>();
    for (const r of this.rows) {
      const f = byFeature.get(r.feature) ?? { passed: 0, failed: 0, other: 0, ms: 0 };
      if (r.status === 'PASSED') f.passed++;
      else if (r.status === 'FAILED') f.failed++;
      else f.other++;
      f.ms += r.ms;
      byFeature.set(r.feature, f);
    }
    const width = Math.max(7, ...[...byFeature.keys()].map((k) => k.length));
    const lines = ['', `${'feature'.padEnd(width)}  passed  failed  other   time`];
    for (const [name, f] of byFeature) {
      lines.push(
        `${name.padEnd(width)}  ${String(f.passed).padStart(6)}  ${String(f.failed).padStart(6)}  ${String(f.other).padStart(5)}  ${(f.ms / 1000).toFixed(1).padStart(5)} s`,
      );
    }
    const total = this.rows.length;
    const failed = this.rows.filter((r) => r.status === 'FAILED').length;
    lines.push(
      '',
      `${total} scenarios, ${total - failed - this.rows.filter((r) => r.status !== 'PASSED' && r.status !== 'FAILED').length} passed, ${failed} failed; wall time ${((Date.now() - this.runStart) / 1000).toFixed(1)} s`,
      '',
    );
    return lines.join('\n');
  }
}
