/** The planner thread's body: parses and plans off the speaker's event loop (planner-thread.ts). */
import { parentPort } from 'node:worker_threads';
import type { ValidationError } from '../model/types.ts';
import { ParsedDocsCache } from '../config/yaml-fast.ts';
import { desiredStateFromTexts, type DesiredStateInput, type ManifestTexts } from './desired-state.ts';

// a reload parses only the files that changed since the last one
const cache = new ParsedDocsCache();

parentPort!.on(
  'message',
  (msg: { id: number; input: DesiredStateInput; texts: ManifestTexts; errors: ValidationError[] }) => {
    try {
      parentPort!.postMessage({
        id: msg.id,
        result: desiredStateFromTexts(msg.input, msg.texts, msg.errors, cache),
      });
    } catch (err) {
      parentPort!.postMessage({ id: msg.id, error: String((err as Error)?.stack ?? err) });
    }
  },
);
