import { createHmac, timingSafeEqual } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import { CodedError } from '../../common/errors.ts';
import type { Logger } from '../../common/log.ts';

/**
 * Who is alive, learnt over the node network. Every member sends a small UDP datagram to every other
 * member's address every `intervalMs` (full mesh, unicast: works on any routed node network, no
 * multicast needed); a member not heard from for `deadAfterMs` is dead; a member closing cleanly sends
 * a `leave` so the others drop it at once.
 *
 * Datagram: "LBM1" | type (1 heartbeat, 2 leave) | len+sender name | len+receiver name |
 *           counter u64 | timestamp ms u64 | HMAC-SHA256(secret, everything before) (32 bytes).
 * A receiver accepts a datagram only when the HMAC verifies (constant-time), it is addressed to this
 * node, the sender is a configured peer, the counter is above the last one accepted from that sender
 * (no replay), and the timestamp is within `maxSkewMs` of the local clock (no replay after the
 * receiver restarted). The counter starts at the sender's start time in µs, so a restarted sender
 * keeps counting upwards. Without the secret a stranger can neither join nor evict anyone.
 */

export const HEARTBEAT = 1;
export const LEAVE = 2;
const MAGIC = Buffer.from('LBM1');
const MAC_LEN = 32;

export interface MembershipMessage {
  type: 1 | 2;
  from: string;
  to: string;
  counter: bigint;
  timestampMs: number;
}

export function encodeMessage(m: MembershipMessage, secret: string | Buffer): Buffer {
  const from = Buffer.from(m.from, 'utf8');
  const to = Buffer.from(m.to, 'utf8');
  if (from.length > 255 || to.length > 255)
    throw new CodedError('MEMBERSHIP_BAD_NAME', 'node names are at most 255 bytes');
  const body = Buffer.alloc(4 + 1 + 1 + from.length + 1 + to.length + 16);
  let o = MAGIC.copy(body, 0);
  body[o++] = m.type;
  body[o++] = from.length;
  o += from.copy(body, o);
  body[o++] = to.length;
  o += to.copy(body, o);
  body.writeBigUInt64BE(m.counter, o);
  body.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(m.timestampMs))), o + 8);
  return Buffer.concat([body, createHmac('sha256', secret).update(body).digest()]);
}

export type DecodeResult =
  | { ok: true; msg: MembershipMessage }
  | { ok: false; reason: 'malformed' | 'bad-mac' };

/** Verifies the HMAC first, then parses; never throws. */
export function decodeMessage(b: Buffer, secret: string | Buffer): DecodeResult {
  if (b.length < 4 + 3 + 16 + MAC_LEN || !b.subarray(0, 4).equals(MAGIC))
    return { ok: false, reason: 'malformed' };
  const body = b.subarray(0, b.length - MAC_LEN);
  const mac = b.subarray(b.length - MAC_LEN);
  if (!timingSafeEqual(createHmac('sha256', secret).update(body).digest(), mac))
    return { ok: false, reason: 'bad-mac' };
  let o = 4;
  const type = body[o++]!;
  const fl = body[o++]!;
  if (o + fl + 1 > body.length) return { ok: false, reason: 'malformed' };
  const from = body.toString('utf8', o, o + fl);
  o += fl;
  const tl = body[o++]!;
  if (o + tl + 16 !== body.length || (type !== HEARTBEAT && type !== LEAVE))
    return { ok: false, reason: 'malformed' };
  const to = body.toString('utf8', o, o + tl);
  o += tl;
  return {
    ok: true,
    msg: {
      type,
      from,
      to,
      counter: body.readBigUInt64BE(o),
      timestampMs: Number(body.readBigUInt64BE(o + 8)),
    },
  };
}

export interface MembershipPeer {
  node: string;
  address: string;
  /** Defaults to this member's own port. */
  port?: number;
}

export interface MembershipOptions {
  node: string;
  secret: string | Buffer;
  /** UDP port to listen on (0 = any; read `port` after `ready`). */
  port: number;
  peers: MembershipPeer[];
  /** Local address to bind (default: `::` if any peer is IPv6, else `0.0.0.0`). */
  bind?: string;
  intervalMs?: number;
  deadAfterMs?: number;
  /** Accepted clock difference of a datagram's timestamp (default max(2000, 2 * deadAfterMs)). */
  maxSkewMs?: number;
  logger: Logger;
  now?: () => number;
}

export type RejectReason = 'malformed' | 'bad-mac' | 'not-for-me' | 'unknown-sender' | 'replay' | 'stale';

/**
 * Events: `change` (alive: string[]) whenever the alive set changes; `rejected` (reason, from address).
 */
export class Membership extends EventEmitter {
  readonly node: string;
  readonly ready: Promise<void>;
  private readonly secret: string | Buffer;
  private readonly sock: Socket;
  private readonly intervalMs: number;
  private readonly deadAfterMs: number;
  private readonly maxSkewMs: number;
  private readonly log: Logger;
  private readonly now: () => number;
  private peers = new Map<string, MembershipPeer>();
  private readonly lastCounter = new Map<string, bigint>();
  private readonly deadline = new Map<string, NodeJS.Timeout>();
  private counter: bigint;
  private timer?: NodeJS.Timeout;
  private boundPort = 0;
  private closed = false;
  private ownPort: number;
  readonly stats = { sent: 0, accepted: 0, rejected: {} as Partial<Record<RejectReason, number>> };

  constructor(opts: MembershipOptions) {
    super();
    if (!opts.secret || opts.secret.length === 0)
      throw new CodedError('MEMBERSHIP_NO_SECRET', 'membership needs a non-empty shared secret');
    this.node = opts.node;
    this.secret = opts.secret;
    this.intervalMs = opts.intervalMs ?? 200;
    this.deadAfterMs = opts.deadAfterMs ?? 1000;
    this.maxSkewMs = opts.maxSkewMs ?? Math.max(2000, 2 * this.deadAfterMs);
    this.log = opts.logger;
    this.now = opts.now ?? Date.now;
    this.ownPort = opts.port;
    this.counter = BigInt(Math.floor(this.now())) * 1000n;
    this.setPeers(opts.peers);
    const bind = opts.bind ?? (opts.peers.some((p) => isIP(p.address) === 6) ? '::' : '0.0.0.0');
    this.sock = createSocket({ type: isIP(bind) === 6 ? 'udp6' : 'udp4', reuseAddr: false });
    this.sock.on('message', (b, rinfo) => this.onMessage(b, rinfo.address));
    this.sock.on('error', (err) => this.log.warn('membership.socket_error', { node: this.node, error: err }));
    this.ready = new Promise<void>((resolve, reject) => {
      const onErr = (err: Error): void =>
        reject(
          new CodedError('MEMBERSHIP_BIND_FAILED', `bind ${bind}:${opts.port}: ${err.message}`, {
            cause: err,
          }),
        );
      this.sock.once('error', onErr);
      this.sock.bind(opts.port, bind, () => {
        this.sock.off('error', onErr);
        this.boundPort = this.sock.address().port;
        if (this.ownPort === 0) this.ownPort = this.boundPort;
        this.log.info('membership.started', {
          node: this.node,
          port: this.boundPort,
          peers: [...this.peers.keys()],
        });
        this.beat();
        this.timer = setInterval(() => this.beat(), this.intervalMs);
        resolve();
      });
    });
  }

  get port(): number {
    return this.boundPort;
  }

  /** Sorted names of the members alive now, this node included. */
  alive(): string[] {
    return [this.node, ...this.deadline.keys()].sort();
  }

  /** Replaces the peer list (e.g. the Node list changed); removed peers drop out at once. */
  setPeers(peers: MembershipPeer[]): void {
    this.peers = new Map(peers.filter((p) => p.node !== this.node).map((p) => [p.node, p]));
    let changed = false;
    for (const node of [...this.deadline.keys()]) {
      if (this.peers.has(node)) continue;
      clearTimeout(this.deadline.get(node));
      this.deadline.delete(node);
      changed = true;
    }
    if (changed) this.emitChange('peer-removed');
  }

  /** Stops; with `graceful` (default) first tells every peer it is leaving. */
  async close(opts: { graceful?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    for (const t of this.deadline.values()) clearTimeout(t);
    this.deadline.clear();
    await this.ready.catch(() => undefined);
    if (opts.graceful !== false && this.boundPort)
      await Promise.all([...this.peers.values()].map((p) => this.sendTo(p, LEAVE)));
    await new Promise<void>((r) => {
      try {
        this.sock.close(() => r());
      } catch {
        r();
      }
    });
  }

  private beat(): void {
    if (this.closed) return;
    for (const p of this.peers.values()) void this.sendTo(p, HEARTBEAT);
  }

  private sendTo(p: MembershipPeer, type: 1 | 2): Promise<void> {
    this.counter += 1n;
    const b = encodeMessage(
      { type, from: this.node, to: p.node, counter: this.counter, timestampMs: this.now() },
      this.secret,
    );
    return new Promise((resolve) => {
      this.sock.send(b, p.port ?? this.ownPort, p.address, (err) => {
        if (err) this.log.debug('membership.send_failed', { node: this.node, peer: p.node, error: err });
        else this.stats.sent++;
        resolve();
      });
    });
  }

  private reject(reason: RejectReason, from: string, extra: Record<string, unknown> = {}): void {
    this.stats.rejected[reason] = (this.stats.rejected[reason] ?? 0) + 1;
    this.log.debug('membership.rejected', { node: this.node, reason, from, ...extra });
    this.emit('rejected', reason, from);
  }

  private onMessage(b: Buffer, fromAddr: string): void {
    if (this.closed) return;
    const d = decodeMessage(b, this.secret);
    if (!d.ok) {
      this.reject(d.reason, fromAddr);
      return;
    }
    const m = d.msg;
    if (m.to !== this.node) {
      this.reject('not-for-me', fromAddr, { to: m.to });
      return;
    }
    if (!this.peers.has(m.from)) {
      this.reject('unknown-sender', fromAddr, { sender: m.from });
      return;
    }
    const last = this.lastCounter.get(m.from);
    if (last !== undefined && m.counter <= last) {
      this.reject('replay', fromAddr, { sender: m.from });
      return;
    }
    if (Math.abs(this.now() - m.timestampMs) > this.maxSkewMs) {
      this.reject('stale', fromAddr, { sender: m.from });
      return;
    }
    this.lastCounter.set(m.from, m.counter);
    this.stats.accepted++;
    if (m.type === LEAVE) {
      const t = this.deadline.get(m.from);
      if (t) {
        clearTimeout(t);
        this.deadline.delete(m.from);
        this.emitChange('left', m.from);
      }
      return;
    }
    const t = this.deadline.get(m.from);
    if (t) {
      t.refresh();
      return;
    }
    this.deadline.set(
      m.from,
      setTimeout(() => {
        this.deadline.delete(m.from);
        this.emitChange('dead', m.from);
      }, this.deadAfterMs),
    );
    this.emitChange('joined', m.from);
    // A member (re)joining hears from us now, not up to an interval later: a restarted speaker learns
    // every live member within a round trip, long before it settles and elects owners.
    const peer = this.peers.get(m.from);
    if (peer) void this.sendTo(peer, HEARTBEAT);
  }

  private emitChange(why: string, peer?: string): void {
    const alive = this.alive();
    this.log.info('membership.change', { node: this.node, reason: why, ...(peer ? { peer } : {}), alive });
    this.emit('change', alive);
  }
}
