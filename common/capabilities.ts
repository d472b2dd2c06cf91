import { CodedError } from './errors.ts';

/**
 * What a system under test may declare. A scenario tagged with a capability its SUT does not declare
 * is not run and is reported NOT_SUPPORTED. Capabilities of kind `extra` gate no scenario: they add
 * checks of the speaker's own events where a scenario can use them (validation codes, log events);
 * a SUT without them is judged on what routers, the wire and hosts show alone.
 */
export interface Capability {
  name: string;
  kind: 'gate' | 'extra';
  /** What declaring it promises. */
  meaning: string;
  /** The features (or steps) it gates or enriches, for the README and `run --help`. */
  features: string;
}

export const capabilities: readonly Capability[] = [
  { name: 'bgp', kind: 'gate', meaning: 'announces Service IPs over BGP', features: 'every bgp-* feature' },
  {
    name: 'l2',
    kind: 'gate',
    meaning: 'answers ARP / NDP for Service IPs (L2Advertisement)',
    features: 'every l2-* feature',
  },
  { name: 'ipv4', kind: 'gate', meaning: 'IPv4 Service IPs', features: 'scenarios tagged @ipv4' },
  { name: 'ipv6', kind: 'gate', meaning: 'IPv6 Service IPs', features: 'scenarios tagged @ipv6' },
  {
    name: 'dualstack',
    kind: 'gate',
    meaning: 'dual-stack Services (one IPv4 and one IPv6 address)',
    features: 'bgp-basic, bgp-advanced, bgp-node-subset, bgp-interop, bgp-session, faults (two scenarios)',
  },
  { name: 'ibgp', kind: 'gate', meaning: 'iBGP sessions (myASN = peerASN)', features: '@ibgp scenarios' },
  {
    name: 'ebgp',
    kind: 'gate',
    meaning: 'eBGP sessions, 4-octet peer ASNs',
    features: '@ebgp scenarios, bgp-multihop',
  },
  {
    name: 'md5',
    kind: 'gate',
    meaning: 'BGPPeer password (TCP MD5, RFC 2385)',
    features: 'bgp-md5, bgp-passive (MD5 row)',
  },
  {
    name: 'interop',
    kind: 'gate',
    meaning: 'peers with GoBGP and BIRD besides FRR',
    features: 'bgp-interop',
  },
  {
    name: 'session',
    kind: 'gate',
    meaning: 'session behaviour: ebgpMultiHop TTL, router restart, hold-timer expiry, faults',
    features: 'bgp-multihop, bgp-session, faults',
  },
  {
    name: 'passive',
    kind: 'gate',
    meaning: 'accepts a session a configured peer opens (listens on TCP 179); MetalLB never listens',
    features: 'bgp-passive',
  },
  {
    name: 'route-refresh',
    kind: 'gate',
    meaning: 'answers ROUTE-REFRESH (RFC 2918) by sending its routes again',
    features: 'bgp-session (route refresh and router restart)',
  },
  {
    name: 'dualstack-session',
    kind: 'gate',
    meaning: 'one BGPPeer session carries IPv4 and IPv6 routes (dualStackAddressFamily)',
    features: 'bgp-session (IPv6 transport carrying both families)',
  },
  {
    name: 'controller',
    kind: 'gate',
    meaning:
      'allocates Service IPs itself (MetalLB controller): Services come without status.loadBalancer.ingress',
    features: 'controller',
  },
  {
    name: 'l2-status',
    kind: 'gate',
    meaning: 'reports its layer 2 membership (settled, alive nodes) through the driver',
    features: 'l2-basic (rejoin without flapping)',
  },
  {
    name: 'membership-security',
    kind: 'gate',
    meaning: "the reference's authenticated membership protocol, its rejections reported as events",
    features: 'l2-security',
  },
  {
    name: 'who-announces',
    kind: 'gate',
    meaning:
      "MetalLB's rules on who announces: endpoints that serve, the exclude-from-external-load-balancers label, loadBalancerClass, NetworkUnavailable",
    features: 'bgp-who-announces',
  },
  {
    name: 'timers',
    kind: 'gate',
    meaning:
      'hold time negotiated as the smaller OPEN value, keepalives at least every hold/3, connectTime and reconnects, Cease on stop, routes kept until hold expiry when frozen',
    features: 'bgp-timers',
  },
  {
    name: 'cease',
    kind: 'gate',
    meaning: 'a graceful stop is a NOTIFICATION Cease seen at the router',
    features: 'bgp-timers (@cease)',
  },
  {
    name: 'scale',
    kind: 'gate',
    meaning: 'thousands of routes across many UPDATEs, then churn, exact at the router',
    features: 'bgp-scale',
  },
  {
    name: 'endpoints',
    kind: 'gate',
    meaning: 'only Services with an endpoint that can serve are announced (Cluster and Local)',
    features: 'bgp-endpoints',
  },
  {
    name: 'gratuitous',
    kind: 'gate',
    meaning: 'the gratuitous ARP / NA burst after a takeover, timed at a host',
    features: 'l2-timing (@gratuitous)',
  },
  {
    name: 'partition',
    kind: 'gate',
    meaning: 'a membership partition that heals to exactly one owner',
    features: 'l2-timing (@partition)',
  },
  {
    name: 'graceful-restart',
    kind: 'gate',
    meaning:
      'BGPPeer enableGracefulRestart (RFC 4724): restart capability, End-of-RIB, a stop for a restart without Cease',
    features: 'bgp-graceful-restart',
  },
  {
    name: 'bfd',
    kind: 'gate',
    meaning: 'BFDProfile and BGPPeer bfdProfile (RFC 5880/5881 single hop): the BGP session follows BFD',
    features: 'bgp-bfd',
  },
  {
    name: 'l2-periodic',
    kind: 'gate',
    meaning: 'periodic gratuitous ARP / unsolicited NA at an interval the harness sets (off by default)',
    features: 'l2-periodic',
  },
  {
    name: 'config-events',
    kind: 'extra',
    meaning: 'reports config.rejected (with a validation code) and config.applied',
    features:
      'bgp-fields (@bad-config, @bad-input), faults (config change while down): the codes are checked',
  },
  {
    name: 'session-events',
    kind: 'extra',
    meaning: 'reports bgp.hold-timer.expired, bgp.route-refresh, bgp.incoming.accepted, bgp.listener.refused',
    features: 'bgp-session, bgp-passive: the events are checked beside what the router shows',
  },
  {
    name: 'l2-events',
    kind: 'extra',
    meaning: 'reports l2.announce.error and l2.forwarding.disabled',
    features: 'l2-interfaces (no listed interface on the elected node), l2-secondary-network',
  },
];

export const capabilityNames: readonly string[] = capabilities.map((c) => c.name);

/** Capabilities that can decide whether a scenario runs (its tags). */
export const gatingCapabilities: readonly string[] = capabilities
  .filter((c) => c.kind === 'gate')
  .map((c) => c.name);

/** Parses a `--sut-features` list: SUT_CAPABILITY_UNKNOWN for a name outside the catalogue. */
export function parseCapabilities(list: string): string[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !capabilityNames.includes(n));
  if (unknown.length)
    throw new CodedError(
      'SUT_CAPABILITY_UNKNOWN',
      `unknown capabilit${unknown.length > 1 ? 'ies' : 'y'} ${unknown.map((u) => `"${u}"`).join(', ')}; known: ${capabilityNames.join(', ')}`,
    );
  if (!names.length) throw new CodedError('SUT_CAPABILITY_UNKNOWN', 'no capability declared');
  return [...new Set(names)];
}

/** The capabilities a scenario's tags require that `declared` lacks. */
export function missingCapabilities(tags: readonly string[], declared: readonly string[]): string[] {
  return tags
    .map((t) => (t.startsWith('@') ? t.slice(1) : t))
    .filter((t) => gatingCapabilities.includes(t) && !declared.includes(t));
}

/** The table for `run --help` and the README. */
export function describeCapabilities(): string {
  return capabilities
    .map(
      (c) =>
        `  ${c.name.padEnd(20)} ${c.kind === 'extra' ? '(extra) ' : ''}${c.meaning}\n${' '.repeat(23)}${c.features}`,
    )
    .join('\n');
}
