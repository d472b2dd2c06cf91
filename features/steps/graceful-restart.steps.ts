/**
 * Graceful restart (RFC 4724) seen from FRR: the routes of a restarting speaker stay (flagged stale)
 * and keep forwarding, and End-of-RIB from the restarted speaker flushes what it did not announce again.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../common/exec.ts';
import { spawnIn } from '../../common/exec.ts';
import { eventually } from '../../harness/wait/eventually.ts';
import { EBGP_ROUTER_ASN, SPEAKER_ASN, nameList } from '../support/constants.ts';
import { peerManifest } from '../../harness/scenario/manifests.ts';
import type { LbWorld } from '../support/world.ts';

interface FrrPathJson {
  stale?: boolean;
  nexthops?: { ip?: string }[];
  peer?: { peerId?: string };
}

type JsonRouter = { json<T>(command: string): Promise<T> };

function frrOf(world: LbWorld, router: string): JsonRouter {
  const r = world.router(router) as unknown as Partial<JsonRouter>;
  if (!r.json) throw new Error(`${router} is not an FRR router: stale paths are read through vtysh`);
  return r as JsonRouter;
}

/** The paths `router` holds for `prefix` (FRR's detail view carries the stale flag). */
async function pathsOf(world: LbWorld, router: string, prefix: string): Promise<FrrPathJson[]> {
  const family = prefix.includes(':') ? 'ipv6' : 'ipv4';
  const detail = await frrOf(world, router).json<{ paths?: FrrPathJson[] }>(
    `show bgp ${family} unicast ${prefix} json`,
  );
  return detail.paths ?? [];
}

Given(
  'every node peers with {string} over {word} with graceful restart',
  function (this: LbWorld, router: string, session: string) {
    if (session !== 'iBGP' && session !== 'eBGP')
      throw new Error(`session must be iBGP or eBGP, got ${session}`);
    const routerAsn = session === 'iBGP' ? SPEAKER_ASN : EBGP_ROUTER_ASN;
    this.routerAsn.set(router, routerAsn);
    this.writeManifest(
      `20-peer-${router}.yaml`,
      peerManifest([
        {
          name: router,
          myASN: SPEAKER_ASN,
          peerASN: routerAsn,
          peerAddress: this.address(router, 'ipv4'),
          enableGracefulRestart: true,
        },
      ]),
    );
    for (const node of this.nodes)
      this.declareNeighbor(router, {
        address: this.address(node, 'ipv4'),
        remoteAsn: SPEAKER_ASN,
        families: ['ipv4', 'ipv6'],
      });
  },
);

/** What kube-proxy (IPVS) does: the Service IP is local on the node, so the node answers for it. */
Given('{string} holds {string} locally', async function (this: LbWorld, node: string, ip: string) {
  const lab = await this.labUp();
  this.labDirty = true;
  await run('ip', ['-n', lab.nsOf(node), 'addr', 'add', `${ip}/32`, 'dev', 'lo']);
});

When(
  'the speaker on {string} stops for a restart, without Cease',
  async function (this: LbWorld, node: string) {
    await this.driver.stopForRestart(node);
  },
);

/**
 * Each listed route keeps a path from `node`, flagged stale, for `seconds` (longer than the 3 s hold
 * time): checked again and again, failing at the first read without it.
 */
Then(
  '{string} keeps {string} from {string} as stale for {int} seconds',
  async function (this: LbWorld, router: string, prefixes: string, node: string, seconds: number) {
    const from = this.address(node, 'ipv4');
    const check = async (): Promise<void> => {
      for (const prefix of nameList(prefixes)) {
        const paths = await pathsOf(this, router, prefix);
        const mine = paths.find((p) => p.peer?.peerId === from || p.nexthops?.some((n) => n.ip === from));
        if (!mine) throw new Error(`${router} has no path for ${prefix} from ${node} (${from})`);
        if (mine.stale !== true) throw new Error(`${router}'s path for ${prefix} from ${node} is not stale`);
      }
    };
    // first the session must be seen down with the routes marked stale...
    await eventually(`${router} marks ${prefixes} from ${node} stale`, check, {
      timeoutMs: this.timeouts.routeWithdrawn,
    });
    // ...then they must stay, past the hold time
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) await check();
  },
);

Then('no route at {string} is stale', async function (this: LbWorld, router: string) {
  await eventually(
    `no stale path at ${router}`,
    async () => {
      const stale: string[] = [];
      for (const family of ['ipv4', 'ipv6']) {
        const table = await frrOf(this, router).json<{ routes?: Record<string, FrrPathJson[]> }>(
          `show bgp ${family} unicast json`,
        );
        for (const [prefix, paths] of Object.entries(table.routes ?? {}))
          if (paths.some((p) => p.stale)) stale.push(prefix);
      }
      if (stale.length) throw new Error(`stale at ${router}: ${stale.join(', ')}`);
    },
    { timeoutMs: this.timeouts.routeAnnounced },
  );
});

/** A ping every 100 ms from the router's namespace, until the step that counts the losses. */
When('{string} starts pinging {string}', async function (this: LbWorld, router: string, ip: string) {
  const lab = await this.labUp();
  const logFile = join(this.scenarioDir, `ping-${router}-${ip}.log`);
  const proc = spawnIn(lab.nsOf(router), 'ping', ['-n', '-i', '0.1', '-W', '1', ip], { logFile });
  this.extraProcesses.push(proc);
  this.pings.set(`${router} ${ip}`, { proc, logFile });
});

Then(
  '{string} lost no ping to {string} and got at least {int} replies',
  async function (this: LbWorld, router: string, ip: string, minReplies: number) {
    const ping = this.pings.get(`${router} ${ip}`);
    if (!ping) throw new Error(`"${router}" is not pinging ${ip}`);
    // SIGINT: ping prints its summary and exits
    await ping.proc.stop('SIGINT', 3000);
    const text = readFileSync(ping.logFile, 'utf8');
    const summary = /(\d+) packets transmitted, (\d+) received/.exec(text);
    if (!summary) throw new Error(`no ping summary in ${ping.logFile}:\n${text.slice(-500)}`);
    const [sent, received] = [Number(summary[1]), Number(summary[2])];
    // the last echo may still be in flight when ping is stopped
    if (sent - received > 1) throw new Error(`${router} lost ${sent - received} of ${sent} pings to ${ip}`);
    if (received < minReplies) throw new Error(`${router} got only ${received} replies from ${ip}`);
  },
);
