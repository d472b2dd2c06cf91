import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { CodedError } from '../../common/errors.ts';
import { spawnIn } from '../../common/exec.ts';
import type { NodeContext, SpeakerHandle, SystemUnderTest } from './adapter.ts';

/**
 * Splits a command template into argv the way a shell would for plain words and quotes, without ever
 * running a shell (a manifest path or node name can never become shell syntax).
 */
export function splitTemplate(template: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: '"' | "'" | undefined;
  let inWord = false;
  for (const ch of template) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quote) throw new CodedError('SUT_TEMPLATE_INVALID', `unterminated ${quote} in --sut-start template`);
  if (inWord) out.push(cur);
  if (!out.length) throw new CodedError('SUT_TEMPLATE_INVALID', '--sut-start template is empty');
  return out;
}

/**
 * Substitutes {node}, {manifests}, {netns}, {logdir} (the scenario's artifact folder) and {ipv4} /
 * {ipv6} (the node's first global address of each family, empty when none) in each argument (whole
 * values, no re-splitting).
 */
export function expandTemplate(argv: string[], node: NodeContext): string[] {
  const first = (v6: boolean): string =>
    node.interfaces
      ?.flatMap((i) => i.addresses)
      .find((a) => a.includes(':') === v6)
      ?.split('/')[0] ?? '';
  const values: Record<string, string> = {
    node: node.name,
    manifests: node.manifestDir,
    netns: node.netns,
    logdir: dirname(node.logFile),
    ipv4: first(false),
    ipv6: first(true),
  };
  return argv.map((a) =>
    a.replace(/\{(node|manifests|netns|logdir|ipv4|ipv6)\}/g, (_, k: string) => values[k]!),
  );
}

/** What `--sut command` declares without `--sut-features`. */
export const DEFAULT_COMMAND_CAPABILITIES = 'bgp,ipv4';

/**
 * The program a template starts, as the kernel will find it: a name with a `/` relative to `cwd`, any
 * other name on PATH. SUT_START_NOT_FOUND when it is not an executable file, so a wrong `--sut-start`
 * stops the run before anything starts instead of failing every scenario.
 */
export function resolveStartProgram(
  template: string,
  cwd = process.cwd(),
  path = process.env.PATH ?? '',
): string {
  const [program] = splitTemplate(template) as [string];
  if (/\{[a-z0-9]+\}/.test(program))
    throw new CodedError(
      'SUT_TEMPLATE_INVALID',
      `the program of --sut-start may not be a placeholder: ${program}`,
    );
  const candidates = program.includes('/')
    ? [isAbsolute(program) ? program : resolve(cwd, program)]
    : path
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, program));
  for (const c of candidates) {
    try {
      const st = statSync(c);
      // root passes access(X_OK) for any file with one x bit; none at all is never runnable
      if (!st.isFile() || !(st.mode & 0o111)) continue;
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not this one
    }
  }
  throw new CodedError(
    'SUT_START_NOT_FOUND',
    program.includes('/')
      ? `--sut-start: ${candidates[0]} is not an executable file`
      : `--sut-start: "${program}" is not an executable on PATH`,
  );
}

/**
 * A vendor speaker started by a command template inside each node's namespace. It must follow the
 * manifest folder (SIGHUP is sent on every change too) and withdraw on SIGTERM.
 */
export function commandSpeaker(template: string, features: string[]): SystemUnderTest {
  const argv = splitTemplate(template);
  return {
    name: 'command',
    features,
    async start(node: NodeContext): Promise<SpeakerHandle> {
      const [cmd, ...args] = expandTemplate(argv, node) as [string, ...string[]];
      const proc = spawnIn(node.netns, cmd, args, {
        logFile: node.logFile,
        ...(node.l2Secret ? { env: { LBCONFORM_L2_SECRET: node.l2Secret } } : {}),
      });
      return {
        node: node.name,
        pid: proc.pid,
        configChanged: async () => proc.signal('SIGHUP'),
        stop: () => proc.stop('SIGTERM', 5000),
        kill: () => proc.stop('SIGKILL', 5000),
      };
    },
  };
}
