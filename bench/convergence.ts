/**
 * Convergence benchmark (`npm run bench:convergence [-- --sizes 1000,10000] [--full]`).
 *
 * One topology for the whole run (namespace prefix `lbcb`): a node namespace `NodeA` (192.0.2.11) and an
 * FRR monitor router `mon` (192.0.2.1, AS 64512, `timers bgp 1 3`) on one segment. For each size N the
 * same N+1 IPv4 prefixes (N Service /32s from 198.18.0.0/15 — the RFC 2544 benchmarking range, present
 * only inside our namespaces — plus the shared aggregate 198.18.0.0/15) are announced from NodeA by, in
 * turn: the reference speaker, gobgpd, BIRD and FRR. For each we measure process start -> all N+1 prefixes
 * at the monitor (polling `show bgp summary json` pfxRcd, not the table), and the peak RSS / CPU seconds of
 * the announcing daemon at that moment. For the reference also: one Service added -> visible, its IP changed
 * -> new visible and old gone, that Service deleted -> gone (each: manifest written + SIGHUP, as the suite
 * does), and SIGTERM -> all gone. Timings are measured, never asserted.
 *
 * `--full` adds N = 50 000 and 100 000; `--rounds R` (default 20) one-Service changes per size; `--impls reference,gobgp,bird,frr` picks implementations. Writes out/bench/convergence.{json,md}; run-all.ts reuses `convergenceBench`.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRun } from '../netns/runtime.ts';
import { run as exec, runIn } from '../common/exec.ts';
import { startFrr, type FrrRouter } from '../harness/routers/frr.ts';
import { startBird } from '../harness/routers/bird.ts';
import { startGobgp } from '../harness/routers/gobgp.ts';
import { referenceSpeaker } from '../harness/sut/reference.ts';
import { nodesManifest, peerManifest } from '../harness/scenario/manifests.ts';
import {
  AGGREGATE,
  AGGREGATE_LENGTH,
  median,
  BENCH_OUT,
  fmtMs,
  ipOf,
  machine,
  pidIn,
  procCost,
  progress,
  ratio,
  waitFor,
  writeOut,
  type ProcCost,
} from './lib.ts';
import { mrtTableDump } from './mrt.ts';

const NODE = '192.0.2.11';
const MON = '192.0.2.1';
const NODE_ASN = 64500;
const MON_ASN = 64512;
const POLL_MS = 25;
/** One-Service changes are tens of ms: polled finer, so the figure is the change's, not the poll's. */
const CHANGE_POLL_MS = 5;

export interface ImplFigure {
  /** Process start -> all routes at the monitor, ms. */
  startMs: number;
  /** The announcing daemon at that moment. */
  cost?: ProcCost;
  how: string;
  /** Part of startMs the feeding took (GoBGP: `gobgp mrt inject`). */
  feedMs?: number;
  feedPasses?: number;
}

/** One kind of single-Service change, repeated: each sample is manifest written + SIGHUP -> seen at the monitor. */
export interface ChangeFigure {
  samplesMs: number[];
  medianMs: number;
  maxMs: number;
}

export interface ReferenceFigure extends ImplFigure {
  add: ChangeFigure;
  change: ChangeFigure;
  delete: ChangeFigure;
  sigtermMs: number;
  /** CPU and peak RSS just before SIGTERM (after every change). */
  costAtEnd?: ProcCost;
  /** From the speaker's own log (bgp.update.sent), for the initial convergence. */
  updates: { messages: number; bytes: number; announced: number };
  /** ms since spawn at which the speaker logged each phase (first occurrence). */
  phases: Record<string, number>;
  /** Number of config.applied lines: more than 1 + 3 x rounds means reloads ran twice. */
  reloads: number;
  /** bgp.session.down reasons logged by the speaker before SIGTERM (a reload must not drop the session). */
  sessionDrops: string[];
  /** speaker.starting -> first config.applied (manifests read, validated, allocated, planned), ms. */
  startupMs: number;
  /**
   * The speaker's own time per one-Service reload (config.applied `ms`: SIGHUP handled -> routes handed
   * to the session), median and max over the change reloads: the part of each sample that is the speaker's.
   */
  ownReload?: { medianMs: number; maxMs: number };
  /** CPU seconds spent between convergence and the end of the changes, per change, ms. */
  cpuPerChangeMs?: number;
}

export interface SizeResult {
  services: number;
  routes: number;
  reference?: ReferenceFigure;
  gobgp?: ImplFigure;
  bird?: ImplFigure;
  frr?: ImplFigure;
  errors: string[];
}

export interface ConvergenceResult {
  machine: string;
  date: string;
  sizes: SizeResult[];
}

const head = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: bench, namespace: metallb-system}
spec: {addresses: [${AGGREGATE}]}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: host, namespace: metallb-system}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: aggregate, namespace: metallb-system}
spec: {aggregationLength: ${AGGREGATE_LENGTH}}
`;

function serviceDoc(name: string, ip: string): string {
  return `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: bench, annotations: {metallb.io/loadBalancerIPs: "${ip}"}}\nspec: {type: LoadBalancer, ports: [{port: 80, protocol: TCP}]}\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: ${name}-1, namespace: bench, labels: {kubernetes.io/service-name: ${name}}}\naddressType: IPv4\nendpoints: [{addresses: [10.0.0.1], nodeName: NodeA, conditions: {ready: true}}]\n`;
}

function writeManifests(dir: string, n: number): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '00-pool.yaml'), head);
  writeFileSync(join(dir, '10-nodes.yaml'), nodesManifest(['NodeA']));
  writeFileSync(
    join(dir, '20-peer.yaml'),
    peerManifest([{ name: 'mon', myASN: NODE_ASN, peerASN: MON_ASN, peerAddress: MON }]),
  );
  const docs: string[] = [];
  for (let i = 1; i <= n; i++) docs.push(serviceDoc(`s${i}`, ipOf(i)));
  writeFileSync(join(dir, '30-services.yaml'), docs.join('---\n'));
}

async function pfxRcd(mon: FrrRouter): Promise<number> {
  const s = await mon.json<{ ipv4Unicast?: { peers?: Record<string, { pfxRcd?: number; state?: string }> } }>(
    'show bgp summary json',
  );
  return s.ipv4Unicast?.peers?.[NODE]?.pfxRcd ?? 0;
}

async function hasRoute(mon: FrrRouter, prefix: string): Promise<boolean> {
  const r = await mon.json<{ paths?: unknown[] }>(`show bgp ipv4 unicast ${prefix} json`);
  return (r.paths?.length ?? 0) > 0;
}

/** Waits until the monitor holds nothing from the node and its session is down, so the next implementation starts clean. */
async function monitorClean(mon: FrrRouter): Promise<void> {
  await waitFor('monitor: no routes from the node', async () => (await pfxRcd(mon)) === 0, 30_000, 50);
}

const elapsed = (t0: bigint): number => Math.round(Number(process.hrtime.bigint() - t0) / 1e6);

interface LogLine {
  ts: string;
  event: string;
  [k: string]: unknown;
}

function readLog(file: string): LogLine[] {
  if (!existsSync(file)) return [];
  const out: LogLine[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as LogLine);
    } catch {
      // not ours
    }
  }
  return out;
}

async function referenceRun(
  lab: { nsOf(h: string): string },
  mon: FrrRouter,
  work: string,
  n: number,
  rounds: number,
): Promise<ReferenceFigure> {
  const want = n + 1;
  const dir = join(work, `ref-${n}`);
  writeManifests(dir, n);
  // Kept after the run (out/bench/logs/): the evidence behind the figures.
  const logFile = join(BENCH_OUT, 'logs', `speaker-${n}.log`);
  rmSync(logFile, { force: true });
  const spawnedAt = Date.now();
  let t0 = process.hrtime.bigint();
  const sp = await referenceSpeaker.start({
    name: 'NodeA',
    netns: lab.nsOf('NodeA'),
    manifestDir: dir,
    logFile,
  });
  let cost: ProcCost | undefined;
  try {
    await waitFor(
      `reference: ${want} prefixes at the monitor`,
      async () => (await pfxRcd(mon)) >= want,
      600_000,
      POLL_MS,
    );
    const startMs = elapsed(t0);
    cost = procCost(sp.pid);
    progress(
      `N=${n}: reference start -> ${want} routes: ${fmtMs(startMs)} (CPU ${cost.cpuS} s, peak RSS ${cost.peakRssMb} MB)`,
    );

    // One Service added (own file), then its IP changed, then deleted; each followed by SIGHUP like the
    // suite's adapter; `rounds` times, for a median. Each wait also requires the monitor to hold every
    // other route: a session that drops during a reload must not count as "gone" or "converged".
    const probe = join(dir, '40-probe.yaml');
    const a = ipOf(n + 2);
    const b = ipOf(n + 3);
    const all = (k: number) => async (): Promise<boolean> => (await pfxRcd(mon)) === k;
    const timed = async (what: string, change: () => void, seen: () => Promise<boolean>): Promise<number> => {
      const t = process.hrtime.bigint();
      change();
      await sp.configChanged();
      await waitFor(what, seen, 120_000, CHANGE_POLL_MS);
      return elapsed(t);
    };
    const samples = { add: [] as number[], change: [] as number[], delete: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      samples.add.push(
        await timed(
          'reference: added Service visible',
          () => writeFileSync(probe, serviceDoc('probe', a)),
          async () => (await hasRoute(mon, `${a}/32`)) && (await all(want + 1)()),
        ),
      );
      samples.change.push(
        await timed(
          'reference: changed Service visible, old IP gone',
          () => writeFileSync(probe, serviceDoc('probe', b)),
          async () =>
            (await hasRoute(mon, `${b}/32`)) && !(await hasRoute(mon, `${a}/32`)) && (await all(want + 1)()),
        ),
      );
      samples.delete.push(
        await timed(
          'reference: deleted Service gone',
          () => rmSync(probe),
          async () => !(await hasRoute(mon, `${b}/32`)) && (await all(want)()),
        ),
      );
    }
    const figure = (xs: number[]): ChangeFigure => ({
      samplesMs: xs,
      medianMs: median(xs),
      maxMs: Math.max(...xs),
    });
    const add = figure(samples.add);
    const change = figure(samples.change);
    const del = figure(samples.delete);
    progress(
      `N=${n}: reference one Service (median of ${rounds}): add ${fmtMs(add.medianMs)}, change ${fmtMs(change.medianMs)}, delete ${fmtMs(del.medianMs)}`,
    );
    const costAtEnd = procCost(sp.pid);
    t0 = process.hrtime.bigint();
    await sp.stop();
    await waitFor(
      'reference: all withdrawn after SIGTERM',
      async () => (await pfxRcd(mon)) === 0,
      60_000,
      POLL_MS,
    );
    const sigtermMs = elapsed(t0);
    progress(`N=${n}: reference SIGTERM -> all gone ${fmtMs(sigtermMs)}`);

    const lines = readLog(logFile);
    const phases: Record<string, number> = {};
    for (const l of lines) {
      const key =
        l.event === 'bgp.state' || l.event === 'bgp.session.state'
          ? `${l.event}:${String(l.to ?? l.state ?? '')}`
          : l.event;
      if (!(key in phases)) phases[key] = Date.parse(l.ts) - spawnedAt;
    }
    const stopIdx = lines.findIndex((l) => l.event === 'speaker.stopping');
    const sent = lines.filter((l) => l.event === 'bgp.update.sent');
    // The initial convergence: update.sent lines before the first reload after start.
    const firstReloadIdx = lines.findIndex(
      (l, i) => l.event === 'config.applied' && lines.slice(0, i).some((x) => x.event === 'config.applied'),
    );
    const initial =
      firstReloadIdx < 0 ? sent : lines.slice(0, firstReloadIdx).filter((l) => l.event === 'bgp.update.sent');
    const updates = initial.reduce(
      (s, l) => ({
        messages: s.messages + Number(l.messages ?? 0),
        bytes: s.bytes + Number(l.bytes ?? 0),
        announced: s.announced + Number(l.announced ?? 0),
      }),
      { messages: 0, bytes: 0, announced: 0 },
    );
    // config.applied lines after the first: the change reloads (`ms`: the speaker's own time)
    const reloadMs = lines
      .filter((l) => l.event === 'config.applied')
      .slice(1)
      .map((l) => Number(l.ms))
      .filter((x) => Number.isFinite(x));
    const changes = 3 * rounds;
    return {
      startMs,
      cost,
      ...(reloadMs.length ? { ownReload: { medianMs: median(reloadMs), maxMs: Math.max(...reloadMs) } } : {}),
      ...(cost && costAtEnd
        ? { cpuPerChangeMs: Math.round(((costAtEnd.cpuS - cost.cpuS) * 1000) / changes) }
        : {}),
      add,
      change,
      delete: del,
      sigtermMs,
      costAtEnd,
      updates,
      phases,
      reloads: lines.filter((l) => l.event === 'config.applied').length,
      // before SIGTERM only: the session ending at the stop is the point of the stop
      sessionDrops: lines
        .slice(0, stopIdx < 0 ? lines.length : stopIdx)
        .filter((l) => l.event === 'bgp.session.down')
        .map((l) => String(l.reason ?? '?')),
      startupMs: (phases['config.applied'] ?? NaN) - (phases['speaker.starting'] ?? NaN),
      how: 'lbconform speaker (bin/lbconform: the compiled dist/ when current, else the sources) reading the manifests folder',
    };
  } finally {
    await sp.kill();
  }
}

async function gobgpRun(
  lab: { nsOf(h: string): string },
  mon: FrrRouter,
  dir: string,
  n: number,
): Promise<ImplFigure> {
  const want = n + 1;
  mkdirSync(dir, { recursive: true });
  const mrt = join(dir, 'routes.mrt');
  const padding = Math.max(1024, Math.ceil(n / 4));
  writeFileSync(
    mrt,
    mrtTableDump(
      [
        ...Array.from({ length: n }, (_, i) => `${ipOf(i + 1)}/32`),
        ...Array.from({ length: padding + 1 }, () => AGGREGATE),
      ],
      { peerIp: NODE, peerAsn: NODE_ASN, nextHop: NODE },
    ),
  );
  const ns = lab.nsOf('NodeA');
  const t0 = process.hrtime.bigint();
  const g = await startGobgp({
    netns: ns,
    name: 'gobgp',
    dir,
    asn: NODE_ASN,
    routerId: NODE,
    neighbors: [{ address: MON, remoteAsn: MON_ASN, families: ['ipv4'] }],
  });
  try {
    // `gobgp mrt inject` (3.10) exits before gobgpd has drained its gRPC stream and loses the tail of the file
    // (seen: 566 of 1001, 9467-9748 of 10001 kept). The file therefore ends with padding: copies of the
    // aggregate's record (same prefix, same attributes), so what is lost is padding. Then we wait until
    // gobgpd's RIB holds every route; if not (more lost than padded), the whole file is injected again.
    const f0 = process.hrtime.bigint();
    let passes = 0;
    let held = 0;
    while (held < want) {
      if (++passes > 3)
        throw new Error(`gobgp mrt inject: gobgpd holds ${held} of ${want} routes after 3 passes`);
      await runIn(ns, 'gobgp', ['mrt', 'inject', 'global', mrt], { timeoutMs: 600_000 });
      await waitFor(
        'gobgpd RIB complete',
        async () => (held = await gobgpRibCount(ns)) >= want,
        3000,
        POLL_MS,
      ).catch(() => {});
    }
    const feedMs = elapsed(f0);
    await waitFor(
      `gobgp: ${want} prefixes at the monitor`,
      async () => (await pfxRcd(mon)) >= want,
      600_000,
      POLL_MS,
    );
    const startMs = elapsed(t0);
    const pid = await pidIn(ns, 'gobgpd');
    const cost = pid ? procCost(pid) : undefined;
    progress(
      `N=${n}: gobgp start -> ${want} routes: ${fmtMs(startMs)} (mrt inject ${fmtMs(feedMs)} in ${passes} pass(es); gobgpd CPU ${cost?.cpuS} s, peak RSS ${cost?.peakRssMb} MB)`,
    );
    return {
      startMs,
      feedMs,
      feedPasses: passes,
      ...(cost ? { cost } : {}),
      how: "gobgpd started, then `gobgp mrt inject global` of a generated TABLE_DUMP_V2 file ending in max(1024, N/4) copies of the aggregate's record as padding, because the CLI drops the tail of its gRPC stream; one pass unless more was lost than padded; time includes start and every pass",
    };
  } finally {
    await g.stop();
    await monitorClean(mon);
  }
}

async function gobgpRibCount(ns: string): Promise<number> {
  const { stdout } = await runIn(ns, 'gobgp', ['global', 'rib', 'summary', '-a', 'ipv4']);
  return Number(/Destination:\s*(\d+)/.exec(stdout)?.[1] ?? 0);
}

async function birdRun(
  lab: { nsOf(h: string): string },
  mon: FrrRouter,
  dir: string,
  n: number,
): Promise<ImplFigure> {
  const want = n + 1;
  mkdirSync(dir, { recursive: true });
  const statics = [
    ...Array.from({ length: n }, (_, i) => `  route ${ipOf(i + 1)}/32 blackhole;`),
    `  route ${AGGREGATE} blackhole;`,
  ].join('\n');
  writeFileSync(join(dir, 'extra.conf'), `protocol static bench {\n  ipv4;\n${statics}\n}\n`);
  const ns = lab.nsOf('NodeA');
  const t0 = process.hrtime.bigint();
  const b = await startBird({
    netns: ns,
    name: 'bird',
    dir,
    asn: NODE_ASN,
    routerId: NODE,
    neighbors: [{ address: MON, remoteAsn: MON_ASN, families: ['ipv4'] }],
    includeFile: join(dir, 'extra.conf'),
    exportAll: true,
  });
  try {
    await waitFor(
      `bird: ${want} prefixes at the monitor`,
      async () => (await pfxRcd(mon)) >= want,
      600_000,
      POLL_MS,
    );
    const startMs = elapsed(t0);
    const pid = await pidIn(ns, 'bird');
    const cost = pid ? procCost(pid) : undefined;
    progress(
      `N=${n}: bird start -> ${want} routes: ${fmtMs(startMs)} (bird CPU ${cost?.cpuS} s, peak RSS ${cost?.peakRssMb} MB)`,
    );
    return {
      startMs,
      ...(cost ? { cost } : {}),
      how: 'bird with a static protocol of N+1 blackhole routes, exported over BGP',
    };
  } finally {
    await b.stop();
    await monitorClean(mon);
  }
}

async function frrRun(
  lab: { nsOf(h: string): string },
  mon: FrrRouter,
  dir: string,
  n: number,
): Promise<ImplFigure> {
  const want = n + 1;
  const ns = lab.nsOf('NodeA');
  const t0 = process.hrtime.bigint();
  const f = await startFrr({
    netns: ns,
    name: 'frrspk',
    dir,
    asn: NODE_ASN,
    routerId: NODE,
    neighbors: [{ address: MON, remoteAsn: MON_ASN, families: ['ipv4'] }],
    readyTimeoutMs: 120_000,
    extraConfig: [
      'address-family ipv4 unicast',
      ...Array.from({ length: n }, (_, i) => `network ${ipOf(i + 1)}/32`),
      `network ${AGGREGATE}`,
      'exit-address-family',
    ],
  });
  try {
    await waitFor(
      `frr: ${want} prefixes at the monitor`,
      async () => (await pfxRcd(mon)) >= want,
      600_000,
      POLL_MS,
    );
    const startMs = elapsed(t0);
    const cost = procCost(f.pids.bgpd);
    progress(
      `N=${n}: frr start -> ${want} routes: ${fmtMs(startMs)} (bgpd CPU ${cost.cpuS} s, peak RSS ${cost.peakRssMb} MB)`,
    );
    return {
      startMs,
      cost,
      how: 'zebra + bgpd with N+1 `network` statements in bgpd.conf (no import-check)',
    };
  } finally {
    await f.stop();
    await monitorClean(mon);
  }
}

export async function convergenceBench(
  sizes: number[],
  impls: readonly string[] = ['reference', 'gobgp', 'bird', 'frr'],
  /** Rounds of one-Service add/change/delete at each size (the issue asks for the median of 20). */
  rounds = 20,
): Promise<ConvergenceResult> {
  const result: ConvergenceResult = { machine: machine(), date: new Date().toISOString(), sizes: [] };
  const run = await createRun({ prefix: 'lbcb' });
  const work = join(run.tempDir, 'w');
  try {
    progress(`convergence: topology up (run ${run.key})`);
    const lab = await run.up({
      segments: [{ name: 'nodes', v4: '192.0.2.0/24' }],
      hosts: [
        { name: 'mon', role: 'router', interfaces: [{ name: 'eth0', segment: 'nodes', v4: `${MON}/24` }] },
        { name: 'NodeA', role: 'node', interfaces: [{ name: 'eth0', segment: 'nodes', v4: `${NODE}/24` }] },
      ],
    });
    const mon = await startFrr({
      netns: lab.nsOf('mon'),
      name: 'mon',
      dir: join(run.tempDir, 'mon'),
      asn: MON_ASN,
      routerId: MON,
      neighbors: [{ address: NODE, remoteAsn: NODE_ASN, families: ['ipv4'] }],
    });
    try {
      for (const n of sizes) {
        const row: SizeResult = { services: n, routes: n + 1, errors: [] };
        result.sizes.push(row);
        const attempt = async <T>(name: string, f: () => Promise<T>): Promise<T | undefined> => {
          try {
            return await f();
          } catch (err) {
            row.errors.push(`${name}: ${(err as Error).message}`);
            progress(`N=${n}: ${name} FAILED: ${(err as Error).message}`);
            await monitorClean(mon).catch(() => {});
            return undefined;
          }
        };
        const set = <K extends 'reference' | 'gobgp' | 'bird' | 'frr'>(
          k: K,
          v: SizeResult[K] | undefined,
        ): void => {
          if (v) row[k] = v;
        };
        if (impls.includes('reference')) {
          set('reference', await attempt('reference', () => referenceRun(lab, mon, work, n, rounds)));
          await monitorClean(mon).catch(() => {});
        }
        if (impls.includes('gobgp'))
          set('gobgp', await attempt('gobgp', () => gobgpRun(lab, mon, join(run.tempDir, `g${n}`), n)));
        if (impls.includes('bird'))
          set('bird', await attempt('bird', () => birdRun(lab, mon, join(run.tempDir, `b${n}`), n)));
        if (impls.includes('frr'))
          set('frr', await attempt('frr', () => frrRun(lab, mon, join(run.tempDir, `f${n}`), n)));
      }
    } finally {
      await mon.stop();
    }
  } finally {
    await run.close();
  }
  return result;
}

export function convergenceMarkdown(r: ConvergenceResult): string {
  const out: string[] = [
    `Convergence: process start -> all routes at an FRR monitor (\`timers bgp 1 3\`), one node namespace, one run; ${r.machine}; ${r.date}.`,
    '',
    '| Services | routes | reference | GoBGP | BIRD | FRR | ref / GoBGP | ref / BIRD | ref / FRR | ref per route |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of r.sizes) {
    const ref = s.reference?.startMs;
    out.push(
      `| ${s.services} | ${s.routes} | ${fmtMs(ref)} | ${fmtMs(s.gobgp?.startMs)} | ${fmtMs(s.bird?.startMs)} | ${fmtMs(s.frr?.startMs)} | ${ratio(ref, s.gobgp?.startMs)} | ${ratio(ref, s.bird?.startMs)} | ${ratio(ref, s.frr?.startMs)} | ${ref === undefined ? '–' : `${((ref / s.routes) * 1000).toFixed(0)} µs`} |`,
    );
  }
  out.push(
    '',
    'Reference speaker, one Service changed at N Services (manifest written + SIGHUP -> visible at the monitor; median and max of the rounds):',
    '',
    "| Services | rounds | speaker.starting -> config.applied | one Service added | its IP changed | deleted | speaker's own reload | speaker CPU per change | SIGTERM -> all gone | reloads logged | session drops | UPDATEs / bytes at start |",
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const s of r.sizes) {
    const x = s.reference;
    if (!x) continue;
    out.push(
      `| ${s.services} | ${x.add.samplesMs.length} | ${fmtMs(x.startupMs)} | ${changeCell(x.add)} | ${changeCell(x.change)} | ${changeCell(x.delete)} | ${x.ownReload ? changeCell(x.ownReload) : '–'} | ${x.cpuPerChangeMs === undefined ? '–' : fmtMs(x.cpuPerChangeMs)} | ${fmtMs(x.sigtermMs)} | ${x.reloads} | ${x.sessionDrops.length ? `${x.sessionDrops.length} (${[...new Set(x.sessionDrops)].join(', ')})` : '0'} | ${x.updates.messages} / ${x.updates.bytes} |`,
    );
  }
  out.push(
    '',
    'A withdrawal shows at the FRR monitor no sooner than its route-processing queue runs: bgpd holds that work queue 50 ms (bgpd/bgp_route.c bgp_process_queue_init, `spec.hold = 50`), so "its IP changed" and "deleted" include up to 50 ms of the monitor\'s own; "speaker\'s own reload" is the speaker\'s part (its config.applied `ms`).',
  );
  const how = new Map<string, string>();
  for (const s of r.sizes)
    for (const [k, f] of [
      ['reference', s.reference],
      ['GoBGP', s.gobgp],
      ['BIRD', s.bird],
      ['FRR', s.frr],
    ] as const)
      if (f) how.set(k, f.how);
  out.push('', 'How each implementation was fed:', ...[...how].map(([k, v]) => `- ${k}: ${v}`));
  const errors = r.sizes.flatMap((s) => s.errors.map((e) => `N=${s.services}: ${e}`));
  if (errors.length) out.push('', 'Errors:', ...errors.map((e) => `- ${e}`));
  return out.join('\n');
}

function changeCell(c: Pick<ChangeFigure, 'medianMs' | 'maxMs'>): string {
  return `${fmtMs(c.medianMs)} (max ${fmtMs(c.maxMs)})`;
}

export function costMarkdown(r: ConvergenceResult): string {
  const out = [
    'Speaker cost at convergence (the announcing daemon only, from /proc: VmHWM, utime+stime):',
    '',
    '| Services | reference RSS | reference CPU | reference CPU after the changes | gobgpd RSS | gobgpd CPU | ref / gobgpd RSS | bird RSS | bird CPU | FRR bgpd RSS | FRR bgpd CPU |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const mb = (c?: ProcCost): string => (c ? `${c.peakRssMb} MB` : '–');
  const cpu = (c?: ProcCost): string => (c ? `${c.cpuS.toFixed(2)} s` : '–');
  for (const s of r.sizes) {
    out.push(
      `| ${s.services} | ${mb(s.reference?.cost)} | ${cpu(s.reference?.cost)} | ${cpu(s.reference?.costAtEnd)} | ${mb(s.gobgp?.cost)} | ${cpu(s.gobgp?.cost)} | ${ratio(s.reference?.cost?.peakRssMb, s.gobgp?.cost?.peakRssMb)} | ${mb(s.bird?.cost)} | ${cpu(s.bird?.cost)} | ${mb(s.frr?.cost)} | ${cpu(s.frr?.cost)} |`,
    );
  }
  out.push('', "gobgpd's figure excludes the `gobgp mrt inject` client process; FRR's excludes zebra.");
  return out.join('\n');
}

export function parseBenchArgs(argv: string[]): { sizes: number[]; impls: string[]; rounds: number } {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string' },
      impls: { type: 'string' },
      full: { type: 'boolean', default: false },
      rounds: { type: 'string' },
    },
    allowPositionals: true,
    strict: false,
  });
  const sizes =
    typeof values.sizes === 'string'
      ? values.sizes.split(',').map(Number)
      : values.full
        ? [1_000, 10_000, 50_000, 100_000]
        : [1_000, 10_000];
  const impls =
    typeof values.impls === 'string' ? values.impls.split(',') : ['reference', 'gobgp', 'bird', 'frr'];
  const rounds = typeof values.rounds === 'string' ? Number(values.rounds) : 20;
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`--rounds must be a whole number >= 1, got ${values.rounds}`);
  return { sizes, impls, rounds };
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  if (process.getuid?.() !== 0) {
    process.stderr.write('bench:convergence needs root (network namespaces)\n');
    process.exit(2);
  }
  await exec('ip', ['-V']);
  const a = parseBenchArgs(process.argv.slice(2));
  const r = await convergenceBench(a.sizes, a.impls, a.rounds);
  const md = `${convergenceMarkdown(r)}\n\n${costMarkdown(r)}\n`;
  process.stdout.write(`\n${md}`);
  writeOut('convergence.json', JSON.stringify(r, null, 2) + '\n');
  writeOut('convergence.md', md);
}
