/**
 * Deliberate faults of the reference speaker, to prove the suite catches them (`npm run mutation`). Each is
 * a patch, mutation/faults/<name>.patch, that `git apply` lays on a scratch copy of the tree: production
 * code carries no fault hooks. Each entry names the features (and tags) that must catch it, so a mutation
 * run executes only those.
 */
import { fileURLToPath } from 'node:url';

export type FaultArea =
  | 'plan'
  | 'allocation'
  | 'wire encoding'
  | 'packing'
  | 'session/timers'
  | 'stop'
  | 'L2 election'
  | 'L2 responder'
  | 'L2 membership';

export interface FaultInfo {
  name: string;
  area: FaultArea;
  /** One line: what the faulty speaker does wrong. */
  description: string;
  /** The file (and function) the patch changes. */
  where: string;
  /** The feature files that should catch it (paths relative to the repository). */
  features: string[];
  /** Optional tag expression narrowing those features (e.g. one scenario of bgp-fields). */
  tags?: string;
}

export const FAULTS: readonly FaultInfo[] = [
  {
    name: 'ignore-aggregation-length',
    area: 'plan',
    description: 'announces host routes (/32, /128) whatever aggregationLength / aggregationLengthV6 say',
    where: 'reference/plan/builder.ts (forEachContribution)',
    features: ['features/bgp-advanced.feature'],
    tags: '@ibgp',
  },
  {
    name: 'no-dedup',
    area: 'plan',
    description:
      'keeps routes per Service without reference counts: a shared aggregate is withdrawn when the first of its Services goes',
    where: 'reference/plan/plan.ts (computePlan), new reference/plan/no-dedup.ts',
    features: ['features/bgp-advanced.feature'],
    tags: '@ibgp',
  },
  {
    name: 'drop-communities',
    area: 'wire encoding',
    description: 'sends no COMMUNITIES and no LARGE_COMMUNITY attribute',
    where: 'reference/bgp/packer.ts (baseAttributes)',
    features: ['features/bgp-fields.feature'],
    tags: '@communities',
  },
  {
    name: 'ebgp-local-pref',
    area: 'wire encoding',
    description: "sends LOCAL_PREF (the advertisement's, default 0) to eBGP peers too",
    where: 'reference/plan/builder.ts (plan) and reference/bgp/packer.ts (baseAttributes)',
    features: ['features/bgp-fields.feature', 'features/bgp-interop.feature'],
    tags: '@peers or (@interop and @ebgp)',
  },
  {
    name: 'ignore-node-selectors',
    area: 'plan',
    description: 'announces from every node, ignoring BGPAdvertisement nodeSelectors',
    where: 'reference/plan/context.ts (PlanContext)',
    features: ['features/bgp-node-subset.feature'],
    tags: '@ibgp',
  },
  {
    name: 'ignore-peers',
    area: 'plan',
    description: 'sends every advertisement to every peer, ignoring BGPAdvertisement peers',
    where: 'reference/plan/context.ts (PlanContext)',
    features: ['features/bgp-fields.feature'],
    tags: '@peers',
  },
  {
    name: 'l2-two-nodes',
    area: 'L2 election',
    description: 'the runner-up of the L2 election answers ARP / NDP too, so two nodes announce each IP',
    where: 'reference/plan/builder.ts (l2For)',
    features: ['features/l2-basic.feature'],
    tags: '@ipv4',
  },
  {
    name: 'no-gratuitous',
    area: 'L2 responder',
    description: 'never sends gratuitous ARP / unsolicited NA, so a failover is not announced',
    where: 'reference/l2/responder.ts (startGratuitous)',
    features: ['features/l2-basic.feature'],
    tags: '@ipv4',
  },
  {
    name: 'never-withdraw',
    area: 'packing',
    description: 'never sends withdrawals: routes no longer wanted stay at the peer until the session ends',
    where: 'reference/bgp/rib-out.ts (AdjRibOut.setDesired)',
    features: ['features/bgp-fields.feature'],
    tags: '@lifecycle',
  },
  {
    name: 'alloc-ignores-requested-ip',
    area: 'allocation',
    description:
      'ignores the loadBalancerIPs annotation and spec.loadBalancerIP: every Service gets the lowest free address',
    where: 'reference/allocate/allocate.ts (Allocator.assign)',
    features: ['features/bgp-fields.feature'],
    tags: '@lifecycle',
  },
  {
    name: 'alloc-skips-first-address',
    area: 'allocation',
    description: "never hands out a pool's first address (an off-by-one in the scan)",
    where: 'reference/allocate/allocate.ts (Allocator constructor)',
    features: ['features/bgp-basic.feature'],
    tags: '@ibgp',
  },
  {
    name: 'alloc-ignores-pool-annotation',
    area: 'allocation',
    description:
      'ignores the metallb.io/address-pool annotation: Services come from the first auto-assign pool',
    where: 'reference/allocate/allocate.ts (Allocator.assign)',
    features: ['features/bgp-fields.feature'],
    tags: '@poolselectors',
  },
  {
    name: 'config-pool-selectors-match-all',
    area: 'plan',
    description: 'an ipAddressPoolSelectors entry selects every pool, whatever its labels',
    where: 'reference/config/crosscheck.ts (poolsSelectedBy)',
    features: ['features/bgp-fields.feature'],
    tags: '@poolselectors',
  },
  {
    name: 'plan-etp-local-as-cluster',
    area: 'plan',
    description: 'externalTrafficPolicy Local announced over BGP from every node, as if Cluster',
    where: 'reference/plan/builder.ts (forEachContribution)',
    features: ['features/bgp-fields.feature'],
    tags: '@etp-local',
  },
  {
    name: 'plan-announces-without-endpoints',
    area: 'plan',
    description: 'announces a Service over BGP although no endpoint anywhere is ready',
    where: 'reference/plan/builder.ts (forEachContribution)',
    features: ['features/bgp-endpoints.feature'],
  },
  {
    name: 'plan-counts-unready-endpoints',
    area: 'plan',
    description: 'an endpoint that is not ready counts as one that can serve',
    where: 'reference/plan/context.ts (readinessOf)',
    features: ['features/bgp-endpoints.feature'],
  },
  {
    name: 'plan-merges-one-advertisement',
    area: 'plan',
    description: "two advertisements producing one prefix: only the first one's communities are sent",
    where: 'reference/plan/builder.ts (plan, merged communities)',
    features: ['features/bgp-overlap.feature'],
  },
  {
    name: 'l2-ignores-node-selectors',
    area: 'L2 election',
    description: 'L2Advertisement nodeSelectors ignored: every live node is a candidate',
    where: 'reference/plan/builder.ts (l2For)',
    features: ['features/l2-fields.feature'],
    tags: 'not @bgp',
  },
  {
    name: 'l2-etp-local-as-cluster',
    area: 'L2 election',
    description:
      'externalTrafficPolicy Local ignored in the L2 election: a node without a ready endpoint may own the IP',
    where: 'reference/plan/builder.ts (l2For)',
    features: ['features/l2-fields.feature'],
    tags: 'not @bgp',
  },
  {
    name: 'l2-election-ignores-liveness',
    area: 'L2 election',
    description: 'dead nodes stay candidates: the IP is not taken over when its owner dies',
    where: 'reference/plan/builder.ts (l2For)',
    features: ['features/l2-basic.feature'],
    tags: '@ipv4',
  },
  {
    name: 'l2-no-ndp-answers',
    area: 'L2 responder',
    description: 'never answers neighbour solicitations for an IPv6 Service IP',
    where: 'reference/l2/responder.ts (onNdp)',
    features: ['features/l2-basic.feature'],
    tags: '@ipv6',
  },
  {
    name: 'l2-answers-on-every-interface',
    area: 'L2 responder',
    description: "answers on every interface, ignoring the L2Advertisement's interfaces",
    where: 'reference/l2/responder.ts (allowedOn)',
    features: ['features/l2-interfaces.feature'],
  },
  {
    name: 'l2-membership-unauthenticated',
    area: 'L2 membership',
    description: 'membership datagrams are accepted without checking their HMAC',
    where: 'reference/l2/membership.ts (decodeMessage)',
    features: ['features/l2-security.feature'],
  },
  {
    name: 'l2-membership-accepts-replay',
    area: 'L2 membership',
    description: 'a replayed membership datagram (old counter) is accepted',
    where: 'reference/l2/membership.ts (Membership.onMessage)',
    features: ['features/l2-security.feature'],
  },
  {
    name: 'l2-membership-dead-forever',
    area: 'L2 membership',
    description: 'a member once declared dead is never accepted again, even when it comes back',
    where: 'reference/l2/membership.ts (Membership.onMessage)',
    features: ['features/l2-timing.feature'],
    tags: '@partition',
  },
  {
    name: 'l2-gratuitous-once',
    area: 'L2 responder',
    description: 'sends one gratuitous ARP / NA round on takeover instead of the documented 5 s burst',
    where: 'reference/l2/responder.ts (startGratuitous)',
    features: ['features/l2-timing.feature'],
    tags: '@gratuitous',
  },
  {
    name: 'l2-na-once',
    area: 'L2 responder',
    description:
      'sends one unsolicited NA on takeover of an IPv6 address instead of the 5 s burst (IPv4 keeps its gratuitous ARP burst)',
    where: 'reference/l2/responder.ts (startGratuitous)',
    features: ['features/l2-timing.feature'],
    tags: '@gratuitous and @ipv6',
  },
  {
    name: 'l2-membership-never-dead',
    area: 'L2 membership',
    description: 'a member that stops sending heartbeats is declared dead only after an hour',
    where: 'reference/l2/membership.ts (Membership.onMessage)',
    features: ['features/l2-basic.feature'],
    tags: '@ipv4',
  },
  {
    name: 'wire-origin-incomplete',
    area: 'wire encoding',
    description: 'sends ORIGIN INCOMPLETE instead of IGP',
    where: 'reference/bgp/packer.ts (baseAttributes)',
    features: ['features/bgp-basic.feature'],
    tags: '@ibgp',
  },
  {
    name: 'wire-ebgp-empty-as-path',
    area: 'wire encoding',
    description: 'sends an empty AS_PATH to eBGP peers (its own AS missing)',
    where: 'reference/bgp/packer.ts (baseAttributes)',
    features: ['features/bgp-basic.feature'],
    tags: '@ebgp',
  },
  {
    name: 'wire-large-community-swapped',
    area: 'wire encoding',
    description: 'encodes large communities with the two local data parts swapped',
    where: 'reference/bgp/packer.ts (baseAttributes)',
    features: ['features/bgp-fields.feature'],
    tags: '@communities',
  },
  {
    name: 'ribout-resends-everything',
    area: 'packing',
    description: 'every change re-announces every route already sent, not just what changed',
    where: 'reference/bgp/rib-out.ts (AdjRibOut.setDesired)',
    features: ['features/bgp-updates.feature'],
  },
  {
    name: 'pack-loses-tail-message',
    area: 'packing',
    description: 'when one attribute group spans several UPDATEs, the last one is never sent',
    where: 'reference/bgp/packer.ts (chunk)',
    features: ['features/bgp-scale.feature'],
  },
  {
    name: 'pack-oversized-updates',
    area: 'packing',
    description: 'packs UPDATEs up to 4352 bytes, over the 4096-byte BGP maximum',
    where: 'reference/bgp/packer.ts (BODY_MAX)',
    features: ['features/bgp-scale.feature'],
  },
  {
    name: 'pack-no-ipv6-withdrawals',
    area: 'packing',
    description: 'never sends MP_UNREACH_NLRI: IPv6 routes are not withdrawn',
    where: 'reference/bgp/packer.ts (packWithdrawals)',
    features: ['features/bgp-basic.feature'],
    tags: '@ibgp',
  },
  {
    name: 'session-no-keepalives',
    area: 'session/timers',
    description: 'sends no KEEPALIVE once Established',
    where: 'reference/bgp/session.ts (onEstablished)',
    features: ['features/bgp-timers.feature'],
    tags: '@keepalive',
  },
  {
    name: 'session-hold-ignores-peer',
    area: 'session/timers',
    description:
      "uses its own hold time, not the smaller of both OPENs (keepalives too rare for the router's hold time)",
    where: 'reference/bgp/session.ts (onOpen)',
    features: ['features/bgp-timers.feature'],
    tags: '@holdtime',
  },
  {
    name: 'session-open-ignores-configured-hold',
    area: 'session/timers',
    description: "offers a 3 s hold time in its OPEN whatever the BGPPeer's holdTime says",
    where: 'reference/speaker/bgp-peer-session.ts (openBgpPeerSession)',
    features: ['features/bgp-timers.feature'],
    tags: '@holdtime',
  },
  {
    name: 'session-ignores-hold-expiry',
    area: 'session/timers',
    description: 'never drops a peer gone silent (the hold timer never fires)',
    where: 'reference/bgp/session.ts (armHold)',
    features: ['features/bgp-session.feature'],
    tags: '@faults',
  },
  {
    name: 'session-no-reconnect',
    area: 'session/timers',
    description: 'after a session ends it never connects again',
    where: 'reference/bgp/session.ts (teardown)',
    features: ['features/bgp-timers.feature'],
    tags: '@reconnect',
  },
  {
    name: 'session-ignores-connect-time',
    area: 'session/timers',
    description:
      "ignores the BGPPeer's connectTime: while the router is away the reconnect backoff grows to 30 s (1, 2, 4, 8 s ...)",
    where: 'reference/speaker/bgp-peer-session.ts (openBgpPeerSession)',
    features: ['features/bgp-timers.feature'],
    tags: '@connect-time',
  },
  {
    name: 'stop-without-cease',
    area: 'stop',
    description: 'a graceful stop closes the TCP connection without a NOTIFICATION Cease',
    where: 'reference/bgp/session.ts (stop)',
    features: ['features/bgp-timers.feature'],
    tags: '@cease',
  },
];

export const FAULT_NAMES: readonly string[] = FAULTS.map((f) => f.name);

export function faultInfo(name: string): FaultInfo | undefined {
  return FAULTS.find((f) => f.name === name);
}

/** The patch file of a fault. */
export function faultPatch(name: string): string {
  return fileURLToPath(new URL(`./faults/${name}.patch`, import.meta.url));
}
