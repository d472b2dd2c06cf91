/**
 * `make build`: every runtime TypeScript file compiled once to JavaScript under dist/ (same tree), so the
 * CLI, the speaker and the cucumber support code start without transpiling (no tsx at run time). One
 * esbuild call, one output file per source file: imports stay imports (relative `.ts` become `.js`),
 * so module state is shared exactly as from source. Asset URLs (`new URL('lit', import.meta.url)`,
 * `createRequire(import.meta.url)('lit')`) are rewritten to point from dist/ back to the asset in the
 * package (fixtures, native addons, package.json), except `.ts` scripts, which become their `.js` twin.
 * Writes dist/.build-stamp last: bin/lbconform runs dist/ only when no source is newer than it.
 */
import { build, type Plugin } from 'esbuild';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folders whose non-test TypeScript the CLI can reach at run time. */
export const SOURCE_DIRS = [
  'cli',
  'common',
  'reference',
  'implementations',
  'netns',
  'harness',
  'tools',
  'features',
  'reports',
];
export const DIST = 'dist';

const root = fileURLToPath(new URL('../', import.meta.url));

/** Runtime sources, repo-relative: every `.ts` under SOURCE_DIRS but tests and testdata. */
export function runtimeSources(repoRoot: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(repoRoot, rel))) {
      const p = posix.join(rel, name);
      if (name === 'node_modules' || name === 'testdata' || name === 'native') continue;
      if (statSync(join(repoRoot, p)).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) out.push(p);
    }
  };
  for (const d of SOURCE_DIRS) walk(d);
  return out.sort();
}

/**
 * The source text with its asset URLs pointing from dist/<file> to where the asset lives in the
 * package: `.ts` scripts to their compiled twin beside the output, anything else back to the source tree.
 */
export function rewriteAssetUrls(source: string, file: string): string {
  const fromOut = posix.dirname(posix.join(DIST, file));
  const toAsset = (lit: string): string => {
    if (lit.endsWith('.ts')) return lit.slice(0, -3) + '.js';
    const target = posix.join(posix.dirname(file), lit);
    let rel = posix.relative(fromOut, target) || '.';
    if (!rel.startsWith('.')) rel = `./${rel}`;
    return lit.endsWith('/') && !rel.endsWith('/') ? `${rel}/` : rel;
  };
  return source
    .replace(
      /new URL\('(\.{1,2}\/[^']*)', import\.meta\.url\)/g,
      (_m, lit: string) => `new URL('${toAsset(lit)}', import.meta.url)`,
    )
    .replace(
      /createRequire\(import\.meta\.url\)\('(\.{1,2}\/[^']*)'\)/g,
      (_m, lit: string) => `createRequire(import.meta.url)('${toAsset(lit)}')`,
    );
}

/** Keeps every import external (one output per source), `.ts` specifiers renamed to `.js`. */
const keepImports: Plugin = {
  name: 'keep-imports',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      return { path: args.path.replace(/\.ts$/, '.js'), external: true };
    });
    b.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: rewriteAssetUrls(readFileSync(args.path, 'utf8'), relative(root, args.path)),
      loader: 'ts',
    }));
  },
};

export async function buildDist(repoRoot = root): Promise<{ files: number; ms: number }> {
  const t0 = performance.now();
  const files = runtimeSources(repoRoot);
  const out = resolve(repoRoot, DIST);
  rmSync(out, { recursive: true, force: true });
  await build({
    absWorkingDir: repoRoot,
    entryPoints: files,
    outdir: DIST,
    outbase: '.',
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
    plugins: [keepImports],
  });
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(out, '.build-stamp'), `${new Date().toISOString()} ${files.length} files\n`);
  return { files: files.length, ms: Math.round(performance.now() - t0) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { files, ms } = await buildDist();
  process.stdout.write(
    `lbconform: built ${files} files into ${relative(process.cwd(), join(root, DIST)) || DIST}/ in ${ms} ms\n`,
  );
}
