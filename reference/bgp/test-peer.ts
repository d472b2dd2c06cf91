import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import {
  decodeMessage,
  encodeKeepalive,
  encodeOpen,
  ourCapabilities,
  type Capability,
  type Message,
} from './messages.ts';
import { BgpSession, type BgpSessionOptions } from './session.ts';
import { MessageStream } from './stream.ts';
import { decodeUpdate, type DecodedUpdate } from './update.ts';

export interface PeerScript {
  asn: number;
  holdTime: number;
  routerId?: string;
  /** What the peer's OPEN offers; default: both unicast families, route refresh, 4-octet ASN. */
  capabilities?: Capability[];
}

/**
 * A scripted BGP peer for tests, on 127.0.0.1: answers an OPEN with its own OPEN and one KEEPALIVE
 * (then stays silent unless told), and records everything it receives.
 */
export class ScriptedPeer {
  server: Server;
  socket?: Socket;
  received: Message[] = [];
  port = 0;
  private waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  private cursor = 0;

  constructor(private readonly open: PeerScript) {
    this.server = createServer((s) => this.attach(s));
  }

  async listen(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as { port: number }).port;
  }

  /** Speaks BGP on this socket (accepted by our server, or one the test connected out). */
  attach(s: Socket): void {
    this.socket = s;
    const stream = new MessageStream();
    s.on('data', (chunk) => {
      for (const raw of stream.push(chunk)) {
        const m = decodeMessage(raw);
        this.received.push(m);
        if (m.type === 'open') {
          const capabilities = this.open.capabilities ?? ourCapabilities(this.open.asn);
          s.write(
            encodeOpen({
              version: 4,
              asn: this.open.asn,
              holdTime: this.open.holdTime,
              routerId: this.open.routerId ?? '192.0.2.1',
              capabilities,
            }),
          );
          s.write(encodeKeepalive());
        }
        const w = this.waiters[0];
        if (w) {
          this.cursor = this.received.length;
          if (w.match(m)) {
            this.waiters.shift();
            w.resolve(m);
          }
        }
      }
    });
    s.on('error', () => {});
  }

  /** The next message (after the last one consumed) that matches; earlier non-matching ones are skipped. */
  next(match: (m: Message) => boolean, what: string, timeoutMs = 5000): Promise<Message> {
    while (this.cursor < this.received.length) {
      const m = this.received[this.cursor++]!;
      if (match(m)) return Promise.resolve(m);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`timed out waiting for ${what}; got ${this.received.map((m) => m.type).join(',')}`),
          ),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  nextUpdate(what: string, fourOctet = true): Promise<DecodedUpdate> {
    return this.next((m) => m.type === 'update', what).then((m) =>
      decodeUpdate((m as { body: Buffer }).body, fourOctet),
    );
  }

  async close(): Promise<void> {
    this.socket?.destroy();
    this.server.close();
  }
}

/** Resolves with the event's arguments, or rejects after `ms` (tests wait on events, never sleep). */
export function eventWithin(emitter: NodeJS.EventEmitter, event: string, ms = 5000): Promise<unknown[]> {
  return once(emitter, event, { signal: AbortSignal.timeout(ms) });
}

/**
 * A listening ScriptedPeer and a session toward it (AS 64500, router id 192.0.2.11, an IPv6 next
 * hop), both stopped at the end of the test `t`. `opts` override the session's options.
 */
export async function sessionWithPeer(
  t: { teardown(fn: () => unknown): void },
  script: PeerScript,
  opts: Partial<BgpSessionOptions> = {},
): Promise<{ peer: ScriptedPeer; session: BgpSession }> {
  const peer = new ScriptedPeer(script);
  await peer.listen();
  const session = new BgpSession({
    peerAddress: '127.0.0.1',
    peerPort: peer.port,
    myAsn: 64500,
    peerAsn: script.asn,
    routerId: '192.0.2.11',
    holdTime: 30,
    nextHopV6: '2001:db8::b',
    ...opts,
  });
  t.teardown(async () => {
    await session.stop();
    await peer.close();
  });
  return { peer, session };
}
