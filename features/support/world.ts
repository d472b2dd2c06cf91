import { timed } from '../../harness/run/phase-clock.ts';
import { World, setWorldConstructor, type IWorldOptions } from '@cucumber/cucumber';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../../netns/runtime.ts';
import type { Topology } from '../../netns/topology.ts';
import { startFrr, type FrrNeighbor } from '../../harness/routers/frr.ts';
import { startGobgp } from '../../harness/routers/gobgp.ts';
import { startBird } from '../../harness/routers/bird.ts';
import type { PeerRouter } from '../../harness/routers/peer-router.ts';
import type { SpeakerHandle, SystemUnderTest } from '../../harness/sut/adapter.ts';
import { SpeakerDriver } from '../../harness/sut/driver.ts';
import type { Timeouts } from '../../harness/timeouts.ts';
import { NODE_SEGMENT, SPEAKER_ASN, nodeSegmentAddress } from './constants.ts';
import { nodesManifest, type ServiceSpec } from '../../harness/scenario/manifests.ts';
import { randomBytes } from 'node:crypto';
import type { startCapture } from '../../harness/probes/l2.ts';
import type { Spawned } from '../../common/exec.ts';
import { suite } from './suite.ts';
import { acquireLab, claimRouter } from './lab-cache.ts';

export interface WorldParameters {
  outDir: string;
  timeouts: Timeouts;
  consecutive: number;
}

/**
 * Per-scenario state: the topology (data, then the live lab), routers, speakers and the manifest
 * folder the speakers watch. Everything here is torn down in the After hook, pass or fail.
 */
export class LbWorld extends World<WorldParameters> {
  topology: Topology = { segments: [], hosts: [] };
  lab?: Lab;
  readonly routers = new Map<string, PeerRouter>();
  /** Router implementation per router name (FRR unless a step says otherwise). */
  readonly routerKind = new Map<string, PeerRouter['kind']>();
  /** Address family the BGP sessions with a router run over (IPv4 unless a step says otherwise). */
  readonly transport = new Map<string, 'ipv4' | 'ipv6'>();

  transportOf(router: string): 'ipv4' | 'ipv6' {
    return this.transport.get(router) ?? 'ipv4';
  }
  /**
   * The transports of the sessions each node holds with a router: one per BGPPeer. A dual-stack user
   * has an IPv4 and an IPv6 BGPPeer per router (MetalLB FRR mode carries one family per peer);
   * steps that set up one session carrying both families record a single transport.
   */
  readonly sessionTransports = new Map<string, ('ipv4' | 'ipv6')[]>();

  sessionTransportsOf(router: string): ('ipv4' | 'ipv6')[] {
    return this.sessionTransports.get(router) ?? [this.transportOf(router)];
  }
  readonly routerAsn = new Map<string, number>();
  /** Router BGP neighbours declared by Given steps; routers start when the scenario acts. */
  readonly routerNeighbors = new Map<string, FrrNeighbor[]>();
  private speakerDriver?: SpeakerDriver;
  /** The system under test in this scenario: every start, stop and observation of it. */
  get driver(): SpeakerDriver {
    this.speakerDriver ??= new SpeakerDriver({
      sut: this.sut,
      netnsOf: async (node) => (await this.labUp()).nsOf(node),
      manifestDir: this.manifestDir,
      scenarioDir: this.scenarioDir,
      l2Secret: this.l2Secret,
      l2GratuitousIntervalMs: () => this.l2GratuitousIntervalMs,
    });
    return this.speakerDriver;
  }
  /** Speakers running now, by node (read-only: start and stop go through the driver). */
  get speakers(): ReadonlyMap<string, SpeakerHandle> {
    return this.driver.running;
  }
  nodes: string[] = [];
  readonly services = new Map<string, ServiceSpec>();
  manifestCount = 0;
  /** False in a `@controller` scenario: the SUT allocates, the harness writes no Service status. */
  harnessIsController = true;
  readonly nodeLabels = new Map<string, Record<string, string>>();
  sut!: SystemUnderTest;
  scenarioDir = '';
  featureName = '';
  /** What this scenario got from an earlier one (timing.json; bench/suite.ts counts it). */
  readonly reuse = { lab: false, routers: 0 };
  /** Set by steps that change namespaces beyond the topology (addresses, routes, sysctls): no reuse. */
  labDirty = false;
  /** Helper processes a scenario started in its namespaces (stopped in After). */
  readonly extraProcesses: Spawned[] = [];
  /** Background pings by "router ip" (graceful restart: traffic keeps flowing). */
  readonly pings = new Map<string, { proc: Spawned; logFile: string }>();
  /** `l2-periodic`: the speakers' periodic gratuitous interval (ms), given to the adapter at start. */
  l2GratuitousIntervalMs?: number;
  /** When the switch started dropping a node's frames (BFD scenarios). */
  droppedAt?: number;
  capture?: Awaited<ReturnType<typeof startCapture>>;
  failover?: { from: string; killedAt: number; ip: string };
  manifestDir = '';

  constructor(options: IWorldOptions<WorldParameters>) {
    super(options);
  }

  get timeouts(): Timeouts {
    return this.parameters.timeouts;
  }

  /** A router started (or restarted) since the last route check: sessions must come up first. */
  routersPending = false;

  /**
   * The budget of a route check: `routeAnnounced`, plus `sessionEstablished` while a speaker or a
   * router started since the last route check succeeded (the first check after a start includes the
   * session coming up: a daemon with a real connect-retry may wait seconds before its first connect).
   */
  routeBudget(): number {
    // After a start, every session may take up to sessionEstablished to come up (GoBGP waits 5-9 s
    // before its first connect). The window runs from the first route check after the start, and a
    // check made while it is open gets what is left of it: a route check that passes on the first
    // node's session must not shorten the next node's (that made the GoBGP example flaky).
    const now = Date.now();
    if (this.driver.sessionsPending || this.routersPending) {
      this.sessionsDueAt = now + this.timeouts.sessionEstablished;
      this.driver.sessionsPending = false;
      this.routersPending = false;
    }
    return this.timeouts.routeAnnounced + Math.max(0, this.sessionsDueAt - now);
  }

  /** When sessions started (or restarted) last are due: route checks until then get the rest. */
  private sessionsDueAt = 0;

  /** Per-scenario membership secret for layer 2 (random: nothing outside the scenario knows it). */
  readonly l2Secret = randomBytes(16).toString('hex');

  /** Node manifests with labels and each node's InternalIP (the membership reaches speakers there). */
  nodesYaml(): string {
    return nodesManifest(
      this.nodes,
      Object.fromEntries(this.nodeLabels),
      Object.fromEntries(this.nodes.map((n) => [n, this.address(n, 'ipv4')])),
    );
  }

  /**
   * S6: every node on two segments — `nodes` through `mainIf`, `second` through `secondIf` — with a
   * probe host on each.
   */
  defineTwoSegments(
    nodes: string[],
    mainIfs: string[],
    secondIf: string,
    mainHost: string,
    secondHost: string,
  ): void {
    const second = { name: 'second', v4: '198.51.100.0/24', v6: '2001:db8:0:2::/64' };
    this.nodes = nodes;
    const at = (seg: 'main' | 'second', i: number) =>
      seg === 'main'
        ? nodeSegmentAddress(i)
        : { v4: `198.51.100.${i}/24`, v6: `2001:db8:0:2::${i.toString(16)}/64` };
    this.topology = {
      segments: [{ ...NODE_SEGMENT }, second],
      hosts: [
        ...nodes.map((name, i) => ({
          name,
          role: 'node' as const,
          interfaces: [
            // One name per node, cycling: S6 gives NodeA interfaceA and NodeB interfaceB.
            { name: mainIfs[i % mainIfs.length]!, segment: NODE_SEGMENT.name, ...at('main', 11 + i) },
            { name: secondIf, segment: second.name, ...at('second', 11 + i) },
          ],
        })),
        {
          name: mainHost,
          role: 'host' as const,
          interfaces: [{ name: 'eth0', segment: NODE_SEGMENT.name, ...at('main', 201) }],
        },
        {
          name: secondHost,
          role: 'host' as const,
          interfaces: [{ name: 'eth0', segment: second.name, ...at('second', 201) }],
        },
      ],
    };
  }

  /** The interface of `node` on the segment `host` is on. */
  interfaceFacing(node: string, host: string): string {
    const h = this.topology.hosts.find((x) => x.name === host);
    const i = this.topology.hosts
      .find((x) => x.name === node)
      ?.interfaces.find((j) => h?.interfaces.some((k) => k.segment === j.segment));
    if (!i) throw new Error(`${node} has no interface on ${host}'s segment`);
    return i.name;
  }

  /** Adds plain hosts (probes) to the node segment: 201, 202, ... */
  addHosts(hosts: string[]): void {
    for (const [i, name] of hosts.entries())
      this.topology.hosts.push({
        name,
        role: 'host',
        interfaces: [{ name: 'eth0', segment: NODE_SEGMENT.name, ...nodeSegmentAddress(201 + i) }],
      });
  }

  /** One segment holding the nodes and the routers; indexes give stable documentation addresses. */
  defineNodeSegment(nodes: string[], routers: string[]): void {
    this.nodes = nodes;
    this.topology = {
      segments: [{ ...NODE_SEGMENT }],
      hosts: [
        ...routers.map((name, i) => ({
          name,
          role: 'router' as const,
          forwarding: true,
          interfaces: [{ name: 'eth0', segment: NODE_SEGMENT.name, ...nodeSegmentAddress(1 + i) }],
        })),
        ...nodes.map((name, i) => ({
          name,
          role: 'node' as const,
          interfaces: [{ name: 'eth0', segment: NODE_SEGMENT.name, ...nodeSegmentAddress(11 + i) }],
        })),
      ],
    };
  }

  /** A second router on its own segment behind `front` (S2's `core` behind `tor`). */
  addRouterBehind(router: string, front: string): void {
    const segment = {
      name: `${front}-${router}`.slice(0, 20),
      v4: '198.51.100.0/24',
      v6: '2001:db8:0:2::/64',
    };
    this.topology.segments.push(segment);
    const frontHost = this.topology.hosts.find((h) => h.name === front);
    if (!frontHost) throw new Error(`router "${front}" must be defined before "${router}" behind it`);
    frontHost.interfaces.push({
      name: 'eth1',
      segment: segment.name,
      v4: '198.51.100.1/24',
      v6: '2001:db8:0:2::1/64',
    });
    this.topology.hosts.push({
      name: router,
      role: 'router',
      forwarding: true,
      interfaces: [{ name: 'eth0', segment: segment.name, v4: '198.51.100.2/24', v6: '2001:db8:0:2::2/64' }],
    });
  }

  declareNeighbor(router: string, neighbor: FrrNeighbor): void {
    this.routerNeighbors.set(router, [...(this.routerNeighbors.get(router) ?? []), neighbor]);
  }

  /** Brings the lab up and starts every declared router (in parallel) once. */
  async routersUp(): Promise<void> {
    return timed('setup', () => this.startRouters());
  }

  private async startRouters(): Promise<void> {
    const lab = await this.labUp();
    const pending = [...this.routerAsn].filter(([name]) => !this.routers.has(name));
    const start = { frr: startFrr, gobgp: startGobgp, bird: startBird };
    const started = await Promise.all(
      pending.map(async ([name, asn]) => {
        const kind = this.routerKind.get(name) ?? 'frr';
        const settings = {
          asn,
          routerId: this.address(name, 'ipv4'),
          neighbors: this.routerNeighbors.get(name) ?? [],
          // iBGP routers give a path without LOCAL_PREF the value 0, the document's "set to zero":
          // a speaker that sends none (the receiver's default applies) and one that sends 0 read alike.
          ...(kind === 'frr' && asn === SPEAKER_ASN
            ? { extraConfig: ['bgp default local-preference 0'] }
            : {}),
        };
        // An FRR router an earlier scenario left in this lab, recycled: configured as if started now.
        const spare = claimRouter(name);
        if (spare && kind === 'frr' && !settings.neighbors.some((n) => n.bfd)) {
          try {
            await spare.reconfigure(settings);
            this.reuse.routers++;
            return spare;
          } catch (err) {
            this.log(`recycled router ${name} not reused, starting a fresh one: ${(err as Error).message}`);
          }
        }
        await spare?.stop();
        return start[kind]({
          netns: lab.nsOf(name),
          name,
          dir: join(suite().run.tempDir, `${kind}-${nextRouterId()}-${name}`),
          ...settings,
        });
      }),
    );
    for (const r of started) this.routers.set(r.name, r);
    if (started.length) this.routersPending = true;
  }

  async labUp(): Promise<Lab> {
    if (!this.lab)
      ({ lab: this.lab, reused: this.reuse.lab } = await timed('setup', () => acquireLab(this.topology)));
    return this.lab;
  }

  /** The address (no prefix length) of a host on its first interface, or the one on `segment`. */
  address(host: string, family: 'ipv4' | 'ipv6', segment?: string): string {
    const h = this.topology.hosts.find((x) => x.name === host);
    const iface = segment ? h?.interfaces.find((i) => i.segment === segment) : h?.interfaces[0];
    const cidr = family === 'ipv4' ? iface?.v4 : iface?.v6;
    if (!cidr) throw new Error(`host ${host} has no ${family} address in this scenario's topology`);
    return cidr.split('/')[0]!;
  }

  /** The address of `host` on a segment it shares with `viewer` (a next hop as the viewer sees it). */
  addressSeenBy(host: string, viewer: string, family: 'ipv4' | 'ipv6'): string {
    const v = this.topology.hosts.find((x) => x.name === viewer);
    const shared = this.topology.hosts
      .find((x) => x.name === host)
      ?.interfaces.find((i) => v?.interfaces.some((j) => j.segment === i.segment));
    if (!shared) throw new Error(`${host} and ${viewer} share no segment`);
    return this.address(host, family, shared.segment);
  }

  /** The host (node or router) an address belongs to in this topology, for failure messages. */
  hostOf(address: string): string {
    for (const h of this.topology.hosts)
      for (const i of h.interfaces)
        if (i.v4?.split('/')[0] === address || i.v6?.split('/')[0] === address) return h.name;
    return 'unknown host';
  }

  router(name: string): PeerRouter {
    const r = this.routers.get(name);
    if (!r) throw new Error(`router "${name}" is not running in this scenario`);
    return r;
  }

  writeManifest(fileName: string, text: string): void {
    writeFileSync(join(this.manifestDir, fileName), text);
  }

  removeManifest(fileName: string): void {
    rmSync(join(this.manifestDir, fileName), { force: true });
  }

  prepareDirs(scenarioDir: string): void {
    this.scenarioDir = scenarioDir;
    this.manifestDir = join(scenarioDir, 'manifests');
    mkdirSync(this.manifestDir, { recursive: true });
  }
}

let routerSeq = 0;
function nextRouterId(): number {
  return ++routerSeq;
}

setWorldConstructor(LbWorld);
