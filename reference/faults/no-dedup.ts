/**
 * Fault `no-dedup`: a speaker that keeps routes per Service without reference counts. It announces a
 * Service's routes when the Service appears and withdraws them when it goes, even when another Service
 * still produces the same (aggregate) route. State lives across plans, as it would in such a speaker.
 */
import { PlanBuilder } from '../plan/builder.ts';
import type { PlanContext } from '../plan/context.ts';
import type { BgpRow, Plan, PlanAllocation } from '../plan/types.ts';

const rowKey = (r: BgpRow): string => `${r.node}|${r.peer}|${r.prefix}`;

export interface NaiveState {
  /** Service -> the rows it produced at the previous plan. */
  previous: Map<string, Set<string>>;
  /** Rows currently announced. */
  announced: Set<string>;
}

export function newNaiveState(): NaiveState {
  return { previous: new Map(), announced: new Set() };
}

const processState = newNaiveState();

/** The correct plan's BGP rows, minus those the naive per-Service bookkeeping has withdrawn. */
export function planWithoutDedup(
  plan: Plan,
  ctx: PlanContext,
  allocations: readonly PlanAllocation[],
  state: NaiveState = processState,
): Plan {
  const now = new Map<string, Set<string>>();
  for (const a of allocations) {
    const svc = ctx.services.get(a.service);
    if (!svc) continue;
    const one = new PlanBuilder(ctx);
    one.addService(svc, a);
    now.set(a.service, new Set(one.plan().bgp.map(rowKey)));
  }
  for (const [svc, rows] of state.previous)
    for (const k of rows) if (!now.get(svc)?.has(k)) state.announced.delete(k);
  for (const [svc, rows] of now)
    for (const k of rows) if (!state.previous.get(svc)?.has(k)) state.announced.add(k);
  state.previous = now;
  return { ...plan, bgp: plan.bgp.filter((r) => state.announced.has(rowKey(r))) };
}
