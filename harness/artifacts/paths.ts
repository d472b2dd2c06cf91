import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodedError } from '../../common/errors.ts';

const fileName = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$/;

/**
 * Writes one artifact file into `dir` (created): strings as they are, anything else as indented JSON.
 * `name` must be a plain file name (ARTIFACT_NAME_INVALID otherwise). Returns the file's path.
 */
export function writeArtifact(dir: string, name: string, content: unknown): string {
  if (!fileName.test(name))
    throw new CodedError('ARTIFACT_NAME_INVALID', `artifact name "${name}" must be a plain file name`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, jsonSafe, 2) + '\n');
  return file;
}

/** Same, always JSON (a string is written as a JSON string). */
export function writeJsonArtifact(dir: string, name: string, value: unknown): string {
  return writeArtifact(dir, name, JSON.stringify(value, jsonSafe, 2) + '\n');
}

function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
