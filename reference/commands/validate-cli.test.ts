/**
 * `bin/lbconform validate` as a user runs it (a real process per file): every manifest of the invalid
 * corpus exits 1 with its own code, naming file:line and the field; a 10 MB manifest made here is
 * rejected the same way without echoing itself back.
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/lbconform', import.meta.url));
const corpus = fileURLToPath(new URL('../../fixtures/invalid/', import.meta.url));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function validate(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      bin,
      ['validate', ...args],
      { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : null
          : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs `fn` over `items`, `limit` at a time (the machine is small and shared). */
async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

// About 100 processes (node + tsx each) on a small shared machine: past the 120 s default when it is busy.
t.setTimeout(300_000);

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

t.test('every corpus manifest: exit 1, its code, file:line and field in the message', async (t) => {
  const files = readdirSync(corpus)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  t.ok(files.length >= 90, `${files.length} corpus files`);
  const results = await pool(files, 3, (f) => validate([join(corpus, f)]));
  files.forEach((f, i) => {
    const text = readFileSync(join(corpus, f), 'utf8');
    const [, code, field] = /^# expect: (\S+) ?(.*)$/m.exec(text) ?? [];
    const r = results[i]!;
    t.equal(r.code, 1, `${f}: exit code`);
    t.equal(r.stdout, '', `${f}: nothing on stdout`);
    const lines = r.stderr.trimEnd().split('\n');
    t.equal(lines.at(-1), '1 error', `${f}: exactly one error`);
    const m = new RegExp(`^${escapeRe(join(corpus, f))}:(\\d+): (.*)$`).exec(lines[0] ?? '');
    if (
      !t.ok(
        m,
        `${f}: the error starts with file:line (got ${JSON.stringify((lines[0] ?? '').slice(0, 200))})`,
      )
    )
      return;
    const line = Number(m![1]);
    t.ok(line >= 1 && line <= text.split('\n').length, `${f}: line ${line} is inside the file`);
    t.ok(m![2]!.endsWith(`[${code}]`), `${f}: ends with [${code}]`);
    if (field) t.ok(m![2]!.includes(`${field}: `), `${f}: names the field ${field}`);
    // One line per error, short enough to read, nothing that reorders or hides text in a terminal.
    t.ok(lines[0]!.length < 1000, `${f}: message is ${lines[0]!.length} characters`);
    t.notMatch(
      lines[0]!,
      /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/,
      `${f}: no control or bidi characters`,
    );
  });
});

t.test('an unclosed quote is reported where it opened, not where the file ends', async (t) => {
  for (const [f, line] of [
    ['yaml-unclosed-double-quote.yaml', 5],
    ['yaml-unclosed-single-quote.yaml', 8],
  ] as const) {
    const r = await validate(['--json', join(corpus, f)]);
    t.equal(r.code, 1);
    t.match(JSON.parse(r.stdout), { errors: [{ code: 'YAML_SYNTAX', line }] }, f);
  }
});

t.test('a 10 MB manifest is rejected with one short error, in human and JSON form', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lbcf-validate-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'ten-megabytes.yaml');
  const name = 'a'.repeat(10 * 1024 * 1024);
  writeFileSync(
    file,
    `apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: ${name}\nspec:\n  addresses: [203.0.113.0/28]\n`,
  );
  const human = await validate([file]);
  t.equal(human.code, 1);
  t.match(
    human.stderr,
    new RegExp(
      `^${escapeRe(file)}:4: IPAddressPool/"a{77}\\.\\.\\.": metadata\\.name: .* \\[INVALID_NAME\\]\\n1 error\\n$`,
    ),
  );
  t.ok(human.stderr.length < 1000, `stderr is ${human.stderr.length} characters, not the 10 MB name`);
  const json = await validate(['--json', file]);
  t.equal(json.code, 1);
  const parsed = JSON.parse(json.stdout) as {
    errors: { code: string; line: number; field: string; message: string }[];
  };
  t.match(parsed.errors, [{ code: 'INVALID_NAME', line: 4, field: 'metadata.name' }]);
  t.ok(parsed.errors[0]!.message.length < 1000, 'the message quotes the name cut short');
});
