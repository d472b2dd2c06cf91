import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CodedError } from '../../common/errors.ts';
import { macToBytes } from './frames.ts';

/**
 * Raw Ethernet frames through AF_PACKET (Linux), via the small N-API addon in ./native
 * (build it with `reference/l2/native/build.sh`). One socket = one interface and one ethertype.
 */

/** Where the packet came from, as the kernel reports it (sll_pkttype). */
export const PacketType = { host: 0, broadcast: 1, multicast: 2, otherHost: 3, outgoing: 4 } as const;

/** One classic BPF instruction (struct sock_filter). */
export interface BpfInstruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

export interface PacketSocketOptions {
  ifname: string;
  /** Ethertype to receive, e.g. 0x0806 (ARP) or 0x86dd (IPv6). */
  ethertype: number;
  /** Classic BPF program run on each received frame before it reaches us (attached before bind). */
  filter?: BpfInstruction[];
  onFrame: (frame: Buffer, pktType: number) => void;
}

export interface PacketSocket {
  readonly ifname: string;
  readonly ifindex: number;
  send(frame: Buffer): void;
  /** PACKET_ADD_MEMBERSHIP: receive frames sent to this multicast MAC (e.g. 33:33:ff:xx:xx:xx). */
  joinMulticast(mac: string): void;
  leaveMulticast(mac: string): void;
  /** Whether this socket alone keeps the process running (default yes). */
  ref(keep: boolean): void;
  close(): void;
}

type Handle = { readonly __afPacket: unique symbol };
interface Native {
  open(
    ifname: string,
    ethertype: number,
    onFrame: (frame: Buffer, pktType: number) => void,
    filter?: Buffer,
  ): Handle;
  send(h: Handle, frame: Buffer): number;
  membership(h: Handle, mac: Buffer, add: boolean): void;
  setRef(h: Handle, ref: boolean): void;
  close(h: Handle): void;
  ifindex(h: Handle): number;
}

export const nativePath = fileURLToPath(new URL('./native/build/Release/af_packet.node', import.meta.url));
let native: Native | undefined;

/** The addon, loaded once; L2_NATIVE_MISSING when it has not been built. */
export function loadNative(): Native {
  if (native) return native;
  if (!existsSync(nativePath)) {
    throw new CodedError(
      'L2_NATIVE_MISSING',
      `AF_PACKET addon not built (${nativePath}); run reference/l2/native/build.sh`,
    );
  }
  native = createRequire(import.meta.url)(nativePath) as Native;
  return native;
}

/** struct sock_filter[] in host byte order. */
export function encodeBpf(program: BpfInstruction[]): Buffer {
  const b = Buffer.alloc(program.length * 8);
  const le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  program.forEach((ins, i) => {
    const o = i * 8;
    if (le) {
      b.writeUInt16LE(ins.code, o);
      b.writeUInt32LE(ins.k >>> 0, o + 4);
    } else {
      b.writeUInt16BE(ins.code, o);
      b.writeUInt32BE(ins.k >>> 0, o + 4);
    }
    b.writeUInt8(ins.jt, o + 2);
    b.writeUInt8(ins.jf, o + 3);
  });
  return b;
}

/** Opens an AF_PACKET socket on `ifname`; L2_SOCKET_OPEN_FAILED (with the errno text) when Linux refuses. */
export function openPacketSocket(opts: PacketSocketOptions): PacketSocket {
  const n = loadNative();
  let h: Handle;
  try {
    h = n.open(opts.ifname, opts.ethertype, opts.onFrame, opts.filter ? encodeBpf(opts.filter) : undefined);
  } catch (err) {
    throw new CodedError(
      'L2_SOCKET_OPEN_FAILED',
      `AF_PACKET socket on ${opts.ifname}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  let closed = false;
  const ifindex = n.ifindex(h);
  return {
    ifname: opts.ifname,
    ifindex,
    send(frame) {
      if (closed) throw new CodedError('L2_SOCKET_CLOSED', `socket on ${opts.ifname} is closed`);
      try {
        n.send(h, frame);
      } catch (err) {
        throw new CodedError('L2_SEND_FAILED', `send on ${opts.ifname}: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },
    joinMulticast(mac) {
      if (closed) throw new CodedError('L2_SOCKET_CLOSED', `socket on ${opts.ifname} is closed`);
      n.membership(h, macToBytes(mac), true);
    },
    leaveMulticast(mac) {
      if (!closed) n.membership(h, macToBytes(mac), false);
    },
    ref(keep) {
      if (!closed) n.setRef(h, keep);
    },
    close() {
      if (closed) return;
      closed = true;
      n.close(h);
    },
  };
}
