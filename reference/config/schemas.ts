/** The accepted shape of every resource kind (fields MetalLB and Kubernetes define that we read or tolerate). */
import type { Schema } from './schema.ts';
import { bfdProfileSchema } from './bfd-profiles.ts';

const str: Schema = { t: 'string' };
const nonEmptyStr: Schema = { t: 'string', nonEmpty: true };
const bool: Schema = { t: 'bool' };
const any: Schema = { t: 'any' };
const stringList: Schema = { t: 'list', of: nonEmptyStr };
const uint32: Schema = { t: 'int', min: 0, max: 4294967295 };

export const labelSelector: Schema = {
  t: 'object',
  fields: {
    matchLabels: { t: 'stringMap' },
    matchExpressions: {
      t: 'list',
      of: {
        t: 'object',
        fields: {
          key: nonEmptyStr,
          operator: { t: 'string', enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
          values: stringList,
        },
        required: ['key', 'operator'],
      },
    },
  },
};
const selectorList: Schema = { t: 'list', of: labelSelector };

/** ObjectMeta: what we read, plus what `kubectl get -o yaml` adds and we ignore. */
const metadata: Schema = {
  t: 'object',
  fields: {
    name: nonEmptyStr,
    namespace: nonEmptyStr,
    labels: { t: 'stringMap' },
    annotations: { t: 'stringMap' },
    uid: any,
    resourceVersion: any,
    generation: any,
    creationTimestamp: any,
    deletionTimestamp: any,
    deletionGracePeriodSeconds: any,
    generateName: any,
    finalizers: any,
    ownerReferences: any,
    managedFields: any,
  },
  required: ['name'],
};

const resource = (
  spec: Schema | undefined,
  extra: Record<string, Schema> = {},
  specRequired = true,
): Schema => ({
  t: 'object',
  fields: { apiVersion: str, kind: str, metadata, ...(spec ? { spec } : {}), status: any, ...extra },
  required: ['apiVersion', 'kind', 'metadata', ...(spec && specRequired ? ['spec'] : [])],
});

export const ipAddressPool = resource({
  t: 'object',
  fields: {
    addresses: { t: 'list', of: nonEmptyStr, nonEmpty: true, emptyCode: 'POOL_NO_ADDRESSES' },
    autoAssign: bool,
    avoidBuggyIPs: bool,
    // api/v1beta1 IPAddressPoolSpec.AllocateTo (json serviceAllocation)
    serviceAllocation: {
      t: 'object',
      fields: {
        priority: { t: 'int', min: 0, max: 2147483647 },
        namespaces: stringList,
        namespaceSelectors: selectorList,
        serviceSelectors: selectorList,
      },
    },
  },
  required: ['addresses'],
});

export const bgpAdvertisement = resource(
  {
    t: 'object',
    fields: {
      aggregationLength: { t: 'int', min: 1, max: 32, rangeCode: 'AGGREGATION_LENGTH_OUT_OF_RANGE' },
      aggregationLengthV6: { t: 'int', min: 0, max: 128, rangeCode: 'AGGREGATION_LENGTH_OUT_OF_RANGE' },
      localPref: uint32,
      communities: stringList,
      ipAddressPools: stringList,
      ipAddressPoolSelectors: selectorList,
      nodeSelectors: selectorList,
      peers: stringList,
      serviceSelectors: selectorList,
    },
  },
  {},
  false,
);

export const l2Advertisement = resource(
  {
    t: 'object',
    fields: {
      ipAddressPools: stringList,
      ipAddressPoolSelectors: selectorList,
      nodeSelectors: selectorList,
      interfaces: stringList,
      serviceSelectors: selectorList,
    },
  },
  {},
  false,
);

export const bgpPeer = resource({
  t: 'object',
  fields: {
    myASN: { t: 'int', min: 1, max: 4294967295, rangeCode: 'INVALID_ASN' },
    peerASN: { t: 'int', min: 1, max: 4294967295, rangeCode: 'INVALID_ASN' },
    localASN: { t: 'int', min: 1, max: 4294967295, rangeCode: 'INVALID_ASN' },
    dynamicASN: { t: 'string', enum: ['internal', 'external'] },
    peerAddress: nonEmptyStr,
    interface: str,
    passwordSecret: { t: 'object', fields: { name: str, namespace: str } },
    // api/v1beta2 BGPPeerSpec.Port: kubebuilder Minimum=1, Maximum=16384
    peerPort: { t: 'int', min: 1, max: 16384 },
    sourceAddress: nonEmptyStr,
    holdTime: nonEmptyStr,
    keepaliveTime: nonEmptyStr,
    connectTime: nonEmptyStr,
    routerID: nonEmptyStr,
    nodeSelectors: selectorList,
    password: str,
    ebgpMultiHop: bool,
    bfdProfile: nonEmptyStr,
    vrf: str,
    enableGracefulRestart: bool,
    disableMP: bool,
    dualStackAddressFamily: bool,
  },
  // peerASN xor dynamicASN, peerAddress xor interface: checked in decode (MetalLB validation.go)
  required: ['myASN'],
});

export const community = resource({
  t: 'object',
  fields: {
    communities: {
      t: 'list',
      of: { t: 'object', fields: { name: nonEmptyStr, value: nonEmptyStr }, required: ['name', 'value'] },
    },
  },
});

export const node = resource(any, {}, false);

/** v1 Namespace: its labels feed serviceAllocation.namespaceSelectors. */
export const namespaceKind = resource(any, {}, false);

/** v1 Secret: a BGPPeer's passwordSecret (`data.password`, base64, or `stringData.password`). */
export const secret = resource(undefined, {
  type: str,
  data: { t: 'stringMap' },
  stringData: { t: 'stringMap' },
  immutable: bool,
});

const servicePort: Schema = {
  t: 'object',
  fields: {
    name: str,
    protocol: { t: 'string', enum: ['TCP', 'UDP', 'SCTP'] },
    port: { t: 'int', min: 1, max: 65535 },
    targetPort: any,
    nodePort: { t: 'int', min: 0, max: 65535 },
    appProtocol: str,
  },
  required: ['port'],
};

export const service = resource({
  t: 'object',
  fields: {
    type: { t: 'string', enum: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] },
    ports: { t: 'list', of: servicePort },
    selector: { t: 'stringMap' },
    loadBalancerIP: str,
    ipFamilyPolicy: { t: 'string', enum: ['SingleStack', 'PreferDualStack', 'RequireDualStack'] },
    ipFamilies: { t: 'list', of: { t: 'string', enum: ['IPv4', 'IPv6'] } },
    externalTrafficPolicy: { t: 'string', enum: ['Cluster', 'Local'] },
    internalTrafficPolicy: { t: 'string', enum: ['Cluster', 'Local'] },
    clusterIP: any,
    clusterIPs: any,
    externalIPs: any,
    externalName: any,
    sessionAffinity: any,
    sessionAffinityConfig: any,
    loadBalancerClass: str,
    loadBalancerSourceRanges: any,
    allocateLoadBalancerNodePorts: bool,
    healthCheckNodePort: any,
    publishNotReadyAddresses: bool,
    trafficDistribution: any,
  },
});

export const endpointSlice = resource(undefined, {
  addressType: { t: 'string', enum: ['IPv4', 'IPv6', 'FQDN'] },
  endpoints: {
    t: 'list',
    of: {
      t: 'object',
      fields: {
        addresses: stringList,
        conditions: { t: 'object', fields: { ready: bool, serving: bool, terminating: bool } },
        nodeName: str,
        hostname: str,
        zone: str,
        targetRef: any,
        hints: any,
        deprecatedTopology: any,
      },
      required: ['addresses'],
    },
  },
  ports: any,
});

/** apiVersion + kind -> schema. `metallb.io/v1beta1` BGPPeer is accepted for old manifests. */
export const KINDS: ReadonlyMap<string, Schema> = new Map([
  ['metallb.io/v1beta1/IPAddressPool', ipAddressPool],
  ['metallb.io/v1beta1/BGPAdvertisement', bgpAdvertisement],
  ['metallb.io/v1beta1/L2Advertisement', l2Advertisement],
  ['metallb.io/v1beta1/Community', community],
  ['metallb.io/v1beta1/BFDProfile', resource(bfdProfileSchema, {}, false)],
  ['metallb.io/v1beta2/BGPPeer', bgpPeer],
  ['metallb.io/v1beta1/BGPPeer', bgpPeer],
  ['v1/Node', node],
  ['v1/Namespace', namespaceKind],
  ['v1/Secret', secret],
  ['v1/Service', service],
  ['discovery.k8s.io/v1/EndpointSlice', endpointSlice],
]);
