import { Given, Then } from '@cucumber/cucumber';
import { run, runIn } from '../../common/exec.ts';
import { neighborFacts } from '../../harness/routers/frr-neighbors.ts';
import { eventually } from '../../harness/wait/eventually.ts';
import { EBGP_ROUTER_ASN, SPEAKER_ASN } from '../support/constants.ts';
import { peerManifest, type PeerSpec } from '../../harness/scenario/manifests.ts';
import type { LbWorld } from '../support/world.ts';

/** Steps for the TCP side of sessions: TTL (ebgpMultiHop) and the speaker's passive side. */

type Family = 'ipv4' | 'ipv6';

function family(text: string): Family {
  if (text !== 'IPv4' && text !== 'IPv6') throw new Error(`transport must be IPv4 or IPv6, got ${text}`);
  return text === 'IPv4' ? 'ipv4' : 'ipv6';
}

/** ICMP "time exceeded" messages a namespace has sent (it dropped a packet whose TTL ran out there). */
async function timeExceededSent(ns: string, f: Family): Promise<number> {
  const text = (await runIn(ns, 'cat', [f === 'ipv4' ? '/proc/net/snmp' : '/proc/net/snmp6'])).stdout;
  if (f === 'ipv6') return Number(/^Icmp6OutTimeExcds\s+(\d+)/m.exec(text)?.[1] ?? NaN);
  const lines = text.split('\n').filter((l) => l.startsWith('Icmp:'));
  const names = lines[0]?.split(/\s+/) ?? [];
  return Number(lines[1]?.split(/\s+/)[names.indexOf('OutTimeExcds')] ?? NaN);
}

const baseline = new WeakMap<LbWorld, number>();

/**
 * The nodes, a transit router (forwarding only, no BGP) on their segment and a router behind it on a
 * second segment: two hops from every node, with static routes both ways.
 */
Given(
  'nodes {string}, the transit router {string} and the router {string} behind it, routed both ways',
  async function (this: LbWorld, nodes: string, transit: string, far: string) {
    this.defineNodeSegment(
      nodes.split(',').map((s) => s.trim()),
      [transit],
    );
    this.addRouterBehind(far, transit);
    this.writeManifest('10-nodes.yaml', this.nodesYaml());
    const lab = await this.labUp();
    this.labDirty = true;
    const farSegment = `${transit}-${far}`.slice(0, 20);
    for (const f of ['ipv4', 'ipv6'] as const) {
      const v = f === 'ipv4' ? [] : ['-6'];
      const farNet = f === 'ipv4' ? '198.51.100.0/24' : '2001:db8:0:2::/64';
      const nodeNet = f === 'ipv4' ? '192.0.2.0/24' : '2001:db8:0:1::/64';
      for (const node of this.nodes)
        await run('ip', [
          ...v,
          '-n',
          lab.nsOf(node),
          'route',
          'replace',
          farNet,
          'via',
          this.address(transit, f),
        ]);
      await run('ip', [
        ...v,
        '-n',
        lab.nsOf(far),
        'route',
        'replace',
        nodeNet,
        'via',
        this.address(transit, f, farSegment),
      ]);
    }
  },
);

/**
 * eBGP with a router that is not directly connected. The router allows multihop and only listens
 * (passive), so whether the session comes up depends on the TTL of the speaker's own packets alone.
 */
Given(
  'every node peers with {string} over eBGP on {word} transport with ebgpMultiHop {word}',
  async function (this: LbWorld, router: string, transport: string, multihop: string) {
    if (multihop !== 'true' && multihop !== 'false')
      throw new Error(`ebgpMultiHop must be true or false, got ${multihop}`);
    const f = family(transport);
    this.transport.set(router, f);
    this.routerAsn.set(router, EBGP_ROUTER_ASN);
    // one BGPPeer per node: a peer off the node's subnets needs sourceAddress (the node's own address)
    const peers = this.nodes.map((node): PeerSpec & { ebgpMultiHop: boolean; sourceAddress: string } => ({
      name: `${router}-${node.toLowerCase()}`,
      myASN: SPEAKER_ASN,
      peerASN: EBGP_ROUTER_ASN,
      peerAddress: this.address(router, f),
      sourceAddress: this.address(node, f),
      ebgpMultiHop: multihop === 'true',
      nodeSelectors: [{ matchLabels: { 'kubernetes.io/hostname': node } }],
    }));
    this.writeManifest(`20-peer-${router}.yaml`, peerManifest(peers));
    for (const node of this.nodes) {
      this.declareNeighbor(router, {
        address: this.address(node, f),
        remoteAsn: SPEAKER_ASN,
        families: ['ipv4', 'ipv6'],
        ebgpMultihop: 255,
        passive: true,
      });
    }
    const lab = await this.labUp();
    const transit = this.topology.hosts.find((h) => h.role === 'router' && h.name !== router)!.name;
    baseline.set(this, await timeExceededSent(lab.nsOf(transit), f));
  },
);

/** A route that crossed hops: its next hop is the node's own address on its segment. */
Then(
  '{string} has the route {string} from {string}',
  async function (this: LbWorld, router: string, prefix: string, node: string) {
    const nextHop = this.address(node, prefix.includes(':') ? 'ipv6' : 'ipv4');
    await eventually(
      `${prefix} from ${node} at ${router}`,
      async () => {
        const paths = (await this.router(router).ribView())[prefix] ?? [];
        if (!paths.some((p) => p.nextHop === nextHop))
          throw new Error(`${prefix}: paths ${JSON.stringify(paths)}, want next hop ${nextHop}`);
      },
      { timeoutMs: this.routeBudget(), consecutive: this.parameters.consecutive },
    );
  },
);

/**
 * TTL 1: the far router is never reached and no session comes up. A speaker that sends has its packets
 * die at the transit router, which says so (ICMP time exceeded). A speaker may also send nothing: FRR,
 * and so MetalLB's FRR mode, does not connect to a single-hop eBGP peer that is not directly connected
 * (bgpd's connected check; MetalLB disables it only for IPv6, internal/bgp/frr/config.go
 * mustDisableConnectedCheck). Then the proof is the session staying down over the whole session budget.
 * The form seen is attached to the scenario.
 */
Then(
  '{string} drops the packets of every node for {string} as TTL expired, and no session comes up',
  async function (this: LbWorld, transit: string, router: string) {
    const lab = await this.labUp();
    const f = this.transportOf(router);
    const before = baseline.get(this) ?? 0;
    const addresses = this.nodes.map((n) => this.address(n, f));
    const noSession = async (): Promise<void> => {
      const states = await this.router(router).sessionStates();
      const up = addresses.filter((a) => states[a] === 'Established');
      if (up.length) throw new Error(`Established over more than one hop with TTL 1: ${up.join(', ')}`);
    };
    let dropped = 0;
    const established = new AbortController(); // a session over two hops fails at once
    try {
      await eventually(
        `${transit} sends ICMP time exceeded`,
        async () => {
          await noSession().catch((err: Error) => established.abort(err));
          dropped = (await timeExceededSent(lab.nsOf(transit), f)) - before;
          if (!(dropped > 0)) throw new Error(`${transit} sent no time-exceeded message (${f})`);
        },
        { timeoutMs: this.timeouts.sessionEstablished, signal: established.signal },
      );
    } catch (err) {
      if (established.signal.aborted) throw established.signal.reason;
      if (!(err instanceof Error && /time-exceeded/.test(err.message))) throw err;
    }
    await eventually(`no session at ${router}`, noSession, {
      timeoutMs: this.timeouts.sessionEstablished,
      consecutive: Math.max(5, this.parameters.consecutive),
    });
    this.attach(
      dropped > 0
        ? `TTL 1: ${dropped} packet(s) dropped at ${transit} as TTL expired`
        : `TTL 1: nothing reached ${transit} within ${this.timeouts.sessionEstablished} ms (no connection attempt toward a peer that is not directly connected, as FRR's connected check)`,
      'text/plain',
    );
  },
);

/**
 * The router connects to the nodes (the speaker's passive side takes it); the nodes' BGPPeer points
 * at a port where nothing listens, so their own attempts are refused and only inbound can work.
 */
Given(
  "{string} connects to every node over iBGP {word} TCP MD5, while the nodes' own attempts go to a closed port",
  function (this: LbWorld, router: string, md5: string) {
    if (md5 !== 'with' && md5 !== 'without')
      throw new Error(`expected "with" or "without" TCP MD5, got ${md5}`);
    const password = md5 === 'with' ? 'inbound-s3cret' : undefined;
    this.routerAsn.set(router, SPEAKER_ASN);
    const peer: PeerSpec & { peerPort: number } = {
      name: router,
      myASN: SPEAKER_ASN,
      peerASN: SPEAKER_ASN,
      peerAddress: this.address(router, 'ipv4'),
      peerPort: 1179,
      ...(password ? { password } : {}),
    };
    this.writeManifest(`20-peer-${router}.yaml`, peerManifest([peer]));
    for (const node of this.nodes) {
      this.declareNeighbor(router, {
        address: this.address(node, 'ipv4'),
        remoteAsn: SPEAKER_ASN,
        families: ['ipv4', 'ipv6'],
        ...(password ? { password } : {}),
      });
    }
  },
);

Given(
  '{string} tries to peer with every node, which has no BGPPeer for it',
  function (this: LbWorld, router: string) {
    this.routerAsn.set(router, SPEAKER_ASN);
    for (const node of this.nodes)
      this.declareNeighbor(router, {
        address: this.address(node, 'ipv4'),
        remoteAsn: SPEAKER_ASN,
        families: ['ipv4'],
      });
  },
);

/**
 * Who opened the session, as the router's socket shows it: the router's end is an ephemeral port and
 * the node's end is 179 (the node listened). The speaker's `bgp.incoming.accepted` is checked too when
 * it declares session events.
 */
Then(
  'the speaker on {string} took the session with {string} inbound',
  async function (this: LbWorld, node: string, router: string) {
    const address = this.address(node, 'ipv4');
    await eventually(
      `${router} opened the session with ${node} (its connection to ${address}:179)`,
      async () => {
        const f = (await neighborFacts(this.router(router)))[address];
        if (f?.state !== 'Established' || f.foreignPort !== 179 || f.localPort === 179)
          throw new Error(
            `session at ${router}: ${JSON.stringify(f)}; want Established with the node's end on port 179`,
          );
      },
      { timeoutMs: this.timeouts.sessionEstablished },
    );
    if (this.driver.declares('session-events')) {
      const from = this.address(router, 'ipv4');
      await this.driver.waitForEvent(
        node,
        'bgp.incoming.accepted',
        (e) => e['peer'] === router && String(e['remote']).startsWith(`${from}:`),
        this.timeouts.sessionEstablished,
        `reports bgp.incoming.accepted from ${from} for peer ${router}`,
      );
    }
  },
);

Then(
  'the speaker on {string} refuses {string}, which never gets a session',
  async function (this: LbWorld, node: string, router: string) {
    const address = this.address(node, 'ipv4');
    await eventually(
      `no session at ${router}`,
      async () => {
        const state = (await this.router(router).sessionStates())[address];
        if (state === 'Established')
          throw new Error(`${router} Established with ${node} though no BGPPeer names it`);
      },
      { timeoutMs: this.timeouts.sessionEstablished, consecutive: Math.max(5, this.parameters.consecutive) },
    );
    if (this.driver.declares('session-events')) {
      const from = this.address(router, 'ipv4');
      await this.driver.waitForEvent(
        node,
        'bgp.listener.refused',
        (e) => String(e['remote']).startsWith(`${from}:`),
        this.timeouts.sessionEstablished,
        `reports bgp.listener.refused from ${from}`,
      );
    }
  },
);
