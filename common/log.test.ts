import t from 'tap';
import { jsonLogger } from './log.ts';

t.test('jsonLogger writes one JSON object per line with base fields and drops lower levels', async (t) => {
  const lines: string[] = [];
  const log = jsonLogger((l) => lines.push(l), { component: 'x' }, 'info').child({ peer: 'p1' });
  log.debug('dropped');
  log.info('bgp.session.state', { to: 'Established', big: 10n });
  t.equal(lines.length, 1);
  t.ok(lines[0]!.endsWith('\n'));
  const rec = JSON.parse(lines[0]!);
  t.match(rec, {
    level: 'info',
    event: 'bgp.session.state',
    component: 'x',
    peer: 'p1',
    to: 'Established',
    big: '10',
  });
});
