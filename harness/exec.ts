import { execFile, spawn } from 'node:child_process';
import { openSync, closeSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { CodedError } from '../common/errors.ts';

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * Runs a program with an argument array (never a shell string: names from manifests or topologies
 * can never become shell syntax). Throws EXEC_FAILED with the command and its stderr unless allowFail.
 */
export function run(cmd: string, args: string[], opts: { allowFail?: boolean; input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024, timeout: opts.timeoutMs ?? 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      if (code !== 0 && !opts.allowFail) {
        reject(new CodedError('EXEC_FAILED', `${[cmd, ...args].join(' ')} exited ${code}: ${String(stderr).trim() || String(stdout).trim()}`));
      } else {
        resolve({ stdout: String(stdout), stderr: String(stderr), code });
      }
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Runs a program inside a network namespace. */
export function runIn(netns: string, cmd: string, args: string[], opts: { allowFail?: boolean; input?: string } = {}): Promise<RunResult> {
  return run('ip', ['netns', 'exec', netns, cmd, ...args], opts);
}

export interface Spawned {
  readonly pid: number;
  readonly exited: Promise<number | null>;
  signal(sig: NodeJS.Signals): void;
  /** Sends `sig`, waits up to timeoutMs for exit, then SIGKILL. Resolves once the process is gone. */
  stop(sig?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
}

/**
 * Starts a long-running program inside a namespace (`ip netns exec` execs it, so the pid is the
 * program's own), stdout and stderr appended to logFile.
 */
export function spawnIn(
  netns: string,
  cmd: string,
  args: string[],
  opts: { logFile?: string; cwd?: string; env?: Record<string, string> } = {},
): Spawned {
  let fd: number | undefined;
  if (opts.logFile) {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    fd = openSync(opts.logFile, 'a');
  }
  const child = spawn('ip', ['netns', 'exec', netns, cmd, ...args], {
    stdio: ['ignore', fd ?? 'ignore', fd ?? 'ignore'],
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
  });
  if (fd !== undefined) closeSync(fd);
  if (child.pid === undefined) throw new CodedError('SPAWN_FAILED', `could not start ${cmd} in ${netns}`);
  let done = false;
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code, sig) => {
      done = true;
      resolve(code ?? (sig ? 128 : null));
    });
  });
  return {
    pid: child.pid,
    exited,
    signal: (sig) => {
      if (!done) child.kill(sig);
    },
    async stop(sig = 'SIGTERM', timeoutMs = 5000) {
      if (done) return;
      child.kill(sig);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs))),
      ]);
      clearTimeout(timer);
      if (timedOut && !done) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
