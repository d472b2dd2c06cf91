import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { poll } from './poll.ts';
import { CodedError } from './errors.ts';

/**
 * What both FRR launchers share: the test routers (harness/routers/frr.ts, started in a router
 * namespace by the harness) and the reference-frr speaker (implementations/reference-frr/daemons.ts,
 * zebra and bgpd as the speaker's own children, with a watchdog).
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
