import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { spawnIn } from '../../common/exec.ts';
import { statusPath } from '../../reference/speaker/status-file.ts';
import { cliScript, nodeScriptArgs } from '../../common/node-script.ts';
import { capabilityNames } from '../../common/capabilities.ts';
import type { NodeContext, SpeakerHandle, SystemUnderTest } from './adapter.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Our own speaker, one process per node namespace, run from source or compiled. */
export const referenceSpeaker: SystemUnderTest = {
  name: 'reference',
  // everything the suite knows (features/support/hooks.ts checks)
  features: capabilityNames,
  async start(node: NodeContext): Promise<SpeakerHandle> {
    const stateDir = join(dirname(node.logFile), 'state');
    const proc = spawnIn(
      node.netns,
      process.execPath,
      [
        ...nodeScriptArgs(cliScript),
        'speaker',
        '--node',
        node.name,
        ...(node.l2GratuitousIntervalMs
          ? ['--l2-gratuitous-interval-ms', String(node.l2GratuitousIntervalMs)]
          : []),
        node.manifestDir,
      ],
      {
        logFile: node.logFile,
        cwd: repoRoot,
        // Status files go beside the log: two runs (or scenarios) with a node of the same name never share one.
        env: {
          LBCONFORM_LOG_LEVEL: 'debug',
          LBCONFORM_STATE_DIR: stateDir,
          ...(node.l2Secret ? { LBCONFORM_L2_SECRET: node.l2Secret } : {}),
        },
      },
    );
    const stateFile = statusPath(node.name, join(dirname(node.logFile), 'state'));
    return {
      node: node.name,
      pid: proc.pid,
      // The status file the speaker publishes (reference/speaker/status-file.ts).
      l2Status: async () => {
        if (!existsSync(stateFile)) return undefined;
        const l2 = (
          JSON.parse(readFileSync(stateFile, 'utf8')) as { l2?: { settled?: boolean; alive?: string[] } }
        ).l2;
        return l2 ? { settled: l2.settled === true, alive: l2.alive ?? [] } : undefined;
      },
      configChanged: async () => {
        // The speaker watches its folder; SIGHUP makes the reload immediate and explicit too. A SIGHUP
        // before the process handles it (still loading) would kill it, so it goes once the speaker has
        // published its first status (past start-up), or once it could not have (gone, 10 s).
        await untilStarted(statusPath(node.name, stateDir), proc.exited);
        proc.signal('SIGHUP');
      },
      stop: () => proc.stop('SIGTERM', 5000),
      kill: () => proc.stop('SIGKILL', 5000),
      stopForRestart: () => proc.stop('SIGUSR2', 5000),
    };
  },
};

/** Resolves when `statusFile` exists, the process exits, or after `timeoutMs`, whichever comes first. */
async function untilStarted(statusFile: string, exited: Promise<unknown>, timeoutMs = 10_000): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (!gone && !existsSync(statusFile) && Date.now() < deadline) await delay(10);
}
