/**
 * The real speaker process (`lbconform speaker`) against a scripted peer, both inside one namespace
 * of our own. Node cannot bind a socket in another namespace, so a test or bench re-executes itself
 * there (`ip netns exec NS node --import tsx FILE`): its listener and the speaker child then share
 * the namespace, and nothing is sent in the root namespace.
 *
 * Outside: withSpeakerLab() creates the run (prefix `lbcm`) and the one-host lab, insideArgv() gives
 * the re-exec command. Inside: writeSpeakerManifests() and startSpeaker().
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { CodedError } from '../../common/errors.ts';
import { cliScript, nodeScriptArgs } from '../../common/node-script.ts';
import { createRun } from '../../netns/runtime.ts';
import type { Topology } from '../../netns/topology.ts';
import { defaultContext } from './rfc-cases.ts';

export const NETNS_PREFIX = 'lbcm';
/** Set in the re-executed process: it runs inside the namespace. */
export const INSIDE_ENV = 'LBCM_INSIDE_NETNS';
/** The run's temp dir, handed to the re-executed process: removed by the run even if that process dies. */
export const WORK_ENV = 'LBCM_WORK_DIR';

/** A private working folder inside the run's temp dir (or the system's, outside a run). */
export function workDir(what: string): string {
  return mkdtempSync(join(process.env[WORK_ENV] ?? tmpdir(), `${NETNS_PREFIX}-${what}-`));
}

/** The environment of a re-executed process. */
export function insideEnv(tempDir: string): NodeJS.ProcessEnv {
  return { ...process.env, [INSIDE_ENV]: '1', [WORK_ENV]: tempDir };
}
export const NODE_NAME = 'node-a';
/** The speaker's interface address (router id and next hop) and the scripted peer's listening address. */
export const NODE_ADDRESS = '192.0.2.11';
export const PEER_ADDRESS = '192.0.2.1';
/** The one route the speaker announces: a ROUTE-REFRESH for IPv4 unicast is answered with one UPDATE. */
export const SERVICE_PREFIX = '203.0.113.200/32';

/**
 * One namespace holding the node's interface and a second one for the peer's address, both on one
 * segment (the speaker finds its local endpoint by subnet; loopback addresses do not count).
 */
export const speakerLab: Topology = {
  segments: [{ name: 'seg', v4: '192.0.2.0/24', v6: '2001:db8:f3::/64' }],
  hosts: [
    {
      name: 'node',
      role: 'node',
      interfaces: [
        { name: 'eth0', segment: 'seg', v4: `${NODE_ADDRESS}/24`, v6: '2001:db8:f3::11/64' },
        { name: 'peer0', segment: 'seg', v4: `${PEER_ADDRESS}/24` },
      ],
    },
  ],
};

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** LBCM_SPEAKER_CLI points at another checkout's cli/main.ts (to compare two versions of the speaker). */
const cli = process.env.LBCM_SPEAKER_CLI ?? cliScript;

/** Creates the run and the lab, calls fn with the namespace and the run's temp dir, always tears down. */
export async function withSpeakerLab<T>(fn: (netns: string, tempDir: string) => Promise<T>): Promise<T> {
  const run = await createRun({ prefix: NETNS_PREFIX });
  try {
    const lab = await run.up(speakerLab);
    return await fn(lab.nsOf('node'), run.tempDir);
  } finally {
    await run.close();
  }
}

/**
 * Re-executes `script args` inside a fresh lab's namespace (stdio inherited, INSIDE_ENV set) and
 * resolves with its exit code; the namespace is gone afterwards.
 */
export function runInsideLab(script: string, args: string[]): Promise<number> {
  return withSpeakerLab(
    (netns, tempDir) =>
      new Promise<number>((resolve) => {
        const child = spawn('ip', insideArgv(netns, script, args), {
          stdio: 'inherit',
          cwd: repoRoot,
          env: insideEnv(tempDir),
        });
        child.on('error', () => resolve(127));
        child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
      }),
  );
}

/** `ip` arguments that run `script` with tsx inside `netns`. */
export function insideArgv(netns: string, script: string, args: string[] = []): string[] {
  return ['netns', 'exec', netns, process.execPath, ...nodeScriptArgs(script), ...args];
}

export interface SpeakerManifestOptions {
  peerPort: number;
  peerAsn?: number;
  speakerAsn?: number;
  holdTime?: string;
  keepaliveTime?: string;
}

/** Node, BGPPeer (the scripted peer), one pool, one BGPAdvertisement and one Service ready on the node. */
export function writeSpeakerManifests(dir: string, o: SpeakerManifestOptions): void {
  mkdirSync(dir, { recursive: true });
  const docs = [
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: NODE_NAME, labels: { 'kubernetes.io/hostname': NODE_NAME } },
    },
    {
      apiVersion: 'metallb.io/v1beta2',
      kind: 'BGPPeer',
      metadata: { name: 'scripted', namespace: 'metallb-system' },
      spec: {
        myASN: o.speakerAsn ?? defaultContext.speakerAsn,
        peerASN: o.peerAsn ?? defaultContext.peerAsn,
        peerAddress: PEER_ADDRESS,
        peerPort: o.peerPort,
        holdTime: o.holdTime ?? '3s',
        keepaliveTime: o.keepaliveTime ?? '1s',
      },
    },
    {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: 'pool', namespace: 'metallb-system' },
      spec: { addresses: [SERVICE_PREFIX] },
    },
    {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'BGPAdvertisement',
      metadata: { name: 'adv', namespace: 'metallb-system' },
      spec: { ipAddressPools: ['pool'] },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'demo' },
      spec: {
        type: 'LoadBalancer',
        selector: { app: 'web' },
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
      },
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-1', namespace: 'demo', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.244.0.10'], nodeName: NODE_NAME, conditions: { ready: true } }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    },
  ];
  writeFileSync(join(dir, 'manifests.yaml'), docs.map((d) => stringify(d)).join('---\n'));
}

export interface LogLine {
  level: string;
  event: string;
  [field: string]: unknown;
}

/** The speaker's JSON log lines as they arrive (stderr), a tail for failure reports, listeners. */
export class SpeakerLog {
  /** Every line when recording (the default); a long campaign turns it off and uses onLine(). */
  readonly lines: LogLine[] = [];
  count = 0;
  private readonly tailLines: string[] = [];
  private readonly listeners = new Set<(l: LogLine) => void>();

  constructor(
    private readonly record: boolean,
    private readonly tailSize = 40,
  ) {}

  push(text: string): void {
    this.tailLines.push(text);
    if (this.tailLines.length > this.tailSize) this.tailLines.shift();
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      line = { level: 'raw', event: 'non-json', text };
    }
    this.count++;
    if (this.record) this.lines.push(line);
    for (const fn of this.listeners) fn(line);
  }

  onLine(fn: (l: LogLine) => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  /** Recorded lines from index `from` on with this event. */
  since(from: number, event?: string): LogLine[] {
    return this.lines.slice(from).filter((l) => event === undefined || l.event === event);
  }

  tail(n = this.tailSize): string[] {
    return this.tailLines.slice(-n);
  }
}

export interface SpeakerMemory {
  /** VmRSS and VmHWM from /proc/PID/status, kB. */
  rssKb: number;
  hwmKb: number;
}

export interface SpeakerProcess {
  readonly pid: number;
  readonly log: SpeakerLog;
  /** Set once the process has exited: its code, or the signal that killed it. */
  readonly exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  memory(): SpeakerMemory;
  /** SIGTERM, SIGKILL after timeoutMs; resolves with how it ended. */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartSpeakerOptions {
  manifestDir: string;
  /** Status file folder (LBCONFORM_STATE_DIR), private to this speaker. */
  stateDir: string;
  /** Every log line is appended here too. */
  logFile: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  recordLog?: boolean;
  /** Called on every log line and on exit (to re-check waiters). */
  onEvent?: () => void;
}

/** Starts `lbconform speaker --node NODE_NAME DIR` in this process's namespace (we run inside it). */
export function startSpeaker(o: StartSpeakerOptions): SpeakerProcess {
  const child = spawn(
    process.execPath,
    [...nodeScriptArgs(cli), 'speaker', '--node', NODE_NAME, o.manifestDir],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LBCONFORM_LOG_LEVEL: o.logLevel ?? 'debug', LBCONFORM_STATE_DIR: o.stateDir },
    },
  );
  if (child.pid === undefined) throw new CodedError('SPAWN_FAILED', 'could not start the speaker');
  const pid = child.pid;
  const log = new SpeakerLog(o.recordLog ?? true);
  const file = createWriteStream(o.logFile, { flags: 'a' });
  createInterface({ input: child.stderr! }).on('line', (text) => {
    file.write(text + '\n');
    log.push(text);
    o.onEvent?.();
  });
  let exit: SpeakerProcess['exit'];
  // 'close', not 'exit': every line it wrote has been read (and written to the file) by then.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      exit = { code, signal };
      o.onEvent?.();
      file.end(() => resolve(exit!));
    });
  });
  return {
    pid,
    log,
    get exit() {
      return exit;
    },
    exited,
    alive: () => exit === undefined,
    memory: () => procMemory(pid),
    async stop(timeoutMs = 5000) {
      if (exit) return exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const r = await exited;
      clearTimeout(timer);
      return r;
    },
  };
}

export function procMemory(pid: number): SpeakerMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    rssKb: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0),
    hwmKb: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0),
  };
}
