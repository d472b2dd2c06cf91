import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { run, runIn } from '../harness/exec.ts';

/** Thin wrappers over iproute2 for namespaces; every call is an argument array, never a shell. */

export function listNamespaces(): string[] {
  try {
    return readdirSync('/run/netns');
  } catch {
    return [];
  }
}

export async function addNamespace(ns: string, sysctls: string[]): Promise<void> {
  await run('ip', ['netns', 'add', ns]);
  // DAD off before any interface exists, or IPv6 addresses stay tentative and bind() fails.
  await runIn(ns, 'sysctl', ['-q', '-w', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0', ...sysctls]);
  await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
}

/** Kills every process in the namespace (daemons included), then deletes it. Missing = done. */
export async function deleteNamespace(ns: string): Promise<void> {
  if (!listNamespaces().includes(ns)) return;
  await killAllIn(ns);
  await run('ip', ['netns', 'del', ns], { allowFail: true });
}

async function killAllIn(ns: string): Promise<void> {
  for (let round = 0; round < 50; round++) {
    const { stdout } = await run('ip', ['netns', 'pids', ns], { allowFail: true });
    const pids = stdout.split(/\s+/).filter(Boolean).map(Number).filter((p) => p !== process.pid);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    // SIGKILL is asynchronous: poll until the kernel has reaped them.
    await delay(20);
  }
}

/** Synchronous variant for the process `exit` hook, where nothing asynchronous runs any more. */
export function deleteNamespaceSync(ns: string): void {
  try {
    const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    for (const pid of pids.split(/\s+/).filter(Boolean).map(Number)) {
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
