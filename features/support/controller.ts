import { Before } from '@cucumber/cucumber';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { controllerStatuses, readManifestFolder } from '../../harness/controller/controller.ts';
import { writeStatusesIntoText } from '../../harness/controller/status-text.ts';
import { serviceFileName, serviceManifest } from '../../harness/scenario/manifests.ts';
import type { LbWorld } from './world.ts';

/**
 * The harness plays MetalLB's controller (harness/controller/): before the speakers are started or told
 * about a change, every Service file gets the IPs the controller would have written. In a `@controller`
 * scenario the SUT is the controller: Services are written as a user would, without status.
 */
Before(function (this: LbWorld, { pickle }) {
  this.harnessIsController = !pickle.tags.some((t) => t.name === '@controller');
});

export function syncController(world: LbWorld): void {
  if (!world.harnessIsController || !world.manifestDir) return;
  const files = readManifestFolder(world.manifestDir);
  const statuses = controllerStatuses(files);
  if (!statuses) return; // invalid manifests: a controller keeps what it wrote
  const generated = new Set<string>();
  for (const [key, spec] of world.services) {
    const file = join(world.manifestDir, serviceFileName(spec.namespace, spec.name));
    generated.add(file);
    const text = serviceManifest(spec, statuses.get(key));
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
  }
  // Services the scenario wrote as text (documented manifests, dumps): the same answer, in place.
  for (const { file, text } of files) {
    if (generated.has(file)) continue;
    const updated = writeStatusesIntoText(text, statuses);
    if (updated !== undefined) writeFileSync(file, updated);
  }
}
