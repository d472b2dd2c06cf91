/**
 * L2 failover benchmark (`npm run bench:failover`): three nodes and a client on one segment; each round
 * SIGKILLs the owner's speaker and measures the time to the new owner's first gratuitous ARP seen by the
 * client, then restarts the killed speaker. Prints every round, the median and the max.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { referenceSpeaker } from '../harness/sut/reference.ts';
import { startCapture, sawGratuitousArp, arpProbe } from '../harness/probes/l2.ts';
import { poll } from '../common/poll.ts';
import { electedNode } from '../harness/scenario/election.ts';
import type { SpeakerHandle } from '../harness/sut/adapter.ts';
import { reportRounds, roundsArg, roundsLab } from './rounds.ts';

const rounds = roundsArg();
const ip = '4.4.4.1';
const nodes = ['NodeA', 'NodeB', 'NodeC'];
const { dir, manifests, run } = await roundsLab({
  name: 'failover',
  document: `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: l2, namespace: metallb-system}
spec: {addresses: [4.4.4.0/24], autoAssign: false}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: l2, namespace: metallb-system}
spec: {ipAddressPools: [l2]}
`,
  nodes: Object.fromEntries(nodes.map((n, i) => [n, `192.0.2.${11 + i}`])),
  service: { ip, readyOn: ['NodeA'] },
});
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
  reportRounds(
    'failover',
    'L2 failover (membership interval 200 ms, dead after 1000 ms)',
    'owner SIGKILL -> first gratuitous ARP at the client',
    times,
  );
} finally {
  await Promise.allSettled([...speakers.values()].map((s) => s.stop()));
  await run.close();
  rmSync(dir, { recursive: true, force: true });
}
