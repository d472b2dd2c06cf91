import t from 'tap';
import { buildConformanceReport, type Machine } from './conformance.ts';
import { parseMessages } from './model.ts';
import { escapeHtml, summaryHtml } from './summary-html.ts';
import { messageStream, type FakeFeature } from './testdata/stream.ts';

const machine: Machine = { os: 'Linux', kernel: '6.1.0', node: 'v20.20.2', arch: 'x64', cpus: 4 };
const now = new Date('2026-01-02T03:04:05Z');
const hostile = '<script>alert("x")</script>';
const features: FakeFeature[] = [
  {
    name: 'BGP & <friends>',
    uri: 'features/bgp.feature',
    scenarios: [
      {
        name: hostile,
        tags: ['@bgp'],
        steps: ['FAILED'],
        message: '<img src=x onerror=alert(1)> missing 203.0.113.1/32',
      },
      { name: 'fine', tags: ['@bgp'], steps: ['PASSED'], seconds: 12.3 },
    ],
  },
];

t.test('one report: profiles, matrix, timings, failures with links; everything escaped', async (t) => {
  const r = buildConformanceReport(parseMessages(messageStream(features)), {
    suiteVersion: '0.1.0',
    now,
    machine,
    implementation: { name: 'acme <b>', url: 'javascript:alert(1)" x="' },
    deviations: [{ scenario: 'fine', reason: '<i>slow</i> on purpose' }],
  });
  const html = summaryHtml(r);
  t.notMatch(html, /<script/i, 'no script element, not even from a scenario name');
  t.notMatch(html, /<img/i);
  t.notMatch(html, /acme <b>|<i>slow/);
  t.notMatch(html, /x="/, 'attribute values cannot be broken out of');
  t.match(html, escapeHtml(hostile));
  t.match(html, 'BGP &#38; &#60;friends&#62;');
  t.match(html, /<td class="failure"><b>failure<\/b>/);
  t.match(html, /not run/, 'l2 has no scenario in this run');
  t.match(html, /12\.3 s/);
  t.match(html, '&#60;i&#62;slow&#60;/i&#62; on purpose');
  const link = /<a href="([^"]*)">artifacts: /.exec(html)?.[1];
  t.ok(link, 'a failed scenario links to its artifacts');
  t.match(link!, /^features\/BGP-friends\/script-alert-x-script-ab00cd\/$/);
  t.notMatch(html, /<script|<link|<iframe| src="/i, 'self-contained: no external resources');
});

t.test('several reports: one column each, links relative to each run', async (t) => {
  const a = buildConformanceReport(parseMessages(messageStream(features)), {
    suiteVersion: '0.1.0',
    now,
    machine,
  });
  const b = buildConformanceReport(
    parseMessages(
      messageStream([
        {
          ...features[0]!,
          scenarios: [
            { ...features[0]!.scenarios[0]!, steps: ['PASSED'] },
            { name: 'only in b', tags: ['@bgp'], steps: ['PASSED'] },
          ],
        },
      ]),
    ),
    {
      suiteVersion: '0.1.0',
      now,
      machine,
      adapter: 'command',
      implementation: { name: 'vendor' },
    },
  );
  const html = summaryHtml(
    [
      { report: a, runHref: 'runs/ref' },
      { report: b, runHref: '../vendor run' },
    ],
    'Compare',
  );
  t.match(html, /<title>Compare<\/title>/);
  t.match(
    html,
    /<th>lbconform reference speaker 0\.1\.0 \(reference\)<\/th><th>vendor unknown \(command\)<\/th>/,
  );
  const onlyB = /<tr><td>[^<]*<\/td><td>only in b<\/td>(.*?)<\/tr>/.exec(html)?.[1];
  t.match(onlyB!, /^<td class="none">—<\/td><td class="SUCCEEDED">/, 'missing in one report shows as a dash');
  t.match(html, 'href="runs/ref/features/BGP-friends/');
});
