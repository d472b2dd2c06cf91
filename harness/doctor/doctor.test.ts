import t from 'tap';
import { join } from 'node:path';
import { checkSutStart, findExecutable } from './doctor.ts';

t.test('findExecutable: names through PATH, paths as given, nothing that is not executable', async (t) => {
  t.equal(findExecutable('sh', '/nonexistent:/bin:/usr/bin')?.endsWith('/sh'), true);
  t.equal(findExecutable('no-such-program-lbc', '/bin:/usr/bin'), undefined);
  const dir = t.testdir({ 'plain.txt': 'x' });
  t.equal(findExecutable(join(dir, 'plain.txt')), undefined, 'a file without the x bit');
  t.equal(findExecutable(dir), undefined, 'a directory');
});

t.test('the --sut-start check: program found, placeholders known, {manifests} passed', async (t) => {
  t.equal(checkSutStart('sh -c x {manifests}', '/bin:/usr/bin').verdict, 'ok');
  const missing = checkSutStart('/nope/speaker --node {node} {manifests}');
  t.equal(missing.verdict, 'FAIL');
  t.match(missing.detail, /"\/nope\/speaker" is not an executable file/);
  t.match(checkSutStart('sh {manifests} {nodes}', '/bin:/usr/bin'), { verdict: 'FAIL', detail: /\{nodes\}/ });
  t.equal(checkSutStart('sh --node {node}', '/bin:/usr/bin').verdict, 'warn');
  t.equal(checkSutStart("sh 'unterminated", '/bin').verdict, 'FAIL');
  t.equal(checkSutStart('', '/bin').verdict, 'FAIL');
});
