/**
 * `npm run mutation`: proves the suite catches faults. For every fault of reference/faults it runs
 * `lbconform run --fault NAME` on the features the registry names for it (every feature with
 * --all-features), then prints fault -> caught? -> failing scenarios. Exit 1 if a fault is not caught.
 *
 *   npm run mutation -- [--out DIR] [--only a,b] [--all-features] [--control] [--timeout-scale N]
 *
 * --control first runs the same features without a fault: a scenario failing there proves nothing and
 * does not count as catching. LBCONFORM_NETNS_PREFIX is passed on (keep apart from other runs).
 */
import { runFile } from '../common/run-folder.ts';
import { runLbconform } from '../harness/run/child.ts';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readConformanceReport, type ConformanceReport } from '../reports/conformance.ts';
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

/** Runs `lbconform run ...`, everything into `log`, one line per finished scenario on the console. */
function runSuite(args: string[], log: string, label: string): Promise<number> {
  return runLbconform(args, {
    logFile: log,
    env: { LBCONFORM_FAULT: '' },
    onLine: (line) => {
      if (/^[✔✖?-] /.test(line)) process.stdout.write(`  [${label}] ${line}\n`);
    },
  }).done;
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
    },
  });
  const out = resolve(values.out!);
  mkdirSync(out, { recursive: true });
  const faults = chooseFaults(values.only);
  const all = values['all-features']!;
  const extra = values['timeout-scale'] ? ['--timeout-scale', values['timeout-scale']] : [];
  const withExtra = (args: string[]): string[] => [args[0]!, ...extra, ...args.slice(1)];

  let controlFailed = new Set<string>();
  if (values.control) {
    const sel: Selection = unionSelection(faults.map((f) => selectionFor(f, all)));
    process.stdout.write(
      `== control: the reference without a fault (${sel.tags ?? 'all tags'}; ${sel.paths.join(' ') || 'every feature'})\n`,
    );
    const dir = join(out, 'control');
    await runSuite(withExtra(runArgs(undefined, sel, dir)), join(out, 'control.log'), 'control');
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
    const sel = selectionFor(f, all);
    process.stdout.write(
      `== ${f.name}: ${f.description}\n   (${sel.tags ?? 'all tags'}; ${sel.paths.join(' ') || 'every feature'})\n`,
    );
    const dir = join(out, f.name);
    const started = Date.now();
    await runSuite(withExtra(runArgs(f.name, sel, dir)), join(out, `${f.name}.log`), f.name);
    const { report, error } = readReport(dir);
    const r = judgeFault(f, report, controlFailed, error);
    r.seconds = (Date.now() - started) / 1000;
    results.push(r);
    process.stdout.write(`   -> ${r.caught ? 'caught' : 'NOT CAUGHT'} (${r.failing.length} failing)\n`);
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
  return mutationExitCode(results);
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
