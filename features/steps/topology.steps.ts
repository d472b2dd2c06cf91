import { Given, Then, When, type DataTable } from '@cucumber/cucumber';
import { readFileSync } from 'node:fs';
import { run, runIn } from '../../common/exec.ts';
import { neighborFacts, type NeighborFacts } from '../../harness/routers/frr-neighbors.ts';
import { eventually } from '../../harness/wait/eventually.ts';
import { EBGP_ROUTER_ASN, SPEAKER_ASN, nameList } from '../support/constants.ts';
import { syncController } from '../support/controller.ts';
import { peerManifest } from '../../harness/scenario/manifests.ts';
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
  await this.driver.configChanged();
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

/** BGP connections in a namespace with `address` at the other end: `local peer` -> TCP state (`ss`). */
async function tcpWith(ns: string, address: string): Promise<Map<string, string>> {
  const out = (await runIn(ns, 'ss', ['-Htan'])).stdout;
  const host = (endpoint: string): string => endpoint.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return new Map(
    out
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(
        (f) => f.length >= 5 && host(f[4]!) === address && (f[3]!.endsWith(':179') || f[4]!.endsWith(':179')),
      )
      .map((f) => [`${f[3]} ${f[4]}`, f[0]!]),
  );
}

const facts = new WeakMap<LbWorld, Record<string, NeighborFacts>>();

/**
 * SIGSTOP the router's bgpd: its kernel keeps the TCP connection but nothing answers, so the speaker's
 * hold timer must run out. What the wire shows from the router's namespace decides: the speaker closed
 * its end (the router's socket leaves ESTABLISHED), not what the speaker says. Then bgpd runs again.
 */
When(
  '{string} goes silent until the speaker on {string} closes the session on hold-timer expiry',
  async function (this: LbWorld, router: string, node: string) {
    const lab = await this.labUp();
    const ns = lab.nsOf(router);
    const address = this.address(node, this.transportOf(router));
    facts.set(this, await neighborFacts(this.router(router)));
    const pids = (await run('ip', ['netns', 'pids', ns])).stdout.split(/\s+/).filter(Boolean).map(Number);
    const bgpd = pids.filter((p) => {
      try {
        return readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'bgpd';
      } catch {
        return false;
      }
    });
    if (!bgpd.length) throw new Error(`no bgpd in ${router}`);
    // The session's own connection: the speaker may well open a new one later (the router's kernel
    // still accepts), which must not be mistaken for the old one.
    const before = await tcpWith(ns, address);
    const session = [...before].filter(([, state]) => state === 'ESTAB').map(([k]) => k);
    if (session.length !== 1)
      throw new Error(
        `want one established BGP connection between ${router} and ${node}: ${JSON.stringify([...before])}`,
      );
    for (const p of bgpd) process.kill(p, 'SIGSTOP');
    try {
      await eventually(
        `${node} closes its connection to the silent ${router} (hold time 3 s)`,
        async () => {
          const state = (await tcpWith(ns, address)).get(session[0]!);
          if (state === 'ESTAB')
            throw new Error(`${router}'s connection with ${node} (${session[0]}) is still ESTABLISHED`);
        },
        { timeoutMs: this.timeouts.sessionEstablished },
      );
      if (this.driver.declares('session-events'))
        await this.driver.waitForEvent(
          node,
          'bgp.hold-timer.expired',
          () => true,
          this.timeouts.routeAnnounced,
          'reports bgp.hold-timer.expired',
        );
    } finally {
      for (const p of bgpd) process.kill(p, 'SIGCONT');
    }
  },
);

/** FRR's own counters: the session went down and came up again since the fault began. */
Then(
  '{string} saw its session with {string} drop and come back',
  async function (this: LbWorld, router: string, node: string) {
    const before = facts.get(this);
    if (!before) throw new Error('no session counters recorded before the fault');
    const address = this.address(node, this.transportOf(router));
    const was = before[address];
    await eventually(
      `${router}: session with ${node} (${address}) dropped and re-established`,
      async () => {
        const now = (await neighborFacts(this.router(router)))[address];
        if (
          !was ||
          !now ||
          now.state !== 'Established' ||
          !(now.connectionsDropped > was.connectionsDropped) ||
          !(now.connectionsEstablished > was.connectionsEstablished)
        )
          throw new Error(
            `before ${JSON.stringify(was)}, now ${JSON.stringify(now)}: want state Established with both counters grown`,
          );
      },
      { timeoutMs: this.timeouts.sessionEstablished, consecutive: this.parameters.consecutive },
    );
  },
);

When('{string} asks every node for a route refresh', async function (this: LbWorld, router: string) {
  const r = this.router(router) as unknown as { vtysh?: (...c: string[]) => Promise<string> };
  if (!r.vtysh) throw new Error('route refresh is driven through FRR');
  facts.set(this, await neighborFacts(this.router(router)));
  await r.vtysh('clear bgp * soft in');
});

/**
 * At the router: it sent a ROUTE-REFRESH to the node and received UPDATEs from it afterwards on the
 * same session (the answer); the speaker's own `bgp.route-refresh` event is checked when declared.
 */
Then(
  '{string} sent {string} a route refresh and got its routes again',
  async function (this: LbWorld, router: string, node: string) {
    const before = facts.get(this);
    if (!before) throw new Error(`no counters recorded before ${router} asked for a refresh`);
    const address = this.address(node, this.transportOf(router));
    const was = before[address];
    await eventually(
      `${router} sent ${node} a ROUTE-REFRESH and received UPDATEs after it`,
      async () => {
        const now = (await neighborFacts(this.router(router)))[address];
        const problems = [
          ...(now && was && now.routeRefreshSent > was.routeRefreshSent ? [] : ['no ROUTE-REFRESH sent']),
          ...(now && was && now.updatesReceived > was.updatesReceived ? [] : ['no UPDATE received since']),
          ...(now && was && now.connectionsEstablished === was.connectionsEstablished
            ? []
            : ['the session was reset instead']),
        ];
        if (problems.length)
          throw new Error(
            `${problems.join(', ')}: before ${JSON.stringify(was)}, now ${JSON.stringify(now)}`,
          );
      },
      { timeoutMs: this.timeouts.routeAnnounced },
    );
    if (this.driver.declares('session-events'))
      await this.driver.waitForEvent(
        node,
        'bgp.route-refresh',
        () => true,
        this.timeouts.routeAnnounced,
        'reports bgp.route-refresh',
      );
  },
);

When('the speaker on {string} is stopped with SIGTERM', async function (this: LbWorld, node: string) {
  await this.driver.stop(node);
});

When('the speaker on {string} is killed with SIGKILL', async function (this: LbWorld, node: string) {
  await this.driver.kill(node);
});

When('the speaker on {string} starts again', async function (this: LbWorld, node: string) {
  await this.driver.start(node);
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
  syncController(this);
  await this.driver.startAll(this.nodes);
});
