import type { FrrNeighbor } from './frr-config.ts';

/** What every router driver is started with. */
export interface RouterOptions {
  netns: string;
  name: string;
  /** Private instance directory (config, sockets, logs). Keep it short: unix socket paths max 107. */
  dir: string;
  asn: number;
  routerId: string;
  neighbors: FrrNeighbor[];
}

/**
 * What the features need from any router implementation (FRR, GoBGP, BIRD): its view of the routes it
 * received and of its sessions, artifacts for a failure, and stop. Each driver normalises its own output
 * into these shapes so one assertion works against every peer.
 */
export interface PathView {
  nextHop: string;
  origin: string;
  asPath: string;
  localPref: number | null;
  communities: string[];
  largeCommunities: string[];
}

export type RibView = Record<string, PathView[]>;

export interface PeerRouter {
  readonly name: string;
  readonly kind: 'frr' | 'gobgp' | 'bird';
  /** Every received route, both families, paths sorted by next hop. */
  ribView(): Promise<RibView>;
  /** Session state per neighbour address ("Established" when up). */
  sessionStates(): Promise<Record<string, string>>;
  dumpArtifacts(outDir: string): Promise<void>;
  stop(): Promise<void>;
}

/** FRR and BIRD print well-known communities by name; the rules (and the plan) use numbers. */
export const wellKnownCommunities: Record<string, string> = {
  gracefulShutdown: '65535:0',
  acceptOwn: '65535:1',
  blackhole: '65535:666',
  noExport: '65535:65281',
  noAdvertise: '65535:65282',
  localAs: '65535:65283',
  noPeer: '65535:65284',
};

export function sortPaths(paths: PathView[]): PathView[] {
  return paths.sort((a, b) => a.nextHop.localeCompare(b.nextHop));
}
