import { fileURLToPath } from 'node:url';

/**
 * How `node` runs one of our scripts: TypeScript sources through tsx's loader (a checkout without a
 * build), compiled JavaScript (dist/, the npm package) as is, so a packed install never needs tsx.
 * The compiled twin of a module names `.js` scripts (scripts/build.ts rewrites the URLs), so the
 * choice follows how the caller itself runs.
 */
export function nodeScriptArgs(script: string): string[] {
  return script.endsWith('.ts') ? ['--import', tsxLoaderUrl, script] : [script];
}

const tsxLoaderUrl = new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

/** The CLI entry point beside this module (cli/main.ts from source, dist/cli/main.js when compiled). */
export const cliScript = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

/** True when this code runs compiled (from dist/), false when it runs from the TypeScript sources. */
export const runsCompiled = !import.meta.url.endsWith('.ts');
