import t from 'tap';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { fastLoad, preciseLoad } from './load.ts';
import { documentSlices, parseYamlDocumentsFast } from './yaml-fast.ts';
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
        // cut before every `---` (a large file is read in slices): the same documents and lines
        const sliced = parseYamlDocumentsFast(text, 1);
        return (
          JSON.stringify(strip(fast)) === JSON.stringify(strip(precise)) &&
          JSON.stringify(strip(sliced ?? [])) === JSON.stringify(strip(fast))
        );
      },
    ),
    { numRuns: 300 },
  );
});

t.test(
  'a large file is read in slices cut only before `---` lines; documents and lines as if read whole',
  async (t) => {
    const doc = (i: number) =>
      `# service ${i}\n--- {kind: x, i: ${i}}\n---\nkind: y\nnote: |\n  ---\n  not a marker, indented\ni: ${i}\n`;
    const text = Array.from({ length: 40 }, (_, i) => doc(i)).join('');
    const slices = documentSlices(text, 100);
    t.ok(slices.length > 10, `cut in ${slices.length} slices`);
    t.equal(slices.join(''), text, 'nothing lost or repeated');
    t.ok(
      slices.slice(1).every((s) => s.startsWith('---')),
      'every slice after the first starts at a marker',
    );
    const strip = (d: { value: unknown; line: number }[] | undefined) =>
      (d ?? []).map((x) => ({ value: x.value, line: x.line }));
    const whole = parseYamlDocumentsFast(text, Number.POSITIVE_INFINITY);
    t.equal(whole?.length, 80);
    t.same(strip(parseYamlDocumentsFast(text, 100)), strip(whole));
    t.same(documentSlices(`%YAML 1.2\n${text}`, 100).length, 1, 'a directive: not cut');
    t.same(documentSlices(`a: 1\n...\n${text}`, 100).length, 1, 'an end marker: not cut');
  },
);

t.test(
  'parseYamlDocumentsFast: each document at the line of its root, empty and null documents skipped',
  async (t) => {
    const text = '# head\na: 1\n---\n\n- x\n---\n"s"\n---\n---\nnull\n--- [y]\n';
    const docs = parseYamlDocumentsFast(text);
    t.same(
      docs?.map((d) => [d.value, d.line]),
      [
        [{ a: 1 }, 2],
        [['x'], 5],
        ['s', 7],
        [['y'], 11],
      ],
    );
    t.same(
      docs?.map((d) => [d.value, d.line]),
      parseYamlDocuments(text, 't.yaml').docs.map((d) => [d.value, d.line]),
      'as the precise path',
    );
  },
);

t.test(
  'parseYamlDocumentsFast leaves to the precise path whatever that path refuses as too deep',
  async (t) => {
    // a block scalar indented 210 spaces parses here, but the precise path's cheap depth estimate refuses it
    const text = `a: |\n${' '.repeat(210)}x\n`;
    t.equal(parseYamlDocumentsFast(text), undefined);
    t.match(parseYamlDocuments(text, 'd.yaml').errors, [{ code: 'YAML_SYNTAX', line: 2 }]);
  },
);

t.test(
  'documentSlices cuts only before a real `---` marker, never in a file with directives or `...`',
  async (t) => {
    t.same(documentSlices('a: 1\n---\nb: 2\n---\nc: 3\n', 5), ['a: 1\n', '---\nb: 2\n', '---\nc: 3\n']);
    t.same(documentSlices('a: 1\n---\nb: 2\n---\nc: 3\n', 10), ['a: 1\n---\nb: 2\n', '---\nc: 3\n']);
    t.same(
      documentSlices('a: 1\n---x\n--- \nb: 2\n', 1),
      ['a: 1\n---x\n', '--- \nb: 2\n'],
      '---x is no marker',
    );
    t.same(documentSlices('a: 1\n---\tb\n', 1), ['a: 1\n', '---\tb\n'], 'a tab after the marker');
    t.same(documentSlices('a: 1\n---', 1), ['a: 1\n', '---'], 'a marker at the very end');
    const small = 'a: 1\n---\nb: 2\n';
    t.same(documentSlices(small, small.length), [small], 'no longer than a slice: whole');
    t.same(documentSlices(`%YAML 1.2\n---\n${small}`, 1), [`%YAML 1.2\n---\n${small}`], 'a directive');
    t.same(documentSlices(`${small}...\n---\nc: 3\n`, 1), [`${small}...\n---\nc: 3\n`], 'an end marker');
    t.same(documentSlices(`${small}...`, 1), [`${small}...`], 'an end marker at the very end');
    t.same(
      documentSlices(`${small}...x: 1\n`, 1),
      ['a: 1\n', '---\nb: 2\n...x: 1\n'],
      '...x is no end marker',
    );
    t.same(documentSlices(` %a\n---\nb: 1\n`, 1), [' %a\n', '---\nb: 1\n'], 'a directive starts its line');
  },
);
