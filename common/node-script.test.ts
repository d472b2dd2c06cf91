import t from 'tap';
import { cliScript, nodeScriptArgs, runsCompiled } from './node-script.ts';

t.test('a .ts script goes through the tsx loader, a .js script runs as is', async (t) => {
  const ts = nodeScriptArgs('/x/cli/main.ts');
  t.equal(ts[0], '--import');
  t.match(ts[1], /tsx\/dist\/loader\.mjs$/);
  t.equal(ts[2], '/x/cli/main.ts');
  t.same(nodeScriptArgs('/x/dist/cli/main.js'), ['/x/dist/cli/main.js']);
});

t.test('from source, the CLI is cli/main.ts and the code is not compiled', async (t) => {
  t.match(cliScript, /\/cli\/main\.ts$/);
  t.equal(runsCompiled, false);
});
