import t from 'tap';
import {
  compareLarge,
  compareStandard,
  formatStandard,
  largeParts,
  parseCommunity,
  standardValue,
} from './community.ts';
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

// Cases that Stryker showed no test could tell apart (mutation/stryker, `npm run mutation:unit -- model`).
t.test('Go durations: signs, fractions, and text around a number', async (t) => {
  t.equal(parseGoDuration('-1.5s'), -1500, 'a minus sign');
  t.equal(parseGoDuration('+2m'), 120_000, 'a plus sign');
  t.equal(parseGoDuration('-0'), 0);
  t.equal(parseGoDuration('1.25s'), 1250, 'two fraction digits');
  t.equal(parseGoDuration('.5s'), 500, 'no integer part');
  t.equal(parseGoDuration('.25s'), 250);
  t.equal(parseGoDuration('ab1s'), undefined, 'text before a number is not skipped');
  t.equal(parseGoDuration('-'), undefined);
  t.equal(parseGoDuration(undefined as unknown as string), undefined, 'not a string: no throw');
});

t.test('communities: every part checked, kinds not confused', async (t) => {
  t.equal(parseCommunity('1e3:5'), undefined, 'digits only (Number would take 1e3)');
  t.equal(parseCommunity('0x10:1'), undefined);
  t.equal(parseCommunity('large:1:2:3:4'), undefined, 'five parts');
  t.equal(parseCommunity('1:2:3:4'), undefined, 'four parts without large:');
  t.same(parseCommunity('LARGE:1:2:3'), { kind: 'large', parts: [1, 2, 3], text: '1:2:3' }, 'any case');
  t.equal(parseCommunity('large:x:2:3'), undefined);
  t.equal(parseCommunity('large:1:x:3'), undefined);
  t.equal(parseCommunity('large:1:2:x'), undefined);
  t.equal(parseCommunity('1:x'), undefined);
  t.equal(parseCommunity(undefined as unknown as string), undefined, 'not a string: no throw');
  t.same(['1:5', '1:2', '0:9'].sort(compareStandard), ['0:9', '1:2', '1:5'], 'second number breaks ties');
  t.ok(compareLarge('1:1:5', '1:1:2') > 0, 'third number breaks ties');
  t.ok(compareLarge('1:1:2', '1:1:5') < 0);
  t.equal(compareLarge('1:1:2', '1:1:2'), 0);
});

t.test('label selectors: each operator both ways', async (t) => {
  const east = { zone: 'east' };
  const sel = (e: Parameters<typeof selectorMatches>[0]['matchExpressions']) => ({
    matchLabels: {},
    matchExpressions: e,
  });
  t.notOk(selectorMatches({ matchLabels: { zone: 'west' }, matchExpressions: [] }, east), 'other value');
  t.notOk(selectorMatches({ matchLabels: { rack: 'r1' }, matchExpressions: [] }, east), 'absent key');
  t.notOk(selectorMatches(sel([{ key: 'zone', operator: 'In', values: ['west'] }]), east), 'In: other value');
  t.notOk(selectorMatches(sel([{ key: 'rack', operator: 'In', values: ['r1'] }]), east), 'In: absent key');
  t.ok(selectorMatches(sel([{ key: 'zone', operator: 'NotIn', values: ['west'] }]), east), 'NotIn: other');
  t.ok(selectorMatches(sel([{ key: 'zone', operator: 'Exists', values: [] }]), east), 'Exists: present');
  t.notOk(
    anySelectorMatches([{ matchLabels: { zone: 'west' }, matchExpressions: [] }], east),
    'a list where none matches',
  );
});

t.test('community values: standard as 32 bits, large as three numbers, and back', async (t) => {
  t.equal(standardValue('65535:65282'), 0xffffff02);
  t.equal(standardValue('large:1:2:3'), undefined, 'a large community is not a standard one');
  t.equal(standardValue('x'), undefined);
  t.equal(formatStandard(0xffffff02), '65535:65282');
  t.equal(formatStandard(65536 * 8000 + 800), '8000:800');
  t.same(largeParts('1:2:3'), [1, 2, 3]);
  t.equal(largeParts('1:2'), undefined, 'a standard community is not a large one');
  t.equal(largeParts('x'), undefined);
});
