import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { CodedError } from '../../common/errors.ts';

/** The addresses this process's network namespace uses to reach one peer. */
export interface LocalEndpoint {
  interfaceName: string;
  v4?: string;
  /** A global (non link-local) IPv6 address on the same interface: the IPv6 next hop. */
  v6?: string;
}

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/**
 * Finds the interface whose subnet holds the peer (or which holds `sourceAddress` when the BGPPeer
 * pins one). The IPv6 next hop of an IPv4 session comes from the same interface, so both families
 * point at the node's address on the segment the router sees.
 */
export function localEndpointFor(
  peerAddress: string,
  sourceAddress: string | undefined,
  interfaces: Interfaces = networkInterfaces(),
): LocalEndpoint {
  for (const [name, addrs] of Object.entries(interfaces)) {
    if (!addrs) continue;
    const match = addrs.find((a) =>
      sourceAddress
        ? a.address === sourceAddress
        : !a.internal && a.cidr !== null && inSubnet(peerAddress, a.cidr),
    );
    if (!match) continue;
    const v4 = addrs.find((a) => a.family === 'IPv4' && !a.internal)?.address;
    const v6 = addrs.find(
      (a) => a.family === 'IPv6' && !a.internal && !a.address.toLowerCase().startsWith('fe80'),
    )?.address;
    return { interfaceName: name, ...(v4 ? { v4 } : {}), ...(v6 ? { v6 } : {}) };
  }
  throw new CodedError(
    'NO_ROUTE_TO_PEER',
    sourceAddress
      ? `no local interface holds sourceAddress ${sourceAddress}`
      : `no local interface is on the same subnet as peer ${peerAddress} (multi-hop peers need sourceAddress)`,
  );
}

function inSubnet(address: string, cidr: string): boolean {
  const [net, lenText] = cidr.split('/') as [string, string];
  const a = toBigInt(address);
  const n = toBigInt(net);
  if (a === undefined || n === undefined || a.bits !== n.bits) return false;
  const shift = BigInt(a.bits - Number(lenText));
  return a.value >> shift === n.value >> shift;
}

function toBigInt(ip: string): { value: bigint; bits: number } | undefined {
  if (ip.includes(':')) {
    const [head = '', tail] = ip.split('::') as [string, string | undefined];
    const h = head ? head.split(':') : [];
    const tl = tail ? tail.split(':') : [];
    if (tail === undefined && h.length !== 8) return undefined;
    const groups = [...h, ...Array(8 - h.length - tl.length).fill('0'), ...tl];
    return { value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n), bits: 128 };
  }
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) return undefined;
  return { value: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n), bits: 32 };
}
