import t from 'tap';
import {
  benchPageHtml,
  changeSeries,
  convergenceSeries,
  lineChartSvg,
  markdownTablesHtml,
  rssSeries,
} from './plot-html.ts';
import type { ConvergenceResult } from './convergence.ts';

const result: ConvergenceResult = {
  machine: 'test',
  date: '2026-11-29',
  sizes: [
    {
      services: 1000,
      routes: 1001,
      reference: { startMs: 900 } as never,
      gobgp: { startMs: 700, how: 'x' },
      errors: [],
    },
    {
      services: 10000,
      routes: 10001,
      reference: { startMs: 2000 } as never,
      gobgp: { startMs: 2300, how: 'x' },
      bird: { startMs: 1200, how: 'y' },
      errors: [],
    },
  ],
};

t.test('one series per implementation that has figures, points in route order', async (t) => {
  const s = convergenceSeries(result);
  t.same(
    s.map((x) => x.name),
    ['reference', 'GoBGP', 'BIRD'],
  );
  t.same(s[0]!.points, [
    { x: 1001, y: 900 },
    { x: 10001, y: 2000 },
  ]);
});

t.test('the chart has a line and a labelled point per figure, and escapes names', async (t) => {
  const svg = lineChartSvg(
    [
      {
        name: '<x>',
        color: '#000',
        points: [
          { x: 10, y: 100 },
          { x: 1000, y: 2000 },
        ],
      },
    ],
    'T',
  );
  t.equal(svg.match(/<polyline/g)?.length, 1);
  t.equal(svg.match(/<circle/g)?.length, 2);
  t.match(svg, /&#60;x&#62;: 1000 routes announced, 2000 ms/);
  t.notMatch(svg, /<x>/);
});

t.test('markdown tables become HTML tables; the page holds chart and tables', async (t) => {
  const html = markdownTablesHtml('## A\n\n| a | b |\n|---|---|\n| 1 | 2 |\n');
  t.match(html, /<h2>A<\/h2>/);
  t.match(html, /<th>a<\/th><th>b<\/th>/);
  t.match(html, /<td>1<\/td><td>2<\/td>/);
  const page = benchPageHtml({ machine: 'm', date: 'd', convergence: result }, '| a |\n|---|\n| 1 |');
  t.equal(page.match(/<svg/g)?.length, 1, 'the convergence chart');
  t.equal(page.match(/No figures for/g)?.length, 2, 'single changes and RSS: no figures in this result');
  t.match(page, /<table>/);
});

t.test('single-change medians per kind and RSS per daemon, by Services', async (t) => {
  const change = (m: number) => ({ samplesMs: [m], medianMs: m, maxMs: m });
  const r: ConvergenceResult = {
    machine: 'm',
    date: 'd',
    sizes: [
      {
        services: 50000,
        routes: 50001,
        reference: {
          startMs: 1,
          add: change(40),
          change: change(45),
          delete: change(0.4),
          cost: { peakRssMb: 300, cpuS: 1 },
        } as never,
        gobgp: { startMs: 1, how: 'x', cost: { peakRssMb: 150, cpuS: 1 } as never },
        errors: [],
      },
    ],
  };
  t.same(
    changeSeries(r).map((s) => [s.name, s.points]),
    [
      ['one Service added', [{ x: 50000, y: 40 }]],
      ['its IP changed', [{ x: 50000, y: 45 }]],
      ['deleted', [{ x: 50000, y: 1 }]],
    ],
    'below 1 ms is drawn at 1 ms (log scale)',
  );
  t.same(
    rssSeries(r).map((s) => [s.name, s.points]),
    [
      ['reference', [{ x: 50000, y: 300 }]],
      ['GoBGP', [{ x: 50000, y: 150 }]],
    ],
  );
  t.match(lineChartSvg(rssSeries(r), 'R', { x: 'Services', y: 'RSS', unit: 'MB' }), /300 MB/);
});
