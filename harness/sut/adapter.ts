/**
 * The contract between the suite and a system under test (SUT): the harness owns the topology and
 * the manifests; an adapter only knows how to start, notify and stop the speaker on one node. The
 * driver (driver.ts) owns every adapter call in a scenario.
 *
 * What the steps observe: routers (tables, session state and counters), the wire and the hosts. The
 * speaker's own reports are optional extras: the events of the catalogue (events.ts), read as JSON
 * lines from `logFile` when the SUT declares their capability, and the layer 2 status (`l2-status`).
 */
export interface NodeContext {
  /** Kubernetes node name (also the Node object's kubernetes.io/hostname). */
  name: string;
  /** Network namespace the speaker must run in. */
  netns: string;
  /** Folder of Kubernetes YAML the speaker must follow (the harness rewrites files in it). */
  manifestDir: string;
  /** Where the speaker's stdout/stderr go (an artifact of the scenario). */
  logFile: string;
  /** Shared secret of the layer 2 membership (the same on every node of a scenario). */
  l2Secret?: string;
  /**
   * `l2-periodic`: keep announcing owned IPs (gratuitous ARP / unsolicited NA) every this many ms after
   * the first burst; unset: the implementation's default (MetalLB: never after the first 5 s).
   */
  l2GratuitousIntervalMs?: number;
  /**
   * The node's interfaces and addresses as the harness reads them from the live namespace just before
   * start (`ip -j addr`; loopback left out): for adapters that configure a speaker from outside (router
   * id, update source). A speaker running in the namespace may read them itself.
   */
  interfaces?: NodeInterface[];
}

export interface NodeInterface {
  name: string;
  mac?: string;
  /** Global-scope addresses with their prefix length (`192.0.2.11/24`, `2001:db8:0:1::b/64`). */
  addresses: string[];
}

export interface SpeakerHandle {
  readonly node: string;
  readonly pid: number;
  /** Tells the speaker the manifests changed (the reference also watches the folder itself). */
  configChanged(): Promise<void>;
  /** Graceful stop (SIGTERM); resolves when the process is gone. */
  stop(): Promise<void>;
  /** Abrupt death (SIGKILL), for failover and fault scenarios. */
  kill(): Promise<void>;
  /**
   * Optional (`graceful-restart`): stop for a restart, closing the BGP sessions without Cease so peers
   * with graceful restart keep the routes as stale (the reference: SIGUSR2). Resolves when it is gone.
   */
  stopForRestart?(): Promise<void>;

  /** Layer 2 membership as the speaker sees it (capability `l2-status`). */
  l2Status?(): Promise<L2Status | undefined>;
}

export interface L2Status {
  /** The membership has heard from every node it expects at least once, or given up on them. */
  settled: boolean;
  /** Nodes the speaker believes alive. */
  alive: string[];
}

export interface SystemUnderTest {
  readonly name: string;
  /** Feature tags this implementation supports (e.g. "bgp", "ipv6"); others are reported NOT_SUPPORTED. */
  readonly features: readonly string[];
  start(node: NodeContext): Promise<SpeakerHandle>;
}
