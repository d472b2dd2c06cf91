import t from 'tap';
import { processKind } from './suite.ts';

t.test('processes are sorted into the kinds the suite benchmark reports', async (t) => {
  t.equal(processKind('bgpd', ' /usr/lib/frr/bgpd -u frr '), 'FRR daemons (routers, frr-speaker)');
  t.equal(processKind('node', ' node /r/dist/cli/main.js speaker --node NodeA /m '), 'speaker (node)');
  t.equal(
    processKind('node', ' node /r/dist/cli/main.js frr-speaker --node NodeA /m '),
    'frr-speaker (node)',
  );
  t.equal(
    processKind('node', ' node /r/node_modules/@cucumber/cucumber/lib/runtime/parallel/run_worker.js '),
    'cucumber workers (steps, polls)',
  );
  t.equal(
    processKind('node', ' node --enable-source-maps /r/dist/cli/main.js run --out x '),
    'lbconform run (cucumber, reports)',
  );
  t.equal(processKind('node', ' node /r/harness/probes/l2-probe-cli.js arp eth0 '), 'probes (node)');
  t.equal(processKind('vtysh', ' vtysh -c x '), 'vtysh');
  t.equal(processKind('bash', ' bash '), undefined, 'not ours');
});
