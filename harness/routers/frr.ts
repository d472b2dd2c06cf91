import { chownSync, copyFileSync, existsSync, mkdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { CodedError } from '../../common/errors.ts';
import { daemonSockets, frrDaemonArgs, frrIds, tail } from '../../common/frr-daemons.ts';
import { timed } from '../run/phase-clock.ts';
import type { Logger } from '../../common/log.ts';
import { run, spawnIn, type Spawned } from '../../common/exec.ts';
import { writeArtifact } from '../artifacts/paths.ts';
import { eventually } from '../wait/eventually.ts';
import { renderBfdd, renderBgpd, renderZebra } from './frr-config.ts';
import type { PeerRouter, RouterOptions } from './peer-router.ts';
import { frrRibView } from './frr-view.ts';
import { VtyClient } from './vty-client.ts';

export type { FrrNeighbor } from './frr-config.ts';

export interface FrrOptions extends RouterOptions {
  /**
   * Extra lines inside `router bgp` (after the neighbours, before the address families), e.g.
   * `address-family ipv4 unicast` / `network 203.0.113.0/24` / `exit-address-family`. A string is
   * split into lines; every line is checked (FRR_CONFIG_UNSAFE).
   */
  extraConfig?: string | string[];
  /** Where bgpd.log and zebra.log go (created, owned by frr); default: the instance dir. */
  logDir?: string;
  readyTimeoutMs?: number;
  log?: Logger;
}

/** `show bgp summary json`, the parts tests read. */
export interface FrrBgpSummary {
  ipv4Unicast?: FrrFamilySummary;
  ipv6Unicast?: FrrFamilySummary;
}

export interface FrrFamilySummary {
  routerId?: string;
  as?: number;
  peers: Record<
    string,
    {
      remoteAs?: number;
      state?: string;
      peerState?: string;
      pfxRcd?: number;
      pfxSnt?: number;
      [k: string]: unknown;
    }
  >;
  [k: string]: unknown;
}

/** One path of `show bgp ipv4|ipv6 unicast json` (no communities in this view; no `valid` = invalid). */
export interface FrrTablePath {
  valid?: boolean;
  bestpath?: boolean;
  multipath?: boolean;
  locPrf?: number;
  path?: string;
  origin?: string;
  peerId?: string;
  nexthops?: { ip?: string; afi?: string; scope?: string; used?: boolean }[];
  [k: string]: unknown;
}

export interface FrrTable {
  routerId?: string;
  localAS?: number;
  /** Keyed by prefix; always present (empty when the table is). */
  routes: Record<string, FrrTablePath[]>;
  [k: string]: unknown;
}

/** `show bgp ipv4|ipv6 unicast <prefix> json` (communities are here). */
export interface FrrRouteDetail {
  prefix?: string;
  paths: {
    aspath?: { string?: string; length?: number };
    origin?: string;
    locPrf?: number;
    valid?: boolean;
    bestpath?: { overall?: boolean };
    community?: { list?: string[]; string?: string };
    largeCommunity?: { list?: string[]; string?: string };
    nexthops?: { ip?: string; afi?: string; scope?: string }[];
    peer?: { peerId?: string; routerId?: string };
    [k: string]: unknown;
  }[];
  [k: string]: unknown;
}

/** What a recycled router is configured with again: its `router bgp` part (everything else stays). */
export type FrrBgpSettings = Pick<FrrOptions, 'asn' | 'routerId' | 'neighbors' | 'extraConfig'>;

export interface FrrRouter extends PeerRouter {
  readonly kind: 'frr';
  readonly name: string;
  readonly netns: string;
  readonly dir: string;
  /** Pids of zebra and bgpd. */
  readonly pids: { zebra: number; bgpd: number };
  /** Runs one or more vtysh commands (`-c` each, in order); EXEC_FAILED when vtysh reports an error. */
  vtysh(...commands: string[]): Promise<string>;
  /** A command whose output is JSON, parsed (FRR_BAD_JSON otherwise). */
  json<T = unknown>(command: string): Promise<T>;
  bgpSummary(): Promise<FrrBgpSummary>;
  /** The BGP table of one family, keyed by prefix. */
  routes(family: 'ipv4' | 'ipv6'): Promise<FrrTable>;
  /** One prefix in detail (family from the prefix); undefined when the router does not have it. */
  route(prefix: string): Promise<FrrRouteDetail | undefined>;
  /** `configure terminal` + lines, applied to the running daemons (each line checked like the config). */
  configure(lines: string[]): Promise<void>;
  /** running-config, summary, neighbours, both tables (JSON) and the daemon logs, into outDir. */
  dumpArtifacts(outDir: string): Promise<void>;
  /** SIGTERM (bgpd, then zebra), SIGKILL after 3 s, then removes pid, vty and zserv files. Idempotent. */
  stop(): Promise<void>;
  /**
   * Readies the running daemons for another scenario instead of a restart: removes the BGP instance
   * (every neighbour, session, route and setting of `router bgp` goes with it), waits until bgpd holds
   * no instance, neighbour or route and zebra no BGP route, then empties the daemon logs. False, with
   * nothing changed, when the router cannot be reused: stopped, a daemon gone, bfdd running, or
   * configured at run time (`configure`, a `conf...` vtysh command). FRR_NOT_CLEAN when bgpd or zebra
   * still hold something after the timeout (stop the router then).
   */
  recycle(): Promise<boolean>;
  /**
   * A recycled router takes `router bgp` as a fresh start with these settings renders it (same
   * renderer, same checks); FRR_NOT_READY when its neighbours are then not exactly these.
   */
  reconfigure(settings: FrrBgpSettings): Promise<void>;
}

/** Config lines and prefixes we hand to vtysh: one line, no comment or escape syntax. */
const safeLine = /^[A-Za-z0-9_.:/ -]+$/;
const prefixRe = /^[0-9A-Fa-f.:]+\/\d{1,3}$/;

/**
 * Starts zebra and bgpd for one router inside its namespace, as user frr, with every file in a
 * private directory (nothing in /etc/frr or /var/run/frr is read or written), and waits until vtysh
 * answers. zebra is kept (not `bgpd -Z`) so next hops are really checked for reachability. The
 * daemons run in the foreground as our children (not `-d`): we reap them, they never linger as
 * zombies, and their pids are known without reading pid files.
 */
export async function startFrr(o: FrrOptions): Promise<FrrRouter> {
  if (!isAbsolute(o.dir))
    throw new CodedError('FRR_DIR_INVALID', `FRR instance dir must be absolute, got "${o.dir}"`);
  const dir = resolve(o.dir);
  if (dir.split('/').length < 3)
    throw new CodedError('FRR_DIR_INVALID', `refusing FRR instance dir "${dir}" (too close to /)`);
  const runDir = join(dir, 'run');
  if (runDir.length + '/zserv.api'.length > 100) {
    throw new CodedError('FRR_DIR_TOO_LONG', `FRR instance dir ${dir} is too long for unix socket paths`);
  }
  const logDir = o.logDir ? resolve(o.logDir) : dir;
  const timeoutMs = o.readyTimeoutMs ?? 10_000;
  const log = o.log?.child({ router: o.name, netns: o.netns });
  // Render first: a config that cannot be rendered must not cost a directory or a process.
  const zebraConf = renderZebra(o.name, join(logDir, 'zebra.log'));
  const bgpdConf = renderBgpd({
    hostname: o.name,
    asn: o.asn,
    routerId: o.routerId,
    neighbors: o.neighbors,
    logFile: join(logDir, 'bgpd.log'),
    ...(o.extraConfig !== undefined ? { extraConfig: splitLines(o.extraConfig) } : {}),
  });
  let asn = o.asn;
  // bfdd only when a neighbour uses BFD (features/bgp-bfd.feature)
  const bfddConf = renderBfdd(o.name, join(logDir, 'bfdd.log'), o.neighbors);
  // The instance dir is ours alone: a previous instance's sockets and pid files must not confuse this one.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  writeFileSync(join(dir, 'zebra.conf'), zebraConf);
  writeFileSync(join(dir, 'bgpd.conf'), bgpdConf);
  writeFileSync(join(dir, 'vtysh.conf'), '');
  if (bfddConf) writeFileSync(join(dir, 'bfdd.conf'), bfddConf);
  const { uid, gid } = frrIds();
  for (const p of [
    dir,
    runDir,
    logDir,
    ...['zebra.conf', 'bgpd.conf', 'vtysh.conf', ...(bfddConf ? ['bfdd.conf'] : [])].map((f) => join(dir, f)),
  ])
    chownSync(p, uid, gid);

  const procs: { daemon: 'zebra' | 'bgpd' | 'bfdd'; proc: Spawned }[] = [];
  const startDaemon = async (d: 'zebra' | 'bgpd' | 'bfdd', ready: string[]): Promise<Spawned> => {
    const proc = spawnIn(o.netns, `/usr/lib/frr/${d}`, frrDaemonArgs(runDir, d, join(dir, `${d}.conf`)), {
      logFile: join(logDir, `${d}.stdout.log`),
      ...(log ? { log } : {}),
    });
    procs.push({ daemon: d, proc });
    // Sockets appear once the daemon has read its config and, for zebra, the kernel's interfaces.
    // A daemon that dies on start fails the wait at once, with the end of its output.
    const abort = new AbortController();
    void proc.exited.then((code) =>
      abort.abort(
        new CodedError(
          'FRR_START_FAILED',
          `${o.name}: ${d} exited ${code} on start: ${tail(join(logDir, `${d}.stdout.log`))}`,
        ),
      ),
    );
    await timed('wait', () =>
      daemonSockets(`${o.name}: ${d}`, runDir, ready, { timeoutMs, intervalMs: 5, signal: abort.signal }),
    );
    return proc;
  };

  // Changed at run time beyond `router bgp` (or by a command we cannot judge): never reused.
  let configuredAtRunTime = false;
  const vtysh = async (...commands: string[]): Promise<string> => {
    if (commands.some((c) => /^\s*conf/.test(c))) configuredAtRunTime = true;
    const args = ['--vty_socket', runDir, '--config_dir', dir];
    for (const c of commands) args.push('-c', c);
    return (await run('vtysh', args)).stdout;
  };
  // bgpd's show commands (every poll) go over one long-lived vty connection, not a vtysh each.
  const bgpdVty = new VtyClient(join(runDir, 'bgpd.vty'), `${o.name} bgpd`);
  // zebra's tables, read when a router is recycled (opened on first use)
  const zebraVty = new VtyClient(join(runDir, 'zebra.vty'), `${o.name} zebra`);
  const json = async <T>(command: string): Promise<T> => {
    const out = /^show (ip )?bgp /.test(command) ? await bgpdVty.run(command) : await vtysh(command);
    try {
      return JSON.parse(out) as T;
    } catch {
      throw new CodedError(
        'FRR_BAD_JSON',
        `${o.name}: "${command}" did not print JSON: ${out.slice(0, 300)}`,
      );
    }
  };

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      bgpdVty.close();
      zebraVty.close();
      // bgpd first so it can still tell zebra goodbye; each escalates to SIGKILL after 3 s.
      for (const { proc } of [...procs].reverse()) await proc.stop('SIGTERM', 3000);
      // pid, vty and zserv files stay behind after SIGTERM.
      rmSync(runDir, { recursive: true, force: true });
      log?.debug('frr.stopped');
    })();
    return stopped;
  };

  try {
    const started = Date.now();
    const zebra = await startDaemon('zebra', ['zserv.api', 'zebra.vty']);
    // bgpd starts only once zebra knows every interface as up: a session that comes up before bgpd has
    // the interface cannot use the peer's IPv6 link-local next hop, and FRR then withdraws its routes.
    await eventually(
      `${o.name}: zebra reports every interface up`,
      async () => {
        // over zebra's vty socket: a vtysh per poll cost about 28 ms of CPU each
        const out = await zebraVty.run('show interface json');
        const ifs = JSON.parse(out) as Record<string, { operationalStatus?: string }>;
        const down = Object.entries(ifs)
          .filter(([name, i]) => name !== 'lo' && i.operationalStatus !== 'up')
          .map(([name]) => name);
        if (Object.keys(ifs).length < 2 || down.length)
          throw new Error(`interfaces not up in zebra: ${down.join(', ') || '(none listed yet)'}`);
      },
      { timeoutMs, intervalMs: 25 },
    );
    if (bfddConf) await startDaemon('bfdd', ['bfdd.vty']);
    const bgpd = await startDaemon('bgpd', ['bgpd.vty']);
    await eventually(`${o.name}: vtysh answers for bgpd`, () => json('show bgp summary json'), {
      timeoutMs,
      intervalMs: 25,
    });
    log?.info('frr.started', { ms: Date.now() - started, zebra: zebra.pid, bgpd: bgpd.pid });
  } catch (err) {
    await stop();
    if (err instanceof CodedError && err.code === 'WAIT_TIMEOUT') {
      throw new CodedError('FRR_NOT_READY', `${o.name}: ${err.message}`, { cause: err });
    }
    throw err;
  }
  const pidOf = (d: 'zebra' | 'bgpd'): number => procs.find((p) => p.daemon === d)!.proc.pid;
  const gone = new Set<string>();
  for (const { daemon, proc } of procs) void proc.exited.then(() => gone.add(daemon));

  /** What bgpd and zebra still hold of a BGP instance (empty once it is gone). */
  const leftovers = async (): Promise<string[]> => {
    const [summary, neighbors, v4, v6] = await Promise.all([
      bgpdVty.run('show bgp vrf all summary json'),
      bgpdVty.run('show bgp neighbors json'),
      zebraVty.run('show ip route bgp json'),
      zebraVty.run('show ipv6 route bgp json'),
    ]);
    const keys = (text: string): string[] => Object.keys(JSON.parse(text || '{}') as object);
    return [
      ...keys(summary).map((k) => `bgpd instance ${k}`),
      ...keys(neighbors).map((k) => `bgpd neighbour ${k}`),
      ...[...keys(v4), ...keys(v6)].map((k) => `zebra BGP route ${k}`),
    ];
  };

  const router: FrrRouter = {
    kind: 'frr',
    name: o.name,
    netns: o.netns,
    dir,
    pids: { zebra: pidOf('zebra'), bgpd: pidOf('bgpd') },
    ribView: () => frrRibView(router),
    async sessionStates() {
      const neighbors = await json<Record<string, { bgpState?: string }>>('show bgp neighbors json');
      return Object.fromEntries(
        Object.entries(neighbors).map(([addr, n]) => [addr, n.bgpState ?? 'unknown']),
      );
    },
    vtysh,
    json,
    bgpSummary: () => json<FrrBgpSummary>('show bgp summary json'),
    async routes(family) {
      if (family !== 'ipv4' && family !== 'ipv6')
        throw new CodedError('FRR_BAD_ARGUMENT', `family must be ipv4 or ipv6, got "${String(family)}"`);
      const table = await json<Partial<FrrTable>>(`show bgp ${family} unicast json`);
      return { ...table, routes: table.routes ?? {} };
    },
    async route(prefix) {
      if (!prefixRe.test(prefix))
        throw new CodedError('FRR_BAD_ARGUMENT', `"${prefix}" is not a prefix (address/length)`);
      const detail = await json<Partial<FrrRouteDetail>>(
        `show bgp ${prefix.includes(':') ? 'ipv6' : 'ipv4'} unicast ${prefix} json`,
      );
      return detail.paths ? (detail as FrrRouteDetail) : undefined;
    },
    async configure(lines) {
      for (const l of lines) {
        if (!safeLine.test(l))
          throw new CodedError(
            'FRR_CONFIG_UNSAFE',
            `config line ${JSON.stringify(l)} cannot be sent to FRR (allowed: ${safeLine})`,
          );
      }
      await vtysh('configure terminal', ...lines);
    },
    async dumpArtifacts(outDir) {
      mkdirSync(outDir, { recursive: true });
      const queries: [string, string][] = [
        ['running-config.txt', 'show running-config'],
        ['bgp-summary.json', 'show bgp summary json'],
        ['bgp-neighbors.json', 'show bgp neighbors json'],
        ['rib-ipv4.json', 'show bgp ipv4 unicast json'],
        ['rib-ipv6.json', 'show bgp ipv6 unicast json'],
        ...(bfddConf ? ([['bfd-peers.json', 'show bfd peers json']] as [string, string][]) : []),
      ];
      await Promise.all(
        queries.map(async ([file, cmd]) => {
          try {
            // bgpd's tables over its vty connection; what spans daemons (running-config, bfdd) through vtysh
            writeArtifact(outDir, file, await (/^show bgp /.test(cmd) ? bgpdVty.run(cmd) : vtysh(cmd)));
          } catch (err) {
            writeArtifact(outDir, file, `(${cmd} failed: ${(err as Error).message})\n`);
          }
        }),
      );
      for (const [from, name] of [
        [logDir, 'bgpd.log'],
        [logDir, 'zebra.log'],
        [logDir, 'bgpd.stdout.log'],
        [logDir, 'zebra.stdout.log'],
        [logDir, 'bfdd.log'],
        [logDir, 'bfdd.stdout.log'],
        [dir, 'bgpd.conf'],
        [dir, 'zebra.conf'],
      ] as const) {
        if (existsSync(join(from, name))) copyFileSync(join(from, name), join(outDir, name));
      }
    },
    stop,
    async recycle() {
      if (stopped || configuredAtRunTime || bfddConf || gone.size) return false;
      await vtysh('configure terminal', `no router bgp ${asn}`);
      configuredAtRunTime = false; // that was ours
      await eventually(
        `${o.name}: bgpd and zebra hold nothing of the removed BGP instance`,
        async () => {
          const left = await leftovers();
          if (left.length) throw new Error(`still there: ${left.join(', ')}`);
        },
        { timeoutMs, intervalMs: 20 },
      ).catch((err: Error) => {
        throw new CodedError('FRR_NOT_CLEAN', `${o.name}: ${err.message}`, { cause: err });
      });
      // The next scenario's artifacts start here (the daemons append, so the files just shrink).
      for (const f of ['bgpd.log', 'zebra.log'])
        if (existsSync(join(logDir, f))) truncateSync(join(logDir, f), 0);
      log?.debug('frr.recycled');
      return true;
    },
    async reconfigure(settings) {
      const conf = renderBgpd({
        hostname: o.name,
        asn: settings.asn,
        routerId: settings.routerId,
        neighbors: settings.neighbors,
        logFile: join(logDir, 'bgpd.log'),
        ...(settings.extraConfig !== undefined ? { extraConfig: splitLines(settings.extraConfig) } : {}),
      });
      if (settings.neighbors.some((n) => n.bfd))
        throw new CodedError('FRR_NOT_READY', `${o.name}: BFD neighbours need a fresh start (bfdd)`);
      const lines = conf.split('\n');
      const from = lines.findIndex((l) => l.startsWith('router bgp '));
      const block = lines.slice(from, lines.lastIndexOf('!')).filter((l) => l.trim() !== '!');
      writeFileSync(join(dir, 'bgpd.conf'), conf); // what the artifacts show
      await vtysh('configure terminal', ...block);
      configuredAtRunTime = false; // the same config a fresh start reads
      asn = settings.asn;
      const want = settings.neighbors.map((n) => n.address).sort();
      const have = Object.keys(await json<object>('show bgp neighbors json')).sort();
      if (JSON.stringify(have) !== JSON.stringify(want))
        throw new CodedError(
          'FRR_NOT_READY',
          `${o.name}: after reconfiguring, neighbours ${have.join(', ') || '(none)'}, want ${want.join(', ') || '(none)'}`,
        );
      log?.debug('frr.reconfigured', { asn });
    },
  };
  return router;
}

function splitLines(extra: string | string[]): string[] {
  return (typeof extra === 'string' ? extra.split('\n') : extra)
    .map((l) => l.trim())
    .filter((l) => l !== '' && l !== '!');
}
