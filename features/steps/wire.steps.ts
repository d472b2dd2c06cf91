import { Given, Then, When } from '@cucumber/cucumber';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnIn } from '../../common/exec.ts';
import { nodeScriptArgs } from '../../common/node-script.ts';
import { type CaseArea, defaultContext } from '../../tools/bgp-peer/rfc-cases.ts';
import { selectedCases, type WireResult, type WireTableOptions } from '../../tools/bgp-peer/wire-table.ts';
import { eventually } from '../../harness/wait/eventually.ts';
import { SPEAKER_ASN } from '../support/constants.ts';
import { peerManifest } from '../../harness/scenario/manifests.ts';
import type { LbWorld } from '../support/world.ts';

/**
 * The scripted peer (tools/bgp-peer/) as a BGPPeer of the speaker: the RFC 4271 / RFC 7606 case
 * table judged on the wire for any SUT (features/bgp-wire.feature).
 */
const runner = fileURLToPath(new URL('../../tools/bgp-peer/wire-peer-main.ts', import.meta.url));
const results = new WeakMap<LbWorld, { played: WireResult[]; expected: number }>();

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

/**
 * `session`: header, OPEN and FSM errors, a NOTIFICATION from the peer, then the keepalive rate and
 * Cease on SIGTERM. `update`: the UPDATE error handling of RFC 4271 6.3 and RFC 7606.
 */
When(
  'the scripted peer {string} plays the {word} cases of the RFC 4271 and RFC 7606 table against the speaker on {string}',
  {
    timeout:
      Math.max(selectedCases({ area: 'session' }).length + 2, selectedCases({ area: 'update' }).length) *
        perCaseMs +
      60_000,
  },
  async function (this: LbWorld, host: string, area: string, node: string) {
    if (area !== 'session' && area !== 'update') throw new Error(`no ${area} half in the case table`);
    const cases = selectedCases({ area: area as CaseArea });
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
      area: area as CaseArea,
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
      { timeoutMs: cases.length * perCaseMs, intervalMs: 200 },
    );
    if (lines().some((l) => l['stopSpeaker'])) await this.driver.stop(node);
    const code = await proc.exited;
    const done = lines();
    if (!done.some((l) => l['done']))
      throw new Error(`the scripted peer exited (${code}) before the end: see ${file}`);
    results.set(this, {
      played: done.flatMap((l) => (l['result'] ? [l['result'] as WireResult] : [])),
      // the session half ends with the keepalive rate and Cease on SIGTERM
      expected: cases.length + (area === 'session' ? 2 : 0),
    });
  },
);

Then('every case of the table had its outcome on the wire', function (this: LbWorld) {
  const { played: r, expected } = results.get(this) ?? {};
  if (!r || expected === undefined) throw new Error('the case table was not played');
  const failed = r.filter((x) => !x.ok);
  this.log(
    r
      .map((x) => `${x.ok ? 'ok  ' : 'FAIL'} ${x.name} [${x.rfc}] -> ${x.expect}: ${x.detail} (${x.ms} ms)`)
      .join('\n'),
  );
  if (r.length !== expected) throw new Error(`${r.length} of ${expected} cases played`);
  if (failed.length)
    throw new Error(
      `${failed.length} of ${r.length} cases failed:\n  ${failed.map((x) => `${x.name} [${x.rfc}] expected ${x.expect}: ${x.detail}`).join('\n  ')}`,
    );
});
