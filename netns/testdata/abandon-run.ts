// Helper for runtime.test.ts: brings up a namespace with a long-running process, says READY, then
// waits to be killed with SIGKILL (so nothing of its own cleanup runs).
import { spawn } from 'node:child_process';
import { createRun } from '../runtime.ts';

const run = await createRun({ prefix: 'lbct' });
const lab = await run.up({ segments: [{ name: 'x' }], hosts: [{ name: 'h', role: 'host', interfaces: [{ name: 'eth0', segment: 'x', v4: '192.0.2.99/24' }] }] });
spawn('ip', ['netns', 'exec', lab.nsOf('h'), 'sleep', '600'], { stdio: 'ignore', detached: true }).unref();
process.stdout.write(`READY ${lab.nsOf('h')}\n`);
setInterval(() => {}, 1000);
