import type { Logger } from '../../common/log.ts';
import { BgpSession } from '../bgp/session.ts';
import { localEndpointFor } from './local-addresses.ts';
import type { PeerForNode, PeerSession } from './speaker.ts';

/**
 * Opens the BGP session for one BGPPeer from this node. The local side of the session (router id,
 * IPv4 next hop, IPv6 next hop for MP-BGP) comes from the interface that reaches the peer.
 */
export function openBgpPeerSession(peer: PeerForNode, log: Logger, onChange: () => void): PeerSession {
  const local = localEndpointFor(peer.peerAddress, peer.sourceAddress);
  const routerId = peer.routerId ?? local.v4;
  // An IPv6-only node needs routerID set: BGP identifiers are IPv4-shaped.
  if (!routerId) throw new Error(`peer ${peer.name}: no IPv4 address on ${local.interfaceName} to use as router id; set routerID`);
  const session = new BgpSession({
    peerAddress: peer.peerAddress,
    peerPort: peer.peerPort,
    myAsn: peer.myAsn,
    peerAsn: peer.peerAsn,
    routerId,
    holdTime: peer.holdTime,
    keepaliveTime: peer.keepaliveTime,
    logger: log,
    ...(peer.sourceAddress ? { localAddress: peer.sourceAddress } : {}),
    ...(peer.password ? { password: peer.password } : {}),
    ...(local.v6 ? { nextHopV6: local.v6 } : {}),
    ...(local.v4 ? { nextHopV4: local.v4 } : {}),
    ...(peer.ebgpMultiHop ? { ebgpMultiHop: 255 } : {}),
  });
  session.on('state', () => onChange());
  session.start();
  return {
    setRoutes: (routes) => {
      session.setRoutes(routes);
      onChange();
    },
    stop: () => session.stop(),
    status: () => session.status(),
  };
}
