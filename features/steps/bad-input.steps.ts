import { When, Then } from '@cucumber/cucumber';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { eventually } from '../../harness/wait/eventually.ts';
import type { RibView } from '../../harness/routers/peer-router.ts';
import type { LbWorld } from '../support/world.ts';

const corpus = fileURLToPath(new URL('../../fixtures/invalid/', import.meta.url));

/** `config.rejected` events so far (only asked when the SUT declares config-events). */
function rejectedEvents(world: LbWorld, node: string): string[] {
  return world.driver.events(node, 'config.rejected').map((e) => JSON.stringify(e));
}

/** A 10 MB manifest, made here (never committed): one IPAddressPool whose name is 10 MB long. */
function tenMegabyteManifest(): string {
  return `# expect: INVALID_NAME metadata.name\napiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: ${'a'.repeat(10 * 1024 * 1024)}\nspec:\n  addresses: [198.51.100.0/28]\n`;
}

/**
 * Every router still holds exactly what it held before the bad file: several polls back to back (each a
 * vtysh round trip), every one of which must match, so a route withdrawn and re-announced is caught.
 */
export async function routersUnchanged(
  world: LbWorld,
  before: Map<string, RibView>,
  polls: number,
  minMs = 0,
): Promise<string | undefined> {
  const until = Date.now() + minMs;
  for (let i = 0; i < polls || Date.now() < until; i++) {
    for (const [name, rib] of before) {
      const now = await world.router(name).ribView();
      if (!isDeepStrictEqual(now, rib))
        return `${name} changed:\n    before ${JSON.stringify(rib)}\n    now    ${JSON.stringify(now)}`;
    }
  }
  return undefined;
}

/**
 * Every manifest of the invalid corpus (one per validation rule, each headed `# expect: CODE field`),
 * and a 10 MB one made here, is dropped into the running speaker's folder in turn: the speaker must stay
 * alive and every router keep exactly the routes it had (the last good config), watched for
 * `configRejected` after each file; removing the file restores the good config before the next comes.
 * A SUT declaring config-events must also report each file rejected with its own code (MetalLB's
 * webhook errors are free text, so the codes are an extra, not a condition of passing).
 */
/**
 * Each file's waits are bounded by the named timeouts; with 100+ files the whole step runs past the
 * suite's 120 s hang guard (about 1.5 s a file here), so it gets a guard sized by the corpus.
 */
const corpusStepTimeoutMs = (readdirSync(corpus).length + 1) * 20_000;

When(
  'every manifest of the invalid corpus is applied to the speaker on {string} in turn',
  { timeout: corpusStepTimeoutMs },
  async function (this: LbWorld, node: string) {
    const speaker = this.speakers.get(node);
    if (!speaker) throw new Error(`no speaker on ${node}`);
    const before = new Map<string, RibView>();
    for (const [name, router] of this.routers) before.set(name, await router.ribView());
    if (![...before.values()].some((rib) => Object.keys(rib).length > 0))
      throw new Error('no router holds a route: nothing to prove kept');
    const files = readdirSync(corpus)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => ({ name: f, text: () => readFileSync(join(corpus, f), 'utf8') }));
    files.push({ name: '(generated) 10 MB manifest', text: tenMegabyteManifest });
    const missed: string[] = [];
    for (const f of files) {
      const text = f.text();
      const code = /^# expect: (\S+)/m.exec(text)?.[1];
      if (!code) throw new Error(`${f.name} does not say which code it expects (# expect: CODE field)`);
      const events = this.driver.declares('config-events');
      const rejectedBefore = events ? rejectedEvents(this, node).length : 0;
      this.writeManifest('90-invalid.yaml', text);
      await this.driver.configChanged();
      if (events) {
        try {
          await eventually(
            `${f.name} rejected with ${code}`,
            async () => {
              const fresh = rejectedEvents(this, node).slice(rejectedBefore);
              if (!fresh.some((l) => l.includes(code)))
                throw new Error(`${fresh.length} new config.rejected events, none with ${code}`);
            },
            { timeoutMs: this.timeouts.routeAnnounced, intervalMs: 20 },
          );
        } catch (err) {
          missed.push(`${f.name}: ${(err as Error).message.split('\n')[0]}`);
        }
      }
      if (!this.driver.isAlive(node))
        throw new Error(`the speaker on ${node} (pid ${speaker.pid}) died on ${f.name}`);
      // With the event the speaker has acted already; without it, the routers are watched for as long
      // as a conformant speaker may take to act on a change.
      const changed = await routersUnchanged(
        this,
        before,
        this.parameters.consecutive + 1,
        events ? 0 : this.timeouts.configRejected,
      );
      if (changed)
        throw new Error(`after ${f.name} the routes of the last good config did not stay:\n  ${changed}`);
      this.removeManifest('90-invalid.yaml');
      await this.driver.configChanged();
    }
    this.log(
      this.driver.declares('config-events')
        ? `${files.length} invalid manifests applied; ${missed.length} not reported rejected with their code`
        : `${files.length} invalid manifests applied; codes not checked (config-events not declared)`,
    );
    if (missed.length) throw new Error(`not rejected with their code:\n  ${missed.join('\n  ')}`);
  },
);

Then('the speaker on {string} is still running', async function (this: LbWorld, node: string) {
  const s = this.speakers.get(node);
  if (!s) throw new Error(`no speaker on ${node}`);
  if (!this.driver.isAlive(node)) throw new Error(`the speaker on ${node} (pid ${s.pid}) is gone`);
});

/**
 * A bad configuration must not reach the routers: every router keeps the table it had, watched for
 * `configRejected` (the time a conformant speaker may take to act on a change). A SUT declaring
 * config-events must also report the rejection with the validation code.
 */
Then(
  'the speaker on {string} keeps its last good configuration, reporting it rejected with {string} if it reports events',
  async function (this: LbWorld, node: string, code: string) {
    const before = new Map<string, RibView>();
    for (const [name, router] of this.routers) before.set(name, await router.ribView());
    if (this.driver.declares('config-events')) {
      await this.driver.waitForEvent(
        node,
        'config.rejected',
        (e) => JSON.stringify(e).includes(code),
        this.timeouts.routeAnnounced,
        `reports config.rejected with ${code}`,
      );
    }
    const changed = await routersUnchanged(
      this,
      before,
      this.parameters.consecutive + 1,
      this.timeouts.configRejected,
    );
    if (changed) throw new Error(`the routes of the last good config did not stay:\n  ${changed}`);
    if (!this.driver.isAlive(node)) throw new Error(`the speaker on ${node} is gone`);
  },
);
