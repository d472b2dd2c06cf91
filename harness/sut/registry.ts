import type { SystemUnderTest } from './adapter.ts';
import { commandSpeaker } from './command.ts';
import { referenceSpeaker } from './reference.ts';
import { referenceFrrSpeaker } from './reference-frr.ts';

/** Every `--sut` name: the run command checks against it, the hooks build the adapter from it. */
export const SUT_NAMES = ['reference', 'reference-frr', 'command'] as const;
export type SutName = (typeof SUT_NAMES)[number];

export function isSutName(name: string): name is SutName {
  return (SUT_NAMES as readonly string[]).includes(name);
}

/** The adapter for a `--sut` name; `command` takes its template and capabilities from `opts`. */
export function sutByName(
  name: SutName,
  opts: { start?: string; features?: string[] } = {},
): SystemUnderTest {
  switch (name) {
    case 'reference':
      return referenceSpeaker;
    case 'reference-frr':
      return referenceFrrSpeaker;
    case 'command':
      return commandSpeaker(opts.start ?? '', opts.features ?? ['bgp', 'ipv4']);
  }
}
