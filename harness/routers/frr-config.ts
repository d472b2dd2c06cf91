import { CodedError } from '../../common/errors.ts';

export interface FrrNeighbor {
  address: string;
  remoteAsn: number;
  families: ('ipv4' | 'ipv6')[];
  password?: string;
  passive?: boolean;
  ebgpMultihop?: number;
  description?: string;
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

// Everything rendered into a config line must be one harmless token: no newline, no `!`, no space
// unless the field allows words (description, password are quoted by FRR's parser as the rest of line).
const token = /^[A-Za-z0-9_.:/-]+$/;

function check(what: string, value: string, pattern = token): string {
  if (!pattern.test(value)) throw new CodedError('FRR_CONFIG_UNSAFE', `${what} "${value}" cannot go into an FRR config (allowed: ${pattern})`);
  return value;
}

function asn(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 4294967295) throw new CodedError('FRR_CONFIG_UNSAFE', `ASN ${n} out of range`);
  return String(n);
}

/**
 * bgpd.conf for a test router: fast timers (never protocol defaults), no eBGP policy requirement,
 * multipath so every node's path is used, IPv6 activated under its own address family.
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
  for (const n of spec.neighbors) {
    const a = check('neighbor address', n.address);
    lines.push(` neighbor ${a} remote-as ${asn(n.remoteAsn)}`);
    lines.push(` neighbor ${a} timers connect 1`);
    if (n.description) lines.push(` neighbor ${a} description ${check('description', n.description)}`);
    if (n.password) lines.push(` neighbor ${a} password ${check('password', n.password)}`);
    if (n.passive) lines.push(` neighbor ${a} passive`);
    if (n.ebgpMultihop) lines.push(` neighbor ${a} ebgp-multihop ${Math.trunc(n.ebgpMultihop)}`);
  }
  for (const extra of spec.extraConfig ?? []) lines.push(` ${check('extra config line', extra, /^[A-Za-z0-9_.:/ -]+$/)}`);
  for (const family of ['ipv4', 'ipv6'] as const) {
    lines.push(` address-family ${family} unicast`);
    lines.push('  maximum-paths 16', '  maximum-paths ibgp 16');
    for (const n of spec.neighbors.filter((x) => x.families.includes(family))) lines.push(`  neighbor ${n.address} activate`);
    lines.push(' exit-address-family');
  }
  lines.push('!', '');
  return lines.join('\n');
}

export function renderZebra(hostname: string, logFile: string): string {
  return [`hostname ${check('hostname', hostname)}`, `log file ${check('log file', logFile)}`, '!', ''].join('\n');
}
