import t from 'tap';
import { insertSorted, lowerBound, removeSorted } from './sorted.ts';

t.test('kept sorted, no duplicates; removing what is absent changes nothing', async (t) => {
  const xs: string[] = [];
  for (const v of ['m', 'a', 'z', 'm', 'b']) insertSorted(xs, v);
  t.same(xs, ['a', 'b', 'm', 'z']);
  removeSorted(xs, 'c');
  removeSorted(xs, 'm');
  t.same(xs, ['a', 'b', 'z']);
  t.equal(lowerBound(xs, 'c'), 2);
  const ns: bigint[] = [];
  for (const v of [5n, 1n, 3n]) insertSorted(ns, v);
  t.same(ns, [1n, 3n, 5n]);
});
