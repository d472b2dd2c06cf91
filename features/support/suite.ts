import type { Run } from '../../netns/runtime.ts';
import type { SystemUnderTest } from '../../harness/sut/adapter.ts';

/** Process-wide state of one cucumber run: the namespace run (one owner pid file) and the SUT. */
interface SuiteState {
  run: Run;
  sut: SystemUnderTest;
}

let state: SuiteState | undefined;

export function setSuite(s: SuiteState): void {
  state = s;
}

export function suite(): SuiteState {
  if (!state) throw new Error('suite state used before BeforeAll created it');
  return state;
}

export function clearSuite(): void {
  state = undefined;
}
