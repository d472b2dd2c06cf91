import { setTimeout as delay } from 'node:timers/promises';
import { CodedError } from '../common/errors.ts';
import { run } from '../common/exec.ts';
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
 * and a veth pair per interface created directly with one end in each namespace (nothing ever exists
 * in the root namespace, not even for a moment). Few processes, in parallel: per namespace `ip netns
 * add` + one sysctl call (DAD off *before* any interface exists, forwarding for routers), one
 * `ip -batch` creating every veth pair, one `ip -n NS -batch` per namespace for addresses and link
 * state. Returns once every host interface is operationally up.
 */
export async function bringUp(
  topology: Topology,
  base: string,
  onCreated: (ns: string) => void,
): Promise<Lab> {
  validateTopology(topology);
  const hostNs = new Map(topology.hosts.map((h) => [h.name, `${base}-h-${h.name}`]));
  const switchNs = new Map(topology.segments.map((s) => [s.name, `${base}-s-${s.name}`]));
  const all = [...hostNs.values(), ...switchNs.values()];
  const lab = makeLab(topology, hostNs, all);
  // Switch port names: p<hostIndex>i<ifIndex> (at most 15 characters for any realistic topology).
  const port = (hi: number, ii: number): string => `p${hi}i${ii}`;
  try {
    await Promise.all([
      ...topology.hosts.map(async (h) => {
        const ns = hostNs.get(h.name)!;
        onCreated(ns);
        await addNamespace(
          ns,
          h.role === 'router' || h.forwarding
            ? ['net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']
            : [],
          { loopbackUp: false },
        );
      }),
      ...topology.segments.map(async (s) => {
        const ns = switchNs.get(s.name)!;
        onCreated(ns);
        await addNamespace(ns, [], { loopbackUp: false });
      }),
    ]);
    // Explicit ifindexes, host ends from 10 and switch ends from 1000, so the two ends of a pair never
    // share one. In two namespaces they otherwise can (both 2), and then the kernel's linkwatch does
    // not see the veth as a stacked device: its carrier-up counts as non-urgent and is rate-limited to
    // one batch per second machine-wide, so operstate UP came up to ~1 s late (measured ~900 ms).
    let portIndex = 1000;
    const veths = topology.hosts.flatMap((h, hi) =>
      h.interfaces.map(
        (i, ii) =>
          `link add ${i.name} index ${10 + ii} netns ${hostNs.get(h.name)} type veth peer name ${port(hi, ii)} index ${portIndex++} netns ${switchNs.get(i.segment)}`,
      ),
    );
    if (veths.length) await ipBatch(undefined, veths);
    await Promise.all([
      ...topology.segments.map((s) => {
        const ports = topology.hosts.flatMap((h, hi) =>
          h.interfaces.flatMap((i, ii) => (i.segment === s.name ? [port(hi, ii)] : [])),
        );
        return ipBatch(switchNs.get(s.name)!, [
          // No multicast snooping: without a querier it may drop solicited-node multicast (NDP).
          'link add br0 type bridge mcast_snooping 0',
          'link set br0 up',
          ...ports.flatMap((p) => [`link set ${p} master br0`, `link set ${p} up`]),
        ]);
      }),
      ...topology.hosts.map((h) =>
        ipBatch(hostNs.get(h.name)!, [
          'link set lo up',
          ...h.interfaces.flatMap((i) => [
            ...(i.mac ? [`link set ${i.name} address ${i.mac}`] : []),
            ...(i.v4 ? [`addr add ${i.v4} dev ${i.name}`] : []),
            ...(i.v6 ? [`addr add ${i.v6} dev ${i.name} nodad`] : []),
            `link set ${i.name} up`,
          ]),
        ]),
      ),
    ]);
    await Promise.all(
      topology.hosts.map((h) =>
        waitOperUp(
          hostNs.get(h.name)!,
          h.interfaces.map((i) => i.name),
        ),
      ),
    );
  } catch (err) {
    await lab.down();
    throw err;
  }
  return lab;
}

/**
 * `ip [-n NS] -batch -`: many commands, one process. Every token comes from a validated topology
 * (names: letters, digits, _ . -; addresses parsed), so no line can split into two.
 */
async function ipBatch(ns: string | undefined, lines: string[]): Promise<void> {
  for (const l of lines) {
    if (/[\n\r\\"'#;]/.test(l))
      throw new CodedError('NETNS_BATCH_UNSAFE', `refusing ip batch line ${JSON.stringify(l)}`);
  }
  await run('ip', [...(ns ? ['-n', ns] : []), '-batch', '-'], { input: lines.join('\n') + '\n' });
}

/**
 * After `link set up` the carrier comes a moment later and packets sent before are lost: polls
 * `ip -n NS -j link show` until every named interface reads operstate UP.
 */
export async function waitOperUp(ns: string, ifaces: string | string[], timeoutMs = 5000): Promise<void> {
  const want = typeof ifaces === 'string' ? [ifaces] : ifaces;
  if (want.length === 0) return;
  const deadline = Date.now() + timeoutMs;
  let notUp: string[] = [];
  for (;;) {
    const { stdout } = await run('ip', ['-n', ns, '-j', 'link', 'show']);
    const state = new Map(
      (JSON.parse(stdout) as { ifname: string; operstate?: string }[]).map((l) => [
        l.ifname,
        l.operstate ?? 'UNKNOWN',
      ]),
    );
    notUp = want.filter((i) => state.get(i) !== 'UP').map((i) => `${i}=${state.get(i) ?? 'missing'}`);
    if (notUp.length === 0) return;
    if (Date.now() >= deadline) break;
    await delay(10);
  }
  throw new CodedError(
    'LINK_NOT_UP',
    `${ns}: not operationally up after ${timeoutMs} ms: ${notUp.join(', ')}`,
  );
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
      if (!cidr)
        throw new CodedError(
          'NO_ADDRESS',
          `host "${name}" has no ${family} address${iface ? ` on ${iface}` : ''}`,
        );
      return cidr.split('/')[0]!;
    },
    async macOf(name, iface) {
      const { stdout } = await run('ip', [
        '-n',
        hostNs.get(host(name).name)!,
        '-j',
        'link',
        'show',
        'dev',
        iface,
      ]);
      return (JSON.parse(stdout) as { address: string }[])[0]!.address;
    },
    async setLink(name, iface, state) {
      const ns = hostNs.get(host(name).name)!;
      await run('ip', ['-n', ns, 'link', 'set', iface, state]);
      if (state === 'up') await waitOperUp(ns, iface);
    },
    namespaces: () => [...all],
    down() {
      // Every namespace at once: each one's processes are killed first, then it is deleted; a veth
      // pair goes with whichever of its two namespaces goes first.
      downed ??= Promise.all(all.map(deleteNamespace)).then(() => {});
      return downed;
    },
  };
}
