/**
 * Deliberate faults in the reference speaker, to prove the suite catches them (`npm run mutation`,
 * `lbconform run --fault NAME`). Each is switched on by LBCONFORM_FAULT, read once, and injected by one
 * guarded line where the behaviour lives; with the variable unset nothing changes.
 */
import { CodedError } from '../../common/errors.ts';

export interface FaultInfo {
  name: string;
  /** One line: what the faulty speaker does wrong. */
  description: string;
  /** Where the guarded line is. */
  injectedIn: string;
  /** The feature files that should catch it (paths relative to the repository). */
  features: string[];
  /** Optional tag expression narrowing those features (e.g. one scenario of bgp-fields). */
  tags?: string;
}

export const FAULTS = [
  {
    name: 'ignore-aggregation-length',
    description: 'announces host routes (/32, /128) whatever aggregationLength / aggregationLengthV6 say',
    injectedIn: 'reference/plan/builder.ts (forEachContribution)',
    features: ['features/bgp-advanced.feature'],
    tags: '@ibgp',
  },
  {
    name: 'no-dedup',
    description:
      'keeps routes per Service without reference counts: a shared aggregate is withdrawn when the first of its Services goes',
    injectedIn: 'reference/plan/plan.ts (computePlan) -> reference/faults/no-dedup.ts',
    features: ['features/bgp-advanced.feature'],
    tags: '@ibgp',
  },
  {
    name: 'drop-communities',
    description: 'sends no COMMUNITIES and no LARGE_COMMUNITY attribute',
    injectedIn: 'reference/bgp/packer.ts (attributesFor)',
    features: ['features/bgp-fields.feature'],
    tags: '@communities',
  },
  {
    name: 'ebgp-local-pref',
    description: "sends LOCAL_PREF (the advertisement's, default 0) to eBGP peers too",
    injectedIn: 'reference/plan/builder.ts (plan) and reference/bgp/packer.ts',
    features: ['features/bgp-fields.feature', 'features/bgp-interop.feature'],
    tags: '@peers or (@interop and @ebgp)',
  },
  {
    name: 'ignore-node-selectors',
    description: 'announces from every node, ignoring BGPAdvertisement nodeSelectors',
    injectedIn: 'reference/plan/context.ts (PlanContext)',
    features: ['features/bgp-node-subset.feature'],
    tags: '@ibgp',
  },
  {
    name: 'ignore-peers',
    description: 'sends every advertisement to every peer, ignoring BGPAdvertisement peers',
    injectedIn: 'reference/plan/context.ts (PlanContext)',
    features: ['features/bgp-fields.feature'],
    tags: '@peers',
  },
  {
    name: 'l2-two-nodes',
    description: 'the runner-up of the L2 election answers ARP / NDP too, so two nodes announce each IP',
    injectedIn: 'reference/plan/builder.ts (l2For) -> reference/faults/l2-two-nodes.ts',
    features: ['features/l2-basic.feature'],
    tags: '@ipv4',
  },
  {
    name: 'no-gratuitous',
    description: 'never sends gratuitous ARP / unsolicited NA, so a failover is not announced',
    injectedIn: 'reference/l2/responder.ts (startGratuitous)',
    features: ['features/l2-basic.feature'],
    tags: '@ipv4',
  },
  {
    name: 'never-withdraw',
    description: 'never sends withdrawals: routes no longer wanted stay at the peer until the session ends',
    injectedIn: 'reference/bgp/rib-out.ts (AdjRibOut.setDesired)',
    features: ['features/bgp-fields.feature'],
    tags: '@lifecycle',
  },
] as const satisfies readonly FaultInfo[];

export type FaultName = (typeof FAULTS)[number]['name'];

export const FAULT_NAMES: readonly FaultName[] = FAULTS.map((f) => f.name);

export function faultInfo(name: string): FaultInfo | undefined {
  return FAULTS.find((f) => f.name === name);
}

/** `undefined`/empty -> no fault; a known name -> it; anything else -> FAULT_UNKNOWN listing the known ones. */
export function parseFault(value: string | undefined): FaultName | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const name = value.trim();
  if (!(FAULT_NAMES as readonly string[]).includes(name)) {
    throw new CodedError(
      'FAULT_UNKNOWN',
      `unknown fault ${JSON.stringify(name)}; known faults: ${FAULT_NAMES.join(', ')}`,
    );
  }
  return name as FaultName;
}

let cached: { fault: FaultName | undefined } | undefined;

/** The fault this process runs with (LBCONFORM_FAULT, read and validated once). */
export function activeFault(): FaultName | undefined {
  cached ??= { fault: parseFault(process.env.LBCONFORM_FAULT) };
  return cached.fault;
}

/** Unit tests only: run the code under `name` (or none) regardless of the environment. */
export function setFaultForTests(name: FaultName | undefined): void {
  cached = { fault: name };
}
