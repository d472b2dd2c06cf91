import { createHash } from 'node:crypto';

/**
 * The documented election, written here independently of the reference's plan code so the suite judges
 * the reference too: candidates sorted by sha256(nodeName + "#" + firstServiceIP), the first wins.
 */
export function electedNode(candidates: string[], firstIp: string): string {
  const key = (n: string): string => createHash('sha256').update(`${n}#${firstIp}`).digest('hex');
  const sorted = [...candidates].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  if (!sorted[0]) throw new Error('no candidate nodes');
  return sorted[0];
}
