import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { jsonLogger } from '../../common/log.ts';
import { Speaker } from './speaker.ts';
import { desiredStateFor } from './desired-state.ts';
import { openBgpPeerSession } from './bgp-peer-session.ts';
import { watchPaths } from './watch-paths.ts';
import { readStatus, statusPath, writeStatus } from './status-file.ts';

import type { CommandIO as Io } from '../commands/io.ts';

export const speakerUsage = `usage: lbconform speaker --node NAME [--namespace NS] MANIFEST_FILE_OR_DIR...
       lbconform speaker --status --node NAME

Runs the reference speaker for one node (start it inside that node's network namespace). It follows the
manifests: a valid change is applied as a route difference, an invalid one is logged and the last good
config stays announced. SIGHUP reloads at once; SIGTERM/SIGINT send Cease (Administrative Shutdown) to
every peer and exit. Logs are JSON lines on stderr (LBCONFORM_LOG_LEVEL=debug|info|warn|error).`;

export async function runSpeakerCommand(args: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        node: { type: 'string' },
        namespace: { type: 'string', default: 'metallb-system' },
        status: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n${speakerUsage}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(speakerUsage + '\n');
    return 0;
  }
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
  const speaker = new Speaker(
    () => desiredStateFor(node, positionals, values.namespace!),
    (peer) => openBgpPeerSession(peer, log.child({ peer: peer.name }), () => publish()),
    log,
  );
  const publish = (): void => {
    try {
      writeStatus(statusFile, { node, pid: process.pid, updated: new Date().toISOString(), ...speaker.status() });
    } catch (err) {
      log.warn('status.write-failed', { error: err as Error });
    }
  };

  log.info('speaker.starting', { paths: positionals, namespace: values.namespace, pid: process.pid });
  if (!(await speaker.start())) {
    io.stderr.write(`lbconform speaker: the configuration is invalid; nothing announced (see the config.rejected log line)\n`);
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
      void speaker.stop().then(() => {
        writeStatus(statusFile, { node, pid: process.pid, stopped: new Date().toISOString(), sessions: {} });
        log.info('speaker.stopped', {});
        resolve(0);
      });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => void speaker.reload().then(publish));
  });
}
