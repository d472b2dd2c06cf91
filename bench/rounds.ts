/**
 * What the round benchmarks (bench/bfd.ts, bench/failover.ts) share: `--rounds=N`, a temporary folder
 * with their manifests (the pool document, the Nodes, one Service at a fixed IP, any extra file), the
 * namespace run, and the closing report (median and max over the rounds, printed and written to
 * out/bench/NAME.json).
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodesManifest, serviceManifest } from '../harness/scenario/manifests.ts';
import { createRun, type Run } from '../netns/runtime.ts';
import { writeOut } from './lib.ts';

/** `--rounds=N` from the command line (default 10). */
export function roundsArg(): number {
  return Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 10);
}

export interface RoundsSetup {
  /** Names the temporary folder (lbc-bench-NAME-XXXXXX). */
  name: string;
  /** 00.yaml: the pools and advertisements (and whatever else the benchmark documents). */
  document: string;
  /** Node name -> its InternalIP (10-nodes.yaml). */
  nodes: Record<string, string>;
  /** The one Service's IP (metallb.io/loadBalancerIPs) and the nodes with a ready endpoint. */
  service: { ip: string; readyOn: string[] };
  /** More manifest files by name (20-peer.yaml). */
  extra?: Record<string, string>;
}

export interface RoundsLab {
  dir: string;
  manifests: string;
  /** Our namespace run (prefix LBCONFORM_NETNS_PREFIX, else lbcb); close() it at the end. */
  run: Run;
}

export async function roundsLab(o: RoundsSetup): Promise<RoundsLab> {
  const dir = mkdtempSync(join(tmpdir(), `lbc-bench-${o.name}-`));
  // FRR's daemons run as user frr and must reach their instance folders inside this one
  chmodSync(dir, 0o755);
  const manifests = join(dir, 'manifests');
  mkdirSync(manifests);
  writeFileSync(join(manifests, '00.yaml'), o.document);
  writeFileSync(join(manifests, '10-nodes.yaml'), nodesManifest(Object.keys(o.nodes), {}, o.nodes));
  for (const [file, text] of Object.entries(o.extra ?? {})) writeFileSync(join(manifests, file), text);
  writeFileSync(
    join(manifests, '30-svc.yaml'),
    serviceManifest({
      namespace: 'default',
      name: 'web',
      dualStack: false,
      readyOn: o.service.readyOn,
      annotations: { 'metallb.io/loadBalancerIPs': o.service.ip },
    }),
  );
  const run = await createRun({ prefix: process.env.LBCONFORM_NETNS_PREFIX ?? 'lbcb' });
  return { dir, manifests, run };
}

/** Prints the median/max table row and writes out/bench/NAME.json (`extra` fields first). */
export function reportRounds(
  name: string,
  heading: string,
  measured: string,
  times: number[],
  extra: Record<string, unknown> = {},
): void {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  process.stdout.write(
    `\n| ${heading} | median | max | rounds |\n|---|---:|---:|---:|\n| ${measured} | ${median} ms | ${sorted.at(-1)} ms | ${times.length} |\n`,
  );
  writeOut(
    `${name}.json`,
    `${JSON.stringify(
      { ...extra, rounds: times.length, medianMs: median, maxMs: sorted.at(-1), samplesMs: times },
      null,
      2,
    )}\n`,
  );
}
