import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { cliScript, nodeScriptArgs } from '../../common/node-script.ts';

// A manifest change is often signalled right after the speaker was started (the suite writes and
// SIGHUPs at once): a SIGHUP that arrives while the speaker is still starting must queue a reload,
// not kill it (SIGHUP's default action). No BGPPeer and no L2Advertisement: nothing is opened.
t.test('SIGHUPs during start-up neither kill the speaker nor get lost', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lbc-sighup-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const manifests = join(dir, 'manifests');
  const state = join(dir, 'state');
  for (const d of [manifests, state]) rmSync(d, { recursive: true, force: true });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(manifests);
  writeFileSync(
    join(manifests, 'pool.yaml'),
    'apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: p\n  namespace: metallb-system\nspec:\n  addresses:\n    - 203.0.113.0/30\n',
  );
  const child = spawn(
    process.execPath,
    [...nodeScriptArgs(cliScript), 'speaker', '--node', 'NodeA', manifests],
    {
      env: { ...process.env, LBCONFORM_STATE_DIR: state, LBCONFORM_LOG_LEVEL: 'debug' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  // From the first log line on (the process has loaded its code), SIGHUP it every 5 ms until it applied.
  const deadline = Date.now() + 30_000;
  while (!log.includes('speaker.starting') && Date.now() < deadline) await delay(2);
  while (!log.includes('config.applied') && Date.now() < deadline && child.exitCode === null) {
    child.kill('SIGHUP');
    await delay(5);
  }
  // One more SIGHUP once running; poll until a reload finished after it (applied or unchanged), or the
  // process exited, instead of sleeping.
  const reloadsDone = () => (log.match(/config\.(applied|unchanged)/g) ?? []).length;
  const before = reloadsDone();
  child.kill('SIGHUP');
  const reloadDeadline = Date.now() + 10_000;
  while (reloadsDone() <= before && child.exitCode === null && Date.now() < reloadDeadline) await delay(5);
  t.ok(reloadsDone() > before, 'a reload finished after the last SIGHUP', { log });
  t.equal(child.exitCode, null, 'still running after SIGHUPs during start-up', { log });
  t.match(log, /config\.applied/);
  child.kill('SIGTERM');
  const { code, signal } = await exited;
  t.equal(signal, null, 'not killed by a signal');
  t.equal(code, 0, 'a clean stop');
  t.match(log, /speaker\.stopped/);
});
