import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecError, run, spawnProcess } from './exec.ts';

// No root needed: plain programs, no namespaces (spawnIn is spawnProcess behind `ip netns exec`).

t.test('run returns stdout, stderr and code 0', async (t) => {
  t.same(
    await run('printf', ['%s|%s', 'a b', '$(x)']),
    { stdout: 'a b|$(x)', stderr: '', code: 0 },
    'arguments are never shell syntax',
  );
  t.equal((await run('cat', [], { input: 'piped' })).stdout, 'piped');
});

t.test('a failing program throws EXEC_FAILED with the command line and stderr', async (t) => {
  const err = await run('sh', ['-c', 'echo oops >&2; exit 3', 'arg with space']).catch((e: unknown) => e);
  t.ok(err instanceof ExecError);
  t.match(err, { code: 'EXEC_FAILED', exitCode: 3, stderr: 'oops\n' });
  t.match((err as Error).message, /^sh -c 'echo oops >&2; exit 3' 'arg with space' exited 3: oops$/);
});

t.test('allowFail resolves with the code', async (t) => {
  t.equal((await run('false', [], { allowFail: true })).code, 1);
  t.equal((await run('/nonexistent/program', [], { allowFail: true })).code, 127);
});

t.test('not found, killed and timed out are EXEC_FAILED too', async (t) => {
  await t.rejects(run('/nonexistent/program', []), {
    code: 'EXEC_FAILED',
    exitCode: 127,
    message: /could not be started \(ENOENT\)/,
  });
  await t.rejects(run('sh', ['-c', 'kill -TERM $$']), {
    code: 'EXEC_FAILED',
    exitCode: 143,
    message: /killed by SIGTERM/,
  });
  await t.rejects(run('sleep', ['5'], { timeoutMs: 50 }), {
    code: 'EXEC_FAILED',
    exitCode: 137,
    message: /timed out after 50 ms/,
  });
});

t.test('spawnProcess: logs to a file, exited resolves, stop is idempotent', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lbct-exec-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'sub', 'p.log');
  const p = spawnProcess('sh', ['-c', 'echo out; echo err >&2; exit 4'], { logFile: log });
  t.equal(await p.exited, 4);
  t.equal(readFileSync(log, 'utf8').split('\n').sort().join(' ').trim(), 'err out');
  await p.stop();
});

t.test('spawnProcess: stop sends the signal, then escalates to SIGKILL after the timeout', async (t) => {
  const polite = spawnProcess('sleep', ['30']);
  await polite.stop('SIGTERM', 2000);
  t.equal(await polite.exited, 143, 'SIGTERM was enough');

  // Ignores SIGTERM: only SIGKILL ends it. It says READY once the trap is set.
  const dir = mkdtempSync(join(tmpdir(), 'lbct-exec-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'stubborn.log');
  const stubborn = spawnProcess('sh', ['-c', 'trap "" TERM; echo READY; while :; do sleep 0.05; done'], {
    logFile: log,
  });
  const deadline = Date.now() + 5000;
  while (!readFileSync(log, 'utf8').includes('READY') && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 10));
  const start = Date.now();
  await stubborn.stop('SIGTERM', 150);
  t.equal(await stubborn.exited, 137, 'killed by SIGKILL');
  t.ok(Date.now() - start >= 140, 'waited for the timeout first');
});

t.test('spawnProcess of a missing program fails with SPAWN_FAILED', async (t) => {
  t.throws(() => spawnProcess('/nonexistent/program', []), { code: 'SPAWN_FAILED' });
});
