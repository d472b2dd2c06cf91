import { CodedError } from '../../common/errors.ts';
import { eventually, type EventuallyOptions } from './eventually.ts';
import { jsonSubsetDiff } from './json-subset.ts';

/** At most this many difference lines go into one failure message. */
const maxLines = 30;

/**
 * Polls `fetch` until `expected` is a JSON subset of what it returns (topotests' run_and_expect with
 * json_cmp); resolves with that document. On timeout the WAIT_TIMEOUT error names the wait and quotes
 * the last differences.
 */
export async function expectSubset<T = unknown>(
  name: string,
  fetch: () => Promise<T>,
  expected: unknown,
  opts: EventuallyOptions,
): Promise<T> {
  return eventually(
    name,
    async () => {
      const actual = await fetch();
      const diff = jsonSubsetDiff(expected, actual);
      if (diff.length > 0) {
        const shown = diff.slice(0, maxLines);
        if (diff.length > maxLines) shown.push(`... and ${diff.length - maxLines} more differences`);
        throw new CodedError('JSON_SUBSET_MISMATCH', shown.join('\n  '));
      }
      return actual;
    },
    opts,
  );
}
