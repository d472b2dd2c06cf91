/**
 * The IPs each Service was given, as MetalLB's speaker reads them (speaker/main.go `SetBalancer`):
 * `status.loadBalancer.ingress[].ip`, written by the controller. The speaker never allocates and never
 * takes a Service's own request (`metallb.io/loadBalancerIPs`, `spec.loadBalancerIP`) at its word: with
 * no status there is nothing to announce ("noIPAllocated").
 *
 * A Service of another loadBalancerClass is not the speaker's, even when its own controller wrote a
 * status (internal/k8s/controllers/service_controller.go `filterByLoadBalancerClass`: no class is ours
 * only while the speaker has none; a class is ours only when it equals the speaker's `--lb-class`).
 */
import { canonicalIP } from '../../reference/model/ip.ts';
import type { Service } from '../../reference/model/types.ts';

/** filterByLoadBalancerClass, inverted: true when the speaker of `speakerClass` handles the Service. */
export function isOurClass(s: Pick<Service, 'loadBalancerClass'>, speakerClass: string | undefined): boolean {
  return (s.loadBalancerClass ?? '') === (speakerClass ?? '');
}

/** `namespace/name` -> the canonical IPs of its status, for every Service of the speaker's class. */
export function serviceIPs(services: readonly Service[], speakerClass?: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of services) {
    if (!isOurClass(s, speakerClass)) continue;
    const ips = s.statusIPs.map(canonicalIP).filter((x): x is string => x !== undefined);
    if (ips.length) out.set(s.key, ips);
  }
  return out;
}
