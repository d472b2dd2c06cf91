/**
 * `npm run mutation`: proves the suite catches faults. It copies the working tree to a scratch folder
 * (mutation/scratch.ts), then for every fault of mutation/faults.ts applies its patch there with
 * `git apply`, runs the copy's `bin/lbconform run --sut reference` on the features the registry names
 * for it (every feature with --all-features), and takes the patch out again (`git apply -R`). It prints
 * fault -> caught? -> failing scenarios into DIR/mutation.md and exits 1 if a fault is not caught.
 *
 *   npm run mutation -- [--out DIR] [--only a,b] [--all-features] [--control] [--timeout-scale N] [--parallel N]
 *     [--keep]
 *
 * --control first runs the same features without a fault: a scenario failing there proves nothing and
 * does not count as catching. --keep leaves the scratch copy (its path is printed). LBCONFORM_NETNS_PREFIX
 * is passed on (keep apart from other runs); --parallel N is passed on to every run (the control run is
 * most of the suite: on a shared machine keep it at 2 or less).
 */
import { runFile } from '../common/run-folder.ts';
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readConformanceReport, type ConformanceReport } from '../reports/conformance.ts';
import { faultPatch } from '../mutation/faults.ts';
import { applyFault, makeScratchCopy, removeScratchCopy, revertFault } from '../mutation/scratch.ts';
import {
  chooseFaults,
  controlFailures,
  judgeFault,
  mutationExitCode,
  mutationTable,
  runArgs,
  selectionFor,
  unionSelection,
  type MutationResult,
  type Selection,
} from '../reports/mutation.ts';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));

/** Ctrl-C / SIGTERM: the running suite is told to stop (it cleans up), no further fault starts, the copy goes. */
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    interrupted = true;
  });

/** Runs the scratch copy's `lbconform run ...`, everything into `log`, one line per finished scenario on the console. */
function runSuite(tree: string, args: string[], log: string, label: string): Promise<number> {
  return new Promise((done) => {
    const out = createWriteStream(log);
    const child = spawn(join(tree, 'bin/lbconform'), args, {
      cwd: tree,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stop = (): void => {
      child.kill('SIGINT');
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    let buf = '';
    const feed = (chunk: Buffer): void => {
      out.write(chunk);
      buf += chunk.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (/^[✔✖?-] /.test(line)) process.stdout.write(`  [${label}] ${line}\n`);
      }
    };
    child.stdout.on('data', feed);
    child.stderr.on('data', feed);
    child.on('close', (code: number | null) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      out.end();
      done(code ?? 1);
    });
  });
}

function readReport(dir: string): { report?: ConformanceReport; error?: string } {
  const file = runFile(dir, 'report');
  if (!existsSync(file)) return { error: `no ${file}` };
  try {
    return { report: readConformanceReport(file) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'out/mutation' },
      only: { type: 'string' },
      'all-features': { type: 'boolean', default: false },
      control: { type: 'boolean', default: false },
      'timeout-scale': { type: 'string' },
      parallel: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const out = resolve(values.out!);
  mkdirSync(out, { recursive: true });
  const faults = chooseFaults(values.only);
  const all = values['all-features']!;
  const extra = [
    ...(values['timeout-scale'] ? ['--timeout-scale', values['timeout-scale']] : []),
    ...(values.parallel ? ['--parallel', values.parallel] : []),
  ];
  const withExtra = (args: string[]): string[] => [args[0]!, ...extra, ...args.slice(1)];
  for (const f of faults) applyFault(repoRoot, faultPatch(f.name), { check: true });
  const tree = makeScratchCopy(repoRoot);
  process.stdout.write(`scratch copy: ${tree}\n`);
  try {
    return await runFaults();
  } finally {
    if (values.keep) process.stdout.write(`kept the scratch copy: ${tree}\n`);
    else removeScratchCopy(tree);
  }

  async function runFaults(): Promise<number> {
    let controlFailed = new Set<string>();
    if (values.control) {
      const sel: Selection = unionSelection(faults.map((f) => selectionFor(f, all)));
      process.stdout.write(
        `== control: the reference without a fault (${sel.tags ?? 'all tags'}; ${sel.paths.join(' ') || 'every feature'})\n`,
      );
      const dir = join(out, 'control');
      await runSuite(tree, withExtra(runArgs(undefined, sel, dir)), join(out, 'control.log'), 'control');
      const { report, error } = readReport(dir);
      if (!report) {
        process.stderr.write(`control run gave no report (${error}); see ${join(out, 'control.log')}\n`);
        return 1;
      }
      controlFailed = controlFailures(report);
      if (controlFailed.size)
        process.stdout.write(
          `  control: ${controlFailed.size} scenario(s) fail without a fault; they will not count as catching anything\n`,
        );
    }

    const results: MutationResult[] = [];
    for (const f of faults) {
      if (interrupted) break;
      const sel = selectionFor(f, all);
      process.stdout.write(
        `== ${f.name}: ${f.description}\n   (${sel.tags ?? 'all tags'}; ${sel.paths.join(' ') || 'every feature'})\n`,
      );
      const dir = join(out, f.name);
      const started = Date.now();
      applyFault(tree, faultPatch(f.name));
      try {
        await runSuite(tree, withExtra(runArgs(f.name, sel, dir)), join(out, `${f.name}.log`), f.name);
      } finally {
        revertFault(tree, faultPatch(f.name));
      }
      const { report, error } = readReport(dir);
      const r = judgeFault(f, report, controlFailed, error);
      r.seconds = (Date.now() - started) / 1000;
      results.push(r);
      const first = r.evidence?.[0];
      process.stdout.write(
        `   -> ${r.caught ? 'caught' : 'NOT CAUGHT'} (${r.failing.length} failing)${
          first?.step
            ? `; first: ${first.scenario} at "${first.step}"${first.message ? `: ${first.message}` : ''}`
            : ''
        }\n`,
      );
    }
    const table = mutationTable(results);
    writeFileSync(join(out, 'mutation.md'), `# Mutation run\n\n${table}`);
    writeFileSync(
      join(out, 'mutation.json'),
      JSON.stringify({ allFeatures: all, control: values.control, results }, null, 2) + '\n',
    );
    process.stdout.write(
      `\n${table}\nwritten: ${join(out, 'mutation.md')}, ${join(out, 'mutation.json')}; per fault: ${out}/<fault>/ and <fault>.log\n`,
    );
    return interrupted ? 130 : mutationExitCode(results);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `mutation: ${(err as { code?: string }).code ? `${(err as { code?: string }).code}: ` : ''}${(err as Error)?.message ?? String(err)}\n`,
    );
    process.exitCode = 2;
  },
);
