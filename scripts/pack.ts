/**
 * `make pack` / `npm run pack`: the npm package a vendor installs (`npm i -g lbconform-X.tgz`, `npx`),
 * which runs without tsx or a checkout. Stages into OUT/pack/stage: bin/, dist/ (compiled by
 * scripts/build.ts first), the features' Gherkin files, fixtures/, the native addons (prebuilt for this
 * platform, with their sources and build scripts), README.md, and a package.json derived from ours
 * whose runtime dependencies add what `lbconform run` and `report merge` import at run time (cucumber
 * and its formatters, at the versions installed here) and drop the development tools. Then `npm pack`
 * there; the tarball lands in OUT/pack/.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDist } from './build.ts';

const root = fileURLToPath(new URL('../', import.meta.url));

/** Imported by the compiled code at run time but kept as development dependencies of the checkout. */
const RUNTIME_FROM_DEV = [
  '@cucumber/cucumber',
  '@cucumber/html-formatter',
  '@cucumber/junit-xml-formatter',
  '@cucumber/messages',
];

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  [k: string]: unknown;
}

/** The published package.json: runtime dependencies only, exact versions of what is installed here. */
export function packageJsonForPack(pkg: PackageJson, installed: (name: string) => string): PackageJson {
  const {
    devDependencies: _dev,
    scripts: _scripts,
    private: _private,
    allowScripts: _allow,
    tap: _tap,
    ...rest
  } = pkg;
  const dependencies = { ...(pkg.dependencies ?? {}) };
  for (const name of RUNTIME_FROM_DEV) dependencies[name] = installed(name);
  return {
    ...rest,
    dependencies,
    files: ['bin/', 'dist/', 'features/', 'fixtures/', 'reference/', 'README.md'],
  };
}

export function pack(outDir: string): string {
  const stage = join(outDir, 'stage');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  const copy = (rel: string, filter?: (src: string) => boolean) =>
    cpSync(join(root, rel), join(stage, rel), { recursive: true, ...(filter ? { filter } : {}) });
  copy('bin');
  copy('dist');
  copy('fixtures');
  copy('README.md');
  // Gherkin only: the step and support code comes compiled from dist/features/.
  copy('features', (src) => !src.endsWith('.ts'));
  for (const addon of ['reference/bgp/native', 'reference/l2/native']) {
    if (!existsSync(join(root, addon, 'build')))
      throw new Error(`${addon}/build missing: run ${addon}/build.sh (make deps) before packing`);
    copy(addon);
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
  const installed = (name: string): string =>
    (
      JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  writeFileSync(
    join(stage, 'package.json'),
    `${JSON.stringify(packageJsonForPack(pkg, installed), null, 2)}\n`,
  );
  const before = new Set(readdirSync(outDir));
  execFileSync('npm', ['pack', '--pack-destination', resolve(outDir)], { cwd: stage, stdio: 'inherit' });
  const tarball =
    readdirSync(outDir).find((f) => f.endsWith('.tgz') && !before.has(f)) ?? `${pkg.name}-${pkg.version}.tgz`;
  return join(outDir, tarball);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] ?? 'out/pack');
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(out)) if (f.endsWith('.tgz')) rmSync(join(out, f));
  await buildDist();
  process.stdout.write(`lbconform: packed ${pack(out)}\n`);
}
