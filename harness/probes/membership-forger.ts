/**
 * A forged member on the node segment, for features/l2-security.feature: it knows the membership
 * protocol (it uses the speaker's own codec) but not the shared secret. Run inside the intruder's
 * namespace: `ip netns exec NS node --import tsx harness/probes/membership-forger.ts CMD JSON`:
 *   forge JSON    {port, messages:[{address, to, from, type, signature, counter}]}: sends each one;
 *                 signature `wrong-key` (a valid-looking HMAC under a random key) or `none` (zero MAC)
 *   capture JSON  {iface, port}: prints `{"listening":true}`, then one JSON line per membership datagram
 *                 seen on the segment (AF_PACKET: frames for other hosts too), raw, until SIGTERM
 *   replay JSON   {datagrams:[{dst, dport, hex}]}: sends each captured datagram unchanged to its receiver
 * forge and replay print `{"sent":N}`. Exit 0; 2 on bad usage.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CodedError } from '../../common/errors.ts';
import { HEARTBEAT, LEAVE, encodeMessage } from '../../reference/l2/membership.ts';
import { ETHERTYPE_IPV4 } from '../../reference/l2/frames.ts';

export type Signature = 'wrong-key' | 'none';
export type CounterChoice = 'next' | 'max';

export interface ForgedMessage {
  /** Receiver's address and node name. */
  address: string;
  to: string;
  from: string;
  type: 'heartbeat' | 'leave';
  signature: Signature;
  /** `next`: above any counter a real member has sent yet (its start time in µs, plus margin); `max`: 2^64-1. */
  counter: CounterChoice;
}

const MAC_LEN = 32;

/** A membership datagram as a stranger can make it: right format, fresh counter and time, no secret. */
export function forgeDatagram(m: Omit<ForgedMessage, 'address'>, nowMs = Date.now()): Buffer {
  const counter = m.counter === 'max' ? (1n << 64n) - 1n : BigInt(Math.floor(nowMs)) * 1000n + 1_000_000_000n;
  const key = randomBytes(32); // never the shared secret: nobody outside the scenario knows it
  const b = encodeMessage(
    { type: m.type === 'leave' ? LEAVE : HEARTBEAT, from: m.from, to: m.to, counter, timestampMs: nowMs },
    key,
  );
  if (m.signature === 'none') b.fill(0, b.length - MAC_LEN);
  return b;
}

export interface PeekedMessage {
  type: 'heartbeat' | 'leave';
  from: string;
  to: string;
  counter: bigint;
  timestampMs: number;
}

/** What an eavesdropper reads from a datagram without the secret (the MAC is not checked). */
export function peekDatagram(b: Buffer): PeekedMessage | undefined {
  if (b.length < 4 + 3 + 16 + MAC_LEN || b.toString('latin1', 0, 4) !== 'LBM1') return undefined;
  const type = b[4];
  if (type !== HEARTBEAT && type !== LEAVE) return undefined;
  let o = 5;
  const fl = b[o++]!;
  if (o + fl + 1 > b.length) return undefined;
  const from = b.toString('utf8', o, o + fl);
  o += fl;
  const tl = b[o++]!;
  if (o + tl + 16 + MAC_LEN !== b.length) return undefined;
  const to = b.toString('utf8', o, o + tl);
  o += tl;
  return {
    type: type === LEAVE ? 'leave' : 'heartbeat',
    from,
    to,
    counter: b.readBigUInt64BE(o),
    timestampMs: Number(b.readBigUInt64BE(o + 8)),
  };
}

export interface UdpDatagram {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  payload: Buffer;
}

/** The UDP datagram inside an Ethernet/IPv4 frame (unfragmented), or undefined. */
export function udpFromFrame(frame: Buffer): UdpDatagram | undefined {
  if (frame.length < 14 + 20 + 8 || frame.readUInt16BE(12) !== ETHERTYPE_IPV4) return undefined;
  const ip = frame.subarray(14);
  const ihl = (ip[0]! & 0x0f) * 4;
  if (ip[0]! >> 4 !== 4 || ihl < 20 || ip[9] !== 17 || (ip.readUInt16BE(6) & 0x3fff) !== 0) return undefined;
  const total = ip.readUInt16BE(2);
  if (total > ip.length || ihl + 8 > total) return undefined;
  const udp = ip.subarray(ihl, total);
  const len = udp.readUInt16BE(4);
  if (len < 8 || len > udp.length) return undefined;
  const addr = (o: number): string => [...ip.subarray(o, o + 4)].join('.');
  return {
    src: addr(12),
    dst: addr(16),
    sport: udp.readUInt16BE(0),
    dport: udp.readUInt16BE(2),
    payload: Buffer.from(udp.subarray(8, len)),
  };
}

/** One capture line as JSON (bigint counter as a decimal string). */
export function captureLine(d: UdpDatagram, m: PeekedMessage, timeMs: number): string {
  return JSON.stringify({
    ...m,
    counter: m.counter.toString(),
    src: d.src,
    dst: d.dst,
    dport: d.dport,
    hex: d.payload.toString('hex'),
    timeMs,
  });
}

async function sendAll(items: { address: string; port: number; payload: Buffer }[]): Promise<number> {
  const sock = createSocket('udp4');
  let sent = 0;
  try {
    for (const it of items) {
      await new Promise<void>((resolve, reject) =>
        sock.send(it.payload, it.port, it.address, (err) => (err ? reject(err) : resolve())),
      );
      sent++;
    }
  } finally {
    sock.close();
  }
  return sent;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, json] = argv;
  let spec: Record<string, unknown>;
  try {
    spec = JSON.parse(json ?? '') as Record<string, unknown>;
  } catch {
    process.stderr.write('usage: membership-forger.ts forge|capture|replay JSON\n');
    return 2;
  }
  if (cmd === 'forge') {
    const port = Number(spec['port']);
    const messages = spec['messages'] as ForgedMessage[];
    const sent = await sendAll(
      messages.map((m) => ({ address: m.address, port, payload: forgeDatagram(m) })),
    );
    process.stdout.write(JSON.stringify({ sent }) + '\n');
    return 0;
  }
  if (cmd === 'replay') {
    const datagrams = spec['datagrams'] as { dst: string; dport: number; hex: string }[];
    const sent = await sendAll(
      datagrams.map((d) => ({ address: d.dst, port: d.dport, payload: Buffer.from(d.hex, 'hex') })),
    );
    process.stdout.write(JSON.stringify({ sent }) + '\n');
    return 0;
  }
  if (cmd === 'capture') {
    const { openPacketSocket } = await import('../../reference/l2/packet-socket.ts');
    const port = Number(spec['port']);
    const sock = openPacketSocket({
      ifname: String(spec['iface']),
      ethertype: ETHERTYPE_IPV4,
      onFrame: (frame) => {
        const d = udpFromFrame(frame);
        const m = d && d.dport === port ? peekDatagram(d.payload) : undefined;
        if (d && m) process.stdout.write(captureLine(d, m, Date.now()) + '\n');
      },
    });
    process.stdout.write(JSON.stringify({ listening: true }) + '\n');
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    sock.close();
    return 0;
  }
  process.stderr.write('usage: membership-forger.ts forge|capture|replay JSON\n');
  return 2;
}

export const forgerScript = fileURLToPath(import.meta.url);

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(
        `membership-forger: ${err instanceof CodedError ? `${err.code}: ` : ''}${(err as Error).message}\n`,
      );
      process.exit(1);
    },
  );
}
