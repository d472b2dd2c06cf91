import t from 'tap';
import { insertSorted, lowerBound } from './sorted.ts';

t.test('kept sorted, no duplicates', async (t) => {
  const xs: string[] = [];
  for (const v of ['m', 'a', 'z', 'm', 'b']) insertSorted(xs, v);
  t.same(xs, ['a', 'b', 'm', 'z']);
  t.equal(lowerBound(xs, 'c'), 2);
  t.equal(lowerBound(xs, 'zz'), 4);
  const ns: bigint[] = [];
  for (const v of [5n, 1n, 3n]) insertSorted(ns, v);
  t.same(ns, [1n, 3n, 5n]);
});
