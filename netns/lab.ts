import { setTimeout as delay } from 'node:timers/promises';
import { CodedError } from '../common/errors.ts';
import { run } from '../harness/exec.ts';
import { addNamespace, deleteNamespace } from './linux.ts';
import { validateTopology, type Host, type Topology } from './topology.ts';

/** A topology brought up as namespaces: hosts by name, their addresses, links to flap. */
export interface Lab {
  readonly topology: Topology;
  nsOf(host: string): string;
  /** Address without length, of the named interface or the host's first one with that family. */
  addressOf(host: string, family: 'ipv4' | 'ipv6', iface?: string): string;
  macOf(host: string, iface: string): Promise<string>;
  setLink(host: string, iface: string, state: 'up' | 'down'): Promise<void>;
  /** Every namespace this lab created (hosts and segment switches). */
  namespaces(): string[];
  down(): Promise<void>;
}

/**
 * Builds the topology: one namespace per host, one "switch" namespace per segment holding bridge br0,
 * and a veth pair per interface created directly with one end in each namespace. Namespaces and
 * links are set up in parallel; the call returns once every interface is operationally up.
 */
export async function bringUp(topology: Topology, base: string, onCreated: (ns: string) => void): Promise<Lab> {
  validateTopology(topology);
  const hostNs = new Map(topology.hosts.map((h) => [h.name, `${base}-h-${h.name}`]));
  const switchNs = new Map(topology.segments.map((s) => [s.name, `${base}-s-${s.name}`]));
  const all = [...hostNs.values(), ...switchNs.values()];
  const lab = makeLab(topology, hostNs, all);
  try {
    await Promise.all([
      ...topology.hosts.map(async (h) => {
        const forwarding = h.role === 'router' || h.forwarding;
        const ns = hostNs.get(h.name)!;
        onCreated(ns);
        await addNamespace(ns, forwarding ? ['net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1'] : []);
      }),
      ...topology.segments.map(async (s) => {
        const ns = switchNs.get(s.name)!;
        onCreated(ns);
        await addNamespace(ns, []);
        // No multicast snooping: without a querier it may drop solicited-node multicast (NDP).
        await run('ip', ['-n', ns, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0']);
        await run('ip', ['-n', ns, 'link', 'set', 'br0', 'up']);
      }),
    ]);
    await Promise.all(topology.hosts.map((h, hi) => wireHost(h, hi, hostNs.get(h.name)!, switchNs)));
    await Promise.all(topology.hosts.flatMap((h) => h.interfaces.map((i) => waitOperUp(hostNs.get(h.name)!, i.name))));
  } catch (err) {
    await lab.down();
    throw err;
  }
  return lab;
}

async function wireHost(h: Host, hostIndex: number, ns: string, switchNs: Map<string, string>): Promise<void> {
  for (const [ii, i] of h.interfaces.entries()) {
    const sw = switchNs.get(i.segment)!;
    const port = `p${hostIndex}i${ii}`;
    await run('ip', ['link', 'add', i.name, 'netns', ns, 'type', 'veth', 'peer', 'name', port, 'netns', sw]);
    if (i.mac) await run('ip', ['-n', ns, 'link', 'set', i.name, 'address', i.mac]);
    if (i.v4) await run('ip', ['-n', ns, 'addr', 'add', i.v4, 'dev', i.name]);
    if (i.v6) await run('ip', ['-n', ns, 'addr', 'add', i.v6, 'dev', i.name, 'nodad']);
    await run('ip', ['-n', sw, 'link', 'set', port, 'master', 'br0', 'up']);
    await run('ip', ['-n', ns, 'link', 'set', i.name, 'up']);
  }
}

/** After `link set up` the carrier comes a moment later; packets sent before are lost. */
export async function waitOperUp(ns: string, iface: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const { stdout } = await run('ip', ['-n', ns, '-j', 'link', 'show', 'dev', iface]);
    last = (JSON.parse(stdout) as { operstate?: string }[])[0]?.operstate ?? 'missing';
    if (last === 'UP') return;
    await delay(20);
  }
  throw new CodedError('LINK_NOT_UP', `${ns}/${iface} operstate is ${last} after ${timeoutMs} ms`);
}

function makeLab(topology: Topology, hostNs: Map<string, string>, all: string[]): Lab {
  const host = (name: string): Host => {
    const h = topology.hosts.find((x) => x.name === name);
    if (!h) throw new CodedError('UNKNOWN_HOST', `no host "${name}" in this topology`);
    return h;
  };
  let downed: Promise<void> | undefined;
  return {
    topology,
    nsOf: (name) => {
      host(name);
      return hostNs.get(name)!;
    },
    addressOf(name, family, iface) {
      const h = host(name);
      const cidr = h.interfaces
        .filter((i) => iface === undefined || i.name === iface)
        .map((i) => (family === 'ipv4' ? i.v4 : i.v6))
        .find(Boolean);
      if (!cidr) throw new CodedError('NO_ADDRESS', `host "${name}" has no ${family} address${iface ? ` on ${iface}` : ''}`);
      return cidr.split('/')[0]!;
    },
    async macOf(name, iface) {
      const { stdout } = await run('ip', ['-n', hostNs.get(host(name).name)!, '-j', 'link', 'show', 'dev', iface]);
      return (JSON.parse(stdout) as { address: string }[])[0]!.address;
    },
    async setLink(name, iface, state) {
      const ns = hostNs.get(host(name).name)!;
      await run('ip', ['-n', ns, 'link', 'set', iface, state]);
      if (state === 'up') await waitOperUp(ns, iface);
    },
    namespaces: () => [...all],
    down() {
      // Hosts first: deleting a host namespace removes its veths, so the switch goes empty.
      downed ??= (async () => {
        await Promise.all([...hostNs.values()].map(deleteNamespace));
        await Promise.all(all.filter((n) => ![...hostNs.values()].includes(n)).map(deleteNamespace));
      })();
      return downed;
    },
  };
}
