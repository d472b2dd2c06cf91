/**
 * A scripted BGP peer for tests and fuzzing: a raw TCP listener on 127.0.0.1 (ephemeral port) that a
 * speaker under test connects out to (or a socket the test connected to the speaker: attach()). It completes the OPEN/KEEPALIVE exchange the way it is told
 * (ASN, hold time, capabilities, or a raw — possibly malformed — OPEN), sends keepalives while a
 * session is up so the speaker's hold timer never fires, can send arbitrary bytes, and records every
 * message it receives (decoded) with waiters that never sleep: they are re-checked on every event.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { CodedError } from '../../common/errors.ts';
import {
  decodeMessage,
  encodeKeepalive,
  encodeOpen,
  encodeRouteRefresh,
  ourCapabilities,
  type Capability,
  type Message,
} from '../../reference/bgp/messages.ts';
import { MessageStream } from '../../reference/bgp/stream.ts';
import { type DecodedUpdate, decodeUpdate } from '../../reference/bgp/update.ts';

export interface ScriptedPeerOptions {
  /** The peer's ASN (sent in OPEN; > 65535 goes as AS_TRANS plus capability 65). */
  asn: number;
  /** Hold time in the peer's OPEN (seconds). Default 3. */
  holdTime?: number;
  routerId?: string;
  /** Capabilities in the peer's OPEN. Default: what the reference speaker sends (v4, v6, route refresh, 4-octet). */
  capabilities?: Capability[];
  /**
   * 'auto' (default): when the speaker's OPEN arrives, answer with our OPEN (or `openBytes`) then a
   * KEEPALIVE. 'manual': send nothing on our own; the test drives the handshake with send()/sendOpen().
   */
  handshake?: 'auto' | 'manual';
  /** Raw bytes sent instead of a well-formed OPEN in the 'auto' handshake (a malformed OPEN). */
  openBytes?: Buffer | ((conn: number) => Buffer);
  /** Keepalives sent by the peer once the speaker's KEEPALIVE arrives; 0 disables. Default 1000 ms. */
  keepaliveIntervalMs?: number;
  /** Time-out of waiters when none is given. Default 5000 ms. */
  defaultTimeoutMs?: number;
  /**
   * Keep every received message in `received` (default true). Long campaigns turn it off and use
   * onReceive(), so the peer's own memory does not grow.
   */
  record?: boolean;
  /** Address to listen on. Default 127.0.0.1 (a test inside its own namespace uses one of its addresses). */
  host?: string;
  /** Port to listen on. Default 0 (ephemeral); 179 when a speaker connects to it as a BGPPeer. */
  port?: number;
}

/** One received message, tagged with the connection (1, 2, ...) it came on. */
export interface Received {
  conn: number;
  /** Arrival order over the peer's life (0-based; equals the index in `received` when recording). */
  seq: number;
  msg: Message;
  raw: Buffer;
  at: number;
}

export type Match = (r: Received) => boolean;

/** Matchers for next(). */
export const is = {
  type:
    (type: Message['type']): Match =>
    (r) =>
      r.msg.type === type,
  open: (): Match => (r) => r.msg.type === 'open',
  keepalive: (): Match => (r) => r.msg.type === 'keepalive',
  update: (): Match => (r) => r.msg.type === 'update',
  notification:
    (code?: number, subcode?: number): Match =>
    (r) =>
      r.msg.type === 'notification' &&
      (code === undefined || r.msg.code === code) &&
      (subcode === undefined || r.msg.subcode === subcode),
  any: (): Match => () => true,
};

export class ScriptedPeerTimeout extends CodedError {
  constructor(message: string) {
    super('SCRIPTED_PEER_TIMEOUT', message);
  }
}

interface Waiter {
  check: () => boolean;
  reject: (err: Error) => void;
}

interface Conn {
  id: number;
  /** Released when the connection closes, so a long campaign keeps only these few fields. */
  socket?: Socket;
  stream?: MessageStream;
  closed: boolean;
  /** The speaker's KEEPALIVE arrived after our OPEN: from our side the session is up. */
  established: boolean;
  keepaliveTimer?: NodeJS.Timeout;
  /** A decode error on our side (the speaker sent something we cannot frame). */
  error?: Error;
}

export class ScriptedPeer {
  readonly received: Received[] = [];
  /** Bytes the peer has written, over all connections. */
  bytesSent = 0;
  port = 0;
  private readonly server: Server;
  private readonly conns: Conn[] = [];
  private waiters = new Set<Waiter>();
  private cursor = 0;
  private seq = 0;
  private readonly listeners = new Set<(r: Received) => void>();
  private readonly o: Required<Omit<ScriptedPeerOptions, 'openBytes'>> &
    Pick<ScriptedPeerOptions, 'openBytes'>;

  constructor(options: ScriptedPeerOptions) {
    this.o = {
      holdTime: 3,
      routerId: '192.0.2.1',
      capabilities: ourCapabilities(options.asn),
      handshake: 'auto',
      keepaliveIntervalMs: 1000,
      defaultTimeoutMs: 5000,
      record: true,
      host: '127.0.0.1',
      port: 0,
      ...options,
    };
    this.server = createServer({ noDelay: true }, (s) => this.attach(s));
  }

  static async listen(options: ScriptedPeerOptions): Promise<ScriptedPeer> {
    const peer = new ScriptedPeer(options);
    await peer.listen();
    return peer;
  }

  async listen(): Promise<number> {
    this.server.listen(this.o.port, this.o.host);
    await once(this.server, 'listening');
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  /** Switches between answering the speaker's OPEN on our own ('auto') and a scripted handshake. */
  setHandshake(mode: 'auto' | 'manual'): void {
    this.o.handshake = mode;
  }

  /** Connections accepted so far (the current one is number `connections`). */
  get connections(): number {
    return this.conns.length;
  }

  /** The latest connection's state, if any. */
  get current(): { id: number; closed: boolean; established: boolean } | undefined {
    const c = this.conns.at(-1);
    return c && { id: c.id, closed: c.closed, established: c.established };
  }

  /** Writes raw bytes on the current connection (false when there is none or it is closed). */
  send(bytes: Buffer): boolean {
    const c = this.conns.at(-1);
    if (!c?.socket || c.closed || c.socket.destroyed) return false;
    this.bytesSent += bytes.length;
    c.socket.write(bytes);
    return true;
  }

  /** A well-formed OPEN from the options, on the current connection. */
  sendOpen(): boolean {
    return this.send(this.openMessage());
  }

  sendKeepalive(): boolean {
    return this.send(encodeKeepalive());
  }

  sendRouteRefresh(afi = 1, safi = 1): boolean {
    return this.send(encodeRouteRefresh(afi, safi));
  }

  openMessage(): Buffer {
    return encodeOpen({
      version: 4,
      asn: this.o.asn,
      holdTime: this.o.holdTime,
      routerId: this.o.routerId,
      capabilities: this.o.capabilities,
    });
  }

  /** Calls `fn` for every message received (recorded or not); returns the unsubscribe function. */
  onReceive(fn: (r: Received) => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  /** The received messages, decoded, in arrival order. */
  get messages(): Message[] {
    return this.received.map((r) => r.msg);
  }

  /** Messages not yet consumed by next(). */
  get pending(): Received[] {
    return this.received.slice(this.cursor);
  }

  /** Moves the cursor to the end: next() only sees messages received from now on. */
  skipAll(): void {
    this.cursor = this.received.length;
  }

  /**
   * The first message after the cursor that matches (earlier non-matching ones are skipped); the
   * cursor moves past it. Rejects with SCRIPTED_PEER_TIMEOUT listing what did arrive.
   */
  next(
    match: Match = is.any(),
    timeoutMs = this.o.defaultTimeoutMs,
    what = 'a matching message',
  ): Promise<Received> {
    let found: Received | undefined;
    return this.waitUntil(
      () => {
        while (this.cursor < this.received.length) {
          const r = this.received[this.cursor++]!;
          if (match(r)) {
            found = r;
            return true;
          }
        }
        return false;
      },
      timeoutMs,
      what,
    ).then(() => found!);
  }

  /** The next UPDATE after the cursor, decoded (`fourOctet: false` for a 2-octet-ASN session). */
  async nextUpdate(
    opts: { what?: string; timeoutMs?: number; fourOctet?: boolean } = {},
  ): Promise<DecodedUpdate> {
    const r = await this.next(is.update(), opts.timeoutMs, opts.what ?? 'an UPDATE');
    return decodeUpdate((r.msg as Extract<Message, { type: 'update' }>).body, opts.fourOctet ?? true);
  }

  /** Resolves when connection number `n` (default: the next one) has been accepted. */
  async nextConnection(n = this.conns.length + 1, timeoutMs = this.o.defaultTimeoutMs): Promise<number> {
    await this.waitUntil(() => this.conns.length >= n, timeoutMs, `connection #${n}`);
    return n;
  }

  /** Resolves when connection `n` (default: the current one) has both sent and received KEEPALIVE. */
  async established(n?: number, timeoutMs = this.o.defaultTimeoutMs): Promise<number> {
    const id = n ?? Math.max(1, this.conns.length);
    await this.waitUntil(
      () => this.conns[id - 1]?.established === true,
      timeoutMs,
      `session up on connection #${id}`,
    );
    return id;
  }

  /** Resolves when connection `n` (default: the current one) is closed (by either side). */
  async closed(n?: number, timeoutMs = this.o.defaultTimeoutMs): Promise<number> {
    const id = n ?? this.conns.length;
    await this.waitUntil(() => this.conns[id - 1]?.closed === true, timeoutMs, `connection #${id} closed`);
    return id;
  }

  /** Re-checks `cond` on every event (message, connection, close) until it holds. */
  waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = {
        check: () => {
          if (!cond()) return false;
          clearTimeout(timer);
          this.waiters.delete(w);
          resolve();
          return true;
        },
        reject,
      };
      const timer = setTimeout(() => {
        this.waiters.delete(w);
        const tail = this.received
          .slice(-8)
          .map((r) => describe(r))
          .join(', ');
        reject(
          new ScriptedPeerTimeout(
            `timed out after ${timeoutMs} ms waiting for ${what}; connections ${this.conns.length}, last received: [${tail}]`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(w);
    });
  }

  /** Re-checks every waiter now: for conditions that also depend on another source (a speaker's log). */
  poke(): void {
    this.notify();
  }

  /** Destroys the current connection from our side (a peer that vanishes). */
  dropConnection(): void {
    this.conns.at(-1)?.socket?.destroy();
  }

  async close(): Promise<void> {
    for (const c of this.conns) {
      clearInterval(c.keepaliveTimer);
      c.socket?.destroy();
    }
    for (const w of this.waiters) w.reject(new ScriptedPeerTimeout('scripted peer closed'));
    this.waiters.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private notify(): void {
    for (const w of [...this.waiters]) w.check();
  }

  /** Speaks BGP on `socket` as a new connection: one accepted by our listener, or one the test opened. */
  attach(socket: Socket): void {
    const c: Conn = {
      id: this.conns.length + 1,
      socket,
      stream: new MessageStream(),
      closed: false,
      established: false,
    };
    this.conns.push(c);
    socket.on('data', (chunk: Buffer) => this.onData(c, chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      c.closed = true;
      clearInterval(c.keepaliveTimer);
      c.keepaliveTimer = undefined;
      c.socket = undefined;
      c.stream = undefined;
      this.notify();
    });
    this.notify();
  }

  private onData(c: Conn, chunk: Buffer): void {
    if (c.error || !c.stream || !c.socket) return;
    const socket = c.socket;
    let frames: Buffer[];
    try {
      frames = c.stream.push(chunk);
    } catch (err) {
      c.error = err as Error;
      socket.destroy();
      return;
    }
    for (const raw of frames) {
      let msg: Message;
      try {
        msg = decodeMessage(raw);
      } catch (err) {
        c.error = err as Error;
        socket.destroy();
        return;
      }
      const r: Received = { conn: c.id, seq: this.seq++, msg, raw, at: Date.now() };
      if (this.o.record) this.received.push(r);
      for (const fn of this.listeners) fn(r);
      this.script(c, socket, msg);
    }
    this.notify();
  }

  private script(c: Conn, socket: Socket, msg: Message): void {
    if (this.o.handshake === 'auto' && msg.type === 'open') {
      const open =
        typeof this.o.openBytes === 'function'
          ? this.o.openBytes(c.id)
          : (this.o.openBytes ?? this.openMessage());
      this.bytesSent += open.length + 19;
      socket.write(open);
      socket.write(encodeKeepalive());
    }
    if (msg.type === 'keepalive' && !c.established) {
      c.established = true;
      if (this.o.keepaliveIntervalMs > 0) {
        c.keepaliveTimer = setInterval(() => {
          if (!c.closed && c.socket && !c.socket.destroyed) c.socket.write(encodeKeepalive());
        }, this.o.keepaliveIntervalMs);
        c.keepaliveTimer.unref();
      }
    }
  }
}

export function describe(r: Received): string {
  const m = r.msg;
  if (m.type === 'notification') return `#${r.conn} NOTIFICATION ${m.code}/${m.subcode}`;
  return `#${r.conn} ${m.type.toUpperCase()}`;
}
