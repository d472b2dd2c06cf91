import { isIP } from 'node:net';
/**
 * One document -> one typed resource, with every rule that can be checked from that resource alone.
 * Rules that need other resources (overlaps, aliases, references) are in crosscheck.ts.
 */
import { parseCommunity } from '../model/community.ts';
import { decodeBfdProfile } from './bfd-profiles.ts';
import { parseGoDuration } from '../model/duration.ts';
import {
  compareCidr,
  formatCidr,
  formatIP,
  maskIP,
  parseCidr,
  parseIP,
  rangeToCidrs,
  type Cidr,
} from '../model/ip.ts';
import type { LabelSelector, SelectorOperator } from '../model/selector.ts';
import type * as M from '../model/types.ts';
import { errorAt } from './errors.ts';
import { check, describe, isPlainObject, type Report } from './schema.ts';
import { KINDS } from './schemas.ts';
import { joinPath } from './path.ts';

/** A BGPAdvertisement before community aliases are known. */
export interface PendingBgpAdvertisement extends M.BGPAdvertisement {
  rawCommunities: string[];
}

export interface CommunityAliasDef {
  name: string;
  value: string;
  resource: string;
  field: string;
  src: M.Source;
}

/** Everything decoded so far, in load order. */
export interface Collected {
  pools: M.IPAddressPool[];
  bgpAdvertisements: PendingBgpAdvertisement[];
  l2Advertisements: M.L2Advertisement[];
  peers: M.BGPPeer[];
  bfdProfiles: M.BFDProfile[];
  communityAliases: CommunityAliasDef[];
  nodes: M.Node[];
  services: M.Service[];
  endpointSlices: M.EndpointSlice[];
  namespaces: M.Namespace[];
  /** Secrets in the speaker's namespace: name -> password (BGPPeer passwordSecret). */
  secrets: Map<string, { password?: string; type?: string; src: M.Source }>;
  /** BGPPeers whose passwordSecret is resolved once every Secret is known. */
  pendingSecrets: { peer: M.BGPPeer; secret: string }[];
  /** kind/namespace/name -> where first seen, for duplicate detection. */
  seen: Map<string, M.Source>;
  /** `kind/name` of every resource seen, valid or not, so one bad pool does not also fail every reference to it. */
  names: Set<string>;
  /** Accepted with a note (same shape as errors; never make the config invalid). */
  warnings: M.ValidationError[];
}

export function emptyCollected(): Collected {
  return {
    pools: [],
    bgpAdvertisements: [],
    l2Advertisements: [],
    peers: [],
    bfdProfiles: [],
    communityAliases: [],
    nodes: [],
    services: [],
    endpointSlices: [],
    namespaces: [],
    secrets: new Map(),
    pendingSecrets: [],
    seen: new Map(),
    names: new Set(),
    warnings: [],
  };
}

const METALLB_GROUP = 'metallb.io/';
const SUPPORTED =
  'metallb.io/v1beta1 IPAddressPool, BGPAdvertisement, L2Advertisement, Community, BFDProfile; metallb.io/v1beta2 BGPPeer; v1 Node, Service, List; discovery.k8s.io/v1 EndpointSlice';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (isPlainObject(v) ? v : {});
/** YAML `null` and absent both mean "unset". */
const opt = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));
/** A string with something in it: the Go zero value "" counts as unset. */
const nonEmpty = (v: unknown): boolean => typeof v === 'string' && v !== '';

export function decodeDocument(
  value: unknown,
  src: M.Source,
  opts: { namespace: string },
  out: Collected,
  errors: M.ValidationError[],
): void {
  if (!isPlainObject(value)) {
    errors.push(
      errorAt(
        src,
        '',
        '',
        '',
        'NOT_AN_OBJECT',
        `a document must be a Kubernetes resource (a mapping), got ${describe(value)}`,
      ),
    );
    return;
  }
  const apiVersion = value.apiVersion;
  const kind = value.kind;
  const name = typeof obj(value.metadata).name === 'string' ? (obj(value.metadata).name as string) : '';
  const kindText = typeof kind === 'string' ? kind : '';
  const report: Report = (code, field, message) =>
    errors.push(errorAt(src, kindText, name, field, code, message));
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    if (apiVersion === undefined || apiVersion === null)
      report('MISSING_FIELD', 'apiVersion', 'required field "apiVersion" is missing');
    else if (typeof apiVersion !== 'string')
      report('WRONG_TYPE', 'apiVersion', `got ${describe(apiVersion)}, expected a string`);
    if (kind === undefined || kind === null)
      report('MISSING_FIELD', 'kind', 'required field "kind" is missing');
    else if (typeof kind !== 'string')
      report('WRONG_TYPE', 'kind', `got ${describe(kind)}, expected a string`);
    return;
  }
  if (apiVersion === 'v1' && kind === 'List') {
    decodeList(value, src, opts, out, errors, report);
    return;
  }
  const schema = KINDS.get(`${apiVersion}/${kind}`);
  if (!schema && !apiVersion.startsWith(METALLB_GROUP)) {
    // A live cluster's dump holds kinds the speaker does not use (ConfigMap, Pod, ...): skip them.
    return;
  }
  if (!schema) {
    report(
      'UNKNOWN_KIND',
      'kind',
      `${apiVersion} ${kind} is not a supported resource; supported: ${SUPPORTED}`,
    );
    return;
  }
  if (name !== '') out.names.add(`${kind}/${name}`);
  if (!check(value, schema, '', report)) return;
  if (!validName(kind, name)) {
    report(
      'INVALID_NAME',
      'metadata.name',
      `${describe(name)} is not a valid ${kind} name; expected ${kind === 'Node' ? 'a node name without whitespace, quotes or control characters (at most 253)' : 'a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters'}`,
    );
    return;
  }
  const meta = obj(value.metadata);
  if (typeof meta.namespace === 'string' && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(meta.namespace)) {
    report(
      'INVALID_NAME',
      'metadata.namespace',
      `${describe(meta.namespace)} is not a valid namespace; expected a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters`,
    );
    return;
  }
  const labels = (opt<Record<string, string>>(meta.labels) ?? {}) as Record<string, string>;
  let namespace = opt<string>(meta.namespace) ?? opts.namespace;
  if (apiVersion.startsWith(METALLB_GROUP) && namespace !== opts.namespace) {
    report(
      'WRONG_NAMESPACE',
      'metadata.namespace',
      `namespace ${describe(namespace)} is not the speaker's namespace; MetalLB resources must be in ${JSON.stringify(opts.namespace)} (or omit metadata.namespace)`,
    );
    return;
  }
  if (kind === 'Node') namespace = '';
  const dupKey = `${kind}/${namespace}/${name}`;
  const first = out.seen.get(dupKey);
  if (first) {
    report(
      'DUPLICATE_RESOURCE',
      'metadata.name',
      `${kind} ${describe(name)} is already defined at ${first.file}:${first.line}; names must be unique`,
    );
    return;
  }
  out.seen.set(dupKey, src);
  const spec = obj(value.spec);
  switch (kind) {
    case 'IPAddressPool': {
      const warn: Report = (code, field, message) =>
        out.warnings.push(errorAt(src, kindText, name, field, code, message));
      const p = decodePool(name, labels, spec, src, report, warn);
      if (p) out.pools.push(p);
      return;
    }
    case 'BGPAdvertisement': {
      const a = decodeBgpAdv(name, spec, src, report);
      if (a) out.bgpAdvertisements.push(a);
      return;
    }
    case 'L2Advertisement': {
      const nodeSelectors = selectors(spec.nodeSelectors, 'spec.nodeSelectors', report);
      const poolSelectors = selectors(spec.ipAddressPoolSelectors, 'spec.ipAddressPoolSelectors', report);
      const serviceSelectors = selectors(spec.serviceSelectors, 'spec.serviceSelectors', report);
      if (!nodeSelectors || !poolSelectors || !serviceSelectors) return;
      out.l2Advertisements.push({
        serviceSelectors,
        name,
        ipAddressPools: opt<string[]>(spec.ipAddressPools) ?? [],
        ipAddressPoolSelectors: poolSelectors,
        nodeSelectors,
        interfaces: opt<string[]>(spec.interfaces) ?? [],
        src,
      });
      return;
    }
    case 'BGPPeer': {
      const warn: Report = (code, field, message) =>
        out.warnings.push(errorAt(src, kindText, name, field, code, message));
      const p = decodePeer(name, spec, src, report, warn);
      if (p) {
        out.peers.push(p);
        const ref = obj(spec.passwordSecret).name;
        if (typeof ref === 'string' && ref !== '') out.pendingSecrets.push({ peer: p, secret: ref });
      }
      return;
    }
    case 'BFDProfile':
      out.bfdProfiles.push(decodeBfdProfile(name, spec, src));
      return;
    case 'Community': {
      const list = (opt<Obj[]>(spec.communities) ?? []) as Obj[];
      list.forEach((c, i) => {
        const field = `spec.communities[${i}].value`;
        if (!parseCommunity(c.value as string)) {
          report(
            'INVALID_COMMUNITY',
            field,
            `${describe(c.value)} is not a community; expected a:b (two numbers 0..65535) or large:a:b:c (three numbers 0..4294967295)`,
          );
          return;
        }
        out.communityAliases.push({
          name: c.name as string,
          value: c.value as string,
          resource: name,
          field: `spec.communities[${i}].name`,
          src,
        });
      });
      return;
    }
    case 'Namespace': {
      out.namespaces.push({ name, labels });
      return;
    }
    case 'Secret': {
      if (namespace !== opts.namespace) return; // MetalLB reads Secrets of its own namespace only
      const v = value as {
        type?: unknown;
        data?: Record<string, string>;
        stringData?: Record<string, string>;
      };
      const fromData =
        v.data?.password !== undefined ? Buffer.from(v.data.password, 'base64').toString('utf8') : undefined;
      const password = v.stringData?.password ?? fromData;
      out.secrets.set(name, {
        ...(password !== undefined ? { password } : {}),
        ...(typeof v.type === 'string' ? { type: v.type } : {}),
        src,
      });
      return;
    }
    case 'Node': {
      // status.addresses (InternalIP first): where the L2 membership reaches this node's speaker.
      const status = (value as { status?: { addresses?: { type?: unknown; address?: unknown }[] } }).status;
      const list = Array.isArray(status?.addresses) ? status.addresses : [];
      const ips = (internal: boolean) =>
        list
          .filter((a) => (a?.type === 'InternalIP') === internal)
          .map((a) => a?.address)
          .filter((a): a is string => typeof a === 'string' && isIP(a) !== 0);
      const internalIPs = ips(true);
      const addresses = [...internalIPs, ...ips(false)];
      const conditions = (value as { status?: { conditions?: { type?: unknown; status?: unknown }[] } })
        .status?.conditions;
      const networkUnavailable =
        Array.isArray(conditions) &&
        conditions.some((c) => c?.type === 'NetworkUnavailable' && c?.status === 'True');
      out.nodes.push({ name, labels, addresses, internalIPs, networkUnavailable, src });
      return;
    }
    case 'Service': {
      const s = decodeService(name, namespace, meta, spec, value.status, src);
      out.services.push(s);
      return;
    }
    case 'EndpointSlice': {
      const svc = labels['kubernetes.io/service-name'];
      if (svc === undefined || svc === '') {
        report(
          'MISSING_FIELD',
          'metadata.labels["kubernetes.io/service-name"]',
          'an EndpointSlice needs the label kubernetes.io/service-name naming its Service',
        );
        return;
      }
      const endpoints = ((opt<Obj[]>(value.endpoints) ?? []) as Obj[]).map((e) => {
        const nodeName = opt<string>(e.nodeName);
        const cond = obj(e.conditions);
        const addresses = e.addresses as string[];
        // MetalLB epslices.EndpointCanServe: ready unset or true, or serving true (a terminating pod
        // that still serves keeps the announcement); speaker hasHealthyEndpoint also needs an address.
        const canServe = (opt<boolean>(cond.ready) ?? true) === true || opt<boolean>(cond.serving) === true;
        return {
          addresses,
          ...(nodeName !== undefined ? { nodeName } : {}),
          ready: canServe && addresses.length > 0,
        };
      });
      out.endpointSlices.push({ namespace, name, serviceKey: `${namespace}/${svc}`, endpoints, src });
      return;
    }
  }
}

function decodeList(
  value: Obj,
  src: M.Source,
  opts: { namespace: string },
  out: Collected,
  errors: M.ValidationError[],
  report: Report,
): void {
  const items = value.items;
  if (!Array.isArray(items)) {
    report('WRONG_TYPE', 'items', `got ${describe(items)}, expected a list of resources`);
    return;
  }
  items.forEach((item, i) => {
    // Re-root the line map at the item so its errors read `spec.x`, not `items[3].spec.x`.
    const prefix = `items[${i}]`;
    const lines = new Map<string, number>();
    for (const [k, l] of src.lines ?? []) {
      if (k === prefix) lines.set('', l);
      else if (k.startsWith(prefix + '.')) lines.set(k.slice(prefix.length + 1), l);
      else if (k.startsWith(prefix + '[')) lines.set(k.slice(prefix.length), l);
    }
    decodeDocument(
      item,
      { file: src.file, line: src.lines?.get(prefix) ?? src.line, lines },
      opts,
      out,
      errors,
    );
  });
}

/** Label selectors, with the operator/values consistency Kubernetes requires. */
export function selectors(v: unknown, field: string, report: Report): LabelSelector[] | undefined {
  const list = (opt<Obj[]>(v) ?? []) as Obj[];
  let ok = true;
  const out = list.map((s, i) => {
    const exprs = ((opt<Obj[]>(s.matchExpressions) ?? []) as Obj[]).map((e, j) => {
      const operator = e.operator as SelectorOperator;
      const values = (opt<string[]>(e.values) ?? []) as string[];
      const f = joinPath(joinPath(joinPath(field, i), 'matchExpressions'), j);
      if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
        report('INVALID_SELECTOR', `${f}.values`, `operator ${operator} needs at least one value`);
        ok = false;
      }
      if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
        report(
          'INVALID_SELECTOR',
          `${f}.values`,
          `operator ${operator} takes no values, got ${values.length}`,
        );
        ok = false;
      }
      return { key: e.key as string, operator, values };
    });
    return {
      matchLabels: { ...((opt<Record<string, string>>(s.matchLabels) ?? {}) as Record<string, string>) },
      matchExpressions: exprs,
    };
  });
  return ok ? out : undefined;
}

function decodePool(
  name: string,
  labels: Record<string, string>,
  spec: Obj,
  src: M.Source,
  report: Report,
  warn: Report,
): M.IPAddressPool | undefined {
  const entries: M.PoolEntry[] = [];
  let ok = true;
  (spec.addresses as string[]).forEach((text, i) => {
    const field = `spec.addresses[${i}]`;
    const cidrs = parsePoolEntry(text, field, report, warn);
    if (!cidrs) ok = false;
    else entries.push({ text, family: cidrs[0]!.family, cidrs });
  });
  if (!ok) return undefined;
  const sa = opt<Obj>(spec.serviceAllocation);
  let serviceAllocation: M.ServiceAllocation | undefined;
  if (sa !== undefined) {
    const nsSel = selectors(sa.namespaceSelectors, 'spec.serviceAllocation.namespaceSelectors', report);
    const svcSel = selectors(sa.serviceSelectors, 'spec.serviceAllocation.serviceSelectors', report);
    if (!nsSel || !svcSel) return undefined;
    serviceAllocation = {
      priority: opt<number>(sa.priority) ?? 0,
      namespaces: opt<string[]>(sa.namespaces) ?? [],
      namespaceSelectors: nsSel,
      serviceSelectors: svcSel,
    };
  }
  return {
    ...(serviceAllocation ? { serviceAllocation } : {}),
    name,
    labels,
    entries,
    cidrs: entries.flatMap((e) => e.cidrs).sort(compareCidr),
    autoAssign: opt<boolean>(spec.autoAssign) ?? true,
    avoidBuggyIPs: opt<boolean>(spec.avoidBuggyIPs) ?? false,
    src,
  };
}

/** `a/len` or an inclusive range `a-b`, summarised to CIDRs. */
export function parsePoolEntry(
  text: string,
  field: string,
  report: Report,
  warn: Report = () => {},
): Cidr[] | undefined {
  if (text.includes('-')) {
    const parts = text.split('-');
    const valid = 'expected "start-end" with two addresses of the same family, start <= end';
    if (parts.length !== 2) {
      report('INVALID_RANGE', field, `${describe(text)} is not a range; ${valid}`);
      return undefined;
    }
    const start = parseIP(parts[0]!.trim());
    const end = parseIP(parts[1]!.trim());
    if (!start) {
      report(
        'INVALID_RANGE',
        field,
        `range ${describe(text)} has an invalid start ${describe(parts[0]!.trim())}; ${valid}`,
      );
      return undefined;
    }
    if (!end) {
      report(
        'INVALID_RANGE',
        field,
        `range ${describe(text)} has an invalid end ${describe(parts[1]!.trim())}; ${valid}`,
      );
      return undefined;
    }
    if (start.family !== end.family) {
      report('INVALID_RANGE', field, `range ${describe(text)} mixes IPv4 and IPv6; ${valid}`);
      return undefined;
    }
    if (start.value > end.value) {
      report(
        'INVALID_RANGE',
        field,
        `range ${describe(text)} starts after it ends (${formatIP(start)} > ${formatIP(end)}); ${valid}`,
      );
      return undefined;
    }
    return rangeToCidrs(start, end);
  }
  const trimmed = text.trim();
  const slash = trimmed.lastIndexOf('/');
  const hostIP = slash > 0 ? parseIP(trimmed.slice(0, slash)) : undefined;
  const lenText = slash > 0 ? trimmed.slice(slash + 1) : '';
  // Go's net.ParseCIDR reads the length with dtoi, so leading zeros are fine there (/024 is /24).
  const len =
    hostIP && /^\d+$/.test(lenText) && Number(lenText) <= (hostIP.family === 4 ? 32 : 128)
      ? Number(lenText)
      : undefined;
  const r = parseCidr(len === undefined ? trimmed : `${trimmed.slice(0, slash)}/${len}`);
  // Go's net.ParseCIDR takes 198.51.100.10/24 as its network, and MetalLB's own docs write pools that
  // way: accept, and say what it means.
  const network = !r.ok && hostIP && len !== undefined ? maskIP(hostIP, len) : undefined;
  // MetalLB internal/config/config.go ParseCIDR trims the two ends of a range but hands a CIDR to
  // net.ParseCIDR as written, so " 203.0.113.0/24" is refused there: refused here too, saying why.
  if ((r.ok || network) && text !== trimmed) {
    report(
      'INVALID_CIDR',
      field,
      `${describe(text)} has spaces around it; MetalLB refuses them in a CIDR (only a range's two ends may be padded); write ${describe(trimmed)}`,
    );
    return undefined;
  }
  if (network) {
    warn(
      'CIDR_HOST_BITS',
      field,
      `${describe(text)} has host bits set; it is taken as the network ${formatCidr(network)} (as MetalLB does); write ${formatCidr(network)} to say so`,
    );
    return [network];
  }
  if (!r.ok) {
    const bare = parseIP(trimmed);
    const hint = bare
      ? `; for a single address write ${formatCidr({ family: bare.family, addr: bare.value, len: bare.family === 4 ? 32 : 128 })}`
      : '';
    report(
      'INVALID_CIDR',
      field,
      `${describe(text)} is not a valid CIDR (${r.reason}${hint}); expected e.g. 203.0.113.200/30 or a range 4.4.4.100-4.4.4.200`,
    );
    return undefined;
  }
  return [r.value];
}

function decodeBgpAdv(
  name: string,
  spec: Obj,
  src: M.Source,
  report: Report,
): PendingBgpAdvertisement | undefined {
  const nodeSelectors = selectors(spec.nodeSelectors, 'spec.nodeSelectors', report);
  const poolSelectors = selectors(spec.ipAddressPoolSelectors, 'spec.ipAddressPoolSelectors', report);
  const serviceSelectors = selectors(spec.serviceSelectors, 'spec.serviceSelectors', report);
  if (!nodeSelectors || !poolSelectors || !serviceSelectors) return undefined;
  const localPref = opt<number>(spec.localPref);
  return {
    name,
    aggregationLength: opt<number>(spec.aggregationLength) ?? 32,
    aggregationLengthV6: opt<number>(spec.aggregationLengthV6) ?? 128,
    ...(localPref !== undefined ? { localPref } : {}),
    communities: [],
    largeCommunities: [],
    rawCommunities: opt<string[]>(spec.communities) ?? [],
    ipAddressPools: opt<string[]>(spec.ipAddressPools) ?? [],
    ipAddressPoolSelectors: poolSelectors,
    nodeSelectors,
    peers: opt<string[]>(spec.peers) ?? [],
    serviceSelectors,
    src,
  };
}

/** A Go duration in milliseconds, or undefined (reported). Go's int64 nanoseconds bound it. */
function durationMs(v: unknown, field: string, report: Report): number | undefined {
  const ms = parseGoDuration(v as string);
  if (ms === undefined || ms < 0 || ms > 9_223_372_036_854) {
    report(
      'INVALID_DURATION',
      field,
      `${describe(v)} is not a valid duration; expected a non-negative Go duration, e.g. "90s" or "1m30s"`,
    );
    return undefined;
  }
  return ms;
}

function decodePeer(
  name: string,
  spec: Obj,
  src: M.Source,
  report: Report,
  warn: Report,
): M.BGPPeer | undefined {
  let ok = true;
  const addr = (field: string, v: unknown): string | undefined => {
    if (v === undefined || v === null) return undefined;
    const ip = parseIP(v as string);
    if (!ip) {
      report('INVALID_ADDRESS', field, `${describe(v)} is not an IPv4 or IPv6 address`);
      ok = false;
      return undefined;
    }
    return formatIP(ip);
  };
  // MetalLB internal/config/validation.go + api/v1beta2: peerAddress xor interface, peerASN xor dynamicASN
  const iface = opt<string>(spec.interface);
  if (iface !== undefined && iface !== '') {
    if (opt(spec.peerAddress) !== undefined) {
      report('INVALID_VALUE', 'spec.interface', 'interface and peerAddress are mutually exclusive; set one');
      return undefined;
    }
    warn(
      'NOT_IMPLEMENTED',
      'spec.interface',
      `unnumbered peering over interface ${JSON.stringify(iface)} is not implemented; this BGPPeer is not used`,
    );
    return undefined;
  }
  if (opt(spec.peerAddress) === undefined) {
    report('MISSING_FIELD', 'spec.peerAddress', 'required field "peerAddress" is missing (or set interface)');
    return undefined;
  }
  const dynamicASN = opt<string>(spec.dynamicASN);
  if ((opt(spec.peerASN) === undefined) === (dynamicASN === undefined)) {
    report(
      opt(spec.peerASN) === undefined ? 'MISSING_FIELD' : 'INVALID_VALUE',
      'spec.peerASN',
      'exactly one of peerASN and dynamicASN must be set',
    );
    return undefined;
  }
  if (dynamicASN === 'external') {
    warn(
      'NOT_IMPLEMENTED',
      'spec.dynamicASN',
      'dynamicASN: external (any AS but myASN) is not implemented; this BGPPeer is not used',
    );
    return undefined;
  }
  const vrfName = opt<string>(spec.vrf);
  if (vrfName !== undefined && vrfName !== '') {
    warn(
      'NOT_IMPLEMENTED',
      'spec.vrf',
      `peering in VRF ${JSON.stringify(vrfName)} is not implemented; this BGPPeer is not used`,
    );
    return undefined;
  }
  // MetalLB internal/config/config.go (peerFromCR, passwordForPeer) refuses only two non-empty values.
  if (nonEmpty(spec.password) && nonEmpty(obj(spec.passwordSecret).name)) {
    report('INVALID_VALUE', 'spec.passwordSecret', 'password and passwordSecret are mutually exclusive');
    return undefined;
  }
  const peerAddress = addr('spec.peerAddress', spec.peerAddress);
  const sourceAddress = addr('spec.sourceAddress', spec.sourceAddress);
  const routerIDText = opt<string>(spec.routerID);
  let routerID: string | undefined;
  if (routerIDText !== undefined) {
    const ip = parseIP(routerIDText);
    if (ip?.family !== 4) {
      report(
        'INVALID_ROUTER_ID',
        'spec.routerID',
        `${describe(routerIDText)} is not a router ID; expected an IPv4 address such as 192.0.2.10`,
      );
      ok = false;
    } else routerID = formatIP(ip);
  }
  // api/v1beta2 BGPPeerSpec.ConnectTime: 1..65535 s, whole seconds (CRD validation rules).
  let connectTime: number | undefined;
  if (opt(spec.connectTime) !== undefined) {
    const ms = parseGoDuration(spec.connectTime as string);
    if (ms === undefined || ms % 1000 !== 0 || ms < 1000 || ms > 65535000) {
      report(
        'INVALID_CONNECT_TIME',
        'spec.connectTime',
        `${describe(spec.connectTime)} is not a valid connect time; expected a whole number of seconds between 1s and 65535s (18h12m15s)`,
      );
      ok = false;
    } else connectTime = ms / 1000;
  }
  const ht =
    opt(spec.holdTime) !== undefined ? durationMs(spec.holdTime, 'spec.holdTime', report) : undefined;
  const ka =
    opt(spec.keepaliveTime) !== undefined
      ? durationMs(spec.keepaliveTime, 'spec.keepaliveTime', report)
      : undefined;
  if (
    (opt(spec.holdTime) !== undefined && ht === undefined) ||
    (opt(spec.keepaliveTime) !== undefined && ka === undefined)
  )
    ok = false;
  // MetalLB's derivation: one timer given -> the other follows (keepalive = hold/3, hold = 3 x keepalive).
  // MetalLB config.go parseTimers derives from the durations, then whole seconds are used (rounded
  // down: frr.go `int64(*s.HoldTime / time.Second)`), so 1.5s keepalive gives hold 4s, keepalive 1s.
  let holdMs = 90_000;
  let keepaliveMs = 30_000;
  if (ht !== undefined && ka !== undefined) [holdMs, keepaliveMs] = [ht, ka];
  else if (ht !== undefined) [holdMs, keepaliveMs] = [ht, ht / 3];
  else if (ka !== undefined) [holdMs, keepaliveMs] = [ka * 3, ka];
  const holdTime = Math.floor(holdMs / 1000);
  const keepaliveTime = Math.floor(keepaliveMs / 1000);
  if (ok && holdTime !== 0 && holdTime < 3) {
    report(
      'INVALID_HOLD_TIME',
      'spec.holdTime',
      `hold time ${holdTime}s is invalid; expected 0s (no keepalives) or at least 3s`,
    );
    ok = false;
  } else if (ok && holdTime > 65535) {
    // The OPEN message carries the hold time in 16 bits.
    report(
      'INVALID_HOLD_TIME',
      ht !== undefined ? 'spec.holdTime' : 'spec.keepaliveTime',
      `hold time ${holdTime}s is invalid; BGP allows at most 65535s (18h12m15s)`,
    );
    ok = false;
  } else if (ok && keepaliveMs > holdMs) {
    // MetalLB config.go parseTimers: `*keepaliveTime > *holdTime` is the error; equal is allowed.
    report(
      'INVALID_KEEPALIVE_TIME',
      ka !== undefined ? 'spec.keepaliveTime' : 'spec.holdTime',
      `keepalive time ${keepaliveTime}s must not exceed the hold time ${holdTime}s`,
    );
    ok = false;
  }
  const myASN = spec.myASN as number;
  const localASN = opt<number>(spec.localASN);
  // dynamicASN internal: the peer is in our AS, exactly as peerASN = myASN (the session's own AS)
  const peerASN = dynamicASN === 'internal' ? (localASN ?? myASN) : (spec.peerASN as number);
  const ebgpMultiHop = opt<boolean>(spec.ebgpMultiHop) ?? false;
  if (ebgpMultiHop && (localASN ?? myASN) === peerASN) {
    report(
      'EBGP_MULTIHOP_ON_IBGP',
      'spec.ebgpMultiHop',
      `ebgpMultiHop is set but the session is iBGP (myASN = peerASN = ${myASN}); remove it or use a different peerASN`,
    );
    ok = false;
  }
  const password = opt<string>(spec.password);
  if (password !== undefined && Buffer.byteLength(password, 'utf8') > 80) {
    // Linux takes at most 80 bytes of TCP MD5 key (TCP_MD5SIG_MAXKEYLEN); a longer one cannot be used as written.
    report(
      'INVALID_VALUE',
      'spec.password',
      `the password is ${Buffer.byteLength(password, 'utf8')} bytes; a TCP MD5 key holds at most 80`,
    );
    ok = false;
  }
  const nodeSelectors = selectors(spec.nodeSelectors, 'spec.nodeSelectors', report);
  if (!ok || !nodeSelectors || peerAddress === undefined) return undefined;
  const bfdProfile = opt<string>(spec.bfdProfile);
  const vrf = opt<string>(spec.vrf);
  const enableGracefulRestart = opt<boolean>(spec.enableGracefulRestart) ?? false;
  // api/v1beta2/bgppeer_types.go: disableMP is deprecated in favour of dualStackAddressFamily and has
  // no effect in FRR mode (internal/bgp/frr/frr.go never reads it).
  if (opt<boolean>(spec.disableMP) !== undefined)
    warn(
      'DEPRECATED_FIELD',
      'spec.disableMP',
      'disableMP is deprecated and has no effect; a BGPPeer carries the family of its peerAddress, set dualStackAddressFamily: true to carry both',
    );
  return {
    name,
    myASN,
    peerASN,
    peerAddress,
    peerPort: opt<number>(spec.peerPort) ?? 179,
    ...(sourceAddress !== undefined ? { sourceAddress } : {}),
    holdTime,
    keepaliveTime,
    ...(routerID !== undefined ? { routerID } : {}),
    nodeSelectors,
    ...(password !== undefined && password !== '' ? { password } : {}),
    ebgpMultiHop,
    ...(bfdProfile !== undefined ? { bfdProfile } : {}),
    ...(vrf !== undefined && vrf !== '' ? { vrf } : {}),
    ...(enableGracefulRestart ? { enableGracefulRestart } : {}),
    dualStackAddressFamily: opt<boolean>(spec.dualStackAddressFamily) ?? false,
    ...(connectTime !== undefined ? { connectTime } : {}),
    ...(localASN !== undefined ? { localASN } : {}),
    src,
  };
}

function decodeService(
  name: string,
  namespace: string,
  meta: Obj,
  spec: Obj,
  status: unknown,
  src: M.Source,
): M.Service {
  const lbIP = opt<string>(spec.loadBalancerIP);
  const lbClass = opt<string>(spec.loadBalancerClass);
  // status.loadBalancer.ingress[].ip: what a live cluster's dump carries (the controller's answer).
  const ingress = obj(obj(status).loadBalancer).ingress;
  const statusIPs = (Array.isArray(ingress) ? ingress : [])
    .map((i) => obj(i).ip)
    .filter((ip): ip is string => typeof ip === 'string' && isIP(ip) !== 0);
  return {
    namespace,
    name,
    key: `${namespace}/${name}`,
    type: opt<M.Service['type']>(spec.type) ?? 'ClusterIP',
    labels: { ...((opt<Record<string, string>>(meta.labels) ?? {}) as Record<string, string>) },
    annotations: (opt<Record<string, string>>(meta.annotations) ?? {}) as Record<string, string>,
    ...(lbIP !== undefined && lbIP !== '' ? { loadBalancerIP: lbIP } : {}),
    ipFamilyPolicy: opt<M.IPFamilyPolicy>(spec.ipFamilyPolicy) ?? 'SingleStack',
    ipFamilies: opt<M.IPFamily[]>(spec.ipFamilies) ?? [],
    externalTrafficPolicy: opt<'Cluster' | 'Local'>(spec.externalTrafficPolicy) ?? 'Cluster',
    ports: ((opt<Obj[]>(spec.ports) ?? []) as Obj[]).map((p) => ({
      ...(typeof p.name === 'string' && p.name !== '' ? { name: p.name } : {}),
      protocol: opt<'TCP' | 'UDP' | 'SCTP'>(p.protocol) ?? 'TCP',
      port: p.port as number,
    })),
    selector: { ...((opt<Record<string, string>>(spec.selector) ?? {}) as Record<string, string>) },
    ...(lbClass !== undefined && lbClass !== '' ? { loadBalancerClass: lbClass } : {}),
    statusIPs,
    src,
  };
}

/**
 * Kubernetes would never store other names; rejecting them here also keeps hostile strings (quotes,
 * newlines, `; rm`, config keywords) out of logs, file names and any rendered configuration. Node
 * names are looser because the document's examples use NodeA.
 */
function validName(kind: string, name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  if (kind === 'Node') return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name);
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);
}
