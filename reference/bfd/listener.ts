import { isIPv4 } from 'node:net';
import type { Logger } from '../../common/log.ts';
import { BFD_CONTROL_PORT, openBfdSocket, type BfdUdpSocket } from './socket.ts';

type Receiver = (packet: Buffer, ttl: number) => void;

/**
 * The process's BFD control port (UDP 3784, RFC 5881 section 4), one socket per address family,
 * opened with the first session of that family and closed with the last. Single hop: one session per
 * neighbour address, so packets are handed to the session registered for their source address.
 */
export class BfdListener {
  private readonly receivers = new Map<string, Receiver>();
  private readonly sockets = new Map<4 | 6, BfdUdpSocket>();

  constructor(private readonly log: Logger) {}

  register(peerAddress: string, receive: Receiver): () => void {
    const family = isIPv4(peerAddress) ? 4 : 6;
    if (!this.sockets.has(family)) {
      this.sockets.set(
        family,
        openBfdSocket(family, family === 4 ? '0.0.0.0' : '::', BFD_CONTROL_PORT, (b, from, _port, ttl) => {
          const r = this.receivers.get(from.replace(/^::ffff:/, ''));
          if (r) r(b, ttl);
          else this.log.debug('bfd.packet.unknown-peer', { from });
        }),
      );
    }
    this.receivers.set(peerAddress, receive);
    return () => {
      if (this.receivers.get(peerAddress) !== receive) return;
      this.receivers.delete(peerAddress);
      if (![...this.receivers.keys()].some((a) => (isIPv4(a) ? 4 : 6) === family)) {
        this.sockets.get(family)?.close();
        this.sockets.delete(family);
      }
    };
  }
}

let processListener: BfdListener | undefined;

export function processBfdListener(log: Logger): BfdListener {
  processListener ??= new BfdListener(log);
  return processListener;
}
