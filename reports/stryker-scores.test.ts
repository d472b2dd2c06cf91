import t from 'tap';
import { mutationScores, scoresTable } from './stryker-scores.ts';

const m = (status: string) => ({ status });

t.test(
  'score = detected / (detected + survived + no coverage); ignored and compile errors left out',
  async (t) => {
    const s = mutationScores('plan', {
      files: {
        'a.ts': { mutants: [m('Killed'), m('Killed'), m('Survived'), m('CompileError')] },
        'b.ts': { mutants: [m('Timeout'), m('NoCoverage'), m('Ignored')] },
      },
    });
    t.same(
      { ...s, score: Math.round(s.score) },
      {
        folder: 'plan',
        killed: 2,
        survived: 1,
        noCoverage: 1,
        timeout: 1,
        ignored: 1,
        compileErrors: 1,
        score: 60,
      },
    );
    t.equal(mutationScores('x', { files: {} }).score, 100, 'nothing to mutate is not a failure');
    t.match(scoresTable([s]), /\| plan \| 60\.0% \| 2 \| 1 \| 1 \| 1 \| 1 \| 1 \|/);
  },
);
