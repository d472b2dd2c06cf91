import t from 'tap';
import { chainsMarkdown, workerChains } from './worker-chains.ts';

const ts = (s: number) => ({ seconds: Math.floor(s), nanos: Math.round((s % 1) * 1e9) });
const lines = (...m: object[]): string => m.map((x) => JSON.stringify(x)).join('\n');

t.test(
  'per worker: busy time, first start, last end; the tail after the first worker went idle',
  async (t) => {
    const pickle = (id: string) => ({ pickle: { id, name: `scenario ${id}` } });
    const tc = (id: string) => ({ testCase: { id: `tc${id}`, pickleId: id } });
    const run = (id: string, worker: string, from: number, to: number) => [
      {
        testCaseStarted: { id: `s${id}`, testCaseId: `tc${id}`, workerId: worker, timestamp: ts(100 + from) },
      },
      { testCaseFinished: { testCaseStartedId: `s${id}`, timestamp: ts(100 + to) } },
    ];
    const text = lines(
      pickle('a'),
      pickle('b'),
      pickle('c'),
      tc('a'),
      tc('b'),
      tc('c'),
      { testRunStarted: { timestamp: ts(100) } },
      ...run('a', '0', 1, 5),
      ...run('b', '1', 1, 3),
      ...run('c', '1', 3, 4),
      { testRunFinished: { timestamp: ts(106) } },
    );
    const c = workerChains(text)!;
    t.equal(c.runS, 6);
    t.same(
      c.workers.map((w) => [w.worker, w.scenarios, w.firstStartS, w.lastEndS, w.busyS]),
      [
        ['0', 1, 1, 5, 4],
        ['1', 2, 1, 4, 3],
      ],
    );
    t.equal(c.tailS, 1, 'worker 1 idle at 4 s, the run ends at 5 s');
    t.same(
      c.tail.map((d) => d.scenario),
      ['scenario a'],
      'the scenario that kept worker 0 busy',
    );
    t.match(chainsMarkdown(c), /\| 0 \| 1 \| 1 \| 5 \| 4 \|/);
    t.equal(workerChains(''), undefined, 'no run, no chains');
  },
);
