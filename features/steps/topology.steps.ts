import { Given, When, type DataTable } from '@cucumber/cucumber';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { run } from '../../harness/exec.ts';
import { eventually } from '../../harness/wait/eventually.ts';
import { EBGP_ROUTER_ASN, SPEAKER_ASN, nameList } from '../support/constants.ts';
import { peerManifest } from '../support/manifests.ts';
import type { LbWorld } from '../support/world.ts';

/** AS of the router `core` behind `tor`, always eBGP to `tor`. */
const CORE_ASN = 64600;

Given(
  'nodes {string} and the router(s) {string} on one segment',
  function (this: LbWorld, nodes: string, routers: string) {
    this.defineNodeSegment(nameList(nodes), nameList(routers));
    this.writeManifest('10-nodes.yaml', this.nodesYaml());
  },
);

Given('the Node {string} is labelled {string}', async function (this: LbWorld, node: string, label: string) {
  const [k, v] = label.split('=') as [string, string];
  this.nodeLabels.set(node, { ...this.nodeLabels.get(node), [k]: v });
  this.writeManifest('10-nodes.yaml', this.nodesYaml());
  await Promise.all([...this.speakers.values()].map((s) => s.configChanged()));
});

/** The same segment with a router of another implementation (frr, gobgp or bird). */
Given(
  'nodes {string} and the {word} router {string} on one segment',
  function (this: LbWorld, nodes: string, kind: string, router: string) {
    if (kind !== 'frr' && kind !== 'gobgp' && kind !== 'bird')
      throw new Error(`router kind must be frr, gobgp or bird, got ${kind}`);
    this.defineNodeSegment(nameList(nodes), [router]);
    this.routerKind.set(router, kind);
    this.writeManifest('10-nodes.yaml', this.nodesYaml());
  },
);

When('{string} restarts', async function (this: LbWorld, router: string) {
  await this.router(router).stop();
  this.routers.delete(router);
  await this.routersUp();
});

/** SIGSTOP the router's bgpd until the speaker's hold timer gives up on it, then let it run again. */
When(
  '{string} goes silent until the speaker on {string} declares its hold timer expired',
  async function (this: LbWorld, router: string, node: string) {
    const lab = await this.labUp();
    const pids = (await run('ip', ['netns', 'pids', lab.nsOf(router)])).stdout
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    const bgpd = pids.filter((p) => {
      try {
        return readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'bgpd';
      } catch {
        return false;
      }
    });
    if (!bgpd.length) throw new Error(`no bgpd in ${router}`);
    for (const p of bgpd) process.kill(p, 'SIGSTOP');
    try {
      const log = join(this.scenarioDir, `speaker-${node}.log`);
      await eventually(
        `${node} hold timer expires while ${router} is silent`,
        async () => {
          if (!readFileSync(log, 'utf8').includes('"bgp.hold-timer.expired"'))
            throw new Error('no bgp.hold-timer.expired yet');
        },
        { timeoutMs: this.timeouts.sessionEstablished },
      );
    } finally {
      for (const p of bgpd) process.kill(p, 'SIGCONT');
    }
  },
);

When('{string} asks every node for a route refresh', async function (this: LbWorld, router: string) {
  const r = this.router(router) as unknown as { vtysh?: (...c: string[]) => Promise<string> };
  if (!r.vtysh) throw new Error('route refresh is driven through FRR');
  await r.vtysh('clear bgp * soft in');
});

When('the speaker on {string} is stopped with SIGTERM', async function (this: LbWorld, node: string) {
  const s = this.speakers.get(node);
  if (!s) throw new Error(`no speaker on ${node}`);
  this.speakers.delete(node);
  await s.stop();
});

When('the speaker on {string} is killed with SIGKILL', async function (this: LbWorld, node: string) {
  const s = this.speakers.get(node);
  if (!s) throw new Error(`no speaker on ${node}`);
  this.speakers.delete(node);
  await s.kill();
});

When('the speaker on {string} starts again', async function (this: LbWorld, node: string) {
  const lab = await this.labUp();
  const s = await this.sut.start({
    name: node,
    netns: lab.nsOf(node),
    manifestDir: this.manifestDir,
    logFile: join(this.scenarioDir, `speaker-${node}.log`),
    l2Secret: this.l2Secret,
  });
  this.speakers.set(node, s);
});

Given('the router {string} behind {string}', function (this: LbWorld, router: string, front: string) {
  this.addRouterBehind(router, front);
});

/**
 * Declares the router with one neighbour per node and family and writes the matching BGPPeers, as a
 * dual-stack MetalLB user configures them: `<router>` over IPv4 and `<router>-v6` over IPv6, each
 * carrying its own family (internal/bgp/frr/frr.go, createConfig). iBGP: the router shares the
 * speaker's AS; eBGP: it has a 4-octet ASN.
 */
Given(
  'every node peers with {string} over {word}',
  function (this: LbWorld, router: string, session: string) {
    peerWith(this, router, session, this.nodes, 'per-family');
  },
);

/**
 * One BGPPeer over IPv6 with `dualStackAddressFamily: true`: the session runs over IPv6 and carries
 * both families (MetalLB activates the neighbour in both only with that field).
 */
Given(
  'every node peers with {string} over {word} on IPv6 transport',
  function (this: LbWorld, router: string, session: string) {
    this.transport.set(router, 'ipv6');
    peerWith(this, router, session, this.nodes, 'dual-stack-session');
  },
);

/** One IPv4 BGPPeer with `dualStackAddressFamily: true`: IPv6 routes ride the IPv4 session (MP-BGP). */
Given(
  'every node peers with {string} over {word} in one session with dualStackAddressFamily',
  function (this: LbWorld, router: string, session: string) {
    peerWith(this, router, session, this.nodes, 'dual-stack-session');
  },
);

/**
 * One IPv4 BGPPeer without dualStackAddressFamily, toward a router that would take both families on
 * that session: what the speaker may send is IPv4 only.
 */
Given(
  'every node peers with {string} over {word} through an IPv4 BGPPeer only, the router accepting both families',
  function (this: LbWorld, router: string, session: string) {
    peerWith(this, router, session, this.nodes, 'ipv4-peer-only');
  },
);

/** The BGPPeers select only `nodes` (BGPPeer nodeSelectors); the router still expects every node. */
Given(
  'only {string} peer(s) with {string} over {word}',
  function (this: LbWorld, nodes: string, router: string, session: string) {
    peerWith(this, router, session, nameList(nodes), 'per-family');
  },
);

type PeeringStyle = 'per-family' | 'dual-stack-session' | 'ipv4-peer-only';

function peerWith(
  world: LbWorld,
  router: string,
  session: string,
  selected: string[],
  style: PeeringStyle,
): void {
  if (session !== 'iBGP' && session !== 'eBGP')
    throw new Error(`session must be iBGP or eBGP, got ${session}`);
  const routerAsn = session === 'iBGP' ? SPEAKER_ASN : EBGP_ROUTER_ASN;
  world.routerAsn.set(router, routerAsn);
  const all = selected.length === world.nodes.length;
  const nodeSelectors = all
    ? {}
    : {
        nodeSelectors: [
          { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: selected }] },
        ],
      };
  const transports: ('ipv4' | 'ipv6')[] =
    style === 'per-family' ? ['ipv4', 'ipv6'] : [world.transportOf(router)];
  world.sessionTransports.set(router, transports);
  world.writeManifest(
    `20-peer-${router}.yaml`,
    peerManifest(
      transports.map((t) => ({
        name: t === 'ipv6' && style === 'per-family' ? `${router}-v6` : router,
        myASN: SPEAKER_ASN,
        peerASN: routerAsn,
        peerAddress: world.address(router, t),
        ...(style === 'dual-stack-session' ? { dualStackAddressFamily: true } : {}),
        ...nodeSelectors,
      })),
    ),
  );
  for (const node of world.nodes)
    for (const t of transports)
      world.declareNeighbor(router, {
        address: world.address(node, t),
        remoteAsn: SPEAKER_ASN,
        families: style === 'per-family' ? [t] : ['ipv4', 'ipv6'],
      });
}

Given('{string} peers with {string} over eBGP', function (this: LbWorld, front: string, back: string) {
  const segment = `${front}-${back}`.slice(0, 20);
  const frontAsn = this.routerAsn.get(front);
  if (frontAsn === undefined) throw new Error(`declare how the nodes peer with "${front}" first`);
  this.routerAsn.set(back, CORE_ASN);
  // Router to router: one session per family over its own transport. (FRR 8.4 sometimes sends IPv6
  // NLRI under AFI 1 to a peer when IPv6 rides an IPv4 session it re-advertises from; seen here.)
  for (const family of ['ipv4', 'ipv6'] as const) {
    this.declareNeighbor(front, {
      address: this.address(back, family, segment),
      remoteAsn: CORE_ASN,
      families: [family],
    });
    this.declareNeighbor(back, {
      address: this.address(front, family, segment),
      remoteAsn: frontAsn,
      families: [family],
    });
  }
});

/**
 * TCP MD5: the router expects `routerPassword` from every node; each node's BGPPeer (one per node,
 * selected by hostname) carries the password given for it.
 */
Given(
  'every node peers with {string} over iBGP with TCP MD5, the router expecting {string} and the nodes using:',
  function (this: LbWorld, router: string, routerPassword: string, table: DataTable) {
    this.routerAsn.set(router, SPEAKER_ASN);
    const byNode = Object.fromEntries(table.hashes().map((r) => [r['node']!, r['password']!]));
    this.writeManifest(
      `20-peer-${router}.yaml`,
      peerManifest(
        this.nodes.map((node) => ({
          name: `${router}-${node.toLowerCase()}`,
          myASN: SPEAKER_ASN,
          peerASN: SPEAKER_ASN,
          peerAddress: this.address(router, 'ipv4'),
          password: byNode[node] ?? routerPassword,
          nodeSelectors: [{ matchLabels: { 'kubernetes.io/hostname': node } }],
        })),
      ),
    );
    for (const node of this.nodes) {
      this.declareNeighbor(router, {
        address: this.address(node, 'ipv4'),
        remoteAsn: SPEAKER_ASN,
        families: ['ipv4', 'ipv6'],
        password: routerPassword,
      });
    }
  },
);

Given(
  'nodes {string} and the host(s) {string} on one segment',
  function (this: LbWorld, nodes: string, hosts: string) {
    this.defineNodeSegment(nameList(nodes), []);
    this.addHosts(nameList(hosts));
    this.writeManifest('10-nodes.yaml', this.nodesYaml());
  },
);

Given(
  'nodes {string} on the node segment through {string} with the host {string}, and on a second segment through {string} with the host {string}',
  function (
    this: LbWorld,
    nodes: string,
    mainIf: string,
    mainHost: string,
    secondIf: string,
    secondHost: string,
  ) {
    this.defineTwoSegments(nameList(nodes), nameList(mainIf), secondIf, mainHost, secondHost);
    this.writeManifest('10-nodes.yaml', this.nodesYaml());
  },
);

Given(
  'nodes {string}, the router {string} and the host {string} on one segment',
  function (this: LbWorld, nodes: string, router: string, host: string) {
    this.defineNodeSegment(nameList(nodes), [router]);
    this.addHosts([host]);
    this.writeManifest('10-nodes.yaml', this.nodesYaml());
  },
);

When('the speaker runs on every node', async function (this: LbWorld) {
  await this.routersUp();
  const lab = await this.labUp();
  const started = await Promise.all(
    this.nodes.map((node) =>
      this.sut.start({
        name: node,
        netns: lab.nsOf(node),
        manifestDir: this.manifestDir,
        logFile: join(this.scenarioDir, `speaker-${node}.log`),
        l2Secret: this.l2Secret,
      }),
    ),
  );
  for (const s of started) this.speakers.set(s.node, s);
});
