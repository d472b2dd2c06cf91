import { Given, Then, When } from '@cucumber/cucumber';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnIn } from '../../common/exec.ts';
import { nodeScriptArgs } from '../../common/node-script.ts';
import { defaultContext, rfcCases } from '../../tools/bgp-peer/rfc-cases.ts';
import type { WireResult, WireTableOptions } from '../../tools/bgp-peer/wire-table.ts';
import { eventually } from '../../harness/wait/eventually.ts';
import { SPEAKER_ASN } from '../support/constants.ts';
import { peerManifest } from '../../harness/scenario/manifests.ts';
import type { LbWorld } from '../support/world.ts';

/**
 * The scripted peer (tools/bgp-peer/) as a BGPPeer of the speaker: the RFC 4271 / RFC 7606 case
 * table judged on the wire for any SUT (features/bgp-wire.feature).
 */
const runner = fileURLToPath(new URL('../../tools/bgp-peer/wire-peer-main.ts', import.meta.url));
const results = new WeakMap<LbWorld, WireResult[]>();

Given(
  'the scripted peer {string} is a BGPPeer of every node over eBGP',
  function (this: LbWorld, host: string) {
    if (defaultContext.speakerAsn !== SPEAKER_ASN)
      throw new Error('the case table and the suite disagree on the ASN');
    this.writeManifest(
      `20-peer-${host}.yaml`,
      peerManifest([
        {
          name: host,
          myASN: SPEAKER_ASN,
          peerASN: defaultContext.peerAsn,
          peerAddress: this.address(host, 'ipv4'),
        },
      ]),
    );
  },
);

/** Per case: one connection (connect-retry included) and a few answers. */
const perCaseMs = 30_000;

When(
  'the scripted peer {string} plays the RFC 4271 and RFC 7606 case table against the speaker on {string}',
  { timeout: rfcCases.length * perCaseMs + 60_000 },
  async function (this: LbWorld, host: string, node: string) {
    const lab = await this.labUp();
    const file = join(this.scenarioDir, `scripted-peer-${host}.jsonl`);
    const options: WireTableOptions = {
      host: this.address(host, 'ipv4'),
      port: 179,
      ctx: { ...defaultContext, peerRouterId: this.address(host, 'ipv4') },
      routeRefresh: this.driver.declares('route-refresh'),
      connectTimeoutMs: this.timeouts.sessionEstablished,
      waitMs: this.timeouts.routeAnnounced,
      keepaliveMs: 1000, // the BGPPeer's keepaliveTime (harness/scenario/manifests.ts)
    };
    const proc = spawnIn(
      lab.nsOf(host),
      process.execPath,
      [...nodeScriptArgs(runner), JSON.stringify(options)],
      {
        logFile: file,
      },
    );
    this.extraProcesses.push(proc);
    const lines = (): Record<string, unknown>[] =>
      existsSync(file)
        ? readFileSync(file, 'utf8')
            .split('\n')
            .flatMap((l) => {
              try {
                return l.startsWith('{') ? [JSON.parse(l) as Record<string, unknown>] : [];
              } catch {
                return [];
              }
            })
        : [];
    await eventually(
      `the scripted peer listens on ${options.host}:179`,
      async () => {
        if (!lines().some((l) => l['listening'])) throw new Error(`no "listening" line in ${file}`);
      },
      { timeoutMs: this.timeouts.routerReady, intervalMs: 100 },
    );
    await this.driver.start(node);
    await eventually(
      'the scripted peer played the table and asks for the speaker to stop',
      async () => {
        if (lines().some((l) => l['stopSpeaker'] || l['done'])) return;
        throw new Error(`${lines().filter((l) => l['result']).length} cases played`);
      },
      { timeoutMs: rfcCases.length * perCaseMs, intervalMs: 200 },
    );
    if (lines().some((l) => l['stopSpeaker'])) await this.driver.stop(node);
    const code = await proc.exited;
    const done = lines();
    if (!done.some((l) => l['done']))
      throw new Error(`the scripted peer exited (${code}) before the end: see ${file}`);
    results.set(
      this,
      done.flatMap((l) => (l['result'] ? [l['result'] as WireResult] : [])),
    );
  },
);

Then('every case of the table had its outcome on the wire', function (this: LbWorld) {
  const r = results.get(this);
  if (!r) throw new Error('the case table was not played');
  const failed = r.filter((x) => !x.ok);
  this.log(
    r
      .map((x) => `${x.ok ? 'ok  ' : 'FAIL'} ${x.name} [${x.rfc}] -> ${x.expect}: ${x.detail} (${x.ms} ms)`)
      .join('\n'),
  );
  // the table, then the keepalive rate and Cease on SIGTERM
  if (r.length !== rfcCases.length + 2) throw new Error(`${r.length} of ${rfcCases.length + 2} cases played`);
  if (failed.length)
    throw new Error(
      `${failed.length} of ${r.length} cases failed:\n  ${failed.map((x) => `${x.name} [${x.rfc}] expected ${x.expect}: ${x.detail}`).join('\n  ')}`,
    );
});
