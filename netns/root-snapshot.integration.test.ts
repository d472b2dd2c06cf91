import t from 'tap';
import { createRun } from './runtime.ts';
import { diffSnapshots, rootSnapshot } from './root-snapshot.ts';

t.test('bringing a lab up and down leaves the root namespace exactly as it was', async (t) => {
  const before = await rootSnapshot();
  t.ok(before.links.length > 0);
  const run = await createRun({ prefix: 'lbct' });
  t.teardown(() => run.close());
  const lab = await run.up({
    segments: [{ name: 's' }],
    hosts: [
      {
        name: 'r',
        role: 'router',
        interfaces: [{ name: 'eth0', segment: 's', v4: '192.0.2.1/24', v6: '2001:db8:7::1/64' }],
      },
    ],
  });
  await lab.down();
  await run.close();
  t.same(diffSnapshots(before, await rootSnapshot()), []);
});

t.test('differences are reported', async (t) => {
  const a = { links: ['lo'], addresses: ['lo 127.0.0.1/8'], routes4: [], routes6: [], sysctls: { x: '0' } };
  const b = { ...a, addresses: [...a.addresses, 'lo 192.0.2.9/32'], sysctls: { x: '1' } };
  t.same(diffSnapshots(a, b), [
    'addresses added: lo 192.0.2.9/32',
    'sysctls changed: {"x":"0"} -> {"x":"1"}',
  ]);
});
