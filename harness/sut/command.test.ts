import t from 'tap';
import { expandTemplate, splitTemplate } from './command.ts';

t.test('templates split like a shell would, without a shell', async (t) => {
  t.same(splitTemplate(`my-speaker --node {node} --config '{manifests}' --name "a b"`), [
    'my-speaker',
    '--node',
    '{node}',
    '--config',
    '{manifests}',
    '--name',
    'a b',
  ]);
  t.throws(() => splitTemplate('x "unterminated'), { code: 'SUT_TEMPLATE_INVALID' });
  t.throws(() => splitTemplate('   '), { code: 'SUT_TEMPLATE_INVALID' });
});

t.test('placeholders become whole arguments: hostile values stay data', async (t) => {
  const argv = expandTemplate(['s', '--node', '{node}', '{manifests}'], {
    name: 'a; rm -rf /',
    netns: 'ns',
    manifestDir: '/tmp/m $(x)',
    logFile: '',
  });
  t.same(argv, ['s', '--node', 'a; rm -rf /', '/tmp/m $(x)']);
});

t.test('the program of --sut-start must exist and be executable, before anything runs', async (t) => {
  const { resolveStartProgram } = await import('./command.ts');
  t.equal(resolveStartProgram('sh -c x', '/', '/usr/bin:/bin').endsWith('/sh'), true, 'found on PATH');
  t.equal(resolveStartProgram('bin/lbconform run', process.cwd()), `${process.cwd()}/bin/lbconform`);
  t.throws(() => resolveStartProgram('no-such-speaker-xyz --node {node}', '/', '/usr/bin'), {
    code: 'SUT_START_NOT_FOUND',
  });
  t.throws(() => resolveStartProgram('./nope/speaker {node}', '/tmp'), { code: 'SUT_START_NOT_FOUND' });
  t.throws(() => resolveStartProgram('/etc/passwd'), { code: 'SUT_START_NOT_FOUND' }, 'not executable');
  t.throws(() => resolveStartProgram('/usr/bin'), { code: 'SUT_START_NOT_FOUND' }, 'a folder');
  t.throws(() => resolveStartProgram('{node}'), { code: 'SUT_TEMPLATE_INVALID' });
});
