/**
 * A scratch copy of the working tree for `npm run mutation`: every tracked and untracked-but-not-ignored
 * file, the built native addons, and node_modules as a symlink. Faults are applied there with `git apply`
 * and reverted with `git apply -R`, so the checkout itself is never touched.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CodedError } from '../common/errors.ts';

/** Files git knows or would add, relative to `repoRoot` (deleted ones left out). */
export function treeFiles(repoRoot: string): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
    maxBuffer: 64 * 1024 * 1024,
  }).toString();
  return [...new Set(out.split('\0').filter(Boolean))].filter((f) => existsSync(join(repoRoot, f))).sort();
}

/** reference/<x>/native/build folders (gitignored build output the speaker loads). */
function nativeBuilds(repoRoot: string): string[] {
  const ref = join(repoRoot, 'reference');
  return readdirSync(ref)
    .map((d) => join('reference', d, 'native', 'build'))
    .filter((p) => existsSync(join(repoRoot, p)));
}

/** Copies the tree into a new temporary folder and returns its path. */
export function makeScratchCopy(repoRoot: string, parent: string = tmpdir()): string {
  const dir = mkdtempSync(join(parent, 'lbconform-mutation-'));
  for (const f of treeFiles(repoRoot)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(repoRoot, f), join(dir, f));
  }
  for (const b of nativeBuilds(repoRoot)) cpSync(join(repoRoot, b), join(dir, b), { recursive: true });
  symlinkSync(realpathSync(join(repoRoot, 'node_modules')), join(dir, 'node_modules'));
  return dir;
}

export function removeScratchCopy(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function gitApply(dir: string, patch: string, args: string[]): void {
  try {
    // The ceiling keeps git from finding a repository around the copy: paths stay relative to `dir`.
    execFileSync('git', ['apply', ...args, patch], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GIT_CEILING_DIRECTORIES: dirname(dir) },
    });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
    throw new CodedError('FAULT_PATCH', `git apply ${args.join(' ')} ${patch} in ${dir} failed: ${stderr}`);
  }
}

/** Applies a fault's patch to `dir` (a scratch copy or, with check, any tree). */
export function applyFault(dir: string, patch: string, opts: { check?: boolean } = {}): void {
  gitApply(dir, patch, opts.check ? ['--check'] : []);
}

/** Takes a fault's patch back out of `dir`, leaving the copy as it was. */
export function revertFault(dir: string, patch: string): void {
  gitApply(dir, patch, ['-R']);
}
