import t from 'tap';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createRun, type Lab } from '../../netns/runtime.ts';
import type { Topology } from '../../netns/topology.ts';
import { run, runIn } from '../../common/exec.ts';
import { poll } from '../../common/poll.ts';
import {
  arpProbe,
  ndpProbe,
  neighbourEntry,
  sawGratuitousArp,
  sawUnsolicitedNa,
  startCapture,
  tsxImport,
} from '../../harness/probes/l2.ts';
import { nativePath } from './packet-socket.ts';

// Root only: real namespaces (prefix lbcl), the responder in a node namespace, probes from a client.
const V4 = '4.4.4.1';
const V6 = 'fc00:f853:ccd:e799::1';
const topology: Topology = {
  segments: [
    { name: 'seg', v4: '192.0.2.0/24', v6: '2001:db8:7::/64' },
    { name: 'seg2', v4: '198.51.100.0/24' },
  ],
  hosts: [
    {
      name: 'client',
      role: 'host',
      interfaces: [{ name: 'eth0', segment: 'seg', v4: '192.0.2.100/24', v6: '2001:db8:7::100/64' }],
    },
    {
      name: 'client2',
      role: 'host',
      interfaces: [{ name: 'eth0', segment: 'seg2', v4: '198.51.100.100/24' }],
    },
    {
      name: 'nodeA',
      role: 'node',
      interfaces: [
        {
          name: 'interfaceA',
          segment: 'seg',
          v4: '192.0.2.11/24',
          v6: '2001:db8:7::11/64',
          mac: '02:00:00:00:0a:01',
        },
        { name: 'eth1', segment: 'seg2', v4: '198.51.100.11/24', mac: '02:00:00:00:0a:02' },
      ],
    },
    {
      name: 'nodeB',
      role: 'node',
      interfaces: [
        {
          name: 'eth0',
          segment: 'seg',
          v4: '192.0.2.12/24',
          v6: '2001:db8:7::12/64',
          mac: '02:00:00:00:0b:01',
        },
      ],
    },
  ],
};

const runner = fileURLToPath(new URL('./testdata/run-responder.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

interface Responder {
  own(own: unknown[]): Promise<void>;
  events: Record<string, unknown>[];
  stop(): Promise<void>;
}

async function startResponder(lab: Lab, host: string): Promise<Responder> {
  const child: ChildProcessByStdio<Writable, Readable, null> = spawn(
    'ip',
    ['netns', 'exec', lab.nsOf(host), process.execPath, '--import', tsxImport(), runner, host],
    { stdio: ['pipe', 'pipe', 'ignore'], cwd: repoRoot },
  );
  const events: Record<string, unknown>[] = [];
  let buf = '';
  const waiters: ((m: Record<string, unknown>) => void)[] = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const m = JSON.parse(buf.slice(0, i)) as Record<string, unknown>;
      buf = buf.slice(i + 1);
      events.push(m);
      for (const w of waiters.splice(0)) w(m);
    }
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const next = (pred: (m: Record<string, unknown>) => boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`responder on ${host}: no answer`)), 10_000);
      const check = (m: Record<string, unknown>): void => {
        if (pred(m)) {
          clearTimeout(timer);
          resolve();
        } else waiters.push(check);
      };
      if (events.some(pred)) {
        clearTimeout(timer);
        resolve();
      } else waiters.push(check);
    });
  await next((m) => m.ready === true);
  let n = 0;
  return {
    events,
    async own(own) {
      const want = ++n;
      child.stdin.write(JSON.stringify({ own }) + '\n');
      await next((m) => m.ack === want);
    },
    async stop() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

t.test(
  'L2 responder in a namespace, observed from a client',
  { skip: process.getuid?.() !== 0 ? 'needs root' : false },
  async (t) => {
    if (!existsSync(nativePath)) await run(fileURLToPath(new URL('./native/build.sh', import.meta.url)), []);
    const r = await createRun({ prefix: 'lbcl' });
    t.teardown(() => r.close());
    const lab = await r.up(topology);
    const client = lab.nsOf('client');
    const macA = await lab.macOf('nodeA', 'interfaceA');
    const macB = await lab.macOf('nodeB', 'eth0');

    const a = await startResponder(lab, 'nodeA');
    t.teardown(() => a.stop());
    t.same(
      a.events[0]!.interfaces,
      ['eth1', 'interfaceA'],
      "the responder found the namespace's interfaces (lo skipped)",
    );

    const cap = await startCapture(client, 'eth0', 'arp or icmp6');
    await a.own([V4, V6]);
    await poll(
      'gratuitous ARP (both forms) and unsolicited NA seen by the client',
      async () => {
        const f = cap.frames();
        const garp = sawGratuitousArp(f, macA, V4);
        if (!garp.some((x) => x.arp!.op === 1) || !garp.some((x) => x.arp!.op === 2))
          throw new Error(`gratuitous ARP: ${garp.length}`);
        if (sawUnsolicitedNa(f, macA, V6).length === 0) throw new Error('no unsolicited NA');
      },
      { timeoutMs: 3000 },
    );
    const seen = await cap.stop();
    t.pass(
      `capture saw ${sawGratuitousArp(seen, macA, V4).length} gratuitous ARP and ${sawUnsolicitedNa(seen, macA, V6).length} unsolicited NA from A`,
    );

    t.same(await arpProbe(client, 'eth0', V4, 500), [macA], 'ARP: exactly one answer, from A');
    t.same(await ndpProbe(client, 'eth0', V6, 500), [macA], 'NDP: exactly one answer, from A');

    // The kernel's own resolution on the client lands on A's MAC too (IP not configured anywhere).
    await runIn(client, 'ip', ['route', 'add', '4.4.4.0/24', 'dev', 'eth0']);
    await runIn(client, 'ping', ['-c1', '-W1', V4], { allowFail: true });
    const entry = await poll(
      'client has a neighbour entry for the IP',
      async () => {
        const e = await neighbourEntry(client, V4);
        if (!e || e.mac !== macA) throw new Error(JSON.stringify(e));
        return e;
      },
      { timeoutMs: 3000 },
    );
    t.equal(entry.mac, macA, `neighbour entry ${entry.state}`);
    await runIn(client, 'ip', ['-6', 'route', 'add', 'fc00:f853:ccd:e799::/64', 'dev', 'eth0']);
    await runIn(client, 'ping', ['-6', '-c1', '-W1', V6], { allowFail: true });
    const entry6 = await poll(
      'client has an IPv6 neighbour entry (the kernel accepted our NA)',
      async () => {
        const e = await neighbourEntry(client, V6);
        if (!e || e.mac !== macA) throw new Error(JSON.stringify(e));
        return e;
      },
      { timeoutMs: 3000 },
    );
    t.equal(entry6.mac, macA, `IPv6 neighbour entry ${entry6.state}`);
    const nd = await runIn(client, 'ndisc6', ['-1', '-r', '2', '-w', '1000', V6, 'eth0'], {
      allowFail: true,
    });
    t.match(nd.stdout.toLowerCase(), macA, `ndisc6 sees the NA with A's MAC: ${nd.stdout} ${nd.stderr}`);
    const ar = await runIn(client, 'arping', ['-c', '1', '-w', '2', '-I', 'eth0', V4], { allowFail: true });
    t.match(ar.stdout.toLowerCase(), macA, `arping sees the reply with A's MAC: ${ar.stdout} ${ar.stderr}`);

    // A second responder owning the same IP: the probe counts both answers.
    const b = await startResponder(lab, 'nodeB');
    t.teardown(() => b.stop());
    await b.own([V4]);
    t.same(
      (await arpProbe(client, 'eth0', V4, 500)).sort(),
      [macA, macB].sort(),
      'two owners give two answers',
    );
    await b.own([]);

    await a.own([]);
    t.same(await arpProbe(client, 'eth0', V4, 500), [], 'released: no ARP answer');
    t.same(await ndpProbe(client, 'eth0', V6, 500), [], 'released: no NA');

    // interfaces: ['interfaceA'] on a node with interfaceA and eth1.
    await a.own([{ ip: V4, interfaces: ['interfaceA'] }]);
    t.same(await arpProbe(client, 'eth0', V4, 500), [macA], 'answered on interfaceA');
    t.same(await arpProbe(lab.nsOf('client2'), 'eth0', V4, 500), [], 'not on eth1');
    await a.own([V4]);
    t.same(
      await arpProbe(lab.nsOf('client2'), 'eth0', V4, 500),
      [await lab.macOf('nodeA', 'eth1')],
      'without the list eth1 answers with its own MAC',
    );

    await a.own([{ ip: V6, interfaces: ['interfaceB'] }]);
    const err = a.events.find((e) => e.event === 'announce-error');
    t.match(
      err,
      { code: 'L2_NO_INTERFACE', ip: V6, node: 'nodeA', protocol: 'NDP' },
      'error event names IP, node and protocol',
    );
  },
);
