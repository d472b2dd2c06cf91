import { allocate } from '../allocate/allocate.ts';
import { formatError } from '../config/errors.ts';
import { finishCollected, loadTexts, type LoadOptions } from '../config/load.ts';
import { ManifestFiles, mergeCollected, type DecodedFile } from '../config/manifest-files.ts';
import type { ClusterConfig, ValidationError } from '../model/types.ts';
import { serviceStatuses } from '../plan/explain.ts';
import { computePlan, peersForNode, routesForNode } from '../plan/index.ts';
import { LiveState, type DeltaResult, type FullResult } from './live-state.ts';

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

export type ComputedState = FullResult | DeltaResult | { ok: false; errors: string[] };

function loadOptions(input: DesiredStateInput): LoadOptions {
  return {
    namespace: input.namespace,
    ...(input.loadBalancerClass ? { loadBalancerClass: input.loadBalancerClass } : {}),
    ...(input.ignoreExcludeLB ? { ignoreExcludeLB: true } : {}),
  };
}

/** Only nodes the manifests define take part in the L2 election. */
function aliveIn(config: ClusterConfig, alive: readonly string[] | undefined): string[] | undefined {
  return alive?.filter((n) => config.nodes.some((x) => x.name === n));
}

/**
 * Manifest texts -> what this node announces, from scratch, through exactly the code `lbconform plan`
 * uses. Every Node in the manifests counts as alive for BGP (liveness only matters to L2). The speaker
 * itself goes through DesiredStateComputer; this is what its results are checked against.
 */
export function desiredStateFromTexts(
  input: DesiredStateInput,
  texts: readonly { file: string; text: string }[],
  readErrors: ValidationError[],
): FullResult | { ok: false; errors: string[] } {
  const { node } = input;
  const { config, errors } = loadTexts(texts, readErrors, loadOptions(input));
  if (!config || errors.length) return { ok: false, errors: errors.map(formatError) };
  const allocation = allocate(config);
  const alive = aliveIn(config, input.alive);
  const plan = computePlan(config, allocation.allocations, {
    serviceErrors: allocation.errors,
    ...(alive ? { alive } : {}),
  });
  const routes = routesForNode(plan, node);
  const count = [...routes.values()].reduce((n, r) => n + r.length, 0);
  return {
    ok: true,
    peers: peersForNode(config, node),
    routes,
    summary: `${config.services.length} services, ${plan.allocations.length} allocated, ${count} routes for ${node}`,
    warnings: plan.warnings,
    // what MetalLB's ServiceBGPStatus / ServiceL2Status would say for this node (`speaker --status`)
    services: serviceStatuses(
      { config, allocations: allocation.allocations, serviceErrors: allocation.errors },
      { plan, node },
    ),
    l2: {
      rows: plan.l2.filter((r) => r.node === node).map((r) => ({ ip: r.ip, interfaces: r.interfaces })),
      members: config.nodes
        .filter((n) => n.addresses.length > 0)
        .map((n) => ({ node: n.name, address: n.addresses[0]! })),
      needed: config.l2Advertisements.length > 0,
    },
  };
}

/**
 * The speaker's reloads: re-reads only the files whose stat changed (ManifestFiles), and answers a
 * change to Services and EndpointSlices alone as a difference from the last good state (LiveState);
 * anything else, and the first load, is computed in full. `unchanged` when neither the files nor the
 * inputs changed (a SIGHUP and the file watcher both reporting one edit). Invalid manifests are read
 * again through load.ts's precise path, so every error names its line; the last good state stays.
 */
export class DesiredStateComputer {
  private files?: ManifestFiles;
  private live?: LiveState;
  private inputKey?: string;
  private optionsKey?: string;

  async compute(input: DesiredStateInput): Promise<ComputedState | 'unchanged'> {
    try {
      return await this.computeOnce(input);
    } catch (err) {
      // a state left half-updated must never be the base of the next difference: start over
      this.files = undefined;
      this.live = undefined;
      throw err;
    }
  }

  private async computeOnce(input: DesiredStateInput): Promise<ComputedState | 'unchanged'> {
    const opts = loadOptions(input);
    const optionsKey = JSON.stringify(opts);
    if (!this.files || optionsKey !== this.optionsKey) {
      this.files = new ManifestFiles(opts);
      this.optionsKey = optionsKey;
      this.live = undefined;
    }
    const inputKey = JSON.stringify([input.node, optionsKey, input.alive ?? null]);
    if (inputKey !== this.inputKey) this.live = undefined;
    const { files, readErrors } = await this.files.refresh(input.paths);
    if (readErrors.length > 0) return this.rejected(input, files, readErrors, opts);
    if (this.live) {
      const delta = this.live.applyFiles(files);
      if (delta) return delta;
      this.live = undefined; // spoilt half-way: rebuilt below
    }
    const config = fastConfig(files, opts);
    if (!config) return this.rejected(input, files, [], opts);
    const { live, result } = LiveState.build(input.node, config, files, aliveIn(config, input.alive));
    this.live = live;
    this.inputKey = inputKey;
    return result;
  }

  /** Invalid (or unusual) input, read again on the precise path: its errors, or its config after all. */
  private async rejected(
    input: DesiredStateInput,
    files: readonly DecodedFile[],
    readErrors: ValidationError[],
    opts: LoadOptions,
  ): Promise<ComputedState> {
    const texts = await this.files!.texts(files);
    const { config, errors } = loadTexts(texts, readErrors, opts);
    if (config && errors.length === 0) {
      // valid after all (YAML the fast path leaves alone, such as anchors): no live state, computed in full
      this.live = undefined;
      return LiveState.build(input.node, config, [], aliveIn(config, input.alive)).result;
    }
    return { ok: false, errors: errors.map(formatError) };
  }
}

/** The files' decoded resources as one validated config, or undefined when anything needs the precise path. */
function fastConfig(files: readonly DecodedFile[], opts: LoadOptions): ClusterConfig | undefined {
  if (!files.every((f) => f.collected)) return undefined;
  const merged = mergeCollected(files);
  if (!merged) return undefined;
  const { config, errors } = finishCollected(merged, [], opts);
  return errors.length === 0 ? config : undefined;
}
