import { existsSync, readFileSync, rmSync } from 'node:fs';
import { L2Announcer } from './l2-announcer.ts';
import { jsonLogger } from '../../common/log.ts';
import { Speaker } from './speaker.ts';
import { PlannerThread } from './planner-thread.ts';
import { openBgpPeerSession } from './bgp-peer-session.ts';
import { processBgpListener } from './bgp-listener.ts';
import { watchPaths } from './watch-paths.ts';
import { readStatus, statusPath, writeStatusText } from './status-file.ts';
import { readServiceStatuses, StatusJournal } from './status-journal.ts';

import { parseCommandArgs, type CommandIO as Io } from '../commands/io.ts';

export const speakerUsage = `usage: lbconform speaker --node NAME [--namespace NS] MANIFEST_FILE_OR_DIR...
       lbconform speaker --status --node NAME

Layer 2 (ARP/NDP) needs the membership secret shared by every node's speaker: --l2-secret-file FILE
(or LBCONFORM_L2_SECRET); --l2-port (7946), --l2-interval-ms (200), --l2-dead-after-ms (1000).
--l2-gratuitous-interval-ms N keeps announcing owned IPs every N ms (gratuitous ARP, unsolicited NA)
after the first 5 s; 0 (the default, as MetalLB) announces only for 5 s after taking an IP over.
As MetalLB's speaker: --lb-class CLASS (only Services of that spec.loadBalancerClass; default: only
Services without one), --ignore-exclude-lb (nodes labelled node.kubernetes.io/exclude-from-external-
load-balancers announce too).

Runs the reference speaker for one node (start it inside that node's network namespace). It follows the
manifests: a valid change is applied as a route difference, an invalid one is logged and the last good
config stays announced. SIGHUP reloads at once; SIGTERM/SIGINT send Cease (Administrative Shutdown) to
every peer and exit. SIGUSR2 exits for a restart: sessions close without Cease, so peers with graceful
restart (BGPPeer enableGracefulRestart, RFC 4724) keep the routes until the next speaker sends End-of-RIB. Logs are JSON lines on stderr (LBCONFORM_LOG_LEVEL=debug|info|warn|error).`;

/** Status events closer together than this share one write of the status file. */
const PUBLISH_MS = 50;

export async function runSpeakerCommand(args: string[], io: Io): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    {
      node: { type: 'string' },
      namespace: { type: 'string', default: 'metallb-system' },
      'lb-class': { type: 'string' },
      'ignore-exclude-lb': { type: 'boolean', default: false },
      status: { type: 'boolean', default: false },
      'l2-secret-file': { type: 'string' },
      'l2-port': { type: 'string', default: '7946' },
      'l2-interval-ms': { type: 'string', default: '200' },
      'l2-dead-after-ms': { type: 'string', default: '1000' },
      'l2-gratuitous-interval-ms': { type: 'string', default: '0' },
    },
    speakerUsage,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (!values.node) {
    io.stderr.write(`--node is required\n${speakerUsage}\n`);
    return 2;
  }
  const statusFile = statusPath(values.node);
  if (values.status) {
    if (!existsSync(statusFile)) {
      io.stderr.write(`no running speaker for node ${values.node} (no ${statusFile})\n`);
      return 1;
    }
    const status = JSON.parse(readStatus(statusFile)) as Record<string, unknown>;
    const services = readServiceStatuses(statusFile);
    io.stdout.write(`${JSON.stringify({ ...status, ...(services ? { services } : {}) }, null, 2)}\n`);
    return 0;
  }
  if (positionals.length === 0) {
    io.stderr.write(`at least one manifest file or directory is required\n${speakerUsage}\n`);
    return 2;
  }
  const missing = positionals.filter((p) => !existsSync(p));
  if (missing.length) {
    io.stderr.write(`no such file or directory: ${missing.join(', ')}\n`);
    return 2;
  }

  const node = values.node;
  const periodic = Number(values['l2-gratuitous-interval-ms']);
  if (!Number.isInteger(periodic) || periodic < 0 || (periodic > 0 && periodic < 100)) {
    io.stderr.write(
      `--l2-gratuitous-interval-ms must be 0 (off) or an integer of at least 100, got ${values['l2-gratuitous-interval-ms']}\n`,
    );
    return 2;
  }
  const log = jsonLogger().child({ node });
  // Layer 2 membership is authenticated: without a shared secret this speaker takes no part in L2.
  const secret = values['l2-secret-file']
    ? readFileSync(values['l2-secret-file'], 'utf8').trim()
    : process.env.LBCONFORM_L2_SECRET;
  let speaker: Speaker;
  const l2 = secret
    ? new L2Announcer(
        node,
        {
          secret,
          port: Number(values['l2-port']),
          intervalMs: Number(values['l2-interval-ms']),
          deadAfterMs: Number(values['l2-dead-after-ms']),
          ...(periodic > 0 ? { periodicGratuitousMs: periodic } : {}),
        },
        log,
        () => void speaker.reload().then(publish),
      )
    : undefined;
  // A status file left behind means the last speaker here did not stop with Cease (killed, or SIGUSR2):
  // this one is a restart, and says so in its first OPEN to graceful-restart peers (R bit).
  const restarted = existsSync(statusFile);
  if (restarted) log.info('speaker.restarted', { previousStatus: statusFile });
  const planner = new PlannerThread(log);
  // The alive set the last computation elected L2 owners with (reloads never interleave, so the rows
  // applied next are that computation's).
  let aliveComputed: string[] | undefined;
  speaker = new Speaker(
    () =>
      planner.compute({
        node,
        paths: positionals,
        namespace: values.namespace!,
        ...(values['lb-class'] ? { loadBalancerClass: values['lb-class'] } : {}),
        ...(values['ignore-exclude-lb'] ? { ignoreExcludeLB: true } : {}),
        ...(l2 ? { alive: (aliveComputed = l2.alive()) } : {}),
      }),
    (peer) =>
      openBgpPeerSession(
        peer,
        log.child({ peer: peer.name }),
        () => publish(),
        processBgpListener(log),
        restarted,
      ),
    log,
    async (desired) => {
      if (!desired.l2?.needed) return;
      if (!l2) {
        log.error('l2.disabled', {
          reason:
            'L2Advertisements are configured but no membership secret was given (--l2-secret-file or LBCONFORM_L2_SECRET)',
        });
        return;
      }
      await l2.apply(desired.l2.members, desired.l2.rows, desired.l2.needed, aliveComputed);
    },
  );
  // The status file is rewritten after every reload and session event (a burst of UPDATEs or state
  // changes shares one write, at most one per PUBLISH_MS); the Services' statuses, 50k at scale, go to
  // a snapshot and a journal of changes beside it (status-journal.ts).
  const journal = new StatusJournal(statusFile);
  let publishTimer: NodeJS.Timeout | undefined;
  let stopping = false;
  const publishNow = (): void => {
    clearTimeout(publishTimer);
    publishTimer = undefined;
    if (stopping) return; // a stopped speaker leaves no status (or, stopping for a restart, its last one)
    try {
      const head = JSON.stringify({
        node,
        pid: process.pid,
        updated: new Date().toISOString(),
        ...speaker.status(false),
        planner: planner.computed,
        ...(l2 ? { l2: l2.status() } : {}),
      });
      writeStatusText(statusFile, `${head}\n`);
      const book = speaker.serviceStatusBook();
      if (book) journal.write(book, book.takePatches());
    } catch (err) {
      log.warn('status.write-failed', { error: err as Error });
    }
  };
  const publish = (): void => {
    publishTimer ??= setTimeout(publishNow, PUBLISH_MS);
  };

  // Installed before start: SIGHUP's default action would kill a speaker still starting (a manifest
  // written right after the start, as the suite's faster polls now do); it queues one more reload instead.
  process.on('SIGHUP', () => void speaker.reload().then(publish));
  log.info('speaker.starting', { paths: positionals, namespace: values.namespace, pid: process.pid });
  if (!(await speaker.start())) {
    await planner.close();
    io.stderr.write(
      `lbconform speaker: the configuration is invalid; nothing announced (see the config.rejected log line)\n`,
    );
    return 1;
  }
  publishNow();
  const watcher = watchPaths(positionals, () => void speaker.reload().then(publish));

  return new Promise<number>((resolve) => {
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      const forRestart = signal === 'SIGUSR2';
      log.info('speaker.stopping', { signal, ...(forRestart ? { restart: true } : {}) });
      watcher.close();
      clearTimeout(publishTimer);
      void Promise.all([speaker.stop({ notify: !forRestart }), l2?.close(), planner.close()]).then(() => {
        // A stopped speaker leaves no status behind: `--status` then says no speaker is running. One
        // stopping for a restart leaves it, so the next one knows it restarts.
        if (!forRestart) {
          rmSync(statusFile, { force: true });
          journal.remove();
        }
        log.info('speaker.stopped', {});
        resolve(0);
      });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGUSR2', () => stop('SIGUSR2'));
  });
}
