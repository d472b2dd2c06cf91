import { CodedError } from '../common/errors.ts';

/** A network of namespaces described as data: what a scenario needs, not how Linux builds it. */
export interface Topology {
  segments: Segment[];
  hosts: Host[];
}

export interface Segment {
  name: string;
  /** Informational subnet (CIDR) the interfaces on it use. */
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

/** Rejects a topology Linux could not build, naming the first problem(s). */
export function validateTopology(t: Topology): void {
  const problems: string[] = [];
  const segments = new Set<string>();
  for (const s of t.segments) {
    if (!nameRe.test(s.name) || s.name.length > 20) problems.push(`segment name "${s.name}": letters, digits, _ . - only, at most 20`);
    if (segments.has(s.name)) problems.push(`segment "${s.name}" defined twice`);
    segments.add(s.name);
  }
  const hosts = new Set<string>();
  const addresses = new Set<string>();
  for (const h of t.hosts) {
    if (!nameRe.test(h.name) || h.name.length > 32) problems.push(`host name "${h.name}": letters, digits, _ . - only, at most 32`);
    if (hosts.has(h.name)) problems.push(`host "${h.name}" defined twice`);
    hosts.add(h.name);
    const ifs = new Set<string>();
    for (const i of h.interfaces) {
      const where = `${h.name}/${i.name}`;
      if (!ifNameRe.test(i.name)) problems.push(`${where}: interface names are 1-15 characters of letters, digits, _ . -`);
      if (ifs.has(i.name)) problems.push(`${where}: interface defined twice`);
      ifs.add(i.name);
      if (!segments.has(i.segment)) problems.push(`${where}: unknown segment "${i.segment}"`);
      if (i.mac && !macRe.test(i.mac)) problems.push(`${where}: bad MAC "${i.mac}"`);
      for (const a of [i.v4, i.v6]) {
        if (a === undefined) continue;
        if (!/^[0-9a-fA-F.:]+\/\d{1,3}$/.test(a)) problems.push(`${where}: address "${a}" must be address/prefix-length`);
        const bare = a.split('/')[0]!;
        if (addresses.has(bare)) problems.push(`${where}: address ${bare} used twice`);
        addresses.add(bare);
      }
    }
  }
  if (problems.length) throw new CodedError('TOPOLOGY_INVALID', `invalid topology:\n  ${problems.join('\n  ')}`);
}
