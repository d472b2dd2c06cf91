import { loadManifests } from '../config/load.ts';
import { allocate } from '../allocate/allocate.ts';
import { computePlan, peersForNode, routesForNode } from '../plan/index.ts';
import { formatError } from '../config/errors.ts';
import type { DesiredState } from './speaker.ts';

/**
 * Manifests → what this node announces, through exactly the code `lbconform plan` uses. Every Node in
 * the manifests counts as alive for BGP (liveness only matters to the L2 election).
 */
export async function desiredStateFor(node: string, paths: string[], namespace: string, alive?: () => string[]): Promise<DesiredState> {
  const { config, errors } = await loadManifests(paths, { namespace });
  if (!config || errors.length) {
    return { ok: false, errors: errors.map(formatError) };
  }
  const allocation = allocate(config);
  const plan = computePlan(config, allocation.allocations, { serviceErrors: allocation.errors, ...(alive ? { alive: alive().filter((n) => config.nodes.some((x) => x.name === n)) } : {}) });
  const peers = peersForNode(config, node);
  const routes = routesForNode(plan, node);
  const count = [...routes.values()].reduce((n, r) => n + r.length, 0);
  return {
    ok: true,
    peers,
    routes,
    summary: `${config.services.length} services, ${plan.allocations.length} allocated, ${count} routes for ${node}`,
    warnings: plan.warnings,
    l2: {
      rows: plan.l2.filter((r) => r.node === node).map((r) => ({ ip: r.ip, interfaces: r.interfaces })),
      members: config.nodes.filter((n) => n.addresses.length > 0).map((n) => ({ node: n.name, address: n.addresses[0]! })),
      needed: config.l2Advertisements.length > 0,
    },
  };
}
