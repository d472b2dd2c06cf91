import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const lbconform = fileURLToPath(new URL('../../bin/lbconform', import.meta.url));

export interface SuiteChild {
  child: ChildProcess;
  /** The exit code; 128+n when killed by signal n, 127 when it could not start. */
  done: Promise<number>;
}

/**
 * `bin/lbconform ARGS...` as a child (the one way `make test`, soak, mutation and bench:suite run the suite):
 * stdout and stderr appended to `logFile`, each line also handed to `onLine`.
 */
export function runLbconform(
  args: string[],
  opts: { logFile: string; onLine?: (line: string) => void; env?: NodeJS.ProcessEnv; cwd?: string },
): SuiteChild {
  const log = createWriteStream(opts.logFile);
  const child = spawn(lbconform, args, {
    cwd: opts.cwd ?? repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  let buf = '';
  const feed = (chunk: Buffer): void => {
    log.write(chunk);
    if (!opts.onLine) return;
    buf += chunk.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      opts.onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  };
  child.stdout.on('data', feed);
  child.stderr.on('data', feed);
  const done = new Promise<number>((resolve) => {
    child.on('error', () => {
      log.end();
      resolve(127);
    });
    child.on('close', (code, signal) => {
      if (buf) opts.onLine?.(buf);
      log.end(() => resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
    });
  });
  return { child, done };
}
