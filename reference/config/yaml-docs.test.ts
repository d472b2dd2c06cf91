import t from 'tap';
import { flowDepthExceeded, lineFor, openQuoteAtEnd, parseYamlDocuments } from './yaml-docs.ts';

t.test('openQuoteAtEnd: the quote that opened the scalar still open at the end', async (t) => {
  t.same(openQuoteAtEnd("a: 'x\n"), { line: 1, col: 4 });
  t.same(
    openQuoteAtEnd('a: "x"\nb: \'y\n  z\n'),
    { line: 2, col: 4 },
    'a closed quote before does not count',
  );
  t.same(
    openQuoteAtEnd('a: "x\\\n  y\nb: \'z\n'),
    { line: 1, col: 4 },
    'an escaped line break stays inside the double quote',
  );
  t.same(openQuoteAtEnd('- one\n- "two\n'), { line: 2, col: 3 });
  t.same(openQuoteAtEnd('a: {"b": \'c}\n'), { line: 1, col: 10 });
  t.equal(
    openQuoteAtEnd("a: it's\nb: 'ok'\n"),
    undefined,
    'an apostrophe inside a plain scalar opens nothing',
  );
  t.equal(openQuoteAtEnd("# it's\na: b\n"), undefined, 'comments are skipped');
  t.equal(openQuoteAtEnd("a: 'it''s'\n"), undefined, "'' is a quote inside single quotes");
});

t.test('an unclosed quote is a YAML_SYNTAX error on the line where it opened', async (t) => {
  const { errors } = parseYamlDocuments(
    'apiVersion: v1\nkind: Node\nmetadata:\n  name: "NodeA\nspec: {}\n',
    'n.yaml',
  );
  t.match(errors, [{ code: 'YAML_SYNTAX', line: 4, message: /quote \(column 9\)/ }]);
});

t.test(
  'flowDepthExceeded: the first line where brackets plus block indentation go past the limit',
  async (t) => {
    const cases: [string, string, number, number | undefined][] = [
      ['three [ past 2', '[[[', 2, 1],
      ['three [ within 3', '[[[', 3, undefined],
      ['braces count too', '{{{', 2, 1],
      ['closed brackets do not add up', '[]'.repeat(10), 1, undefined],
      ['closed braces do not add up', '{}'.repeat(10), 1, undefined],
      ['only a bracket closes', '[a[', 1, 1],
      ['indicators with more spaces between', '-  - x', 1, 1],
      ['a stray ] never makes room', ']][[[', 2, 1],
      ['inside double quotes', '"[[[["', 1, undefined],
      ['inside single quotes', "'[[[['", 1, undefined],
      ['\\" does not close a double quote', '"\\"[[[["', 1, undefined],
      ['a backslash is plain in single quotes', "'\\'[[[", 1, 1],
      ['a comment', '# [[[[\n[', 1, undefined],
      ['a comment ends with its line', '# x\n[[[', 2, 2],
      ['a quote in a comment opens nothing', '# "\n[[[', 2, 2],
      ['# inside quotes is no comment', '"#"[[[', 2, 1],
      ['lines are counted', '\n\n[[[', 2, 3],
      ['indentation: two spaces a level', 'a:\n  b:\n    c:\n      d: 1\n', 2, 4],
      ['indentation within the limit', 'a:\n  b:\n    c:\n      d: 1\n', 3, undefined],
      ['odd indentation rounds up past the limit', '   a', 1, 1],
      ['compact sequence indicators', '- - - a\n', 2, 1],
      ['compact indicators within the limit', '- - - a\n', 3, undefined],
      ['? is an indicator too', '? - x\n', 1, 1],
      ['-x is no indicator', '-x\n', 0, undefined],
      ['- at the very end', '- ', 0, 1],
      ['- alone at the end is no indicator', '-', 0, undefined],
      ['indicators only at the line start', 'x - - - y', 2, undefined],
      ['brackets open across lines add to indentation', 'a: [\n    [x]]\n', 2, 2],
      ['the same within the limit', 'a: [\n    [x]]\n', 3, undefined],
      ['a quoted scalar continued on an indented line', 'a: "x\n        y"\n', 2, undefined],
    ];
    for (const [what, text, max, line] of cases) t.equal(flowDepthExceeded(text, max), line, what);
  },
);

t.test('lineFor: the line of the path, else of its nearest ancestor, else the fallback', async (t) => {
  const lines = new Map([
    ['spec', 4],
    ['spec.addresses', 5],
    ['spec.addresses[0]', 6],
    ['metadata.annotations["metallb.io/x.y"]', 3],
  ]);
  t.equal(lineFor(lines, 'spec.addresses[0]', 1), 6);
  t.equal(lineFor(lines, 'spec.addresses[0].x', 1), 6);
  t.equal(lineFor(lines, 'spec.addresses[3]', 1), 5);
  t.equal(lineFor(lines, 'spec.avoidBuggyIPs', 1), 4);
  t.equal(lineFor(lines, 'metadata.annotations["metallb.io/x.y"]', 1), 3);
  t.equal(lineFor(lines, 'kind', 9), 9);
  t.equal(lineFor(lines, '[0]', 9), 9, 'a path starting with a bracket has no ancestor');
  t.equal(lineFor(undefined, 'spec', 7), 7, 'no line map: the fallback');
});

const syntaxError = (line: number, message: string) => ({
  code: 'YAML_SYNTAX',
  file: 'f.yaml',
  line,
  kind: '',
  name: '',
  field: '',
  message,
});

t.test(
  "parseYamlDocuments: a syntax error is the library's first message line, its line and column",
  async (t) => {
    const errors = (text: string) => parseYamlDocuments(text, 'f.yaml').errors;
    t.same(errors('a: 1\na: 2\n'), [syntaxError(2, 'Map keys must be unique (column 1)')], 'duplicate keys');
    t.same(errors('a:\n\t- b\n'), [syntaxError(2, 'Tabs are not allowed as indentation (column 1)')]);
    t.same(errors('a: [1, 2\n'), [
      syntaxError(
        2,
        'Flow sequence in block collection must be sufficiently indented and end with a ] (column 1)',
      ),
    ]);
    t.same(errors('a: "x\n'), [syntaxError(1, 'Missing closing "quote (column 4)')], 'the quote that opened');
    const many = Array.from({ length: 12 }, () => 'a: 1\na: 2\n').join('---\n');
    t.equal(errors(many).length, 10, 'at most 10 syntax errors per file');
    t.same(
      errors('['.repeat(150) + ']'.repeat(150)),
      [syntaxError(1, 'nesting deeper than 100 levels; Kubernetes manifests never need that')],
      'too deep: refused before the library recurses',
    );
    t.same(parseYamlDocuments('['.repeat(150), 'f.yaml').docs, []);
  },
);

t.test('parseYamlDocuments: aliases are bounded; empty and null documents are no resources', async (t) => {
  const x10 = (a: string) => `[${Array.from({ length: 10 }, () => a).join(',')}]`;
  const laughs = `a: &a ${x10('x')}\nb: &b ${x10('*a')}\nc: &c ${x10('*b')}\n`;
  t.same(parseYamlDocuments(laughs, 'f.yaml'), {
    docs: [],
    errors: [
      syntaxError(1, 'cannot read document: Excessive alias count indicates a resource exhaustion attack'),
    ],
  });
  const r = parseYamlDocuments('---\n---\n~\n---\nnull\n---\na: &x 1\nb: *x\n', 'f.yaml');
  t.same(r.errors, []);
  t.same(
    r.docs.map((d) => [d.value, d.line, [...d.lines]]),
    [
      [
        { a: 1, b: 1 },
        7,
        [
          ['a', 7],
          ['b', 8],
        ],
      ],
    ],
  );
  t.same(
    parseYamlDocuments('--- 0\n--- false\n', 'f.yaml').docs.map((d) => d.value),
    [0, false],
    '0 and false are values',
  );
});

t.test('parseYamlDocuments: the line of every key and list item, by field path', async (t) => {
  const { docs } = parseYamlDocuments(
    'kind: x\nspec:\n  a: 1\n  list:\n  - one\n  -\n    b: 2\n  "odd key": 3\n',
    'f.yaml',
  );
  t.same(
    [...docs[0]!.lines],
    [
      ['kind', 1],
      ['spec', 2],
      ['spec.a', 3],
      ['spec.list', 4],
      ['spec.list[0]', 5],
      ['spec.list[1]', 7],
      ['spec.list[1].b', 7],
      ['spec["odd key"]', 8],
    ],
  );
});

t.test(
  'parseYamlDocuments: field lines stop 100 levels down (indentation of 1 passes the depth estimate)',
  async (t) => {
    const levels = 150;
    const text = Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' x\n';
    const { docs, errors } = parseYamlDocuments(text, 'f.yaml');
    t.same(errors, []);
    const path = (n: number) => Array.from({ length: n }, (_, i) => `k${i}`).join('.');
    const lines = docs[0]!.lines;
    t.equal(lines.get(path(101)), 101, 'keys at depth 0..100 have their line');
    t.equal(lines.get(path(102)), undefined, 'deeper keys do not');
    t.equal(lines.size, 101);
  },
);

t.test('openQuoteAtEnd: escapes, comments, blanks and where a quote may open', async (t) => {
  const cases: [string, string, { line: number; col: number } | undefined][] = [
    ['\\" does not close a double quote', 'a: "x\\"y\n', { line: 1, col: 4 }],
    ['\\\\ then " closes it', 'a: "x\\\\"\nb: \'c\n', { line: 2, col: 4 }],
    ['a backslash is plain in single quotes', "a: 'x\\'\nb: \"y\n", { line: 2, col: 4 }],
    ["'' does not close a single quote", "a: 'it''s\n", { line: 1, col: 4 }],
    ['an escaped line break still counts its line', 'a: "x\\\n  y"\nb: \'z\n', { line: 3, col: 4 }],
    ['a quote at the start of the first line', "'x\n", { line: 1, col: 1 }],
    ['a quote at the start of a later line', "a: b\n'x\n", { line: 2, col: 1 }],
    ['after a sequence indicator on the first line', "- 'x\n", { line: 1, col: 3 }],
    ['after a nested sequence indicator', "- - 'x\n", { line: 1, col: 5 }],
    ['a tab separates too', "- -\t'x\n", { line: 1, col: 5 }],
    ['after a mapping-key indicator', "? 'x\n", { line: 1, col: 3 }],
    ['after a plain word: an apostrophe', "a: b 'c\n", undefined],
    ['a - glued to a word is no indicator', "a: b- 'x\n", undefined],
    ['a comment hides what follows', "# - 'x\n", undefined],
    ['a comment after a tab', "a: x\t# - 'y\n", undefined],
    ['a comment ends at its line', "# c\n'x\n", { line: 2, col: 1 }],
    ['# glued to a value is no comment', 'a: "x"#, \'y\n', { line: 1, col: 10 }],
    ['after [ { and ,', "a: [b, {c: 'd\n", { line: 1, col: 12 }],
  ];
  for (const [what, text, at] of cases) t.same(openQuoteAtEnd(text), at, what);
});

t.test(
  'parseYamlDocuments: the library\'s "at line L, column C" is cut whatever the number of digits',
  async (t) => {
    const text = `${'#\n'.repeat(9)}a:\n          b: 1\n          b: 2\n`;
    t.same(parseYamlDocuments(text, 'f.yaml').errors, [
      syntaxError(12, 'Map keys must be unique (column 11)'),
    ]);
  },
);

t.test('parseYamlDocuments: list item lines stop 100 levels down too', async (t) => {
  const levels = 150;
  const text = `${Array.from({ length: levels - 1 }, (_, i) => `${' '.repeat(i)}-`).join('\n')}\n${' '.repeat(levels - 1)}- x\n`;
  const { docs, errors } = parseYamlDocuments(text, 'f.yaml');
  t.same(errors, []);
  const lines = docs[0]!.lines;
  t.equal(lines.get('[0]'.repeat(101)), 102, 'items at depth 0..100 have their line (each on the next line)');
  t.equal(lines.get('[0]'.repeat(102)), undefined, 'deeper items do not');
});
