import { BlockList, SocketAddress, isIP } from 'node:net';
import { CodedError } from '../common/errors.ts';

/** A network of namespaces described as data: what a scenario needs, not how Linux builds it. */
export interface Topology {
  segments: Segment[];
  hosts: Host[];
}

export interface Segment {
  name: string;
  /** Subnet (CIDR) of the segment; when given, every address of that family on it must be inside. */
  v4?: string;
  v6?: string;
}

export type HostRole = 'node' | 'router' | 'host';

export interface Host {
  name: string;
  role: HostRole;
  /** IP forwarding on (routers always forward). */
  forwarding?: boolean;
  interfaces: Interface[];
}

export interface Interface {
  /** Real Linux name in the host's namespace (at most 15 characters). */
  name: string;
  segment: string;
  /** address/prefix-length */
  v4?: string;
  v6?: string;
  mac?: string;
}

const nameRe = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const ifNameRe = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;
const macRe = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i;
const roles: readonly HostRole[] = ['node', 'router', 'host'];

type Family = 'ipv4' | 'ipv6';

/** `addr/len` with the right family and a length in range, or a reason why not. */
export function parseCidr(text: string, family: Family): { address: string; length: number } | string {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(text);
  if (!m) return `"${text}" must be address/prefix-length`;
  const [, address, len] = m as unknown as [string, string, string];
  const kind = isIP(address);
  if (kind === 0) return `"${address}" is not an IP address`;
  if ((kind === 4) !== (family === 'ipv4')) return `"${text}" is not ${family === 'ipv4' ? 'IPv4' : 'IPv6'}`;
  const length = Number(len);
  if (length > (kind === 4 ? 32 : 128)) return `prefix length ${length} is too long in "${text}"`;
  return { address, length };
}

/** Rejects a topology Linux could not build, or whose addresses are not on their segment, naming every problem. */
export function validateTopology(t: Topology): void {
  const problems: string[] = [];
  const segments = new Map<string, Partial<Record<Family, BlockList>>>();
  for (const s of t.segments ?? []) {
    if (typeof s.name !== 'string' || !nameRe.test(s.name) || s.name.length > 20)
      problems.push(`segment name "${s.name}": letters, digits, _ . - only, at most 20`);
    if (segments.has(s.name)) problems.push(`segment "${s.name}" defined twice`);
    const subnets: Partial<Record<Family, BlockList>> = {};
    for (const [family, cidr] of [
      ['ipv4', s.v4],
      ['ipv6', s.v6],
    ] as const) {
      if (cidr === undefined) continue;
      const c = parseCidr(cidr, family);
      if (typeof c === 'string') {
        problems.push(`segment "${s.name}": ${c}`);
        continue;
      }
      const list = new BlockList();
      list.addSubnet(c.address, c.length, family);
      subnets[family] = list;
    }
    segments.set(s.name, subnets);
  }
  const hosts = new Set<string>();
  const addresses = new Set<string>();
  for (const h of t.hosts ?? []) {
    if (typeof h.name !== 'string' || !nameRe.test(h.name) || h.name.length > 32)
      problems.push(`host name "${h.name}": letters, digits, _ . - only, at most 32`);
    if (hosts.has(h.name)) problems.push(`host "${h.name}" defined twice`);
    hosts.add(h.name);
    if (!roles.includes(h.role))
      problems.push(`host "${h.name}": role "${h.role}" is not one of ${roles.join(', ')}`);
    const ifs = new Set<string>();
    for (const i of h.interfaces ?? []) {
      const where = `${h.name}/${i.name}`;
      if (typeof i.name !== 'string' || !ifNameRe.test(i.name))
        problems.push(`${where}: interface names are 1-15 characters of letters, digits, _ . -`);
      if (ifs.has(i.name)) problems.push(`${where}: interface defined twice`);
      ifs.add(i.name);
      const segment = segments.get(i.segment);
      if (!segment) problems.push(`${where}: unknown segment "${i.segment}"`);
      if (
        i.mac !== undefined &&
        (!macRe.test(i.mac) || (parseInt(i.mac.slice(0, 2), 16) & 1) === 1 || /^(00:){5}00$/.test(i.mac))
      ) {
        problems.push(`${where}: bad MAC "${i.mac}" (six hex pairs, unicast, not all zero)`);
      }
      for (const [family, a] of [
        ['ipv4', i.v4],
        ['ipv6', i.v6],
      ] as const) {
        if (a === undefined) continue;
        const c = parseCidr(a, family);
        if (typeof c === 'string') {
          problems.push(`${where}: address ${c}`);
          continue;
        }
        const key = new SocketAddress({ address: c.address, family }).address; // 2001:DB8:0::1 = 2001:db8::1
        if (addresses.has(key)) problems.push(`${where}: address ${key} used twice`);
        addresses.add(key);
        const subnet = segment?.[family];
        if (subnet && !subnet.check(c.address, family)) {
          problems.push(
            `${where}: address ${c.address} is not inside segment "${i.segment}" (${family === 'ipv4' ? t.segments.find((s) => s.name === i.segment)?.v4 : t.segments.find((s) => s.name === i.segment)?.v6})`,
          );
        }
      }
    }
  }
  if (problems.length)
    throw new CodedError('TOPOLOGY_INVALID', `invalid topology:\n  ${problems.join('\n  ')}`);
}
