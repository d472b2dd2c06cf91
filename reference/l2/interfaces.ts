import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalIP } from '../model/ip.ts';

/** What the responder needs to know about one network interface of this namespace. */
export interface InterfaceInfo {
  name: string;
  ifindex: number;
  mac: string;
  /** IFF_UP */
  up: boolean;
  loopback: boolean;
  noarp: boolean;
  /** Enslaved to a bridge (the bridge answers, not its ports). */
  bridgePort: boolean;
  /** ARPHRD_ETHER (our frames are Ethernet). */
  ethernet: boolean;
  /** First link-local IPv6 address (informational). */
  linkLocal?: string;
}

const IFF_UP = 0x1;
const IFF_LOOPBACK = 0x8;
const IFF_NOARP = 0x80;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Reads /sys/class/net (as seen from this process's network namespace: `ip netns exec` remounts /sys)
 * and /proc/net/if_inet6. Interfaces that vanish mid-scan are left out.
 */
export function scanInterfaces(sysDir = '/sys/class/net', ifInet6 = '/proc/net/if_inet6'): InterfaceInfo[] {
  let names: string[];
  try {
    names = readdirSync(sysDir);
  } catch {
    return [];
  }
  const linkLocal = parseIfInet6(read(ifInet6) ?? '');
  const out: InterfaceInfo[] = [];
  for (const name of names.sort()) {
    const dir = join(sysDir, name);
    const flags = read(join(dir, 'flags'));
    const ifindex = read(join(dir, 'ifindex'));
    const mac = read(join(dir, 'address'));
    const type = read(join(dir, 'type'));
    if (flags === undefined || ifindex === undefined || mac === undefined || type === undefined) continue;
    const f = parseInt(flags, 16);
    out.push({
      name,
      ifindex: Number(ifindex),
      mac: mac.toLowerCase(),
      up: (f & IFF_UP) !== 0,
      loopback: (f & IFF_LOOPBACK) !== 0,
      noarp: (f & IFF_NOARP) !== 0,
      bridgePort: existsSync(join(dir, 'brport')),
      ethernet: type === '1' && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(mac),
      ...(linkLocal.has(name) ? { linkLocal: linkLocal.get(name)! } : {}),
    });
  }
  return out;
}

/** `fe80000000000000021122fffe334455 02 40 20 80 eth0` -> eth0: fe80::211:22ff:fe33:4455 (first one wins). */
export function parseIfInet6(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [hex, , , scope, , name] = line.trim().split(/\s+/);
    if (!hex || !name || hex.length !== 32 || scope !== '20' || out.has(name)) continue;
    const ip = canonicalIP(hex.match(/.{4}/g)!.join(':'));
    if (ip) out.set(name, ip);
  }
  return out;
}

/** Usable for answering: up, Ethernet, not loopback, not NOARP, not a bridge port. */
export function eligible(i: InterfaceInfo): boolean {
  return i.up && i.ethernet && !i.loopback && !i.noarp && !i.bridgePort;
}

/** The interfaces that answer: eligible ones, restricted to `allowed` when it is given and non-empty. */
export function selectInterfaces(all: InterfaceInfo[], allowed?: readonly string[]): InterfaceInfo[] {
  const set = allowed?.length ? new Set(allowed) : undefined;
  return all.filter((i) => eligible(i) && (!set || set.has(i.name)));
}
