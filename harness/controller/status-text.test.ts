import t from 'tap';
import { parse, parseAllDocuments } from 'yaml';
import { ANNOTATION_ALLOCATED_FROM_POOL } from './controller.ts';
import { writeStatusesIntoText } from './status-text.ts';

const statuses = new Map([
  ['default/web', { ips: ['203.0.113.161'], pool: 'who' }],
  ['default/held', { ips: ['203.0.113.170'], pool: 'who' }],
]);

const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS());

t.test(
  'a Service of our class gets its status and annotation; comments and other documents stay',
  async (t) => {
    const text = `# the pool
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: who, namespace: metallb-system}
spec: {addresses: [203.0.113.160/28]}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
  annotations: {metallb.io/loadBalancerIPs: 203.0.113.161}
spec: {type: LoadBalancer}
`;
    const out = writeStatusesIntoText(text, statuses);
    t.ok(out?.startsWith('# the pool'));
    const [pool, svc] = docs(out!);
    t.same(pool, parse(text.split('---')[0]!));
    t.same(svc.status, { loadBalancer: { ingress: [{ ip: '203.0.113.161' }] } });
    t.same(svc.metadata.annotations, {
      'metallb.io/loadBalancerIPs': '203.0.113.161',
      [ANNOTATION_ALLOCATED_FROM_POOL]: 'who',
    });
    t.equal(writeStatusesIntoText(out!, statuses), undefined, 'written once: no change the second time');
  },
);

t.test(
  "a kind: List item keeps the status the allocator kept; another class's status is never touched",
  async (t) => {
    const text = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: held, namespace: default}
    spec: {type: LoadBalancer}
    status: {loadBalancer: {ingress: [{ip: 203.0.113.170, ipMode: VIP}]}}
  - apiVersion: v1
    kind: Service
    metadata: {name: theirs, namespace: default}
    spec: {type: LoadBalancer, loadBalancerClass: example.com/lb}
    status: {loadBalancer: {ingress: [{ip: 203.0.113.171}]}}
`;
    const [list] = docs(writeStatusesIntoText(text, statuses)!);
    t.same(list.items[0].status.loadBalancer.ingress, [{ ip: '203.0.113.170' }]);
    t.equal(list.items[0].metadata.annotations[ANNOTATION_ALLOCATED_FROM_POOL], 'who');
    t.same(list.items[1], parse(text).items[1], 'other class untouched');
  },
);

t.test('a Service of our class with no allocation loses a status it held (clearServiceState)', async (t) => {
  const text = `apiVersion: v1
kind: Service
metadata: {name: gone, namespace: default, annotations: {${ANNOTATION_ALLOCATED_FROM_POOL}: who}}
spec: {type: LoadBalancer}
status: {loadBalancer: {ingress: [{ip: 203.0.113.175}]}}
`;
  const [svc] = docs(writeStatusesIntoText(text, statuses)!);
  t.same(svc.status, { loadBalancer: {} });
  t.same(svc.metadata.annotations, {});
  t.equal(writeStatusesIntoText('kind: Service\nmetadata: {name: none}\n', statuses), undefined);
});

t.test('text that is not plain YAML is left alone', async (t) => {
  t.equal(writeStatusesIntoText('kind: Service\nmetadata: {name: web\n', statuses), undefined);
  t.equal(writeStatusesIntoText('', statuses), undefined);
});
