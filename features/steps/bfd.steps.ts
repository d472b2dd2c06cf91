/**
 * BFD (RFC 5880/5881) seen from FRR's bfdd: the session with each node comes up, and when the switch
 * silently stops forwarding a node's frames (its bridge port disabled: no carrier change at either end)
 * FRR's BFD notices within the detection time and bgpd withdraws the node's routes at once, where
 * without BFD only the hold timer finds out.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import { run } from '../../common/exec.ts';
import { eventually } from '../../harness/wait/eventually.ts';
import { SPEAKER_ASN } from '../support/constants.ts';
import { peerManifest } from '../../harness/scenario/manifests.ts';
import type { LbWorld } from '../support/world.ts';
import { switchPortOf } from './faults.steps.ts';

type JsonRouter = { json<T>(command: string): Promise<T> };

function frrOf(world: LbWorld, router: string): JsonRouter {
  const r = world.router(router) as unknown as Partial<JsonRouter>;
  if (!r.json) throw new Error(`${router} is not an FRR router: BFD is read from bfdd`);
  return r as JsonRouter;
}

Given(
  'every node peers with {string} over iBGP with the BFD profile {string}, the router at {int} ms x {int}',
  function (this: LbWorld, router: string, profile: string, intervalMs: number, multiplier: number) {
    this.routerAsn.set(router, SPEAKER_ASN);
    this.writeManifest(
      `20-peer-${router}.yaml`,
      peerManifest([
        {
          name: router,
          myASN: SPEAKER_ASN,
          peerASN: SPEAKER_ASN,
          peerAddress: this.address(router, 'ipv4'),
          bfdProfile: profile,
        },
      ]),
    );
    for (const node of this.nodes)
      this.declareNeighbor(router, {
        address: this.address(node, 'ipv4'),
        remoteAsn: SPEAKER_ASN,
        families: ['ipv4', 'ipv6'],
        bfd: { receiveInterval: intervalMs, transmitInterval: intervalMs, detectMultiplier: multiplier },
      });
  },
);

interface BfdPeerJson {
  peer?: string;
  status?: string;
  'remote-transmit-interval'?: number;
  'remote-receive-interval'?: number;
  'remote-detect-multiplier'?: number;
}

Then(
  "{string}'s BFD session with every node is up, with the node sending every {int} ms",
  async function (this: LbWorld, router: string, txMs: number) {
    await eventually(
      `BFD up at ${router} with every node`,
      async () => {
        const peers = await frrOf(this, router).json<BfdPeerJson[]>('show bfd peers json');
        const problems = this.nodes.flatMap((node) => {
          const address = this.address(node, 'ipv4');
          const p = peers.find((x) => x.peer === address);
          if (!p) return [`no BFD peer ${address} (${node})`];
          if (p.status !== 'up') return [`${node}: ${p.status}`];
          if (p['remote-transmit-interval'] !== txMs)
            return [
              `${node}: remote transmit interval ${p['remote-transmit-interval']} ms, expected ${txMs}`,
            ];
          return [];
        });
        if (problems.length) throw new Error(problems.join('; '));
      },
      { timeoutMs: this.timeouts.sessionEstablished },
    );
  },
);

When('the switch silently drops the frames of {string}', async function (this: LbWorld, node: string) {
  const { switchNs, port } = await switchPortOf(this, node, 'tor');
  this.labDirty = true;
  // a disabled bridge port neither forwards nor floods; both veth ends keep their carrier
  await run('ip', ['netns', 'exec', switchNs, 'bridge', 'link', 'set', 'dev', port, 'state', '0']);
  this.droppedAt = Date.now();
});

When('the switch forwards the frames of {string} again', async function (this: LbWorld, node: string) {
  const { switchNs, port } = await switchPortOf(this, node, 'tor');
  await run('ip', ['netns', 'exec', switchNs, 'bridge', 'link', 'set', 'dev', port, 'state', '3']);
  this.droppedAt = undefined;
});

async function routesFrom(world: LbWorld, router: string, node: string): Promise<string[]> {
  const address = world.address(node, 'ipv4');
  const out: string[] = [];
  for (const family of ['ipv4', 'ipv6']) {
    const table = await frrOf(world, router).json<{
      routes?: Record<string, { nexthops?: { ip?: string }[]; peerId?: string }[]>;
    }>(`show bgp ${family} unicast json`);
    for (const [prefix, paths] of Object.entries(table.routes ?? {}))
      if (paths.some((p) => p.peerId === address || p.nexthops?.some((n) => n.ip === address)))
        out.push(prefix);
  }
  return out;
}

/** Polled every 20 ms from the moment the frames were dropped; the time taken goes into the log. */
Then(
  '{string} withdraws the routes of {string} within {int} ms of the drop',
  async function (this: LbWorld, router: string, node: string, limitMs: number) {
    const since = this.droppedAt;
    if (since === undefined) throw new Error('no drop in this scenario');
    await eventually(
      `${router} withdraws ${node}'s routes`,
      async () => {
        const left = await routesFrom(this, router, node);
        if (left.length) throw new Error(`${router} still has ${left.join(', ')} from ${node}`);
      },
      { timeoutMs: limitMs * 10, intervalMs: 20, consecutive: 1 },
    );
    const took = Date.now() - since;
    this.log(`${router} withdrew ${node}'s routes ${took} ms after the drop`);
    if (took > limitMs)
      throw new Error(`${router} withdrew ${node}'s routes after ${took} ms, limit ${limitMs} ms`);
  },
);

/** Without BFD nothing can notice a silent path before the hold timer: the routes must still be there. */
Then(
  '{string} still has the routes of {string} {int} ms after the drop',
  async function (this: LbWorld, router: string, node: string, afterMs: number) {
    const since = this.droppedAt;
    if (since === undefined) throw new Error('no drop in this scenario');
    do {
      const held = await routesFrom(this, router, node);
      if (!held.length)
        throw new Error(
          `${router} lost ${node}'s routes ${Date.now() - since} ms after the drop (before ${afterMs} ms)`,
        );
      await new Promise((r) => setTimeout(r, 50));
    } while (Date.now() - since < afterMs);
  },
);
