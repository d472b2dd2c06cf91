/**
 * The two tiers of tap tests, found by file name:
 * - unit: every `*.test.ts` but the integration ones. No root, no namespaces, no daemons; pure logic
 *   and loopback sockets at most. The files run in one long-lived process per core
 *   (scripts/unit-process/child.ts): tsx registers and tap loads once per process, not once per file,
 *   and each file runs inside its own tap subtest. `--own-process` runs each file as its own process
 *   instead (to tell an isolation problem from a real failure).
 * - integration: `*.integration.test.ts`. Root only: they build network namespaces and start FRR or the
 *   speaker. Files run one at a time, each as its own process; as non-root the tier is skipped with the
 *   reason, not failed.
 *
 * A file as its own process is `node --import tsx FILE` (a tap test is a plain program printing TAP).
 * tsx transpiles with esbuild; tap's own runner loads ts-node per file on Node 20, four times the CPU
 * (tsc --noEmit does the type checking, once, for the whole tree).
 *
 * `tsx scripts/test-tiers.ts unit|integration [--jobs N] [--own-process] [--log FILE] [FILE...]`
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { createWriteStream, readdirSync, type WriteStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { FileReply, FileRequest } from './unit-process/child.ts';

export type Tier = 'unit' | 'integration';

export interface FileResult {
  file: string;
  ok: boolean;
  pass: number;
  fail: number;
  skip: number;
  ms: number;
}

export interface TierResult {
  tier: Tier;
  /** Set when the whole tier did not run (integration as non-root). */
  skipped?: string;
  files: FileResult[];
  ms: number;
}

const repo = fileURLToPath(new URL('../', import.meta.url));
const SKIP_DIRS = new Set(['node_modules', 'out', 'dist', '.git', '.tap', 'testdata', '.stryker-tmp']);
const INTEGRATION = /\.integration\.test\.ts$/;

/** Test files of a tier, repo-relative, sorted. */
export function testFiles(tier: Tier, root = repo): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(join(dir, e.name));
      } else if (e.name.endsWith('.test.ts') && INTEGRATION.test(e.name) === (tier === 'integration')) {
        out.push(relative(root, join(dir, e.name)));
      }
    }
  };
  walk(root);
  return out.sort();
}

export function notRootReason(tier: Tier): string | undefined {
  if (tier !== 'integration' || process.getuid?.() === 0) return undefined;
  return 'needs root (network namespaces, FRR, raw sockets); run `make integration` as root';
}

/** tap's closing comment: `# { total: 35, pass: 34, fail: 1, skip: 0 }`. */
function summaryOf(line: string): { pass: number; fail: number; skip: number } | undefined {
  if (!/^# \{ total: /.test(line)) return undefined;
  const n = (k: string): number => Number(new RegExp(`\\b${k}: (\\d+)`).exec(line)?.[1] ?? 0);
  return { pass: n('pass'), fail: n('fail'), skip: n('skip') + n('todo') };
}

function runFile(file: string, log: WriteStream | undefined): Promise<FileResult> {
  const t0 = Date.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--enable-source-maps', file], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('close', (code, signal) => {
      const text = Buffer.concat(chunks).toString();
      log?.write(`# Subtest: ${file}\n${text}\n`);
      const lastSummary = text
        .split('\n')
        .map(summaryOf)
        .filter((s) => s !== undefined)
        .pop();
      const s = lastSummary ?? { pass: 0, fail: 0, skip: 0 };
      const ok = code === 0 && !signal && s.fail === 0;
      done({ file, ok, ...s, fail: ok ? 0 : Math.max(1, s.fail), ms: Date.now() - t0 });
    });
  });
}

/** How a tier's files run: `jobs` at a time, each result handed to `onFile`, the TAP written to `log`. */
type FileRunner = (
  files: string[],
  jobs: number,
  log: WriteStream | undefined,
  onFile: (r: FileResult) => void,
) => Promise<void>;

/** Per file in a shared process: tap's subtest timeout, and the parent's watchdog a little after it. */
const FILE_TIMEOUT_MS = 120_000;
const WATCHDOG_MS = FILE_TIMEOUT_MS + 30_000;
const CHILD = fileURLToPath(new URL('./unit-process/child.ts', import.meta.url));

/**
 * Runs files in `jobs` long-lived processes, each taking the next file when it answers the last. A
 * process that dies or hangs fails only the file it held; a fresh one takes the rest.
 */
const runShared: FileRunner = (files, jobs, log, onFile) => {
  let next = 0;
  let running = 0;
  return new Promise((allDone) => {
    const start = (): void => {
      running++;
      const child: ChildProcess = fork(CHILD, [], {
        cwd: repo,
        execArgv: ['--import', 'tsx', '--enable-source-maps'],
        // no process-wide tap timeout: each file's subtest has its own
        env: { ...process.env, TAP_TIMEOUT: '0' },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      // what tests print outside TAP, kept with the file that printed it
      let stray: Buffer[] = [];
      child.stdout?.on('data', (c: Buffer) => stray.push(c));
      child.stderr?.on('data', (c: Buffer) => stray.push(c));
      let held: { file: string; t0: number; watchdog: NodeJS.Timeout } | undefined;
      const finish = (r: FileResult, tap: string): void => {
        const extra = Buffer.concat(stray).toString();
        stray = [];
        log?.write(`${tap}${extra ? `# output of ${r.file} outside TAP:\n${extra}\n` : ''}`);
        onFile(r);
      };
      const give = (): void => {
        if (next >= files.length) {
          child.send({ done: true });
          return;
        }
        const file = files[next++]!;
        const watchdog = setTimeout(() => child.kill('SIGKILL'), WATCHDOG_MS);
        held = { file, t0: Date.now(), watchdog };
        child.send({ file, timeoutMs: FILE_TIMEOUT_MS } satisfies FileRequest);
      };
      child.on('message', (m: FileReply | { ready: true } | object) => {
        if ('ready' in m) give();
        else if ('file' in m && held) {
          clearTimeout(held.watchdog);
          held = undefined;
          const { tap, ...r } = m;
          finish(r, tap);
          give();
        }
      });
      child.on('exit', (code, signal) => {
        running--;
        if (held) {
          clearTimeout(held.watchdog);
          const why = signal ? `killed by ${signal}` : `exited with code ${code}`;
          finish(
            { file: held.file, ok: false, pass: 0, fail: 1, skip: 0, ms: Date.now() - held.t0 },
            `# Subtest: ${held.file}\nnot ok 1 - the shared test process ${why} while running this file\n`,
          );
          held = undefined;
        }
        if (next < files.length) start();
        else if (running === 0) allDone();
      });
    };
    for (let i = 0; i < Math.min(jobs, files.length); i++) start();
    if (files.length === 0) allDone();
  });
};

/** Runs a tier; `onFile` sees each file as it ends (unit files end out of order). */
export async function runTier(
  tier: Tier,
  opts: {
    files?: string[];
    jobs?: number;
    ownProcess?: boolean;
    logFile?: string;
    onFile?: (r: FileResult) => void;
  } = {},
): Promise<TierResult> {
  const t0 = Date.now();
  const skipped = notRootReason(tier);
  if (skipped) return { tier, skipped, files: [], ms: 0 };
  const files = opts.files?.length ? opts.files : testFiles(tier);
  const jobs = tier === 'integration' ? 1 : Math.max(1, opts.jobs ?? availableParallelism());
  const log = opts.logFile ? createWriteStream(opts.logFile) : undefined;
  const results: FileResult[] = [];
  const run = tier === 'unit' && !opts.ownProcess ? runShared : runEach;
  await run(files, jobs, log, (r) => {
    results.push(r);
    opts.onFile?.(r);
  });
  await new Promise<void>((r) => (log ? log.end(r) : r()));
  results.sort((a, b) => a.file.localeCompare(b.file));
  return { tier, files: results, ms: Date.now() - t0 };
}

/** Each file as its own process, `jobs` at a time. */
const runEach: FileRunner = async (files, jobs, log, onFile) => {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      onFile(await runFile(files[next++]!, log));
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, worker));
};

export function fileLine(r: FileResult): string {
  return `${r.ok ? 'ok' : 'not ok'} - ${r.file} (${r.pass} passed, ${r.fail} failed${r.skip ? `, ${r.skip} skipped` : ''}; ${(r.ms / 1000).toFixed(1)} s)`;
}

export function tierLine(t: TierResult): string {
  if (t.skipped) return `${t.tier}: skipped: ${t.skipped}`;
  const pass = t.files.reduce((n, f) => n + f.pass, 0);
  const fail = t.files.reduce((n, f) => n + f.fail, 0);
  const bad = t.files.filter((f) => !f.ok).length;
  return `${t.tier}: ${t.files.length} files (${bad} failing), ${pass} assertions passed, ${fail} failed; ${(t.ms / 1000).toFixed(1)} s`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { jobs: { type: 'string' }, log: { type: 'string' }, 'own-process': { type: 'boolean' } },
  });
  const [tier, ...files] = positionals;
  if (tier !== 'unit' && tier !== 'integration') {
    process.stderr.write(
      'usage: tsx scripts/test-tiers.ts unit|integration [--jobs N] [--own-process] [--log FILE] [FILE...]\n',
    );
    process.exit(2);
  }
  const result = await runTier(tier, {
    files,
    ...(values.jobs ? { jobs: Number(values.jobs) } : {}),
    ...(values.log ? { logFile: values.log } : {}),
    ownProcess: values['own-process'] === true,
    onFile: (r) => console.log(fileLine(r)),
  });
  console.log(tierLine(result));
  process.exitCode = result.files.some((f) => !f.ok) ? 1 : 0;
}
