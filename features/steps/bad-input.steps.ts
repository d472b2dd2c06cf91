import { When, Then } from '@cucumber/cucumber';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { eventually } from '../../harness/wait/eventually.ts';
import type { RibView } from '../../harness/routers/peer-router.ts';
import type { LbWorld } from '../support/world.ts';

const corpus = fileURLToPath(new URL('../../fixtures/invalid/', import.meta.url));

function rejectedLines(world: LbWorld, node: string): string[] {
  return readFileSync(join(world.scenarioDir, `speaker-${node}.log`), 'utf8')
    .split('\n')
    .filter((l) => l.includes('"config.rejected"'));
}

/** A 10 MB manifest, made here (never committed): one IPAddressPool whose name is 10 MB long. */
function tenMegabyteManifest(): string {
  return `# expect: INVALID_NAME metadata.name\napiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: ${'a'.repeat(10 * 1024 * 1024)}\nspec:\n  addresses: [198.51.100.0/28]\n`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every router still holds exactly what it held before the bad file: several polls back to back (each a
 * vtysh round trip), every one of which must match, so a route withdrawn and re-announced is caught.
 */
async function routersUnchanged(
  world: LbWorld,
  before: Map<string, RibView>,
  polls: number,
): Promise<string | undefined> {
  for (let i = 0; i < polls; i++) {
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
 * and a 10 MB one made here, is dropped into the running speaker's folder in turn: each must be
 * rejected with its own code while the speaker stays alive and every router keeps exactly the routes
 * it had (the last good config); removing the file restores the good config before the next comes.
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
      const rejectedBefore = rejectedLines(this, node).length;
      this.writeManifest('90-invalid.yaml', text);
      await speaker.configChanged();
      try {
        await eventually(
          `${f.name} rejected with ${code}`,
          async () => {
            const fresh = rejectedLines(this, node).slice(rejectedBefore);
            if (!fresh.some((l) => l.includes(code)))
              throw new Error(`${fresh.length} new config.rejected lines, none with ${code}`);
          },
          { timeoutMs: this.timeouts.routeAnnounced, intervalMs: 20 },
        );
      } catch (err) {
        missed.push(`${f.name}: ${(err as Error).message.split('\n')[0]}`);
      }
      if (!alive(speaker.pid))
        throw new Error(`the speaker on ${node} (pid ${speaker.pid}) died on ${f.name}`);
      const changed = await routersUnchanged(this, before, this.parameters.consecutive + 1);
      if (changed)
        throw new Error(`after ${f.name} the routes of the last good config did not stay:\n  ${changed}`);
      this.removeManifest('90-invalid.yaml');
      await speaker.configChanged();
    }
    this.log(`${files.length} invalid manifests applied; ${missed.length} not rejected as expected`);
    if (missed.length) throw new Error(`not rejected with their code:\n  ${missed.join('\n  ')}`);
  },
);

Then('the speaker on {string} is still running', async function (this: LbWorld, node: string) {
  const s = this.speakers.get(node);
  if (!s) throw new Error(`no speaker on ${node}`);
  if (!alive(s.pid)) throw new Error(`the speaker on ${node} (pid ${s.pid}) is gone`);
});
