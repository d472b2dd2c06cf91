/**
 * Periodic gratuitous ARP: a neighbour that lost its entry for a Service IP (a flushed cache) and never
 * asks again learns the owner from the periodic announcements alone.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import { run, runIn } from '../../common/exec.ts';
import { neighbourEntry } from '../../harness/probes/l2.ts';
import { eventually } from '../../harness/wait/eventually.ts';
import { electedNode } from '../../harness/scenario/election.ts';
import type { LbWorld } from '../support/world.ts';

/** MetalLB announces for 5 s after taking an IP over (internal/layer2/announcer.go); a margin after it. */
const INITIAL_ANNOUNCEMENTS_MS = 5000 + 1000;

Given('the speakers announce owned IPs gratuitously every {int} ms', function (this: LbWorld, ms: number) {
  this.l2GratuitousIntervalMs = ms;
});

/** Linux only creates an entry from an unsolicited ARP with arp_accept (in the host's namespace only). */
Given('{string} accepts gratuitous ARP', async function (this: LbWorld, host: string) {
  const lab = await this.labUp();
  this.labDirty = true;
  await runIn(lab.nsOf(host), 'sysctl', ['-q', '-w', 'net.ipv4.conf.eth0.arp_accept=1']);
});

When(
  '{string} flushes its neighbour entry for {string} once the first announcements are over',
  async function (this: LbWorld, host: string, ip: string) {
    const lab = await this.labUp();
    // the burst after the takeover would teach the host anyway: only what comes after it counts
    await new Promise((r) => setTimeout(r, INITIAL_ANNOUNCEMENTS_MS));
    const out = (await run('ip', ['-n', lab.nsOf(host), '-s', '-s', 'neigh', 'flush', 'to', ip])).stdout;
    // ip lists what it deleted. Reading the cache again instead races with a periodic announcement
    // (1 s apart) that re-creates the entry when the machine is slow; it is only needed when ip
    // deleted nothing (no entry, or a flush that missed it).
    const deleted = /Flush is complete/.test(out) && out.split('\n').some((l) => l.startsWith(`${ip} `));
    const left = deleted ? undefined : await neighbourEntry(lab.nsOf(host), ip);
    if (left && !left.state.includes('FAILED') && !left.state.includes('INCOMPLETE'))
      throw new Error(`${host} still has ${ip} at ${left.mac} (${left.state}) after the flush`);
  },
);

async function ownerMac(world: LbWorld, host: string, ip: string): Promise<string> {
  const lab = await world.labUp();
  const owner = electedNode(
    world.nodes.filter((n) => world.speakers.has(n)),
    ip,
  );
  return (await lab.macOf(owner, world.interfaceFacing(owner, host))).toLowerCase();
}

Then(
  '{string} learns {string} at the elected node without asking, within {int} ms',
  async function (this: LbWorld, host: string, ip: string, ms: number) {
    const lab = await this.labUp();
    const mac = await ownerMac(this, host, ip);
    await eventually(
      `${host} learns ${ip} at ${mac} from a periodic announcement`,
      async () => {
        const e = await neighbourEntry(lab.nsOf(host), ip);
        if (e?.mac !== mac)
          throw new Error(`${host}'s entry for ${ip}: ${e ? `${e.mac} (${e.state})` : 'none'}`);
      },
      { timeoutMs: ms, intervalMs: 50, consecutive: 1 },
    );
  },
);

Then(
  '{string} still has no entry for {string} {int} ms later',
  async function (this: LbWorld, host: string, ip: string, ms: number) {
    const lab = await this.labUp();
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const e = await neighbourEntry(lab.nsOf(host), ip);
      if (e) throw new Error(`${host} learnt ${ip} at ${e.mac} (${e.state}) without the periodic option`);
      await new Promise((r) => setTimeout(r, 100));
    }
  },
);
