// Helper for runtime.integration.test.ts: creates a run (prefix lbct), brings up a namespace with a long-running
// process in it, prints `READY <runKey> <namespace> <pid>`, then waits for a signal. SIGKILL leaves
// everything behind (for the garbage collection); SIGINT/SIGTERM must clean up through the hooks.
import { spawn } from 'node:child_process';
import { createRun } from '../runtime.ts';
import { pidsIn } from '../linux.ts';
import { poll } from '../../common/poll.ts';

const run = await createRun({ prefix: 'lbct' });
const lab = await run.up({
  segments: [{ name: 'x' }],
  hosts: [{ name: 'h', role: 'host', interfaces: [{ name: 'eth0', segment: 'x', v4: '192.0.2.99/24' }] }],
});
// Detached, like a daemon: not our child once we are gone, only the namespace ties it to the run.
const sleeper = spawn('ip', ['netns', 'exec', lab.nsOf('h'), 'sleep', '600'], {
  stdio: 'ignore',
  detached: true,
});
sleeper.unref();
await poll(
  'sleeper inside the namespace',
  async () => {
    if (!(await pidsIn(lab.nsOf('h'))).includes(sleeper.pid!)) throw new Error('not yet');
  },
  { timeoutMs: 5000, intervalMs: 10 },
);
process.stdout.write(`READY ${run.key} ${lab.nsOf('h')} ${sleeper.pid}\n`);
setInterval(() => {}, 1000);
