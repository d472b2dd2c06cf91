import { mkdirSync, writeFileSync, copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CodedError } from '../../common/errors.ts';
import { run, spawnIn, type Spawned } from '../../common/exec.ts';
import { writeArtifact } from '../artifacts/paths.ts';
import {
  sortPaths,
  type PathView,
  type PeerRouter,
  type RibView,
  type RouterOptions,
} from './peer-router.ts';

export interface BirdOptions extends RouterOptions {
  /** A config fragment to include (benchmarks: static routes to announce). */
  includeFile?: string;
  /** Export every route to the neighbours (BIRD as a speaker) instead of nothing (BIRD as a monitor). */
  exportAll?: boolean;
}

const safe = /^[A-Za-z0-9_.:/-]+$/;

function protoName(address: string): string {
  return `peer_${address.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/** bird.conf: fast timers, import everything, export nothing, next hops on the shared segment. */
export function renderBirdConfig(
  o: Pick<BirdOptions, 'asn' | 'routerId' | 'neighbors' | 'includeFile' | 'exportAll'>,
  logFile: string,
): string {
  for (const v of [o.routerId, logFile, ...o.neighbors.map((n) => n.address)]) {
    if (!safe.test(v)) throw new CodedError('BIRD_CONFIG_UNSAFE', `"${v}" cannot go into a BIRD config`);
  }
  if (o.includeFile && !safe.test(o.includeFile))
    throw new CodedError('BIRD_CONFIG_UNSAFE', `"${o.includeFile}" cannot go into a BIRD config`);
  const lines = [
    `router id ${o.routerId};`,
    `log "${logFile}" all;`,
    'protocol device { scan time 1; }',
    ...(o.includeFile ? [`include "${o.includeFile}";`] : []),
    '',
  ];
  for (const n of o.neighbors) {
    lines.push(
      `protocol bgp ${protoName(n.address)} {`,
      `  local as ${o.asn};`,
      `  neighbor ${n.address} as ${n.remoteAsn};`,
      '  direct;', // on the shared segment, iBGP included (else BIRD treats iBGP as multihop)
      '  hold time 3;',
      '  keepalive time 1;',
      '  connect retry time 1;',
      '  connect delay time 1;',
    );
    for (const f of n.families)
      lines.push(`  ${f} { import all; export ${o.exportAll ? 'all' : 'none'}; gateway direct; };`);
    lines.push('}', '');
  }
  return lines.join('\n');
}

/** BIRD 2 as a peer router, read through birdc's text output (BIRD has no JSON). */
export async function startBird(o: BirdOptions): Promise<PeerRouter> {
  mkdirSync(o.dir, { recursive: true });
  const conf = join(o.dir, 'bird.conf');
  const sock = join(o.dir, 'bird.ctl');
  writeFileSync(conf, renderBirdConfig(o, join(o.dir, 'bird.log')));
  const proc: Spawned = spawnIn(
    o.netns,
    'bird',
    ['-f', '-c', conf, '-s', sock, '-P', join(o.dir, 'bird.pid')],
    { logFile: join(o.dir, 'bird.stdout.log') },
  );
  const birdc = async (...cmd: string[]): Promise<string> =>
    (await run('birdc', ['-s', sock, ...cmd])).stdout;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if ((await birdc('show', 'status')).includes('Daemon is up')) break;
    } catch {
      // socket not there yet
    }
    const exited = await Promise.race([proc.exited.then(() => true), delay(0).then(() => false)]);
    if (exited || Date.now() > deadline) {
      const log = existsSync(join(o.dir, 'bird.stdout.log'))
        ? readFileSync(join(o.dir, 'bird.stdout.log'), 'utf8').trim()
        : '';
      throw new CodedError(
        'BIRD_NOT_READY',
        `bird in ${o.netns} ${exited ? 'exited' : 'did not answer'}: ${log}`,
      );
    }
    await delay(50);
  }
  const names = new Map(o.neighbors.map((n) => [protoName(n.address), n.address]));
  // BIRD gives routes from eBGP peers its own default local_pref (100): that is not what came on the wire.
  const ebgpProtocols = new Set(
    o.neighbors.filter((n) => n.remoteAsn !== o.asn).map((n) => protoName(n.address)),
  );
  return {
    name: o.name,
    kind: 'bird',
    async ribView() {
      const view: RibView = {};
      for (const table of ['master4', 'master6'])
        Object.assign(
          view,
          parseBirdRoutes(await birdc('show', 'route', 'all', 'table', table), ebgpProtocols),
        );
      return view;
    },
    async sessionStates() {
      const out = await birdc('show', 'protocols');
      const states: Record<string, string> = {};
      for (const line of out.split('\n')) {
        const [proto, kind, , , , info] = line.trim().split(/\s+/);
        const address = proto ? names.get(proto) : undefined;
        if (address && kind === 'BGP') states[address] = info ?? 'unknown';
      }
      return states;
    },
    async dumpArtifacts(outDir) {
      mkdirSync(outDir, { recursive: true });
      for (const [file, cmd] of [
        ['protocols.txt', ['show', 'protocols', 'all']],
        ['routes4.txt', ['show', 'route', 'all', 'table', 'master4']],
        ['routes6.txt', ['show', 'route', 'all', 'table', 'master6']],
      ] as const) {
        try {
          writeArtifact(outDir, file, await birdc(...cmd));
        } catch (err) {
          writeArtifact(outDir, file, `(${(err as Error).message})\n`);
        }
      }
      for (const f of ['bird.conf', 'bird.log'])
        if (existsSync(join(o.dir, f))) copyFileSync(join(o.dir, f), join(outDir, f));
    },
    stop: () => proc.stop('SIGTERM', 3000),
  };
}

/** Parses `show route all`: a prefix line, then per path an attribute block of `BGP.x: value` lines. */
export function parseBirdRoutes(text: string, ebgpProtocols: ReadonlySet<string> = new Set()): RibView {
  const view: RibView = {};
  let prefix = '';
  let path: PathView | undefined;
  let fromEbgp = false;
  const flush = (): void => {
    if (path && prefix) (view[prefix] ??= []).push(path);
    path = undefined;
  };
  for (const line of text.split('\n')) {
    const head = /^(\S+\/\d+)\s+unicast\s\[(\S+)/.exec(line);
    const more = /^\s+unicast\s\[(\S+)/.exec(line);
    if (head || more) {
      flush();
      if (head) prefix = head[1]!;
      fromEbgp = ebgpProtocols.has((head?.[2] ?? more?.[1])!);
      path = {
        nextHop: '(none)',
        origin: '(none)',
        asPath: '',
        localPref: null,
        communities: [],
        largeCommunities: [],
      };
      continue;
    }
    const attr = /^\s+BGP\.(\w+):\s*(.*)$/.exec(line);
    if (!attr || !path) continue;
    const [, key, value] = attr as unknown as [string, string, string];
    if (key === 'origin') path.origin = value.trim();
    else if (key === 'as_path') path.asPath = value.trim();
    else if (key === 'next_hop') path.nextHop = value.trim().split(/\s+/)[0]!;
    else if (key === 'local_pref') path.localPref = fromEbgp ? null : Number(value);
    else if (key === 'community')
      path.communities = [...value.matchAll(/\((\d+),\s*(\d+)\)/g)].map((m) => `${m[1]}:${m[2]}`).sort();
    else if (key === 'large_community')
      path.largeCommunities = [...value.matchAll(/\((\d+),\s*(\d+),\s*(\d+)\)/g)]
        .map((m) => `${m[1]}:${m[2]}:${m[3]}`)
        .sort();
  }
  flush();
  for (const p of Object.keys(view)) sortPaths(view[p]!);
  return view;
}
