import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { run, runIn } from '../common/exec.ts';

/** Thin wrappers over iproute2 for namespaces; every call is an argument array, never a shell. */

export function listNamespaces(): string[] {
  try {
    return readdirSync('/run/netns');
  } catch {
    return [];
  }
}

/** Creates the namespace, turns DAD off (and sets `sysctls`) inside it, brings `lo` up unless told not to. */
export async function addNamespace(
  ns: string,
  sysctls: string[],
  opts: { loopbackUp?: boolean } = {},
): Promise<void> {
  await run('ip', ['netns', 'add', ns]);
  // DAD off before any interface exists, or IPv6 addresses stay tentative and bind() fails.
  await runIn(ns, 'sysctl', [
    '-q',
    '-w',
    'net.ipv6.conf.all.accept_dad=0',
    'net.ipv6.conf.default.accept_dad=0',
    ...sysctls,
  ]);
  if (opts.loopbackUp ?? true) await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
}

/** Pids of the processes whose network namespace is `ns` (empty when it does not exist). */
export async function pidsIn(ns: string): Promise<number[]> {
  const { stdout } = await run('ip', ['netns', 'pids', ns], { allowFail: true });
  return stdout
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((p) => Number.isInteger(p) && p > 0);
}

/**
 * Kills every process in the namespace (daemons included), then deletes it. Missing = done.
 * Returns the pids it killed.
 */
export async function deleteNamespace(ns: string): Promise<number[]> {
  if (!listNamespaces().includes(ns)) return [];
  const killed = await killAllIn(ns);
  await run('ip', ['netns', 'del', ns], { allowFail: true });
  return killed;
}

async function killAllIn(ns: string): Promise<number[]> {
  const killed = new Set<number>();
  for (let round = 0; round < 100; round++) {
    const pids = (await pidsIn(ns)).filter((p) => p !== process.pid);
    if (pids.length === 0) break;
    for (const pid of pids) {
      killed.add(pid);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    // SIGKILL is asynchronous: poll until the kernel has taken them out of the namespace.
    await delay(10);
  }
  return [...killed];
}

/** Synchronous variant for the process `exit` hook, where nothing asynchronous runs any more. */
export function deleteNamespaceSync(ns: string): void {
  try {
    const pids = execFileSync('ip', ['netns', 'pids', ns], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    for (const pid of pids
      .split(/\s+/)
      .filter(Boolean)
      .map(Number)
      .filter((p) => p > 0 && p !== process.pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  } catch {
    // best effort: the next run's garbage collection finishes the job
  }
}
