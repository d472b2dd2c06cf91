/**
 * L2 failover benchmark (`npm run bench:failover`): three nodes and a client on one segment; each round
 * SIGKILLs the owner's speaker and measures the time to the new owner's first gratuitous ARP seen by the
 * client, then restarts the killed speaker. Prints every round, the median and the max.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRun } from '../netns/runtime.ts';
import { referenceSpeaker } from '../harness/sut/reference.ts';
import { startCapture, sawGratuitousArp, arpProbe } from '../harness/probes/l2.ts';
import { poll } from '../common/poll.ts';
import { electedNode } from '../harness/scenario/election.ts';
import { nodesManifest, serviceManifest } from '../harness/scenario/manifests.ts';
import type { SpeakerHandle } from '../harness/sut/adapter.ts';

const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 10);
const ip = '4.4.4.1';
const nodes = ['NodeA', 'NodeB', 'NodeC'];
const dir = mkdtempSync(join(tmpdir(), 'lbc-bench-failover-'));
const manifests = join(dir, 'manifests');
mkdirSync(manifests);
writeFileSync(
  join(manifests, '00.yaml'),
  `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: l2, namespace: metallb-system}
spec: {addresses: [4.4.4.0/24], autoAssign: false}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: l2, namespace: metallb-system}
spec: {ipAddressPools: [l2]}
`,
);
writeFileSync(
  join(manifests, '10-nodes.yaml'),
  nodesManifest(nodes, {}, Object.fromEntries(nodes.map((n, i) => [n, `192.0.2.${11 + i}`]))),
);
writeFileSync(
  join(manifests, '30-svc.yaml'),
  serviceManifest({
    namespace: 'default',
    name: 'web',
    dualStack: false,
    readyOn: ['NodeA'],
    annotations: { 'metallb.io/loadBalancerIPs': ip },
  }),
);

const run = await createRun({ prefix: 'lbcb' });
const secret = 'bench-secret';
const speakers = new Map<string, SpeakerHandle>();
try {
  const lab = await run.up({
    segments: [{ name: 'nodes' }],
    hosts: [
      ...nodes.map((name, i) => ({
        name,
        role: 'node' as const,
        interfaces: [{ name: 'eth0', segment: 'nodes', v4: `192.0.2.${11 + i}/24` }],
      })),
      {
        name: 'client',
        role: 'host' as const,
        interfaces: [{ name: 'eth0', segment: 'nodes', v4: '192.0.2.201/24' }],
      },
    ],
  });
  const start = async (node: string): Promise<void> => {
    speakers.set(
      node,
      await referenceSpeaker.start({
        name: node,
        netns: lab.nsOf(node),
        manifestDir: manifests,
        logFile: join(dir, `speaker-${node}.log`),
        l2Secret: secret,
      }),
    );
  };
  const macOf = new Map<string, string>();
  for (const n of nodes) macOf.set(n, (await lab.macOf(n, 'eth0')).toLowerCase());
  await Promise.all(nodes.map(start));
  const times: number[] = [];
  for (let r = 1; r <= rounds; r++) {
    const owner = electedNode([...speakers.keys()], ip);
    await poll(
      'owner answering',
      async () => {
        const a = await arpProbe(lab.nsOf('client'), 'eth0', ip, 500);
        if (a.length !== 1 || a[0]!.toLowerCase() !== macOf.get(owner))
          throw new Error(`answers ${a.join(',')}`);
      },
      { timeoutMs: 15_000, consecutive: 2 },
    );
    const capture = await startCapture(lab.nsOf('client'), 'eth0', 'arp');
    const killedAt = Date.now();
    await speakers.get(owner)!.kill();
    speakers.delete(owner);
    const next = electedNode([...speakers.keys()], ip);
    const seen = await poll(
      'gratuitous ARP from the new owner',
      async () => {
        const g = sawGratuitousArp(capture.frames(), macOf.get(next)!, ip);
        if (!g.length) throw new Error('none yet');
        return Math.min(...g.map((f) => f.timeMs));
      },
      { timeoutMs: 15_000, intervalMs: 20 },
    );
    await capture.stop();
    times.push(seen - killedAt);
    process.stdout.write(
      `round ${r}: ${owner} killed -> ${next} gratuitous ARP after ${seen - killedAt} ms\n`,
    );
    await start(owner);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  process.stdout.write(
    `\n| L2 failover (membership interval 200 ms, dead after 1000 ms) | median | max | rounds |\n|---|---:|---:|---:|\n| owner SIGKILL -> first gratuitous ARP at the client | ${median} ms | ${sorted.at(-1)} ms | ${times.length} |\n`,
  );
  mkdirSync('out/bench', { recursive: true });
  writeFileSync(
    'out/bench/failover.json',
    JSON.stringify(
      { rounds: times.length, medianMs: median, maxMs: sorted.at(-1), samplesMs: times },
      null,
      2,
    ) + '\n',
  );
} finally {
  await Promise.allSettled([...speakers.values()].map((s) => s.stop()));
  await run.close();
  rmSync(dir, { recursive: true, force: true });
}
