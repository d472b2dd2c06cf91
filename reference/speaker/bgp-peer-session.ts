import type { Logger } from '../../common/log.ts';
import { BgpSession } from '../bgp/session.ts';
import type { BgpListener } from './bgp-listener.ts';
import { localEndpointFor } from './local-addresses.ts';
import type { PeerForNode, PeerSession } from './speaker.ts';

/**
 * Opens the BGP session for one BGPPeer from this node. The local side of the session (router id,
 * IPv4 next hop, IPv6 next hop for MP-BGP) comes from the interface that reaches the peer. With a
 * listener, the peer's inbound connections come to this session too (collisions: RFC 4271 6.8).
 */
export function openBgpPeerSession(
  peer: PeerForNode,
  log: Logger,
  onChange: () => void,
  listener?: BgpListener,
): PeerSession {
  const local = localEndpointFor(peer.peerAddress, peer.sourceAddress);
  const routerId = peer.routerId ?? local.v4;
  // An IPv6-only node needs routerID set: BGP identifiers are IPv4-shaped.
  if (!routerId)
    throw new Error(
      `peer ${peer.name}: no IPv4 address on ${local.interfaceName} to use as router id; set routerID`,
    );
  const session = new BgpSession({
    peerAddress: peer.peerAddress,
    peerPort: peer.peerPort,
    myAsn: peer.myAsn,
    peerAsn: peer.peerAsn,
    routerId,
    holdTime: peer.holdTime,
    keepaliveTime: peer.keepaliveTime,
    logger: log,
    families: peer.families,
    // connectTime is MetalLB's connect-retry time (frr.go: `neighbor X timers connect N`): the
    // reference's backoff never waits longer than it
    ...(peer.connectTime !== undefined ? { connectRetryCapSeconds: peer.connectTime } : {}),
    ...(peer.sourceAddress ? { localAddress: peer.sourceAddress } : {}),
    ...(peer.password ? { password: peer.password } : {}),
    ...(local.v6 ? { nextHopV6: local.v6 } : {}),
    ...(local.v4 ? { nextHopV4: local.v4 } : {}),
    // MetalLB's ebgpMultiHop is a boolean; FRR's `ebgp-multihop` without a number means TTL 255
    ...(peer.ebgpMultiHop ? { ebgpMultiHop: 255 } : {}),
  });
  session.on('state', () => onChange());
  const unregister = listener?.register(peer.peerAddress, {
    accept: (s) => session.acceptIncoming(s),
    ...(peer.password ? { password: peer.password } : {}),
  });
  session.start();
  return {
    setRoutes: (routes) => {
      session.setRoutes(routes);
      onChange();
    },
    stop: () => {
      unregister?.();
      return session.stop();
    },
    status: () => session.status(),
  };
}
