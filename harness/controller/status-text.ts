import { isMap, isSeq, parseAllDocuments, type Document } from 'yaml';
import { DEFAULT_NAMESPACE } from '../../reference/config/load.ts';
import { ANNOTATION_ALLOCATED_FROM_POOL, type ServiceStatus } from './controller.ts';

/**
 * The controller's answer written into manifests a scenario supplied as text (documented manifests,
 * `kind: List` dumps), where the harness did not generate the Service itself. As MetalLB's controller
 * does (controller/main.go SetBalancer, controller/service.go convergeBalancer / clearServiceState):
 * - a Service of its class with an allocation gets `status.loadBalancer.ingress` and the
 *   `metallb.io/ip-allocated-from-pool` annotation (a status it already held stays when the allocator
 *   kept it, since the allocation is computed from it);
 * - a Service of its class without one loses both;
 * - a Service of another loadBalancerClass is never touched (filterByLoadBalancerClass).
 * Returns the new text, or undefined when nothing changes or the text is not plain YAML.
 */
export function writeStatusesIntoText(
  text: string,
  statuses: ReadonlyMap<string, ServiceStatus>,
  namespace = DEFAULT_NAMESPACE,
): string | undefined {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return undefined;
  let changed = false;
  for (const doc of docs) {
    const value = doc.toJS() as unknown;
    if (!isObject(value)) continue;
    if (value.kind === 'Service') changed = writeOne(doc, [], value, statuses, namespace) || changed;
    if (value.kind === 'List' && Array.isArray(value.items)) {
      value.items.forEach((item, i) => {
        if (isObject(item) && item.kind === 'Service') {
          changed = writeOne(doc, ['items', i], item, statuses, namespace) || changed;
        }
      });
    }
  }
  if (!changed) return undefined;
  return docs.map((d) => d.toString()).join('');
}

type Obj = Record<string, unknown>;
type Path = (string | number)[];

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One Service object at `at` inside `doc`; true when something was written. */
function writeOne(
  doc: Document,
  at: Path,
  service: Obj,
  statuses: ReadonlyMap<string, ServiceStatus>,
  defaultNamespace: string,
): boolean {
  const meta = isObject(service.metadata) ? service.metadata : {};
  const spec = isObject(service.spec) ? service.spec : {};
  if (typeof spec.loadBalancerClass === 'string' && spec.loadBalancerClass !== '') return false;
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : defaultNamespace;
  const status = statuses.get(`${namespace}/${String(meta.name)}`);
  const annotations = isObject(meta.annotations) ? meta.annotations : {};
  const ingress =
    isObject(service.status) && isObject(service.status.loadBalancer)
      ? service.status.loadBalancer.ingress
      : undefined;
  const currentIPs = Array.isArray(ingress) ? ingress.map((i) => (isObject(i) ? i.ip : undefined)) : [];
  const annotationPath = [...at, 'metadata', 'annotations', ANNOTATION_ALLOCATED_FROM_POOL];
  const ingressPath = [...at, 'status', 'loadBalancer', 'ingress'];
  if (status) {
    const same =
      annotations[ANNOTATION_ALLOCATED_FROM_POOL] === status.pool &&
      currentIPs.length === status.ips.length &&
      currentIPs.every((ip, i) => ip === status.ips[i]);
    if (same) return false;
    setCreating(doc, annotationPath, status.pool);
    setCreating(
      doc,
      ingressPath,
      status.ips.map((ip) => ({ ip })),
    );
    return true;
  }
  if (annotations[ANNOTATION_ALLOCATED_FROM_POOL] === undefined && ingress === undefined) return false;
  doc.deleteIn(annotationPath);
  doc.deleteIn(ingressPath);
  return true;
}

/** doc.setIn, creating block maps on the way (a missing `status:` or `annotations:`). */
function setCreating(doc: Document, path: Path, value: unknown): void {
  for (let i = 1; i < path.length; i++) {
    const prefix = path.slice(0, i);
    const node = doc.getIn(prefix, true);
    if (node === undefined || node === null || (!isMap(node) && !isSeq(node))) {
      doc.setIn(prefix, doc.createNode({}));
    }
  }
  doc.setIn(path, doc.createNode(value));
}
