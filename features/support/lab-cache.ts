import type { Lab } from '../../netns/runtime.ts';
import type { Topology } from '../../netns/topology.ts';
import type { FrrRouter } from '../../harness/routers/frr.ts';
import type { PeerRouter } from '../../harness/routers/peer-router.ts';
import { run } from '../../common/exec.ts';
import { suite } from './suite.ts';

/**
 * Labs are kept for the next scenario of this worker that needs the same topology, whatever its
 * feature: namespaces, veths, bridge and addresses (the slow part) are reused, and so are its FRR
 * routers, recycled (harness/routers/frr.ts: no BGP instance, nothing of it left in bgpd or zebra,
 * proven by frr-recycle.integration.test.ts) and configured again by the scenario that claims them.
 * Isolation comes from what is *not* reused: speakers, manifests and other routers are per scenario,
 * neighbour caches are flushed, and a scenario that changed its namespaces (`labDirty`) or whose
 * teardown had a problem hands nothing on.
 */
let cached: { key: string; lab: Lab; routers: Map<string, FrrRouter> } | undefined;
/** Recycled routers of the lab the running scenario holds, by name, until it claims them. */
let spares = new Map<string, FrrRouter>();

export async function acquireLab(topology: Topology): Promise<Lab> {
  const key = JSON.stringify(topology);
  await stopSpares();
  if (cached && cached.key === key) {
    const { lab, routers } = cached;
    cached = undefined;
    spares = routers;
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

/** The recycled FRR router of this name in the scenario's lab, if there is one (once). */
export function claimRouter(name: string): FrrRouter | undefined {
  const r = spares.get(name);
  spares.delete(name);
  return r;
}

/**
 * After a scenario (its speakers and helpers stopped): keeps the lab and its recyclable FRR routers
 * for the next scenario when `reusable`; stops the other routers (all of them when not reusable,
 * then the lab goes too). Returns what could not be recycled and why (such a router was stopped: the
 * next scenario starts a fresh one, so this is a note, not a failure).
 */
export async function releaseLab(
  topology: Topology,
  lab: Lab,
  routers: PeerRouter[],
  reusable: boolean,
): Promise<string[]> {
  await dropCachedLab();
  const kept = new Map<string, FrrRouter>(reusable ? spares : []);
  if (!reusable) await stopSpares();
  spares = new Map();
  const notes: string[] = [];
  await Promise.all(
    routers.map(async (r) => {
      try {
        if (reusable && r.kind === 'frr' && (await (r as FrrRouter).recycle()))
          kept.set(r.name, r as FrrRouter);
        else await r.stop();
      } catch (err) {
        notes.push(`${r.name} not recycled: ${(err as Error).message}`);
        await r.stop().catch(() => {});
      }
    }),
  );
  if (reusable) cached = { key: JSON.stringify(topology), lab, routers: kept };
  else await lab.down();
  return notes;
}

async function stopSpares(): Promise<void> {
  const rs = [...spares.values()];
  spares = new Map();
  await Promise.all(rs.map((r) => r.stop()));
}

export async function dropCachedLab(): Promise<void> {
  await stopSpares();
  const c = cached;
  cached = undefined;
  if (c) {
    await Promise.all([...c.routers.values()].map((r) => r.stop()));
    await c.lab.down();
  }
}
