import { When, Then } from '@cucumber/cucumber';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '../../harness/wait/eventually.ts';
import type { LbWorld } from '../support/world.ts';

const corpus = fileURLToPath(new URL('../../fixtures/invalid/', import.meta.url));

function rejectedLines(world: LbWorld, node: string): string[] {
  return readFileSync(join(world.scenarioDir, `speaker-${node}.log`), 'utf8').split('\n').filter((l) => l.includes('"config.rejected"'));
}

/**
 * Every manifest of the invalid corpus (one per validation rule, each headed `# expect: CODE field`)
 * is dropped into the running speaker's folder in turn: each must be rejected with its own code, and
 * removing it must restore the good config, before the next one comes.
 */
When('every manifest of the invalid corpus is applied to the speaker on {string} in turn', async function (this: LbWorld, node: string) {
  const speaker = this.speakers.get(node);
  if (!speaker) throw new Error(`no speaker on ${node}`);
  const files = readdirSync(corpus).filter((f) => f.endsWith('.yaml')).sort();
  const missed: string[] = [];
  for (const f of files) {
    const text = readFileSync(join(corpus, f), 'utf8');
    const code = /^# expect: (\S+)/m.exec(text)?.[1];
    if (!code) continue;
    const before = rejectedLines(this, node).length;
    this.writeManifest('90-invalid.yaml', text);
    await speaker.configChanged();
    try {
      await eventually(`${f} rejected with ${code}`, async () => {
        const fresh = rejectedLines(this, node).slice(before);
        if (!fresh.some((l) => l.includes(code))) throw new Error(`${fresh.length} new config.rejected lines, none with ${code}`);
      }, { timeoutMs: this.timeouts.routeAnnounced, intervalMs: 20 });
    } catch (err) {
      missed.push(`${f}: ${(err as Error).message.split('\n')[0]}`);
    }
    this.removeManifest('90-invalid.yaml');
    await speaker.configChanged();
  }
  this.log(`${files.length} invalid manifests applied; ${missed.length} not rejected as expected`);
  if (missed.length) throw new Error(`not rejected with their code:\n  ${missed.join('\n  ')}`);
});

Then('the speaker on {string} is still running', async function (this: LbWorld, node: string) {
  const s = this.speakers.get(node);
  if (!s) throw new Error(`no speaker on ${node}`);
  try {
    process.kill(s.pid, 0);
  } catch {
    throw new Error(`the speaker on ${node} (pid ${s.pid}) is gone`);
  }
});
