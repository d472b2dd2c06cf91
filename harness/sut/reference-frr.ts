import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { run, spawnIn } from '../../common/exec.ts';
import { eventually } from '../wait/eventually.ts';
import { cliScript, nodeScriptArgs } from '../../common/node-script.ts';
import { profileCapabilities } from '../../reports/profiles.ts';
import type { NodeContext, SpeakerHandle, SystemUnderTest } from './adapter.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Of the `bgp-extended` profile (MetalLB's BGP plus graceful restart and BFD), what reference-frr has not
 * been run against, so does not declare.
 */
const NOT_DECLARED = ['timers', 'cease', 'scale', 'endpoints'];

/**
 * FRR's bgpd as the speaker (implementations/reference-frr/): the same manifests and plan as the reference,
 * turned into an FRR configuration. Layer 2 is not implemented, so `l2` is not declared. Its
 * capabilities: the `bgp-extended` profile's (reports/profiles.ts) but NOT_DECLARED (among them
 * `passive`: bgpd listens on 179, where MetalLB's FRR mode does not; this wrapper keeps FRR's default),
 * and `controller` (it plans with reference/plan, which allocates as the reference does) and
 * `config-events` (its observer logs config.rejected/applied; it does not report incoming or refused
 * connections, so `session-events` is not declared: the routers judge those scenarios).
 */
export const referenceFrrSpeaker: SystemUnderTest = {
  name: 'reference-frr',
  features: [
    ...profileCapabilities('bgp-extended').filter((c) => !NOT_DECLARED.includes(c)),
    'controller',
    'config-events',
  ],
  async start(node: NodeContext): Promise<SpeakerHandle> {
    // FRR's logs and every configuration applied go beside the speaker log (scenario artifacts).
    const logDir = join(dirname(node.logFile), `frr-${node.name}`);
    const proc = spawnIn(
      node.netns,
      process.execPath,
      [
        ...nodeScriptArgs(cliScript),
        'frr-speaker',
        '--node',
        node.name,
        '--log-dir',
        logDir,
        node.manifestDir,
      ],
      {
        logFile: node.logFile,
        cwd: repoRoot,
      },
    );
    return {
      node: node.name,
      pid: proc.pid,
      configChanged: async () => proc.signal('SIGHUP'),
      stop: () => proc.stop('SIGTERM', 8000),
      stopForRestart: () => proc.stop('SIGUSR2', 8000),
      kill: async () => {
        await proc.stop('SIGKILL', 5000);
        // The speaker's watchdog kills bgpd and zebra once it is gone; wait for that, so the next
        // speaker in this namespace finds port 179 free.
        await eventually(
          `${node.name}: FRR daemons gone after SIGKILL`,
          async () => {
            const left = await frrDaemonsIn(node.netns);
            if (left.length) throw new Error(`still running: ${left.join(', ')}`);
          },
          { timeoutMs: 5000, intervalMs: 50 },
        );
      },
    };
  },
};

async function frrDaemonsIn(netns: string): Promise<number[]> {
  const pids = (await run('ip', ['netns', 'pids', netns], { allowFail: true })).stdout
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  return pids.filter((p) => {
    try {
      return ['bgpd', 'bfdd', 'zebra'].includes(readFileSync(`/proc/${p}/comm`, 'utf8').trim());
    } catch {
      return false;
    }
  });
}
