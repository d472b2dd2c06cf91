/** Which BGP sessions a node opens, with timers and defaults resolved (what the speaker dials). */
import type { Labels } from '../model/selector.ts';
import { peerSessionOnNode } from './rules.ts';
import type { BFDProfile, BGPPeer, ClusterConfig } from '../model/types.ts';
import type { ResolvedBfd, ResolvedPeer } from './types.ts';

/** A node's labels; a node without a Node object still has its hostname label. */
export function nodeLabels(config: ClusterConfig, node: string): Labels {
  return config.nodes.find((n) => n.name === node)?.labels ?? { 'kubernetes.io/hostname': node };
}

export function peerSelectsNode(peer: BGPPeer, labels: Labels): boolean {
  return peerSessionOnNode(peer, labels);
}

/** FRR's bfdd defaults, which MetalLB's FRR mode inherits for every field a BFDProfile leaves unset. */
export const BFD_DEFAULTS = {
  receiveIntervalMs: 300,
  transmitIntervalMs: 300,
  detectMultiplier: 3,
  echoIntervalMs: 50,
  minimumTtl: 254,
} as const;

export function resolveBfd(profile: BFDProfile): ResolvedBfd {
  return {
    profile: profile.name,
    receiveIntervalMs: profile.receiveInterval ?? BFD_DEFAULTS.receiveIntervalMs,
    transmitIntervalMs: profile.transmitInterval ?? BFD_DEFAULTS.transmitIntervalMs,
    detectMultiplier: profile.detectMultiplier ?? BFD_DEFAULTS.detectMultiplier,
    echoMode: profile.echoMode,
    echoIntervalMs: profile.echoInterval ?? BFD_DEFAULTS.echoIntervalMs,
    passive: profile.passiveMode,
    minimumTtl: profile.minimumTtl ?? BFD_DEFAULTS.minimumTtl,
  };
}

/**
 * The families a BGPPeer's session carries. MetalLB FRR mode (internal/bgp/frr/frr.go, createConfig:
 * `family := ipfamily.ForAddress(peerAddress)`, DualStack when dualStackAddressFamily or an interface
 * peer; config.go `activateNeighborFor`) activates the neighbour only there.
 */
export function peerFamilies(
  p: Pick<BGPPeer, 'peerAddress' | 'dualStackAddressFamily'>,
): ('ipv4' | 'ipv6')[] {
  if (p.dualStackAddressFamily) return ['ipv4', 'ipv6'];
  return [p.peerAddress.includes(':') ? 'ipv6' : 'ipv4'];
}

export function resolvePeer(p: BGPPeer, bfdProfiles: readonly BFDProfile[] = []): ResolvedPeer {
  const bfd = p.bfdProfile !== undefined ? bfdProfiles.find((b) => b.name === p.bfdProfile) : undefined;
  return {
    name: p.name,
    // localASN: the session speaks as that AS (MetalLB frr.go: local-as ... no-prepend replace-as)
    myAsn: p.localASN ?? p.myASN,
    peerAsn: p.peerASN,
    peerAddress: p.peerAddress,
    peerPort: p.peerPort,
    ...(p.sourceAddress !== undefined ? { sourceAddress: p.sourceAddress } : {}),
    holdTime: p.holdTime,
    keepaliveTime: p.keepaliveTime,
    ...(p.routerID !== undefined ? { routerId: p.routerID } : {}),
    ...(p.password !== undefined ? { password: p.password } : {}),
    ...(p.ebgpMultiHop ? { ebgpMultiHop: true } : {}),
    ...(p.enableGracefulRestart ? { gracefulRestart: true } : {}),
    ...(bfd ? { bfd: resolveBfd(bfd) } : {}),
    families: peerFamilies(p),
    ...(p.connectTime !== undefined ? { connectTime: p.connectTime } : {}),
  };
}

/** The peers `node` has a session with (BGPPeer nodeSelectors; empty = every node), sorted by name. */
export function peersForNode(config: ClusterConfig, node: string): ResolvedPeer[] {
  const labels = nodeLabels(config, node);
  return config.peers
    .filter((p) => peerSelectsNode(p, labels))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((p) => resolvePeer(p, config.bfdProfiles));
}
