import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodedError } from './errors.ts';
import { type RunResult, run, type Spawned, spawnProcess } from './exec.ts';
import type { Logger } from './log.ts';
import { poll } from './poll.ts';

/**
 * FRR's daemons as started by lbconform: the test routers (harness/routers/frr.ts, started in a router
 * namespace by the harness) use the helpers; the two FRR-based speakers (implementations/reference-frr
 * and implementations/metallb-frr) start zebra, bgpd and optionally bfdd as their own children with
 * startFrrDaemons below, which differ only in the options they pass.
 */

/** The last lines of a daemon's output file, on one line, for error messages. */
export function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-5).join(' | ') || '(no output)';
  } catch {
    return '(no output)';
  }
}

let ids: { uid: number; gid: number } | undefined;
/** The frr user's uid and gid, which FRR's daemons run as (checked once). */
export function frrIds(): { uid: number; gid: number } {
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

/**
 * Arguments of zebra or bgpd run as user frr from a private runtime folder: its zserv socket, vty
 * sockets and pid file live in `runDir`, its configuration is `confFile`.
 */
export function frrDaemonArgs(runDir: string, daemon: 'zebra' | 'bgpd' | 'bfdd', confFile: string): string[] {
  return [
    '-u',
    'frr',
    '-g',
    'frr',
    '-P',
    '0',
    '-z',
    join(runDir, 'zserv.api'),
    '--vty_socket',
    runDir,
    '-f',
    confFile,
    '-i',
    join(runDir, `${daemon}.pid`),
    // several bfdd instances on one host each need their own control socket (frr-in-netns.md)
    ...(daemon === 'bfdd' ? ['--bfdctl', join(runDir, 'bfdd.sock')] : []),
  ];
}

/** Waits until a starting daemon's sockets exist in runDir; `signal` aborts it (the daemon died). */
export function daemonSockets(
  name: string,
  runDir: string,
  ready: readonly string[],
  opts: { timeoutMs: number; intervalMs: number; signal: AbortSignal },
): Promise<void> {
  return poll(
    `${name} sockets ${ready.join(', ')}`,
    async () => {
      const missing = ready.filter((f) => !existsSync(join(runDir, f)));
      if (missing.length) throw new Error(`missing ${missing.join(', ')}`);
    },
    opts,
  );
}

export type FrrDaemon = 'zebra' | 'bgpd' | 'bfdd';

export interface FrrDaemonOptions {
  hostname: string;
  /** Lines added to zebra.conf after the hostname and log file. */
  zebraLines?: string[];
  /** bgpd.conf to start with. */
  bgpdConf: string;
  /**
   * bgpd's arguments beyond the common ones: `-n` (never install routes in the node's kernel); MetalLB's
   * FRR mode adds `-p 0` (no BGP listener).
   */
  bgpdArgs: string[];
  /** bfdd.conf: bfdd runs only when given (then always, so BFD profiles can be added by a reload). */
  bfddConf?: string;
  /** Where bgpd.log / zebra.log and daemon output go (kept after stop). */
  logDir: string;
  /** Folder holding zebra and bgpd (Debian: /usr/lib/frr). */
  frrBin: string;
  readyTimeoutMs: number;
  log: Logger;
  /** Names the runtime folder (/tmp/NAME-XXXXXX) and the watchdog process. */
  name: string;
  /** Prefix of the error codes: PREFIX_START_FAILED, PREFIX_APPLY_FAILED. Default FRR. */
  codePrefix?: string;
  /** Temporary folders the watchdog removes too if we die without cleaning up (the runtime dir always). */
  removeOnDeath?: string[];
}

export interface FrrDaemons {
  readonly runDir: string;
  readonly pids: { zebra: number; bgpd: number };
  /** Resolves with a reason when a daemon exits without being asked to. */
  readonly died: Promise<string>;
  vtysh(args: string[]): Promise<RunResult>;
  json<T>(command: string): Promise<T>;
  /** `vtysh -f file`: resolves with vtysh's output; throws PREFIX_APPLY_FAILED when a command was refused. */
  applyFile(file: string): Promise<string>;
  /** Replaces bgpd (new config): the fallback when a change could not be applied in place. */
  restartBgpd(bgpdConf: string): Promise<void>;
  /** bgpd (SIGTERM), then bfdd, then zebra; SIGKILL after 3 s each; removes the runtime directory. Idempotent. */
  stop(): Promise<void>;
}

/**
 * zebra, bfdd (when configured) and bgpd for one node, in the namespace this process runs in: a private
 * runtime directory (short, for unix socket paths), FRR's own user, our children (reaped, pids known),
 * and a watchdog (`sh` reading a pipe only we hold) that kills them and removes the runtime folder if
 * we die without stopping them (SIGKILL of the speaker).
 */
export async function startFrrDaemons(o: FrrDaemonOptions): Promise<FrrDaemons> {
  const { uid, gid } = frrIds();
  const code = (what: string): string => `${o.codePrefix ?? 'FRR'}_${what}`;
  const runDir = mkdtempSync(`/tmp/${o.name}-`);
  mkdirSync(o.logDir, { recursive: true });
  chownSync(runDir, uid, gid);
  chownSync(o.logDir, uid, gid);
  const write = (file: string, text: string): void => {
    writeFileSync(join(runDir, file), text);
    chownSync(join(runDir, file), uid, gid);
  };
  const zebraLines = [
    `hostname ${o.hostname}`,
    `log file ${join(o.logDir, 'zebra.log')}`,
    ...(o.zebraLines ?? []),
  ];
  write('zebra.conf', `${zebraLines.join('\n')}\n!\n`);
  write('bgpd.conf', o.bgpdConf);
  if (o.bfddConf !== undefined) write('bfdd.conf', o.bfddConf);
  write('vtysh.conf', '');

  const procs = new Map<FrrDaemon, Spawned>();
  let stopping = false;
  let onDied: (why: string) => void = () => {};
  const died = new Promise<string>((r) => (onDied = r));
  let watchdog: ChildProcess | undefined;

  const start = async (d: FrrDaemon, ready: string[]): Promise<Spawned> => {
    const args = [
      ...frrDaemonArgs(runDir, d, join(runDir, `${d}.conf`)),
      ...(d === 'bgpd' ? o.bgpdArgs : []),
    ];
    const out = join(o.logDir, `${d}.stdout.log`);
    const proc = spawnProcess(join(o.frrBin, d), args, { logFile: out });
    procs.set(d, proc);
    const abort = new AbortController();
    void proc.exited.then((exit) => {
      const why = `${d} exited ${exit}: ${tail(out)}`;
      abort.abort(new CodedError(code('START_FAILED'), why));
      if (!stopping && procs.get(d) === proc) onDied(why);
    });
    await daemonSockets(d, runDir, ready, {
      timeoutMs: o.readyTimeoutMs,
      intervalMs: 10,
      signal: abort.signal,
    });
    return proc;
  };

  const vtysh = (args: string[]): Promise<RunResult> =>
    run('vtysh', ['--vty_socket', runDir, '--config_dir', runDir, ...args], {
      allowFail: true,
      timeoutMs: 20_000,
    });
  const json = async <T>(command: string): Promise<T> => {
    const r = await vtysh(['-c', command]);
    try {
      return JSON.parse(r.stdout) as T;
    } catch {
      throw new CodedError(
        'FRR_BAD_JSON',
        `"${command}" did not print JSON (exit ${r.code}): ${(r.stdout + r.stderr).slice(0, 300)}`,
      );
    }
  };

  const armWatchdog = (): void => {
    watchdog?.kill('SIGTERM');
    // Reads until our end of the pipe closes, which happens however we die; then kills the daemons
    // and removes our temporary folders. A fixed script: pids and paths are arguments, never shell text.
    const script =
      'while read -r _; do :; done; for a; do shift; [ "$a" = -- ] && break; kill -KILL "$a" 2>/dev/null; done; rm -rf -- "$@"';
    watchdog = spawn(
      '/bin/sh',
      [
        '-c',
        script,
        `${o.name}-watchdog`,
        ...[...procs.values()].map((p) => String(p.pid)),
        '--',
        runDir,
        ...(o.removeOnDeath ?? []),
      ],
      { stdio: ['pipe', 'ignore', 'ignore'] },
    );
    watchdog.on('error', (err) => o.log.warn('frr.watchdog.failed', { error: err }));
  };

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      watchdog?.kill('SIGTERM');
      for (const d of ['bgpd', 'bfdd', 'zebra'] as const) await procs.get(d)?.stop('SIGTERM', 3000);
      rmSync(runDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  try {
    await start('zebra', ['zserv.api', 'zebra.vty']);
    // bgpd only once zebra knows the interfaces as up: it takes the IPv6 next hop and the router id from them.
    await poll(
      'zebra reports the interfaces up',
      async () => {
        const r = await vtysh(['-d', 'zebra', '-c', 'show interface json']);
        const ifs = JSON.parse(r.stdout) as Record<string, { operationalStatus?: string }>;
        const down = Object.entries(ifs)
          .filter(([n, i]) => n !== 'lo' && i.operationalStatus !== 'up')
          .map(([n]) => n);
        if (Object.keys(ifs).length < 2 || down.length)
          throw new Error(`not up in zebra: ${down.join(', ') || '(no interface yet)'}`);
      },
      { timeoutMs: o.readyTimeoutMs, intervalMs: 25 },
    );
    if (o.bfddConf !== undefined) await start('bfdd', ['bfdd.vty']);
    await start('bgpd', ['bgpd.vty']);
    armWatchdog();
  } catch (err) {
    await stop();
    throw err;
  }
  o.log.info('frr.started', { runDir, zebra: procs.get('zebra')!.pid, bgpd: procs.get('bgpd')!.pid });

  return {
    runDir,
    get pids() {
      return { zebra: procs.get('zebra')!.pid, bgpd: procs.get('bgpd')!.pid };
    },
    died,
    vtysh,
    json,
    async applyFile(file) {
      const r = await vtysh(['-f', file]);
      const output = (r.stdout + r.stderr).trim();
      if (r.code !== 0)
        throw new CodedError(
          code('APPLY_FAILED'),
          `vtysh -f ${file} exited ${r.code}: ${output.slice(0, 500)}`,
        );
      return output;
    },
    async restartBgpd(bgpdConf) {
      const old = procs.get('bgpd');
      procs.delete('bgpd');
      await old?.stop('SIGTERM', 3000);
      for (const f of ['bgpd.pid', 'bgpd.vty']) rmSync(join(runDir, f), { force: true });
      write('bgpd.conf', bgpdConf);
      await start('bgpd', ['bgpd.vty']);
      armWatchdog();
    },
    stop,
  };
}
