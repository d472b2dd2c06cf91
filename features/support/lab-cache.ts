import type { Lab } from '../../netns/runtime.ts';
import type { Topology } from '../../netns/topology.ts';
import type { FrrRouter } from '../../harness/routers/frr.ts';
import type { PeerRouter } from '../../harness/routers/peer-router.ts';
import { run } from '../../common/exec.ts';
import { suite } from './suite.ts';

/**
 * Labs are kept (up to LAB_POOL per worker, the least recently used goes first) for a later scenario
 * of this worker that needs the same topology, whatever its feature (a parallel run hands scenarios
 * out longest first, so a worker's next scenario is seldom of the same feature): namespaces, veths, bridge and addresses (the slow part) are reused, and so are its FRR
 * routers, recycled (harness/routers/frr.ts: no BGP instance, nothing of it left in bgpd or zebra,
 * proven by frr-recycle.integration.test.ts) and configured again by the scenario that claims them.
 * Isolation comes from what is *not* reused: speakers, manifests and other routers are per scenario,
 * neighbour caches are flushed, and a scenario that changed its namespaces (`labDirty`) or whose
 * teardown had a problem hands nothing on.
 */
const LAB_POOL = 4;
/** Idle labs by topology key, least recently used first. */
const pool = new Map<string, { lab: Lab; routers: Map<string, FrrRouter> }>();
/** Recycled routers of the lab the running scenario holds, by name, until it claims them. */
let spares = new Map<string, FrrRouter>();

/** The scenario's lab: a kept one of the same topology (`reused`) or a new one. */
export async function acquireLab(topology: Topology): Promise<{ lab: Lab; reused: boolean }> {
  const key = JSON.stringify(topology);
  await stopSpares();
  const idle = pool.get(key);
  if (idle) {
    pool.delete(key);
    const { lab, routers } = idle;
    spares = routers;
    await Promise.all(
      topology.hosts.map((h) =>
        run('ip', ['-n', lab.nsOf(h.name), 'neigh', 'flush', 'all'], { allowFail: true }),
      ),
    );
    return { lab, reused: true };
  }
  return { lab: await suite().run.up(topology), reused: false };
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
  if (reusable) {
    const key = JSON.stringify(topology);
    await dropLab(pool.get(key)); // a lab of this topology kept meanwhile (never: one scenario at a time)
    pool.delete(key);
    pool.set(key, { lab, routers: kept });
    while (pool.size > LAB_POOL) {
      const [oldest, entry] = pool.entries().next().value!;
      pool.delete(oldest);
      await dropLab(entry);
    }
  } else await lab.down();
  return notes;
}

async function stopSpares(): Promise<void> {
  const rs = [...spares.values()];
  spares = new Map();
  await Promise.all(rs.map((r) => r.stop()));
}

async function dropLab(entry: { lab: Lab; routers: Map<string, FrrRouter> } | undefined): Promise<void> {
  if (!entry) return;
  await Promise.all([...entry.routers.values()].map((r) => r.stop()));
  await entry.lab.down();
}

/** Stops every kept router and takes every kept lab down (end of the worker's run). */
export async function dropCachedLabs(): Promise<void> {
  await stopSpares();
  const entries = [...pool.values()];
  pool.clear();
  await Promise.all(entries.map(dropLab));
}
