import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Folder names people can read and every filesystem accepts. */
export function slug(text: string): string {
  return text.normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 150) || 'unnamed';
}

/** `<out>/<feature>/<scenario>/`, created. */
export function scenarioDir(outDir: string, feature: string, scenario: string): string {
  const dir = join(outDir, slug(feature), slug(scenario));
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function writeArtifact(dir: string, name: string, content: unknown): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2) + '\n');
}
