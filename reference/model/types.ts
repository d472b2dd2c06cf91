/**
 * The typed cluster model: what the manifests mean once loaded and validated. Everything downstream
 * (allocation, plan, speaker) reads only these types, never raw YAML.
 */
import type { Cidr, Family } from './ip.ts';
import type { LabelSelector, Labels } from './selector.ts';

/** Where a resource came from, so later (cross-resource) checks can still point at a line. */
export interface Source {
  file: string;
  line: number;
  /** Line of each field path (`spec.addresses[1]`) in that document. */
  lines?: ReadonlyMap<string, number>;
}

export interface PoolEntry {
  /** The text as written (`4.4.4.100-4.4.4.200`). */
  text: string;
  family: Family;
  /** Minimal exact CIDR cover of the entry. */
  cidrs: Cidr[];
}

export interface IPAddressPool {
  name: string;
  labels: Labels;
  entries: PoolEntry[];
  /** All CIDRs of all entries, sorted (IPv4 first, then by address). */
  cidrs: Cidr[];
  autoAssign: boolean;
  avoidBuggyIPs: boolean;
  /** spec.serviceAllocation: which Services the pool serves first, in priority order. */
  serviceAllocation?: ServiceAllocation;
  src: Source;
}

export interface ServiceAllocation {
  /** Lower first; 0 = lowest. */
  priority: number;
  namespaces: string[];
  namespaceSelectors: LabelSelector[];
  serviceSelectors: LabelSelector[];
}

export interface Namespace {
  name: string;
  labels: Labels;
}

export interface BGPAdvertisement {
  name: string;
  aggregationLength: number;
  aggregationLengthV6: number;
  /** Unset means 0 (the document's "set to zero"). */
  localPref?: number;
  /** Resolved (aliases replaced), normalised `a:b`, numerically sorted, unique. */
  communities: string[];
  /** Resolved `a:b:c` (no `large:` marker), numerically sorted, unique. */
  largeCommunities: string[];
  ipAddressPools: string[];
  ipAddressPoolSelectors: LabelSelector[];
  nodeSelectors: LabelSelector[];
  peers: string[];
  /** Only Services whose labels match one of these (empty: every Service). */
  serviceSelectors: LabelSelector[];
  src: Source;
}

export interface L2Advertisement {
  name: string;
  ipAddressPools: string[];
  ipAddressPoolSelectors: LabelSelector[];
  nodeSelectors: LabelSelector[];
  /** Empty = every interface. */
  interfaces: string[];
  /** Only Services whose labels match one of these (empty: every Service). */
  serviceSelectors: LabelSelector[];
  src: Source;
}

export interface BGPPeer {
  name: string;
  myASN: number;
  peerASN: number;
  /** Canonical text. */
  peerAddress: string;
  peerPort: number;
  sourceAddress?: string;
  /** Seconds, after defaults and derivation (hold 90 / keepalive 30 when neither is set). */
  holdTime: number;
  keepaliveTime: number;
  routerID?: string;
  nodeSelectors: LabelSelector[];
  password?: string;
  ebgpMultiHop: boolean;
  bfdProfile?: string;
  vrf?: string;
  /**
   * MetalLB FRR mode (internal/bgp/frr/frr.go, sessionManager.createConfig): a neighbour is activated
   * only in the family of its peerAddress unless this is set; then both families ride the session.
   */
  dualStackAddressFamily: boolean;
  /** Seconds between connection attempts (1..65535), when set. */
  connectTime?: number;
  /** The AS the session speaks as (FRR local-as ... no-prepend replace-as), instead of myASN. */
  localASN?: number;
  /** RFC 4724 graceful restart toward this peer (MetalLB: `enableGracefulRestart`, FRR mode only). */
  enableGracefulRestart?: boolean;
  src: Source;
}

/** MetalLB BFDProfile; milliseconds; unset fields take FRR's defaults where used. */
export interface BFDProfile {
  name: string;
  receiveInterval?: number;
  transmitInterval?: number;
  detectMultiplier?: number;
  echoInterval?: number;
  echoMode: boolean;
  passiveMode: boolean;
  minimumTtl?: number;
  src: Source;
}

export interface Node {
  name: string;
  labels: Labels;
  /** From status.addresses, InternalIP first. */
  addresses: string[];
  /** The InternalIP ones alone: a pool may not contain one (MetalLB internal/config/config.go, "contains nodeIp"). */
  internalIPs: string[];
  /** status.conditions NetworkUnavailable is "True" (MetalLB internal/k8s/nodes/nodes.go IsNetworkUnavailable). */
  networkUnavailable: boolean;
  src: Source;
}

export type IPFamily = 'IPv4' | 'IPv6';
export type IPFamilyPolicy = 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';

export interface ServicePort {
  name?: string;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  port: number;
}

export interface Service {
  namespace: string;
  name: string;
  /** `namespace/name`. */
  key: string;
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  labels: Labels;
  annotations: Labels;
  loadBalancerIP?: string;
  ipFamilyPolicy: IPFamilyPolicy;
  /** As written (may be empty: then IPv4 first). */
  ipFamilies: IPFamily[];
  externalTrafficPolicy: 'Cluster' | 'Local';
  ports: ServicePort[];
  /** spec.selector (MetalLB's backend key for sharing an IP under externalTrafficPolicy Local). */
  selector: Labels;
  /** spec.loadBalancerClass; a Service of another class than the speaker's is not ours. */
  loadBalancerClass?: string;
  /** status.loadBalancer.ingress[].ip: the controller's earlier answer, kept when still valid. */
  statusIPs: string[];
  src: Source;
}

export interface Endpoint {
  addresses: string[];
  nodeName?: string;
  /**
   * The endpoint can serve: `conditions.ready` absent or true, or `conditions.serving` true, and at
   * least one address (MetalLB internal/k8s/epslices EndpointCanServe; speaker hasHealthyEndpoint).
   */
  ready: boolean;
}

export interface EndpointSlice {
  namespace: string;
  name: string;
  /** `namespace/<kubernetes.io/service-name>`. */
  serviceKey: string;
  endpoints: Endpoint[];
  src: Source;
}

export interface ClusterConfig {
  /** The speaker's namespace that MetalLB resources live in. */
  namespace: string;
  pools: IPAddressPool[];
  bgpAdvertisements: BGPAdvertisement[];
  l2Advertisements: L2Advertisement[];
  peers: BGPPeer[];
  /** BFDProfiles by the order loaded (BGPPeer `bfdProfile` names one). */
  bfdProfiles?: BFDProfile[];
  /** Alias -> normalised value (`65535:65282` or `large:1:2:3`). */
  communityAliases: ReadonlyMap<string, string>;
  nodes: Node[];
  services: Service[];
  endpointSlices: EndpointSlice[];
  namespaces: Namespace[];
  /** Accepted, but worth telling the user (deprecated or unimplemented fields, names not defined yet). */
  warnings: ValidationError[];
  /** Speaker options that change what is ours and who announces (MetalLB's --lb-class, --ignore-exclude-lb). */
  speaker: SpeakerOptions;
}

export interface SpeakerOptions {
  /** Only Services of this spec.loadBalancerClass (unset: only Services without a class). */
  loadBalancerClass?: string;
  /** Announce from nodes labelled node.kubernetes.io/exclude-from-external-load-balancers too. */
  ignoreExcludeLB: boolean;
}

/** Validation problems are data, not exceptions: a config with problems is reported, never half-applied. */
export interface ValidationError {
  code: string;
  file: string;
  line: number;
  kind: string;
  name: string;
  field: string;
  message: string;
}
