import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { statusPath } from '../../reference/speaker/status-file.ts';
import { spawnIn } from '../exec.ts';
import { capabilityNames } from './capabilities.ts';
import type { NodeContext, SpeakerHandle, SystemUnderTest } from './adapter.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const tsxLoader = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
const cli = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));

/** Our own speaker, one process per node namespace, run from source. */
export const referenceSpeaker: SystemUnderTest = {
  name: 'reference',
  // everything the suite knows (features/support/hooks.ts checks)
  features: capabilityNames,
  async start(node: NodeContext): Promise<SpeakerHandle> {
    const proc = spawnIn(
      node.netns,
      process.execPath,
      [
        '--import',
        tsxLoader,
        cli,
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
          LBCONFORM_STATE_DIR: join(dirname(node.logFile), 'state'),
          ...(node.l2Secret ? { LBCONFORM_L2_SECRET: node.l2Secret } : {}),
          ...(process.env.LBCONFORM_FAULT ? { LBCONFORM_FAULT: process.env.LBCONFORM_FAULT } : {}),
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
        // The speaker watches its folder; SIGHUP makes the reload immediate and explicit too.
        proc.signal('SIGHUP');
      },
      stop: () => proc.stop('SIGTERM', 5000),
      kill: () => proc.stop('SIGKILL', 5000),
      stopForRestart: () => proc.stop('SIGUSR2', 5000),
    };
  },
};
