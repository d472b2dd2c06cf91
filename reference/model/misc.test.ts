import t from 'tap';
import { compareLarge, compareStandard, parseCommunity } from './community.ts';
import { parseGoDuration } from './duration.ts';
import { anySelectorMatches, selectorMatches } from './selector.ts';

t.test('Go durations', async (t) => {
  t.equal(parseGoDuration('90s'), 90_000);
  t.equal(parseGoDuration('1m30s'), 90_000);
  t.equal(parseGoDuration('3s'), 3000);
  t.equal(parseGoDuration('1.5h'), 5_400_000);
  t.equal(parseGoDuration('0'), 0);
  t.equal(parseGoDuration('500ms'), 500);
  for (const bad of ['', '90', 's', '90 s', '1d', 'abc']) t.equal(parseGoDuration(bad), undefined, bad);
});

t.test('communities', async (t) => {
  t.same(parseCommunity('65535:65282'), {
    kind: 'standard',
    value: 65535 * 65536 + 65282,
    text: '65535:65282',
  });
  t.same(parseCommunity('large:1:2:3'), { kind: 'large', parts: [1, 2, 3], text: '1:2:3' });
  t.equal(parseCommunity('large:4294967295:0:1')?.text, '4294967295:0:1');
  t.equal(parseCommunity('008000:0800')?.text, '8000:800');
  for (const bad of ['65536:1', '1:2:3', 'large:1:2', 'large:4294967296:1:1', 'NO_ADVERTISE', '-1:2', '1:'])
    t.equal(parseCommunity(bad), undefined, bad);
  t.same(['65535:65282', '8000:800', '10:1'].sort(compareStandard), ['10:1', '8000:800', '65535:65282']);
  t.same(['2:1:1', '10:0:0', '2:0:5'].sort(compareLarge), ['2:0:5', '2:1:1', '10:0:0']);
});

t.test('label selectors: matchLabels AND matchExpressions, list ORed, empty = all', async (t) => {
  const east = { zone: 'east', 'kubernetes.io/hostname': 'NodeA' };
  t.ok(anySelectorMatches([], east));
  t.ok(selectorMatches({ matchLabels: { zone: 'east' }, matchExpressions: [] }, east));
  t.notOk(
    selectorMatches(
      { matchLabels: { zone: 'east' }, matchExpressions: [{ key: 'rack', operator: 'Exists', values: [] }] },
      east,
    ),
  );
  t.ok(
    selectorMatches(
      { matchLabels: {}, matchExpressions: [{ key: 'zone', operator: 'In', values: ['east', 'west'] }] },
      east,
    ),
  );
  t.notOk(
    selectorMatches(
      { matchLabels: {}, matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['east'] }] },
      east,
    ),
  );
  t.ok(
    selectorMatches(
      { matchLabels: {}, matchExpressions: [{ key: 'rack', operator: 'NotIn', values: ['r1'] }] },
      east,
    ),
  );
  t.ok(
    selectorMatches(
      { matchLabels: {}, matchExpressions: [{ key: 'rack', operator: 'DoesNotExist', values: [] }] },
      east,
    ),
  );
  t.notOk(
    selectorMatches(
      { matchLabels: {}, matchExpressions: [{ key: 'zone', operator: 'DoesNotExist', values: [] }] },
      east,
    ),
  );
  t.ok(
    anySelectorMatches(
      [
        { matchLabels: { 'kubernetes.io/hostname': 'NodeB' }, matchExpressions: [] },
        { matchLabels: { 'kubernetes.io/hostname': 'NodeA' }, matchExpressions: [] },
      ],
      east,
    ),
  );
  t.notOk(selectorMatches({ matchLabels: { toString: 'x' }, matchExpressions: [] }, {}), 'no prototype keys');
});
