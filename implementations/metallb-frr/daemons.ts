/**
 * zebra + bgpd for one node, as MetalLB's FRR container runs them (config/frr/frr-cm.yaml:
 * `bgpd_options=-A 127.0.0.1 -p 0`): bgpd opens no BGP listener, it only connects out. They run as
 * user frr from a private runtime folder in the namespace this process is in, as our children; a
 * watchdog (`sh` reading a pipe only we hold) kills them and removes the folder if we die unasked.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodedError } from '../../common/errors.ts';
import type { Logger } from '../../common/log.ts';
import { run, spawnProcess, type RunResult, type Spawned } from '../../common/exec.ts';
import { frrIds, tail } from '../../common/frr-daemons.ts';
import { poll } from '../../common/poll.ts';

export interface Daemons {
  readonly runDir: string;
  /** Resolves with a reason when a daemon exits unasked. */
  readonly died: Promise<string>;
  vtysh(args: string[]): Promise<RunResult>;
  /** `vtysh -f file`; throws METALLB_FRR_APPLY_FAILED when bgpd refused a line. */
  applyFile(file: string): Promise<void>;
  /** Replaces bgpd, starting from `conf` (when a reload could not be applied). */
  restartBgpd(conf: string): Promise<void>;
  /** bgpd then zebra (SIGTERM, SIGKILL after 3 s), removes the runtime folder. Idempotent. */
  stop(): Promise<void>;
}

export interface DaemonOptions {
  hostname: string;
  bgpdConf: string;
  logDir: string;
  frrBin: string;
  log: Logger;
  /** Removed by the watchdog too (a temporary log folder). */
  removeOnDeath?: string[];
}

export async function startDaemons(o: DaemonOptions): Promise<Daemons> {
  const { uid, gid } = frrIds();
  const runDir = mkdtempSync('/tmp/mlbfrr-');
  mkdirSync(o.logDir, { recursive: true });
  const own = (p: string): void => chownSync(p, uid, gid);
  const write = (name: string, text: string): void => {
    writeFileSync(join(runDir, name), text);
    own(join(runDir, name));
  };
  own(runDir);
  own(o.logDir);
  // frr.tmpl's zebra lines: next hops may resolve over a default route.
  write(
    'zebra.conf',
    `hostname ${o.hostname}\nlog file ${join(o.logDir, 'zebra.log')}\nip nht resolve-via-default\nipv6 nht resolve-via-default\n`,
  );
  write('bgpd.conf', o.bgpdConf);
  write('vtysh.conf', '');

  const procs = new Map<'zebra' | 'bgpd', Spawned>();
  let stopping = false;
  let onDied: (why: string) => void = () => {};
  const died = new Promise<string>((r) => (onDied = r));
  let watchdog: ChildProcess | undefined;

  const start = async (d: 'zebra' | 'bgpd'): Promise<void> => {
    const args = ['-u', 'frr', '-g', 'frr', '-P', '0', '-z', join(runDir, 'zserv.api')];
    args.push('--vty_socket', runDir, '-f', join(runDir, `${d}.conf`), '-i', join(runDir, `${d}.pid`));
    // -p 0: no BGP listener (MetalLB); -n: never install routes into the node's kernel.
    if (d === 'bgpd') args.push('-p', '0', '-n');
    const out = join(o.logDir, `${d}.stdout.log`);
    const proc = spawnProcess(join(o.frrBin, d), args, { logFile: out });
    procs.set(d, proc);
    const abort = new AbortController();
    void proc.exited.then((code) => {
      const why = `${d} exited ${code}: ${tail(out)}`;
      abort.abort(new CodedError('METALLB_FRR_START_FAILED', why));
      if (!stopping && procs.get(d) === proc) onDied(why);
    });
    await poll(
      `${d} is listening on its vty socket`,
      async () => {
        if (!existsSync(join(runDir, `${d}.vty`))) throw new Error(`no ${d}.vty yet`);
      },
      { timeoutMs: 10_000, intervalMs: 10, signal: abort.signal },
    );
  };

  const vtysh = (args: string[]): Promise<RunResult> =>
    run('vtysh', ['--vty_socket', runDir, '--config_dir', runDir, ...args], {
      allowFail: true,
      timeoutMs: 20_000,
    });

  const armWatchdog = (): void => {
    watchdog?.kill('SIGTERM');
    const script =
      'while read -r _; do :; done; for a; do shift; [ "$a" = -- ] && break; kill -KILL "$a" 2>/dev/null; done; rm -rf -- "$@"';
    const pids = [...procs.values()].map((p) => String(p.pid));
    watchdog = spawn(
      '/bin/sh',
      ['-c', script, 'mlbfrr-watchdog', ...pids, '--', runDir, ...(o.removeOnDeath ?? [])],
      { stdio: ['pipe', 'ignore', 'ignore'] },
    );
    watchdog.on('error', (err) => o.log.warn('frr.watchdog.failed', { error: err }));
  };

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      watchdog?.kill('SIGTERM');
      for (const d of ['bgpd', 'zebra'] as const) await procs.get(d)?.stop('SIGTERM', 3000);
      rmSync(runDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  try {
    await start('zebra');
    // bgpd once zebra has the interfaces up: IPv6 next hops and the router id come from them.
    await poll(
      'zebra sees the interfaces up',
      async () => {
        const r = await vtysh(['-d', 'zebra', '-c', 'show interface json']);
        const ifs = JSON.parse(r.stdout) as Record<string, { operationalStatus?: string }>;
        const down = Object.entries(ifs).filter(([n, i]) => n !== 'lo' && i.operationalStatus !== 'up');
        if (Object.keys(ifs).length < 2 || down.length) throw new Error(`not up: ${down.map(([n]) => n)}`);
      },
      { timeoutMs: 10_000, intervalMs: 25 },
    );
    await start('bgpd');
    armWatchdog();
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    runDir,
    died,
    vtysh,
    async applyFile(file) {
      const r = await vtysh(['-f', file]);
      if (r.code !== 0)
        throw new CodedError(
          'METALLB_FRR_APPLY_FAILED',
          `vtysh -f ${file} exited ${r.code}: ${(r.stdout + r.stderr).trim().slice(0, 500)}`,
        );
    },
    async restartBgpd(conf) {
      const old = procs.get('bgpd');
      procs.delete('bgpd');
      await old?.stop('SIGTERM', 3000);
      for (const f of ['bgpd.pid', 'bgpd.vty']) rmSync(join(runDir, f), { force: true });
      write('bgpd.conf', conf);
      await start('bgpd');
      armWatchdog();
    },
    stop,
  };
}
