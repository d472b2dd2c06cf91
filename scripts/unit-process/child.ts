/**
 * One long-lived unit-test process: it receives test files over IPC, imports each inside its own tap
 * subtest (after one tsx registration and one load of tap), and answers with the file's counts and TAP.
 * Started by scripts/test-tiers.ts; a test that kills this process costs only the file it was in.
 *
 * `import t from 'tap'` in a test file resolves to ./tap-shim.ts, whose default export is the running
 * file's subtest (a loader hook below); the shim itself and tap's own modules get the real tap.
 */
import { register } from 'node:module';
import { Writable } from 'node:stream';
import { relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface FileRequest {
  file: string;
  timeoutMs: number;
}

export interface FileReply {
  file: string;
  pass: number;
  fail: number;
  skip: number;
  ok: boolean;
  ms: number;
  tap: string;
}

const shim = new URL('./tap-shim.ts', import.meta.url).href;
// Off-thread resolve hook (Node 20): plain JavaScript as a data: URL, so nothing transpiles it.
const hook = `const shim = ${JSON.stringify(shim)};
export async function resolve(specifier, context, next) {
  const from = context.parentURL ?? '';
  if (specifier === 'tap' && from !== shim && !from.includes('/node_modules/')) {
    return next(shim, context);
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);

const { t: root } = await import('tap');
const { useTest } = (await import(shim)) as typeof import('./tap-shim.ts');

// The root's TAP goes to a buffer (sent back per file), not to stdout; register() still gives it the
// process-level handling it has when piped to stdout (root domain for stray throws, exit hooks).
let tap = '';
root.pipe(
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      tap += chunk.toString();
      done();
    },
  }),
);
root.register();

const repo = fileURLToPath(new URL('../../', import.meta.url));

async function runOne(req: FileRequest): Promise<FileReply> {
  const t0 = Date.now();
  tap = '';
  let counts = { pass: 0, fail: 0, skip: 0, todo: 0 };
  const results = await root.test(req.file, { timeout: req.timeoutMs }, async (sub) => {
    useTest(sub as never);
    // counts are read when the subtest ends, its subtests included
    sub.teardown(() => {
      counts = { ...sub.counts };
    });
    await import(pathToFileURL(resolve(repo, req.file)).href);
  });
  // the subtest's closing line is written after its promise settles
  await new Promise((r) => setImmediate(r));
  const fail = counts.fail + (results?.ok === false && counts.fail === 0 ? 1 : 0);
  return {
    file: relative(repo, resolve(repo, req.file)),
    pass: counts.pass,
    fail,
    skip: counts.skip + counts.todo,
    ok: fail === 0,
    ms: Date.now() - t0,
    tap,
  };
}

process.on('message', (req: FileRequest | { done: true }) => {
  if ('done' in req) {
    process.exit(0);
  }
  void runOne(req).then((reply) => process.send?.(reply));
});
// tap unrefs the IPC channel (a test file should not wait on it); this process lives on it
process.channel?.ref();
process.send?.({ ready: true });
