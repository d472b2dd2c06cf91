import { existsSync, readFileSync, rmSync } from 'node:fs';
import { L2Announcer } from './l2-announcer.ts';
import { jsonLogger } from '../../common/log.ts';
import { Speaker } from './speaker.ts';
import { PlannerThread } from './planner-thread.ts';
import { openBgpPeerSession } from './bgp-peer-session.ts';
import { processBgpListener } from './bgp-listener.ts';
import { watchPaths } from './watch-paths.ts';
import { readStatus, statusPath, writeStatus } from './status-file.ts';

import { parseCommandArgs, type CommandIO as Io } from '../commands/io.ts';

export const speakerUsage = `usage: lbconform speaker --node NAME [--namespace NS] MANIFEST_FILE_OR_DIR...
       lbconform speaker --status --node NAME

Layer 2 (ARP/NDP) needs the membership secret shared by every node's speaker: --l2-secret-file FILE
(or LBCONFORM_L2_SECRET); --l2-port (7946), --l2-interval-ms (200), --l2-dead-after-ms (1000).

Runs the reference speaker for one node (start it inside that node's network namespace). It follows the
manifests: a valid change is applied as a route difference, an invalid one is logged and the last good
config stays announced. SIGHUP reloads at once; SIGTERM/SIGINT send Cease (Administrative Shutdown) to
every peer and exit. Logs are JSON lines on stderr (LBCONFORM_LOG_LEVEL=debug|info|warn|error).`;

export async function runSpeakerCommand(args: string[], io: Io): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    {
      node: { type: 'string' },
      namespace: { type: 'string', default: 'metallb-system' },
      status: { type: 'boolean', default: false },
      'l2-secret-file': { type: 'string' },
      'l2-port': { type: 'string', default: '7946' },
      'l2-interval-ms': { type: 'string', default: '200' },
      'l2-dead-after-ms': { type: 'string', default: '1000' },
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
    io.stdout.write(readStatus(statusFile));
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
        },
        log,
        () => void speaker.reload().then(publish),
      )
    : undefined;
  const planner = new PlannerThread(log);
  speaker = new Speaker(
    () =>
      planner.compute({
        node,
        paths: positionals,
        namespace: values.namespace!,
        ...(l2 ? { alive: l2.alive() } : {}),
      }),
    (peer) =>
      openBgpPeerSession(peer, log.child({ peer: peer.name }), () => publish(), processBgpListener(log)),
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
      await l2.apply(desired.l2.members, desired.l2.rows, desired.l2.needed);
    },
  );
  const publish = (): void => {
    try {
      writeStatus(statusFile, {
        node,
        pid: process.pid,
        updated: new Date().toISOString(),
        ...speaker.status(),
        planner: planner.computed,
        ...(l2 ? { l2: l2.status() } : {}),
      });
    } catch (err) {
      log.warn('status.write-failed', { error: err as Error });
    }
  };

  log.info('speaker.starting', { paths: positionals, namespace: values.namespace, pid: process.pid });
  if (!(await speaker.start())) {
    await planner.close();
    io.stderr.write(
      `lbconform speaker: the configuration is invalid; nothing announced (see the config.rejected log line)\n`,
    );
    return 1;
  }
  publish();
  const watcher = watchPaths(positionals, () => void speaker.reload().then(publish));

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      log.info('speaker.stopping', { signal });
      watcher.close();
      void Promise.all([speaker.stop(), l2?.close(), planner.close()]).then(() => {
        // A stopped speaker leaves no status behind: `--status` then says no speaker is running.
        rmSync(statusFile, { force: true });
        log.info('speaker.stopped', {});
        resolve(0);
      });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => void speaker.reload().then(publish));
  });
}
