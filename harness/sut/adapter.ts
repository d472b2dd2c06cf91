/**
 * The contract between the suite and a system under test (SUT): the harness owns the topology and
 * the manifests; an adapter only knows how to start, notify and stop the speaker on one node.
 *
 * What the steps observe: the routers' view (the assertions) and the speaker's log file, where a few
 * steps look for JSON-line events by name: `config.rejected` carrying the validation code
 * (bad-config scenarios), `bgp.route-refresh` and `bgp.hold-timer.expired` (@session). A speaker
 * that logs otherwise needs a wrapper that emits them (implementations/reference-frr/observer.ts does
 * this for FRR) or must not declare the capability.
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
}

export interface SystemUnderTest {
  readonly name: string;
  /** Feature tags this implementation supports (e.g. "bgp", "ipv6"); others are reported NOT_SUPPORTED. */
  readonly features: readonly string[];
  start(node: NodeContext): Promise<SpeakerHandle>;
}
