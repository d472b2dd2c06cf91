/**
 * The live fuzz loop shared by both live targets of `npm run fuzz:bgp` (an in-process BgpSession,
 * bench/fuzz-bgp.ts, and the speaker process, bench/fuzz-speaker.ts): the scripted peer's connection
 * bookkeeping, the wait for the next session to come up, the mutated-OPEN schedule, and the loop that
 * sends each mutated message with a KEEPALIVE and a ROUTE-REFRESH and re-establishes after a reset.
 * What a target differs in (how it judges one message, whether it is still alive) comes in as functions.
 */
import { encodeKeepalive, encodeRouteRefresh } from '../reference/bgp/messages.ts';
import { peerOpen } from '../tools/bgp-peer/rfc-cases.ts';
import type { Received, ScriptedPeer, ScriptedPeerOptions } from '../tools/bgp-peer/scripted-peer.ts';
import { Counter, ctx, framed, makeRandom, mutate, seeds, table } from './fuzz-campaign.ts';

export interface LastSent {
  i: number;
  bytes: Buffer;
  strategy: string;
  seed: string;
}

/** What a target's judge sees of the message it judges. */
export interface Sent {
  i: number;
  /** The mutated message, a KEEPALIVE and a ROUTE-REFRESH (IPv4 unicast), as sent. */
  burst: Buffer;
  /** The connection the burst went out on. */
  conn: number;
}

export interface LiveCampaignOptions {
  seed: number;
  count: number;
  /** Connections whose handshake gets a mutated OPEN, spread over the campaign. */
  handshakeFuzz: number;
  /** True once the target is gone (the speaker process exited): every wait ends and the loop stops. */
  gone?: () => boolean;
}

export class LiveCampaign {
  /** The current connection's number (the peer counts from 1). */
  conn = 0;
  /** UPDATEs received on the current connection since the last reset of this counter. */
  updatesOnConn = 0;
  stalls = 0;
  /** Sessions that came up (the target's table arrived on the connection). */
  sessionsUp = 0;
  reestablished = 0;
  lastSent: LastSent | undefined;
  readonly outcomes = new Counter();
  readonly byStrategy = new Counter();
  readonly handshakeOutcomes = new Counter();
  private readonly rnd: (n: number) => number;
  private readonly gone: () => boolean;
  private readonly notifOnConn = new Map<number, string>();
  private handshakeLeft: number;
  private readonly handshakeEvery: number;
  private fuzzNextHandshake = false;
  private handshakeConn = -1;
  private peer: ScriptedPeer | undefined;

  constructor(private readonly o: LiveCampaignOptions) {
    // One generator for the messages and the mutated OPENs, in this order: a seed replays the campaign.
    this.rnd = makeRandom(o.seed);
    this.gone = o.gone ?? (() => false);
    this.handshakeLeft = o.handshakeFuzz;
    this.handshakeEvery =
      o.handshakeFuzz > 0 ? Math.max(1, Math.floor(o.count / o.handshakeFuzz)) : Number.POSITIVE_INFINITY;
  }

  /** The scripted peer's identity and its OPEN: the ordinary one, or a mutated one when scheduled. */
  peerOptions(): Pick<ScriptedPeerOptions, 'asn' | 'holdTime' | 'routerId' | 'record' | 'openBytes'> {
    return {
      asn: ctx.peerAsn,
      holdTime: 3,
      routerId: ctx.peerRouterId,
      record: false,
      openBytes: () => {
        if (!this.fuzzNextHandshake) return peerOpen(ctx);
        this.fuzzNextHandshake = false;
        this.handshakeLeft--;
        const openSeeds = seeds.filter((s) => s.name.startsWith('OPEN'));
        return framed(this.rnd, mutate(this.rnd, openSeeds[this.rnd(openSeeds.length)]!).bytes);
      },
    };
  }

  /** Follows what arrives on the current connection; call once, with the peer made from peerOptions(). */
  use(peer: ScriptedPeer): void {
    this.peer = peer;
    peer.onReceive((r: Received) => {
      if (r.conn !== this.conn) return;
      if (r.msg.type === 'update') this.updatesOnConn++;
      if (r.msg.type === 'notification') this.notifOnConn.set(r.conn, `${r.msg.code}/${r.msg.subcode}`);
    });
  }

  /** The NOTIFICATION the target sent on connection `conn`, as "code/subcode". */
  notificationOn(conn: number): string | undefined {
    return this.notifOnConn.get(conn);
  }

  /** True when connection `conn` is no longer the peer's current one, or is closed. */
  closedSince(conn: number): boolean {
    const c = this.peer!.current;
    return c?.id !== conn || c.closed;
  }

  describeLast(): string {
    const l = this.lastSent;
    return l ? `#${l.i} ${l.seed} / ${l.strategy}: ${l.bytes.toString('hex')}` : '(none yet)';
  }

  /**
   * Waits for the next connection whose session is up: the target's first UPDATE (its table) arrived
   * on it. A connection that stalls is dropped and the next one awaited; returns early when gone.
   */
  async nextSession(timeoutMs: number): Promise<void> {
    const peer = this.peer!;
    for (;;) {
      const n = this.conn + 1;
      await peer.waitUntil(() => peer.connections >= n || this.gone(), timeoutMs, `connection #${n}`);
      if (this.gone()) return;
      this.conn = n;
      this.updatesOnConn = 0;
      let up = false;
      try {
        await peer.waitUntil(
          () => (up = this.updatesOnConn > 0) || this.closedSince(n) || this.gone(),
          timeoutMs,
          `session #${n} up`,
        );
      } catch {
        this.stalls++;
        peer.dropConnection();
      }
      if (this.handshakeConn === n) {
        const notif = this.notifOnConn.get(n);
        this.handshakeOutcomes.bump(
          up
            ? 'mutated OPEN -> session up'
            : notif
              ? `mutated OPEN -> NOTIFICATION ${notif}`
              : 'mutated OPEN -> closed',
        );
        this.handshakeConn = -1;
      }
      this.notifOnConn.delete(n);
      if (up) {
        this.sessionsUp++;
        return;
      }
      if (this.gone()) return;
    }
  }

  /**
   * The campaign: `count` mutated messages, each judged by `judge` (an outcome starting with "alive"
   * means the session was kept; a throw means no answer in time: the connection is dropped). After a
   * reset the next session is awaited. Resolves false when the target went away.
   */
  async run(h: {
    sessionTimeoutMs: number;
    /** Called in the tick the burst was written (nothing has arrived yet), until its outcome is known. */
    judge: (sent: Sent) => Promise<string>;
    /** Called before message i is drawn (memory samples, warm-up). */
    beforeMessage?: (i: number) => void;
    onStall?: () => void;
  }): Promise<boolean> {
    const peer = this.peer!;
    for (let i = 0; i < this.o.count; i++) {
      h.beforeMessage?.(i);
      const s = seeds[this.rnd(seeds.length)]!;
      const m = mutate(this.rnd, s);
      const bytes = framed(this.rnd, m.bytes);
      this.lastSent = { i, bytes, strategy: m.strategy, seed: s.name };
      const burst = Buffer.concat([bytes, encodeKeepalive(), encodeRouteRefresh(1, 1)]);
      const conn = this.conn;
      this.updatesOnConn = 0;
      let outcome: string;
      try {
        peer.send(burst);
        outcome = await h.judge({ i, burst, conn });
      } catch {
        this.stalls++;
        outcome = 'stalled (no answer; connection dropped by the fuzzer)';
        h.onStall?.();
        peer.dropConnection();
      }
      if (this.gone()) return false;
      this.outcomes.bump(outcome);
      this.byStrategy.bump(
        `${m.strategy}: ${outcome.startsWith('alive') ? 'session kept' : 'session reset'}`,
      );
      if (!outcome.startsWith('alive')) {
        if (
          this.handshakeLeft > 0 &&
          i >= (this.o.handshakeFuzz - this.handshakeLeft + 1) * this.handshakeEvery - 1
        ) {
          // The next connection gets a mutated OPEN (it costs the target's 1 s back-off when refused).
          this.fuzzNextHandshake = true;
          this.handshakeConn = this.conn + 1;
        }
        await this.nextSession(h.sessionTimeoutMs);
        if (this.gone()) return false;
        this.reestablished++;
      }
    }
    return true;
  }

  /** The outcome, strategy and (when any) mutated-OPEN tables. */
  tables(): string {
    return (
      `${table('outcome', this.outcomes.rows())}\n` +
      `${table('strategy', this.byStrategy.rows())}\n` +
      (this.handshakeOutcomes.size
        ? `${table('mutated OPEN in the handshake', this.handshakeOutcomes.rows())}\n`
        : '')
    );
  }
}
