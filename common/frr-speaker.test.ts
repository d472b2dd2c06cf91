import t from 'tap';
import type { Logger } from './log.ts';
import { serialReload } from './frr-speaker.ts';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

t.test('serialReload: never two at once; a burst while one runs is one more run', async (t) => {
  let running = 0;
  let most = 0;
  let runs = 0;
  let release: () => void = () => {};
  const { reload, idle } = serialReload(async () => {
    runs++;
    running++;
    most = Math.max(most, running);
    await new Promise<void>((r) => (release = r));
    running--;
  }, quiet);
  reload();
  await new Promise((r) => setImmediate(r));
  t.equal(runs, 1, 'the first request runs');
  reload();
  reload();
  reload();
  release();
  await new Promise((r) => setImmediate(r));
  t.equal(runs, 2, 'three requests during a run are one more run');
  release();
  await idle();
  t.equal(runs, 2);
  t.equal(most, 1, 'never two at once');
});

t.test('serialReload: a failing reload is logged and the next still runs', async (t) => {
  const errors: string[] = [];
  const log: Logger = { ...quiet, error: (e) => void errors.push(e), child: () => log };
  let n = 0;
  const { reload, idle } = serialReload(async () => {
    n++;
    if (n === 1) throw new Error('boom');
  }, log);
  reload();
  await idle();
  reload();
  await idle();
  t.equal(n, 2);
  t.same(errors, ['reload.failed']);
});
