import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CodedError } from '../../common/errors.ts';
import { run } from '../../common/exec.ts';
import { nodeScriptArgs } from '../../common/node-script.ts';
import {
  decodeArpFrame,
  decodeEthernet,
  decodeNdpFrame,
  type ArpPacket,
  type NdpMessage,
} from '../../reference/l2/frames.ts';

/**
 * Layer-2 observations from a host's namespace, for the L2 features: who answers ARP / NS for an IP
 * (every answer counted: "exactly one node answers" is the point), the host's neighbour entry, and a
 * packet capture to see gratuitous ARP / unsolicited NA.
 */

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const probeScript = fileURLToPath(new URL('./l2-probe-cli.ts', import.meta.url));

/** `--import` value for running a .ts script with tsx from any working directory. */
export function tsxImport(): string {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return 'tsx';
  }
}

export interface ProbeAnswer {
  mac: string;
  /** Milliseconds after the request went out. */
  atMs: number;
}

export interface ProbeResult {
  answers: ProbeAnswer[];
  sentFrom: { mac: string; ip: string };
}

/**
 * One probe process per namespace (`l2-probe-cli.ts serve`), started at the first probe there and kept
 * until stopProbeServers() (the After hook): a node process costs about 0.1 s of CPU to start, and
 * the L2 scenarios poll with probes. Each probe still opens its own packet socket, as a process per
 * probe did, so what it counts is the same.
 */
class ProbeServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, (line: Record<string, unknown> | Error) => void>();
  private nextId = 1;
  private stderr = '';
  readonly exited: Promise<void>;

  constructor(readonly ns: string) {
    this.child = spawn(
      'ip',
      ['netns', 'exec', ns, process.execPath, ...nodeScriptArgs(probeScript), 'serve'],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
        cwd: repoRoot,
      },
    );
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => {
      this.stderr = (this.stderr + d).slice(-2000);
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return; // not an answer (a warning on stdout)
      }
      const done = this.pending.get(Number(msg['id']));
      this.pending.delete(Number(msg['id']));
      done?.(msg);
    });
    this.child.stdin.on('error', () => {}); // a dead server fails its probes below
    // An idle server keeps no one alive (a pending probe has its timer); the parent's exit closes its stdin.
    this.child.unref();
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr])
      (stream as unknown as { unref?: () => void }).unref?.();
    this.exited = new Promise((resolve) =>
      this.child.once('close', (code) => {
        if (servers.get(ns) === this) servers.delete(ns);
        const err = new Error(`probe process in ${ns} exited ${code}: ${this.stderr.trim()}`);
        for (const done of this.pending.values()) done(err);
        this.pending.clear();
        resolve();
      }),
    );
  }

  ask(kind: 'arp' | 'ndp', iface: string, ip: string, timeoutMs: number): Promise<ProbeResult> {
    const id = this.nextId++;
    return new Promise<ProbeResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer in ${timeoutMs + 15_000} ms`));
        this.child.kill('SIGKILL');
      }, timeoutMs + 15_000);
      this.pending.set(id, (msg) => {
        clearTimeout(timer);
        if (msg instanceof Error) reject(msg);
        else if (typeof msg['error'] === 'string') reject(new Error(msg['error']));
        else resolve(msg as unknown as ProbeResult);
      });
      this.child.stdin.write(`${JSON.stringify({ id, kind, iface, ip, timeoutMs })}\n`);
    });
  }

  /** Ends its input (it exits once its probes are answered); SIGKILL after 3 s. */
  async stop(): Promise<void> {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(timer);
  }
}

const servers = new Map<string, ProbeServer>();

/** Stops every probe process (call before the namespaces go, e.g. at the end of a scenario). */
export async function stopProbeServers(): Promise<void> {
  await Promise.all([...servers.values()].map((s) => s.stop()));
  servers.clear();
}

async function probe(
  kind: 'arp' | 'ndp',
  ns: string,
  iface: string,
  ip: string,
  timeoutMs: number,
): Promise<ProbeResult> {
  let server = servers.get(ns);
  if (!server) {
    server = new ProbeServer(ns);
    servers.set(ns, server);
  }
  return server.ask(kind, iface, ip, timeoutMs).catch((err: unknown) => {
    throw new CodedError(
      'PROBE_FAILED',
      `${kind} probe for ${ip} on ${ns}/${iface}: ${(err as Error).message}`,
      { cause: err },
    );
  });
}

/**
 * Sends one ARP request for `ip` out of `iface` in `ns` and returns the MAC of every reply addressed to
 * us within `timeoutMs` (one entry per reply frame: two nodes answering gives two entries).
 * Needs the AF_PACKET addon built (reference/l2/native/build.sh).
 */
export async function arpProbe(ns: string, iface: string, ip: string, timeoutMs = 1000): Promise<string[]> {
  return (await probe('arp', ns, iface, ip, timeoutMs)).answers.map((a) => a.mac);
}

/** One neighbour solicitation (to the solicited-node group, from the link-local); every NA for `ip`. */
export async function ndpProbe(ns: string, iface: string, ip: string, timeoutMs = 1000): Promise<string[]> {
  return (await probe('ndp', ns, iface, ip, timeoutMs)).answers.map((a) => a.mac);
}

export interface NeighbourEntry {
  mac: string;
  state: string;
  dev: string;
}

/** The host's neighbour (ARP / NDP cache) entry for `ip`, or undefined; `state` like REACHABLE, STALE. */
export async function neighbourEntry(ns: string, ip: string): Promise<NeighbourEntry | undefined> {
  const { stdout } = await run('ip', ['-n', ns, '-j', 'neigh', 'show', 'to', ip]);
  const rows = JSON.parse(stdout || '[]') as {
    dst: string;
    dev: string;
    lladdr?: string;
    state?: string[];
  }[];
  const row = rows.find((r) => r.lladdr);
  return row
    ? { mac: row.lladdr!.toLowerCase(), state: (row.state ?? []).join(','), dev: row.dev }
    : undefined;
}

export interface CapturedFrame {
  /** Capture time, ms since the epoch. */
  timeMs: number;
  src: string;
  dst: string;
  ethertype: number;
  arp?: ArpPacket;
  /** A valid NS / NA (hop limit 255, checksum) with its IPv6 addresses. */
  ndp?: NdpMessage & { srcIp: string; dstIp: string };
  /** tcpdump's own one-line summary. */
  summary: string;
}

export interface Capture {
  /** Frames parsed so far (the capture keeps running). */
  frames(): CapturedFrame[];
  /** Stops tcpdump and returns every frame it saw. */
  stop(): Promise<CapturedFrame[]>;
}

/** Parses `tcpdump -tt -e -n -xx` output: a summary line per frame followed by hex lines. */
export function parseTcpdump(text: string): CapturedFrame[] {
  const out: CapturedFrame[] = [];
  let head: string | undefined;
  let hex: string[] = [];
  const flush = (): void => {
    if (head === undefined) return;
    const bytes = Buffer.from(hex.join(''), 'hex');
    const ts = Number(head.split(' ', 1)[0]);
    const eth = decodeEthernet(bytes);
    if (eth && Number.isFinite(ts)) {
      const f: CapturedFrame = {
        timeMs: Math.round(ts * 1000),
        src: eth.src,
        dst: eth.dst,
        ethertype: eth.ethertype,
        summary: head,
      };
      const arp = decodeArpFrame(bytes);
      if (arp) f.arp = arp.arp;
      const ndp = decodeNdpFrame(bytes);
      if (ndp) f.ndp = { ...ndp.msg, srcIp: ndp.ip.src, dstIp: ndp.ip.dst };
      out.push(f);
    }
    head = undefined;
    hex = [];
  };
  for (const line of text.split('\n')) {
    const m = /^\s+0x[0-9a-f]+:\s+((?:[0-9a-f]{2,4}\s?)+)/i.exec(line);
    if (m && head !== undefined) {
      hex.push(m[1]!.replace(/\s+/g, ''));
    } else if (/^\d+\.\d+ /.test(line)) {
      flush();
      head = line;
    }
  }
  flush();
  return out;
}

/**
 * Starts tcpdump on `iface` in `ns` with a pcap filter (e.g. `arp or icmp6`) and resolves once it is
 * listening. Frames are decoded with the project's codecs, so callers can check e.g. that a
 * gratuitous ARP reply or an unsolicited NA with Override came from a given MAC.
 */
export async function startCapture(
  ns: string,
  iface: string,
  filter: string,
  opts: { startTimeoutMs?: number } = {},
): Promise<Capture> {
  const args = [
    'netns',
    'exec',
    ns,
    'tcpdump',
    '-i',
    iface,
    '-tt',
    '-e',
    '-n',
    '-l',
    '-U',
    '-xx',
    '-s',
    '256',
  ];
  if (filter.trim()) args.push(filter);
  const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: repoRoot });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new CodedError('CAPTURE_FAILED', `tcpdump in ${ns} on ${iface} did not start: ${stderr.trim()}`),
      );
    }, opts.startTimeoutMs ?? 5000);
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (stderr.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(
        new CodedError('CAPTURE_FAILED', `tcpdump in ${ns} on ${iface} exited ${code}: ${stderr.trim()}`),
      );
    });
  });
  // Only whole frames: with -U each frame arrives in one write, so parse up to the last complete block.
  const parsed = (): CapturedFrame[] =>
    parseTcpdump(stdout.endsWith('\n') ? stdout : stdout.slice(0, stdout.lastIndexOf('\n') + 1));
  let stopped: Promise<CapturedFrame[]> | undefined;
  return {
    frames: parsed,
    stop() {
      stopped ??= (async () => {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
        return parseTcpdump(stdout);
      })();
      return stopped;
    },
  };
}

/** Gratuitous ARP from `mac` for `ip` (either form) among captured frames. */
export function sawGratuitousArp(frames: CapturedFrame[], mac: string, ip: string): CapturedFrame[] {
  return frames.filter(
    (f) =>
      f.arp && f.src === mac && f.arp.senderMac === mac && f.arp.senderIp === ip && f.arp.targetIp === ip,
  );
}

/** Unsolicited NA (to ff02::1, Override set, S clear) from `mac` for `ip` among captured frames. */
export function sawUnsolicitedNa(frames: CapturedFrame[], mac: string, ip: string): CapturedFrame[] {
  return frames.filter(
    (f) =>
      f.ndp &&
      f.ndp.type === 'na' &&
      f.src === mac &&
      f.ndp.target === ip &&
      f.ndp.dstIp === 'ff02::1' &&
      f.ndp.flags.override &&
      !f.ndp.flags.solicited,
  );
}
