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

/** One route as a BGP session sends it (the session adds ORIGIN, AS_PATH and NEXT_HOP). */
export interface AnnouncedRoute {
  prefix: string;
  communities: string[];
  largeCommunities: string[];
  localPref?: number;
}

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
}

/** Which nodes have ready endpoints for a Service. */
export interface Readiness {
  anyReady: boolean;
  readyNodes: ReadonlySet<string>;
}
