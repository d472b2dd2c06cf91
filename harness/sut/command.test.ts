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
