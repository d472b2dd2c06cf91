import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CodedError } from '../../common/errors.ts';

/**
 * UDP sockets for single-hop BFD through the small addon in ./native (`reference/bfd/native/build.sh`):
 * packets leave with TTL / hop limit 255 and arrive with the TTL they had, so GTSM (RFC 5881 section 5)
 * can be checked; Node's dgram can set the TTL but never reports the received one.
 */
export const BFD_CONTROL_PORT = 3784;

export interface BfdUdpSocket {
  readonly port: number;
  send(packet: Buffer, address: string, port: number): void;
  close(): void;
}

type Handle = { readonly __bfdSocket: unique symbol };
interface Native {
  open(
    family: 4 | 6,
    local: string,
    port: number,
    onPacket: (b: Buffer, from: string, fromPort: number, ttl: number) => void,
  ): Handle;
  send(h: Handle, b: Buffer, address: string, port: number): number;
  localPort(h: Handle): number;
  setRef(h: Handle, ref: boolean): void;
  close(h: Handle): void;
}

export const bfdNativePath = fileURLToPath(new URL('./native/build/bfd_socket.node', import.meta.url));
let native: Native | undefined;

function load(): Native {
  if (native) return native;
  if (!existsSync(bfdNativePath))
    throw new CodedError(
      'BFD_ADDON_MISSING',
      `${bfdNativePath} is missing; run reference/bfd/native/build.sh`,
    );
  native = createRequire(import.meta.url)(bfdNativePath) as Native;
  return native;
}

/** Port 0: a free source port in 49152-65535 (RFC 5881 section 4), kept for the session's life. */
export function openBfdSocket(
  family: 4 | 6,
  localAddress: string,
  port: number,
  onPacket: (packet: Buffer, from: string, fromPort: number, ttl: number) => void,
): BfdUdpSocket {
  const n = load();
  const h = n.open(family, localAddress, port, onPacket);
  let open = true;
  return {
    port: n.localPort(h),
    send: (packet, address, toPort) => {
      if (open) n.send(h, packet, address, toPort);
    },
    close: () => {
      if (!open) return;
      open = false;
      n.close(h);
    },
  };
}
