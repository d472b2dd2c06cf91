import { stringify } from 'yaml';
import { type ServiceStatus, withStatus } from '../controller/controller.ts';

/** Where the speaker's MetalLB resources live (MetalLB's default namespace). */
export const SPEAKER_NAMESPACE = 'metallb-system';

/** Kubernetes objects the steps generate around the document's own manifests. */

export function nodesManifest(
  nodes: string[],
  labels: Record<string, Record<string, string>> = {},
  addresses: Record<string, string> = {},
): string {
  return docs(
    nodes.map((name) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels[name] } },
      ...(addresses[name]
        ? {
            status: {
              addresses: [
                { type: 'InternalIP', address: addresses[name] },
                { type: 'Hostname', address: name },
              ],
            },
          }
        : {}),
    })),
  );
}

export interface PeerSpec {
  name: string;
  myASN: number;
  peerASN: number;
  peerAddress: string;
  /** Short timers: the suite never waits on protocol defaults. */
  holdTime?: string;
  keepaliveTime?: string;
  /** MetalLB's connect-retry time (FRR `neighbor X timers connect N`). */
  connectTime?: string;
  nodeSelectors?: unknown[];
  password?: string;
  enableGracefulRestart?: boolean;
  bfdProfile?: string;
  dualStackAddressFamily?: boolean;
}

export function peerManifest(peers: PeerSpec[]): string {
  return docs(
    peers.map(({ name, ...spec }) => ({
      apiVersion: 'metallb.io/v1beta2',
      kind: 'BGPPeer',
      metadata: { name, namespace: SPEAKER_NAMESPACE },
      spec: { holdTime: '3s', keepaliveTime: '1s', ...spec },
    })),
  );
}

export interface ServiceSpec {
  namespace: string;
  name: string;
  dualStack: boolean;
  /** A single-stack IPv6 Service. */
  ipv6Only?: boolean;
  readyOn: string[];
  /** Endpoints that exist but are not ready (they must not count as a place that can serve). */
  notReadyOn?: string[];
  annotations?: Record<string, string>;
  externalTrafficPolicy?: 'Cluster' | 'Local';
}

/**
 * A LoadBalancer Service and the EndpointSlice that makes it announceable; with `status`, as MetalLB's
 * controller leaves it (status.loadBalancer.ingress and the pool annotation).
 */
export function serviceManifest(s: ServiceSpec, status?: ServiceStatus): string {
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: s.name,
      namespace: s.namespace,
      ...(s.annotations ? { annotations: s.annotations } : ({} as { annotations?: Record<string, string> })),
    },
    spec: {
      type: 'LoadBalancer',
      ...(s.dualStack ? { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] } : {}),
      ...(s.ipv6Only ? { ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv6'] } : {}),
      ...(s.externalTrafficPolicy ? { externalTrafficPolicy: s.externalTrafficPolicy } : {}),
      selector: { app: s.name },
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
    },
  };
  const slice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${s.name}-1`,
      namespace: s.namespace,
      labels: { 'kubernetes.io/service-name': s.name },
    },
    addressType: 'IPv4',
    endpoints: [
      ...s.readyOn.map((node, i) => ({
        addresses: [`10.244.${i}.10`],
        nodeName: node,
        conditions: { ready: true },
      })),
      ...(s.notReadyOn ?? []).map((node, i) => ({
        addresses: [`10.244.${i}.20`],
        nodeName: node,
        conditions: { ready: false },
      })),
    ],
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  };
  return docs([withStatus(service, status), slice]);
}

export function serviceFileName(namespace: string, name: string): string {
  return `30-service-${namespace}-${name}.yaml`;
}

function docs(objects: unknown[]): string {
  return objects.map((o) => stringify(o)).join('---\n');
}
