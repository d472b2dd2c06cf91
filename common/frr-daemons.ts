import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
