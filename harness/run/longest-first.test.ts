import t from 'tap';
import { durationKey, durationsFromTimings, longestFirst } from './longest-first.ts';

const item = (key: string, l2 = false) => ({ key, l2 });

t.test('longest first; ties and the rest keep their order', async (t) => {
  const items = [item('a'), item('b'), item('c'), item('d')];
  const order = longestFirst(items, { a: 1000, b: 40_000, c: 1000, d: 5000 }, 1);
  t.same(
    order.map((i) => i.key),
    ['b', 'd', 'a', 'c'],
  );
});

t.test('a scenario without a duration counts as the median of the known ones', async (t) => {
  const items = [item('short'), item('new'), item('long'), item('mid')];
  const order = longestFirst(items, { short: 1000, mid: 3000, long: 9000 }, 1);
  // median of 1000, 3000, 9000 is 3000: the new one sits with mid (given order breaks the tie)
  t.same(
    order.map((i) => i.key),
    ['long', 'new', 'mid', 'short'],
  );
  t.same(
    longestFirst(items, {}, 1).map((i) => i.key),
    ['short', 'new', 'long', 'mid'],
    'nothing known: the given order',
  );
});

t.test('the first wave holds no L2 scenario when enough others exist; the L2 ones come next', async (t) => {
  const items = [item('l2-long', true), item('bgp-a'), item('l2-mid', true), item('bgp-b'), item('bgp-c')];
  const d = { 'l2-long': 20_000, 'bgp-a': 15_000, 'l2-mid': 9000, 'bgp-b': 5000, 'bgp-c': 1000 };
  t.same(
    longestFirst(items, d, 2).map((i) => i.key),
    ['bgp-a', 'bgp-b', 'l2-long', 'l2-mid', 'bgp-c'],
  );
  t.same(
    longestFirst(items, d, 4).map((i) => i.key),
    ['bgp-a', 'bgp-b', 'bgp-c', 'l2-long', 'l2-mid'],
    'fewer non-L2 scenarios than workers: the L2 ones follow, longest first',
  );
  const later = [item('bgp-a'), item('bgp-b'), item('l2-a', true), item('bgp-c'), item('l2-b', true)];
  const ms = { 'bgp-a': 30_000, 'bgp-b': 20_000, 'l2-a': 10_000, 'bgp-c': 5000, 'l2-b': 3000 };
  t.same(
    longestFirst(later, ms, 1).map((i) => i.key),
    ['bgp-a', 'l2-a', 'l2-b', 'bgp-b', 'bgp-c'],
    'after the first wave the L2 scenarios (few may run at once: the chain to keep busy), then the others',
  );
  t.equal(longestFirst(items, d, 3).length, items.length, 'nothing lost or doubled');
});

t.test('durations come from a report by feature and scenario name', async (t) => {
  const d = durationsFromTimings([
    { feature: 'F', scenario: 'S1', durationMs: 1200 },
    { feature: 'F', scenario: 'S2' },
    { scenario: 'S3', durationMs: 5 },
  ]);
  t.same(d, { [durationKey('F', 'S1')]: 1200 });
  t.not(durationKey('a', 'bc'), durationKey('ab', 'c'), 'names cannot run into each other');
});
