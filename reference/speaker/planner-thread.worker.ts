/** The planner thread's body: reads, parses and plans off the speaker's event loop (planner-thread.ts). */
import { parentPort } from 'node:worker_threads';
import { DesiredStateComputer, type DesiredStateInput } from './desired-state.ts';

// keeps the decoded files and the live plan between reloads, so a reload costs what changed
const computer = new DesiredStateComputer();
// one at a time, in order: a reload answered as a difference assumes the one before it was applied
let queue: Promise<void> = Promise.resolve();

parentPort!.on('message', (msg: { id: number; input: DesiredStateInput }) => {
  queue = queue.then(async () => {
    try {
      parentPort!.postMessage({ id: msg.id, result: await computer.compute(msg.input) });
    } catch (err) {
      parentPort!.postMessage({ id: msg.id, error: String((err as Error)?.stack ?? err) });
    }
  });
});
