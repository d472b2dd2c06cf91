import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { createRun } from './runtime.ts';
import { listNamespaces } from './linux.ts';
import { run } from '../common/exec.ts';

// Root only. The real suite is SIGKILLed in the middle of a scenario (routers and speakers running);
// the next run's start must remove every namespace, daemon, temp folder and pid file of it.
const repo = fileURLToPath(new URL('../', import.meta.url));

function alive(pid: number): boolean {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return st.slice(st.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

t.test('a suite killed with SIGKILL mid-scenario leaves nothing after the next start', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'lbc-leftovers-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const before = new Set(listNamespaces());
  const vethsBefore = (await run('ip', ['-j', 'link', 'show', 'type', 'veth'])).stdout;
  const child = spawn(
    join(repo, 'bin/lbconform'),
    // one worker, the default prefix: the namespaces are lbc-<run>-..., whatever the caller's environment
    ['run', '--parallel', '1', '--out', out, join(repo, 'features/bgp-basic.feature')],
    { stdio: 'ignore', env: { ...process.env, LBCONFORM_NETNS_PREFIX: 'lbc' } },
  );
  // Wait until the run has namespaces with processes in them (routers up, speakers starting).
  let ours: string[] = [];
  let pids: number[] = [];
  for (let i = 0; i < 400 && pids.length < 3; i++) {
    await delay(50);
    ours = listNamespaces().filter((n) => n.startsWith('lbc-') && !before.has(n));
    pids = [];
    for (const ns of ours)
      pids.push(
        ...(await run('ip', ['netns', 'pids', ns], { allowFail: true })).stdout
          .split(/\s+/)
          .filter(Boolean)
          .map(Number),
      );
  }
  t.ok(
    pids.length >= 3,
    `routers/speakers were running (${pids.length} processes in ${ours.length} namespaces)`,
  );
  const key = ours[0]!.split('-').slice(0, 2).join('-');
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  t.ok(
    listNamespaces().some((n) => n.startsWith(`${key}-`)),
    'the killed run left namespaces behind',
  );

  const next = await createRun({ prefix: 'lbc' });
  await next.close();
  t.same(
    listNamespaces().filter((n) => n.startsWith(`${key}-`)),
    [],
    'no namespace of the killed run',
  );
  t.same(pids.filter(alive), [], 'no router, speaker or daemon of the killed run');
  t.notOk(existsSync(`/tmp/lbconform/${key}`), 'no temp folder');
  t.notOk(existsSync(`/run/lbconform/${key}.pid`), 'no pid file');
  const veths = (await run('ip', ['-j', 'link', 'show', 'type', 'veth'])).stdout;
  t.same(JSON.parse(veths || '[]'), JSON.parse(vethsBefore || '[]'), 'no new veth in the root namespace');
});
