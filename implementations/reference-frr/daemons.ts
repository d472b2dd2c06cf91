/**
 * zebra + bgpd for one node, started by the frr-speaker inside the namespace it runs in: a private
 * runtime directory (short, for unix socket paths), FRR's own user, our children (reaped, pids
 * known), and a watchdog that kills them if we die without stopping them (SIGKILL of the speaker).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodedError } from '../../common/errors.ts';
import type { Logger } from '../../common/log.ts';
import { run, spawnProcess, type RunResult, type Spawned } from '../../common/exec.ts';
import { poll } from '../../common/poll.ts';
import { daemonSockets, frrDaemonArgs, frrIds, tail } from '../../common/frr-daemons.ts';

export interface FrrDaemonOptions {
  hostname: string;
  /** bgpd.conf to start with. */
  bgpdConf: string;
  /** bfdd.conf (BFD profiles); bfdd always runs, so profiles can be added by a reload. */
  bfddConf?: string;
  /** Where bgpd.log / zebra.log and daemon output go (kept after stop). */
  logDir: string;
  /** Folder holding zebra and bgpd (Debian: /usr/lib/frr). */
  frrBin: string;
  readyTimeoutMs: number;
  log: Logger;
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
  /** `vtysh -f file`: resolves with vtysh's output; throws FRR_APPLY_FAILED when a command was refused. */
  applyFile(file: string): Promise<string>;
  /** Replaces bgpd (new config): the fallback when a change could not be applied in place. */
  restartBgpd(bgpdConf: string): Promise<void>;
  /** bgpd (SIGTERM), then zebra; SIGKILL after 3 s each; removes the runtime directory. Idempotent. */
  stop(): Promise<void>;
}

export async function startFrrDaemons(o: FrrDaemonOptions): Promise<FrrDaemons> {
  const { uid, gid } = frrIds();
  const runDir = mkdtempSync('/tmp/lbcfrr-');
  mkdirSync(o.logDir, { recursive: true });
  writeFileSync(
    join(runDir, 'zebra.conf'),
    `hostname ${o.hostname}\nlog file ${join(o.logDir, 'zebra.log')}\n!\n`,
  );
  writeFileSync(join(runDir, 'bgpd.conf'), o.bgpdConf);
  writeFileSync(
    join(runDir, 'bfdd.conf'),
    o.bfddConf ?? `hostname ${o.hostname}\nlog file ${join(o.logDir, 'bfdd.log')}\n!\n`,
  );
  writeFileSync(join(runDir, 'vtysh.conf'), '');
  for (const p of [
    runDir,
    o.logDir,
    ...['zebra.conf', 'bgpd.conf', 'bfdd.conf', 'vtysh.conf'].map((f) => join(runDir, f)),
  ])
    chownSync(p, uid, gid);

  const procs = new Map<'zebra' | 'bgpd' | 'bfdd', Spawned>();
  let stopping = false;
  let onDied: (why: string) => void = () => {};
  const died = new Promise<string>((r) => (onDied = r));
  let watchdog: ChildProcess | undefined;

  const start = async (d: 'zebra' | 'bgpd' | 'bfdd', ready: string[]): Promise<Spawned> => {
    // -n: bgpd never installs routes in the node's kernel (and the inbound policy accepts none anyway).
    const args = [...frrDaemonArgs(runDir, d, join(runDir, `${d}.conf`)), ...(d === 'bgpd' ? ['-n'] : [])];
    const out = join(o.logDir, `${d}.stdout.log`);
    const proc = spawnProcess(join(o.frrBin, d), args, { logFile: out });
    procs.set(d, proc);
    const abort = new AbortController();
    void proc.exited.then((code) => {
      const why = `${d} exited ${code}: ${tail(out)}`;
      abort.abort(new CodedError('FRR_START_FAILED', why));
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
        'lbcfrr-watchdog',
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
    // bgpd only once zebra knows the interfaces as up: it takes the IPv6 next hop from them.
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
    await start('bfdd', ['bfdd.vty']);
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
          'FRR_APPLY_FAILED',
          `vtysh -f ${file} exited ${r.code}: ${output.slice(0, 500)}`,
        );
      return output;
    },
    async restartBgpd(bgpdConf) {
      const old = procs.get('bgpd');
      procs.delete('bgpd');
      await old?.stop('SIGTERM', 3000);
      for (const f of ['bgpd.pid', 'bgpd.vty']) rmSync(join(runDir, f), { force: true });
      writeFileSync(join(runDir, 'bgpd.conf'), bgpdConf);
      chownSync(join(runDir, 'bgpd.conf'), uid, gid);
      await start('bgpd', ['bgpd.vty']);
      armWatchdog();
    },
    stop,
  };
}
