import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { openSync, closeSync, mkdirSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname } from 'node:path';
import { CodedError } from './errors.ts';
import type { Logger } from './log.ts';

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface RunOptions {
  /** Resolve with the non-zero code (also 127 not found, 128+n signal) instead of throwing EXEC_FAILED. */
  allowFail?: boolean;
  /** Written to the program's stdin (then closed). */
  input?: string;
  /** Killed (SIGKILL, code 137) after this long; default 30 s. */
  timeoutMs?: number;
}

/** A program that failed: the command line, its exit code (128+n for signal n) and its stderr. */
export class ExecError extends CodedError {
  readonly argv: string[];
  readonly exitCode: number;
  readonly stderr: string;
  readonly stdout: string;

  constructor(argv: string[], exitCode: number, stdout: string, stderr: string, why: string) {
    super(
      'EXEC_FAILED',
      `${argv.map(quoteForDisplay).join(' ')} ${why}: ${stderr.trim() || stdout.trim() || '(no output)'}`,
    );
    this.argv = argv;
    this.exitCode = exitCode;
    this.stdout = stdout;
    this.stderr = stderr;
  }
}

/**
 * Runs a program with an argument array (never a shell string: names from manifests or topologies
 * can never become shell syntax). Throws EXEC_FAILED (an ExecError) with the command line and its
 * stderr on a non-zero exit unless allowFail; a program that cannot be started (ENOENT) exits 127,
 * one killed by signal n exits 128+n.
 */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const argv = [cmd, ...args];
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { maxBuffer: 64 * 1024 * 1024, timeout: opts.timeoutMs ?? 30_000, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const out = String(stdout);
        const errText = String(stderr);
        if (!err) return resolve({ stdout: out, stderr: errText, code: 0 });
        const e = err as NodeJS.ErrnoException & {
          code?: number | string;
          signal?: NodeJS.Signals | null;
          killed?: boolean;
        };
        let code: number;
        let why: string;
        if (typeof e.code === 'number') {
          code = e.code;
          why = `exited ${code}`;
        } else if (e.signal) {
          code = 128 + (constants.signals[e.signal] ?? 0);
          why = e.killed
            ? `timed out after ${opts.timeoutMs ?? 30_000} ms (killed)`
            : `killed by ${e.signal}`;
        } else {
          code = e.code === 'ENOENT' ? 127 : 126;
          why = `could not be started (${e.code ?? e.message})`;
        }
        if (opts.allowFail) return resolve({ stdout: out, stderr: errText, code });
        reject(new ExecError(argv, code, out, errText, why));
      },
    );
    // A program that exits without reading its input must not crash us with EPIPE.
    child.stdin?.on('error', () => {});
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Runs a program inside a network namespace (`ip netns exec NS cmd args...`). */
export function runIn(netns: string, cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run('ip', ['netns', 'exec', netns, cmd, ...args], opts);
}

export interface Spawned {
  readonly pid: number;
  /** Resolves with the exit code (128+n when killed by signal n) once the process is gone. */
  readonly exited: Promise<number | null>;
  signal(sig: NodeJS.Signals): void;
  /** Sends `sig`, waits up to timeoutMs for exit, then SIGKILL. Resolves once the process is gone. */
  stop(sig?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
}

export interface SpawnOptions {
  /** stdout and stderr are appended here (directory created); otherwise discarded. */
  logFile?: string;
  cwd?: string;
  env?: Record<string, string>;
  log?: Logger;
}

/**
 * Starts a long-running program (argument array), stdout and stderr appended to logFile. The process
 * is our child, so we reap it: it never lingers as a zombie or an orphan we lost track of.
 */
export function spawnProcess(cmd: string, args: string[], opts: SpawnOptions = {}): Spawned {
  let fd: number | undefined;
  if (opts.logFile) {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    fd = openSync(opts.logFile, 'a');
  }
  let child: ChildProcess;
  try {
    child = spawn(cmd, args, {
      stdio: ['ignore', fd ?? 'ignore', fd ?? 'ignore'],
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const argv = [cmd, ...args];
  if (child.pid === undefined) {
    child.on('error', () => {});
    throw new CodedError('SPAWN_FAILED', `could not start ${argv.map(quoteForDisplay).join(' ')}`);
  }
  const pid = child.pid;
  opts.log?.debug('process.started', { pid, argv });
  let done = false;
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code, sig) => {
      done = true;
      opts.log?.debug('process.exited', { pid, code, signal: sig });
      resolve(code ?? (sig ? 128 + (constants.signals[sig] ?? 0) : null));
    });
  });
  const kill = (sig: NodeJS.Signals): void => {
    if (done) return;
    try {
      child.kill(sig);
    } catch {
      // exited between the check and the kill
    }
  };
  return {
    pid,
    exited,
    signal: kill,
    async stop(sig = 'SIGTERM', timeoutMs = 5000) {
      if (done) return;
      kill(sig);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs))),
      ]);
      clearTimeout(timer);
      if (timedOut && !done) {
        opts.log?.warn('process.stop_escalated', { pid, argv, signal: sig, timeoutMs });
        kill('SIGKILL');
        await exited;
      }
    },
  };
}

/**
 * Starts a long-running program inside a namespace (`ip netns exec` execs it, so the pid is the
 * program's own), stdout and stderr appended to logFile.
 */
export function spawnIn(netns: string, cmd: string, args: string[], opts: SpawnOptions = {}): Spawned {
  return spawnProcess('ip', ['netns', 'exec', netns, cmd, ...args], opts);
}

/** For messages only (commands never go through a shell). */
function quoteForDisplay(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
