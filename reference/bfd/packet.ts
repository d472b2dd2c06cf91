/**
 * BFD Control packets (RFC 5880 section 4.1), without authentication: 24 bytes, intervals in
 * microseconds on the wire. `decodeControl` applies the reception checks of section 6.8.6 that do not
 * need session state (version, length, multiplier, multipoint bit, discriminators).
 */
export type BfdState = 'AdminDown' | 'Down' | 'Init' | 'Up';

const STATES: readonly BfdState[] = ['AdminDown', 'Down', 'Init', 'Up'];

/** Diagnostic codes (section 4.1). */
export const Diag = {
  None: 0,
  ControlDetectionTimeExpired: 1,
  EchoFunctionFailed: 2,
  NeighborSignaledSessionDown: 3,
  AdministrativelyDown: 7,
} as const;

export interface ControlPacket {
  diag: number;
  state: BfdState;
  poll: boolean;
  final: boolean;
  detectMult: number;
  myDiscriminator: number;
  yourDiscriminator: number;
  /** Milliseconds (the wire carries microseconds). */
  desiredMinTxMs: number;
  requiredMinRxMs: number;
  requiredMinEchoRxMs: number;
}

export const BFD_VERSION = 1;
export const CONTROL_LENGTH = 24;

export function encodeControl(p: ControlPacket): Buffer {
  const b = Buffer.alloc(CONTROL_LENGTH);
  b[0] = (BFD_VERSION << 5) | (p.diag & 0x1f);
  b[1] = (STATES.indexOf(p.state) << 6) | (p.poll ? 0x20 : 0) | (p.final ? 0x10 : 0);
  b[2] = p.detectMult;
  b[3] = CONTROL_LENGTH;
  b.writeUInt32BE(p.myDiscriminator >>> 0, 4);
  b.writeUInt32BE(p.yourDiscriminator >>> 0, 8);
  b.writeUInt32BE(Math.round(p.desiredMinTxMs * 1000), 12);
  b.writeUInt32BE(Math.round(p.requiredMinRxMs * 1000), 16);
  b.writeUInt32BE(Math.round(p.requiredMinEchoRxMs * 1000), 20);
  return b;
}

/** The packet, or why it must be discarded. */
export function decodeControl(b: Buffer): ControlPacket | { discard: string } {
  if (b.length < CONTROL_LENGTH) return { discard: `short packet (${b.length} bytes)` };
  const version = b[0]! >> 5;
  if (version !== BFD_VERSION) return { discard: `version ${version}` };
  const length = b[3]!;
  if (length < CONTROL_LENGTH || length > b.length) return { discard: `length field ${length}` };
  if (b[1]! & 0x04) return { discard: 'authentication is not configured' };
  if (b[1]! & 0x01) return { discard: 'multipoint bit set' };
  const detectMult = b[2]!;
  if (detectMult === 0) return { discard: 'detect multiplier 0' };
  const myDiscriminator = b.readUInt32BE(4);
  if (myDiscriminator === 0) return { discard: 'my discriminator 0' };
  const state = STATES[b[1]! >> 6]!;
  const yourDiscriminator = b.readUInt32BE(8);
  if (yourDiscriminator === 0 && state !== 'Down' && state !== 'AdminDown')
    return { discard: `your discriminator 0 in state ${state}` };
  return {
    diag: b[0]! & 0x1f,
    state,
    poll: (b[1]! & 0x20) !== 0,
    final: (b[1]! & 0x10) !== 0,
    detectMult,
    myDiscriminator,
    yourDiscriminator,
    desiredMinTxMs: b.readUInt32BE(12) / 1000,
    requiredMinRxMs: b.readUInt32BE(16) / 1000,
    requiredMinEchoRxMs: b.readUInt32BE(20) / 1000,
  };
}
