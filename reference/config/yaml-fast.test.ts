import t from 'tap';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { fastLoad, preciseLoad } from './load.ts';
import { parseYamlDocumentsFast } from './yaml-fast.ts';
import { parseYamlDocuments } from './yaml-docs.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const opts = { namespace: 'metallb-system' };

/** The config without per-field line maps (the one thing the fast path leaves out). */
function withoutFieldLines(v: unknown): unknown {
  return JSON.parse(
    JSON.stringify(v, (k, x) =>
      k === 'lines' ? undefined : typeof x === 'bigint' ? `${x}n` : x instanceof Map ? [...x] : x,
    ),
  );
}

t.test('the fast path reads every documented scenario exactly as the precise path', async (t) => {
  for (const s of ['S1', 'S2', 'S3', 'S4', 'S5', 'S6']) {
    const files = [`${s}.yaml`, `${s}.cluster.yaml`].map((f) => ({
      file: f,
      text: readFileSync(`${fixtures}doc/${f}`, 'utf8'),
    }));
    const fast = fastLoad(files, opts);
    const precise = preciseLoad(files, opts, []);
    t.ok(fast, `${s}: fast path taken`);
    t.same(
      withoutFieldLines(fast!.config),
      withoutFieldLines(precise.config),
      `${s}: same config, same document lines`,
    );
  }
});

t.test('anything the fast path cannot vouch for goes to the precise path', async (t) => {
  const cases: [string, string][] = [
    ['syntax error', 'a: [1, 2\n'],
    ['duplicate key', 'a: 1\na: 2\n'],
    ['alias', 'a: &x {b: 1}\nc: *x\n'],
    ['deep nesting', '['.repeat(150) + ']'.repeat(150)],
  ];
  for (const [what, text] of cases) t.equal(parseYamlDocumentsFast(text), undefined, what);
  const invalid = readFileSync(`${fixtures}invalid/pool-invalid-cidr.yaml`, 'utf8');
  t.equal(
    fastLoad([{ file: 'x.yaml', text: invalid }], opts),
    undefined,
    'a validation error: no fast result',
  );
});

// Values and document lines agree with the `yaml` library on arbitrary YAML that both accept.
t.test('property: same values and document lines as the yaml library', async (t) => {
  const scalar = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.boolean(),
    fc.constant(null),
  );
  const value = fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      scalar,
      fc.array(tie('v'), { maxLength: 4 }),
      fc.dictionary(fc.string({ minLength: 1 }), tie('v'), { maxKeys: 4 }),
    ),
  })).v;
  fc.assert(
    fc.property(
      fc.array(fc.dictionary(fc.string({ minLength: 1 }), value, { minKeys: 1, maxKeys: 5 }), {
        minLength: 1,
        maxLength: 4,
      }),
      fc.boolean(),
      (docs, flow) => {
        const text = docs.map((d) => stringify(d, flow ? { collectionStyle: 'flow' } : {})).join('---\n');
        const fast = parseYamlDocumentsFast(text);
        const { docs: precise, errors } = parseYamlDocuments(text, 'p.yaml');
        if (errors.length > 0) return true; // the precise path refuses it: nothing to compare
        if (fast === undefined) return false; // plain YAML both libraries read must take the fast path
        const strip = (d: { value: unknown; line: number }[]) =>
          d.map((x) => ({ value: x.value, line: x.line }));
        t.same(strip(fast), strip(precise));
        return JSON.stringify(strip(fast)) === JSON.stringify(strip(precise));
      },
    ),
    { numRuns: 300 },
  );
});
