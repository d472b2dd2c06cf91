import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRun } from './runtime.ts';
import { gcStaleRuns } from './gc.ts';
import { listNamespaces } from './linux.ts';
import { pidFile } from './ownership.ts';
import { run, runIn } from '../harness/exec.ts';
import type { Topology } from './topology.ts';

// Root only: these tests build real namespaces (prefix lbct, never the suite's lbc).
const topology: Topology = {
  segments: [{ name: 'net', v4: '192.0.2.0/24', v6: '2001:db8:9::/64' }],
  hosts: [
    { name: 'r1', role: 'router', interfaces: [{ name: 'eth0', segment: 'net', v4: '192.0.2.1/24', v6: '2001:db8:9::1/64' }] },
    { name: 'NodeA', role: 'node', interfaces: [{ name: 'interfaceA', segment: 'net', v4: '192.0.2.11/24', v6: '2001:db8:9::11/64', mac: '02:00:00:00:00:11' }] },
    { name: 'NodeB', role: 'node', interfaces: [{ name: 'eth0', segment: 'net', v4: '192.0.2.12/24', v6: '2001:db8:9::12/64' }] },
  ],
};

t.test('a dual-stack segment comes up reachable, DAD off, and goes away completely', async (t) => {
  const r = await createRun({ prefix: 'lbct' });
  t.teardown(() => r.close());
  const lab = await r.up(topology);
  const a = lab.nsOf('NodeA');
  t.equal(await lab.macOf('NodeA', 'interfaceA'), '02:00:00:00:00:11');
  t.equal(lab.addressOf('NodeB', 'ipv6'), '2001:db8:9::12');
  t.equal((await runIn(a, 'sysctl', ['-n', 'net.ipv6.conf.all.accept_dad'])).stdout.trim(), '0');
  t.equal((await runIn(lab.nsOf('r1'), 'sysctl', ['-n', 'net.ipv4.ip_forward'])).stdout.trim(), '1');
  await runIn(a, 'ping', ['-c1', '-W2', '192.0.2.12']);
  await runIn(a, 'ping', ['-6', '-c1', '-W2', '2001:db8:9::1']);
  const addr = JSON.parse((await run('ip', ['-n', a, '-j', 'addr', 'show', 'dev', 'interfaceA'])).stdout) as { addr_info: { local: string; tentative?: boolean }[] }[];
  t.notOk(addr[0]!.addr_info.some((x) => x.tentative), 'no tentative address');

  await lab.setLink('NodeB', 'eth0', 'down');
  const failed = await runIn(a, 'ping', ['-c1', '-W1', '192.0.2.12'], { allowFail: true });
  t.not(failed.code, 0, 'link down cuts NodeB off');
  await lab.setLink('NodeB', 'eth0', 'up');

  const namespaces = lab.namespaces();
  t.equal(namespaces.length, 4);
  await r.close();
  t.same(listNamespaces().filter((n) => namespaces.includes(n)), [], 'namespaces gone');
  t.notOk(existsSync(r.tempDir), 'temp dir gone');
  t.notOk(existsSync(pidFile(r.key)), 'pid file gone');
});

t.test('a run killed with SIGKILL is collected by the next run, daemons included', async (t) => {
  const script = fileURLToPath(new URL('./testdata/abandon-run.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ns = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`helper exited ${code} before READY`)));
  });
  const sleeper = (await run('ip', ['netns', 'pids', ns])).stdout.trim();
  t.ok(sleeper, 'a process runs in the abandoned namespace');
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  t.ok(listNamespaces().includes(ns), 'the killed run left its namespace behind');

  const report = await gcStaleRuns('lbct');
  t.ok(report.namespaces.includes(ns), 'gc names what it removed');
  t.notOk(listNamespaces().includes(ns), 'namespace removed');
  t.notOk(alive(Number(sleeper)), 'the process inside was killed');
});

/** Gone, or a zombie waiting for a parent that is no longer there to reap it. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
