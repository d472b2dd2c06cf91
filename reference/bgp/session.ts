import { EventEmitter } from 'node:events';
import { isIPv4, type Socket } from 'node:net';
import { silentLogger, type Logger } from '../../common/log.ts';
import { BgpDecodeError, CeaseSubcode, ErrorCode, OpenSubcode } from './errors.ts';
import {
  decodeMessage,
  encodeKeepalive,
  encodeNotification,
  encodeOpen,
  ourCapabilities,
  type OpenMessage,
} from './messages.ts';
import { packAnnouncements, packWithdrawals, type WireContext } from './packer.ts';
import { AdjRibOut } from './rib-out.ts';
import type { Cidr } from '../model/ip.ts';
import type { AnnouncedRoute } from '../model/route.ts';
import { MessageStream } from './stream.ts';
import { decodeUpdate } from './update.ts';
import { connectBgpSocket, sessionTtl, setSocketTtl } from './tcp-socket.ts';
import { ALL_FAMILIES, familyOfAfi, familyOfPrefix, negotiateFamilies, type Family } from './families.ts';
import { normalizeRoute, prefixKey } from './route.ts';
import {
  encodeEndOfRib,
  encodeGracefulRestartCapability,
  findGracefulRestartCapability,
} from './graceful-restart.ts';

export type SessionState = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established';

export interface BgpSessionOptions {
  peerAddress: string;
  peerPort?: number;
  localAddress?: string;
  myAsn: number;
  peerAsn: number;
  routerId: string;
  /** Seconds; 0 (no keepalives) or >= 3. */
  holdTime: number;
  keepaliveTime?: number;
  /** Next hop for IPv6 routes (MP_REACH_NLRI); without it IPv6 routes are not sent. */
  nextHopV6?: string;
  /** Next hop for IPv4 routes when the session runs over IPv6 (else the session's local address). */
  nextHopV4?: string;
  /** RFC 2385 TCP MD5 key shared with the peer. */
  password?: string;
  /** eBGP only: the TTL for a multi-hop peer; without it eBGP packets leave with TTL 1 (iBGP: 255). */
  ebgpMultiHop?: number;
  /** Unicast families offered in OPEN (default both); routes are sent only in families both sides offer. */
  families?: Family[];
  logger?: Logger;
  connectRetryCapSeconds?: number;
  /** Gives up a TCP connect that has not completed after this long, then retries (default 30). */
  connectTimeoutSeconds?: number;
  /**
   * RFC 4724: offer graceful restart (restart time, forwarding state kept for every family offered) and
   * end the initial routes of every negotiated family with End-of-RIB. `restarting`: this process
   * replaces one that went without Cease, so the first OPEN sets the Restart State bit.
   */
  gracefulRestart?: { restartTimeSeconds: number; restarting: boolean };
}

export interface SessionStatus {
  state: SessionState;
  peer: string;
  establishedSince?: string;
  messagesSent: number;
  messagesReceived: number;
  updatesSent: number;
  advertised: number;
  /** Seconds since Established (0 when not Established). */
  uptimeSeconds: number;
  /** What OPEN negotiation settled, while a session is at least OpenConfirm. */
  negotiated?: {
    holdTime: number;
    keepaliveTime: number;
    fourOctetAs: boolean;
    families: Family[];
    /** RFC 4724: both sides offered graceful restart. */
    gracefulRestart?: boolean;
  };
  /** Routes given but not sent: family not negotiated or no next hop for it on this session. */
  heldBack: number;
  lastError?: string;
  /** The TCP connection in use and who opened it (RFC 4271 6.8: only one survives a collision). */
  connection?: { local: string; remote: string; inbound: boolean };
}

/** RFC 9384: Cease subcode for a session torn down because BFD went down. */
const CEASE_BFD_DOWN = 10;

/** Before OPEN is answered, RFC 4271 suggests a large hold timer (4 minutes). */
const OPEN_HOLD_SECONDS = 240;

/**
 * One BGP session (RFC 4271 section 8), active side: it connects to the peer, negotiates, keeps the
 * session alive, and keeps the peer's Adj-RIB-Out equal to the routes it is given, sending only
 * differences. It reconnects on any failure (first at once, then 1 s doubling to a cap) until stop().
 */
export class BgpSession extends EventEmitter {
  private state: SessionState = 'Idle';
  private socket?: Socket;
  private stream = new MessageStream();
  private ribOut = new AdjRibOut();
  /** What the speaker wants this peer to hold, by prefix (sent or not: see sendable). */
  private desired = new Map<string, AnnouncedRoute>();
  private holdTimer?: NodeJS.Timeout;
  private keepaliveTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private retryDelayMs = 0;
  private stopped = false;
  private negotiatedHold = 0;
  private wire?: WireContext;
  private readonly log: Logger;
  private counters = { sent: 0, received: 0, updatesSent: 0 };
  private establishedSince?: Date;
  private lastError?: string;
  private started = false;
  /** Whether the current connection is the one we opened (RFC 4271 6.8 collision resolution needs it). */
  private outbound = false;
  private peerRouterId?: string;
  private families: Family[] = [];
  private keepaliveSeconds = 0;
  private heldBack = 0;
  /** An inbound connection waiting for its OPEN beside our own attempt (RFC 4271 6.8). */
  private held?: { socket: Socket; stream: MessageStream; timer: NodeJS.Timeout };
  /** RFC 4724 Restart State bit: set in OPEN until the first session after a restart is Established. */
  private restarting: boolean;
  /** Whether the peer offered graceful restart in its last OPEN (status only: we send End-of-RIB anyway). */
  private peerGracefulRestart = false;
  /** Whether our outbound TCP handshake has completed (one still connecting loses to any inbound). */
  private outboundConnected: () => boolean = () => false;

  constructor(private readonly o: BgpSessionOptions) {
    super();
    this.log = o.logger ?? silentLogger;
    this.ttl = sessionTtl(o.myAsn, o.peerAsn, o.ebgpMultiHop);
    this.restarting = o.gracefulRestart?.restarting ?? false;
  }

  /** The IP TTL / hop limit of this session's packets (both directions of connection). */
  readonly ttl: number;

  /** Starts connecting; calling it again while running does nothing. */
  start(): void {
    if (this.started && !this.stopped) return;
    this.started = true;
    this.stopped = false;
    this.connectNow();
  }

  /**
   * The routes this peer should hold; only the difference goes on the wire. Invalid routes are
   * logged and skipped (a bad route must not take the session down).
   */
  setRoutes(routes: AnnouncedRoute[]): void {
    const valid = this.validRoutes(routes);
    this.desired = new Map(valid.map((r) => [prefixKey(r), r]));
    if (this.state !== 'Established') return;
    const diff = this.ribOut.setDesired(this.sendable(valid));
    this.sendRoutes(diff.announce, diff.withdraw);
  }

  /**
   * A few routes changed (the speaker's reload of one Service at 50k): `announce` new or changed,
   * `withdraw` prefix keys no longer wanted. Costs what changed, not the whole set.
   */
  patchRoutes(announce: AnnouncedRoute[], withdraw: readonly string[]): void {
    const valid = this.validRoutes(announce);
    // held back (a family or next hop this session lacks): counted as sendable() would count them
    let held = this.heldBack;
    const replace = (p: string, r?: AnnouncedRoute): void => {
      const old = this.desired.get(p);
      if (old && !this.canCarry(old)) held--;
      if (r) {
        this.desired.set(p, r);
        if (!this.canCarry(r)) held++;
      } else this.desired.delete(p);
    };
    for (const p of withdraw) replace(p);
    for (const r of valid) replace(prefixKey(r), r);
    if (this.state !== 'Established') return;
    this.heldBack = held;
    const diff = this.ribOut.patch(
      valid.filter((r) => this.canCarry(r)),
      withdraw,
    );
    this.sendRoutes(diff.announce, diff.withdraw);
  }

  /** Invalid routes are logged and skipped (a bad route must not take the session down). */
  private validRoutes(routes: readonly AnnouncedRoute[]): AnnouncedRoute[] {
    const valid: AnnouncedRoute[] = [];
    for (const r of routes) {
      const n = normalizeRoute(r);
      if ('route' in n) valid.push(n.route);
      else this.log.error('bgp.route.invalid', { prefix: prefixKey(r), error: n.error });
    }
    return valid;
  }

  private canCarry(r: AnnouncedRoute): boolean {
    const f = familyOfPrefix(r.prefix);
    return (
      this.families.includes(f) && (f === 'ipv4' ? this.wire?.nextHopV4 : this.wire?.nextHopV6) !== undefined
    );
  }

  /** The routes this session can carry: a negotiated family and a next hop for it. */
  private sendable(routes: readonly AnnouncedRoute[]): AnnouncedRoute[] {
    const out = routes.filter((r) => this.canCarry(r));
    const held = routes.length - out.length;
    if (held !== this.heldBack && held > 0) {
      this.log.warn('bgp.routes.held-back', {
        count: held,
        families: this.families,
        nextHopV4: this.wire?.nextHopV4 ?? null,
        nextHopV6: this.wire?.nextHopV6 ?? null,
      });
    }
    this.heldBack = held;
    return out;
  }

  status(): SessionStatus {
    return {
      state: this.state,
      peer: `${this.o.peerAddress}:${this.o.peerPort ?? 179}`,
      ...(this.establishedSince ? { establishedSince: this.establishedSince.toISOString() } : {}),
      messagesSent: this.counters.sent,
      messagesReceived: this.counters.received,
      updatesSent: this.counters.updatesSent,
      advertised: this.state === 'Established' ? this.ribOut.size : 0,
      uptimeSeconds: this.establishedSince
        ? Math.floor((Date.now() - this.establishedSince.getTime()) / 1000)
        : 0,
      ...(this.state === 'OpenConfirm' || this.state === 'Established'
        ? {
            negotiated: {
              holdTime: this.negotiatedHold,
              keepaliveTime: this.keepaliveSeconds,
              fourOctetAs: this.wire?.fourOctet ?? false,
              families: this.families,
              ...(this.o.gracefulRestart ? { gracefulRestart: this.peerGracefulRestart } : {}),
            },
          }
        : {}),
      heldBack: this.state === 'Established' ? this.heldBack : 0,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.socket?.remoteAddress
        ? {
            connection: {
              local: `${this.socket.localAddress}:${this.socket.localPort}`,
              remote: `${this.socket.remoteAddress}:${this.socket.remotePort}`,
              inbound: !this.outbound,
            },
          }
        : {}),
    };
  }

  get currentState(): SessionState {
    return this.state;
  }

  /**
   * Cease / Administrative Shutdown when a session is up, then closes; no reconnect after. With
   * `{ notify: false }` (a graceful restart) the TCP connection just closes: a peer that negotiated
   * graceful restart keeps our routes as stale until we are back (RFC 4724 section 4.2).
   */
  async stop(opts: { notify?: boolean } = {}): Promise<void> {
    const notify = opts.notify !== false;
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.refuseHeld('session stopped', ErrorCode.Cease, CeaseSubcode.AdministrativeShutdown);
    const socket = this.socket;
    if (!socket) {
      this.setState('Idle');
      return;
    }
    if (
      notify &&
      (this.state === 'OpenSent' || this.state === 'OpenConfirm' || this.state === 'Established')
    ) {
      this.notify(ErrorCode.Cease, CeaseSubcode.AdministrativeShutdown);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        socket.destroy();
        resolve();
      }, 1000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.end();
    });
    this.teardown('stopped');
  }

  /**
   * BFD says the path to the peer failed: the session goes at once (Cease, subcode 10 "BFD Down",
   * RFC 9384) instead of waiting for the hold timer, and reconnects as after any failure.
   */
  bfdDown(diag: number): void {
    if (this.stopped || !this.socket) return;
    this.log.warn('bgp.bfd.down', { diag, state: this.state });
    if (this.state === 'OpenSent' || this.state === 'OpenConfirm' || this.state === 'Established')
      this.notify(ErrorCode.Cease, CEASE_BFD_DOWN);
    this.drop(`BFD down (diag ${diag})`);
  }

  private setState(next: SessionState): void {
    if (next === this.state) return;
    const from = this.state;
    this.state = next;
    this.log.info('bgp.session.state', { from, to: next });
    this.emit('state', from, next);
    if (next === 'Established') this.emit('established');
  }

  private connectNow(): void {
    // an inbound connection adopted meanwhile is the session's connection now
    if (this.stopped || this.socket) return;
    this.setState('Connect');
    let socket: Socket;
    let connected: () => boolean;
    try {
      // TTL and MD5 key must be on the socket before the SYN: the addon opens it, Node adopts the fd
      ({ socket, connected } = connectBgpSocket({
        peerAddress: this.o.peerAddress,
        peerPort: this.o.peerPort ?? 179,
        ...(this.o.localAddress ? { localAddress: this.o.localAddress } : {}),
        ...(this.o.password ? { password: this.o.password } : {}),
        ttl: this.ttl,
      }));
    } catch (err) {
      this.lastError = (err as Error).message;
      this.log.error(this.o.password ? 'bgp.tcp.md5-failed' : 'bgp.tcp.socket-failed', {
        error: this.lastError,
        code: (err as { code?: string }).code,
      });
      this.setState('Active');
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    this.outboundConnected = connected;
    // ConnectRetryTimer (RFC 4271 8.2.2): a SYN into a black hole must not wait minutes
    const timeout = setTimeout(
      () => {
        if (this.socket !== socket || connected()) return;
        this.lastError = 'connect timed out';
        socket.destroy();
      },
      (this.o.connectTimeoutSeconds ?? 30) * 1000,
    );
    socket.once('close', () => clearTimeout(timeout));
    // The adopted fd is still connecting: OPEN is queued and leaves once the handshake completes.
    queueMicrotask(() => this.socket === socket && this.sendOpen(socket));
    this.outbound = true;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(socket, chunk));
    socket.on('error', (err) => {
      this.lastError = err.message;
      this.log.debug('bgp.tcp.error', { error: err.message });
    });
    socket.on('close', () => {
      if (this.socket === socket) this.teardown('connection closed');
    });
  }

  /**
   * Takes an already-connected inbound socket from a listener. Collisions follow RFC 4271 6.8: an
   * Established session is kept and the newcomer refused with Cease/Connection Collision Resolution;
   * otherwise the connection opened by the side with the higher BGP Identifier wins. While our own
   * attempt has no OPEN yet (the peer's identifier is unknown) both connections go on: the inbound
   * one is held, gets our OPEN, and its OPEN decides.
   */
  acceptIncoming(socket: Socket): void {
    socket.on('error', (err) => this.log.debug('bgp.tcp.error', { error: err.message, inbound: true }));
    const refuse = (why: string, subcode: number): void => {
      this.log.info('bgp.incoming.refused', { reason: why, state: this.state });
      socket.end(encodeNotification(ErrorCode.Cease, subcode));
      setTimeout(() => socket.destroy(), 500).unref();
    };
    if (this.stopped) {
      refuse('session stopped', CeaseSubcode.AdministrativeShutdown);
      return;
    }
    try {
      setSocketTtl(socket, this.ttl);
    } catch (err) {
      // without its TTL a single-hop eBGP session could run over several hops: refuse it
      this.log.error('bgp.tcp.ttl-failed', { error: (err as Error).message, inbound: true });
      socket.destroy();
      return;
    }
    if (this.state === 'Established') {
      refuse('collision with an Established session', CeaseSubcode.ConnectionCollision);
      return;
    }
    if (
      this.state === 'OpenConfirm' &&
      !(this.outbound && this.inboundWins(this.peerRouterId ?? '0.0.0.0'))
    ) {
      refuse('collision: the existing connection wins', CeaseSubcode.ConnectionCollision);
      return;
    }
    if (this.socket && this.outbound && this.state !== 'OpenConfirm' && this.outboundConnected()) {
      this.hold(socket);
      return;
    }
    this.takeOver(socket, new MessageStream());
    socket.on('data', (chunk) => this.onData(socket, chunk));
    socket.on('close', () => {
      if (this.socket === socket) this.teardown('connection closed');
    });
    this.sendOpen(socket);
  }

  /** RFC 4271 6.8: the connection opened by the higher BGP Identifier survives. */
  private inboundWins(peerRouterId: string): boolean {
    if (this.state === 'Established') return false;
    if (!this.socket || (this.outbound && !this.outboundConnected())) return true; // ours is gone or still connecting
    return idValue(this.o.routerId) < idValue(peerRouterId);
  }

  /** Makes an inbound connection the session's, ending ours with Cease / Connection Collision Resolution. */
  private takeOver(socket: Socket, stream: MessageStream): void {
    const old = this.socket;
    if (old) {
      if (this.state === 'OpenSent' || this.state === 'OpenConfirm') {
        this.counters.sent++;
        old.write(encodeNotification(ErrorCode.Cease, CeaseSubcode.ConnectionCollision));
        this.emit('notification-sent', ErrorCode.Cease, CeaseSubcode.ConnectionCollision);
      }
      old.end();
      setTimeout(() => old.destroy(), 500).unref();
    }
    this.log.info('bgp.incoming.accepted', {
      replaced: old ? this.state : null,
      remote: `${socket.remoteAddress}:${socket.remotePort}`,
    });
    clearTimeout(this.retryTimer);
    clearTimeout(this.holdTimer);
    clearInterval(this.keepaliveTimer);
    this.socket = socket;
    this.outbound = false;
    this.stream = stream;
    socket.setNoDelay(true);
  }

  /** Keeps an inbound connection beside our own attempt until its OPEN names the peer's identifier. */
  private hold(socket: Socket): void {
    this.refuseHeld('a newer inbound connection', ErrorCode.Cease, CeaseSubcode.ConnectionCollision);
    const timer = setTimeout(
      () => this.held?.socket === socket && this.refuseHeld('no OPEN', ErrorCode.HoldTimerExpired, 0),
      OPEN_HOLD_SECONDS * 1000,
    );
    timer.unref();
    this.held = { socket, stream: new MessageStream(), timer };
    socket.setNoDelay(true);
    this.counters.sent++;
    socket.write(this.openMessage());
    socket.on('data', (chunk) =>
      this.socket === socket ? this.onData(socket, chunk) : this.onHeldData(socket, chunk),
    );
    socket.on('close', () => {
      if (this.held?.socket === socket) {
        clearTimeout(timer);
        this.held = undefined;
      } else if (this.socket === socket) this.teardown('connection closed');
    });
    this.log.info('bgp.incoming.held', {
      state: this.state,
      remote: `${socket.remoteAddress}:${socket.remotePort}`,
    });
  }

  private onHeldData(socket: Socket, chunk: Buffer): void {
    const held = this.held;
    if (held?.socket !== socket) return;
    let raws: Buffer[];
    let open: OpenMessage;
    try {
      raws = held.stream.push(chunk);
      if (!raws.length) return;
      const first = decodeMessage(raws[0]!);
      if (first.type !== 'open') {
        this.refuseHeld(`${first.type.toUpperCase()} before OPEN`, ErrorCode.FsmError, 0);
        return;
      }
      open = first;
    } catch (err) {
      this.refuseHeld(`invalid message: ${(err as Error).message}`, ErrorCode.Cease, 0);
      return;
    }
    this.counters.received++;
    if (!this.inboundWins(open.routerId)) {
      this.refuseHeld(
        'collision: the existing connection wins',
        ErrorCode.Cease,
        CeaseSubcode.ConnectionCollision,
      );
      return;
    }
    clearTimeout(held.timer);
    this.held = undefined;
    this.takeOver(socket, held.stream);
    this.wire = this.wireFor(socket);
    this.setState('OpenSent');
    this.armHold(OPEN_HOLD_SECONDS);
    this.guarded(() => {
      this.onOpen(open);
      if (this.socket === socket) this.handle(socket, raws.slice(1));
    });
  }

  private refuseHeld(why: string, code: number, subcode: number): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    clearTimeout(held.timer);
    this.log.info('bgp.incoming.refused', { reason: why, state: this.state });
    this.counters.sent++;
    held.socket.end(encodeNotification(code, subcode));
    setTimeout(() => held.socket.destroy(), 500).unref();
  }

  private wireFor(socket: Socket): WireContext {
    const local = (socket.localAddress ?? '').replace(/^::ffff:/, '');
    const nextHopV4 = isIPv4(local) ? local : this.o.nextHopV4;
    const nextHopV6 = isIPv4(local) ? this.o.nextHopV6 : (this.o.nextHopV6 ?? local);
    return {
      ibgp: this.o.myAsn === this.o.peerAsn,
      myAsn: this.o.myAsn,
      fourOctet: true,
      ...(nextHopV4 ? { nextHopV4 } : {}),
      ...(nextHopV6 ? { nextHopV6 } : {}),
    };
  }

  private openMessage(): Buffer {
    const families = this.o.families ?? ALL_FAMILIES;
    const gr = this.o.gracefulRestart;
    return encodeOpen({
      version: 4,
      asn: this.o.myAsn,
      holdTime: this.o.holdTime,
      routerId: this.o.routerId,
      capabilities: [
        ...ourCapabilities(this.o.myAsn, families),
        ...(gr
          ? [
              encodeGracefulRestartCapability({
                restartState: this.restarting,
                restartTimeSeconds: gr.restartTimeSeconds,
                // the node's data plane keeps forwarding Service traffic while the speaker restarts
                families: families.map((family) => ({ family, forwardingPreserved: true })),
              }),
            ]
          : []),
      ],
    });
  }

  private sendOpen(socket: Socket): void {
    this.wire = this.wireFor(socket);
    this.write(this.openMessage());
    this.setState('OpenSent');
    this.armHold(OPEN_HOLD_SECONDS);
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    this.guarded(() => this.handle(socket, this.stream.push(chunk)));
  }

  /** Received messages in order, until the connection is dropped or replaced. */
  private handle(socket: Socket, raws: Buffer[]): void {
    for (const raw of raws) {
      this.counters.received++;
      this.onMessage(raw);
      if (socket !== this.socket) return;
    }
  }

  private guarded(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (err instanceof BgpDecodeError) {
        this.log.warn('bgp.message.invalid', {
          error: err.message,
          code: err.errorCode,
          subcode: err.errorSubcode,
        });
        this.notify(err.errorCode, err.errorSubcode, err.data);
        this.drop(`sent NOTIFICATION ${err.errorCode}/${err.errorSubcode}: ${err.message}`);
      } else {
        // a bug of ours must cost this session, not the whole speaker (this runs in a socket handler)
        this.log.error('bgp.session.internal-error', { error: String((err as Error)?.stack ?? err) });
        if (this.state === 'OpenSent' || this.state === 'OpenConfirm' || this.state === 'Established')
          this.notify(ErrorCode.Cease, 0);
        this.drop(`internal error: ${(err as Error)?.message ?? String(err)}`);
      }
    }
  }

  private onMessage(raw: Buffer): void {
    const msg = decodeMessage(raw);
    switch (msg.type) {
      case 'open':
        if (this.state !== 'OpenSent') {
          this.fsmError('OPEN');
          return;
        }
        this.onOpen(msg);
        return;
      case 'keepalive':
        if (this.state === 'OpenConfirm') {
          this.onEstablished();
          return;
        }
        if (this.state !== 'Established') {
          this.fsmError('KEEPALIVE');
          return;
        }
        this.armHold(this.negotiatedHold);
        return;
      case 'update': {
        if (this.state !== 'Established') {
          this.fsmError('UPDATE');
          return;
        }
        this.armHold(this.negotiatedHold);
        // The speaker only announces: received routes are checked (RFC 7606) and dropped.
        const u = decodeUpdate(msg.body, this.wire?.fourOctet ?? true);
        for (const p of u.problems)
          this.log.warn('bgp.update.malformed', { action: p.action, problem: p.message });
        return;
      }
      case 'route-refresh': {
        if (this.state !== 'Established') {
          this.fsmError('ROUTE-REFRESH');
          return;
        }
        const family = familyOfAfi(msg.afi, msg.safi);
        // RFC 2918 section 4: a refresh for a family not negotiated is ignored
        if (!family || !this.families.includes(family)) {
          this.log.warn('bgp.route-refresh.ignored', { afi: msg.afi, safi: msg.safi });
          return;
        }
        this.log.info('bgp.route-refresh', { afi: msg.afi, safi: msg.safi });
        this.sendRoutes(
          this.ribOut.all().filter((r) => familyOfPrefix(r.prefix) === family),
          [],
        );
        return;
      }
      case 'notification':
        this.log.warn('bgp.notification.received', {
          code: msg.code,
          subcode: msg.subcode,
          data: msg.data.toString('hex'),
        });
        this.emit('notification-received', msg.code, msg.subcode);
        this.drop(`peer sent NOTIFICATION ${msg.code}/${msg.subcode}`);
        return;
    }
  }

  private onOpen(open: OpenMessage): void {
    const reject = (subcode: number, why: string, data = Buffer.alloc(0)): void => {
      this.log.warn('bgp.open.rejected', { why });
      this.notify(ErrorCode.OpenMessage, subcode, data);
      this.drop(why);
    };
    if (open.asn !== this.o.peerAsn) {
      reject(OpenSubcode.BadPeerAs, `peer AS ${open.asn}, expected ${this.o.peerAsn}`);
      return;
    }
    if (
      open.routerId === '0.0.0.0' ||
      (open.routerId === this.o.routerId && this.o.myAsn === this.o.peerAsn)
    ) {
      reject(OpenSubcode.BadBgpIdentifier, `bad BGP identifier ${open.routerId}`);
      return;
    }
    if (open.holdTime === 1 || open.holdTime === 2) {
      reject(OpenSubcode.UnacceptableHoldTime, `unacceptable hold time ${open.holdTime}`);
      return;
    }
    this.negotiatedHold = Math.min(open.holdTime, this.o.holdTime);
    this.peerRouterId = open.routerId;
    if (this.held && this.outbound && !this.inboundWins(open.routerId))
      this.refuseHeld('collision: our connection wins', ErrorCode.Cease, CeaseSubcode.ConnectionCollision);
    this.families = negotiateFamilies(this.o.families ?? ALL_FAMILIES, open.capabilities);
    this.peerGracefulRestart = findGracefulRestartCapability(open.capabilities) !== undefined;
    if (this.wire) this.wire.fourOctet = open.capabilities.some((c) => c.code === 65);
    this.log.info('bgp.open.received', {
      asn: open.asn,
      routerId: open.routerId,
      hold: this.negotiatedHold,
      fourOctet: this.wire?.fourOctet,
      families: this.families,
    });
    this.write(encodeKeepalive());
    this.setState('OpenConfirm');
    this.armHold(this.negotiatedHold);
  }

  private onEstablished(): void {
    this.retryDelayMs = 0;
    this.establishedSince = new Date();
    this.setState('Established');
    this.armHold(this.negotiatedHold);
    // a configured keepalive <= 0 means "derive it": never "send none" while the peer keeps a hold timer
    const configured =
      this.o.keepaliveTime !== undefined && this.o.keepaliveTime > 0 ? this.o.keepaliveTime : Infinity;
    const interval = this.negotiatedHold === 0 ? 0 : Math.min(configured, this.negotiatedHold / 3);
    this.keepaliveSeconds = interval;
    if (interval > 0) this.keepaliveTimer = setInterval(() => this.write(encodeKeepalive()), interval * 1000);
    this.ribOut = new AdjRibOut();
    const diff = this.ribOut.setDesired(this.sendable([...this.desired.values()]));
    this.sendRoutes(diff.announce, []);
    if (this.o.gracefulRestart) {
      // RFC 4724 section 2: the initial update of each family ends with End-of-RIB, even when empty;
      // a helper flushes whatever it still holds stale from before the restart.
      for (const f of this.families) this.write(encodeEndOfRib(f));
      this.log.info('bgp.end-of-rib.sent', { families: this.families, restarted: this.restarting });
      this.emit('end-of-rib-sent', [...this.families]);
      this.restarting = false;
    }
  }

  private sendRoutes(announce: AnnouncedRoute[], withdraw: Cidr[]): void {
    if (!this.wire) return;
    const messages = [...packWithdrawals(withdraw), ...packAnnouncements(announce, this.wire)];
    for (const m of messages) this.write(m);
    this.counters.updatesSent += messages.length;
    if (messages.length) {
      this.log.info('bgp.update.sent', {
        messages: messages.length,
        announced: announce.length,
        withdrawn: withdraw.length,
        bytes: messages.reduce((n, m) => n + m.length, 0),
      });
      this.emit('update-sent', {
        announced: announce.length,
        withdrawn: withdraw.length,
        messages: messages.length,
      });
    }
  }

  private fsmError(what: string): void {
    this.notify(ErrorCode.FsmError, 0);
    this.drop(`unexpected ${what} in ${this.state}`);
  }

  private armHold(seconds: number): void {
    clearTimeout(this.holdTimer);
    if (seconds <= 0) return;
    this.holdTimer = setTimeout(() => {
      this.log.warn('bgp.hold-timer.expired', { seconds });
      this.notify(ErrorCode.HoldTimerExpired, 0);
      this.drop('hold timer expired');
    }, seconds * 1000);
  }

  private write(buf: Buffer): void {
    if (!this.socket || this.socket.destroyed) return;
    this.counters.sent++;
    this.socket.write(buf);
  }

  private notify(code: number, subcode: number, data: Buffer = Buffer.alloc(0)): void {
    this.write(encodeNotification(code, subcode, data));
    this.emit('notification-sent', code, subcode);
  }

  /** Ends the connection after a NOTIFICATION has been queued (end() flushes it first). */
  private drop(why: string): void {
    this.lastError = why;
    const s = this.socket;
    this.teardown(why);
    s?.end();
    setTimeout(() => s?.destroy(), 500).unref();
  }

  private teardown(why: string): void {
    clearTimeout(this.holdTimer);
    clearInterval(this.keepaliveTimer);
    const wasUp = this.state !== 'Idle';
    this.socket = undefined;
    this.stream = new MessageStream();
    this.establishedSince = undefined;
    this.families = [];
    this.peerRouterId = undefined;
    if (wasUp) this.log.info('bgp.session.down', { reason: why });
    this.setState(this.stopped ? 'Idle' : 'Active');
    if (!this.stopped) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.retryTimer);
    const delay = this.retryDelayMs;
    const cap = (this.o.connectRetryCapSeconds ?? 30) * 1000;
    this.retryDelayMs = delay === 0 ? 1000 : Math.min(delay * 2, cap);
    this.retryTimer = setTimeout(() => this.connectNow(), delay);
  }
}

/** A dotted-quad BGP Identifier as the unsigned 32-bit number RFC 4271 6.8 compares. */
function idValue(id: string): number {
  return id.split('.').reduce((n, x) => n * 256 + (Number(x) & 0xff), 0);
}
