import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allocate } from '../../reference/allocate/allocate.ts';
import { DEFAULT_NAMESPACE, parseManifestTexts } from '../../reference/config/load.ts';

/**
 * The harness plays MetalLB's controller: it decides each LoadBalancer Service's IPs and writes them
 * where MetalLB's controller does (controller/service.go, convergeService: `status.loadBalancer.ingress`,
 * one entry per IP, and the annotation `metallb.io/ip-allocated-from-pool`), so a speaker under test only
 * announces. The IPs are computed with `reference/allocate`; allocation itself is judged apart, in the
 * `controller` feature, on a SUT that declares it (there the harness writes no status).
 */
export const ANNOTATION_ALLOCATED_FROM_POOL = 'metallb.io/ip-allocated-from-pool';

export interface ServiceStatus {
  ips: string[];
  pool: string;
}

/**
 * The status of every Service the manifests allocate, keyed `namespace/name`; undefined when the
 * manifests are invalid (a controller keeps what it wrote before, as a speaker keeps its last good
 * config). A Service that cannot be allocated (no pool, exhausted) has no entry: no status, as MetalLB.
 */
export function controllerStatuses(
  files: readonly { file: string; text: string }[],
  namespace = DEFAULT_NAMESPACE,
): Map<string, ServiceStatus> | undefined {
  const { config, errors } = parseManifestTexts(files, { namespace });
  if (!config || errors.length) return undefined;
  return new Map(allocate(config).allocations.map((a) => [a.service, { ips: a.ips, pool: a.pool }]));
}

/** The manifests of a folder as the controller reads them (`*.yaml`, `*.yml`, `*.json`, sorted). */
export function readManifestFolder(dir: string): { file: string; text: string }[] {
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/i.test(f))
    .sort()
    .map((f) => ({ file: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
}

/** What the controller adds to a Service object: the annotation and the status, as MetalLB writes them. */
export function withStatus<
  T extends { metadata: { annotations?: Record<string, string> | undefined; [k: string]: unknown } },
>(
  service: T,
  status: ServiceStatus | undefined,
): T & { status?: { loadBalancer: { ingress: { ip: string }[] } } } {
  if (!status) return service;
  return {
    ...service,
    metadata: {
      ...service.metadata,
      annotations: { ...service.metadata.annotations, [ANNOTATION_ALLOCATED_FROM_POOL]: status.pool },
    },
    status: { loadBalancer: { ingress: status.ips.map((ip) => ({ ip })) } },
  };
}
