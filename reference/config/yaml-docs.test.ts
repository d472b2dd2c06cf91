import t from 'tap';
import { openQuoteAtEnd, parseYamlDocuments } from './yaml-docs.ts';

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
