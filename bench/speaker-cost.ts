/**
 * Speaker cost (`npm run bench:speaker-cost [-- --full]`): peak RSS (VmHWM) and CPU seconds (utime+stime)
 * of the reference speaker at 10k Service routes (and 50k with --full), next to gobgpd's, bird's and FRR
 * bgpd's announcing the same routes to the same FRR monitor. It is the convergence benchmark at those sizes
 * (the cost is read from /proc when the last route arrives); run-all.ts takes the same table from its
 * convergence run instead of running twice.
 */
import { parseArgs } from 'node:util';
import { convergenceBench, costMarkdown } from './convergence.ts';
import { writeOut } from './lib.ts';

const { values } = parseArgs({
  options: { full: { type: 'boolean', default: false }, sizes: { type: 'string' } },
});
const sizes = values.sizes ? values.sizes.split(',').map(Number) : values.full ? [10_000, 50_000] : [10_000];
const r = await convergenceBench(sizes, undefined, 1); // the cost, not the change latency
const md = costMarkdown(r);
process.stdout.write(`\n${md}\n`);
writeOut(
  'speaker-cost.json',
  JSON.stringify(
    r.sizes.map((s) => ({
      services: s.services,
      reference: s.reference?.cost,
      referenceAfterReloads: s.reference?.costAtEnd,
      gobgpd: s.gobgp?.cost,
      bird: s.bird?.cost,
      frrBgpd: s.frr?.cost,
    })),
    null,
    2,
  ) + '\n',
);
writeOut('speaker-cost.md', md + '\n');
