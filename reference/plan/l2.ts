/**
 * Layer 2 election (MetalLB): candidates sorted by sha256(nodeName + "#" + firstServiceIP), hex
 * ascending; the first announces. Every speaker computes the same owner from the same membership.
 */
import { createHash } from 'node:crypto';

export function electionKey(node: string, firstIP: string): string {
  return createHash('sha256').update(`${node}#${firstIP}`).digest('hex');
}

/** The owner among `candidates`, or undefined when there is none. */
export function electL2Owner(candidates: Iterable<string>, firstIP: string): string | undefined {
  let best: string | undefined;
  let bestKey = '';
  for (const n of candidates) {
    const k = electionKey(n, firstIP);
    // Distinct names never share a sha256 key, so no tie-break is needed.
    if (best === undefined || k < bestKey) {
      best = n;
      bestKey = k;
    }
  }
  return best;
}
