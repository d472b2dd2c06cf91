/**
 * The IPs each Service was given, as MetalLB's speaker reads them (speaker/main.go `SetBalancer`):
 * `status.loadBalancer.ingress[].ip`, written by the controller. The speaker never allocates.
 *
 * Fallback (documented in the README): a Service with no ingress yet but with IPs it asked for
 * (`metallb.io/loadBalancerIPs`, the older `metallb.universe.tf/loadBalancerIPs`, or
 * `spec.loadBalancerIP`) is taken at its word, so a manifest folder written without a controller
 * still announces pinned Services. Services with neither are not announced.
 */
import { parseAllDocuments } from 'yaml';
import { canonicalIP } from '../../reference/model/ip.ts';
import type { Service } from '../../reference/model/types.ts';

interface RawService {
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
  status?: { loadBalancer?: { ingress?: { ip?: unknown }[] } };
}

/** `namespace/name` -> canonical ingress IPs, from the manifest texts. */
export function ingressFromTexts(texts: readonly { text: string }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { text } of texts) {
    for (const doc of parseAllDocuments(text)) {
      const v = doc.toJS() as RawService | null;
      if (!v || typeof v !== 'object' || v.kind !== 'Service') continue;
      const name = v.metadata?.name;
      if (typeof name !== 'string') continue;
      const ns = typeof v.metadata?.namespace === 'string' ? v.metadata.namespace : 'default';
      const ingress = Array.isArray(v.status?.loadBalancer?.ingress) ? v.status.loadBalancer.ingress : [];
      const ips = ingress
        .map((i) => (typeof i?.ip === 'string' ? canonicalIP(i.ip) : undefined))
        .filter((x): x is string => x !== undefined);
      if (ips.length) out.set(`${ns}/${name}`, ips);
    }
  }
  return out;
}

/** The IPs a Service asked for itself (the fallback when no controller wrote its status). */
export function requestedIPs(s: Service): string[] {
  const ann =
    s.annotations['metallb.io/loadBalancerIPs'] ?? s.annotations['metallb.universe.tf/loadBalancerIPs'];
  const raw = ann !== undefined ? ann.split(',') : s.loadBalancerIP ? [s.loadBalancerIP] : [];
  return raw.map((x) => canonicalIP(x.trim())).filter((x): x is string => x !== undefined);
}

/** Ingress where the controller wrote it; else what the Service asked for. */
export function serviceIPs(
  services: readonly Service[],
  ingress: ReadonlyMap<string, readonly string[]>,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of services) {
    const ips = ingress.get(s.key) ?? requestedIPs(s);
    if (ips.length) out.set(s.key, [...ips]);
  }
  return out;
}
