/**
 * `lbconform doctor [--sut-start TEMPLATE] [--prefix P]`: can this machine run the suite? Checks, each
 * printed as ok / warn / FAIL with what to do:
 *  - root, Node version, the compiled build (dist/) or tsx to run the sources;
 *  - kernel: a network namespace with a veth pair on a bridge (a real two-host lab of our own, removed
 *    at the end), TCP MD5 on a socket and AF_PACKET inside that namespace (no packet is sent);
 *  - router packages: FRR (zebra, bgpd, vtysh; required), GoBGP and BIRD (interop features), tcpdump;
 *  - `--sut-start`: the template splits and its program exists and is executable.
 * Exit 0 when nothing FAILed, 1 otherwise, 2 on usage errors.
 */
import { existsSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CommandIO } from '../../reference/commands/io.ts';
import { nodeScriptArgs, runsCompiled } from '../../common/node-script.ts';
import { createRun } from '../../netns/runtime.ts';
import { run } from '../../common/exec.ts';
import { splitTemplate } from '../sut/command.ts';

export type Verdict = 'ok' | 'warn' | 'FAIL';
export interface Check {
  name: string;
  verdict: Verdict;
  detail: string;
}

const probeScript = fileURLToPath(new URL('./probe.ts', import.meta.url));
const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The executable `cmd` resolves to (a path, or a name looked up in PATH), else undefined. */
export function findExecutable(cmd: string, path = process.env.PATH ?? ''): string | undefined {
  const candidates = cmd.includes('/')
    ? [resolve(cmd)]
    : path
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, cmd));
  for (const c of candidates) {
    try {
      // A regular file with an execute bit (access(X_OK) says yes to root for almost anything).
      const st = statSync(c);
      if (st.isFile() && st.mode & 0o111) return c;
    } catch {
      // next
    }
  }
  return undefined;
}

/** The `--sut-start` check: splits like the command adapter and finds its program. */
export function checkSutStart(template: string, path?: string): Check {
  let argv: string[];
  try {
    argv = splitTemplate(template);
  } catch (err) {
    return { name: 'sut-start', verdict: 'FAIL', detail: (err as Error).message };
  }
  const program = argv[0];
  if (!program) return { name: 'sut-start', verdict: 'FAIL', detail: 'the template is empty' };
  const found = findExecutable(program, path);
  if (!found)
    return {
      name: 'sut-start',
      verdict: 'FAIL',
      detail: `"${program}" is not an executable file${program.includes('/') ? '' : ' in PATH'} (the template is run without a shell)`,
    };
  const unknown = argv
    .join(' ')
    .match(/\{[a-z0-9]+\}/g)
    ?.filter((p) => !['{node}', '{manifests}', '{netns}', '{logdir}', '{ipv4}', '{ipv6}'].includes(p));
  if (unknown?.length)
    return { name: 'sut-start', verdict: 'FAIL', detail: `unknown placeholder(s) ${unknown.join(', ')}` };
  if (!argv.some((a) => a.includes('{manifests}')))
    return { name: 'sut-start', verdict: 'warn', detail: `${found}: the template never passes {manifests}` };
  return { name: 'sut-start', verdict: 'ok', detail: `${found} (${argv.length - 1} argument(s))` };
}

function binaries(): Check[] {
  const need: [string, string, Verdict, string][] = [
    ['ip', 'ip', 'FAIL', 'iproute2'],
    ['frr: zebra', '/usr/lib/frr/zebra', 'FAIL', 'frr'],
    ['frr: bgpd', '/usr/lib/frr/bgpd', 'FAIL', 'frr'],
    ['frr: vtysh', 'vtysh', 'FAIL', 'frr'],
    ['gobgpd', 'gobgpd', 'warn', 'gobgpd (the @gobgp interop scenarios)'],
    ['bird2', 'bird', 'warn', 'bird2 (the @bird interop scenarios)'],
    ['tcpdump', 'tcpdump', 'warn', 'tcpdump (captures in L2 scenarios)'],
  ];
  return need.map(([name, cmd, missing, pkg]) => {
    const found = findExecutable(cmd, `${process.env.PATH ?? ''}${delimiter}/usr/sbin${delimiter}/sbin`);
    return found
      ? { name, verdict: 'ok', detail: found }
      : { name, verdict: missing, detail: `not found: install ${pkg} (make deps does)` };
  });
}

function basics(): Check[] {
  const out: Check[] = [];
  const uid = process.getuid?.() ?? -1;
  out.push(
    uid === 0
      ? { name: 'root', verdict: 'ok', detail: 'uid 0' }
      : {
          name: 'root',
          verdict: 'FAIL',
          detail: `uid ${uid}: the suite creates namespaces and starts routers; run as root`,
        },
  );
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  out.push(
    major > 20 || (major === 20 && minor >= 9)
      ? { name: 'node', verdict: 'ok', detail: process.version }
      : { name: 'node', verdict: 'FAIL', detail: `${process.version}: Node 20.9 or newer is needed` },
  );
  out.push(
    runsCompiled
      ? { name: 'build', verdict: 'ok', detail: 'running compiled JavaScript (dist/)' }
      : existsSync(join(packageRoot, 'dist/.build-stamp'))
        ? {
            name: 'build',
            verdict: 'warn',
            detail: 'dist/ is older than the sources: running through tsx (make build)',
          }
        : {
            name: 'build',
            verdict: 'warn',
            detail: 'no dist/: every process transpiles at start (make build)',
          },
  );
  for (const [name, file] of [
    ['addon: bgp socket', 'reference/bgp/native/build/bgp_socket.node'],
    ['addon: af_packet', 'reference/l2/native/build/Release/af_packet.node'],
  ] as const)
    out.push(
      existsSync(join(packageRoot, file))
        ? { name, verdict: 'ok', detail: file }
        : {
            name,
            verdict: 'FAIL',
            detail: `${file} missing: run ${file.split('/native/')[0]}/native/build.sh`,
          },
    );
  return out;
}

/** A two-host lab on a bridge (namespaces, veths, bridge), then MD5 and AF_PACKET inside it. */
async function kernel(prefix: string): Promise<Check[]> {
  const out: Check[] = [];
  let r: Awaited<ReturnType<typeof createRun>> | undefined;
  try {
    r = await createRun({ prefix });
    const lab = await r.up({
      segments: [{ name: 'doc', v4: '192.0.2.0/24', v6: '2001:db8:0:1::/64' }],
      hosts: ['a', 'b'].map((name, i) => ({
        name,
        role: 'host' as const,
        interfaces: [
          { name: 'eth0', segment: 'doc', v4: `192.0.2.${i + 1}/24`, v6: `2001:db8:0:1::${i + 1}/64` },
        ],
      })),
    });
    out.push({ name: 'kernel: netns, veth, bridge', verdict: 'ok', detail: 'a two-host lab came up' });
    for (const what of ['md5', 'packet'] as const) {
      const name = what === 'md5' ? 'kernel: TCP MD5 (RFC 2385)' : 'kernel: AF_PACKET';
      try {
        const res = await run(
          'ip',
          ['netns', 'exec', lab.nsOf('a'), process.execPath, ...nodeScriptArgs(probeScript), what],
          {
            timeoutMs: 20_000,
          },
        );
        const v = JSON.parse(res.stdout.trim().split('\n').at(-1) ?? '{}') as {
          ok?: boolean;
          detail?: string;
        };
        out.push({ name, verdict: v.ok ? 'ok' : 'FAIL', detail: v.detail ?? res.stdout.trim() });
      } catch (err) {
        out.push({ name, verdict: 'FAIL', detail: (err as Error).message.split('\n')[0]! });
      }
    }
  } catch (err) {
    out.push({
      name: 'kernel: netns, veth, bridge',
      verdict: 'FAIL',
      detail: `${(err as { code?: string }).code ?? ''} ${(err as Error).message.split('\n')[0]}`.trim(),
    });
  } finally {
    await r?.close().catch(() => {});
  }
  return out;
}

const usage = `usage: lbconform doctor [--sut-start TEMPLATE] [--prefix P] [--json]
  checks that this machine can run the suite: root, Node, the build, the native addons, network
  namespaces with veth pairs and a bridge, TCP MD5 and AF_PACKET (inside a namespace of its own),
  FRR / GoBGP / BIRD / tcpdump, and the --sut-start template of a vendor speaker.
  Exit 0 when nothing failed, 1 otherwise.
`;

export async function runDoctor(args: string[], io: CommandIO): Promise<number> {
  let values: { 'sut-start'?: string; prefix?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        'sut-start': { type: 'string' },
        prefix: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    io.stderr.write(`lbconform doctor: ${(err as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const checks = [...basics(), ...binaries()];
  if (values['sut-start'] !== undefined) checks.push(checkSutStart(values['sut-start']));
  const root = checks.find((c) => c.name === 'root')?.verdict === 'ok';
  if (root) checks.push(...(await kernel(values.prefix ?? process.env.LBCONFORM_NETNS_PREFIX ?? 'lbcdoc')));
  else checks.push({ name: 'kernel', verdict: 'FAIL', detail: 'not checked (needs root)' });
  if (values.json) io.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
  else for (const c of checks) io.stdout.write(`${c.verdict.padEnd(4)}  ${c.name.padEnd(30)} ${c.detail}\n`);
  const failed = checks.filter((c) => c.verdict === 'FAIL').length;
  if (!values.json)
    io.stdout.write(failed ? `\n${failed} check(s) failed\n` : '\nthis machine can run the suite\n');
  return failed ? 1 : 0;
}
