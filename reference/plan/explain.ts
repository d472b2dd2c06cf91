/**
 * Why a Service's IPs are (not) announced, per node and peer (BGP) and per node (L2). Whether a row is
 * announced is read from the plan itself (computePlan, the rows the speaker sends); when it is not,
 * the first failing rule says why, asked through the same rule functions the plan's context is built
 * from (rules.ts) and the same readiness and election. A rule added to the plan gets a check here, in
 * its place in the order; a row the plan leaves out while every check passes is reported as
 * UNEXPLAINED, so a missing check shows instead of a wrong reason.
 */
import type { ServiceError } from '../allocate/allocate.ts';
import { formatCidr, maskIP, parseIP } from '../model/ip.ts';
import type { BGPPeer, ClusterConfig } from '../model/types.ts';
import { PlanContext } from './context.ts';
import { computePlan } from './plan.ts';
import { nodeLabels, peerFamilies } from './peers.ts';
import { isOurClass } from '../allocate/allocate.ts';
import {
  bgpAdvertisementSelectsNode,
  bgpAdvertisementTargetsPeer,
  l2AdvertisementSelectsNode,
  peerSessionOnNode,
} from './rules.ts';
import type { Plan, PlanAllocation } from './types.ts';

export interface Reason {
  code: string;
  message: string;
  /** `Kind/name` of the resource that decides. */
  resource?: string;
  field?: string;
}

export interface BgpExplanation {
  node: string;
  peer: string;
  announced: boolean;
  /** The prefixes carrying the Service's IPs on this session (when announced). */
  prefixes: string[];
  reason?: Reason;
}

export interface L2Explanation {
  node: string;
  announced: boolean;
  reason?: Reason;
}

export interface Explanation {
  service: string;
  ips: string[];
  pool?: string;
  /** Set when nothing is announced anywhere for one Service-wide reason (no IP, no advertisement). */
  reason?: Reason;
  bgp: BgpExplanation[];
  l2: L2Explanation[];
}

export interface ExplainOptions {
  node?: string;
  peer?: string;
  /** Nodes whose speakers are up (L2 candidates); default every node. */
  alive?: string[];
}

/** What explaining needs besides the config: what allocation gave, and the plan computed from it. */
export interface ExplainInput {
  config: ClusterConfig;
  allocations: readonly PlanAllocation[];
  serviceErrors: readonly ServiceError[];
}

export function explainService(
  input: ExplainInput,
  serviceKey: string,
  opts: ExplainOptions = {},
): Explanation {
  const { config, allocations, serviceErrors } = input;
  const svc = config.services.find((s) => s.key === serviceKey);
  const out: Explanation = { service: serviceKey, ips: [], bgp: [], l2: [] };
  if (!svc)
    return {
      ...out,
      reason: { code: 'SERVICE_NOT_FOUND', message: `no Service ${serviceKey} in the manifests` },
    };
  const res = `Service/${serviceKey}`;
  if (svc.type !== 'LoadBalancer')
    return {
      ...out,
      reason: {
        code: 'NOT_LOAD_BALANCER',
        message: `type is ${svc.type}`,
        resource: res,
        field: 'spec.type',
      },
    };
  // the same predicate the allocator filters Services with (MetalLB filterByLoadBalancerClass)
  if (!isOurClass(svc, config.speaker?.loadBalancerClass))
    return {
      ...out,
      reason: {
        code: 'OTHER_LOAD_BALANCER_CLASS',
        message: `spec.loadBalancerClass is ${svc.loadBalancerClass ?? 'unset'}, the speaker's is ${config.speaker?.loadBalancerClass ?? 'unset'}: not ours`,
        resource: res,
        field: 'spec.loadBalancerClass',
      },
    };
  const alloc = allocations.find((a) => a.service === serviceKey);
  if (!alloc) {
    const err = serviceErrors.find((e) => e.service === serviceKey);
    return {
      ...out,
      reason: {
        code: 'NO_IP_ALLOCATED',
        message: err ? `${err.message} [${err.code}]` : 'no IPAddressPool gave it an address',
        resource: res,
      },
    };
  }
  out.ips = alloc.ips;
  out.pool = alloc.pool;
  const ctx = new PlanContext(config);
  const plan = computePlan(config, allocations, opts.alive ? { alive: opts.alive } : {});
  const index = new AnnouncedIndex(plan, config);
  const bgpAdvs = ctx.bgpByPool.get(alloc.pool) ?? [];
  const l2Advs = ctx.l2ByPool.get(alloc.pool) ?? [];
  if (!bgpAdvs.length && !l2Advs.length)
    return {
      ...out,
      reason: {
        code: 'NO_ADVERTISEMENT',
        message: `no BGPAdvertisement or L2Advertisement selects the pool ${alloc.pool}`,
        resource: `IPAddressPool/${alloc.pool}`,
      },
    };
  const nodes = ctx.nodes.filter((n) => opts.node === undefined || n === opts.node);
  const peers = ctx.peers.filter((p) => opts.peer === undefined || p.name === opts.peer);
  const ready = ctx.readinessOf(serviceKey);
  const endpointReason = (node: string): Reason | undefined => {
    if (!ready.anyReady)
      return {
        code: 'NO_READY_ENDPOINT',
        message: 'no EndpointSlice lists a ready endpoint for it: nobody announces',
        resource: res,
      };
    if (svc.externalTrafficPolicy === 'Local' && !ready.readyNodes.has(node))
      return {
        code: 'NO_LOCAL_ENDPOINT',
        message: `externalTrafficPolicy Local and no ready endpoint on ${node}`,
        resource: res,
        field: 'spec.externalTrafficPolicy',
      };
    return undefined;
  };
  // ctx.excluded is the set the plan itself skips (label or NetworkUnavailable, MetalLB nodes.go)
  const excludedReason = (node: string): Reason | undefined => {
    if (!ctx.excluded.has(node)) return undefined;
    const n = config.nodes.find((x) => x.name === node);
    return n?.networkUnavailable
      ? {
          code: 'NODE_EXCLUDED',
          message: `${node} has the condition NetworkUnavailable: it neither announces nor is an L2 candidate`,
          resource: `Node/${node}`,
          field: 'status.conditions',
        }
      : {
          code: 'NODE_EXCLUDED',
          message: `${node} is labelled node.kubernetes.io/exclude-from-external-load-balancers (speaker option --ignore-exclude-lb ignores it)`,
          resource: `Node/${node}`,
          field: 'metadata.labels',
        };
  };
  // peerFamilies is what the plan activates a session in (MetalLB FRR mode, activateNeighborFor)
  const familyReason = (peer: BGPPeer, ips: readonly string[]): Reason | undefined => {
    const carried = peerFamilies(peer);
    if (ips.some((ip) => carried.includes(ip.includes(':') ? 'ipv6' : 'ipv4'))) return undefined;
    return {
      code: 'PEER_WRONG_FAMILY',
      message: `BGPPeer ${peer.name} carries ${carried.join(' and ')} only (its peerAddress's family; dualStackAddressFamily: true carries both), the Service's IPs are ${ips.join(', ')}`,
      resource: `BGPPeer/${peer.name}`,
      field: 'spec.dualStackAddressFamily',
    };
  };
  if (bgpAdvs.length)
    for (const node of nodes)
      for (const peer of peers) {
        const prefixes = index.prefixesFor(node, peer.name, alloc.ips);
        if (prefixes) out.bgp.push({ node, peer: peer.name, announced: true, prefixes });
        else
          out.bgp.push({
            node,
            peer: peer.name,
            announced: false,
            prefixes: [],
            reason:
              excludedReason(node) ??
              familyReason(peer, alloc.ips) ??
              bgpReason(
                config,
                bgpAdvs.map((a) => a.adv),
                node,
                peer,
              ) ??
              endpointReason(node) ??
              unexplained(),
          });
      }
  if (l2Advs.length) {
    const owner = plan.l2.find((r) => r.service === serviceKey)?.node;
    const alive = new Set(opts.alive ?? ctx.nodes);
    for (const node of nodes) {
      if (owner === node) {
        out.l2.push({ node, announced: true });
        continue;
      }
      const labels = nodeLabels(config, node);
      const selecting = l2Advs.filter((a) => l2AdvertisementSelectsNode(a.adv, labels));
      const excluded = excludedReason(node);
      const reason: Reason = excluded
        ? excluded
        : !selecting.length
          ? {
              code: 'NODE_NOT_SELECTED',
              message: `no L2Advertisement for the pool selects ${node}`,
              resource: l2Advs.map((a) => `L2Advertisement/${a.adv.name}`).join(', '),
              field: 'spec.nodeSelectors',
            }
          : (endpointReason(node) ??
            (!alive.has(node)
              ? {
                  code: 'NODE_NOT_ALIVE',
                  message: `the speaker on ${node} is not alive`,
                  resource: `Node/${node}`,
                }
              : owner
                ? {
                    code: 'L2_NOT_ELECTED',
                    message: `${owner} is elected for ${alloc.ips[0]} (sha256(node#ip) order among candidates)`,
                    resource: `Node/${owner}`,
                  }
                : unexplained()));
      out.l2.push({ node, announced: false, reason });
    }
  }
  return out;
}

/** The first BGP rule that keeps this (node, peer) from the Service's pool, in the plan's order. */
function bgpReason(
  config: ClusterConfig,
  advs: readonly ClusterConfig['bgpAdvertisements'][number][],
  node: string,
  peer: BGPPeer,
): Reason | undefined {
  const labels = nodeLabels(config, node);
  if (!peerSessionOnNode(peer, labels))
    return {
      code: 'PEER_NOT_ON_NODE',
      message: `BGPPeer ${peer.name} does not select ${node}: no session from there`,
      resource: `BGPPeer/${peer.name}`,
      field: 'spec.nodeSelectors',
    };
  const toPeer = advs.filter((a) => bgpAdvertisementTargetsPeer(a, peer));
  if (!toPeer.length)
    return {
      code: 'PEER_NOT_SELECTED',
      message: `no BGPAdvertisement for the pool names ${peer.name} in its peers`,
      resource: advs.map((a) => `BGPAdvertisement/${a.name}`).join(', '),
      field: 'spec.peers',
    };
  if (!toPeer.some((a) => bgpAdvertisementSelectsNode(a, labels)))
    return {
      code: 'NODE_NOT_SELECTED',
      message: `no BGPAdvertisement for the pool and ${peer.name} selects ${node}`,
      resource: toPeer.map((a) => `BGPAdvertisement/${a.name}`).join(', '),
      field: 'spec.nodeSelectors',
    };
  return undefined;
}

function unexplained(): Reason {
  return {
    code: 'UNEXPLAINED',
    message: 'the plan leaves this out, but no rule known to explain does: explain.ts lacks a check',
  };
}

/**
 * Which of the plan's prefixes carry an IP on a (node, peer) session: an index of the plan's rows, looked
 * up with the IP masked to every length an advertisement uses. Explain and status both read it.
 */
export class AnnouncedIndex {
  private readonly rows: Map<string, { has(prefix: string): boolean }>;
  private readonly lengths: { 4: number[]; 6: number[] };
  /** The families each BGPPeer's session carries (its peerAddress's, or both: dualStackAddressFamily). */
  private readonly families = new Map<string, ('ipv4' | 'ipv6')[]>();

  /**
   * From a plan's rows, or from prefix sets kept elsewhere (a speaker's live routes per session, keyed
   * announcedKey(node, peer)): the same answers without building a plan.
   */
  constructor(source: Plan | Map<string, { has(prefix: string): boolean }>, config: ClusterConfig) {
    if (source instanceof Map) this.rows = source;
    else {
      const rows = new Map<string, Set<string>>();
      for (const r of source.bgp) {
        const k = announcedKey(r.node, r.peer);
        let set = rows.get(k);
        if (!set) rows.set(k, (set = new Set()));
        set.add(r.prefix);
      }
      this.rows = rows;
    }
    for (const p of config.peers) this.families.set(p.name, peerFamilies(p));
    const advs = config.bgpAdvertisements;
    this.lengths = {
      4: [...new Set([32, ...advs.map((a) => a.aggregationLength)])],
      6: [...new Set([128, ...advs.map((a) => a.aggregationLengthV6)])],
    };
  }

  /**
   * Every prefix carrying one of the IPs on (node, peer), or undefined if one IP the session can carry
   * is not carried. IPs of a family the session does not carry are not asked for: a dual-stack Service
   * is announced to an IPv4 BGPPeer by its IPv4 address alone (MetalLB FRR mode, families per peer).
   */
  prefixesFor(node: string, peer: string, ips: readonly string[]): string[] | undefined {
    const set = this.rows.get(announcedKey(node, peer));
    if (!set) return undefined;
    const families = this.families.get(peer) ?? ['ipv4', 'ipv6'];
    const out = new Set<string>();
    for (const text of ips) {
      const ip = parseIP(text);
      if (ip && !families.includes(ip.family === 4 ? 'ipv4' : 'ipv6')) continue;
      const hits = ip
        ? this.lengths[ip.family].map((len) => formatCidr(maskIP(ip, len))).filter((p) => set.has(p))
        : [];
      if (!hits.length) return undefined;
      for (const h of hits) out.add(h);
    }
    return out.size ? [...out] : undefined;
  }
}

export function announcedKey(node: string, peer: string): string {
  return `${node}\0${peer}`;
}

/** What MetalLB's status resources (api/v1beta1 ServiceBGPStatus, ServiceL2Status) would hold, per node. */
export interface ServiceStatuses {
  bgp: { node: string; serviceName: string; serviceNamespace: string; peers: string[] }[];
  l2: { node: string; serviceName: string; serviceNamespace: string; interfaces: { name: string }[] }[];
}

/**
 * From the plan's rows, as explain reads them: a ServiceBGPStatus per (node, Service) listing the peers
 * the node announces it to, a ServiceL2Status for the elected node. `plan`: one already computed (the
 * speaker's); `node`: only that node's objects.
 */
export function serviceStatuses(
  input: ExplainInput,
  opts: Pick<ExplainOptions, 'alive' | 'node'> & { plan?: Plan } = {},
): ServiceStatuses {
  const out: ServiceStatuses = { bgp: [], l2: [] };
  const plan =
    opts.plan ?? computePlan(input.config, input.allocations, opts.alive ? { alive: opts.alive } : {});
  const index = new AnnouncedIndex(plan, input.config);
  const nodes = [...input.config.nodes.map((n) => n.name)]
    .sort()
    .filter((n) => !opts.node || n === opts.node);
  const peers = [...input.config.peers.map((p) => p.name)].sort();
  const l2 = new Map<string, Plan['l2'][number]>();
  for (const r of plan.l2) if (!l2.has(r.service)) l2.set(r.service, r);
  for (const a of [...input.allocations].sort((x, y) => (x.service < y.service ? -1 : 1))) {
    const one = statusesOfService(a, index, nodes, peers, l2.get(a.service), opts.node);
    out.bgp.push(...one.bgp);
    out.l2.push(...one.l2);
  }
  return out;
}

/** One allocated Service's statuses (serviceStatuses, for one Service: what a speaker updates alone). */
export function statusesOfService(
  a: PlanAllocation,
  index: AnnouncedIndex,
  nodes: readonly string[],
  peers: readonly string[],
  l2Row: Plan['l2'][number] | undefined,
  onlyNode?: string,
): ServiceStatuses {
  const out: ServiceStatuses = { bgp: [], l2: [] };
  const [serviceNamespace, serviceName] = a.service.split('/') as [string, string];
  for (const node of nodes) {
    const to = peers.filter((peer) => index.prefixesFor(node, peer, a.ips));
    if (to.length) out.bgp.push({ node, serviceName, serviceNamespace, peers: to });
  }
  if (l2Row && (!onlyNode || l2Row.node === onlyNode))
    out.l2.push({
      node: l2Row.node,
      serviceName,
      serviceNamespace,
      interfaces: l2Row.interfaces.map((name) => ({ name })),
    });
  return out;
}
