/** Fault `l2-two-nodes`: the runner-up of the election gets the owner's L2 rows too. */
import { electL2Owner } from '../plan/l2.ts';
import type { L2Row } from '../plan/types.ts';

export function withRunnerUp(
  rows: L2Row[],
  candidates: readonly string[],
  owner: string,
  firstIP: string,
): L2Row[] {
  const second = electL2Owner(
    candidates.filter((n) => n !== owner),
    firstIP,
  );
  return second === undefined ? rows : [...rows, ...rows.map((r) => ({ ...r, node: second }))];
}
