/**
 * The document's manifests live twice: in `fixtures/doc/S<n>.yaml` (golden plans, unit tests) and in
 * the feature tagged `@S<n>` (what the suite applies). This keeps the two equal, document by document:
 * every document of a "documented manifests" step is in the fixture, and every document of the
 * fixture is in one of the feature's manifest steps.
 */
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const dir = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const featuresDir = dir('./');
const fixturesDir = dir('../fixtures/doc/');

/** Canonical JSON of each non-empty YAML document (key order and comments do not matter). */
function documents(text: string): string[] {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([k, x]) => [k, sorted(x)]),
          )
        : v;
  return parseAllDocuments(text)
    .map((d) => d.toJSON() as unknown)
    .filter((d) => d !== null && d !== undefined)
    .map((d) => JSON.stringify(sorted(d)));
}

/** The YAML doc strings of the steps `Given the documented manifests:` / `Given the manifests:`. */
function docStrings(feature: string, documentedOnly: boolean): string[] {
  const step = documentedOnly ? 'the documented manifests:' : 'the (?:documented )?manifests:';
  const re = new RegExp(`${step}\\n( *)"""yaml\\n([\\s\\S]*?)\\n *"""`, 'g');
  return [...feature.matchAll(re)].map((m) =>
    m[2]!
      .split('\n')
      .map((l) => l.slice(m[1]!.length))
      .join('\n'),
  );
}

const features = readdirSync(featuresDir)
  .filter((f) => f.endsWith('.feature'))
  .map((f) => ({ file: f, text: readFileSync(`${featuresDir}${f}`, 'utf8') }));
const fixtures = readdirSync(fixturesDir).filter((f) => /^S\d+\.yaml$/.test(f));

t.test('fixtures/doc/S<n>.yaml and the @S<n> feature hold the same documented manifests', async (t) => {
  t.ok(fixtures.length >= 6, 'the document scenarios have fixtures');
  for (const fixture of fixtures) {
    const id = fixture.replace('.yaml', '');
    const feature = features.find((f) => new RegExp(`^@.*@${id}\\b`, 'm').test(f.text));
    if (!feature) {
      t.fail(`${fixture}: no feature is tagged @${id}`);
      continue;
    }
    const inFixture = documents(readFileSync(`${fixturesDir}${fixture}`, 'utf8'));
    const documented = docStrings(feature.text, true).flatMap(documents);
    const anyManifests = new Set(docStrings(feature.text, false).flatMap(documents));
    t.ok(documented.length > 0, `${feature.file} has a "documented manifests" step`);
    t.same(
      documented.filter((d) => !inFixture.includes(d)),
      [],
      `${feature.file}: every documented manifest is in ${fixture}`,
    );
    t.same(
      inFixture.filter((d) => !anyManifests.has(d)),
      [],
      `${fixture}: every document is applied by ${feature.file}`,
    );
  }
});
