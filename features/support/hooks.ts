import { takePhaseTimes } from '../../harness/run/phase-clock.ts';
import { l2AtOnce, workerPrefix } from '../../harness/run/shard.ts';
import {
  After,
  AfterAll,
  Before,
  BeforeAll,
  Status,
  setDefaultTimeout,
  setParallelCanAssign,
} from '@cucumber/cucumber';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { createRun } from '../../netns/runtime.ts';
import { diffSnapshots, rootSnapshot, type RootSnapshot } from '../../netns/root-snapshot.ts';
import { RUN_FILES, scenarioDir } from '../../common/run-folder.ts';
import { referenceSpeaker } from '../../harness/sut/reference.ts';
import { DEFAULT_COMMAND_CAPABILITIES } from '../../harness/sut/command.ts';
import { SUT_NAMES, isSutName, sutByName } from '../../harness/sut/registry.ts';
import { withNodeFacts } from '../../harness/sut/node-facts.ts';
import { capabilityNames, missingCapabilities, parseCapabilities } from '../../common/capabilities.ts';
import { clearSuite, setSuite, suite } from './suite.ts';
import { dropCachedLabs, releaseLab } from './lab-cache.ts';
import { stopProbeServers } from '../../harness/probes/l2.ts';
import type { LbWorld } from './world.ts';

// Steps bound their own waits with the named timeouts; this only stops a hung step from hanging CI.
setDefaultTimeout(120_000);

// In a parallel run, at most two layer 2 scenarios at a time (LBCONFORM_L2_AT_ONCE: another number, to
// try on a quieter or bigger machine): their membership (heartbeats every 200 ms,
// dead after 1 s) and ARP/NDP probes are the most sensitive to a CPU shared by many speakers.
const L2_AT_ONCE = l2AtOnce(process.env.LBCONFORM_L2_AT_ONCE);
const isL2 = (p: { tags: readonly { name: string }[] }): boolean => p.tags.some((t) => t.name === '@l2');
setParallelCanAssign((pickle, running) => !isL2(pickle) || running.filter(isL2).length < L2_AT_ONCE);

const outDir = process.env.LBCONFORM_OUT ?? 'out/features';

let rootBefore: RootSnapshot | undefined;

const notSupported: { pickleId: string; scenario: string; feature: string }[] = [];

BeforeAll(async () => {
  rootBefore = await rootSnapshot();
  if (process.env.LBCONFORM_SUT !== 'command') {
    // The reference must support every capability the suite knows: a tag it lacks is a bug here.
    const missing = capabilityNames.filter((t) => !referenceSpeaker.features.includes(t));
    if (missing.length) throw new Error(`reference SUT does not declare: ${missing.join(', ')}`);
  }
  // createRun first removes what killed runs left behind (namespaces, daemons, temp dirs).
  // LBCONFORM_NETNS_PREFIX lets concurrent runs (developers, CI jobs) keep apart; checkPrefix validates it
  // Parallel workers (CUCUMBER_WORKER_ID) each get their own prefix: the prefix plus the worker number.
  const run = await createRun({
    prefix: workerPrefix(process.env.LBCONFORM_NETNS_PREFIX ?? 'lbc', process.env.CUCUMBER_WORKER_ID),
  });
  const name = process.env.LBCONFORM_SUT ?? 'reference';
  if (!isSutName(name))
    throw new Error(`unknown LBCONFORM_SUT "${name}"; available: ${SUT_NAMES.join(', ')}`);
  const sut = sutByName(name, {
    start: process.env.LBCONFORM_SUT_START ?? '',
    features: parseCapabilities(process.env.LBCONFORM_SUT_FEATURES ?? DEFAULT_COMMAND_CAPABILITIES),
  });
  setSuite({ run, sut: withNodeFacts(sut) });
});

Before(function (this: LbWorld, { pickle }) {
  const missing = missingCapabilities(
    pickle.tags.map((t) => t.name),
    suite().sut.features,
  );
  if (missing.length) {
    notSupported.push({ pickleId: pickle.id, scenario: pickle.name, feature: missing.join(',') });
    return 'skipped';
  }
  return undefined;
});

AfterAll(async () => {
  // Parallel workers write one file each; lbconform run joins them into not-supported.json.
  const worker = process.env.CUCUMBER_WORKER_ID;
  if (notSupported.length)
    writeFileSync(
      join(outDir, '..', worker ? `not-supported-w${worker}.json` : RUN_FILES.notSupported),
      JSON.stringify(notSupported, null, 2) + '\n',
    );
  try {
    await dropCachedLabs();
    await suite().run.close();
  } finally {
    clearSuite();
  }
  // The suite may only ever touch namespaces it created: prove the root namespace is as it was.
  const changes = rootBefore ? diffSnapshots(rootBefore, await rootSnapshot()) : [];
  if (changes.length)
    throw new Error(`the root namespace changed during the run:\n  ${changes.join('\n  ')}`);
});

Before(async function (this: LbWorld, { pickle, gherkinDocument }) {
  takePhaseTimes(); // a scenario's phases start at zero
  this.prepareDirs(scenarioDir(outDir, gherkinDocument.feature?.name ?? 'feature', pickle.name, pickle.id));
  this.sut = suite().sut;
  this.featureName = gherkinDocument.uri ?? '';
});

/** Artifacts first (so a failure can be read from them), then teardown, whatever happened. */
After(async function (this: LbWorld, { result }) {
  if (!this.scenarioDir) return; // skipped before it started (NOT_SUPPORTED)
  const teardownStart = performance.now();
  const problems: string[] = [];
  const attempt = async (what: string, fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      problems.push(`${what}: ${(err as Error).message}`);
    }
  };
  for (const [name, router] of this.routers) {
    await attempt(`dump ${name}`, () => router.dumpArtifacts(join(this.scenarioDir, 'routers', name)));
  }
  if (this.capture) await attempt('stop capture', () => this.capture!.stop());
  await Promise.all(
    this.extraProcesses.map((p) => attempt('stop helper process', () => p.stop('SIGTERM', 2000))),
  );
  problems.push(...(await this.driver.stopAll()));
  await attempt('stop probe processes', () => stopProbeServers());
  // A lab whose processes all stopped cleanly is kept, with its FRR routers recycled, for the next
  // scenario of this worker on the same topology (features/support/lab-cache.ts).
  const notes: string[] = [];
  const routers = [...this.routers.values()];
  if (this.lab) {
    const reusable = problems.length === 0 && !this.labDirty;
    await attempt('lab release', async () =>
      notes.push(...(await releaseLab(this.topology, this.lab!, routers, reusable))),
    );
  } else await Promise.all(routers.map((r) => attempt('stop router', () => r.stop())));
  writeFileSync(
    join(this.scenarioDir, 'result.txt'),
    `${result?.status ?? 'UNKNOWN'}\n${[...problems, ...notes].join('\n')}\n`,
  );
  // where the scenario's time went (bench/suite.ts adds these up)
  writeFileSync(
    join(this.scenarioDir, 'timing.json'),
    JSON.stringify({
      ...takePhaseTimes(),
      teardown: Math.round(performance.now() - teardownStart),
      // which labs could be shared: scenarios with the same topology key
      topology: createHash('sha256').update(JSON.stringify(this.topology)).digest('hex').slice(0, 8),
      labReused: this.reuse.lab,
      routersRecycled: this.reuse.routers,
    }) + '\n',
  );
  if (result?.status === Status.FAILED) {
    // The first thing a reader needs: where everything is, and the end of each speaker's output.
    this.log(`artifacts: ${this.scenarioDir}\n${this.driver.tails()}`);
  }
  if (problems.length) throw new Error(`teardown problems:\n${problems.join('\n')}`);
});
