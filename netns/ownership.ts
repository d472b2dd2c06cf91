import { readFileSync, writeFileSync, mkdirSync, rmSync, readdirSync, existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Who owns a run. A run writes `<stateDir>/<prefix>-<runId>.pid` holding its pid and the process
 * start time (so a recycled pid is not mistaken for a live owner). Anything named after a run whose
 * owner is gone is garbage that a later run may remove.
 */
export const stateDir = process.env.LBCONFORM_RUN_DIR ?? '/run/lbconform';
export const tempRoot = process.env.LBCONFORM_TMP_DIR ?? '/tmp/lbconform';

export function runKey(prefix: string, runId: string): string {
  return `${prefix}-${runId}`;
}

export function pidFile(key: string): string {
  return join(stateDir, `${key}.pid`);
}

export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) counted after the ")" that ends the command name, which may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * Writes the pid file atomically (temp file + rename): a concurrent garbage collection never reads a
 * half-written file and mistakes a live run for a dead one. The temp name does not look like a run.
 */
export function claimRun(key: string): void {
  mkdirSync(stateDir, { recursive: true });
  const tmp = join(stateDir, `.${key}.${process.pid}.tmp`);
  writeFileSync(tmp, `${process.pid} ${processStartTime(process.pid) ?? ''}\n`);
  renameSync(tmp, pidFile(key));
}

export function releaseRun(key: string): void {
  rmSync(pidFile(key), { force: true });
}

/** True when the pid file names a process that is still the one that wrote it. */
export function ownerAlive(key: string): boolean {
  let text: string;
  try {
    text = readFileSync(pidFile(key), 'utf8');
  } catch {
    return false;
  }
  const [pidText, start] = text.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const now = processStartTime(pid);
  return now !== undefined && (start === undefined || start === '' || now === start);
}

/** Run keys that have a pid file or a temp dir under the prefix. */
export function knownRunKeys(prefix: string): string[] {
  const keys = new Set<string>();
  const re = new RegExp(`^(${escapeRegExp(prefix)}-[0-9a-f]{6})(\\.pid)?$`);
  for (const dir of [stateDir, tempRoot]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const m = re.exec(name);
      if (m) keys.add(m[1]!);
    }
  }
  return [...keys];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
