/**
 * An IPv4-mapped IPv6 pool (`::ffff:203.0.113.0/120`) is IPv6, as MetalLB's Go code keeps it
 * (net.ParseCIDR gives a 16-byte network for it): allocated from that range and announced as exactly
 * that prefix, in MP_REACH_NLRI. Manifests -> allocation -> plan -> packer -> bytes -> decoder.
 */
import t from 'tap';
import { allocate } from '../allocate/allocate.ts';
import { decodeMessage } from '../bgp/messages.ts';
import { packAnnouncements } from '../bgp/packer.ts';
import { decodeUpdate } from '../bgp/update.ts';
import { parseManifestText } from '../config/load.ts';
import { formatCidr } from '../model/ip.ts';
import { computePlan, routesForNode } from './plan.ts';

const manifests = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { namespace: metallb-system, name: mapped }
spec:
  addresses: ['::ffff:203.0.113.0/120']
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: { namespace: metallb-system, name: mapped }
spec:
  ipAddressPools: [mapped]
  aggregationLength: 32
  aggregationLengthV6: 120
---
apiVersion: v1
kind: Node
metadata: { name: NodeA, labels: { kubernetes.io/hostname: NodeA } }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { namespace: metallb-system, name: tor }
spec: { myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.1, dualStackAddressFamily: true }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: demo }
spec:
  type: LoadBalancer
  ipFamilies: [IPv6]
  ports: [{ name: http, protocol: TCP, port: 80 }]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: web-1, namespace: demo, labels: { kubernetes.io/service-name: web } }
addressType: IPv6
endpoints: [{ addresses: ['2001:db8::10'], nodeName: NodeA, conditions: { ready: true } }]
ports: [{ name: http, protocol: TCP, port: 80 }]
`;

t.test('an IPv4-mapped IPv6 pool goes on the wire as allocated', async (t) => {
  const { config, errors } = parseManifestText(manifests, 'mapped.yaml', { namespace: 'metallb-system' });
  t.same(errors, [], 'the manifests are valid');
  const { allocations } = allocate(config!);
  t.same(allocations[0]?.ips, ['::ffff:203.0.113.0'], 'allocated from the mapped range');
  const plan = computePlan(config!, allocations);
  t.same(
    plan.bgp.map((r) => r.prefix),
    ['::ffff:203.0.113.0/120'],
    'the plan announces the whole mapped /120',
  );
  const routes = routesForNode(plan, 'NodeA').get('tor')!;
  t.equal(routes[0]?.prefix.family, 6, 'the plan hands the BGP layer an IPv6 prefix');
  const messages = packAnnouncements(routes, {
    ibgp: false,
    myAsn: 64500,
    fourOctet: true,
    nextHopV4: '192.0.2.11',
    nextHopV6: '2001:db8::b',
  });
  t.equal(messages.length, 1);
  const u = decodeUpdate((decodeMessage(messages[0]!) as { body: Buffer }).body);
  t.same(u.nlri, [], 'nothing in the IPv4 NLRI field');
  t.equal(u.attributes.mpReach?.afi, 2, 'AFI IPv6');
  t.same(
    u.attributes.mpReach?.nlri.map(formatCidr),
    ['::ffff:203.0.113.0/120'],
    'exactly the allocated prefix',
  );
  const nlri = messages[0]!.subarray(messages[0]!.length - 16);
  t.same(
    [...nlri],
    [120, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 203, 0, 113],
    'NLRI bytes: length 120, then ::ffff:203.0.113 (15 octets)',
  );
});
