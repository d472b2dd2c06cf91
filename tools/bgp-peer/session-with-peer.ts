/**
 * A reference BgpSession wired to a listening ScriptedPeer on 127.0.0.1, for the session's unit tests
 * (reference/bgp/*.test.ts). The peer stays silent after its handshake unless told otherwise, so a
 * test can watch the session's own timers.
 */
import { once } from 'node:events';
import { BgpSession, type BgpSessionOptions } from '../../reference/bgp/session.ts';
import { ScriptedPeer, type ScriptedPeerOptions } from './scripted-peer.ts';

/** Resolves with the event's arguments, or rejects after `ms` (tests wait on events, never sleep). */
export function eventWithin(emitter: NodeJS.EventEmitter, event: string, ms = 5000): Promise<unknown[]> {
  return once(emitter, event, { signal: AbortSignal.timeout(ms) });
}

/**
 * A listening peer (`peerOptions`; no keepalives of its own unless `keepaliveIntervalMs` is given) and
 * a session toward it (AS 64500, router id 192.0.2.11, an IPv6 next hop, hold 30 s), both stopped at
 * the end of the test `t`. `opts` override the session's options.
 */
export async function sessionWithPeer(
  t: { teardown(fn: () => unknown): void },
  peerOptions: ScriptedPeerOptions,
  opts: Partial<BgpSessionOptions> = {},
): Promise<{ peer: ScriptedPeer; session: BgpSession }> {
  const peer = await ScriptedPeer.listen({ keepaliveIntervalMs: 0, ...peerOptions });
  const session = new BgpSession({
    peerAddress: '127.0.0.1',
    peerPort: peer.port,
    myAsn: 64500,
    peerAsn: peerOptions.asn,
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
