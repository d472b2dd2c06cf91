import { mkdirSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CodedError } from '../../common/errors.ts';
import { runIn, spawnIn, type Spawned } from '../../common/exec.ts';
import { writeArtifact } from '../artifacts/paths.ts';
import {
  sortPaths,
  type PathView,
  type PeerRouter,
  type RibView,
  type RouterOptions,
} from './peer-router.ts';

export type GobgpOptions = RouterOptions;

const safe = /^[A-Za-z0-9_.:-]+$/;

/** gobgpd's TOML: fast timers, both unicast families per neighbour, accept everything. */
export function renderGobgpConfig(o: Pick<GobgpOptions, 'asn' | 'routerId' | 'neighbors'>): string {
  for (const v of [o.routerId, ...o.neighbors.map((n) => n.address)]) {
    if (!safe.test(v)) throw new CodedError('GOBGP_CONFIG_UNSAFE', `"${v}" cannot go into a GoBGP config`);
  }
  const lines = ['[global.config]', `  as = ${o.asn}`, `  router-id = "${o.routerId}"`, ''];
  for (const n of o.neighbors) {
    lines.push(
      '[[neighbors]]',
      '  [neighbors.config]',
      `    neighbor-address = "${n.address}"`,
      `    peer-as = ${n.remoteAsn}`,
      '  [neighbors.timers.config]',
      '    hold-time = 3',
      '    keepalive-interval = 1',
      '    connect-retry = 1',
    );
    for (const f of n.families) {
      lines.push(
        '  [[neighbors.afi-safis]]',
        '    [neighbors.afi-safis.config]',
        `      afi-safi-name = "${f}-unicast"`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

type GobgpAttr = NonNullable<GobgpPath['attrs']>[number];

interface GobgpPath {
  nlri?: { prefix?: string };
  attrs?: {
    type: number;
    as_paths?: { segment_type: number; asns: number[] }[];
    nexthop?: string;
    communities?: number[];
    value?: unknown;
    large_communities?: {
      ASN?: number;
      asn?: number;
      LocalData1?: number;
      local_data1?: number;
      LocalData2?: number;
      local_data2?: number;
    }[];
  }[];
  'source-id'?: string;
  neighbor?: string;
}

/** GoBGP (gobgpd) as a peer router, queried through its CLI's JSON over gRPC on the namespace's loopback. */
export async function startGobgp(o: GobgpOptions): Promise<PeerRouter> {
  mkdirSync(o.dir, { recursive: true });
  const conf = join(o.dir, 'gobgpd.toml');
  writeFileSync(conf, renderGobgpConfig(o));
  const proc: Spawned = spawnIn(o.netns, 'gobgpd', ['-f', conf, '-t', 'toml', '--log-plain', '-l', 'debug'], {
    logFile: join(o.dir, 'gobgpd.log'),
  });
  const cli = async <T>(args: string[]): Promise<T> => {
    const { stdout } = await runIn(o.netns, 'gobgp', [...args, '-j']);
    return JSON.parse(stdout || 'null') as T;
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await cli(['neighbor']);
      break;
    } catch (err) {
      if (Date.now() > deadline)
        throw new CodedError(
          'GOBGP_NOT_READY',
          `gobgpd in ${o.netns} did not answer: ${(err as Error).message}`,
        );
      await delay(50);
    }
  }
  const router: PeerRouter = {
    name: o.name,
    kind: 'gobgp',
    async ribView() {
      const view: RibView = {};
      for (const family of ['ipv4', 'ipv6']) {
        const rib = (await cli<Record<string, GobgpPath[]>>(['global', 'rib', '-a', family])) ?? {};
        for (const [prefix, paths] of Object.entries(rib)) view[prefix] = sortPaths(paths.map(toPathView));
      }
      return view;
    },
    async sessionStates() {
      const list =
        (await cli<{ conf?: { neighbor_address?: string }; state?: { session_state?: number | string } }[]>([
          'neighbor',
        ])) ?? [];
      // gobgp prints the FSM state as a number (6 = established) or a name, depending on version.
      return Object.fromEntries(
        list.map((n) => [
          n.conf?.neighbor_address ?? '?',
          n.state?.session_state === 6 || n.state?.session_state === 'established'
            ? 'Established'
            : String(n.state?.session_state),
        ]),
      );
    },
    async dumpArtifacts(outDir) {
      mkdirSync(outDir, { recursive: true });
      for (const [file, args] of [
        ['neighbors.json', ['neighbor']],
        ['rib-ipv4.json', ['global', 'rib', '-a', 'ipv4']],
        ['rib-ipv6.json', ['global', 'rib', '-a', 'ipv6']],
      ] as const) {
        try {
          writeArtifact(outDir, file, await cli([...args]));
        } catch (err) {
          writeArtifact(outDir, file, `(${(err as Error).message})\n`);
        }
      }
      for (const f of ['gobgpd.toml', 'gobgpd.log'])
        if (existsSync(join(o.dir, f))) copyFileSync(join(o.dir, f), join(outDir, f));
    },
    stop: () => proc.stop('SIGTERM', 3000),
  };
  return router;
}

function toPathView(p: GobgpPath): PathView {
  const attrs = p.attrs ?? [];
  const get = (t: number) => attrs.find((a) => a.type === t);
  const asPath = (get(2)?.as_paths ?? []).flatMap((s) => s.asns).join(' ');
  const origin = ['IGP', 'EGP', 'incomplete'][(get(1)?.value as number | undefined) ?? -1] ?? '(none)';
  const nextHop = get(14)?.nexthop ?? get(3)?.nexthop ?? '(none)';
  const lp = get(5)?.value as number | undefined;
  const communities = (get(8)?.communities ?? []).map((c) => `${c >>> 16}:${c & 0xffff}`).sort();
  // gobgp 3.x prints LARGE_COMMUNITY as `value: [{ASN, LocalData1, LocalData2}]`.
  const largeList = (get(32)?.large_communities ?? get(32)?.value ?? []) as NonNullable<
    GobgpAttr['large_communities']
  >;
  const large = largeList
    .map((c) => `${c.ASN ?? c.asn}:${c.LocalData1 ?? c.local_data1}:${c.LocalData2 ?? c.local_data2}`)
    .sort();
  return { nextHop, origin, asPath, localPref: lp ?? null, communities, largeCommunities: large };
}
