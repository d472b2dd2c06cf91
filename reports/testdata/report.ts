/** A minimal conformance report around the given scenario timings, for tests of baselines and compare. */
import type { ConformanceReport, ScenarioTiming } from '../conformance.ts';
import type { ScenarioStatus } from '../model.ts';

export const fakeTiming = (
  scenario: string,
  status: ScenarioStatus,
  durationMs = 1000,
  message?: string,
): ScenarioTiming => ({
  feature: 'F',
  scenario,
  tags: ['@bgp'],
  status,
  durationMs,
  artifacts: `features/F/${scenario}`,
  ...(message ? { message } : {}),
});

export const fakeReport = (timings: ScenarioTiming[]): ConformanceReport => ({
  apiVersion: 'lbconform.dev/v1alpha1',
  kind: 'ConformanceReport',
  implementation: { name: 'x', version: '1', adapter: 'reference', url: '', contact: '' },
  suiteVersion: '1',
  date: '2026-01-01T00:00:00.000Z',
  machine: { os: '', kernel: '', node: '', arch: '', cpus: 2 },
  tagExpression: '',
  runComplete: true,
  unfinishedTests: [],
  notStartedTests: [],
  runHookFailures: [],
  profiles: {},
  deviations: [],
  unmatchedDeviations: [],
  timings,
});
