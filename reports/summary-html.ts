/**
 * The one page a person reads first: per implementation (one column per report) the result of each
 * profile, a scenario × implementation matrix with times, and every failed scenario with its message and
 * a relative link to its artifacts. Self-contained (inline CSS, no script); every value is escaped.
 */
import { PROFILES, type ConformanceReport, type ScenarioTiming } from './conformance.ts';

export interface SummaryColumn {
  report: ConformanceReport;
  /** Path from the HTML file to that run's folder ('' when the HTML sits in the run folder). */
  runHref?: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A relative href: each segment percent-encoded, so data can never become a scheme or leave the attribute. */
function href(base: string, rel: string): string {
  const path = [...base.split('/'), ...rel.split('/')].filter((p) => p !== '');
  return path.map((p) => (p === '..' || p === '.' ? p : encodeURIComponent(p))).join('/') + '/';
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const statusLabel: Record<string, string> = {
  SUCCEEDED: 'passed',
  FAILED: 'failed',
  SKIPPED: 'skipped',
  NOT_SUPPORTED: 'not supported',
};
const key = (t: ScenarioTiming): string => `${t.feature} › ${t.scenario}`;

function columnTitle(r: ConformanceReport): string {
  return `${r.implementation.name} ${r.implementation.version}`.trim() + ` (${r.implementation.adapter})`;
}

export function summaryHtml(columns: SummaryColumn[] | ConformanceReport, title?: string): string {
  const cols: SummaryColumn[] = Array.isArray(columns) ? columns : [{ report: columns }];
  const e = escapeHtml;
  const heading =
    title ??
    (cols.length === 1
      ? `Conformance: ${columnTitle(cols[0]!.report)}`
      : `Conformance: ${cols.length} implementations`);

  const profileHeader = `<tr><th>implementation</th>${PROFILES.map((p) => `<th>${e(p)}</th>`).join('')}<th>suite</th><th>date</th><th>machine</th><th>tags</th></tr>`;
  const profileRows = cols
    .map(({ report: r }) => {
      const cells = PROFILES.map((p) => {
        const pr = r.profiles[p];
        if (!pr) return '<td class="none">not run</td>';
        const s = pr.statistics;
        return `<td class="${pr.result}"><b>${pr.result}</b><br><small>${s.passed} passed · ${s.failed} failed · ${s.skipped} skipped · ${s.notSupported} not supported</small>${
          pr.unsupportedFeatures.length
            ? `<br><small>unsupported: ${e(pr.unsupportedFeatures.join(', '))}</small>`
            : ''
        }</td>`;
      }).join('');
      const m = r.machine;
      return `<tr><th>${e(columnTitle(r))}${r.implementation.url ? `<br><small>${e(r.implementation.url)}</small>` : ''}${r.implementation.contact ? `<br><small>${e(r.implementation.contact)}</small>` : ''}</th>${cells}<td>${e(r.suiteVersion)}</td><td>${e(r.date)}</td><td>${e(`${m.os} ${m.kernel} · node ${m.node} · ${m.arch} × ${m.cpus}`)}</td><td><code>${e(r.tagExpression || '(all)')}</code>${
        r.runComplete
          ? ''
          : `<br><b class="failure">run cut short</b>${r.unfinishedTests.length ? `: ${e(r.unfinishedTests.join(', '))} unfinished` : ''}${(r.notStartedTests ?? []).length ? `; ${r.notStartedTests.length} never started: ${e(r.notStartedTests.join(', '))}` : ''}`
      }</td></tr>`;
    })
    .join('\n');

  // Scenario rows: union over all reports, first-seen order.
  const rows = new Map<string, { feature: string; scenario: string }>();
  for (const { report } of cols)
    for (const t of report.timings)
      if (!rows.has(key(t))) rows.set(key(t), { feature: t.feature, scenario: t.scenario });
  const lookup = cols.map(({ report }) => new Map(report.timings.map((t) => [key(t), t])));
  const matrix = [...rows]
    .map(([k, row]) => {
      const cells = lookup
        .map((m, i) => {
          const t = m.get(k);
          if (!t) return '<td class="none">—</td>';
          const label = statusLabel[t.status] ?? t.status;
          const link =
            t.status === 'FAILED'
              ? ` <a href="${e(href(cols[i]!.runHref ?? '', t.artifacts))}">artifacts</a>`
              : '';
          return `<td class="${e(t.status)}"${t.deviation ? ` title="deviation: ${e(t.deviation)}"` : ''}>${e(label)}${t.deviation ? ' <small>(deviation)</small>' : ''}<br><small>${seconds(t.durationMs)}</small>${link}</td>`;
        })
        .join('');
      return `<tr><td>${e(row.feature)}</td><td>${e(row.scenario)}</td>${cells}</tr>`;
    })
    .join('\n');

  const failures = cols
    .flatMap(({ report, runHref }) =>
      report.timings
        .filter((t) => t.status === 'FAILED')
        .map(
          (t) =>
            `<div class="fail"><h3>${e(t.scenario)} <small>${e(t.feature)}${cols.length > 1 ? ` · ${e(columnTitle(report))}` : ''}</small></h3>${
              t.failedStep ? `<p>step: <code>${e(t.failedStep)}</code></p>` : ''
            }${
              t.deviation ? `<p>deviation: ${e(t.deviation)}</p>` : ''
            }<pre>${e(t.message ?? '(no message)')}</pre><p><a href="${e(href(runHref ?? '', t.artifacts))}">artifacts: ${e(t.artifacts)}/</a></p></div>`,
        ),
    )
    .join('\n');

  const deviations = cols
    .flatMap(({ report }) =>
      report.deviations.map(
        (d) =>
          `<tr>${cols.length > 1 ? `<td>${e(columnTitle(report))}</td>` : ''}<td>${e(d.scenario)}</td><td>${e(d.reason)}</td></tr>`,
      ),
    )
    .join('\n');

  // Slowest first, per report.
  const timings = cols
    .map(({ report }) => {
      const slow = [...report.timings].sort((a, b) => b.durationMs - a.durationMs);
      const total = report.timings.reduce((n, t) => n + t.durationMs, 0);
      return `<h3>${e(columnTitle(report))}: ${seconds(total)} in ${report.timings.length} scenarios</h3><table><tr><th>scenario</th><th>result</th><th>time</th></tr>${slow
        .map(
          (t) =>
            `<tr><td>${e(key(t))}</td><td class="${e(t.status)}">${e(statusLabel[t.status] ?? t.status)}</td><td class="num">${seconds(t.durationMs)}</td></tr>`,
        )
        .join('')}</table>`;
    })
    .join('\n');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${e(heading)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}
.success,.SUCCEEDED{background:#dfd}.partial,.SKIPPED,.NOT_SUPPORTED{background:#ffd}.failure,.FAILED{background:#fdd}.none{color:#999}
.num{text-align:right}pre{white-space:pre-wrap;max-width:70em;background:#f6f6f6;padding:0.5em}.fail{border-left:4px solid #c33;padding-left:1em;margin-bottom:1em}
</style></head><body>
<h1>${e(heading)}</h1>
<h2>Result per profile</h2>
<table>${profileHeader}
${profileRows}</table>
<h2>Scenarios</h2>
<table><tr><th>feature</th><th>scenario</th>${cols.map(({ report }) => `<th>${e(columnTitle(report))}</th>`).join('')}</tr>
${matrix}</table>
${cols.some(({ report }) => report.runHookFailures?.length) ? `<h2>Run hook failures</h2>\n${cols.flatMap(({ report }) => (report.runHookFailures ?? []).map((m) => `<pre class="failure">${e(m)}</pre>`)).join('\n')}` : ''}
<h2>Failed scenarios</h2>
${failures || '<p>none</p>'}
${deviations ? `<h2>Deviations</h2><table><tr>${cols.length > 1 ? '<th>implementation</th>' : ''}<th>scenario</th><th>reason</th></tr>\n${deviations}</table>` : ''}
<h2>Timings</h2>
${timings}
</body></html>
`;
}
