/**
 * What the two FRR-based speakers (implementations/reference-frr, implementations/metallb-frr) share
 * around their daemons (common/frr-daemons.ts): their common command-line options and log folder,
 * the serialised reload, and the Cease to every neighbour before FRR stops. What they announce, and
 * how, stays their own.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FrrDaemons } from './frr-daemons.ts';
import type { Logger } from './log.ts';

/** The options both speakers take (node.parseArgs form). */
export const FRR_SPEAKER_OPTIONS = {
  node: { type: 'string' },
  namespace: { type: 'string', default: 'metallb-system' },
  'log-dir': { type: 'string' },
  'frr-bin': { type: 'string', default: '/usr/lib/frr' },
  'connect-retry': { type: 'string', default: '1' },
} as const;

/** `--log-dir`, or a temporary folder (/tmp/PREFIX-logs-XXXXXX) that clean() removes. */
export function speakerLogDir(
  given: string | undefined,
  prefix: string,
): { logDir: string; temporary: boolean; clean: () => void } {
  const temporary = given === undefined;
  const logDir = temporary ? mkdtempSync(`/tmp/${prefix}-logs-`) : resolve(given);
  mkdirSync(logDir, { recursive: true });
  return {
    logDir,
    temporary,
    clean: () => {
      if (temporary) rmSync(logDir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `reloadNow` one at a time: a request while one runs queues exactly one more, so a burst of
 * changes is one or two reloads, never two at once. `idle()` resolves when nothing is running.
 */
export function serialReload(
  reloadNow: () => Promise<void>,
  log: Logger,
): { reload: () => void; idle: () => Promise<void> } {
  let chain = Promise.resolve();
  let queued = false;
  return {
    reload: () => {
      if (queued) return;
      queued = true;
      chain = chain.then(async () => {
        queued = false;
        await reloadNow().catch((err: unknown) => log.error('reload.failed', { error: err as Error }));
      });
    },
    idle: () => chain,
  };
}

/** Administrative Shutdown (Cease) to each neighbour of `router bgp ASN`: peers drop our routes at once. */
export async function shutdownNeighbors(
  frr: FrrDaemons,
  asn: number,
  addresses: readonly string[],
  log: Logger,
): Promise<void> {
  if (!addresses.length) return;
  const r = await frr.vtysh([
    '-c',
    'configure terminal',
    '-c',
    `router bgp ${asn}`,
    ...addresses.flatMap((a) => ['-c', `neighbor ${a} shutdown`]),
  ]);
  if (r.code !== 0) log.warn('frr.shutdown.failed', { output: (r.stdout + r.stderr).slice(0, 300) });
}

export interface SpeakerLifetimeOptions {
  log: Logger;
  frr: FrrDaemons;
  /** Before anything is stopped: stop watching the manifests, wait for a running reload, stop polling. */
  quiesce: () => Promise<void>;
  /** The router's ASN and neighbour addresses as applied now; undefined when there is no router. */
  neighbours: () => { asn: number; addresses: string[] } | undefined;
  /** Last, after FRR stopped (temporary logs). */
  cleanup: () => void;
}

/**
 * How an FRR-based speaker ends, once: on SIGTERM or SIGINT (exit 0), a fatal error or a daemon that
 * died unasked (exit 1), it quiesces, sends Cease to every neighbour, stops FRR and cleans up. A stop
 * for a restart (`restart: true`) sends no Cease: bgpd is killed as a crash would, so neighbours with
 * graceful restart keep the routes. `exited` resolves with the exit code.
 */
export function speakerLifetime(o: SpeakerLifetimeOptions): {
  exited: Promise<number>;
  stop: (why: string, code: number, opts?: { restart?: boolean }) => void;
  fatal: (why: string) => void;
} {
  let done: (code: number) => void = () => {};
  const exited = new Promise<number>((r) => (done = r));
  let stopping = false;
  const stop = (why: string, code: number, opts: { restart?: boolean } = {}): void => {
    if (stopping) return;
    stopping = true;
    o.log.info('speaker.stopping', { reason: why, ...(opts.restart ? { restart: true } : {}) });
    void (async () => {
      await o.quiesce();
      if (opts.restart) {
        try {
          process.kill(o.frr.pids.bgpd, 'SIGKILL');
        } catch {
          // already gone
        }
      } else {
        const n = o.neighbours();
        if (n) await shutdownNeighbors(o.frr, n.asn, n.addresses, o.log);
      }
      await o.frr.stop();
      o.cleanup();
      o.log.info('speaker.stopped', { reason: why });
      done(code);
    })();
  };
  const fatal = (why: string): void => {
    o.log.error('frr.fatal', { why });
    stop(why, 1);
  };
  process.on('SIGTERM', () => stop('SIGTERM', 0));
  process.on('SIGINT', () => stop('SIGINT', 0));
  void o.frr.died.then((why) => {
    o.log.error('frr.daemon.died', { why });
    stop(why, 1);
  });
  return { exited, stop, fatal };
}
