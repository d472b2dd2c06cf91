import type { Lab } from '../../netns/runtime.ts';
import type { Topology } from '../../netns/topology.ts';
import { run } from '../../common/exec.ts';
import { suite } from './suite.ts';

/**
 * Topologies are built once per feature: a scenario that needs the same topology as the previous one
 * of its feature reuses its namespaces, veths and bridge (the slow part). Isolation comes from what
 * is *not* reused: routers, speakers and manifests are per scenario, and neighbour caches are flushed.
 */
let cached: { feature: string; key: string; lab: Lab } | undefined;

export async function acquireLab(feature: string, topology: Topology): Promise<Lab> {
  const key = JSON.stringify(topology);
  if (cached && cached.feature === feature && cached.key === key) {
    const lab = cached.lab;
    cached = undefined;
    await Promise.all(
      topology.hosts.map((h) =>
        run('ip', ['-n', lab.nsOf(h.name), 'neigh', 'flush', 'all'], { allowFail: true }),
      ),
    );
    return lab;
  }
  await dropCachedLab();
  return suite().run.up(topology);
}

/** Keeps a lab for the next scenario of the same feature (call after its processes are stopped). */
export async function releaseLab(
  feature: string,
  topology: Topology,
  lab: Lab,
  reusable: boolean,
): Promise<void> {
  await dropCachedLab();
  if (reusable) cached = { feature, key: JSON.stringify(topology), lab };
  else await lab.down();
}

export async function dropCachedLab(): Promise<void> {
  const c = cached;
  cached = undefined;
  if (c) await c.lab.down();
}
