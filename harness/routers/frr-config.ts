import { CodedError } from '../../common/errors.ts';

export interface FrrNeighbor {
  address: string;
  remoteAsn: number;
  families: ('ipv4' | 'ipv6')[];
  password?: string;
  passive?: boolean;
  ebgpMultihop?: number;
  description?: string;
  /** Per-neighbour timers (seconds) instead of the router's fast default (1 s keepalive, 3 s hold). */
  timers?: { keepalive: number; hold: number };
  /** BFD for this neighbour (bfdd runs beside bgpd); milliseconds. */
  bfd?: FrrBfdTimers;
}

export interface FrrBfdTimers {
  receiveInterval: number;
  transmitInterval: number;
  detectMultiplier: number;
}

/** The bfdd profile name for a set of timers (one per distinct set). */
export function bfdProfileName(t: FrrBfdTimers): string {
  return `lbc-${t.receiveInterval}-${t.transmitInterval}-${t.detectMultiplier}`;
}

function bfdTimers(t: FrrBfdTimers): FrrBfdTimers {
  const ok = (v: number, min: number, max: number): boolean => Number.isInteger(v) && v >= min && v <= max;
  if (
    !ok(t.receiveInterval, 10, 60000) ||
    !ok(t.transmitInterval, 10, 60000) ||
    !ok(t.detectMultiplier, 2, 255)
  )
    throw new CodedError('FRR_CONFIG_UNSAFE', `BFD timers out of range: ${JSON.stringify(t)}`);
  return t;
}

/** bfdd.conf: one profile per distinct set of neighbour timers, or undefined when no neighbour uses BFD. */
export function renderBfdd(
  hostname: string,
  logFile: string,
  neighbors: readonly FrrNeighbor[],
): string | undefined {
  const sets = new Map<string, FrrBfdTimers>();
  for (const n of neighbors) if (n.bfd) sets.set(bfdProfileName(bfdTimers(n.bfd)), n.bfd);
  if (!sets.size) return undefined;
  const lines = [
    `hostname ${check('hostname', hostname)}`,
    `log file ${check('log file', logFile)} debugging`,
    'bfd',
  ];
  for (const [name, t] of sets)
    lines.push(
      ` profile ${name}`,
      `  receive-interval ${t.receiveInterval}`,
      `  transmit-interval ${t.transmitInterval}`,
      `  detect-multiplier ${t.detectMultiplier}`,
      ' exit',
    );
  lines.push('exit', '!', '');
  return lines.join('\n');
}

export interface FrrBgpSpec {
  hostname: string;
  asn: number;
  routerId: string;
  neighbors: FrrNeighbor[];
  /** Extra lines inside `router bgp`, each validated like everything else. */
  extraConfig?: string[];
  logFile: string;
}

// Everything rendered into a config line must be one harmless token: no newline, no `!`, no space,
// no `#` (so no field can end a line, start a comment or add words to a command).
const token = /^[A-Za-z0-9_.:/-]+$/;

function check(what: string, value: string, pattern = token): string {
  if (!pattern.test(value))
    throw new CodedError(
      'FRR_CONFIG_UNSAFE',
      `${what} "${value}" cannot go into an FRR config (allowed: ${pattern})`,
    );
  return value;
}

function asn(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 4294967295)
    throw new CodedError('FRR_CONFIG_UNSAFE', `ASN ${n} out of range`);
  return String(n);
}

/**
 * bgpd.conf for a test router: fast timers (never protocol defaults), no eBGP policy requirement,
 * multipath so every node's path is used. `no bgp default ipv4-unicast`: each neighbour is activated
 * exactly in the families it lists, so an IPv4-addressed neighbour can carry IPv6 routes (activated
 * under `address-family ipv6 unicast`) and one without `ipv4` is not active for IPv4.
 * Throws FRR_CONFIG_UNSAFE for anything that could break out of its line.
 */
export function renderBgpd(spec: FrrBgpSpec): string {
  const lines = [
    'frr defaults traditional',
    `hostname ${check('hostname', spec.hostname)}`,
    `log file ${check('log file', spec.logFile)} debugging`,
    'log timestamp precision 3',
    '!',
    `router bgp ${asn(spec.asn)}`,
    ` bgp router-id ${check('router id', spec.routerId, /^\d+\.\d+\.\d+\.\d+$/)}`,
    ' no bgp ebgp-requires-policy',
    ' no bgp default ipv4-unicast',
    ' no bgp network import-check',
    ' bgp bestpath as-path multipath-relax',
    ' timers bgp 1 3',
  ];
  const seen = new Set<string>();
  for (const n of spec.neighbors) {
    const a = check('neighbor address', n.address);
    if (seen.has(a)) throw new CodedError('FRR_CONFIG_UNSAFE', `neighbor ${a} listed twice`);
    seen.add(a);
    for (const f of n.families)
      if (f !== 'ipv4' && f !== 'ipv6')
        throw new CodedError('FRR_CONFIG_UNSAFE', `neighbor ${a}: unknown family "${String(f)}"`);
    lines.push(` neighbor ${a} remote-as ${asn(n.remoteAsn)}`);
    lines.push(` neighbor ${a} timers connect 1`);
    // Updates go out at once (no MRAI batching), whatever the profile's default: S2's tor re-advertises.
    lines.push(` neighbor ${a} advertisement-interval 0`);
    if (n.description) lines.push(` neighbor ${a} description ${check('description', n.description)}`);
    if (n.password) lines.push(` neighbor ${a} password ${check('password', n.password)}`);
    if (n.passive) lines.push(` neighbor ${a} passive`);
    if (n.bfd)
      lines.push(` neighbor ${a} bfd`, ` neighbor ${a} bfd profile ${bfdProfileName(bfdTimers(n.bfd))}`);
    if (n.timers) {
      const { keepalive, hold } = n.timers;
      if (![keepalive, hold].every((x) => Number.isInteger(x) && x >= 0 && x <= 65535))
        throw new CodedError('FRR_CONFIG_UNSAFE', `timers for ${a} must be integers 0-65535 s`);
      lines.push(` neighbor ${a} timers ${keepalive} ${hold}`);
    }
    if (n.ebgpMultihop !== undefined) {
      if (!Number.isInteger(n.ebgpMultihop) || n.ebgpMultihop < 1 || n.ebgpMultihop > 255) {
        throw new CodedError(
          'FRR_CONFIG_UNSAFE',
          `ebgp-multihop for ${a} must be an integer 1-255, got ${n.ebgpMultihop}`,
        );
      }
      lines.push(` neighbor ${a} ebgp-multihop ${n.ebgpMultihop}`);
    }
  }
  for (const extra of spec.extraConfig ?? [])
    lines.push(` ${check('extra config line', extra, /^[A-Za-z0-9_.:/ -]+$/)}`);
  for (const family of ['ipv4', 'ipv6'] as const) {
    lines.push(` address-family ${family} unicast`);
    lines.push('  maximum-paths 16', '  maximum-paths ibgp 16');
    for (const n of spec.neighbors.filter((x) => x.families.includes(family)))
      lines.push(`  neighbor ${n.address} activate`);
    lines.push(' exit-address-family');
  }
  lines.push('!', '');
  return lines.join('\n');
}

export function renderZebra(hostname: string, logFile: string): string {
  return [`hostname ${check('hostname', hostname)}`, `log file ${check('log file', logFile)}`, '!', ''].join(
    '\n',
  );
}
