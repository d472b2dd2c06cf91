/**
 * Deliberate faults of the reference speaker, to prove the suite catches them (`npm run mutation`). Each is
 * a patch, mutation/faults/<name>.patch, that `git apply` lays on a scratch copy of the tree: production
 * code carries no fault hooks. Each entry names the features (and tags) that must catch it, so a mutation
 * run executes only those.
 */
import { fileURLToPath } from 'node:url';

export type FaultArea =
  | 'plan'
  | 'allocation'
  | 'wire encoding'
  | 'packing'
  | 'session/timers'
  | 'stop'
  | 'L2 election'
  | 'L2 responder'
  | 'L2 membership';

export interface FaultInfo {
  name: string;
  area: FaultArea;
  /** One line: what the faulty speaker does wrong. */
  description: string;
  /** The file (and function) the patch changes. */
  where: string;
  /** The feature files that should catch it (paths relative to the repository). */
  features: string[];
  /** Optional tag expression narrowing those features (e.g. one scenario of bgp-fields). */
  tags?: string;
}

export const FAULTS: readonly FaultInfo[] = [
  {
    name: 'ignore-aggregation-length',
    area: 'plan',
    description: 'announces host routes (/32, /128) whatever aggregationLength / aggregationLengthV6 say',
    where: 'reference/plan/builder.ts (forEachContribution)',
    features: ['features/bgp-advanced.feature'],
    tags: '@ibgp',
  },
  {
    name: 'no-dedup',
    area: 'plan',
    description:
      'keeps routes per Service without reference counts: a shared aggregate is withdrawn when the first of its Services goes',
    where: 'reference/plan/plan.ts (computePlan), new reference/plan/no-dedup.ts',
    features: ['features/bgp-advanced.feature'],
    tags: '@ibgp',
  },
  {
    name: 'drop-communities',
    area: 'wire encoding',
    description: 'sends no COMMUNITIES and no LARGE_COMMUNITY attribute',
    where: 'reference/bgp/packer.ts (baseAttributes)',
    features: ['features/bgp-fields.feature'],
    tags: '@communities',
  },
  {
    name: 'ebgp-local-pref',
    area: 'wire encoding',
    description: "sends LOCAL_PREF (the advertisement's, default 0) to eBGP peers too",
    where: 'reference/plan/builder.ts (plan) and reference/bgp/packer.ts (baseAttributes)',
    features: ['features/bgp-fields.feature', 'features/bgp-interop.feature'],
    tags: '@peers or (@interop and @ebgp)',
  },
  {
    name: 'ignore-node-selectors',
    area: 'plan',
    description: 'announces from every node, ignoring BGPAdvertisement nodeSelectors',
    where: 'reference/plan/context.ts (PlanContext)',
    features: ['features/bgp-node-subset.feature'],
    tags: '@ibgp',
  },
  {
    name: 'ignore-peers',
    area: 'plan',
    description: 'sends every advertisement to every peer, ignoring BGPAdvertisement peers',
    where: 'reference/plan/context.ts (PlanContext)',
    features: ['features/bgp-fields.feature'],
    tags: '@peers',
  },
  {
    name: 'l2-two-nodes',
    area: 'L2 election',
    description: 'the runner-up of the L2 election answers ARP / NDP too, so two nodes announce each IP',
    where: 'reference/plan/builder.ts (l2For)',
    features: ['features/l2-basic.feature'],
    tags: '@ipv4',
  },
  {
    name: 'no-gratuitous',
    area: 'L2 responder',
    description: 'never sends gratuitous ARP / unsolicited NA, so a failover is not announced',
    where: 'reference/l2/responder.ts (startGratuitous)',
    features: ['features/l2-basic.feature'],
    tags: '@ipv4',
  },
  {
    name: 'never-withdraw',
    area: 'packing',
    description: 'never sends withdrawals: routes no longer wanted stay at the peer until the session ends',
    where: 'reference/bgp/rib-out.ts (AdjRibOut.setDesired)',
    features: ['features/bgp-fields.feature'],
    tags: '@lifecycle',
  },
];

export const FAULT_NAMES: readonly string[] = FAULTS.map((f) => f.name);

export function faultInfo(name: string): FaultInfo | undefined {
  return FAULTS.find((f) => f.name === name);
}

/** The patch file of a fault. */
export function faultPatch(name: string): string {
  return fileURLToPath(new URL(`./faults/${name}.patch`, import.meta.url));
}
