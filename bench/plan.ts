/**
 * `npm run bench:plan`: time and peak memory to compute (not print) the plan for 1k / 10k / 100k
 * Services (4 BGPAdvertisements, 10 nodes, 2 peers), and the cost of adding / removing one Service at
 * 10k through the incremental PlanBuilder. Each size runs in its own process so peak RSS is its own.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Allocator, allocate } from '../reference/allocate/allocate.ts';
import { parseCidr, type Cidr } from '../reference/model/ip.ts';
import type { BGPAdvertisement, ClusterConfig, EndpointSlice, Service } from '../reference/model/types.ts';
import { PlanBuilder } from '../reference/plan/builder.ts';
import { PlanContext } from '../reference/plan/context.ts';
import { computePlan } from '../reference/plan/plan.ts';

const src = { file: 'bench', line: 1 };
const sel = (labels: Record<string, string>) => [{ matchLabels: labels, matchExpressions: [] }];

function advertisement(name: string, o: Partial<BGPAdvertisement>): BGPAdvertisement {
  return {
    name,
    aggregationLength: 32,
    aggregationLengthV6: 128,
    communities: [],
    largeCommunities: [],
    ipAddressPools: [],
    ipAddressPoolSelectors: [],
    nodeSelectors: [],
    peers: [],
    serviceSelectors: [],
    src,
    ...o,
  };
}

function service(i: number): { svc: Service; slice: EndpointSlice } {
  const key = `bench/svc-${String(i).padStart(6, '0')}`;
  const local = i % 10 === 3;
  const svc: Service = {
    namespace: 'bench',
    name: key.slice(6),
    key,
    type: 'LoadBalancer',
    labels: {},
    annotations: {},
    ipFamilyPolicy: i % 10 === 7 ? 'PreferDualStack' : 'SingleStack',
    ipFamilies: [],
    externalTrafficPolicy: local ? 'Local' : 'Cluster',
    ports: [{ protocol: 'TCP', port: 80 }],
    selector: {},
    statusIPs: [],
    src,
  };
  const nodes = [`node${i % 10}`, `node${(i + 5) % 10}`];
  const slice: EndpointSlice = {
    namespace: 'bench',
    name: `${svc.name}-1`,
    serviceKey: key,
    src,
    endpoints: nodes.map((nodeName, j) => ({ addresses: [`198.51.100.${j + 1}`], nodeName, ready: true })),
  };
  return { svc, slice };
}

export function benchConfig(n: number): ClusterConfig {
  const cidrs = ['198.18.0.0/15', '2001:db8:1::/64'].map((c): Cidr => {
    const r = parseCidr(c);
    if (!r.ok) throw new Error(r.reason);
    return r.value;
  });
  const services = Array.from({ length: n }, (_, i) => service(i));
  return {
    namespace: 'metallb-system',
    pools: [
      {
        name: 'bench',
        labels: {},
        entries: cidrs.map((c) => ({ text: 'x', family: c.family, cidrs: [c] })),
        cidrs,
        autoAssign: true,
        avoidBuggyIPs: false,
        src,
      },
    ],
    bgpAdvertisements: [
      advertisement('host', { communities: ['65535:65282'], localPref: 100 }),
      advertisement('agg24', {
        aggregationLength: 24,
        aggregationLengthV6: 120,
        communities: ['8000:800'],
        peers: ['tor-a'],
      }),
      advertisement('rack1', { largeCommunities: ['1:2:3'], nodeSelectors: sel({ rack: 'r1' }) }),
      advertisement('agg20', { aggregationLength: 20, aggregationLengthV6: 112, peers: ['tor-b'] }),
    ],
    l2Advertisements: [],
    peers: [
      {
        name: 'tor-a',
        myASN: 64500,
        peerASN: 64500,
        peerAddress: '192.0.2.1',
        peerPort: 179,
        holdTime: 90,
        keepaliveTime: 30,
        nodeSelectors: sel({ rack: 'r1' }),
        ebgpMultiHop: false,
        // one session carries both families, so the 10% dual-stack Services give IPv6 rows too
        dualStackAddressFamily: true,
        src,
      },
      {
        name: 'tor-b',
        myASN: 64500,
        peerASN: 64501,
        peerAddress: '192.0.2.2',
        peerPort: 179,
        holdTime: 90,
        keepaliveTime: 30,
        nodeSelectors: sel({ rack: 'r2' }),
        ebgpMultiHop: false,
        // one session carries both families, so the 10% dual-stack Services give IPv6 rows too
        dualStackAddressFamily: true,
        src,
      },
    ],
    communityAliases: new Map(),
    nodes: Array.from({ length: 10 }, (_, i) => ({
      name: `node${i}`,
      labels: { 'kubernetes.io/hostname': `node${i}`, rack: i < 5 ? 'r1' : 'r2' },
      addresses: [],
      internalIPs: [],
      networkUnavailable: false,
      src,
    })),
    services: services.map((s) => s.svc),
    endpointSlices: services.map((s) => s.slice),
    warnings: [],
    namespaces: [],
    speaker: { ignoreExcludeLB: false },
  };
}

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

interface Result {
  services: number;
  allocateMs: number;
  planMs: number;
  rows: number;
  peakRssMb: number;
  heapMb: number;
  addMs?: { p50: number; p99: number };
  removeMs?: { p50: number; p99: number };
}

function child(n: number): Result {
  const config = benchConfig(n);
  const baseRss = process.resourceUsage().maxRSS;
  let t0 = process.hrtime.bigint();
  const { allocations, errors } = allocate(config);
  const allocateMs = ms(t0);
  if (errors.length > 0) throw new Error(`allocation failed: ${errors[0]!.message}`);
  t0 = process.hrtime.bigint();
  const plan = computePlan(config, allocations);
  const planMs = ms(t0);
  const res: Result = {
    services: n,
    allocateMs,
    planMs,
    rows: plan.bgp.length,
    peakRssMb: Math.max(baseRss, process.resourceUsage().maxRSS) / 1024,
    heapMb: process.memoryUsage().heapUsed / 2 ** 20,
  };
  if (n === 10_000) {
    // Incremental: a running speaker keeps the allocator and builder and applies one Service at a time.
    const allocator = new Allocator(config.pools);
    const builder = new PlanBuilder(new PlanContext(config));
    const ctxReady = new PlanContext(config);
    for (const s of [...config.services].sort((a, b) => (a.key < b.key ? -1 : 1))) {
      const r = allocator.assign(s);
      if (r.ok) builder.addService(s, r.allocation, ctxReady.readinessOf(s.key));
    }
    const add: number[] = [];
    const remove: number[] = [];
    for (let k = 0; k < 300; k++) {
      const { svc } = service(n + k);
      const ready = { anyReady: true, readyNodes: new Set([`node${k % 10}`]) };
      let t1 = process.hrtime.bigint();
      const r = allocator.assign(svc);
      if (!r.ok) throw new Error(r.error.message);
      builder.addService(svc, r.allocation, ready);
      add.push(ms(t1));
      t1 = process.hrtime.bigint();
      builder.removeService(svc.key);
      allocator.release(svc.key);
      remove.push(ms(t1));
    }
    res.addMs = { p50: quantile(add, 0.5), p99: quantile(add, 0.99) };
    res.removeMs = { p50: quantile(remove, 0.5), p99: quantile(remove, 0.99) };
  }
  return res;
}

const argv = process.argv.slice(2);
const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (!isMain) {
  // Imported (e.g. by a profiler script): only export benchConfig.
} else if (argv[0] === '--child') {
  process.stdout.write(JSON.stringify(child(Number(argv[1]))) + '\n');
} else {
  const sizes = argv.length > 0 ? argv.map(Number) : [1_000, 10_000, 100_000];
  const self = fileURLToPath(import.meta.url);
  const results: Result[] = sizes.map(
    (n) =>
      JSON.parse(
        execFileSync(process.execPath, [...process.execArgv, self, '--child', String(n)], {
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        }),
      ) as Result,
  );
  const f = (x: number): string => x.toFixed(x < 10 ? 2 : 0);
  const out: string[] = [
    '| Services | allocate (ms) | plan (ms) | BGP rows | peak RSS (MB) | heap after (MB) |',
    '|---:|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.services} | ${f(r.allocateMs)} | ${f(r.planMs)} | ${r.rows} | ${f(r.peakRssMb)} | ${f(r.heapMb)} |`,
    ),
  ];
  const at10k = results.find((r) => r.addMs);
  if (at10k) {
    out.push('', '| one-Service update at 10k | p50 (ms) | p99 (ms) |', '|---|---:|---:|');
    out.push(
      `| add (allocate + plan rows) | ${at10k.addMs!.p50.toFixed(3)} | ${at10k.addMs!.p99.toFixed(3)} |`,
    );
    out.push(
      `| remove (plan rows + release) | ${at10k.removeMs!.p50.toFixed(3)} | ${at10k.removeMs!.p99.toFixed(3)} |`,
    );
  }
  out.push(
    '',
    `node ${process.version}, ${process.platform}/${process.arch}; 4 BGPAdvertisements, 10 nodes, 2 peers; plan = computePlan() (context, de-dup index, sorted rows), not printed.`,
  );
  process.stdout.write(out.join('\n') + '\n');
}
