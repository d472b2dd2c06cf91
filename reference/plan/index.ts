/** The plan's public surface. */
export { buildPlan, computePlan, routesForNode, type PlanOptions } from './plan.ts';
export { peersForNode, resolvePeer } from './peers.ts';
export { PlanBuilder } from './builder.ts';
export { PlanContext } from './context.ts';
export { electL2Owner, electionKey } from './l2.ts';
export type {
  AnnouncedRoute,
  BgpRow,
  L2Row,
  Plan,
  PlanAllocation,
  Readiness,
  ResolvedPeer,
} from './types.ts';
