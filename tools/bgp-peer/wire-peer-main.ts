/**
 * Runs the wire table (wire-table.ts) in the namespace it is started in (`ip netns exec NS node
 * --import tsx wire-peer-main.ts JSON`): one JSON line `{"listening":true}` once TCP 179 is open, one
 * line per case, `{"stopSpeaker":true}` when the speaker must get SIGTERM (the Cease case; not in the `update` half), then
 * `{"done":true}`. JSON: WireTableOptions.
 */
import { runWireTable, type WireTableOptions } from './wire-table.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as WireTableOptions;
const line = (o: unknown): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
await runWireTable(
  options,
  () => line({ listening: true }),
  (r) => line({ result: r }),
  // The keepalive rate and Cease on SIGTERM end the session half of the table (or the whole table).
  options.area === 'update' ? undefined : () => line({ stopSpeaker: true }),
);
line({ done: true });
process.exit(0);
