import { EventEmitter } from 'node:events';
import { silentLogger, type Logger } from '../../common/log.ts';
import { type BfdState, type ControlPacket, Diag, decodeControl, encodeControl } from './packet.ts';

export interface BfdTimers {
  /** Desired Min TX Interval once Up (ms). */
  transmitIntervalMs: number;
  /** Required Min RX Interval (ms). */
  receiveIntervalMs: number;
  detectMultiplier: number;
  /** Required Min Echo RX Interval we advertise (ms; 0 = we do not loop echo packets back). */
  echoReceiveIntervalMs: number;
  /** RFC 5880 6.1 passive role: send nothing until the peer has spoken. */
  passive: boolean;
}

/** RFC 5880 6.8.3: while not Up, Desired Min TX Interval is at least one second. */
const SLOW_TX_MS = 1000;

export interface BfdSessionStatus {
  state: BfdState;
  localDiscriminator: number;
  remoteDiscriminator: number;
  diag: number;
  /** What the peer asked for, and the detection time in force (ms). */
  remote?: { desiredMinTxMs: number; requiredMinRxMs: number; detectMult: number };
  detectionTimeMs?: number;
  transmitIntervalMs?: number;
  upSince?: string;
  packetsSent: number;
  packetsReceived: number;
  discarded: number;
}

/**
 * One single-hop BFD session in asynchronous mode (RFC 5880 sections 6.2, 6.8): the three-way
 * handshake (Down, Init, Up), periodic Control packets with 0-25% jitter, the detection timer, and
 * Poll/Final when our timers change (the slow 1 s rate before Up, the profile's rate after). Demand
 * mode and authentication are not implemented; echo packets are not originated. It emits `state`
 * (from, to, diag) and `down` (diag) when an Up session fails.
 */
export class BfdSession extends EventEmitter {
  private state: BfdState = 'Down';
  private remoteState: BfdState = 'Down';
  private remoteDiscriminator = 0;
  private diag: number = Diag.None;
  private remote?: { desiredMinTxMs: number; requiredMinRxMs: number; detectMult: number };
  private txTimer?: NodeJS.Timeout;
  private detectTimer?: NodeJS.Timeout;
  private polling = false;
  private heardFromPeer = false;
  private stopped = true;
  private upSince?: Date;
  private counters = { sent: 0, received: 0, discarded: 0 };
  private readonly log: Logger;

  constructor(
    private readonly timers: BfdTimers,
    readonly localDiscriminator: number,
    private readonly send: (packet: Buffer) => void,
    logger?: Logger,
  ) {
    super();
    this.log = logger ?? silentLogger;
  }

  get currentState(): BfdState {
    return this.state;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.setState('Down', Diag.None);
    if (!this.timers.passive) this.scheduleTx(0);
  }

  /**
   * Stops the session. `adminDown`: first tells the peer (AdminDown, diag 7), which the peer must not
   * take as a failure (RFC 5880 6.8.16); otherwise (a crash) the peer's detection timer finds out.
   */
  stop(opts: { adminDown?: boolean } = {}): void {
    if (this.stopped) return;
    if (opts.adminDown && this.heardFromPeer) {
      this.state = 'AdminDown';
      this.diag = Diag.AdministrativelyDown;
      this.transmit(false);
    }
    this.stopped = true;
    clearTimeout(this.txTimer);
    clearTimeout(this.detectTimer);
    this.state = 'AdminDown';
  }

  /** A datagram for this session; `ttl` is the IP TTL / hop limit it arrived with. */
  receive(datagram: Buffer, ttl: number): void {
    if (this.stopped) return;
    // RFC 5881 section 5 (GTSM): single-hop packets must arrive with TTL 255, else they came from afar
    if (ttl !== 255) {
      this.discard(`TTL ${ttl}, expected 255`);
      return;
    }
    const p = decodeControl(datagram);
    if ('discard' in p) {
      this.discard(p.discard);
      return;
    }
    if (p.yourDiscriminator !== 0 && p.yourDiscriminator !== this.localDiscriminator) {
      this.discard(`your discriminator ${p.yourDiscriminator} is not ours`);
      return;
    }
    this.counters.received++;
    this.onControl(p);
  }

  status(): BfdSessionStatus {
    return {
      state: this.state,
      localDiscriminator: this.localDiscriminator,
      remoteDiscriminator: this.remoteDiscriminator,
      diag: this.diag,
      ...(this.remote ? { remote: this.remote } : {}),
      ...(this.remote ? { detectionTimeMs: this.detectionTimeMs() } : {}),
      ...(this.remote ? { transmitIntervalMs: this.txIntervalMs() } : {}),
      ...(this.upSince ? { upSince: this.upSince.toISOString() } : {}),
      packetsSent: this.counters.sent,
      packetsReceived: this.counters.received,
      discarded: this.counters.discarded,
    };
  }

  private discard(why: string): void {
    this.counters.discarded++;
    this.log.debug('bfd.packet.discarded', { reason: why });
  }

  private onControl(p: ControlPacket): void {
    this.heardFromPeer = true;
    this.remoteDiscriminator = p.myDiscriminator;
    this.remoteState = p.state;
    // the peer accepts packets faster than before: do not wait out a packet due at its old rate
    const faster = this.remote !== undefined && p.requiredMinRxMs < this.remote.requiredMinRxMs;
    this.remote = {
      desiredMinTxMs: p.desiredMinTxMs,
      requiredMinRxMs: p.requiredMinRxMs,
      detectMult: p.detectMult,
    };
    if (faster && this.txTimer) this.scheduleTx(this.jitteredIntervalMs());
    if (p.final && this.polling) this.polling = false;
    // a passive session starts sending once the peer has spoken
    if (!this.txTimer && p.requiredMinRxMs > 0) this.scheduleTx(0);
    this.armDetection();
    if (p.state === 'AdminDown') {
      if (this.state !== 'Down') this.setState('Down', Diag.NeighborSignaledSessionDown);
    } else if (this.state === 'Down') {
      if (p.state === 'Down') this.setState('Init', Diag.None);
      else if (p.state === 'Init') this.setState('Up', Diag.None);
    } else if (this.state === 'Init') {
      if (p.state === 'Init' || p.state === 'Up') this.setState('Up', Diag.None);
    } else if (this.state === 'Up' && p.state === 'Down') {
      this.setState('Down', Diag.NeighborSignaledSessionDown);
    }
    // RFC 5880 6.5: a Poll is answered at once with Final
    if (p.poll) this.transmit(true);
  }

  private setState(next: BfdState, diag: number): void {
    const from = this.state;
    if (from === next) return;
    this.state = next;
    this.diag = diag;
    const wasUp = from === 'Up';
    if (next === 'Up') this.upSince = new Date();
    if (next === 'Down') this.upSince = undefined;
    this.log.info('bfd.session.state', { from, to: next, diag });
    this.emit('state', from, next, diag);
    // our Desired Min TX changes with Up (1 s before, the profile's after): tell the peer with a Poll
    if (next === 'Up' || wasUp) {
      this.polling = true;
      this.transmit(false);
      // the next packet follows at the new rate: a packet still due at the slow rate would let the
      // peer's detection timer (now computed from our fast rate) expire
      if (this.txTimer) this.scheduleTx(this.jitteredIntervalMs());
    }
    // RFC 5882 3.2: a peer going AdminDown is no path failure; clients must not act on it
    if (wasUp && next === 'Down' && this.remoteState !== 'AdminDown') this.emit('down', diag);
  }

  private desiredMinTxMs(): number {
    return this.state === 'Up'
      ? this.timers.transmitIntervalMs
      : Math.max(SLOW_TX_MS, this.timers.transmitIntervalMs);
  }

  /** RFC 5880 6.8.7: the larger of what we want to send and what the peer can receive. */
  private txIntervalMs(): number {
    return Math.max(this.desiredMinTxMs(), this.remote?.requiredMinRxMs ?? 0);
  }

  /** RFC 5880 6.8.4: the peer's multiplier times the larger of our RX and its TX interval. */
  private detectionTimeMs(): number {
    const r = this.remote!;
    return r.detectMult * Math.max(this.timers.receiveIntervalMs, r.desiredMinTxMs);
  }

  private armDetection(): void {
    clearTimeout(this.detectTimer);
    this.detectTimer = setTimeout(() => {
      if (this.stopped) return;
      // RFC 5880 6.8.1: bfd.RemoteDiscr is reset when the detection timer expires
      this.remoteDiscriminator = 0;
      if (this.state === 'Init' || this.state === 'Up')
        this.setState('Down', Diag.ControlDetectionTimeExpired);
    }, this.detectionTimeMs());
  }

  private scheduleTx(delayMs: number): void {
    clearTimeout(this.txTimer);
    this.txTimer = setTimeout(() => {
      if (this.stopped) return;
      if (this.remote?.requiredMinRxMs === 0) {
        // the peer asked for no packets (RFC 5880 6.8.7); look again later
        this.txTimer = undefined;
        return;
      }
      this.transmit(false);
      this.scheduleTx(this.jitteredIntervalMs());
    }, delayMs);
  }

  /** 0-25% jitter below the interval (RFC 5880 6.8.7; 10-25% when the multiplier is 1). */
  private jitteredIntervalMs(): number {
    const high = this.timers.detectMultiplier === 1 ? 0.9 : 1;
    return this.txIntervalMs() * (0.75 + Math.random() * (high - 0.75));
  }

  private transmit(final: boolean): void {
    this.counters.sent++;
    this.send(
      encodeControl({
        diag: this.diag,
        state: this.state,
        // RFC 5880 6.8.7: P and F are never both set
        poll: this.polling && !final,
        final,
        detectMult: this.timers.detectMultiplier,
        myDiscriminator: this.localDiscriminator,
        yourDiscriminator: this.remoteDiscriminator,
        desiredMinTxMs: this.desiredMinTxMs(),
        requiredMinRxMs: this.timers.receiveIntervalMs,
        requiredMinEchoRxMs: this.timers.echoReceiveIntervalMs,
      }),
    );
  }
}
