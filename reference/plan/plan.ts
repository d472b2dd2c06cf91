/** Config + allocations -> the plan; and the per-node views the speaker needs. */
import type { ServiceError } from '../allocate/allocate.ts';
import { cidrOf } from '../model/ip.ts';
import { formatError } from '../config/errors.ts';
import type { ClusterConfig } from '../model/types.ts';
import { PlanBuilder } from './builder.ts';
import { PlanContext } from './context.ts';
import type { AnnouncedRoute, Plan, PlanAllocation } from './types.ts';

export interface PlanOptions {
  /** Nodes whose speakers are alive (L2 election). Default: every Node. */
  alive?: readonly string[];
  /** Allocation failures, reported as warnings in the plan. */
  serviceErrors?: readonly ServiceError[];
}

export function computePlan(
  config: ClusterConfig,
  allocations: readonly PlanAllocation[],
  opts: PlanOptions = {},
): Plan {
  return buildPlan(config, allocations, opts).plan;
}

/** computePlan, also handing back its context and builder (a speaker then adds and removes single Services). */
export function buildPlan(
  config: ClusterConfig,
  allocations: readonly PlanAllocation[],
  opts: PlanOptions = {},
  trackTouched = false,
): { plan: Plan; ctx: PlanContext; builder: PlanBuilder } {
  const ctx = new PlanContext(config);
  const builder = new PlanBuilder(ctx, opts.alive, trackTouched);
  for (const a of allocations) {
    const svc = ctx.services.get(a.service);
    if (svc) builder.addService(svc, a);
  }
  const warnings: string[] = config.warnings.map(formatError);
  for (const e of opts.serviceErrors ?? []) warnings.push(`${e.service}: ${e.message} [${e.code}]`);
  const known = new Set(ctx.nodes);
  for (const n of opts.alive ?? [])
    if (!known.has(n)) warnings.push(`alive node ${JSON.stringify(n)} has no Node resource; ignored`);
  const plan = builder.plan(warnings);
  builder.takeTouched();
  return { plan, ctx, builder };
}

/** A node's routes per peer, in plan order (what each of its sessions should announce). */
export function routesForNode(plan: Plan, node: string): Map<string, AnnouncedRoute[]> {
  const out = new Map<string, AnnouncedRoute[]>();
  for (const r of plan.bgp) {
    if (r.node !== node) continue;
    let list = out.get(r.peer);
    if (!list) out.set(r.peer, (list = []));
    const route: AnnouncedRoute = {
      prefix: cidrOf(r.prefix),
      communities: r.communities,
      largeCommunities: r.largeCommunities,
    };
    if (r.localPref !== undefined) route.localPref = r.localPref;
    list.push(route);
  }
  return out;
}
