import { takePhaseTimes } from '../../harness/run/phase-clock.ts';
import { After, AfterAll, Before, BeforeAll, Status, setDefaultTimeout } from '@cucumber/cucumber';
import { join } from 'node:path';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRun } from '../../netns/runtime.ts';
import { diffSnapshots, rootSnapshot, type RootSnapshot } from '../../netns/root-snapshot.ts';
import { scenarioDir } from '../../harness/artifacts/paths.ts';
import { referenceSpeaker } from '../../harness/sut/reference.ts';
import { commandSpeaker } from '../../harness/sut/command.ts';
import { referenceFrrSpeaker } from '../../harness/sut/reference-frr.ts';
import { withNodeFacts } from '../../harness/sut/node-facts.ts';
import { clearSuite, setSuite, suite } from './suite.ts';
import { dropCachedLab, releaseLab } from './lab-cache.ts';
import type { LbWorld } from './world.ts';

// Steps bound their own waits with the named timeouts; this only stops a hung step from hanging CI.
setDefaultTimeout(120_000);

const outDir = process.env.LBCONFORM_OUT ?? 'out/features';

let rootBefore: RootSnapshot | undefined;

/** Tags that name a capability; a SUT that does not list one gets NOT_SUPPORTED for the scenario. */
const capabilityTags = [
  'bgp',
  'l2',
  'ipv4',
  'ipv6',
  'dualstack',
  'ibgp',
  'ebgp',
  'md5',
  'interop',
  'session',
  // issue 16: behaviour a vendor speaker may declare separately (timers read at the router, Cease on
  // stop, thousands of routes, endpoint readiness, the gratuitous burst, membership partitions)
  'timers',
  'cease',
  'scale',
  'endpoints',
  'gratuitous',
  'partition',
];
const notSupported: { pickleId: string; scenario: string; feature: string }[] = [];

BeforeAll(async () => {
  rootBefore = await rootSnapshot();
  if (process.env.LBCONFORM_SUT !== 'command') {
    // The reference must support every capability the suite knows: a tag it lacks is a bug here.
    const missing = capabilityTags.filter((t) => !referenceSpeaker.features.includes(t));
    if (missing.length) throw new Error(`reference SUT does not declare: ${missing.join(', ')}`);
  }
  // createRun first removes what killed runs left behind (namespaces, daemons, temp dirs).
  // LBCONFORM_NETNS_PREFIX lets concurrent runs (developers, CI jobs) keep apart; checkPrefix validates it
  const run = await createRun({ prefix: process.env.LBCONFORM_NETNS_PREFIX ?? 'lbc' });
  const sut =
    process.env.LBCONFORM_SUT === 'command'
      ? commandSpeaker(
          process.env.LBCONFORM_SUT_START ?? '',
          (process.env.LBCONFORM_SUT_FEATURES ?? 'bgp,ipv4').split(',').map((f) => f.trim()),
        )
      : process.env.LBCONFORM_SUT === 'reference-frr'
        ? referenceFrrSpeaker
        : referenceSpeaker;
  setSuite({ run, sut: withNodeFacts(sut) });
});

Before(function (this: LbWorld, { pickle }) {
  const missing = pickle.tags
    .map((t) => t.name.slice(1))
    .filter((t) => capabilityTags.includes(t) && !suite().sut.features.includes(t));
  if (missing.length) {
    notSupported.push({ pickleId: pickle.id, scenario: pickle.name, feature: missing.join(',') });
    return 'skipped';
  }
  return undefined;
});

AfterAll(async () => {
  if (notSupported.length)
    writeFileSync(join(outDir, '..', 'not-supported.json'), JSON.stringify(notSupported, null, 2) + '\n');
  try {
    await dropCachedLab();
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
  this.prepareDirs(
    scenarioDir(
      outDir,
      gherkinDocument.feature?.name ?? 'feature',
      pickle.name + ' ' + pickle.id.slice(0, 6),
    ),
  );
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
  await Promise.all(
    [...this.speakers.values()].map((s) => attempt(`stop speaker ${s.node}`, () => s.stop())),
  );
  await Promise.all([...this.routers.values()].map((r) => attempt('stop router', () => r.stop())));
  // A lab whose processes all stopped cleanly is kept for the feature's next scenario.
  if (this.lab)
    await attempt('lab release', () =>
      releaseLab(this.featureName, this.topology, this.lab!, problems.length === 0 && !this.labDirty),
    );
  writeFileSync(
    join(this.scenarioDir, 'result.txt'),
    `${result?.status ?? 'UNKNOWN'}\n${problems.join('\n')}\n`,
  );
  // where the scenario's time went (bench/suite.ts adds these up)
  writeFileSync(
    join(this.scenarioDir, 'timing.json'),
    JSON.stringify({ ...takePhaseTimes(), teardown: Math.round(performance.now() - teardownStart) }) + '\n',
  );
  if (result?.status === Status.FAILED) {
    // The first thing a reader needs: where everything is, and the end of each speaker's log.
    const tails = [...this.speakers.keys()].map((node) => {
      const file = join(this.scenarioDir, `speaker-${node}.log`);
      const lines = existsSync(file)
        ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-8)
        : ['(no log)'];
      return `--- speaker ${node} (last lines of ${file})\n${lines.join('\n')}`;
    });
    this.log(`artifacts: ${this.scenarioDir}\n${tails.join('\n')}`);
  }
  if (problems.length) throw new Error(`teardown problems:\n${problems.join('\n')}`);
});
