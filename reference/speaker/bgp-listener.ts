import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import type { Logger } from '../../common/log.ts';
import { canonicalIP } from '../model/ip.ts';
import { listenBgpSocket, setListenerMd5 } from '../bgp/tcp-socket.ts';

/** A configured peer as the listener sees it: who takes its inbound connections, and its MD5 key. */
export interface InboundPeer {
  accept(socket: Socket): void;
  password?: string;
}

export interface BgpListenerOptions {
  /** Default 179; 0 picks a free port (tests). */
  port?: number;
  /** Default every address of the namespace, one socket per family. */
  addresses?: string[];
}

interface Bound {
  address: string;
  family: 4 | 6;
  fd: number;
  server: Server;
}

/**
 * The speaker's passive side (RFC 4271 8.2.1 passive TCP establishment): it listens on TCP 179 and
 * hands a connection from a configured peer's address to that peer's session, which resolves any
 * collision with its own outbound connection (RFC 4271 6.8). Connections from any other address are
 * closed at once. An MD5 peer's key sits on the listening socket (TCP_MD5SIG), so the kernel drops
 * its unsigned or wrongly signed SYNs before they are ever accepted.
 *
 * Sockets open on the first registration and never keep the process alive (unref'd).
 */
export class BgpListener {
  private readonly peers = new Map<string, { peer: InboundPeer; md5Ready: boolean }>();
  private bound: Bound[] = [];
  private started = false;

  constructor(
    private readonly log: Logger,
    private readonly opts: BgpListenerOptions = {},
  ) {}

  /** Routes inbound connections from `peerAddress` to `peer`; the returned function undoes it. */
  register(peerAddress: string, peer: InboundPeer): () => void {
    this.start();
    const key = canonicalIP(peerAddress) ?? peerAddress;
    if (this.peers.has(key))
      this.log.warn('bgp.listener.duplicate-peer', {
        peer: key,
        note: 'the latest BGPPeer for this address takes its inbound connections',
      });
    const entry = { peer, md5Ready: peer.password ? this.setKey(key, peer.password) : true };
    this.peers.set(key, entry);
    return () => {
      if (this.peers.get(key) !== entry) return;
      this.peers.delete(key);
      if (peer.password) this.setKey(key, '');
    };
  }

  /** The ports actually bound (tests listen on port 0). */
  ports(): number[] {
    return this.bound.map((b) => (b.server.address() as { port: number } | null)?.port ?? 0);
  }

  /** Stops listening; connections already handed to sessions stay theirs. */
  close(): void {
    for (const b of this.bound) b.server.close();
    this.bound = [];
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    const port = this.opts.port ?? 179;
    for (const address of this.opts.addresses ?? ['0.0.0.0', '::']) {
      let fd: number;
      try {
        fd = listenBgpSocket(address, port);
      } catch (err) {
        // outbound sessions still work; only this family's passive side is missing
        this.log.error('bgp.listener.failed', {
          address,
          port,
          error: (err as Error).message,
          code: (err as { code?: string }).code,
        });
        continue;
      }
      const server = createServer((socket) => this.onConnection(socket));
      server.on('error', (err) =>
        this.log.error('bgp.listener.error', { address, port, error: err.message }),
      );
      server.listen({ fd });
      server.unref();
      this.bound.push({ address, family: isIPv6(address) ? 6 : 4, fd, server });
      this.log.info('bgp.listener.listening', { address, port });
    }
  }

  /** Key on the listening socket of the peer's family; false when it could not be set there. */
  private setKey(peer: string, key: string): boolean {
    const sockets = this.bound.filter((b) => b.family === (isIPv6(peer) ? 6 : 4));
    try {
      for (const b of sockets) setListenerMd5(b.fd, peer, key);
      return sockets.length > 0;
    } catch (err) {
      this.log.error('bgp.listener.md5-failed', { peer, error: (err as Error).message });
      return false;
    }
  }

  private onConnection(socket: Socket): void {
    socket.on('error', () => {});
    const remote = canonicalIP(socket.remoteAddress ?? '') ?? String(socket.remoteAddress);
    const entry = this.peers.get(remote);
    if (!entry?.md5Ready) {
      this.log.warn('bgp.listener.refused', {
        remote: `${remote}:${socket.remotePort}`,
        local: `${socket.localAddress}:${socket.localPort}`,
        reason: entry ? 'MD5 key could not be set for this peer' : 'not a configured peer',
      });
      socket.destroy();
      return;
    }
    this.log.debug('bgp.listener.accepted', { remote: `${remote}:${socket.remotePort}` });
    entry.peer.accept(socket);
  }
}

let shared: BgpListener | undefined;

/** The process's listener (one speaker per node namespace, so one TCP 179 per process). */
export function processBgpListener(log: Logger): BgpListener {
  shared ??= new BgpListener(log);
  return shared;
}
