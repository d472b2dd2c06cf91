/**
 * FrrModel -> FRR configuration text: the whole bgpd.conf for a start, and for a change only the
 * commands that turn the applied model into the new one (fed to `vtysh -f`). Pure.
 *
 * Outbound policy per neighbour, in MetalLB's FRR-mode style: prefix-lists name what may leave,
 * one route-map entry per attribute class sets communities, large communities and LOCAL_PREF, and a
 * final deny is the allowed-prefix filter. Policy objects carry a generation number: a changed policy
 * is written under new names and the neighbour switched to it in one step (FRR re-sends only to that
 * neighbour, no session reset), then the old objects are removed.
 */
import { CodedError } from '../../common/errors.ts';
import { classKey, sessionKey, type FrrModel, type NeighborModel, type PolicyClass } from './model.ts';

/** What is running: the model and the policy generation of each neighbour (by BGPPeer name). */
export interface Applied {
  model: FrrModel;
  gens: Record<string, number>;
}

export interface RenderOptions {
  /** bgpd's log file (absolute). */
  logFile: string;
  /** Seconds between connection attempts (FRR's default, 120 s, would leave a peer down for minutes). */
  connectRetry: number;
}

export const DENY_IN = 'lbc-deny-in';
const token = /^[A-Za-z0-9_.:/-]+$/;

function safe(what: string, value: string, pattern = token): string {
  if (!pattern.test(value))
    throw new CodedError(
      'FRR_CONFIG_UNSAFE',
      `${what} ${JSON.stringify(value)} cannot go into an FRR config (allowed: ${pattern})`,
    );
  return value;
}

function num(what: string, n: number, min: number, max: number): string {
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CodedError('FRR_CONFIG_UNSAFE', `${what} ${n} is not an integer in ${min}-${max}`);
  return String(n);
}

/** Names of one neighbour's policy objects in one generation. */
export function policyNames(
  peer: string,
  gen: number,
): { routeMap: string; prefixList: (cls: number, family: 'v4' | 'v6') => string } {
  const base = `lbc-${safe('BGPPeer name', peer, /^[A-Za-z0-9_.-]{1,200}$/)}-g${gen}`;
  return { routeMap: `${base}-out`, prefixList: (cls, family) => `${base}-c${cls}-${family}` };
}

/** Prefix-lists and the route-map of one neighbour (top level). */
export function policyLines(n: NeighborModel, gen: number): string[] {
  const names = policyNames(n.peer, gen);
  const out: string[] = [];
  const entries: string[] = [];
  n.policy.forEach((c, i) => {
    for (const family of ['v4', 'v6'] as const) {
      const prefixes = c[family];
      if (!prefixes.length) continue;
      const pl = names.prefixList(i, family);
      for (const [j, p] of prefixes.entries())
        out.push(
          `${family === 'v4' ? 'ip' : 'ipv6'} prefix-list ${pl} seq ${j + 1} permit ${safe('prefix', p, /^[0-9a-fA-F.:]+\/\d{1,3}$/)}`,
        );
      entries.push(
        `route-map ${names.routeMap} permit ${num('route-map entry', 10 * (i + 1) + (family === 'v6' ? 1 : 0), 1, 65534)}`,
      );
      entries.push(` match ${family === 'v4' ? 'ip' : 'ipv6'} address prefix-list ${pl}`);
      entries.push(...setLines(c));
      entries.push('exit');
    }
  });
  // The allowed-prefix filter: whatever no entry above names does not leave (FRR denies by default too).
  entries.push(`route-map ${names.routeMap} deny 65535`, 'exit');
  return [...out, ...entries];
}

function setLines(c: PolicyClass): string[] {
  const out: string[] = [];
  // MetalLB FRR mode (internal/bgp/frr/frr.go, createConfig): a local-preference modifier only when
  // `adv.LocalPref != 0`; an unset (or 0) localPref goes without LOCAL_PREF and the receiver's default
  // applies. The reference speaker sends an explicit 0 (the document); the suite accepts both.
  if (c.localPref !== undefined && c.localPref !== 0)
    out.push(` set local-preference ${num('localPref', c.localPref, 0, 4294967295)}`);
  if (c.communities.length)
    out.push(` set community ${c.communities.map((x) => safe('community', x, /^\d+:\d+$/)).join(' ')}`);
  if (c.largeCommunities.length)
    out.push(
      ` set large-community ${c.largeCommunities.map((x) => safe('large community', x, /^\d+:\d+:\d+$/)).join(' ')}`,
    );
  return out;
}

export function deletePolicyLines(n: NeighborModel, gen: number): string[] {
  const names = policyNames(n.peer, gen);
  const out = [`no route-map ${names.routeMap}`];
  n.policy.forEach((c, i) => {
    if (c.v4.length) out.push(`no ip prefix-list ${names.prefixList(i, 'v4')}`);
    if (c.v6.length) out.push(`no ipv6 prefix-list ${names.prefixList(i, 'v6')}`);
  });
  return out;
}

/** Session lines of one neighbour (inside `router bgp`). */
export function neighborLines(n: NeighborModel, routerAsn: number, opts: RenderOptions): string[] {
  const a = safe('peer address', n.address, /^[0-9a-fA-F.:]+$/);
  const lines = [` neighbor ${a} remote-as ${num('peerASN', n.remoteAsn, 1, 4294967295)}`];
  // One bgpd has one AS: a peer with another myASN speaks as that AS, without prepending ours.
  if (n.localAsn !== routerAsn)
    lines.push(` neighbor ${a} local-as ${num('myASN', n.localAsn, 1, 4294967295)} no-prepend replace-as`);
  lines.push(` neighbor ${a} description ${safe('BGPPeer name', n.peer)}`);
  if (n.port !== 179) lines.push(` neighbor ${a} port ${num('peerPort', n.port, 1, 65535)}`);
  lines.push(
    ` neighbor ${a} timers ${num('keepaliveTime', n.keepaliveTime, 0, 65535)} ${num('holdTime', n.holdTime, 0, 65535)}`,
  );
  // MetalLB frr.tmpl: `timers connect {{.ConnectTime}}` when the BGPPeer sets connectTime
  lines.push(
    ` neighbor ${a} timers connect ${num('connect retry', n.connectTime ?? opts.connectRetry, 1, 65535)}`,
  );
  // Traditional defaults hold eBGP updates back 30 s (MRAI); the speaker announces changes at once.
  lines.push(` neighbor ${a} advertisement-interval 0`);
  if (n.password !== undefined) lines.push(` neighbor ${a} password ${safe('password', n.password)}`);
  if (n.sourceAddress !== undefined)
    lines.push(` neighbor ${a} update-source ${safe('sourceAddress', n.sourceAddress, /^[0-9a-fA-F.:]+$/)}`);
  if (n.ebgpMultihop && n.remoteAsn !== n.localAsn) lines.push(` neighbor ${a} ebgp-multihop 255`);
  // as MetalLB's neighborsession.tmpl: per neighbour, overriding the router-wide disable
  if (n.gracefulRestart) lines.push(` neighbor ${a} graceful-restart`);
  if (n.bfd)
    lines.push(` neighbor ${a} bfd`, ` neighbor ${a} bfd profile ${safe('bfdProfile', n.bfd.profile)}`);
  return lines;
}

/**
 * bfdd's profiles for the neighbours' BFDProfiles, as MetalLB's bfdprofile.tmpl renders them (every
 * value resolved: FRR's defaults where the profile is silent). Idempotent: sent again with every reload.
 */
export function renderBfdProfiles(m: FrrModel): string[] {
  const profiles = new Map(m.neighbors.filter((n) => n.bfd).map((n) => [n.bfd!.profile, n.bfd!]));
  if (!profiles.size) return [];
  const lines = ['bfd'];
  for (const [name, b] of profiles) {
    lines.push(
      ` profile ${safe('bfdProfile', name)}`,
      `  receive-interval ${num('receiveInterval', b.receiveIntervalMs, 10, 60000)}`,
      `  transmit-interval ${num('transmitInterval', b.transmitIntervalMs, 10, 60000)}`,
      `  detect-multiplier ${num('detectMultiplier', b.detectMultiplier, 2, 255)}`,
      ...(b.echoMode
        ? [
            '  echo-mode',
            `  echo receive-interval ${num('echoInterval', b.echoIntervalMs, 10, 60000)}`,
            `  echo transmit-interval ${num('echoInterval', b.echoIntervalMs, 10, 60000)}`,
          ]
        : []),
      ...(b.passive ? ['  passive-mode'] : []),
      ' exit',
    );
  }
  lines.push('exit');
  return lines;
}

/**
 * Per family: activation, inbound deny (the speaker only announces), outbound policy. A neighbour is
 * activated only in its families (MetalLB's frr.tmpl, `activateNeighborFor`): with
 * `no bgp default ipv4-unicast`, an IPv6 neighbour gets no IPv4 and an IPv4 one no IPv6.
 */
function neighborAfLines(n: NeighborModel, gen: number, afi: 'ipv4' | 'ipv6'): string[] {
  if (!n.families.includes(afi)) return [];
  return [
    `  neighbor ${n.address} activate`,
    `  neighbor ${n.address} route-map ${DENY_IN} in`,
    `  neighbor ${n.address} route-map ${policyNames(n.peer, gen).routeMap} out`,
  ];
}

function routerHeader(m: FrrModel): string[] {
  const r = m.router!;
  return [
    `router bgp ${num('myASN', r.asn, 1, 4294967295)}`,
    ` bgp router-id ${safe('router id', r.routerId, /^\d+\.\d+\.\d+\.\d+$/)}`,
    ' no bgp default ipv4-unicast',
    // Service IPs are not in the node's routing table: announce them anyway (MetalLB does the same).
    ' no bgp network import-check',
    // Graceful restart would let peers keep our routes after a Cease; a stopped speaker must withdraw.
    // Only a BGPPeer with enableGracefulRestart turns it on for its neighbour (below).
    ' bgp graceful-restart-disable',
    // the F bit, as MetalLB's frr.tmpl: the node keeps forwarding while bgpd restarts
    ...(m.neighbors.some((n) => n.gracefulRestart) ? [' bgp graceful-restart preserve-fw-state'] : []),
  ];
}

function routerBlock(m: FrrModel, gens: Record<string, number>, opts: RenderOptions): string[] {
  const r = m.router!;
  const lines = routerHeader(m);
  for (const n of m.neighbors) lines.push(...neighborLines(n, r.asn, opts));
  for (const [family, afi] of [
    ['v4', 'ipv4'],
    ['v6', 'ipv6'],
  ] as const) {
    lines.push(` address-family ${afi} unicast`);
    for (const p of m.networks[family]) lines.push(`  network ${p}`);
    for (const n of m.neighbors) lines.push(...neighborAfLines(n, gens[n.peer]!, afi));
    lines.push(' exit-address-family');
  }
  lines.push('exit');
  return lines;
}

/** First generation of every neighbour's policy. */
export function initialApplied(model: FrrModel): Applied {
  return { model, gens: Object.fromEntries(model.neighbors.map((n) => [n.peer, 1])) };
}

/** The whole bgpd.conf for `applied`. */
export function renderFrrConf(applied: Applied, opts: RenderOptions): string {
  const m = applied.model;
  const lines = [
    'frr defaults traditional',
    `hostname ${safe('node name', m.hostname)}`,
    `log file ${safe('log file', opts.logFile)} debugging`,
    'log timestamp precision 3',
    'debug bgp neighbor-events',
    '!',
    `route-map ${DENY_IN} deny 65535`,
    'exit',
  ];
  if (m.router) {
    for (const n of m.neighbors) lines.push(...policyLines(n, applied.gens[n.peer]!));
    lines.push('!', ...routerBlock(m, applied.gens, opts));
  }
  lines.push('!', '');
  return lines.join('\n');
}

/**
 * The commands that take FRR from `old` to `next`, or undefined when nothing changes. Unchanged
 * neighbours are not touched; a neighbour whose session parameters changed is removed and added
 * again (as the reference rebuilds its session); one whose routes changed only gets a new policy.
 */
export function renderReload(
  old: Applied,
  next: FrrModel,
  opts: RenderOptions,
): { text: string; applied: Applied } | undefined {
  const o = old.model;
  if (!o.router && !next.router) return undefined;
  const gens: Record<string, number> = {};
  if (!o.router || !next.router || o.router.asn !== next.router.asn) {
    // A new AS means a new bgpd instance: everything goes and comes back.
    const lines: string[] = [];
    if (o.router) {
      lines.push(`no router bgp ${o.router.asn}`);
      for (const n of o.neighbors) lines.push(...deletePolicyLines(n, old.gens[n.peer]!));
    }
    if (next.router) {
      for (const n of next.neighbors) {
        gens[n.peer] = (old.gens[n.peer] ?? 0) + 1;
        lines.push(...policyLines(n, gens[n.peer]!));
      }
      lines.push(...routerBlock(next, gens, opts));
    }
    return { text: lines.join('\n') + '\n', applied: { model: next, gens } };
  }
  const before = new Map(o.neighbors.map((n) => [n.peer, n]));
  const after = new Map(next.neighbors.map((n) => [n.peer, n]));
  const newPolicies: string[] = [];
  const dropPolicies: string[] = [];
  const removed: NeighborModel[] = [];
  const added: NeighborModel[] = [];
  const switched: NeighborModel[] = [];
  for (const [peer, n] of before) {
    const m = after.get(peer);
    if (!m || sessionKey(m) !== sessionKey(n)) removed.push(n);
    if (!m || !samePolicy(m.policy, n.policy)) dropPolicies.push(...deletePolicyLines(n, old.gens[peer]!));
  }
  for (const [peer, n] of after) {
    const prev = before.get(peer);
    const samePol = prev !== undefined && samePolicy(prev.policy, n.policy);
    gens[peer] = samePol ? old.gens[peer]! : (old.gens[peer] ?? 0) + 1;
    if (!samePol) newPolicies.push(...policyLines(n, gens[peer]!));
    if (!prev || sessionKey(prev) !== sessionKey(n)) added.push(n);
    else if (!samePol) switched.push(n);
  }
  const router: string[] = [];
  if (o.router.routerId !== next.router.routerId)
    router.push(` bgp router-id ${safe('router id', next.router.routerId, /^\d+\.\d+\.\d+\.\d+$/)}`);
  // An address taken over by another BGPPeer name is removed before it is added again.
  for (const n of removed) router.push(` no neighbor ${n.address}`);
  for (const n of added) router.push(...neighborLines(n, next.router.asn, opts));
  for (const [family, afi] of [
    ['v4', 'ipv4'],
    ['v6', 'ipv6'],
  ] as const) {
    const had = new Set(o.networks[family]);
    const has = new Set(next.networks[family]);
    const af: string[] = [];
    for (const p of next.networks[family]) if (!had.has(p)) af.push(`  network ${p}`);
    for (const n of added) af.push(...neighborAfLines(n, gens[n.peer]!, afi));
    for (const n of switched)
      if (n.families.includes(afi))
        af.push(`  neighbor ${n.address} route-map ${policyNames(n.peer, gens[n.peer]!).routeMap} out`);
    for (const p of o.networks[family]) if (!has.has(p)) af.push(`  no network ${p}`);
    if (af.length) router.push(` address-family ${afi} unicast`, ...af, ' exit-address-family');
  }
  const lines = [
    ...newPolicies,
    ...(router.length ? [`router bgp ${next.router.asn}`, ...router, 'exit'] : []),
    ...dropPolicies,
  ];
  if (!lines.length) return undefined;
  return { text: lines.join('\n') + '\n', applied: { model: next, gens } };
}

function samePolicy(a: readonly PolicyClass[], b: readonly PolicyClass[]): boolean {
  return (
    a.length === b.length &&
    a.every((c, i) => classKey(c) === classKey(b[i]!) && sameList(c.v4, b[i]!.v4) && sameList(c.v6, b[i]!.v6))
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
