/**
 * The benchmark figures as a page a person reads: convergence time against the number of routes for
 * each implementation (log-log, inline SVG, no scripts or external assets), then the tables. Pure: it
 * takes run-all's results and returns HTML.
 */
import type { ConvergenceResult } from './convergence.ts';

export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number }[];
}

const IMPLS: { key: 'reference' | 'gobgp' | 'bird' | 'frr'; name: string; color: string }[] = [
  { key: 'reference', name: 'reference', color: '#d62728' },
  { key: 'gobgp', name: 'GoBGP', color: '#1f77b4' },
  { key: 'bird', name: 'BIRD', color: '#2ca02c' },
  { key: 'frr', name: 'FRR', color: '#9467bd' },
];

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Start -> all routes at the monitor, per implementation, as plottable series. */
export function convergenceSeries(r: ConvergenceResult): Series[] {
  return IMPLS.map(({ key, name, color }) => ({
    name,
    color,
    points: r.sizes.flatMap((s) =>
      s[key]?.startMs !== undefined ? [{ x: s.routes, y: s[key]!.startMs }] : [],
    ),
  })).filter((s) => s.points.length > 0);
}

/**
 * The reference's single-Service changes at each size (median of the rounds), one series per kind of
 * change, and the RSS of the reference and gobgpd side by side (y in MB).
 */
export function changeSeries(r: ConvergenceResult): Series[] {
  const kinds = [
    { key: 'add', name: 'one Service added', color: '#d62728' },
    { key: 'change', name: 'its IP changed', color: '#ff7f0e' },
    { key: 'delete', name: 'deleted', color: '#8c564b' },
  ] as const;
  return kinds
    .map(({ key, name, color }) => ({
      name,
      color,
      points: r.sizes.flatMap((s) => {
        const f = s.reference?.[key];
        return f && Number.isFinite(f.medianMs) ? [{ x: s.services, y: Math.max(1, f.medianMs) }] : [];
      }),
    }))
    .filter((s) => s.points.length > 0);
}

export function rssSeries(r: ConvergenceResult): Series[] {
  return IMPLS.map(({ key, name, color }) => ({
    name,
    color,
    points: r.sizes.flatMap((s) => {
      const mb = s[key]?.cost?.peakRssMb;
      return mb !== undefined ? [{ x: s.services, y: mb }] : [];
    }),
  })).filter((s) => s.points.length > 0);
}

export interface Axes {
  x: string;
  y: string;
  /** Unit of y: `ms` (labels in ms / s) or `MB`. */
  unit: 'ms' | 'MB';
}

const CONVERGENCE_AXES: Axes = { x: 'routes announced', y: 'start to all routes at the peer', unit: 'ms' };

/** A log-log line chart of the series. */
export function lineChartSvg(
  series: Series[],
  title: string,
  axes: Axes = CONVERGENCE_AXES,
  w = 640,
  h = 400,
): string {
  const pad = { l: 70, r: 130, t: 30, b: 50 };
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return `<p>No figures for ${esc(title)}.</p>`;
  const lg = Math.log10;
  const x0 = Math.floor(lg(Math.min(...all.map((p) => p.x))));
  const x1 = Math.ceil(lg(Math.max(...all.map((p) => p.x))) + 1e-9);
  const y0 = Math.floor(lg(Math.min(...all.map((p) => p.y))));
  const y1 = Math.ceil(lg(Math.max(...all.map((p) => p.y))) + 1e-9);
  const sx = (x: number): number => pad.l + ((lg(x) - x0) / Math.max(1, x1 - x0)) * (w - pad.l - pad.r);
  const sy = (y: number): number => h - pad.b - ((lg(y) - y0) / Math.max(1, y1 - y0)) * (h - pad.t - pad.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="${esc(title)}" font-family="sans-serif" font-size="12">`,
  ];
  parts.push(`<text x="${w / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
  for (let e = x0; e <= x1; e++) {
    const x = sx(10 ** e);
    parts.push(
      `<line x1="${x}" y1="${pad.t}" x2="${x}" y2="${h - pad.b}" stroke="#ddd"/><text x="${x}" y="${h - pad.b + 16}" text-anchor="middle">${(10 ** e).toLocaleString('en')}</text>`,
    );
  }
  for (let e = y0; e <= y1; e++) {
    const y = sy(10 ** e);
    const label =
      axes.unit === 'MB' ? `${10 ** e} MB` : 10 ** e >= 1000 ? `${10 ** e / 1000} s` : `${10 ** e} ms`;
    parts.push(
      `<line x1="${pad.l}" y1="${y}" x2="${w - pad.r}" y2="${y}" stroke="#ddd"/><text x="${pad.l - 6}" y="${y + 4}" text-anchor="end">${label}</text>`,
    );
  }
  parts.push(`<text x="${(pad.l + w - pad.r) / 2}" y="${h - 12}" text-anchor="middle">${esc(axes.x)}</text>`);
  parts.push(
    `<text x="16" y="${(pad.t + h - pad.b) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(pad.t + h - pad.b) / 2})">${esc(axes.y)}</text>`,
  );
  series.forEach((s, i) => {
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    parts.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const p of pts)
      parts.push(
        `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="4" fill="${s.color}"><title>${esc(s.name)}: ${p.x} ${esc(axes.x)}, ${Math.round(p.y)} ${axes.unit}</title></circle>`,
      );
    const ly = pad.t + 10 + i * 18;
    parts.push(
      `<rect x="${w - pad.r + 12}" y="${ly - 9}" width="12" height="12" fill="${s.color}"/><text x="${w - pad.r + 30}" y="${ly + 1}">${esc(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Minimal Markdown (headings, paragraphs, pipe tables, bullet lists) to HTML, for the tables below the plot. */
export function markdownTablesHtml(md: string): string {
  const out: string[] = [];
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('|')) {
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.startsWith('|'))
        rows.push(
          lines[i++]!.split('|')
            .slice(1, -1)
            .map((c) => c.trim()),
        );
      i--;
      const [head, , ...body] = rows;
      out.push(
        `<table><thead><tr>${head!.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${body.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`,
      );
    } else if (/^#+ /.test(line)) {
      const level = Math.min(6, line.indexOf(' '));
      out.push(`<h${level}>${esc(line.replace(/^#+ /, ''))}</h${level}>`);
    } else if (line.startsWith('- ')) out.push(`<li>${esc(line.slice(2))}</li>`);
    else if (line.trim()) out.push(`<p>${esc(line)}</p>`);
  }
  return out.join('\n');
}

export function benchPageHtml(
  results: { machine: string; date: string; convergence?: ConvergenceResult },
  markdown: string,
): string {
  const c = results.convergence;
  const chart = c
    ? [
        lineChartSvg(convergenceSeries(c), 'Convergence: speaker start to every route at an FRR peer'),
        lineChartSvg(changeSeries(c), 'The reference: one Service changed, to the router (median)', {
          x: 'Services',
          y: 'manifest written to seen at the peer',
          unit: 'ms',
        }),
        lineChartSvg(rssSeries(c), 'Peak RSS of the announcing daemon at convergence', {
          x: 'Services',
          y: 'peak RSS (VmHWM)',
          unit: 'MB',
        }),
      ].join('\n')
    : '<p>No convergence run (needs root).</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lbconform benchmarks</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}</style>
</head><body>
<h1>lbconform benchmarks</h1>
<p>${esc(results.machine)}; ${esc(results.date)}</p>
${chart}
${markdownTablesHtml(markdown)}
</body></html>
`;
}
