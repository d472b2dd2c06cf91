import { Given, Then, When } from '@cucumber/cucumber';
import {
  arpProbe,
  ndpProbe,
  neighbourEntry,
  startCapture,
  sawGratuitousArp,
  sawUnsolicitedNa,
} from '../../harness/probes/l2.ts';
import { eventually } from '../../harness/wait/eventually.ts';
import { run, runIn, spawnIn } from '../../common/exec.ts';
import { electedNode } from '../../harness/scenario/election.ts';
import { nameList } from '../support/constants.ts';
import type { LbWorld } from '../support/world.ts';

const family = (ip: string): 'ARP' | 'NDP' => (ip.includes(':') ? 'NDP' : 'ARP');
const probe = (ns: string, ip: string, timeoutMs: number): Promise<string[]> =>
  (ip.includes(':') ? ndpProbe : arpProbe)(ns, 'eth0', ip, timeoutMs);

/** MAC -> node, for each node's interface on the host's segment. */
async function macsOf(world: LbWorld, nodes: string[], host: string): Promise<Map<string, string>> {
  const lab = await world.labUp();
  const out = new Map<string, string>();
  for (const n of nodes) out.set((await lab.macOf(n, world.interfaceFacing(n, host))).toLowerCase(), n);
  return out;
}

/** Exactly one answer per probe, from `expected`, several probes in a row. */
async function expectSingleAnswer(
  world: LbWorld,
  host: string,
  ip: string,
  expected: string,
  timeoutMs: number,
): Promise<void> {
  const lab = await world.labUp();
  const macs = await macsOf(world, world.nodes, host);
  await eventually(
    `${family(ip)} for ${ip} from ${host}: exactly one answer, from ${expected}`,
    async () => {
      const answers = (await probe(lab.nsOf(host), ip, 500)).map((m) => macs.get(m.toLowerCase()) ?? m);
      if (answers.length !== 1 || answers[0] !== expected)
        throw new Error(`answers: [${answers.join(', ') || 'none'}], expected exactly [${expected}]`);
    },
    { timeoutMs, consecutive: 3, intervalMs: 100 },
  );
}

Then(
  '{string} gets exactly one answer for {string}, from the elected node',
  async function (this: LbWorld, host: string, ip: string) {
    const alive = this.nodes.filter((n) => this.speakers.has(n));
    await expectSingleAnswer(this, host, ip, electedNode(alive, ip), this.timeouts.l2Answered);
  },
);

Then(
  '{string} gets exactly one answer for {string}, from the elected node among {string}',
  async function (this: LbWorld, host: string, ip: string, candidates: string) {
    await expectSingleAnswer(this, host, ip, electedNode(nameList(candidates), ip), this.timeouts.l2Answered);
  },
);

/** Absence after a sentinel: `present` must be answered first (same config), then `absent` is probed. */
Then(
  '{string} gets no answer for {string} while {string} is answered',
  async function (this: LbWorld, host: string, absent: string, present: string) {
    const lab = await this.labUp();
    const alive = this.nodes.filter((n) => this.speakers.has(n));
    await expectSingleAnswer(this, host, present, electedNode(alive, present), this.timeouts.l2Answered);
    for (let i = 0; i < 3; i++) {
      const answers = await probe(lab.nsOf(host), absent, 700);
      if (answers.length)
        throw new Error(`${absent} must not be announced, but ${answers.join(', ')} answered`);
    }
  },
);

When(
  'a node that does not own {string} restarts its speaker while {string} listens',
  async function (this: LbWorld, ip: string, host: string) {
    const lab = await this.labUp();
    const owner = electedNode(
      this.nodes.filter((n) => this.speakers.has(n)),
      ip,
    );
    const other = this.nodes.find((n) => n !== owner && this.speakers.has(n));
    if (!other) throw new Error('no second node');
    this.capture = await startCapture(lab.nsOf(host), 'eth0', ip.includes(':') ? 'icmp6' : 'arp');
    await this.driver.restart(other, 'kill');
    this.failover = { from: other, killedAt: Date.now(), ip };
  },
);

Then(
  '{string} still gets exactly one answer for {string} from the same node, and no other node announced it',
  async function (this: LbWorld, host: string, ip: string) {
    const lab = await this.labUp();
    const owner = electedNode(this.nodes, ip);
    // Long enough for the restarted speaker to rejoin (membership dead-after 1 s) and settle.
    await expectSingleAnswer(this, host, ip, owner, this.timeouts.l2Answered);
    await eventually(
      `restarted speaker on ${this.failover!.from} settled its membership`,
      async () => {
        const l2 = await this.driver.l2Status(this.failover!.from);
        if (!l2?.settled || (l2.alive?.length ?? 0) < this.nodes.length)
          throw new Error(`l2 status: ${JSON.stringify(l2)}`);
      },
      { timeoutMs: this.timeouts.l2Answered },
    );
    await expectSingleAnswer(this, host, ip, owner, this.timeouts.l2Answered);
    const frames = await this.capture!.stop();
    this.capture = undefined;
    // The owner's own burst from its first acquisition may still be running; any other node announcing
    // the IP would mean it moved.
    const macs = await Promise.all(
      this.nodes
        .filter((n) => n !== owner)
        .map(async (n) => (await lab.macOf(n, this.interfaceFacing(n, host))).toLowerCase()),
    );
    const gratuitous = macs.flatMap((m) =>
      ip.includes(':') ? sawUnsolicitedNa(frames, m, ip) : sawGratuitousArp(frames, m, ip),
    );
    if (gratuitous.length)
      throw new Error(
        `the IP flapped: ${gratuitous.length} gratuitous announcements from ${[...new Set(gratuitous.map((g) => g.src))].join(', ')}`,
      );
  },
);

/** Absence on another segment, once presence was shown on the first (the previous step). */
Then('{string} gets no answer for {string}', async function (this: LbWorld, host: string, ip: string) {
  const lab = await this.labUp();
  for (let i = 0; i < 3; i++) {
    const answers = await probe(lab.nsOf(host), ip, 700);
    if (answers.length)
      throw new Error(`${ip} must not be answered on ${host}'s segment, but ${answers.join(', ')} answered`);
  }
});

When(
  'the elected node for {string} loses its speaker \\(SIGKILL) while {string} listens',
  async function (this: LbWorld, ip: string, host: string) {
    const lab = await this.labUp();
    const owner = electedNode(
      this.nodes.filter((n) => this.speakers.has(n)),
      ip,
    );
    // The host really uses the IP first: an on-link route and one ping leave a kernel neighbour entry
    // (pointing at the owner) that only a gratuitous announcement from the new owner can move.
    const ns = lab.nsOf(host);
    this.labDirty = true;
    const v6 = ip.includes(':');
    await run('ip', [
      '-n',
      ns,
      ...(v6 ? ['-6'] : []),
      'route',
      'replace',
      `${ip}/${v6 ? 128 : 32}`,
      'dev',
      'eth0',
    ]);
    await runIn(ns, 'ping', [...(v6 ? ['-6'] : []), '-c', '1', '-W', '1', ip], { allowFail: true });
    const ownerMac = (await lab.macOf(owner, this.interfaceFacing(owner, host))).toLowerCase();
    await eventually(
      `${host} has a neighbour entry for ${ip} pointing at ${owner}`,
      async () => {
        const entry = await neighbourEntry(ns, ip);
        if (entry?.mac.toLowerCase() !== ownerMac)
          throw new Error(`neighbour entry: ${JSON.stringify(entry)}, expected ${ownerMac}`);
      },
      { timeoutMs: this.timeouts.l2Answered },
    );
    this.capture = await startCapture(lab.nsOf(host), 'eth0', ip.includes(':') ? 'icmp6' : 'arp');
    this.failover = { from: owner, killedAt: Date.now(), ip };
    await this.driver.kill(owner);
  },
);

Then(
  'another node takes {string} over: {string} gets exactly one answer from the new owner, saw its gratuitous announcement, and its neighbour entry moved',
  async function (this: LbWorld, ip: string, host: string) {
    const f = this.failover;
    if (!f || !this.capture) throw new Error('no failover in progress');
    const lab = await this.labUp();
    const newOwner = electedNode(
      this.nodes.filter((n) => this.speakers.has(n)),
      ip,
    );
    if (newOwner === f.from) throw new Error('the election did not change');
    await expectSingleAnswer(this, host, ip, newOwner, this.timeouts.l2Failover);
    const answeredAfter = Date.now() - f.killedAt;
    const mac = (await lab.macOf(newOwner, this.interfaceFacing(newOwner, host))).toLowerCase();
    const frames = await this.capture.stop();
    this.capture = undefined;
    const gratuitous = ip.includes(':')
      ? sawUnsolicitedNa(frames, mac, ip)
      : sawGratuitousArp(frames, mac, ip);
    if (!gratuitous.length)
      throw new Error(
        `no gratuitous ${family(ip)} from ${newOwner} (${mac}) for ${ip} among ${frames.length} captured frames`,
      );
    await eventually(
      `${host}'s neighbour entry for ${ip} points at ${newOwner}`,
      async () => {
        const entry = await neighbourEntry(lab.nsOf(host), ip);
        if (entry?.mac.toLowerCase() !== mac)
          throw new Error(`neighbour entry: ${JSON.stringify(entry)}, expected ${mac}`);
      },
      { timeoutMs: this.timeouts.l2Failover },
    );
    const firstGratuitous = Math.min(...gratuitous.map((g) => g.timeMs)) - f.killedAt;
    this.log(
      `failover ${f.from} -> ${newOwner} for ${ip}: first gratuitous ${family(ip)} ${firstGratuitous} ms after SIGKILL (answer confirmed 3 times by ${answeredAfter} ms)`,
    );
  },
);

/**
 * Stand-in for kube-proxy: every node holds the Service IP on lo (ARP for it left to the speaker:
 * arp_ignore=1) and runs a tiny TCP server on it that answers with its node name.
 */
Given(
  'every node serves TCP port {int} on {string}, answering with its name',
  async function (this: LbWorld, port: number, ip: string) {
    const lab = await this.labUp();
    this.labDirty = true;
    for (const node of this.nodes) {
      const ns = lab.nsOf(node);
      await runIn(ns, 'sysctl', [
        '-q',
        '-w',
        'net.ipv4.conf.all.arp_ignore=1',
        'net.ipv4.conf.all.arp_announce=2',
      ]);
      await run('ip', ['-n', ns, 'addr', 'add', `${ip}/32`, 'dev', 'lo']);
      const server = `require('net').createServer((s) => s.end(${JSON.stringify(node)} + '\\n')).listen(${port}, ${JSON.stringify(ip)}, () => console.log('listening'))`;
      const p = spawnIn(ns, process.execPath, ['-e', server], {
        logFile: `${this.scenarioDir}/tcp-server-${node}.log`,
      });
      this.extraProcesses.push(p);
    }
  },
);

Then(
  'a TCP connection from {string} to {string} port {int} reaches the elected node',
  async function (this: LbWorld, host: string, ip: string, port: number) {
    const lab = await this.labUp();
    const owner = electedNode(
      this.nodes.filter((n) => this.speakers.has(n)),
      ip,
    );
    this.labDirty = true;
    await run('ip', ['-n', lab.nsOf(host), 'route', 'replace', `${ip}/32`, 'dev', 'eth0']);
    const client = `const s = require('net').connect(${port}, ${JSON.stringify(ip)}); let d = ''; s.on('data', (x) => (d += x)); s.on('end', () => { process.stdout.write(d); }); s.on('error', (e) => { console.error(e.message); process.exit(1); }); setTimeout(() => process.exit(2), 2000).unref();`;
    await eventually(
      `TCP ${host} -> ${ip}:${port} answered by ${owner}`,
      async () => {
        const r = await runIn(lab.nsOf(host), process.execPath, ['-e', client], { allowFail: true });
        if (r.stdout.trim() !== owner)
          throw new Error(
            `answered by "${r.stdout.trim()}" (exit ${r.code}, ${r.stderr.trim()}), expected ${owner}`,
          );
      },
      { timeoutMs: this.timeouts.l2Answered, consecutive: 3 },
    );
  },
);

/** Nobody may answer anywhere, and the elected node must say why (IP, node, protocol). */
Then(
  'nobody answers {string} on either segment, and the elected node reports an announce error for it',
  async function (this: LbWorld, ip: string) {
    const lab = await this.labUp();
    const owner = electedNode(this.nodes, ip);
    // What the hosts see decides; the speaker's own report is checked when it declares l2-events.
    if (this.driver.declares('l2-events'))
      await this.driver.waitForEvent(
        owner,
        'l2.announce.error',
        (e) => e['ip'] === ip && e['node'] === owner && /ARP|NDP/.test(String(e['protocol'])),
        this.timeouts.l2Answered,
        `reports l2.announce.error naming ${ip}, ${owner} and the protocol`,
      );
    for (const host of this.topology.hosts.filter((h) => h.role === 'host').map((h) => h.name)) {
      const answers = await probe(lab.nsOf(host), ip, 700);
      if (answers.length) throw new Error(`${ip} answered on ${host}'s segment by ${answers.join(', ')}`);
    }
  },
);
