/**
 * Convergence benchmark (`npm run bench:convergence [-- --sizes 1000,10000]`): one node namespace and an
 * FRR monitor router on one segment. For each size N (Service IPs from 198.18.0.0/15, the benchmarking
 * range, each a /32, plus one shared aggregate) it measures, with the reference speaker and then with
 * BIRD and FRR announcing the same N+1 prefixes from the same namespace: start -> all prefixes at the
 * monitor, and for the reference also SIGTERM -> all gone, peak RSS and CPU seconds. Prints a Markdown
 * table with the reference's time as a ratio to each; writes out/bench/convergence.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { createRun } from '../netns/runtime.ts';
import { startFrr, type FrrRouter } from '../harness/routers/frr.ts';
import { startBird } from '../harness/routers/bird.ts';
import { referenceSpeaker } from '../harness/sut/reference.ts';
import { nodesManifest, peerManifest } from '../features/support/manifests.ts';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000,10000' } } });
const sizes = values.sizes!.split(',').map(Number);
const NODE = '192.0.2.11';
const MON = '192.0.2.1';

const ipOf = (i: number): string => `198.18.${(i >> 8) & 255}.${i & 255}`;

function manifests(dir: string, n: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '00.yaml'), `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: bench, namespace: metallb-system}
spec: {addresses: [198.18.0.0/16]}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: host, namespace: metallb-system}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: aggregate, namespace: metallb-system}
spec: {aggregationLength: 16, communities: ["8000:800"]}
`);
  writeFileSync(join(dir, '10-nodes.yaml'), nodesManifest(['NodeA']));
  writeFileSync(join(dir, '20-peer.yaml'), peerManifest([{ name: 'mon', myASN: 64500, peerASN: 64512, peerAddress: MON }]));
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: s${i}, namespace: bench, annotations: {metallb.io/loadBalancerIPs: "${ipOf(i + 1)}"}}\nspec: {type: LoadBalancer, ports: [{port: 80, protocol: TCP}]}\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s${i}, namespace: bench, labels: {kubernetes.io/service-name: s${i}}}\naddressType: IPv4\nendpoints: [{addresses: [10.0.0.1], nodeName: NodeA, conditions: {ready: true}}]\n`);
  }
  writeFileSync(join(dir, '30-services.yaml'), docs.join('---\n'));
}

async function prefixesAt(mon: FrrRouter): Promise<number> {
  const s = await mon.json<{ ipv4Unicast?: { peers?: Record<string, { pfxRcd?: number; state?: string }> } }>('show bgp summary json');
  return s.ipv4Unicast?.peers?.[NODE]?.pfxRcd ?? 0;
}

async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await delay(20);
  }
}

function procCost(pid: number): { rssMb: number; cpuS: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { rssMb: Math.round(hwm / 1024), cpuS: (Number(f[11]) + Number(f[12])) / 100 };
}

const results: Record<string, unknown>[] = [];
const run = await createRun({ prefix: 'lbcb' });
const work = mkdtempSync(join(tmpdir(), 'lbc-bench-conv-'));
try {
  const lab = await run.up({
    segments: [{ name: 'nodes' }],
    hosts: [
      { name: 'mon', role: 'router', interfaces: [{ name: 'eth0', segment: 'nodes', v4: `${MON}/24` }] },
      { name: 'NodeA', role: 'node', interfaces: [{ name: 'eth0', segment: 'nodes', v4: `${NODE}/24` }] },
    ],
  });
  const mon = await startFrr({ netns: lab.nsOf('mon'), name: 'mon', dir: join(run.tempDir, 'mon'), asn: 64512, routerId: MON, neighbors: [{ address: NODE, remoteAsn: 64500, families: ['ipv4'] }] });
  for (const n of sizes) {
    const want = n + 1;
    const row: Record<string, unknown> = { routes: want };
    // Reference speaker.
    const dir = join(work, `m${n}`);
    manifests(dir, n);
    let t0 = Date.now();
    const sp = await referenceSpeaker.start({ name: 'NodeA', netns: lab.nsOf('NodeA'), manifestDir: dir, logFile: join(work, `speaker-${n}.log`) });
    await waitFor(`reference: ${want} prefixes`, async () => (await prefixesAt(mon)) >= want);
    row.referenceMs = Date.now() - t0;
    Object.assign(row, Object.fromEntries(Object.entries(procCost(sp.pid)).map(([k, v]) => [`reference_${k}`, v])));
    t0 = Date.now();
    await sp.stop();
    await waitFor('reference: withdrawn', async () => (await prefixesAt(mon)) === 0);
    row.referenceWithdrawMs = Date.now() - t0;
    process.stdout.write(`N=${want}: reference ${row.referenceMs} ms (withdraw on SIGTERM ${row.referenceWithdrawMs} ms)\n`);

    // BIRD with the same prefixes as static routes exported over BGP.
    const birdDir = join(run.tempDir, `bird${n}`);
    mkdirSync(birdDir, { recursive: true });
    const statics = Array.from({ length: n }, (_, i) => `  route ${ipOf(i + 1)}/32 blackhole;`).concat(['  route 198.18.0.0/16 blackhole;']).join('\n');
    writeFileSync(join(birdDir, 'extra.conf'), `protocol static bench { ipv4; \n${statics}\n}\n`);
    t0 = Date.now();
    const bird = await startBird({ netns: lab.nsOf('NodeA'), name: 'bird', dir: birdDir, asn: 64500, routerId: NODE, neighbors: [{ address: MON, remoteAsn: 64512, families: ['ipv4'] }], includeFile: join(birdDir, 'extra.conf'), exportAll: true });
    await waitFor(`bird: ${want} prefixes`, async () => (await prefixesAt(mon)) >= want);
    row.birdMs = Date.now() - t0;
    await bird.stop();
    await waitFor('bird: withdrawn', async () => (await prefixesAt(mon)) === 0);
    process.stdout.write(`N=${want}: bird ${row.birdMs} ms\n`);

    // FRR as the speaker: network statements.
    t0 = Date.now();
    const frr = await startFrr({ netns: lab.nsOf('NodeA'), name: 'frrspk', dir: join(run.tempDir, `frr${n}`), asn: 64500, routerId: NODE, neighbors: [{ address: MON, remoteAsn: 64512, families: ['ipv4'] }],
      extraConfig: ['address-family ipv4 unicast', ...Array.from({ length: n }, (_, i) => `network ${ipOf(i + 1)}/32`), 'network 198.18.0.0/16', 'exit-address-family'] });
    await waitFor(`frr: ${want} prefixes`, async () => (await prefixesAt(mon)) >= want);
    row.frrMs = Date.now() - t0;
    await frr.stop();
    await waitFor('frr: withdrawn', async () => (await prefixesAt(mon)) === 0);
    process.stdout.write(`N=${want}: frr ${row.frrMs} ms\n`);
    results.push(row);
  }
  await mon.stop();
} finally {
  await run.close();
  rmSync(work, { recursive: true, force: true });
}
const md = ['| routes | reference | BIRD | FRR | ref/BIRD | ref/FRR | ref withdraw (SIGTERM) | ref peak RSS | ref CPU |', '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...results.map((r) => `| ${r.routes} | ${r.referenceMs} ms | ${r.birdMs} ms | ${r.frrMs} ms | ${(Number(r.referenceMs) / Number(r.birdMs)).toFixed(2)} | ${(Number(r.referenceMs) / Number(r.frrMs)).toFixed(2)} | ${r.referenceWithdrawMs} ms | ${r.reference_rssMb} MB | ${r.reference_cpuS} s |`)].join('\n');
process.stdout.write(`\n${md}\n`);
mkdirSync('out/bench', { recursive: true });
writeFileSync('out/bench/convergence.json', JSON.stringify(results, null, 2) + '\n');
writeFileSync('out/bench/convergence.md', md + '\n');
