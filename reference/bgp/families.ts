import type { Capability } from './messages.ts';
import type { Cidr } from '../model/ip.ts';
import { AFI_IPV4, AFI_IPV6, SAFI_UNICAST } from './nlri.ts';

export type Family = 'ipv4' | 'ipv6';

export const ALL_FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

export function familyOfAfi(afi: number, safi: number): Family | undefined {
  if (safi !== SAFI_UNICAST) return undefined;
  return afi === AFI_IPV4 ? 'ipv4' : afi === AFI_IPV6 ? 'ipv6' : undefined;
}

export function familyOfPrefix(prefix: Cidr): Family {
  return prefix.family === 4 ? 'ipv4' : 'ipv6';
}

/**
 * The unicast families both sides may use (RFC 4760 section 8): those we offer that the peer's
 * multiprotocol capabilities also name. A peer that sends none speaks IPv4 unicast only.
 */
export function negotiateFamilies(
  ours: readonly Family[],
  peerCapabilities: readonly Capability[],
): Family[] {
  const peer = new Set<Family>();
  let sawMultiprotocol = false;
  for (const c of peerCapabilities) {
    if (c.code !== 1 || !('afi' in c)) continue;
    sawMultiprotocol = true;
    const f = familyOfAfi(c.afi, c.safi);
    if (f) peer.add(f);
  }
  if (!sawMultiprotocol) peer.add('ipv4');
  return ours.filter((f) => peer.has(f));
}
