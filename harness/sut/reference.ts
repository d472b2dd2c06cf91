import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { spawnIn } from '../exec.ts';
import type { NodeContext, SpeakerHandle, SystemUnderTest } from './adapter.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const tsxLoader = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
const cli = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));

/** Our own speaker, one process per node namespace, run from source. */
export const referenceSpeaker: SystemUnderTest = {
  name: 'reference',
  features: [
    'bgp',
    'l2',
    'ipv4',
    'ipv6',
    'dualstack',
    'ibgp',
    'ebgp',
    'md5',
    'interop',
    'session',
    'timers',
    'cease',
    'scale',
    'endpoints',
    'gratuitous',
    'partition',
  ],
  async start(node: NodeContext): Promise<SpeakerHandle> {
    const proc = spawnIn(
      node.netns,
      process.execPath,
      ['--import', tsxLoader, cli, 'speaker', '--node', node.name, node.manifestDir],
      {
        logFile: node.logFile,
        cwd: repoRoot,
        // Status files go beside the log: two runs (or scenarios) with a node of the same name never share one.
        env: {
          LBCONFORM_LOG_LEVEL: 'debug',
          LBCONFORM_STATE_DIR: join(dirname(node.logFile), 'state'),
          ...(node.l2Secret ? { LBCONFORM_L2_SECRET: node.l2Secret } : {}),
        },
      },
    );
    return {
      node: node.name,
      pid: proc.pid,
      configChanged: async () => {
        // The speaker watches its folder; SIGHUP makes the reload immediate and explicit too.
        proc.signal('SIGHUP');
      },
      stop: () => proc.stop('SIGTERM', 5000),
      kill: () => proc.stop('SIGKILL', 5000),
    };
  },
};
