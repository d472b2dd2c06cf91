import { CodedError } from '../common/errors.ts';

/**
 * Every wait in the suite takes its limit from this one table. Each value is the *maximum a conformant
 * implementation may take* (Gateway API style), not how long the reference usually takes; a user with a
 * slower implementation or machine raises them from the command line (`--timeout name=ms`,
 * `--timeout-scale 2`) instead of editing code.
 */
export const defaultTimeouts = {
  /**
   * Speaker (or router) started to BGP session Established at the router: covers a daemon's start, its
   * first connect-retry (GoBGP waits 5-9 s before its first connect) and the OPEN exchange.
   */
  sessionEstablished: {
    ms: 15_000,
    why: 'speaker or router start to BGP Established at the peer (incl. connect-retry)',
  },
  /**
   * A route is in the router's table with the expected attributes. The first route check after a
   * speaker or router starts gets routeAnnounced + sessionEstablished (the session must come up first).
   */
  routeAnnounced: {
    ms: 10_000,
    why: 'config or Service change to the route at the peer (+ sessionEstablished after a start)',
  },
  /** A route the plan no longer holds is gone from the router's table. */
  routeWithdrawn: { ms: 10_000, why: 'Service or config removal to the route gone at the peer' },
  /** Graceful stop: Cease must remove the routes at once, well before the 3 s hold time would. */
  ceaseWithdrawn: { ms: 2_000, why: 'speaker SIGTERM to its routes gone at the peer (< hold time 3 s)' },
  /** A route passes from the first router to the one behind it. */
  routePropagated: { ms: 10_000, why: 'route at hop 1 to route at hop 2' },
  /** An L2 announcement (ARP/NDP answer) for an IP the plan gives this node. */
  l2Answered: { ms: 10_000, why: 'speaker start or change to the elected node answering ARP/NDP' },
  /** Owner's speaker killed to another node answering (membership dead-after is 1 s in tests). */
  l2Failover: { ms: 8_000, why: 'owner SIGKILL to the new owner answering and announcing' },
  /** Router daemons answer vtysh after start. */
  routerReady: { ms: 10_000, why: 'FRR start to vtysh answering' },
  /**
   * A bad manifest is in the folder: how long the routers are watched for a change that must not come
   * (a speaker that reports `config.rejected` is watched only for a few polls after the report).
   */
  configRejected: { ms: 2_000, why: 'bad manifest written to the router tables watched unchanged' },
  /** The speaker process exits after SIGTERM. */
  speakerStop: { ms: 5_000, why: 'SIGTERM to speaker exit' },
} as const satisfies Record<string, { ms: number; why: string }>;

export type TimeoutName = keyof typeof defaultTimeouts;
export type Timeouts = Record<TimeoutName, number>;

/** A check counts only after this many consecutive successes (absorbs a route seen mid-update). */
export const defaultConsecutive = 2;

export function isTimeoutName(name: string): name is TimeoutName {
  return Object.hasOwn(defaultTimeouts, name);
}

/**
 * Builds the effective table: defaults x scale, then explicit `name=ms` overrides.
 * Throws TIMEOUT_INVALID for an unknown name or a value that is not a positive number.
 */
export function resolveTimeouts(overrides: string[] = [], scale = 1): Timeouts {
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new CodedError('TIMEOUT_INVALID', `--timeout-scale must be a positive number, got ${scale}`);
  }
  const table = Object.fromEntries(
    Object.entries(defaultTimeouts).map(([k, v]) => [k, Math.round(v.ms * scale)]),
  ) as Timeouts;
  for (const item of overrides) {
    const m = /^([A-Za-z]+)=(\d+)$/.exec(item);
    if (!m) throw new CodedError('TIMEOUT_INVALID', `--timeout expects name=milliseconds, got "${item}"`);
    const [, name, ms] = m as unknown as [string, string, string];
    if (!isTimeoutName(name)) {
      throw new CodedError(
        'TIMEOUT_INVALID',
        `unknown timeout "${name}"; known: ${Object.keys(defaultTimeouts).join(', ')}`,
      );
    }
    table[name] = Number(ms);
  }
  return table;
}

/** The table as text, for `lbconform run --help` and the README. */
export function describeTimeouts(): string {
  return Object.entries(defaultTimeouts)
    .map(([k, v]) => `  ${k.padEnd(20)} ${String(v.ms).padStart(6)} ms  ${v.why}`)
    .join('\n');
}
