import t from 'tap';
import type { ValidationError } from '../model/types.ts';
import { compareErrors, errorAt, formatError } from './errors.ts';

const err = (over: Partial<ValidationError>): ValidationError => ({
  code: 'CODE',
  file: 'f.yaml',
  line: 1,
  kind: 'IPAddressPool',
  name: 'pool',
  field: 'spec.addresses',
  message: 'bad',
  ...over,
});

const sign = (n: number): number => Math.sign(n);

t.test('compareErrors orders by file, then line, then field, then code, and is antisymmetric', async (t) => {
  const levels: [string, Partial<ValidationError>, Partial<ValidationError>][] = [
    [
      'file',
      { file: 'a.yaml', line: 9, field: 'z', code: 'Z' },
      { file: 'b.yaml', line: 1, field: 'a', code: 'A' },
    ],
    ['line', { line: 2, field: 'z', code: 'Z' }, { line: 10, field: 'a', code: 'A' }],
    ['field', { field: 'spec.a', code: 'Z' }, { field: 'spec.b', code: 'A' }],
    ['code', { code: 'A_CODE' }, { code: 'B_CODE' }],
  ];
  for (const [level, lo, hi] of levels) {
    t.equal(sign(compareErrors(err(lo), err(hi))), -1, `${level}: lower first`);
    t.equal(sign(compareErrors(err(hi), err(lo))), 1, `${level}: higher after`);
  }
  t.equal(compareErrors(err({}), err({})), 0, 'equal errors compare 0');
  const shuffled = [err({ code: 'B' }), err({ line: 3 }), err({ file: 'a.yaml' }), err({ code: 'A' })];
  t.same(
    shuffled.sort(compareErrors).map((e) => `${e.file}:${e.line}:${e.code}`),
    ['a.yaml:1:CODE', 'f.yaml:1:A', 'f.yaml:1:B', 'f.yaml:3:CODE'],
  );
});

t.test('formatError: file:line: kind/name: field: message [CODE]', async (t) => {
  t.equal(formatError(err({})), 'f.yaml:1: IPAddressPool/pool: spec.addresses: bad [CODE]');
  t.equal(formatError(err({ field: '' })), 'f.yaml:1: IPAddressPool/pool: bad [CODE]', 'no field part');
  t.equal(formatError(err({ kind: '', name: '', field: '' })), 'f.yaml:1: bad [CODE]', 'no resource part');
  t.equal(formatError(err({ kind: 'BGPPeer', name: '' })), 'f.yaml:1: BGPPeer/: spec.addresses: bad [CODE]');
  t.equal(formatError(err({ kind: '', name: 'p' })), 'f.yaml:1: /p: spec.addresses: bad [CODE]');
});

t.test('formatError quotes a name that is not plain text and cuts a long one', async (t) => {
  t.match(formatError(err({ name: 'pool-1.a_b' })), / IPAddressPool\/pool-1\.a_b: /, 'plain name as is');
  t.match(formatError(err({ name: 'x' })), / IPAddressPool\/x: /);
  t.match(formatError(err({ name: 'a b' })), / IPAddressPool\/"a b": /, 'a space is quoted');
  t.match(formatError(err({ name: 'a: b' })), / IPAddressPool\/"a: b": /, 'a colon cannot forge a field');
  const plainLong = 'n'.repeat(253);
  t.match(formatError(err({ name: plainLong })), ` IPAddressPool/${plainLong}: `, '253 plain characters');
  t.match(
    formatError(err({ name: 'n'.repeat(254) })),
    ` IPAddressPool/"${'n'.repeat(77)}...": `,
    '254 are quoted (and cut)',
  );
  const eighty = `${'x'.repeat(79)} `;
  t.match(formatError(err({ name: eighty })), ` IPAddressPool/"${eighty}": `, '80 characters are not cut');
  const long = `${'y'.repeat(80)} `;
  t.match(
    formatError(err({ name: long })),
    ` IPAddressPool/"${'y'.repeat(77)}...": `,
    'over 80 cut to 77 and ...',
  );
});

t.test('formatError shows control, bidi and invisible characters as \\uXXXX', async (t) => {
  t.equal(
    formatError(err({ message: 'a\u0007b\nc\u202ed\ufeffe\u00adf' })),
    'f.yaml:1: IPAddressPool/pool: spec.addresses: a\\u0007b\\u000ac\\u202ed\\ufeffe\\u00adf [CODE]',
  );
  t.equal(
    formatError(err({ message: 'plain é ü' })),
    'f.yaml:1: IPAddressPool/pool: spec.addresses: plain é ü [CODE]',
  );
});

t.test('errorAt takes the line of the deepest known field, else the resource line', async (t) => {
  const lines = new Map([
    ['spec', 5],
    ['spec.addresses', 6],
    ['spec.addresses[1]', 8],
  ]);
  const src = { file: 'p.yaml', line: 3, lines };
  const at = (field: string): number => errorAt(src, 'IPAddressPool', 'p', field, 'C', 'm').line;
  t.equal(at('spec.addresses[1]'), 8);
  t.equal(at('spec.addresses[2]'), 6, 'unknown element: its list');
  t.equal(at('spec.avoidBuggyIPs'), 5, 'unknown field: its parent');
  t.equal(at('metadata.name'), 3, 'nothing known: the resource');
  t.same(errorAt(src, 'IPAddressPool', 'p', 'spec', 'C', 'm'), {
    code: 'C',
    file: 'p.yaml',
    line: 5,
    kind: 'IPAddressPool',
    name: 'p',
    field: 'spec',
    message: 'm',
  });
});
