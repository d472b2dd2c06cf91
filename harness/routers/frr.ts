import { chownSync, copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CodedError } from '../../common/errors.ts';
import { run, spawnIn, type Spawned } from '../exec.ts';
import { writeArtifact } from '../artifacts/paths.ts';
import { renderBgpd, renderZebra } from './frr-config.ts';
import type { PeerRouter, RouterOptions } from './peer-router.ts';
import { frrRibView } from './frr-view.ts';

export type { FrrNeighbor } from './frr-config.ts';

export interface FrrOptions extends RouterOptions {
  extraConfig?: string[];
  readyTimeoutMs?: number;
}

export interface FrrRouter extends PeerRouter {
  readonly kind: 'frr';
  readonly name: string;
  readonly netns: string;
  readonly dir: string;
  vtysh(...commands: string[]): Promise<string>;
  json<T = unknown>(command: string): Promise<T>;
  /** `configure terminal` + lines, applied to the running daemons. */
  configure(lines: string[]): Promise<void>;
  dumpArtifacts(outDir: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts zebra and bgpd for one router inside its namespace, as user frr, with every file in a
 * private directory (nothing in /etc/frr or /var/run/frr is read or written), and waits until vtysh
 * answers. zebra is kept (not `bgpd -Z`) so next hops are really checked for reachability.
 */
export async function startFrr(o: FrrOptions): Promise<FrrRouter> {
  const runDir = join(o.dir, 'run');
  if (runDir.length + '/zserv.api'.length > 100) {
    throw new CodedError('FRR_DIR_TOO_LONG', `FRR instance dir ${o.dir} is too long for unix socket paths`);
  }
  rmSync(o.dir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(o.dir, 'zebra.conf'), renderZebra(o.name, join(o.dir, 'zebra.log')));
  writeFileSync(join(o.dir, 'bgpd.conf'), renderBgpd({
    hostname: o.name, asn: o.asn, routerId: o.routerId, neighbors: o.neighbors,
    logFile: join(o.dir, 'bgpd.log'), ...(o.extraConfig ? { extraConfig: o.extraConfig } : {}),
  }));
  writeFileSync(join(o.dir, 'vtysh.conf'), '');
  const { uid, gid } = frrIds();
  for (const p of [o.dir, runDir, ...['zebra.conf', 'bgpd.conf', 'vtysh.conf'].map((f) => join(o.dir, f))]) chownSync(p, uid, gid);

  // Not daemonised (-d): as our children they are reaped by us, never left as orphans or zombies.
  const common = ['-u', 'frr', '-g', 'frr', '-P', '0', '-z', join(runDir, 'zserv.api'), '--vty_socket', runDir];
  const procs: Spawned[] = [];
  const startDaemon = (d: 'zebra' | 'bgpd'): Spawned => {
    const p = spawnIn(o.netns, `/usr/lib/frr/${d}`, [...common, '-f', join(o.dir, `${d}.conf`), '-i', join(runDir, `${d}.pid`)],
      { logFile: join(o.dir, `${d}.stdout.log`) });
    procs.push(p);
    return p;
  };
  startDaemon('zebra');
  // bgpd starts only once zebra knows every interface as up: a session that comes up before bgpd has
  // the interface cannot use the peer's IPv6 link-local next hop, and FRR then withdraws its routes.
  await waitZebraInterfaces(runDir, o.dir, o.readyTimeoutMs ?? 10_000);
  startDaemon('bgpd');

  const vtysh = async (...commands: string[]): Promise<string> => {
    const args = ['--vty_socket', runDir, '--config_dir', o.dir];
    for (const c of commands) args.push('-c', c);
    return (await run('vtysh', args)).stdout;
  };
  const router: FrrRouter = {
    kind: 'frr',
    name: o.name,
    ribView: () => frrRibView(router),
    async sessionStates() {
      const neighbors = await router.json<Record<string, { bgpState?: string }>>('show bgp neighbors json');
      return Object.fromEntries(Object.entries(neighbors).map(([addr, n]) => [addr, n.bgpState ?? 'unknown']));
    },
    netns: o.netns,
    dir: o.dir,
    vtysh,
    async json<T>(command: string): Promise<T> {
      const out = await vtysh(command);
      try {
        return JSON.parse(out) as T;
      } catch {
        throw new CodedError('FRR_BAD_JSON', `${o.name}: "${command}" did not print JSON: ${out.slice(0, 300)}`);
      }
    },
    async configure(lines) {
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
      ];
      for (const [file, cmd] of queries) {
        try {
          writeArtifact(outDir, file, await vtysh(cmd));
        } catch (err) {
          writeArtifact(outDir, file, `(${cmd} failed: ${(err as Error).message})\n`);
        }
      }
      for (const log of ['bgpd.log', 'zebra.log', 'bgpd.conf']) {
        if (existsSync(join(o.dir, log))) copyFileSync(join(o.dir, log), join(outDir, log));
      }
    },
    async stop() {
      // bgpd first so it can still tell zebra goodbye; each escalates to SIGKILL after 3 s.
      for (const p of [...procs].reverse()) await p.stop('SIGTERM', 3000);
      rmSync(runDir, { recursive: true, force: true });
    },
  };
  await waitReady(router, o.readyTimeoutMs ?? 10_000);
  return router;
}

async function waitZebraInterfaces(runDir: string, dir: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const out = (await run('vtysh', ['--vty_socket', runDir, '--config_dir', dir, '-d', 'zebra', '-c', 'show interface json'])).stdout;
      const ifs = JSON.parse(out) as Record<string, { operationalStatus?: string }>;
      const down = Object.entries(ifs).filter(([name, i]) => name !== 'lo' && i.operationalStatus !== 'up').map(([name]) => name);
      if (Object.keys(ifs).length > 1 && down.length === 0) return;
      last = `interfaces not up in zebra: ${down.join(', ') || '(none listed yet)'}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await delay(25);
  }
  throw new CodedError('FRR_NOT_READY', `zebra did not report its interfaces up within ${timeoutMs} ms: ${last}`);
}

async function waitReady(r: FrrRouter, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      await r.json('show bgp summary json');
      return;
    } catch (err) {
      last = err;
      await delay(25);
    }
  }
  throw new CodedError('FRR_NOT_READY', `${r.name}: vtysh did not answer within ${timeoutMs} ms: ${(last as Error)?.message}`);
}

let ids: { uid: number; gid: number } | undefined;
function frrIds(): { uid: number; gid: number } {
  if (!ids) {
    try {
      ids = {
        uid: Number(execFileSync('id', ['-u', 'frr'], { encoding: 'utf8' }).trim()),
        gid: Number(execFileSync('id', ['-g', 'frr'], { encoding: 'utf8' }).trim()),
      };
    } catch {
      throw new CodedError('FRR_NOT_INSTALLED', 'user "frr" not found: install the frr package (make deps)');
    }
  }
  return ids;
}
