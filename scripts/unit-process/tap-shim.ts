/**
 * What `import t from 'tap'` gives a test file run inside a shared unit-test process
 * (scripts/unit-process/child.ts): the file's own subtest instead of the process's one TAP root, so each
 * file's assertions, teardowns and counts stay its own. Everything else is tap's.
 */
import { t as root, type Test } from 'tap';

export * from 'tap';

let current: Test = root as unknown as Test;
// `t` too: `import { t } from 'tap'` must not reach the process's root either
export { current as default, current as t };

/** The subtest later `import t from 'tap'` bindings read (ESM exports are live). */
export function useTest(t: Test): void {
  current = t;
}
