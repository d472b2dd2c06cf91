/**
 * The selection rules of the plan, one named function each. PlanContext builds its paths from them and
 * `explain` asks the very same functions why a row is missing, so the two cannot disagree. A new rule
 * (an exclusion label, loadBalancerClass, address families per peer) is a new function here, used by
 * the context and given a reason code in explain.ts.
 */
import { anySelectorMatches, type Labels } from '../model/selector.ts';
import type { BGPAdvertisement, BGPPeer, L2Advertisement } from '../model/types.ts';

/** BGPAdvertisement.nodeSelectors (empty = every node). MetalLB: internal/config, selectedNodes. */
export function bgpAdvertisementSelectsNode(adv: BGPAdvertisement, labels: Labels): boolean {
  return anySelectorMatches(adv.nodeSelectors, labels);
}

/** L2Advertisement.nodeSelectors (empty = every node). */
export function l2AdvertisementSelectsNode(adv: L2Advertisement, labels: Labels): boolean {
  return anySelectorMatches(adv.nodeSelectors, labels);
}

/** BGPPeer.nodeSelectors: the node has a session with the peer at all. */
export function peerSessionOnNode(peer: BGPPeer, labels: Labels): boolean {
  return anySelectorMatches(peer.nodeSelectors, labels);
}

/** BGPAdvertisement.peers (empty = every peer). */
export function bgpAdvertisementTargetsPeer(adv: BGPAdvertisement, peer: BGPPeer): boolean {
  return adv.peers.length === 0 || adv.peers.includes(peer.name);
}
