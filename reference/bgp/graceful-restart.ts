/**
 * BGP graceful restart (RFC 4724): the capability (code 64) and the End-of-RIB marker.
 *
 * The speaker only announces, so it is always the restarting side of the procedure: it tells its peers
 * how long to keep its routes (restart time), that it keeps forwarding while its control plane restarts
 * (F bit per family: the node's data plane, not the speaker, forwards Service traffic), and after a
 * restart that it has restarted (R bit). Its peers then keep its routes as stale until End-of-RIB.
 */
import type { Capability } from './messages.ts';
import { MessageType, frame } from './messages.ts';
import { AFI_IPV4, AFI_IPV6, SAFI_UNICAST } from './nlri.ts';
import { familyOfAfi, type Family } from './families.ts';

export const GRACEFUL_RESTART_CAPABILITY = 64;

/**
 * FRR's default restart time, which MetalLB's FRR mode keeps (its frr.tmpl sets only
 * `bgp graceful-restart preserve-fw-state` and per neighbour `graceful-restart`).
 */
export const DEFAULT_RESTART_TIME_SECONDS = 120;

const RESTART_STATE_BIT = 0x8000;
const FORWARDING_STATE_BIT = 0x80;
const MAX_RESTART_TIME = 0x0fff;

export interface GracefulRestartCapability {
  /** R bit: the sender has restarted (its peers must not wait for its End-of-RIB to send theirs). */
  restartState: boolean;
  /** Seconds (12 bits) the peer should keep the sender's routes while the session is down. */
  restartTimeSeconds: number;
  /** Families whose forwarding state the sender preserves across a restart (F bit). */
  families: { family: Family; forwardingPreserved: boolean }[];
}

const afiOf = (f: Family): number => (f === 'ipv4' ? AFI_IPV4 : AFI_IPV6);

export function encodeGracefulRestartCapability(c: GracefulRestartCapability): Capability {
  if (
    !Number.isInteger(c.restartTimeSeconds) ||
    c.restartTimeSeconds < 0 ||
    c.restartTimeSeconds > MAX_RESTART_TIME
  )
    throw new RangeError(`restart time ${c.restartTimeSeconds}s does not fit 12 bits (0-4095)`);
  const raw = Buffer.alloc(2 + 4 * c.families.length);
  raw.writeUInt16BE((c.restartState ? RESTART_STATE_BIT : 0) | c.restartTimeSeconds, 0);
  c.families.forEach((f, i) => {
    raw.writeUInt16BE(afiOf(f.family), 2 + 4 * i);
    raw[4 + 4 * i] = SAFI_UNICAST;
    raw[5 + 4 * i] = f.forwardingPreserved ? FORWARDING_STATE_BIT : 0;
  });
  return { code: GRACEFUL_RESTART_CAPABILITY, raw };
}

/** The peer's graceful restart capability, if it sent a well-formed one (families we do not know are left out). */
export function findGracefulRestartCapability(
  caps: readonly Capability[],
): GracefulRestartCapability | undefined {
  const cap = caps.find((c) => c.code === GRACEFUL_RESTART_CAPABILITY && 'raw' in c) as
    | { code: number; raw: Buffer }
    | undefined;
  if (!cap || cap.raw.length < 2 || (cap.raw.length - 2) % 4 !== 0) return undefined;
  const head = cap.raw.readUInt16BE(0);
  const families: GracefulRestartCapability['families'] = [];
  for (let i = 2; i < cap.raw.length; i += 4) {
    const family = familyOfAfi(cap.raw.readUInt16BE(i), cap.raw[i + 2]!);
    if (family)
      families.push({ family, forwardingPreserved: (cap.raw[i + 3]! & FORWARDING_STATE_BIT) !== 0 });
  }
  return {
    restartState: (head & RESTART_STATE_BIT) !== 0,
    restartTimeSeconds: head & MAX_RESTART_TIME,
    families,
  };
}

/**
 * End-of-RIB (RFC 4724 section 2): for IPv4 unicast an UPDATE with no withdrawn routes, no attributes
 * and no NLRI; for other families an UPDATE carrying only an empty MP_UNREACH_NLRI of that family.
 */
export function encodeEndOfRib(family: Family): Buffer {
  if (family === 'ipv4') return frame(MessageType.Update, Buffer.alloc(4));
  const body = Buffer.alloc(4 + 6);
  body.writeUInt16BE(0, 0); // withdrawn routes length
  body.writeUInt16BE(6, 2); // path attributes length
  body[4] = 0x80; // optional, non-transitive
  body[5] = 15; // MP_UNREACH_NLRI
  body[6] = 3;
  body.writeUInt16BE(AFI_IPV6, 7);
  body[9] = SAFI_UNICAST;
  return frame(MessageType.Update, body);
}

/** The family an UPDATE body marks as End-of-RIB, or undefined when it is an ordinary UPDATE. */
export function endOfRibFamily(updateBody: Buffer): Family | undefined {
  if (updateBody.length === 4 && updateBody.readUInt32BE(0) === 0) return 'ipv4';
  if (
    updateBody.length === 10 &&
    updateBody.readUInt16BE(0) === 0 &&
    updateBody.readUInt16BE(2) === 6 &&
    (updateBody[4]! & 0x80) !== 0 &&
    updateBody[5] === 15 &&
    updateBody[6] === 3
  )
    return familyOfAfi(updateBody.readUInt16BE(7), updateBody[9]!);
  return undefined;
}
