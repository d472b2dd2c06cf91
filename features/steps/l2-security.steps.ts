import { Then, When, type DataTable } from '@cucumber/cucumber';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { arpProbe, sawGratuitousArp, startCapture } from '../../harness/probes/l2.ts';
import { nodeScriptArgs } from '../../common/node-script.ts';
import {
  forgerScript,
  type CounterChoice,
  type ForgedMessage,
  type Signature,
} from '../../harness/probes/membership-forger.ts';
import { run, runIn, spawnIn, type Spawned } from '../../common/exec.ts';
import { eventually } from '../../harness/wait/eventually.ts';
import { electedNode } from '../../harness/scenario/election.ts';
import type { LbWorld } from '../support/world.ts';

/**
 * A forged member on the node segment (features/l2-security.feature): a host that is not a node sends
 * membership datagrams without the secret, or replays real ones it captured, and the speakers must
 * refuse every one (logged with the reason) while the Service IP stays with its owner.
 */

/** The reference speaker's default membership port (`--l2-port`). */
const MEMBERSHIP_PORT = 7946;

interface Attack {
  attacker: string;
  owner: string;
  ip: string;
  /** Wall clock when the first datagram went out: log lines from then on belong to the attack. */
  since: number;
  /** Datagrams sent per receiving node. */
  sent: Map<string, number>;
  capture?: { proc: Spawned; file: string };
}

const attacks = new WeakMap<LbWorld, Attack>();

function attackOf(world: LbWorld): Attack {
  const a = attacks.get(world);
  if (!a) throw new Error('no membership attack in this scenario yet');
  return a;
}

// The membership protocol is the reference speaker's own: another implementation does not declare
// the `membership-security` capability, so the feature is NOT_SUPPORTED there (features/support/hooks.ts).

const ownerOf = (world: LbWorld, ip: string): string =>
  electedNode(
    world.nodes.filter((n) => world.speakers.has(n)),
    ip,
  );

/** Every speaker settled and sees every node alive: from here on, any membership change is the attack's doing. */
async function membershipStable(world: LbWorld): Promise<void> {
  await eventually(
    'every speaker settled, seeing every node alive',
    async () => {
      for (const node of world.nodes) {
        const l2 = await world.driver.l2Status(node);
        if (!l2?.settled || [...(l2.alive ?? [])].sort().join() !== [...world.nodes].sort().join())
          throw new Error(`${node}: l2 status ${JSON.stringify(l2)}`);
      }
    },
    { timeoutMs: world.timeouts.l2Answered, consecutive: 2, intervalMs: 200 },
  );
}

When('every speaker has settled its membership, seeing every node alive', async function (this: LbWorld) {
  await membershipStable(this);
});

async function forger(world: LbWorld, host: string, cmd: 'forge' | 'replay', spec: unknown): Promise<number> {
  const lab = await world.labUp();
  const r = await runIn(lab.nsOf(host), process.execPath, [
    ...nodeScriptArgs(forgerScript),
    cmd,
    JSON.stringify(spec),
  ]);
  return (JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { sent?: number }).sent ?? 0;
}

async function startAttack(
  world: LbWorld,
  attacker: string,
  owner: string,
  ip: string,
  listener: string,
  perNode: Map<string, number>,
): Promise<Attack> {
  const lab = await world.labUp();
  world.capture = await startCapture(lab.nsOf(listener), 'eth0', 'arp');
  const attack: Attack = { ...attacks.get(world), attacker, owner, ip, since: Date.now(), sent: perNode };
  attacks.set(world, attack);
  return attack;
}

/**
 * Rows: from (a node name, `owner`, or `each other node` = every node but the receiver), type
 * (heartbeat | leave), signature (wrong key | none), counter (next | max). Sent to every node.
 */
When(
  '{string} forges these membership messages to every node, "owner" being the node that answers for {string}, while {string} listens:',
  async function (this: LbWorld, attacker: string, ip: string, listener: string, table: DataTable) {
    await membershipStable(this);
    const owner = ownerOf(this, ip);
    const messages: ForgedMessage[] = [];
    for (const to of this.nodes) {
      for (const row of table.hashes()) {
        const from = row['from']!;
        const senders = from === 'owner' ? [owner] : from === 'each other node' ? this.nodes : [from];
        const signature = row['signature']!.replace(' ', '-') as Signature;
        if (signature !== 'wrong-key' && signature !== 'none')
          throw new Error(`signature must be "wrong key" or "none", got "${row['signature']}"`);
        const counter = row['counter'] as CounterChoice;
        if (counter !== 'next' && counter !== 'max')
          throw new Error(`counter must be next or max, got "${counter}"`);
        const type = row['type'] as ForgedMessage['type'];
        if (type !== 'heartbeat' && type !== 'leave')
          throw new Error(`type must be heartbeat or leave, got "${type}"`);
        for (const s of senders.filter((n) => n !== to))
          messages.push({ address: this.address(to, 'ipv4'), to, from: s, type, signature, counter });
      }
    }
    const perNode = new Map(this.nodes.map((n) => [n, messages.filter((m) => m.to === n).length]));
    await startAttack(this, attacker, owner, ip, listener, perNode);
    const sent = await forger(this, attacker, 'forge', { port: MEMBERSHIP_PORT, messages });
    if (sent !== messages.length) throw new Error(`the forger sent ${sent} of ${messages.length} datagrams`);
  },
);

/**
 * The segment floods every frame to every port (learning off on the bridge: a hub, or a mirror port),
 * so the intruder sees the membership traffic between nodes, as an attacker on a shared segment can.
 */
When(
  '{string} captures the membership traffic on the segment while the node that answers for {string} restarts its speaker gracefully',
  async function (this: LbWorld, attacker: string, ip: string) {
    const lab = await this.labUp();
    await membershipStable(this);
    const owner = ownerOf(this, ip);
    const segment = this.topology.hosts.find((h) => h.name === attacker)?.interfaces[0]?.segment;
    const sw = lab.namespaces().find((ns) => ns.endsWith(`-s-${segment}`));
    if (!sw) throw new Error(`no switch namespace for ${attacker}'s segment ${segment}`);
    this.labDirty = true;
    const ports = (
      JSON.parse((await run('ip', ['-n', sw, '-j', 'link', 'show', 'master', 'br0'])).stdout) as {
        ifname: string;
      }[]
    ).map((p) => p.ifname);
    for (const p of ports) await run('bridge', ['-n', sw, 'link', 'set', 'dev', p, 'learning', 'off']);
    await run('bridge', ['-n', sw, 'fdb', 'flush', 'dev', 'br0', 'dynamic']);

    const file = join(this.scenarioDir, `${attacker}-capture.jsonl`);
    const proc = spawnIn(
      lab.nsOf(attacker),
      process.execPath,
      [...nodeScriptArgs(forgerScript), 'capture', JSON.stringify({ iface: 'eth0', port: MEMBERSHIP_PORT })],
      { logFile: file },
    );
    this.extraProcesses.push(proc);
    attacks.set(this, { attacker, owner, ip, since: Date.now(), sent: new Map(), capture: { proc, file } });
    await eventually(
      `${attacker}'s capture is listening`,
      async () => {
        if (!existsSync(file) || !readFileSync(file, 'utf8').includes('"listening":true'))
          throw new Error(`no "listening" line in ${file}`);
      },
      { timeoutMs: this.timeouts.l2Answered, intervalMs: 100 },
    );
    // Proof the intruder really sees traffic between other hosts before the interesting part.
    await eventually(
      `${attacker} sees heartbeats between nodes`,
      async () => {
        if (!capturedFrom(file, owner).some((d) => d.type === 'heartbeat'))
          throw new Error(`no heartbeat from ${owner} in ${file}`);
      },
      { timeoutMs: this.timeouts.l2Answered, intervalMs: 100 },
    );

    await this.driver.restart(owner, 'stop'); // SIGTERM: the owner says goodbye to every peer (LEAVE)
    const others = this.nodes.filter((n) => n !== owner);
    await eventually(
      `${attacker} captured ${owner}'s leave to ${others.join(', ')}`,
      async () => {
        const leaves = new Set(
          capturedFrom(file, owner)
            .filter((d) => d.type === 'leave')
            .map((d) => d.to),
        );
        const missing = others.filter((n) => !leaves.has(n));
        if (missing.length) throw new Error(`no leave from ${owner} to ${missing.join(', ')} captured`);
      },
      { timeoutMs: this.timeouts.l2Answered, intervalMs: 100 },
    );
  },
);

interface Captured {
  type: 'heartbeat' | 'leave';
  from: string;
  to: string;
  dst: string;
  dport: number;
  hex: string;
}

function capturedFrom(file: string, from: string): Captured[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((l) => {
      if (!l.startsWith('{"type"')) return [];
      try {
        const d = JSON.parse(l) as Captured;
        return d.from === from ? [d] : [];
      } catch {
        return []; // a line still being written
      }
    });
}

When(
  '{string} replays the membership messages it captured from the node that answers for {string}, its leave messages included, to their receivers while {string} listens',
  async function (this: LbWorld, attacker: string, ip: string, listener: string) {
    const prior = attackOf(this);
    if (!prior.capture || prior.attacker !== attacker) throw new Error(`${attacker} captured nothing`);
    // The restarted owner is back and every alive set is complete again: a replay is all that follows.
    await membershipStable(this);
    await prior.capture.proc.stop('SIGTERM', 3000);
    const owner = ownerOf(this, ip);
    const datagrams = capturedFrom(prior.capture.file, owner);
    if (!datagrams.some((d) => d.type === 'leave'))
      throw new Error(`no leave from ${owner} among the captured datagrams`);
    const perNode = new Map(this.nodes.map((n) => [n, datagrams.filter((d) => d.to === n).length]));
    await startAttack(this, attacker, owner, ip, listener, perNode);
    const sent = await forger(this, attacker, 'replay', { datagrams });
    if (sent !== datagrams.length)
      throw new Error(`the forger replayed ${sent} of ${datagrams.length} datagrams`);
    this.log(
      `${attacker} replayed ${sent} datagrams of ${owner} (${datagrams.filter((d) => d.type === 'leave').length} leaves)`,
    );
  },
);

/** Each datagram counted: one accepted (no rejection line) leaves the count short. */
Then(
  'every speaker {string} wrote to logs each of its datagrams as rejected, reason {string}',
  async function (this: LbWorld, attacker: string, reason: string) {
    const a = attackOf(this);
    const lab = await this.labUp();
    const from = lab.addressOf(attacker, 'ipv4');
    const receivers = [...a.sent].filter(([, n]) => n > 0);
    if (!receivers.length) throw new Error('no datagram was sent to any speaker');
    await eventually(
      `every datagram from ${attacker} rejected as ${reason}`,
      async () => {
        const problems: string[] = [];
        for (const [node, sent] of receivers) {
          const rejected = this.driver
            .events(node, 'l2.membership.rejected', a.since)
            .filter((l) => l['from'] === from);
          const other = rejected.filter((l) => l['reason'] !== reason);
          const right = rejected.length - other.length;
          if (other.length)
            problems.push(
              `${node}: ${other.length} rejected for another reason (${[...new Set(other.map((l) => l['reason']))].join(', ')})`,
            );
          if (right !== sent)
            problems.push(`${node}: ${right} of ${sent} datagrams logged as rejected (${reason})`);
        }
        if (problems.length) throw new Error(problems.join('; '));
      },
      { timeoutMs: this.timeouts.l2Answered, intervalMs: 200 },
    );
  },
);

Then(
  "no speaker's membership changed, and {string} still gets exactly one answer for {string} from the same node, with no gratuitous ARP from another node",
  async function (this: LbWorld, host: string, ip: string) {
    const a = attackOf(this);
    const lab = await this.labUp();
    const macs = new Map<string, string>();
    for (const n of this.nodes)
      macs.set((await lab.macOf(n, this.interfaceFacing(n, host))).toLowerCase(), n);
    await eventually(
      `ARP for ${ip} from ${host}: exactly one answer, from ${a.owner}`,
      async () => {
        const answers = (await arpProbe(lab.nsOf(host), 'eth0', ip, 500)).map(
          (m) => macs.get(m.toLowerCase()) ?? m,
        );
        if (answers.length !== 1 || answers[0] !== a.owner)
          throw new Error(`answers: [${answers.join(', ') || 'none'}], expected exactly [${a.owner}]`);
      },
      { timeoutMs: this.timeouts.l2Answered, consecutive: 3, intervalMs: 100 },
    );
    // Read after the probes: an accepted forgery had seconds to show up as a change.
    const changes = this.nodes.flatMap((n) =>
      this.driver
        .events(n, 'membership.change', a.since)
        .map((l) => `${n}: ${l['reason']} ${l['peer'] ?? ''}`),
    );
    if (changes.length) throw new Error(`membership changed during the attack: ${changes.join('; ')}`);
    if (!this.capture) throw new Error(`no capture running on ${host}`);
    const frames = await this.capture.stop();
    this.capture = undefined;
    const announced = [...macs]
      .filter(([, n]) => n !== a.owner)
      .flatMap(([mac, n]) => sawGratuitousArp(frames, mac, ip).map(() => n));
    if (announced.length)
      throw new Error(
        `${ip} was announced gratuitously by ${[...new Set(announced)].join(', ')} during the attack`,
      );
  },
);
