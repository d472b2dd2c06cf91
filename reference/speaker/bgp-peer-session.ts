import type { Logger } from '../../common/log.ts';
import { BgpSession } from '../bgp/session.ts';
import { DEFAULT_RESTART_TIME_SECONDS } from '../bgp/graceful-restart.ts';
import type { BgpListener } from './bgp-listener.ts';
import { localEndpointFor, type LocalEndpoint } from './local-addresses.ts';
import { randomInt } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { BfdSession, type BfdSessionStatus } from '../bfd/session.ts';
import { processBfdListener } from '../bfd/listener.ts';
import { BFD_CONTROL_PORT, openBfdSocket } from '../bfd/socket.ts';
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
  /** This process replaces a speaker that went without Cease (RFC 4724 Restart State bit). */
  restarted = false,
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
    ...(peer.gracefulRestart
      ? { gracefulRestart: { restartTimeSeconds: DEFAULT_RESTART_TIME_SECONDS, restarting: restarted } }
      : {}),
  });
  session.on('state', () => onChange());
  const bfd = peer.bfd ? openBfd(peer, local, log, session, onChange) : undefined;
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
    patchRoutes: (announce, withdraw) => {
      session.patchRoutes(announce, withdraw);
      onChange();
    },
    stop: (opts) => {
      unregister?.();
      // a clean stop tells the peer AdminDown (no failure); a restart leaves BFD to time out
      bfd?.stop(opts?.notify !== false);
      return session.stop(opts);
    },
    status: () => ({ ...session.status(), ...(bfd ? { bfd: bfd.status() } : {}) }),
  };
}

/**
 * Single-hop BFD toward the peer (RFC 5880/5881): control packets from a source port of our own with
 * TTL 255, received through the process's port 3784. When an Up session fails, the BGP session goes.
 */
function openBfd(
  peer: PeerForNode,
  local: LocalEndpoint,
  log: Logger,
  session: BgpSession,
  onChange: () => void,
): { stop(adminDown: boolean): void; status(): BfdSessionStatus } {
  const b = peer.bfd!;
  const family = isIPv4(peer.peerAddress) ? 4 : 6;
  const localAddress = peer.sourceAddress ?? (family === 4 ? local.v4 : local.v6);
  if (!localAddress)
    throw new Error(`peer ${peer.name}: no IPv${family} address on ${local.interfaceName} for BFD`);
  const bfdLog = log.child({ bfdProfile: b.profile });
  const socket = openBfdSocket(family, localAddress, 0, () => {});
  const bfd = new BfdSession(
    {
      transmitIntervalMs: b.transmitIntervalMs,
      receiveIntervalMs: b.receiveIntervalMs,
      detectMultiplier: b.detectMultiplier,
      // we do not originate echo packets; with echoMode the peer may loop its own through us
      echoReceiveIntervalMs: b.echoMode ? b.echoIntervalMs : 0,
      passive: b.passive,
    },
    randomInt(1, 0xffffffff),
    (packet) => socket.send(packet, peer.peerAddress, BFD_CONTROL_PORT),
    bfdLog,
  );
  const unregister = processBfdListener(log).register(peer.peerAddress, (p, ttl) => bfd.receive(p, ttl));
  bfd.on('state', () => onChange());
  bfd.on('down', (diag: number) => session.bfdDown(diag));
  bfd.start();
  return {
    stop: (adminDown) => {
      bfd.stop({ adminDown });
      unregister();
      socket.close();
    },
    status: () => bfd.status(),
  };
}
