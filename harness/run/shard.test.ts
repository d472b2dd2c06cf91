import t from 'tap';
import { defaultParallel, inShard, l2AtOnce, parseShard, shardOf, workerPrefix } from './shard.ts';

t.test('parseShard accepts i/n with 1 <= i <= n and nothing else', async (t) => {
  t.same(parseShard('2/4'), { index: 2, total: 4 });
  t.same(parseShard('1/1'), { index: 1, total: 1 });
  for (const bad of ['0/2', '3/2', '1/0', '1', 'a/b', '1/2/3', ' 1/2'])
    t.throws(() => parseShard(bad), { code: 'RUN_SHARD_INVALID' }, bad);
});

t.test('every scenario is in exactly one shard, the same one whatever else is in the run', async (t) => {
  const pickles = Array.from({ length: 60 }, (_, i) => ({
    uri: `features/f${i % 7}.feature`,
    name: `s${i}`,
  }));
  const shards = [1, 2, 3, 4].map((index) => inShard(pickles, { index, total: 4 }));
  t.equal(shards.flat().length, pickles.length, 'no scenario lost or doubled');
  t.same(new Set(shards.flat()).size, pickles.length);
  for (const s of shards) t.ok(s.length > 5, `a shard holds a fair part (${s.length})`);
  // Removing half the scenarios moves none of the others.
  const fewer = pickles.filter((_, i) => i % 2 === 0);
  for (const p of fewer) t.equal(shardOf(p.uri, p.name, 4), shardOf(p.uri, p.name, 4));
  t.same(
    inShard(fewer, { index: 2, total: 4 }),
    shards[1]!.filter((p) => fewer.includes(p)),
  );
});

t.test('workers get their own prefix within 8 characters; no worker id keeps the prefix', async (t) => {
  t.equal(workerPrefix('lbc', '0'), 'lbc0');
  t.equal(workerPrefix('lbconfor', '3'), 'lbconfo3');
  t.equal(workerPrefix('lbcp', undefined), 'lbcp');
  t.equal(workerPrefix('lbcp', '12'), 'lbcp12');
});

t.test('default parallelism: two per core, capped by free memory and at 8', async (t) => {
  t.equal(defaultParallel(2, 8 * 2 ** 30), 4);
  t.equal(defaultParallel(16, 64 * 2 ** 30), 8);
  t.equal(defaultParallel(2, 600 * 2 ** 20), 2);
  t.equal(defaultParallel(2, 100 * 2 ** 20), 1);
});

t.test(
  'the default feature order: two BGP features, then L2 and BGP alternating, every feature once',
  async (t) => {
    const { defaultFeatureOrder } = await import('./run-suite.ts');
    const dir = t.testdir({
      'bgp-a.feature': '',
      'bgp-b.feature': '',
      'bgp-c.feature': '',
      'faults.feature': '',
      'l2-a.feature': '',
      'l2-b.feature': '',
      'x.ts': '',
    });
    t.same(
      defaultFeatureOrder(dir).map((f) => f.slice(dir.length + 1)),
      ['bgp-a.feature', 'bgp-b.feature', 'l2-a.feature', 'bgp-c.feature', 'l2-b.feature', 'faults.feature'],
    );
  },
);

t.test('L2 scenarios at once: 2 unless LBCONFORM_L2_AT_ONCE says 1-8', async (t) => {
  t.equal(l2AtOnce(undefined), 2);
  t.equal(l2AtOnce(''), 2);
  t.equal(l2AtOnce('3'), 3);
  for (const bad of ['0', '9', '2.5', 'x', '-1'])
    t.throws(() => l2AtOnce(bad), { code: 'RUN_L2_AT_ONCE_INVALID' }, bad);
});
