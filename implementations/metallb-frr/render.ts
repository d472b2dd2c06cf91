/**
 * FrrConfig -> FRR configuration text in the shape of MetalLB's templates (internal/bgp/frr/templates:
 * frr.tmpl, prefixfilters.tmpl, neighborsession.tmpl, neighboripfamily.tmpl), and the vtysh commands
 * that take a running bgpd from one FrrConfig to the next. Pure.
 *
 * Deliberate differences from MetalLB's output, each because the suite's lab needs it (listed in the
 * README): `log file` instead of `log stdout`; `ip/ipv6 nht resolve-via-default` go to zebra's own file
 * (speaker.ts, zebraLines: MetalLB has one integrated frr.conf, bgpd alone refuses them); `timers connect` from --connect-retry when the BGPPeer
 * gives no connectTime (MetalLB's bgpd has no listener, so FRR's 120 s default would keep a restarted
 * peer down for minutes); `advertisement-interval 0` (FRR's traditional eBGP MRAI holds updates 30 s);
 * `bgp route-map delay-timer 0`: policy changes apply at once (with FRR's delay a `network` added in
 * the same reload as its prefix-list entries left with the policy as it was before, without its
 * communities, and was never re-evaluated: seen in the S2 feature).
 */
import { CodedError } from '../../common/errors.ts';
import type { FrrConfig, NeighborConfig, RouterConfig } from './desired.ts';

export interface RenderOptions {
  /** bgpd's log file (absolute). */
  logFile: string;
  /** Seconds between connection attempts. */
  connectRetry: number;
  /** Seconds FRR waits before re-evaluating policies after a change (the speaker uses 0). */
  routeMapDelay: number;
}

const safeRe = {
  addr: /^[0-9a-fA-F.:]+$/,
  prefix: /^[0-9a-fA-F.:]+\/\d{1,3}$/,
  word: /^[A-Za-z0-9_.:/-]+$/,
  set: /^set (community \d+:\d+|large-community \d+:\d+:\d+) additive$|^set local-preference \d+$/,
};

function safe(what: string, value: string, re: RegExp): string {
  if (!re.test(value))
    throw new CodedError(
      'METALLB_FRR_UNSAFE',
      `${what} ${JSON.stringify(value)} cannot go into an FRR config (allowed: ${re})`,
    );
  return value;
}

/** prefixfilters.tmpl `neighborfilters`: the in/out route-maps and their prefix-lists. */
export function neighborFilterLines(n: NeighborConfig): string[] {
  const id = safe('peer address', n.addr, safeRe.addr);
  const counters = new Map<string, number>();
  const counter = (name: string): number => {
    const c = (counters.get(name) ?? 0) + 1;
    counters.set(name, c);
    return c;
  };
  const out = [`route-map ${id}-in deny 20`];
  for (const pl of [...n.localPrefPrefixLists, ...n.communityPrefixLists]) {
    const name = safe('prefix-list name', pl.name, safeRe.word);
    for (const p of pl.prefixes)
      out.push(
        `${pl.ipFamily} prefix-list ${name} seq ${counter(name)} permit ${safe('prefix', p, safeRe.prefix)}`,
      );
    out.push(
      '',
      `route-map ${id}-out permit ${counter(id)}`,
      `  match ${pl.ipFamily} address prefix-list ${name}`,
      `  ${safe('set statement', pl.set, safeRe.set)}`,
      '  on-match next',
      '',
    );
  }
  for (const [fam, kw, list] of [
    ['ipv4', 'ip', n.prefixesV4],
    ['ipv6', 'ipv6', n.prefixesV6],
  ] as const) {
    const name = `${id}-allowed-${fam}`;
    out.push('');
    if (list.length === 0) out.push(`${kw} prefix-list ${name} seq ${counter(name)} deny any`);
    for (const p of list)
      out.push(`${kw} prefix-list ${name} seq ${counter(name)} permit ${safe('prefix', p, safeRe.prefix)}`);
  }
  out.push(
    '',
    `route-map ${id}-out permit ${counter(id)}`,
    `  match ip address prefix-list ${id}-allowed-ipv4`,
    '',
    `route-map ${id}-out permit ${counter(id)}`,
    `  match ipv6 address prefix-list ${id}-allowed-ipv6`,
  );
  return out;
}

/** Removes every object neighborFilterLines(n) creates. */
export function deleteFilterLines(n: NeighborConfig): string[] {
  const id = n.addr;
  return [
    `no route-map ${id}-out`,
    `no route-map ${id}-in`,
    ...[...n.localPrefPrefixLists, ...n.communityPrefixLists].map(
      (pl) => `no ${pl.ipFamily} prefix-list ${pl.name}`,
    ),
    `no ip prefix-list ${id}-allowed-ipv4`,
    `no ipv6 prefix-list ${id}-allowed-ipv6`,
  ];
}

function num(what: string, n: number, min: number, max: number): string {
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CodedError('METALLB_FRR_UNSAFE', `${what} ${n} is not an integer in ${min}-${max}`);
  return String(n);
}

/** neighborsession.tmpl (inside `router bgp`). */
export function neighborSessionLines(n: NeighborConfig, routerASN: number, opts: RenderOptions): string[] {
  const a = safe('peer address', n.addr, safeRe.addr);
  const lines = [`  neighbor ${a} remote-as ${num('peerASN', n.asn, 1, 4294967295)}`];
  if (n.ebgpMultiHop) lines.push(`  neighbor ${a} ebgp-multihop`);
  lines.push(`  neighbor ${a} port ${num('peerPort', n.port, 1, 65535)}`);
  lines.push(
    `  neighbor ${a} timers ${num('keepaliveTime', n.keepaliveTime, 0, 65535)} ${num('holdTime', n.holdTime, 0, 65535)}`,
  );
  lines.push(`  neighbor ${a} timers connect ${num('connect retry', opts.connectRetry, 1, 65535)}`);
  lines.push(`  neighbor ${a} advertisement-interval 0`);
  if (n.password !== undefined)
    lines.push(`  neighbor ${a} password ${safe('password', n.password, safeRe.word)}`);
  if (n.srcAddr !== undefined)
    lines.push(`  neighbor ${a} update-source ${safe('sourceAddress', n.srcAddr, safeRe.addr)}`);
  // config.go mustDisableConnectedCheck: an IPv6 one-hop eBGP neighbour.
  if (n.family === 'ipv6' && !n.ebgpMultiHop && n.asn !== routerASN)
    lines.push(`  neighbor ${a} disable-connected-check`);
  return lines;
}

/** neighboripfamily.tmpl: activation per family (both only for dual-stack neighbours). */
export function neighborFamilyLines(n: NeighborConfig): string[] {
  const out: string[] = [];
  for (const fam of ['ipv4', 'ipv6'] as const) {
    if (n.family !== fam && n.family !== 'dual') continue;
    out.push(
      `  address-family ${fam} unicast`,
      `    neighbor ${n.addr} activate`,
      `    neighbor ${n.addr} route-map ${n.addr}-in in`,
      `    neighbor ${n.addr} route-map ${n.addr}-out out`,
      '  exit-address-family',
    );
  }
  return out;
}

function routerHeader(r: RouterConfig): string[] {
  return [
    `router bgp ${num('myASN', r.myASN, 1, 4294967295)}`,
    '  no bgp ebgp-requires-policy',
    '  no bgp network import-check',
    '  no bgp default ipv4-unicast',
    '  bgp graceful-restart preserve-fw-state',
    ...(r.routerID ? ['', `  bgp router-id ${safe('routerID', r.routerID, /^\d+\.\d+\.\d+\.\d+$/)}`] : []),
  ];
}

function networkLines(fam: 'ipv4' | 'ipv6', prefixes: readonly string[]): string[] {
  if (prefixes.length === 0) return [];
  return [
    `  address-family ${fam} unicast`,
    ...prefixes.map((p) => `    network ${safe('prefix', p, safeRe.prefix)}`),
    '  exit-address-family',
  ];
}

function routerLines(r: RouterConfig, opts: RenderOptions): string[] {
  return [
    ...routerHeader(r),
    ...r.neighbors.flatMap((n) => neighborSessionLines(n, r.myASN, opts)),
    '',
    ...r.neighbors.flatMap(neighborFamilyLines),
    ...networkLines('ipv4', r.ipv4Prefixes),
    ...networkLines('ipv6', r.ipv6Prefixes),
  ];
}

/** frr.tmpl: the whole configuration bgpd starts from. */
export function renderConfig(c: FrrConfig, opts: RenderOptions): string {
  if (c.routers.length > 1)
    throw new CodedError(
      'METALLB_FRR_MULTIPLE_ROUTERS',
      `node ${c.hostname}: BGPPeers need ${c.routers.length} routers (myASN/routerID differ); one bgpd has one`,
    );
  const lines = [
    `log file ${safe('log file', opts.logFile, safeRe.word)} informational`,
    'log timestamp precision 3',
    `hostname ${safe('node name', c.hostname, safeRe.word)}`,
    `bgp route-map delay-timer ${num('route-map delay', opts.routeMapDelay, 0, 600)}`,
  ];
  for (const r of c.routers) for (const n of r.neighbors) lines.push(...neighborFilterLines(n));
  lines.push('');
  for (const r of c.routers) lines.push(...routerLines(r, opts));
  lines.push('');
  return lines.join('\n');
}

/** Top-level lines and route-map entries (header + indented lines) of rendered filters. */
function contexts(lines: readonly string[]): { singles: string[]; entries: Map<string, string[]> } {
  const singles: string[] = [];
  const entries = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const l of lines) {
    if (l === '') continue;
    if (l.startsWith(' ') && current) current.push(l);
    else if (/^route-map \S+ (permit|deny) \d+$/.test(l)) entries.set(l, (current = []));
    else {
      singles.push(l);
      current = undefined;
    }
  }
  return { singles, entries };
}

/**
 * What frr-reload.py (MetalLB's reloader) would send for a changed policy: prefix-list entries set by
 * sequence number (a new value replaces the old one in place) and removed when their number is gone;
 * route-map entries added, removed or rewritten one by one. The route-map itself is never deleted, so
 * the neighbour keeps pointing at it; FRR evaluates the result once, after the route-map delay.
 */
export function filterChanges(before: readonly string[], after: readonly string[]): string[] {
  const o = contexts(before);
  const n = contexts(after);
  const seqKey = (l: string): string => l.replace(/ (permit|deny) .*$/, '');
  const out: string[] = [];
  const had = new Set(o.singles);
  for (const l of n.singles) if (!had.has(l)) out.push(l);
  const keys = new Set(n.singles.map(seqKey));
  for (const l of o.singles) if (!keys.has(seqKey(l))) out.push(`no ${l}`);
  for (const [header, body] of n.entries) {
    const prev = o.entries.get(header);
    if (prev && prev.join('\n') === body.join('\n')) continue;
    if (prev) out.push(`no ${header}`);
    out.push(header, ...body);
  }
  for (const header of o.entries.keys()) if (!n.entries.has(header)) out.push(`no ${header}`);
  return out;
}

const sessionKey = (n: NeighborConfig): string =>
  JSON.stringify([
    n.asn,
    n.port,
    n.holdTime,
    n.keepaliveTime,
    n.password,
    n.srcAddr,
    n.ebgpMultiHop,
    n.family,
  ]);
const filterKey = (n: NeighborConfig): string => JSON.stringify(neighborFilterLines(n));

/**
 * The vtysh commands from `old` to `next` (undefined when equal), in the spirit of frr-reload.py
 * (what MetalLB runs): a neighbour's changed policy is changed entry by entry (filterChanges),
 * sessions whose parameters changed are configured anew, networks are added and
 * removed one by one, untouched neighbours see nothing.
 */
export function renderReload(old: FrrConfig, next: FrrConfig, opts: RenderOptions): string | undefined {
  if (next.routers.length > 1) renderConfig(next, opts); // the same refusal as at start
  const o = old.routers[0];
  const r = next.routers[0];
  const lines: string[] = [];
  if (!o || !r || o.myASN !== r.myASN) {
    if (o) lines.push(`no router bgp ${o.myASN}`, ...o.neighbors.flatMap(deleteFilterLines));
    if (r) {
      for (const n of r.neighbors) lines.push(...neighborFilterLines(n));
      lines.push(...routerLines(r, opts), 'exit');
    }
    return lines.length ? `${lines.filter((l) => l !== '').join('\n')}\n` : undefined;
  }
  const before = new Map(o.neighbors.map((n) => [n.addr, n]));
  const after = new Map(r.neighbors.map((n) => [n.addr, n]));
  const router: string[] = [];
  if ((o.routerID ?? '') !== (r.routerID ?? ''))
    router.push(r.routerID ? `  bgp router-id ${r.routerID}` : '  no bgp router-id');
  for (const [addr, n] of after) {
    const prev = before.get(addr);
    if (!prev) lines.push(...neighborFilterLines(n));
    else if (filterKey(prev) !== filterKey(n))
      lines.push(...filterChanges(neighborFilterLines(prev), neighborFilterLines(n)));
    if (prev && sessionKey(prev) !== sessionKey(n)) router.push(`  no neighbor ${addr}`);
    if (!prev || sessionKey(prev) !== sessionKey(n))
      router.push(...neighborSessionLines(n, r.myASN, opts), ...neighborFamilyLines(n));
  }
  const gone = [...before.values()].filter((n) => !after.has(n.addr));
  for (const n of gone) router.push(`  no neighbor ${n.addr}`);
  for (const [fam, was, is] of [
    ['ipv4', o.ipv4Prefixes, r.ipv4Prefixes],
    ['ipv6', o.ipv6Prefixes, r.ipv6Prefixes],
  ] as const) {
    const had = new Set(was);
    const has = new Set(is);
    const af = [
      ...is.filter((p) => !had.has(p)).map((p) => `    network ${p}`),
      ...was.filter((p) => !has.has(p)).map((p) => `    no network ${p}`),
    ];
    if (af.length) router.push(`  address-family ${fam} unicast`, ...af, '  exit-address-family');
  }
  if (router.length) lines.push(`router bgp ${r.myASN}`, ...router, 'exit');
  for (const n of gone) lines.push(...deleteFilterLines(n));
  const text = lines.filter((l) => l !== '');
  return text.length ? `${text.join('\n')}\n` : undefined;
}
