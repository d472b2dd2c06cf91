import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRun } from './runtime.ts';
import { gcStaleRuns } from './gc.ts';
import { addNamespace, listNamespaces, pidsIn } from './linux.ts';
import { pidFile, tempRoot } from './ownership.ts';
import { run, runIn } from '../common/exec.ts';
import type { Topology } from './topology.ts';

// Root only: these tests build real namespaces (prefix lbct, never the suite's lbc).
const topology: Topology = {
  segments: [{ name: 'net', v4: '192.0.2.0/24', v6: '2001:db8:9::/64' }],
  hosts: [
    {
      name: 'r1',
      role: 'router',
      interfaces: [{ name: 'eth0', segment: 'net', v4: '192.0.2.1/24', v6: '2001:db8:9::1/64' }],
    },
    {
      name: 'NodeA',
      role: 'node',
      interfaces: [
        {
          name: 'interfaceA',
          segment: 'net',
          v4: '192.0.2.11/24',
          v6: '2001:db8:9::11/64',
          mac: '02:00:00:00:00:11',
        },
      ],
    },
    {
      name: 'NodeB',
      role: 'node',
      interfaces: [{ name: 'eth0', segment: 'net', v4: '192.0.2.12/24', v6: '2001:db8:9::12/64' }],
    },
  ],
};

const ours = (key: string): string[] => listNamespaces().filter((n) => n.startsWith(`${key}-`));

t.test('a dual-stack segment comes up reachable, DAD off, and goes away completely', async (t) => {
  const started = Date.now();
  const r = await createRun({ prefix: 'lbct' });
  t.teardown(() => r.close());
  t.match(r.runId, /^[0-9a-f]{6}$/);
  t.equal(r.key, `lbct-${r.runId}`);
  t.equal(readFileSync(pidFile(r.key), 'utf8').split(' ')[0], String(process.pid), 'pid file names us');
  t.ok(statSync(r.tempDir).isDirectory(), 'temp dir');
  const lab = await r.up(topology);
  const upMs = Date.now() - started;
  const a = lab.nsOf('NodeA');
  t.ok(a.startsWith(`${r.key}-`) && a.endsWith('-NodeA'), `namespace name ${a}`);
  t.throws(() => lab.nsOf('nobody'), { code: 'UNKNOWN_HOST' });
  t.equal(await lab.macOf('NodeA', 'interfaceA'), '02:00:00:00:00:11');
  t.equal(lab.addressOf('NodeB', 'ipv6'), '2001:db8:9::12');
  t.equal(lab.addressOf('NodeA', 'ipv4', 'interfaceA'), '192.0.2.11');
  t.throws(() => lab.addressOf('NodeA', 'ipv4', 'eth9'), { code: 'NO_ADDRESS' });

  for (const h of topology.hosts) {
    const ns = lab.nsOf(h.name);
    for (const i of h.interfaces)
      t.equal(
        (await runIn(ns, 'cat', [`/sys/class/net/${i.name}/operstate`])).stdout.trim(),
        'up',
        `${h.name}/${i.name} operstate up`,
      );
    t.equal(
      (await runIn(ns, 'cat', ['/sys/class/net/lo/operstate'])).stdout.trim(),
      'unknown',
      `${h.name}/lo is up (loopback reads "unknown")`,
    );
    const dad = (
      await runIn(ns, 'sysctl', ['-n', 'net.ipv6.conf.all.accept_dad', 'net.ipv6.conf.default.accept_dad'])
    ).stdout
      .split('\n')
      .filter(Boolean);
    t.same(dad, ['0', '0'], `${h.name}: DAD off`);
    const fwd = (
      await runIn(ns, 'sysctl', ['-n', 'net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding'])
    ).stdout
      .split('\n')
      .filter(Boolean);
    t.same(
      fwd,
      h.role === 'router' ? ['1', '1'] : ['0', '0'],
      `${h.name}: forwarding ${h.role === 'router' ? 'on' : 'off'}`,
    );
  }
  const addr = JSON.parse((await run('ip', ['-n', a, '-j', 'addr', 'show', 'dev', 'interfaceA'])).stdout) as {
    addr_info: { local: string; tentative?: boolean }[];
  }[];
  t.notOk(
    addr[0]!.addr_info.some((x) => x.tentative),
    'no tentative address',
  );

  await Promise.all([
    runIn(a, 'ping', ['-c1', '-W1', '192.0.2.12']),
    runIn(a, 'ping', ['-c1', '-W1', '192.0.2.1']),
    runIn(a, 'ping', ['-6', '-c1', '-W1', '2001:db8:9::1']),
    runIn(lab.nsOf('NodeB'), 'ping', ['-6', '-c1', '-W1', '2001:db8:9::11']),
  ]);
  t.pass(`pings across the segment, both families (bring-up ${upMs} ms)`);

  await lab.setLink('NodeB', 'eth0', 'down');
  const failed = await runIn(a, 'ping', ['-c1', '-W0.3', '192.0.2.12'], { allowFail: true });
  t.not(failed.code, 0, 'link down cuts NodeB off');
  await lab.setLink('NodeB', 'eth0', 'up');
  await runIn(a, 'ping', ['-c1', '-W1', '192.0.2.12']);
  t.pass('link up again: reachable');

  const namespaces = lab.namespaces();
  t.equal(namespaces.length, 4, '3 hosts + 1 switch');
  const closing = Date.now();
  await r.close();
  const closeMs = Date.now() - closing;
  await r.close();
  t.pass(`close is idempotent (teardown ${closeMs} ms)`);
  t.same(ours(r.key), [], 'no namespace of the run');
  t.notOk(existsSync(r.tempDir), 'temp dir gone');
  t.notOk(existsSync(pidFile(r.key)), 'pid file gone');
  await t.rejects(r.up(topology), { code: 'RUN_CLOSED' });
});

t.test('a bring-up that fails half-way leaves nothing behind', async (t) => {
  const r = await createRun({ prefix: 'lbct' });
  t.teardown(() => r.close());
  // Occupy the name the first lab's second host will get: `ip netns add` fails for it.
  const squatter = `${r.key}-0-h-NodeB`;
  await addNamespace(squatter, []);
  await t.rejects(r.up(topology), { code: 'EXEC_FAILED' });
  t.same(
    ours(r.key).filter((n) => n !== squatter),
    [],
    'the partial lab is gone',
  );
  await r.close();
  t.same(ours(r.key), [], 'close removes every namespace of the run, even one no lab knew');
});

t.test('close() during a bring-up waits for it and removes everything', async (t) => {
  const r = await createRun({ prefix: 'lbct' });
  t.teardown(() => r.close());
  const up = r.up(topology);
  up.catch(() => {});
  await r.close();
  t.same(ours(r.key), [], 'no namespace of the run');
  t.notOk(existsSync(r.tempDir) || existsSync(pidFile(r.key)), 'no temp dir, no pid file');
});

t.test('bad prefixes are refused', async (t) => {
  for (const prefix of ['', 'LBC', 'lb-c', 'lbc.*', 'averylongprefix'])
    await t.rejects(createRun({ prefix }), { code: 'RUN_PREFIX_INVALID' }, prefix);
});

interface Helper {
  child: ReturnType<typeof spawn>;
  key: string;
  ns: string;
  sleeper: number;
}

/** Starts testdata/abandon-run.ts and waits for its READY line. */
async function startHelper(): Promise<Helper> {
  const script = fileURLToPath(new URL('./testdata/abandon-run.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise<Helper>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /READY (\S+) (\S+) (\d+)/.exec(out);
      if (m) resolve({ child, key: m[1]!, ns: m[2]!, sleeper: Number(m[3]) });
    });
    child.on('exit', (code) => reject(new Error(`helper exited ${code} before READY`)));
  });
}

/** Gone, or a zombie waiting for a parent that is no longer there to reap it. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

t.test(
  'a run killed with SIGKILL is collected by the next run, daemons included; live runs are not',
  async (t) => {
    const live = await createRun({ prefix: 'lbct' });
    t.teardown(() => live.close());
    const liveLab = await live.up({
      segments: [{ name: 'y' }],
      hosts: [{ name: 'k', role: 'host', interfaces: [{ name: 'eth0', segment: 'y' }] }],
    });

    const h = await startHelper();
    t.teardown(() => gcStaleRuns('lbct'));
    t.ok((await pidsIn(h.ns)).includes(h.sleeper), 'a process runs in the abandoned namespace');
    h.child.kill('SIGKILL');
    await new Promise((r) => h.child.once('exit', r));
    t.ok(listNamespaces().includes(h.ns), 'the killed run left its namespace behind');
    t.ok(existsSync(pidFile(h.key)), 'and its pid file');

    const report = await gcStaleRuns('lbct');
    t.ok(report.runs.includes(h.key), 'gc names the run');
    t.ok(report.namespaces.includes(h.ns), 'gc names the namespaces');
    t.ok(report.processes.includes(h.sleeper), 'gc names the processes it killed');
    t.same(ours(h.key), [], 'namespaces removed');
    t.notOk(alive(h.sleeper), 'the process inside was killed');
    t.notOk(existsSync(pidFile(h.key)), 'pid file removed');
    t.notOk(existsSync(`${tempRoot}/${h.key}`), 'temp dir removed');
    t.notOk(report.runs.includes(live.key), 'the live run is not touched');
    t.ok(listNamespaces().includes(liveLab.nsOf('k')), 'the live run keeps its namespaces');
  },
);

t.test('a namespace of the prefix without a pid file is garbage', async (t) => {
  const orphan = `lbct-${'abcdef'}-0-h-x`;
  await addNamespace(orphan, []);
  t.teardown(() => run('ip', ['netns', 'del', orphan], { allowFail: true }));
  const report = await gcStaleRuns('lbct');
  t.ok(report.namespaces.includes(orphan));
  t.notOk(listNamespaces().includes(orphan));
});

for (const [signal, code] of [
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const) {
  t.test(`${signal}: the run cleans up itself and exits ${code}`, async (t) => {
    const h = await startHelper();
    t.teardown(() => gcStaleRuns('lbct'));
    const exited = new Promise<number | null>((r) => h.child.once('exit', (c) => r(c)));
    h.child.kill(signal);
    t.equal(await exited, code, `exit code ${code}`);
    t.same(ours(h.key), [], 'namespaces removed by the run itself');
    t.notOk(alive(h.sleeper), 'the process inside was killed');
    t.notOk(existsSync(pidFile(h.key)), 'pid file removed');
    t.notOk(existsSync(`${tempRoot}/${h.key}`), 'temp dir removed');
  });
}
