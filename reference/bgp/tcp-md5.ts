import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { CodedError } from '../../common/errors.ts';

interface Md5Addon {
  connectMd5(peerAddress: string, peerPort: number, localAddress: string | null, key: string): number;
}

let addon: Md5Addon | undefined;

function load(): Md5Addon {
  if (!addon) {
    try {
      addon = createRequire(import.meta.url)('./native/build/tcp_md5.node') as Md5Addon;
    } catch (err) {
      throw new CodedError('TCP_MD5_UNAVAILABLE', `TCP MD5 needs the native addon (run reference/bgp/native/build.sh): ${(err as Error).message}`);
    }
  }
  return addon;
}

/**
 * A TCP connection to the peer signed with RFC 2385 MD5. The key must be on the socket before the SYN,
 * which Node's net module cannot do, so a small addon creates the socket, sets TCP_MD5SIG and starts
 * connect(); Node adopts the fd. Writes queue until the handshake completes; a failed handshake
 * surfaces as an 'error' on the first read or write.
 */
export function connectWithMd5(peerAddress: string, peerPort: number, localAddress: string | undefined, key: string): Socket {
  const fd = load().connectMd5(peerAddress, peerPort, localAddress ?? null, key);
  return new Socket({ fd, readable: true, writable: true });
}
