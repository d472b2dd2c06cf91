/**
 * Numbers the features share. Infrastructure addresses come from documentation ranges only
 * (RFC 5737 / RFC 3849), so nothing the suite sends can leak anywhere real.
 */
export const SPEAKER_ASN = 64500;
/** eBGP routers use a 4-octet ASN so every eBGP scenario also proves 4-byte ASN support. */
export const EBGP_ROUTER_ASN = 4200000000;
export { SPEAKER_NAMESPACE } from '../../harness/scenario/manifests.ts';

/** The node segment: routers take low host numbers, nodes take 11, 12, 13... */
export const NODE_SEGMENT = { name: 'nodes', v4: '192.0.2.0/24', v6: '2001:db8:0:1::/64' } as const;

export function nodeSegmentAddress(index: number): { v4: string; v6: string } {
  return { v4: `192.0.2.${index}/24`, v6: `2001:db8:0:1::${index.toString(16)}/64` };
}

/** Splits "NodeA, NodeB" into names. */
export function nameList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
