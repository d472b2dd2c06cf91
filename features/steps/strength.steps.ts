/**
 * Steps that make a subtly wrong speaker fail (issue 16): timers and graceful stop read from the router's
 * own neighbour state (FRR `show bgp neighbors json`: negotiated hold time, message counters, last reset
 * reason), scale on the wire (thousands of host routes, checked route by route at the router), endpoints
 * that exist but cannot serve. Everything is observed at the router, never in the speaker's log.
 */
import { After, Given, Then, When } from '@cucumber/cucumber';
import { setTimeout as delay } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { PathView, RibView } from '../../harness/routers/peer-router.ts';
import { frrPrefixView, frrTableView } from '../../harness/routers/frr-view.ts';
import { eventually } from '../../harness/wait/eventually.ts';
import { run } from '../../common/exec.ts';
import {
  arpProbe,
  sawGratuitousArp,
  sawUnsolicitedNa,
  startCapture,
  type CapturedFrame,
} from '../../harness/probes/l2.ts';
import { electedNode } from '../../harness/scenario/election.ts';
import { parseIP, formatIP } from '../../reference/model/ip.ts';
import { SPEAKER_ASN, nameList } from '../support/constants.ts';
import {
  peerManifest,
  type PeerSpec,
  serviceFileName,
  serviceManifest,
  type ServiceSpec,
} from '../../harness/scenario/manifests.ts';
import type { LbWorld } from '../support/world.ts';

/** The parts of FRR's `show bgp neighbors json` these steps read. */
interface FrrNeighborState {
  bgpState?: string;
  bgpTimerHoldTimeMsecs?: number;
  connectionsDropped?: number;
  lastResetDueTo?: string;
  lastNotificationReason?: string;
  /** Hex code and subcode of the last NOTIFICATION, e.g. "0602" (Cease / Administrative Shutdown). */
  lastErrorCodeSubcode?: string;
  messageStats?: { keepalivesRecv?: number; notificationsRecv?: number; updatesRecv?: number };
}

async function neighbors(world: LbWorld, routerName: string): Promise<Record<string, FrrNeighborState>> {
  const r = world.router(routerName) as unknown as {
    json?: <T>(command: string) => Promise<T>;
  };
  if (!r.json) throw new Error(`${routerName}: neighbour state is read from FRR; this router is not FRR`);
  return r.json<Record<string, FrrNeighborState>>('show bgp neighbors json');
}

function neighborOf(world: LbWorld, routerName: string, node: string): string {
  return world.address(node, world.transportOf(routerName));
}

// ------------------------------------------------------------------ timers

/** Every node has one iBGP BGPPeer to the router with these extra fields; the router takes both families. */
function ibgpPeerWith(world: LbWorld, router: string, extra: Partial<PeerSpec>): void {
  world.routerAsn.set(router, SPEAKER_ASN);
  world.writeManifest(
    `20-peer-${router}.yaml`,
    peerManifest([
      {
        name: router,
        myASN: SPEAKER_ASN,
        peerASN: SPEAKER_ASN,
        peerAddress: world.address(router, world.transportOf(router)),
        ...extra,
      },
    ]),
  );
  for (const node of world.nodes)
    world.declareNeighbor(router, {
      address: neighborOf(world, router, node),
      remoteAsn: SPEAKER_ASN,
      families: ['ipv4', 'ipv6'],
    });
}

Given(
  'every node peers with {string} over iBGP with holdTime {string} and keepaliveTime {string}',
  function (this: LbWorld, router: string, holdTime: string, keepaliveTime: string) {
    ibgpPeerWith(this, router, { holdTime, keepaliveTime });
  },
);

/** The BGPPeer's connectTime: MetalLB's connect-retry time (api/v1beta2 BGPPeer ConnectTime). */
Given(
  'every node peers with {string} over iBGP with connectTime {string}',
  function (this: LbWorld, router: string, connectTime: string) {
    ibgpPeerWith(this, router, { connectTime });
  },
);

/** The router's OPEN carries this hold time (FRR `neighbor X timers KEEPALIVE HOLD`) for every node. */
Given(
  '{string} offers a hold time of {int} s with keepalives every {int} s',
  function (this: LbWorld, router: string, hold: number, keepalive: number) {
    const declared = this.routerNeighbors.get(router);
    if (!declared?.length) throw new Error(`declare how the nodes peer with "${router}" first`);
    this.routerNeighbors.set(
      router,
      declared.map((n) => ({ ...n, timers: { keepalive, hold } })),
    );
  },
);

Then(
  '{string} uses a hold time of {int} s with every node',
  async function (this: LbWorld, router: string, hold: number) {
    await eventually(
      `${router} negotiated hold time ${hold} s with ${this.nodes.join(', ')}`,
      async () => {
        const all = await neighbors(this, router);
        const wrong = this.nodes
          .map((node) => ({ node, n: all[neighborOf(this, router, node)] }))
          .filter(({ n }) => n?.bgpState !== 'Established' || n.bgpTimerHoldTimeMsecs !== hold * 1000)
          .map(
            ({ node, n }) =>
              `${node}: ${n?.bgpState ?? 'no neighbour'}, hold ${n?.bgpTimerHoldTimeMsecs ?? '?'} ms`,
          );
        if (wrong.length)
          throw new Error(`expected Established with hold ${hold * 1000} ms: ${wrong.join('; ')}`);
      },
      { timeoutMs: this.timeouts.sessionEstablished, consecutive: this.parameters.consecutive },
    );
  },
);

/**
 * Counted at the router over a window: the window is the measurement itself, not a wait for something
 * to happen. A speaker sending keepalives at least every `every` s delivers floor(window / every) of them
 * (one less for the phase of the first); a session reset in the window fails too.
 */
Then(
  'over {int} s {string} receives a KEEPALIVE at least every {int} s from every node, with no session reset',
  async function (this: LbWorld, windowS: number, router: string, every: number) {
    const before = await neighbors(this, router);
    await delay(windowS * 1000);
    const after = await neighbors(this, router);
    const want = Math.floor(windowS / every) - 1;
    const wrong: string[] = [];
    for (const node of this.nodes) {
      const a = neighborOf(this, router, node);
      const got =
        (after[a]?.messageStats?.keepalivesRecv ?? 0) - (before[a]?.messageStats?.keepalivesRecv ?? 0);
      const dropped = (after[a]?.connectionsDropped ?? 0) - (before[a]?.connectionsDropped ?? 0);
      if (got < want || dropped !== 0 || after[a]?.bgpState !== 'Established')
        wrong.push(
          `${node}: ${got} keepalives in ${windowS} s (want >= ${want}), ${dropped} session reset(s), now ${after[a]?.bgpState ?? 'no neighbour'} (last reset: ${after[a]?.lastResetDueTo ?? '-'})`,
        );
    }
    if (wrong.length) throw new Error(wrong.join('\n'));
  },
);

const frozen = new WeakMap<LbWorld, { node: string; pid: number; at: number }[]>();

/** SIGSTOP: unlike SIGKILL (the kernel then closes the TCP connection at once), nothing tells the router. */
When('the speaker on {string} freezes', function (this: LbWorld, node: string) {
  const s = this.speakers.get(node);
  if (!s) throw new Error(`no speaker on ${node}`);
  process.kill(s.pid, 'SIGSTOP');
  frozen.set(this, [...(frozen.get(this) ?? []), { node, pid: s.pid, at: Date.now() }]);
});

After(function (this: LbWorld) {
  for (const f of frozen.get(this) ?? []) {
    try {
      process.kill(f.pid, 'SIGCONT');
    } catch {
      // gone already
    }
  }
  frozen.delete(this);
});

Then(
  "{string} keeps {string}'s routes for at least {int} s after the freeze and drops them within {int} s",
  async function (this: LbWorld, router: string, node: string, minS: number, maxS: number) {
    const f = frozen.get(this)?.find((x) => x.node === node);
    if (!f) throw new Error(`the speaker on ${node} was not frozen in this scenario`);
    const hops = new Set([
      this.addressSeenBy(node, router, 'ipv4'),
      ...(() => {
        try {
          return [this.addressSeenBy(node, router, 'ipv6')];
        } catch {
          return [];
        }
      })(),
    ]);
    const r = this.router(router);
    const has = async (): Promise<boolean> =>
      Object.values(await r.ribView()).some((paths) => paths.some((p) => hops.has(p.nextHop)));
    let goneAt: number | undefined;
    while (Date.now() - f.at <= maxS * 1000) {
      if (!(await has())) {
        goneAt = Date.now();
        break;
      }
      await delay(200);
    }
    if (goneAt === undefined)
      throw new Error(`${router} still holds ${node}'s routes ${maxS} s after the freeze`);
    const after = (goneAt - f.at) / 1000;
    if (after < minS)
      throw new Error(
        `${router} dropped ${node}'s routes ${after.toFixed(1)} s after the freeze, before the negotiated hold time could expire (expected >= ${minS} s)`,
      );
  },
);

// ------------------------------------------------------------------ graceful stop

Then(
  '{string} received a NOTIFICATION Cease from {string}',
  async function (this: LbWorld, router: string, node: string) {
    await eventually(
      `${router} got a NOTIFICATION Cease from ${node}`,
      async () => {
        const n = (await neighbors(this, router))[neighborOf(this, router, node)];
        const got = n?.messageStats?.notificationsRecv ?? 0;
        const reset = n?.lastResetDueTo ?? '';
        const reason = n?.lastNotificationReason;
        const code = n?.lastErrorCodeSubcode;
        if (
          got < 1 ||
          !/notification received/i.test(reset) ||
          (reason !== undefined && !/cease/i.test(reason)) ||
          (code !== undefined && !code.startsWith('06'))
        )
          throw new Error(
            `${node}: notificationsRecv ${got}, lastResetDueTo ${JSON.stringify(reset)}, lastNotificationReason ${JSON.stringify(reason ?? null)}, lastErrorCodeSubcode ${JSON.stringify(code ?? null)}`,
          );
      },
      { timeoutMs: this.timeouts.ceaseWithdrawn },
    );
  },
);

// ------------------------------------------------------------------ services

async function putService(world: LbWorld, spec: ServiceSpec): Promise<void> {
  world.services.set(`${spec.namespace}/${spec.name}`, spec);
  world.writeManifest(serviceFileName(spec.namespace, spec.name), serviceManifest(spec));
  await Promise.all([...world.speakers.values()].map((s) => s.configChanged()));
}

function existing(world: LbWorld, ref: string): ServiceSpec {
  const [namespace, name] = ref.includes('/') ? ref.split('/', 2) : ['default', ref];
  const s = world.services.get(`${namespace}/${name}`);
  if (!s) throw new Error(`no Service ${ref} in this scenario`);
  return s;
}

Given(
  'a Service {string} with externalTrafficPolicy {word} requesting {string} and an endpoint on {string} that is not ready',
  function (this: LbWorld, ref: string, policy: string, ips: string, node: string) {
    if (policy !== 'Cluster' && policy !== 'Local')
      throw new Error(`policy must be Cluster or Local, got ${policy}`);
    const [namespace, name] = ref.split('/', 2) as [string, string];
    return putService(this, {
      namespace,
      name,
      dualStack: false,
      readyOn: [],
      notReadyOn: nameList(node),
      externalTrafficPolicy: policy,
      annotations: { 'metallb.io/loadBalancerIPs': nameList(ips).join(',') },
    });
  },
);

When(
  'the endpoint of the Service {string} on {string} becomes ready',
  function (this: LbWorld, ref: string, node: string) {
    const s = existing(this, ref);
    return putService(this, {
      ...s,
      readyOn: [...s.readyOn, node],
      notReadyOn: (s.notReadyOn ?? []).filter((n) => n !== node),
    });
  },
);

When('no endpoint of the Service {string} is ready any more', function (this: LbWorld, ref: string) {
  const s = existing(this, ref);
  return putService(this, { ...s, readyOn: [], notReadyOn: [...(s.notReadyOn ?? []), ...s.readyOn] });
});

// ------------------------------------------------------------------ scale

interface Bulk {
  v4: bigint;
  v6: bigint;
  node: string;
  indices: number[];
  next: number;
}
const bulks = new WeakMap<LbWorld, Bulk>();
const BULK_FILE = '30-bulk-services.yaml';

function bulkIPs(b: Bulk, i: number): [string, string] {
  return [formatIP({ family: 4, value: b.v4 + BigInt(i) }), formatIP({ family: 6, value: b.v6 + BigInt(i) })];
}

/** One manifest file for every bulk Service, written in one go: a churn is one change for the speaker. */
async function writeBulk(world: LbWorld, b: Bulk): Promise<void> {
  const docs = b.indices.map((i) =>
    serviceManifest({
      namespace: 'bulk',
      name: `svc-${i}`,
      dualStack: true,
      readyOn: [b.node],
      annotations: { 'metallb.io/loadBalancerIPs': bulkIPs(b, i).join(',') },
    }),
  );
  world.writeManifest(BULK_FILE, docs.join('---\n'));
  await Promise.all([...world.speakers.values()].map((s) => s.configChanged()));
}

Given(
  '{int} dual-stack Services requesting consecutive addresses from {string} and {string} with a ready endpoint on {string}',
  function (this: LbWorld, count: number, first4: string, first6: string, node: string) {
    const v4 = parseIP(first4);
    const v6 = parseIP(first6);
    if (v4?.family !== 4 || v6?.family !== 6)
      throw new Error(`expected an IPv4 and an IPv6 address: ${first4}, ${first6}`);
    const b: Bulk = { v4: v4.value, v6: v6.value, node, indices: [...Array(count).keys()], next: count };
    bulks.set(this, b);
    return writeBulk(this, b);
  },
);

When(
  'in one change the first {int} of those Services are deleted and {int} new ones are created',
  function (this: LbWorld, removed: number, added: number) {
    const b = bulks.get(this);
    if (!b) throw new Error('no bulk Services in this scenario');
    b.indices = [...b.indices.slice(removed), ...Array.from({ length: added }, (_, k) => b.next + k)];
    b.next += added;
    return writeBulk(this, b);
  },
);

/** Generous for thousands of routes on a shared machine: FRR parses them all before its table shows them. */
const SCALE_TIMEOUT_FACTOR = 6;

Then(
  '{string} has exactly the host routes of those Services, from {string}',
  async function (this: LbWorld, router: string, node: string) {
    const b = bulks.get(this);
    if (!b) throw new Error('no bulk Services in this scenario');
    const path = (family: 'ipv4' | 'ipv6'): PathView[] => [
      {
        nextHop: this.addressSeenBy(node, router, family),
        origin: 'IGP',
        asPath: '',
        localPref: 0,
        communities: [],
        largeCommunities: [],
      },
    ];
    const expected: RibView = {};
    for (const i of b.indices) {
      const [a4, a6] = bulkIPs(b, i);
      expected[`${a4}/32`] = path('ipv4');
      expected[`${a6}/128`] = path('ipv6');
    }
    const r = this.router(router) as unknown as { json?: <T>(command: string) => Promise<T> };
    if (!r.json)
      throw new Error(`${router}: the scale check reads FRR's table in bulk; this router is not FRR`);
    const frr = { json: r.json };
    await eventually(
      `${Object.keys(expected).length} host routes at ${router}`,
      async () => {
        const actual = await frrTableView(frr);
        const missing = Object.keys(expected).filter((p) => !actual[p]);
        const extra = Object.keys(actual).filter((p) => !expected[p]);
        const differ = Object.keys(expected).filter(
          (p) => actual[p] && !isDeepStrictEqual(actual[p], expected[p]!.map(tableOnly)),
        );
        if (missing.length || extra.length || differ.length)
          throw new Error(
            `${missing.length} missing (${missing.slice(0, 3).join(', ')}), ${extra.length} unexpected (${extra.slice(0, 3).join(', ')}), ${differ.length} with other attributes${differ.length ? ` (${differ[0]}: ${JSON.stringify(actual[differ[0]!])})` : ''}`,
          );
      },
      {
        timeoutMs: this.timeouts.routeAnnounced * SCALE_TIMEOUT_FACTOR,
        consecutive: this.parameters.consecutive,
      },
    );
    // Communities are not in the table view: every attribute of a spread sample, one prefix at a time.
    const prefixes = Object.keys(expected);
    const step = Math.max(1, Math.floor(prefixes.length / SAMPLE));
    for (let i = 0; i < prefixes.length; i += step) {
      const p = prefixes[i]!;
      const got = await frrPrefixView(frr, p);
      if (!isDeepStrictEqual(got, expected[p]))
        throw new Error(`${p}: expected ${JSON.stringify(expected[p])}\n    actual   ${JSON.stringify(got)}`);
    }
  },
);

/** Prefixes checked with every attribute (communities included) after the whole table matched. */
const SAMPLE = 40;

function tableOnly(p: PathView): Omit<PathView, 'communities' | 'largeCommunities'> {
  const { communities: _c, largeCommunities: _l, ...rest } = p;
  return rest;
}

Then(
  '{string} has received at least {int} UPDATE messages from {string}',
  async function (this: LbWorld, router: string, min: number, node: string) {
    const n = (await neighbors(this, router))[neighborOf(this, router, node)];
    const got = n?.messageStats?.updatesRecv ?? 0;
    if (got < min)
      throw new Error(`${router} received ${got} UPDATE messages from ${node}, expected >= ${min}`);
  },
);

/** The router never opens a connection itself (FRR `neighbor X passive`): only the speaker can bring a session up. */
Given('{string} only waits for the nodes to connect', function (this: LbWorld, router: string) {
  const declared = this.routerNeighbors.get(router);
  if (!declared?.length) throw new Error(`declare how the nodes peer with "${router}" first`);
  this.routerNeighbors.set(
    router,
    declared.map((n) => ({ ...n, passive: true })),
  );
});

// ------------------------------------------------------------------ connectTime

const routerDown = new WeakMap<LbWorld, { router: string; at: number }>();

/**
 * Stops the router's daemons while its namespace and addresses stay: its kernel refuses each connection
 * attempt at once (RST), so every attempt is one SYN on the router's interface, captured there. What the
 * nodes' connect-retry timers do is read at the router, not from the speaker.
 */
When('{string} goes down, its address still answering', async function (this: LbWorld, router: string) {
  const lab = await this.labUp();
  const to = this.address(router, this.transportOf(router));
  this.capture = await startCapture(
    lab.nsOf(router),
    this.interfaceFacing(router, this.nodes[0]!),
    `dst host ${to} and tcp dst port 179 and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn`,
  );
  await this.router(router).stop();
  this.routers.delete(router);
  routerDown.set(this, { router, at: Date.now() });
});

When('{string} comes back', async function (this: LbWorld, router: string) {
  if (routerDown.get(this)?.router !== router) throw new Error(`"${router}" did not go down`);
  await this.routersUp();
});

/** The source address of a captured TCP SYN to port 179 (tcpdump's summary: `A.port > B.179: Flags [S]`). */
function synSource(f: CapturedFrame): string | undefined {
  return /: (\S+)\.\d+ > \S+\.179: Flags \[S\]/.exec(f.summary)?.[1];
}

/**
 * Counted at the router over a window (the window is the measurement): from the moment it went down to
 * the window's end, no gap between a node's connection attempts (nor before the first, nor after the last)
 * is longer than `every` s, give or take half of it for timers on a loaded machine. A backoff that grows
 * past `every` (1, 2, 4, 8 s ...) leaves a gap of twice it.
 */
Then(
  'over {int} s every node tries to connect to {string} at least every {int} s',
  async function (this: LbWorld, windowS: number, router: string, every: number) {
    const down = routerDown.get(this);
    const capture = this.capture;
    if (down?.router !== router || !capture) throw new Error(`"${router}" did not go down`);
    const left = down.at + windowS * 1000 - Date.now();
    if (left > 0) await delay(left);
    const end = Date.now();
    const frames = await capture.stop();
    this.capture = undefined;
    const limit = every * 1500;
    const problems: string[] = [];
    const seen: string[] = [];
    for (const node of this.nodes) {
      const from = this.addressSeenBy(node, router, this.transportOf(router));
      const times = frames
        .filter((f) => synSource(f) === from && f.timeMs >= down.at)
        .map((f) => f.timeMs)
        .sort((a, b) => a - b);
      const marks = [down.at, ...times, end];
      const gaps = marks.slice(1).map((t, i) => t - marks[i]!);
      const attempts = `${times.length} attempts at ${times.map((t) => t - down.at).join(', ')} ms`;
      seen.push(`${node}: ${attempts}`);
      if (Math.max(...gaps) > limit)
        problems.push(
          `${node}: ${attempts}; the longest gap ${Math.max(...gaps)} ms, expected <= ${limit} ms`,
        );
    }
    if (problems.length) throw new Error(`while ${router} was down for ${windowS} s: ${problems.join('; ')}`);
    this.log(`connection attempts while ${router} was down: ${seen.join('; ')}`);
  },
);

// ------------------------------------------------------------------ L2 timing and partition

async function macOfNode(world: LbWorld, node: string, host: string): Promise<string> {
  const lab = await world.labUp();
  return (await lab.macOf(node, world.interfaceFacing(node, host))).toLowerCase();
}

/**
 * The gratuitous burst after a takeover, counted at the host over a window (the window is the
 * measurement): gratuitous ARP for an IPv4 address, unsolicited NA (Override, to ff02::1) for an IPv6 one;
 * rounds (frames less than 300 ms apart are one round: ARP request and reply) at once, then
 * every `period` ms while the next one still falls within `burst` ms of the first; none after. Timer
 * drift on a loaded machine may cost the last round, never add one; gaps may stretch, not shrink.
 */
Then(
  'over the next {int} s {string} sees the new owner of {string} announce it gratuitously at once, then every {int} ms for {int} ms, and then no more',
  async function (this: LbWorld, windowS: number, host: string, ip: string, period: number, burst: number) {
    const f = this.failover;
    const capture = this.capture;
    if (!f || !capture) throw new Error('no failover in progress (kill the elected node first)');
    const owner = electedNode(
      this.nodes.filter((n) => this.speakers.has(n)),
      ip,
    );
    const mac = await macOfNode(this, owner, host);
    const left = f.killedAt + windowS * 1000 - Date.now();
    if (left > 0) await delay(left);
    const frames = await capture.stop();
    this.capture = undefined;
    const v6 = ip.includes(':');
    const times = (v6 ? sawUnsolicitedNa : sawGratuitousArp)(frames, mac, ip)
      .map((x) => x.timeMs)
      .sort((a, b) => a - b);
    const rounds: number[] = [];
    for (const t of times) if (!rounds.length || t - rounds[rounds.length - 1]! > 300) rounds.push(t);
    const gaps = rounds.slice(1).map((t, i) => t - rounds[i]!);
    const most = Math.floor(burst / period) + 1;
    const problems: string[] = [];
    if (!rounds.length) problems.push(`no ${v6 ? 'unsolicited NA' : 'gratuitous ARP'} at all`);
    else {
      const first = rounds[0]! - f.killedAt;
      if (first > this.timeouts.l2Failover) problems.push(`first round ${first} ms after the kill`);
      if (rounds.length < most - 1 || rounds.length > most)
        problems.push(`${rounds.length} rounds, expected ${most - 1}-${most}`);
      const bad = gaps.filter((g) => g < period * 0.8 || g > period * 1.6);
      if (bad.length) problems.push(`gaps ${gaps.join(', ')} ms, expected about ${period} ms`);
      if (rounds[rounds.length - 1]! - rounds[0]! > burst) problems.push(`the burst lasted past ${burst} ms`);
    }
    if (problems.length)
      throw new Error(
        `${owner} (${mac}) for ${ip}: ${problems.join('; ')} (round times after the kill: ${rounds.map((t) => t - f.killedAt).join(', ')} ms)`,
      );
    this.log(
      `gratuitous burst of ${owner} for ${ip}: rounds at ${rounds.map((t) => t - f.killedAt).join(', ')} ms after the kill`,
    );
  },
);

const partitioned = new WeakMap<LbWorld, { node: string; routes: [string, string][] }[]>();

/**
 * Cuts the node off from the other nodes (blackhole routes both ways for their addresses, both families):
 * membership datagrams no longer pass, while the host still reaches every node over ARP, which needs
 * no route. Nothing else in an L2 scenario goes node to node.
 */
When(
  'a node that does not answer for {string} is cut off from the membership traffic of the others',
  async function (this: LbWorld, ip: string) {
    const lab = await this.labUp();
    const owner = electedNode(this.nodes, ip);
    const node = this.nodes.find((n) => n !== owner)!;
    this.labDirty = true;
    const routes: [string, string][] = [];
    for (const other of this.nodes.filter((n) => n !== node))
      for (const family of ['ipv4', 'ipv6'] as const) {
        const suffix = family === 'ipv4' ? '/32' : '/128';
        routes.push([lab.nsOf(node), this.address(other, family) + suffix]);
        routes.push([lab.nsOf(other), this.address(node, family) + suffix]);
      }
    for (const [ns, dst] of routes) await run('ip', ['-n', ns, 'route', 'add', 'blackhole', dst]);
    partitioned.set(this, [...(partitioned.get(this) ?? []), { node, routes }]);
  },
);

Then(
  '{string} gets answers for {string} from both the elected node and the cut-off node',
  async function (this: LbWorld, host: string, ip: string) {
    const lab = await this.labUp();
    const owner = electedNode(this.nodes, ip);
    const cut = (partitioned.get(this) ?? []).map((p) => p.node);
    const want = [owner, ...cut].sort();
    const macs = new Map<string, string>();
    for (const n of this.nodes) macs.set(await macOfNode(this, n, host), n);
    await eventually(
      `${host} gets ARP answers for ${ip} from ${want.join(' and ')}`,
      async () => {
        const got = (await arpProbe(lab.nsOf(host), 'eth0', ip, 500))
          .map((m) => macs.get(m.toLowerCase()) ?? m)
          .sort();
        if (!isDeepStrictEqual(got, want))
          throw new Error(`answers [${got.join(', ')}], expected [${want.join(', ')}]`);
      },
      { timeoutMs: this.timeouts.l2Failover, consecutive: 2, intervalMs: 100 },
    );
  },
);

When('the partition heals', async function (this: LbWorld) {
  for (const p of partitioned.get(this) ?? [])
    for (const [ns, dst] of p.routes) await run('ip', ['-n', ns, 'route', 'del', 'blackhole', dst]);
  partitioned.delete(this);
});

// ------------------------------------------------------------------ no needless UPDATEs

const updateMarks = new WeakMap<LbWorld, Map<string, number>>();

When(
  '{string} notes how many UPDATEs it has from {string}',
  async function (this: LbWorld, router: string, node: string) {
    const n = (await neighbors(this, router))[neighborOf(this, router, node)];
    const marks = updateMarks.get(this) ?? new Map<string, number>();
    marks.set(`${router}|${node}`, n?.messageStats?.updatesRecv ?? 0);
    updateMarks.set(this, marks);
  },
);

/** Read once the router's table already shows the change: anything more was sent needlessly. */
Then(
  '{string} has received exactly {int} more UPDATE(s) from {string} since',
  async function (this: LbWorld, router: string, more: number, node: string) {
    const before = updateMarks.get(this)?.get(`${router}|${node}`);
    if (before === undefined) throw new Error(`no UPDATE count noted for ${node} at ${router}`);
    const n = (await neighbors(this, router))[neighborOf(this, router, node)];
    const got = (n?.messageStats?.updatesRecv ?? 0) - before;
    if (got !== more)
      throw new Error(
        `${router} received ${got} UPDATE(s) from ${node} since the count was noted, expected ${more}`,
      );
  },
);
