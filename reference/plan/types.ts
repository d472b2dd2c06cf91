/** The plan: what every node announces. `lbconform plan` prints exactly this; the speaker applies it. */
export interface PlanAllocation {
  service: string;
  ips: string[];
  pool: string;
}

export interface BgpRow {
  node: string;
  peer: string;
  prefix: string;
  /** Numeric `a:b`, numerically sorted. */
  communities: string[];
  /** `a:b:c` without the `large:` marker, numerically sorted. */
  largeCommunities: string[];
  /** Only on iBGP sessions (myASN == peerASN), where it goes on the wire; then present even when 0. */
  localPref?: number;
}

export interface L2Row {
  service: string;
  ip: string;
  node: string;
  /** Empty = every interface. */
  interfaces: string[];
}

export interface Plan {
  allocations: PlanAllocation[];
  bgp: BgpRow[];
  l2: L2Row[];
  warnings: string[];
}

export type { AnnouncedRoute } from '../model/route.ts';

/** A BGPPeer as one node sees it, every default resolved. */
export interface ResolvedPeer {
  name: string;
  myAsn: number;
  peerAsn: number;
  peerAddress: string;
  peerPort: number;
  sourceAddress?: string;
  /** Seconds. */
  holdTime: number;
  /** Seconds. */
  keepaliveTime: number;
  routerId?: string;
  password?: string;
  ebgpMultiHop?: boolean;
  /** Families the session is activated in: its peerAddress's, or both with dualStackAddressFamily. */
  families: ('ipv4' | 'ipv6')[];
  /** BGPPeer connectTime: seconds between connection attempts (the connect-retry time), when set. */
  connectTime?: number;
  /** RFC 4724 graceful restart offered to this peer. */
  gracefulRestart?: boolean;
  /** RFC 5880/5881 BFD for this session, from the BGPPeer's `bfdProfile` with FRR's defaults filled in. */
  bfd?: ResolvedBfd;
}

export interface ResolvedBfd {
  profile: string;
  /** Required Min RX Interval we advertise (ms). */
  receiveIntervalMs: number;
  /** Desired Min TX Interval we advertise (ms). */
  transmitIntervalMs: number;
  detectMultiplier: number;
  echoMode: boolean;
  echoIntervalMs: number;
  passive: boolean;
  /** Multi-hop only in FRR; single hop always requires TTL 255 (RFC 5881 section 5). */
  minimumTtl: number;
}

/** Which nodes have ready endpoints for a Service. */
export interface Readiness {
  anyReady: boolean;
  readyNodes: ReadonlySet<string>;
}
