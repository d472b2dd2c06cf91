import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { CodedError } from '../../common/errors.ts';

/** The small N-API addon in ./native (built by native/build.sh): socket options Node cannot set in time. */
interface SocketAddon {
  connectTcp(
    peerAddress: string,
    peerPort: number,
    localAddress: string | null,
    key: string | null,
    ttl: number,
  ): number;
  listenTcp(address: string, port: number): number;
  setMd5(fd: number, peerAddress: string, key: string): void;
  setTtl(fd: number, ttl: number): void;
  getTtl(fd: number): number;
  isConnected(fd: number): boolean;
}

let addon: SocketAddon | undefined;

function load(): SocketAddon {
  if (!addon) {
    try {
      addon = createRequire(import.meta.url)('./native/build/bgp_socket.node') as SocketAddon;
    } catch (err) {
      throw new CodedError(
        'TCP_ADDON_UNAVAILABLE',
        `BGP sockets need the native addon (run reference/bgp/native/build.sh): ${(err as Error).message}`,
      );
    }
  }
  return addon;
}

/** The addon throws plain Errors carrying a code (TCP_MD5_FAILED, TCP_TTL_FAILED, TCP_SOCKET_FAILED). */
function call<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CodedError) throw err;
    const e = err as Error & { code?: string };
    throw new CodedError(e.code ?? 'TCP_SOCKET_FAILED', e.message);
  }
}

/**
 * The IP TTL (IPv6 hop limit) of a BGP session's packets, as FRR (and so MetalLB) sets it: 1 for
 * single-hop eBGP, so a peer that is not directly connected is never reached; 255 for iBGP; the
 * multihop value for eBGP with ebgpMultiHop.
 */
export function sessionTtl(myAsn: number, peerAsn: number, ebgpMultiHop?: number): number {
  if (myAsn === peerAsn) return 255;
  return ebgpMultiHop ?? 1;
}

export interface ConnectOptions {
  peerAddress: string;
  peerPort: number;
  localAddress?: string;
  /** RFC 2385 TCP MD5 key. */
  password?: string;
  ttl: number;
}

/**
 * A TCP connection whose options are on the socket before the SYN: TTL / hop limit always, the MD5
 * key when given (Node's net module has no hook there). The addon creates the socket and starts a
 * non-blocking connect(); Node adopts the fd, so writes queue until the handshake completes and a
 * failed handshake surfaces as an 'error' on the first read or write. `connected()` says whether the
 * handshake has completed (there is no 'connect' event on an adopted fd).
 */
export function connectBgpSocket(o: ConnectOptions): { socket: Socket; connected: () => boolean } {
  const a = load();
  const fd = call(() =>
    a.connectTcp(o.peerAddress, o.peerPort, o.localAddress ?? null, o.password ?? null, o.ttl),
  );
  const socket = new Socket({ fd, readable: true, writable: true });
  return { socket, connected: () => !socket.destroyed && call(() => a.isConnected(fd)) };
}

/** The fd under a Node TCP socket (Unix: libuv keeps it on the handle). */
export function socketFd(socket: Socket): number {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0)
    throw new CodedError('TCP_SOCKET_FAILED', 'socket has no file descriptor');
  return fd;
}

/** Sets the TTL / hop limit of an established socket (an accepted connection). */
export function setSocketTtl(socket: Socket, ttl: number): void {
  const a = load();
  call(() => a.setTtl(socketFd(socket), ttl));
}

/** The TTL / hop limit a socket sends with, read back with getsockopt. */
export function socketTtl(socket: Socket): number {
  const a = load();
  return call(() => a.getTtl(socketFd(socket)));
}

/** A listening socket's fd for net.Server.listen({fd}); an IPv6 address listens for IPv6 only. */
export function listenBgpSocket(address: string, port: number): number {
  const a = load();
  return call(() => a.listenTcp(address, port));
}

/** Adds (or with key '' removes) the MD5 key for connections from `peerAddress` on a listening fd. */
export function setListenerMd5(fd: number, peerAddress: string, key: string): void {
  const a = load();
  call(() => a.setMd5(fd, peerAddress, key));
}
