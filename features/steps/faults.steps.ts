import { Then, When } from '@cucumber/cucumber';
import { readFileSync } from 'node:fs';
import { run } from '../../common/exec.ts';
import { eventually } from '../../harness/wait/eventually.ts';
import { waitOperUp } from '../../netns/lab.ts';
import type { LbWorld } from '../support/world.ts';

/**
 * Faults the suite injects from outside the speaker: a node's cable pulled, routing daemons killed,
 * a router stopped for a while. Recovery is always asserted on the router's own table.
 */

/**
 * The switch end of the node's veth toward `router`. Taking that end down is a pulled cable: the node
 * sees carrier loss (its addresses, IPv6 included, stay), not an administrative down that would flush
 * the node's IPv6 addresses and so test our topology instead of the speaker.
 */
export async function switchPortOf(
  world: LbWorld,
  node: string,
  router: string,
): Promise<{ switchNs: string; port: string; nodeNs: string; iface: string }> {
  const lab = await world.labUp();
  const iface = world.interfaceFacing(node, router);
  const segment = world.topology.hosts
    .find((h) => h.name === node)
    ?.interfaces.find((i) => i.name === iface)?.segment;
  const switchNs = lab.namespaces().find((n) => n.endsWith(`-s-${segment}`));
  if (!segment || !switchNs) throw new Error(`no switch namespace for ${node}/${iface}`);
  const nodeNs = lab.nsOf(node);
  const [link] = JSON.parse((await run('ip', ['-n', nodeNs, '-j', 'link', 'show', 'dev', iface])).stdout) as {
    link_index?: number;
  }[];
  const ports = JSON.parse((await run('ip', ['-n', switchNs, '-j', 'link', 'show'])).stdout) as {
    ifindex: number;
    ifname: string;
  }[];
  const port = ports.find((p) => p.ifindex === link?.link_index)?.ifname;
  if (!port)
    throw new Error(`the peer of ${node}/${iface} (ifindex ${link?.link_index}) is not in ${switchNs}`);
  return { switchNs, port, nodeNs, iface };
}

When(
  'the link of {string} toward {string} goes down',
  async function (this: LbWorld, node: string, router: string) {
    const { switchNs, port, nodeNs, iface } = await switchPortOf(this, node, router);
    // If the scenario stops before the link is back, the lab must not be handed to the next one.
    this.labDirty = true;
    await run('ip', ['-n', switchNs, 'link', 'set', port, 'down']);
    await eventually(
      `${node}/${iface} loses carrier`,
      async () => {
        const [l] = JSON.parse(
          (await run('ip', ['-n', nodeNs, '-j', 'link', 'show', 'dev', iface])).stdout,
        ) as { operstate?: string }[];
        if (l?.operstate === 'UP') throw new Error(`${iface} is still operationally UP`);
      },
      { timeoutMs: 5000, intervalMs: 20 },
    );
    this.log(`${node}/${iface}: carrier lost (switch port ${port} down)`);
  },
);

When(
  'the link of {string} toward {string} comes back up',
  async function (this: LbWorld, node: string, router: string) {
    const { switchNs, port, nodeNs, iface } = await switchPortOf(this, node, router);
    await run('ip', ['-n', switchNs, 'link', 'set', port, 'up']);
    await waitOperUp(nodeNs, iface);
    this.routersPending = true; // the node's sessions come back up first
  },
);

/** The router's side of the session: not Established (checked on consecutive polls). */
Then(
  'the session of {string} with {string} is down at the router',
  async function (this: LbWorld, node: string, routerName: string) {
    const router = this.router(routerName);
    const addresses = this.sessionTransportsOf(routerName).map((t) => this.address(node, t));
    await eventually(
      `${routerName} drops the session with ${node}`,
      async () => {
        const states = await router.sessionStates();
        const up = addresses.filter((a) => states[a] === 'Established');
        if (up.length) throw new Error(`${up.join(', ')} still Established at ${routerName}`);
      },
      { timeoutMs: this.timeouts.sessionEstablished, consecutive: this.parameters.consecutive },
    );
  },
);

/** FRR dies without a word (no NOTIFICATION, no clean close of its own), then starts from scratch. */
When(
  'the routing daemons of {string} are killed with SIGKILL and started again',
  async function (this: LbWorld, routerName: string) {
    const router = this.router(routerName);
    const lab = await this.labUp();
    const pids = (await run('ip', ['netns', 'pids', lab.nsOf(routerName)])).stdout
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    const daemons = pids.filter((p) => {
      try {
        return ['bgpd', 'zebra'].includes(readFileSync(`/proc/${p}/comm`, 'utf8').trim());
      } catch {
        return false;
      }
    });
    if (daemons.length !== 2)
      throw new Error(`expected bgpd and zebra in ${routerName}, found pids [${daemons.join(', ')}]`);
    for (const p of daemons) process.kill(p, 'SIGKILL');
    // stop() reaps the dead daemons and removes their sockets and pid files.
    await router.stop();
    this.routers.delete(routerName);
    await this.routersUp();
  },
);

/** config.applied events per node when a fault began (SUTs declaring config-events). */
const appliedBefore = new WeakMap<LbWorld, Map<string, number>>();

function appliedCount(world: LbWorld, node: string): number {
  return world.driver.events(node, 'config.applied').length;
}

When('the router {string} is stopped', async function (this: LbWorld, routerName: string) {
  await this.router(routerName).stop();
  this.routers.delete(routerName);
  if (this.driver.declares('config-events'))
    appliedBefore.set(this, new Map([...this.speakers.keys()].map((n) => [n, appliedCount(this, n)])));
});

/**
 * Every running speaker reported config.applied since the fault began (the change reached it while the
 * router was down). A SUT without config-events cannot say so: the router's table after recovery is
 * what judges it, and the change may then land before or after the router returns.
 */
Then('every speaker has applied the changed configuration', async function (this: LbWorld) {
  if (!this.driver.declares('config-events')) {
    this.log('config-events not declared: the change is judged by the router after recovery only');
    return;
  }
  const before = appliedBefore.get(this);
  if (!before) throw new Error('no fault recorded a baseline (use "the router ... is stopped" first)');
  await eventually(
    'every speaker applied the changed configuration',
    async () => {
      const behind = [...before].filter(([n, count]) => appliedCount(this, n) <= count).map(([n]) => n);
      if (behind.length) throw new Error(`no config.applied since the fault on: ${behind.join(', ')}`);
    },
    { timeoutMs: this.timeouts.routeAnnounced },
  );
});

When('the router {string} starts again', async function (this: LbWorld, routerName: string) {
  if (this.routers.has(routerName)) throw new Error(`${routerName} is already running`);
  await this.routersUp();
});
