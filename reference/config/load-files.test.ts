// Files and directories as the loader reads them (load.ts expandPaths, readManifests, readFailure, loadTexts).
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ValidationError } from '../model/types.ts';
import { expandPaths, loadManifests, loadTexts, readFailure, readManifests } from './load.ts';

const pool = (name: string, addr: string): string =>
  `apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: { name: ${name} }\nspec:\n  addresses: [${addr}]\n`;

const unreadable = (file: string, message: string): ValidationError => ({
  code: 'FILE_UNREADABLE',
  file,
  line: 0,
  kind: '',
  name: '',
  field: '',
  message,
});

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'lbconform-load-files-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test(
  'a directory contributes its *.yaml, *.yml and *.json files (any case), sorted, nothing else',
  async (t) => {
    const dir = tempDir(t);
    // Created out of order so a listing in creation order (tmpfs: newest first) is not already sorted.
    for (const n of ['d.yaml', 'a.yml', 'notes.txt', 'c.JSON', 'b.YAML', 'e.yaml.bak', 'yaml', 'f.json~'])
      writeFileSync(join(dir, n), '');
    const { files, errors } = await expandPaths([dir]);
    t.same(errors, []);
    t.same(
      files.map((f) => f.slice(dir.length + 1)),
      ['a.yml', 'b.YAML', 'c.JSON', 'd.yaml'],
    );
  },
);

t.test('an empty directory and a missing path are FILE_UNREADABLE, each with why', async (t) => {
  const dir = tempDir(t);
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  writeFileSync(join(empty, 'README.md'), '');
  const missing = join(dir, 'missing.yaml');
  const { files, errors } = await expandPaths([empty, missing]);
  t.same(files, []);
  t.same(errors, [
    unreadable(empty, 'directory holds no *.yaml, *.yml or *.json files'),
    unreadable(missing, 'cannot read: ENOENT'),
  ]);
});

t.test(
  'readManifests: a listed entry that cannot be read is an error; one gone since the listing is skipped',
  async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'a.yaml'), pool('a', '192.0.2.0/28'));
    mkdirSync(join(dir, 'sub.yaml'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'gone.yaml'));
    const { texts, errors } = await readManifests([dir]);
    t.same(
      texts.map((x) => x.file),
      [join(dir, 'a.yaml')],
    );
    t.same(
      errors,
      [unreadable(join(dir, 'sub.yaml'), 'cannot read: EISDIR')],
      'the dangling link is not an error',
    );
  },
);

t.test(
  'readFailure: ENOENT only excused for a file not named by the user; the code, else the message',
  async (t) => {
    const enoent = Object.assign(new Error('gone'), { code: 'ENOENT' });
    t.equal(readFailure(enoent, 'd/x.yaml', new Set(['d'])), undefined);
    t.same(readFailure(enoent, 'x.yaml', new Set(['x.yaml'])), unreadable('x.yaml', 'cannot read: ENOENT'));
    const eacces = Object.assign(new Error('denied'), { code: 'EACCES' });
    t.same(readFailure(eacces, 'd/x.yaml', new Set(['d'])), unreadable('d/x.yaml', 'cannot read: EACCES'));
    t.same(readFailure(new Error('odd'), 'y.yaml', new Set()), unreadable('y.yaml', 'cannot read: odd'));
  },
);

t.test("loadTexts: read errors come sorted, with the texts' own errors when there are some", async (t) => {
  const opts = { namespace: 'metallb-system' };
  const readErrors = [
    unreadable('z.yaml', 'cannot read: EACCES'),
    unreadable('b.yaml', 'cannot read: EISDIR'),
  ];
  const valid = [{ file: 'a.yaml', text: pool('a', '192.0.2.0/28') }];
  const onlyRead = loadTexts(valid, readErrors, opts);
  t.same(
    onlyRead.errors.map((e) => e.file),
    ['b.yaml', 'z.yaml'],
  );
  t.equal(onlyRead.config, undefined, 'no config while a file could not be read');
  const invalid = [{ file: 'a.yaml', text: pool('a', 'not-an-ip') }];
  const both = loadTexts(invalid, readErrors, opts);
  t.same(
    both.errors.map((e) => `${e.file}:${e.code}`),
    ['a.yaml:INVALID_RANGE', 'b.yaml:FILE_UNREADABLE', 'z.yaml:FILE_UNREADABLE'],
  );
  t.same(
    readErrors.map((e) => e.file),
    ['z.yaml', 'b.yaml'],
    "the caller's list is not reordered",
  );
  t.equal(loadTexts(valid, [], opts).config?.pools[0]?.name, 'a', 'no read errors: the config');
});

t.test('loadManifests without options puts resources in metallb-system', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'a.yaml'), pool('a', '192.0.2.0/28'));
  const r = await loadManifests([join(dir, 'a.yaml')]);
  t.same(r.errors, []);
  t.equal(r.config?.namespace, 'metallb-system');
});
