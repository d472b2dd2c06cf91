import { type PollOptions, poll } from '../../common/poll.ts';
import { timed } from '../run/phase-clock.ts';

export type EventuallyOptions = PollOptions;

/** `poll` (common/poll.ts), its time counted in the scenario's "wait" phase (phase clock). */
export function eventually<T>(name: string, check: () => Promise<T>, opts: EventuallyOptions): Promise<T> {
  return timed('wait', () => poll(name, check, opts));
}
