/**
 * BFD detection benchmark (`npm run bench:bfd`): one node peering with an FRR router (bfdd, 100 ms x 3
 * on both sides, BGP hold time 3 s). Each round the switch silently stops forwarding the node's frames
 * (its bridge port disabled, no carrier change) and we time how long FRR keeps the node's route; then
 * the port forwards again and the route must come back before the next round. Prints every round, the
 * median and the max.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { referenceSpeaker } from '../harness/sut/reference.ts';
import { startFrr } from '../harness/routers/frr.ts';
import { run as exec } from '../common/exec.ts';
import { eventually } from '../harness/wait/eventually.ts';
import { peerManifest } from '../harness/scenario/manifests.ts';
import type { SpeakerHandle } from '../harness/sut/adapter.ts';
import { reportRounds, roundsArg, roundsLab } from './rounds.ts';

const rounds = roundsArg();
const interval = Number(process.argv.find((a) => a.startsWith('--interval-ms='))?.split('=')[1] ?? 100);
const ip = '203.0.113.129';
const node = 'NodeA';
const nodeAddress = '192.0.2.11';
const {
  dir,
  manifests,
  run: netns,
} = await roundsLab({
  name: 'bfd',
  document: `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: bfd, namespace: metallb-system}
spec: {addresses: [203.0.113.128/29]}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: bfd, namespace: metallb-system}
spec: {ipAddressPools: [bfd]}
---
apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata: {name: fast, namespace: metallb-system}
spec: {receiveInterval: ${interval}, transmitInterval: ${interval}, detectMultiplier: 3}
`,
  nodes: { [node]: nodeAddress },
  service: { ip, readyOn: [node] },
  extra: {
    '20-peer.yaml': peerManifest([
      { name: 'tor', myASN: 64500, peerASN: 64500, peerAddress: '192.0.2.1', bfdProfile: 'fast' },
    ]),
  },
});
let speaker: SpeakerHandle | undefined;
let router: Awaited<ReturnType<typeof startFrr>> | undefined;
try {
  const lab = await netns.up({
    segments: [{ name: 'nodes' }],
    hosts: [
      {
        name: 'tor',
        role: 'router',
        forwarding: true,
        interfaces: [{ name: 'eth0', segment: 'nodes', v4: '192.0.2.1/24' }],
      },
      { name: node, role: 'node', interfaces: [{ name: 'eth0', segment: 'nodes', v4: `${nodeAddress}/24` }] },
    ],
  });
  router = await startFrr({
    netns: lab.nsOf('tor'),
    name: 'tor',
    dir: join(dir, 'frr'),
    asn: 64500,
    routerId: '192.0.2.1',
    neighbors: [
      {
        address: nodeAddress,
        remoteAsn: 64500,
        families: ['ipv4'],
        bfd: { receiveInterval: interval, transmitInterval: interval, detectMultiplier: 3 },
      },
    ],
  });
  speaker = await referenceSpeaker.start({
    name: node,
    netns: lab.nsOf(node),
    manifestDir: manifests,
    logFile: join(dir, `speaker-${node}.log`),
  });
  const switchNs = lab.namespaces().find((n) => n.endsWith('-s-nodes'))!;
  const [link] = JSON.parse(
    (await exec('ip', ['-n', lab.nsOf(node), '-j', 'link', 'show', 'dev', 'eth0'])).stdout,
  ) as {
    link_index: number;
  }[];
  const ports = JSON.parse((await exec('ip', ['-n', switchNs, '-j', 'link', 'show'])).stdout) as {
    ifindex: number;
    ifname: string;
  }[];
  const port = ports.find((p) => p.ifindex === link!.link_index)!.ifname;
  const portState = (state: string) =>
    exec('ip', ['netns', 'exec', switchNs, 'bridge', 'link', 'set', 'dev', port, 'state', state]);
  const hasRoute = async (): Promise<boolean> => {
    const t = await router!.json<{ routes?: Record<string, unknown> }>('show bgp ipv4 unicast json');
    return Object.keys(t.routes ?? {}).includes(`${ip}/32`);
  };
  const bfdUp = async (): Promise<boolean> => {
    const peers = await router!.json<{ peer: string; status: string }[]>('show bfd peers json');
    return peers.some((p) => p.peer === nodeAddress && p.status === 'up');
  };
  const times: number[] = [];
  for (let r = 1; r <= rounds; r++) {
    await eventually(
      'route and BFD up',
      async () => {
        if (!(await hasRoute()) || !(await bfdUp())) throw new Error('not yet');
      },
      { timeoutMs: 30_000, consecutive: 3 },
    );
    const droppedAt = Date.now();
    await portState('0');
    const gone = await eventually(
      'route withdrawn',
      async () => {
        if (await hasRoute()) throw new Error('still there');
        return Date.now();
      },
      { timeoutMs: 10_000, intervalMs: 5 },
    );
    times.push(gone - droppedAt);
    process.stdout.write(`round ${r}: route withdrawn ${gone - droppedAt} ms after the drop\n`);
    await portState('3');
  }
  reportRounds(
    'bfd',
    `BFD ${interval} ms x 3 (BGP hold time 3 s)`,
    'silent drop at the switch -> route gone at FRR',
    times,
    { intervalMs: interval },
  );
} finally {
  await speaker?.stop().catch(() => {});
  await router?.stop().catch(() => {});
  await netns.close();
  rmSync(dir, { recursive: true, force: true });
}
