import type { Logger } from '../../common/log.ts';

import type { AnnouncedRoute, ResolvedPeer } from '../plan/types.ts';
import type { ServiceStatuses } from '../plan/explain.ts';
import type { RoutesDelta, StatusPatch } from './live-state.ts';
import { ServiceStatusBook } from './status-book.ts';

/** A BGPPeer as this node sees it, with every default resolved (the plan's own type). */
export type PeerForNode = ResolvedPeer;

/** What this node should be doing, computed from the manifests by the same code as `lbconform plan`. */
export interface FullState {
  ok: true;
  peers: PeerForNode[];
  routes: Map<string, AnnouncedRoute[]>;
  summary: string;
  warnings?: string[];
  /** This node's ServiceBGPStatus / ServiceL2Status view (reference/plan/explain.ts). */
  services?: ServiceStatuses;
  /** Layer 2: the IPs this node won the election for, and who takes part in the membership. */
  l2?: {
    rows: { ip: string; interfaces: string[] }[];
    members: { node: string; address: string }[];
    needed: boolean;
  };
}

/**
 * A reload that changed only Services and EndpointSlices, as the difference from the state before it
 * (live-state.ts): the same peers, these routes re-announced or withdrawn, these Services' statuses.
 */
export interface DeltaState {
  ok: true;
  delta: { routes: RoutesDelta[]; services: StatusPatch };
  summary: string;
  warnings?: string[];
  /** Present only when this node's layer 2 rows changed. */
  l2?: FullState['l2'];
}

export type DesiredState = FullState | DeltaState | { ok: false; errors: string[] };

export interface PeerSession {
  setRoutes(routes: AnnouncedRoute[]): void;
  /** Only these routes changed: `announce` new or changed ones, `withdraw` prefix keys. */
  patchRoutes(announce: AnnouncedRoute[], withdraw: string[]): void;
  /** `notify: false`: close without Cease (graceful restart: peers keep the routes as stale). */
  stop(opts?: { notify?: boolean }): Promise<void>;
  status(): unknown;
}

export type SessionFactory = (peer: PeerForNode) => PeerSession;

/**
 * The speaker's control loop, free of I/O: given a way to compute the desired state and a way to open
 * sessions, it keeps one session per BGPPeer, hands each its routes, and on reload applies only what
 * changed. An invalid config is reported and the last good one keeps being announced.
 */
export class Speaker {
  private readonly sessions = new Map<string, { key: string; session: PeerSession }>();
  /** The last good state: its peers and summary, and the Services' statuses (patched by differences). */
  private lastGood?: { peers: PeerForNode[]; summary: string; services?: ServiceStatusBook };
  private reloading: Promise<void> = Promise.resolve();
  /** A reload waiting behind the running one: later requests join it instead of queueing more. */
  private queued?: Promise<void>;
  private stopped = false;

  constructor(
    /** 'unchanged': the inputs are the ones of the last computation; nothing to do. */
    private readonly compute: () => Promise<DesiredState | 'unchanged'>,
    private readonly openSession: SessionFactory,
    private readonly log: Logger,
    /** Applies what is not BGP (layer 2) after the sessions got their routes. */
    private readonly applyExtra: (desired: FullState | DeltaState) => Promise<void> = async () => {},
  ) {}

  /** Loads the config; resolves false (and starts nothing) when the first config is invalid. */
  async start(): Promise<boolean> {
    await this.reload();
    return this.lastGood !== undefined;
  }

  /**
   * Serialised and coalesced: reloads never interleave, and any number of requests made while one
   * runs (SIGHUP plus the file watcher, a burst of edits) become one more reload after it.
   */
  reload(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.reloading.then(() => {
      this.queued = undefined;
      return this.reloadNow();
    });
    this.queued = next;
    this.reloading = next;
    return next;
  }

  private async reloadNow(): Promise<void> {
    if (this.stopped) return;
    const started = performance.now();
    const took = (): number => Math.round(performance.now() - started);
    let desired: DesiredState | 'unchanged';
    try {
      desired = await this.compute();
    } catch (err) {
      desired = { ok: false, errors: [String((err as Error)?.stack ?? err)] };
    }
    // a stop while computing wins: nothing more is opened or announced
    if (this.stopped) return;
    if (desired === 'unchanged') {
      this.log.debug('config.unchanged', {});
      return;
    }
    if (!desired.ok) {
      this.log.error('config.rejected', {
        errors: desired.errors,
        keeping: this.lastGood ? 'last good config' : 'nothing (no valid config yet)',
      });
      return;
    }
    if ('delta' in desired) {
      if (!this.lastGood) {
        // cannot happen (the planner answers the first load in full); refuse rather than guess
        this.log.error('config.rejected', {
          errors: ['a difference arrived before any full state'],
          keeping: 'nothing',
        });
        return;
      }
      this.lastGood.summary = desired.summary;
      this.lastGood.services?.patch(desired.delta.services);
      this.log.info('config.applied', {
        summary: desired.summary,
        peers: this.lastGood.peers.map((p) => p.name),
        changed: desired.delta.routes.reduce((n, d) => n + d.announce.length + d.withdraw.length, 0),
        ms: took(),
      });
      for (const w of desired.warnings ?? []) this.log.warn('config.warning', { warning: w });
      for (const d of desired.delta.routes)
        this.sessions.get(d.peer)?.session.patchRoutes(d.announce, d.withdraw);
      if (desired.l2) await this.applyExtra(desired);
      return;
    }
    this.lastGood = {
      peers: desired.peers,
      summary: desired.summary,
      ...(desired.services ? { services: new ServiceStatusBook(desired.services) } : {}),
    };
    this.log.info('config.applied', {
      summary: desired.summary,
      peers: desired.peers.map((p) => p.name),
      ms: took(),
    });
    for (const w of desired.warnings ?? []) this.log.warn('config.warning', { warning: w });
    await this.apply(desired);
    await this.applyExtra(desired);
  }

  private async apply(desired: FullState): Promise<void> {
    const wanted = new Map(desired.peers.map((p) => [p.name, p]));
    const stops: Promise<void>[] = [];
    for (const [name, entry] of this.sessions) {
      const peer = wanted.get(name);
      if (!peer || sessionKey(peer) !== entry.key) {
        this.sessions.delete(name);
        this.log.info('peer.removed', { peer: name, reason: peer ? 'changed' : 'gone' });
        stops.push(entry.session.stop());
      }
    }
    await Promise.all(stops);
    for (const peer of desired.peers) {
      if (this.stopped) return;
      let entry = this.sessions.get(peer.name);
      if (!entry) {
        let session: PeerSession;
        try {
          session = this.openSession(peer);
        } catch (err) {
          // one peer that cannot be reached from here (no route, no source address) must not cost the others
          this.log.error('peer.unavailable', {
            peer: peer.name,
            address: peer.peerAddress,
            error: err as Error,
            retry: 'on the next reload',
          });
          continue;
        }
        entry = { key: sessionKey(peer), session };
        this.sessions.set(peer.name, entry);
        this.log.info('peer.added', { peer: peer.name, address: peer.peerAddress });
      }
      entry.session.setRoutes(desired.routes.get(peer.name) ?? []);
    }
  }

  /** `withServices: false` leaves the Services' statuses out (see servicesJson). */
  status(withServices = true): {
    sessions: Record<string, unknown>;
    config: string | null;
    services?: ServiceStatuses;
  } {
    return {
      config: this.lastGood?.summary ?? null,
      ...(withServices && this.lastGood?.services ? { services: this.lastGood.services.all() } : {}),
      sessions: Object.fromEntries([...this.sessions].map(([name, e]) => [name, e.session.status()])),
    };
  }

  /** The Services' statuses of the last good state (patched by differences), or undefined before any. */
  serviceStatusBook(): ServiceStatusBook | undefined {
    return this.lastGood?.services;
  }

  /**
   * Stops every session: each sends Cease / Administrative Shutdown when up, or with `{ notify: false }`
   * (a restart) just closes, so peers with graceful restart keep the routes until we are back.
   */
  async stop(opts: { notify?: boolean } = {}): Promise<void> {
    // Not waiting for a reload in progress (seconds at 50k Services): Cease goes out at once.
    this.stopped = true;
    const all = [...this.sessions.values()].map((e) => e.session.stop(opts));
    this.sessions.clear();
    await Promise.allSettled(all);
  }
}

/** A session is rebuilt only when something that shapes the TCP connection or OPEN changes. */
function sessionKey(p: PeerForNode): string {
  return JSON.stringify([
    p.myAsn,
    p.peerAsn,
    p.peerAddress,
    p.peerPort,
    p.sourceAddress,
    p.holdTime,
    p.keepaliveTime,
    p.routerId,
    p.password,
    p.ebgpMultiHop,
    p.gracefulRestart,
    p.bfd,
  ]);
}
