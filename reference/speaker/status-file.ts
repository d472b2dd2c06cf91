import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A running speaker publishes its sessions and announced routes to a JSON file that
 * `lbconform speaker --status --node X` prints. A file (not a socket) because the speaker lives in
 * a node namespace while the operator usually runs in the root one; /run is shared by both.
 */
export function statusPath(
  node: string,
  dir = process.env.LBCONFORM_STATE_DIR ?? '/run/lbconform/speakers',
): string {
  return join(dir, `${node.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
}

/** The status, serialised by the speaker (its Services' part built from cached pieces). */
export function writeStatusText(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path); // atomic: a reader never sees half a file
}

export function readStatus(path: string): string {
  return readFileSync(path, 'utf8');
}
