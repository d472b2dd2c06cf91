/** Which BGP sessions a node opens, with timers and defaults resolved (what the speaker dials). */
import { anySelectorMatches, type Labels } from '../model/selector.ts';
import type { BGPPeer, ClusterConfig } from '../model/types.ts';
import type { ResolvedPeer } from './types.ts';

/** A node's labels; a node without a Node object still has its hostname label. */
export function nodeLabels(config: ClusterConfig, node: string): Labels {
  return config.nodes.find((n) => n.name === node)?.labels ?? { 'kubernetes.io/hostname': node };
}

export function peerSelectsNode(peer: BGPPeer, labels: Labels): boolean {
  return anySelectorMatches(peer.nodeSelectors, labels);
}

export function resolvePeer(p: BGPPeer): ResolvedPeer {
  return {
    name: p.name,
    myAsn: p.myASN,
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
  };
}

/** The peers `node` has a session with (BGPPeer nodeSelectors; empty = every node), sorted by name. */
export function peersForNode(config: ClusterConfig, node: string): ResolvedPeer[] {
  const labels = nodeLabels(config, node);
  return config.peers
    .filter((p) => peerSelectsNode(p, labels))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map(resolvePeer);
}
