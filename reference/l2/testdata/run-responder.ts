/**
 * A bare L2 responder for root tests, run in a node's namespace:
 *   ip netns exec NS node --import tsx reference/l2/testdata/run-responder.ts NODE
 * Reads JSON lines on stdin: {"own": [ip | {ip, interfaces}], "interfaces"?: [..]} replaces the owned set.
 * Writes JSON lines on stdout: {"ready":true,"interfaces":[...]}, {"ack":N}, {"event":"announce-error",...}.
 * Logs (JSON) go to stderr.
 */
import { createInterface } from 'node:readline';
import { jsonLogger } from '../../../common/log.ts';
import { L2Responder, type AnnounceError, type OwnedIP } from '../responder.ts';

const node = process.argv[2] ?? 'node';
const out = (o: unknown): void => void process.stdout.write(JSON.stringify(o) + '\n');
const responder = new L2Responder({ logger: jsonLogger(undefined, { node }, 'debug'), node });
responder.on('announce-error', (e: AnnounceError) => out({ event: 'announce-error', ...e }));
let n = 0;
createInterface({ input: process.stdin })
  .on('line', (line) => {
    const cmd = JSON.parse(line) as { own: (string | OwnedIP)[] };
    responder.setOwned(cmd.own);
    out({ ack: ++n, interfaces: responder.activeInterfaces() });
  })
  .on('close', () => {
    responder.close();
    process.exit(0);
  });
out({ ready: true, interfaces: responder.activeInterfaces() });
