import t from 'tap';
import { ANNOTATION_ALLOCATED_FROM_POOL, controllerStatuses, withStatus } from './controller.ts';

const pools = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: blue, namespace: metallb-system }
spec: { addresses: [203.0.113.8/30, "2001:db8:5::/126"] }
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: manual, namespace: metallb-system }
spec: { addresses: [198.51.100.8/30], autoAssign: false }
`;
const service = (name: string, extra = '') => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: default${extra} }
spec: { type: LoadBalancer, ipFamilyPolicy: RequireDualStack, ipFamilies: [IPv4, IPv6] }
`;

t.test('each Service gets its IPs and its pool, as the controller writes them', async (t) => {
  const s = controllerStatuses([
    { file: 'pools.yaml', text: pools },
    { file: 'a.yaml', text: service('a') },
  ]);
  t.same(s?.get('default/a'), { ips: ['203.0.113.8', '2001:db8:5::'], pool: 'blue' });
  const written = withStatus(
    { kind: 'Service', metadata: { name: 'a' } as { name: string; annotations?: Record<string, string> } },
    s?.get('default/a'),
  );
  t.same(written.status, { loadBalancer: { ingress: [{ ip: '203.0.113.8' }, { ip: '2001:db8:5::' }] } });
  t.equal(written.metadata.annotations?.[ANNOTATION_ALLOCATED_FROM_POOL], 'blue');
});

t.test('invalid manifests: no answer (the previous statuses stay); no pool: no status', async (t) => {
  t.equal(
    controllerStatuses([{ file: 'x.yaml', text: 'kind: IPAddressPool\nmetadata: {name: x}\nspec: {}\n' }]),
    undefined,
  );
  const s = controllerStatuses([{ file: 'a.yaml', text: service('a') }]);
  t.equal(s?.has('default/a'), false);
  t.same(withStatus({ metadata: {} }, undefined), { metadata: {} }, 'nothing added without an allocation');
});
