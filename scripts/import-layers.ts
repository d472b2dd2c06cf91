/**
 * The folder layers, and the check that imports only go down them. A newcomer reads the architecture
 * from the folder names; this keeps it true. `tsx scripts/import-layers.ts` prints any violation.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What each top-level folder may import besides itself. Top folders (cli, bench, scripts) may import anything. */
export const LAYERS: Record<string, readonly string[]> = {
  common: [],
  reference: ['common'],
  netns: ['common'],
  // the deliberate faults (patches) and their scratch copy; the mutation table in reports/ names them
  mutation: ['common'],
  reports: ['common', 'reference', 'mutation'],
  // An implementation may read the SUT contract's types and helpers (harness/sut), nothing else of the harness.
  implementations: ['common', 'reference', 'harness/sut'],
  harness: ['common', 'reference', 'netns', 'reports'],
  tools: ['common', 'reference', 'netns', 'harness'],
  features: ['common', 'reference', 'netns', 'harness', 'tools', 'reports'],
};
const TOP = new Set(['cli', 'bench', 'scripts']);

/** Integration tests exercise a layer inside real namespaces: they may use the test infrastructure. */
const INTEGRATION_EXTRA = ['netns', 'harness'];
/**
 * Any test may drive its code with the scripted BGP peer (the one raw-TCP BGP test tool; it needs only
 * reference/bgp's codec, so the edge back is test-only).
 */
const TEST_EXTRA = ['tools/bgp-peer/scripted-peer.ts', 'tools/bgp-peer/session-with-peer.ts'];

export interface Edge {
  from: string;
  to: string;
}

const SKIP = new Set(['node_modules', 'out', 'dist', '.git', '.tap', '.stryker-tmp']);
const IMPORT =
  /(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

/** Every relative import between repository files (repo-relative paths). */
export function importEdges(root: string): Edge[] {
  const edges: Edge[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP.has(e.name)) walk(p);
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        const text = readFileSync(p, 'utf8');
        for (const m of text.matchAll(IMPORT)) {
          const spec = m[1] ?? m[2]!;
          edges.push({ from: relative(root, p), to: relative(root, normalize(join(dirname(p), spec))) });
        }
      }
    }
  };
  walk(root);
  return edges;
}

function allowed(from: string, to: string): boolean {
  const [fTop] = from.split('/');
  const [tTop] = to.split('/');
  if (fTop === tTop || TOP.has(fTop!) || !(fTop! in LAYERS)) return true;
  const rules = [
    ...LAYERS[fTop!]!,
    ...(from.endsWith('.integration.test.ts') ? INTEGRATION_EXTRA : []),
    ...(from.endsWith('.test.ts') ? TEST_EXTRA : []),
  ];
  return rules.some((r) => to === r || to.startsWith(`${r}/`));
}

/** Imports that go up or sideways across the layers, as `from -> to` lines. */
export function violations(root: string): string[] {
  return importEdges(root)
    .filter((e) => !allowed(e.from, e.to))
    .map((e) => `${e.from} -> ${e.to}`);
}

/** A cycle among the layer rules themselves, if any (the rules must form a DAG). */
export function ruleCycle(): string[] | undefined {
  const top = (x: string): string => x.split('/')[0]!;
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'open');
    stack.push(n);
    for (const d of LAYERS[n] ?? []) {
      const c = visit(top(d));
      if (c) return c;
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of Object.keys(LAYERS)) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const bad = violations(fileURLToPath(new URL('../', import.meta.url)));
  for (const v of bad) console.log(v);
  const cycle = ruleCycle();
  if (cycle) console.log(`layer rules form a cycle: ${cycle.join(' -> ')}`);
  process.exitCode = bad.length || cycle ? 1 : 0;
}
