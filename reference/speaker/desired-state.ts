import { createHash } from 'node:crypto';
import { loadTexts, readManifests } from '../config/load.ts';
import { allocate } from '../allocate/allocate.ts';
import { computePlan, peersForNode, routesForNode } from '../plan/index.ts';
import { serviceStatuses } from '../plan/explain.ts';
import { formatError } from '../config/errors.ts';
import type { ValidationError } from '../model/types.ts';
import { ParsedDocsCache } from '../config/yaml-fast.ts';
import type { DesiredState } from './speaker.ts';

export interface DesiredStateInput {
  node: string;
  paths: string[];
  namespace: string;
  /** MetalLB's --lb-class: only Services of this loadBalancerClass. */
  loadBalancerClass?: string;
  /** MetalLB's --ignore-exclude-lb. */
  ignoreExcludeLB?: boolean;
  /** Nodes alive in the L2 membership (undefined: no L2 membership, every Node counts as alive). */
  alive?: string[];
}

/**
 * Manifest texts → what this node announces, through exactly the code `lbconform plan` uses. Every
 * Node in the manifests counts as alive for BGP (liveness only matters to the L2 election).
 */
export function desiredStateFromTexts(
  input: DesiredStateInput,
  texts: readonly { file: string; text: string }[],
  readErrors: ValidationError[],
  cache?: ParsedDocsCache,
): DesiredState {
  const { node, namespace, alive } = input;
  const { config, errors } = loadTexts(
    texts,
    readErrors,
    {
      namespace,
      ...(input.loadBalancerClass ? { loadBalancerClass: input.loadBalancerClass } : {}),
      ...(input.ignoreExcludeLB ? { ignoreExcludeLB: true } : {}),
    },
    cache,
  );
  if (!config || errors.length) {
    return { ok: false, errors: errors.map(formatError) };
  }
  const allocation = allocate(config);
  const plan = computePlan(config, allocation.allocations, {
    serviceErrors: allocation.errors,
    ...(alive ? { alive: alive.filter((n) => config.nodes.some((x) => x.name === n)) } : {}),
  });
  const peers = peersForNode(config, node);
  // what MetalLB's ServiceBGPStatus / ServiceL2Status would say for this node (`speaker --status`)
  const services = serviceStatuses(
    { config, allocations: allocation.allocations, serviceErrors: allocation.errors },
    { plan, node },
  );
  const routes = routesForNode(plan, node);
  const count = [...routes.values()].reduce((n, r) => n + r.length, 0);
  return {
    ok: true,
    peers,
    routes,
    summary: `${config.services.length} services, ${plan.allocations.length} allocated, ${count} routes for ${node}`,
    warnings: plan.warnings,
    services,
    l2: {
      rows: plan.l2.filter((r) => r.node === node).map((r) => ({ ip: r.ip, interfaces: r.interfaces })),
      members: config.nodes
        .filter((n) => n.addresses.length > 0)
        .map((n) => ({ node: n.name, address: n.addresses[0]! })),
      needed: config.l2Advertisements.length > 0,
    },
  };
}

export type ManifestTexts = { file: string; text: string }[];
export type ComputeFromTexts = (
  input: DesiredStateInput,
  texts: ManifestTexts,
  readErrors: ValidationError[],
) => Promise<DesiredState>;

/**
 * Computes the desired state from the files, remembering what it was computed from: when neither the
 * files' contents nor the alive set changed (a SIGHUP and the file watcher both reporting one edit),
 * it answers `unchanged` without parsing anything again. Reading and hashing 10k Services' YAML takes
 * milliseconds; the parsing and planning (`fromTexts`) is what may run elsewhere.
 */
export class DesiredStateSource {
  private lastKey?: string;

  constructor(
    private readonly fromTexts: ComputeFromTexts = async (i, t, e) =>
      desiredStateFromTexts(i, t, e, this.cache),
  ) {}

  private readonly cache = new ParsedDocsCache();

  async compute(input: DesiredStateInput): Promise<DesiredState | 'unchanged'> {
    const { texts, errors } = await readManifests(input.paths);
    const hash = createHash('sha256');
    for (const t of texts) hash.update(t.file).update('\0').update(t.text).update('\0');
    for (const e of errors) hash.update(e.file).update(e.message);
    hash.update(
      JSON.stringify([
        input.node,
        input.namespace,
        input.loadBalancerClass ?? null,
        input.ignoreExcludeLB === true,
        input.alive ?? null,
      ]),
    );
    const key = hash.digest('hex');
    if (key === this.lastKey) return 'unchanged';
    const state = await this.fromTexts(input, texts, errors);
    this.lastKey = key;
    return state;
  }
}
