import t from 'tap';
import { parseIpAddr } from './node-facts.ts';

t.test('ip -j addr: interfaces with global addresses, loopback and link-local left out', async (t) => {
  const json = JSON.stringify([
    {
      ifname: 'lo',
      link_type: 'loopback',
      addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8, scope: 'host' }],
    },
    {
      ifname: 'eth0',
      link_type: 'ether',
      address: 'be:ba:48:54:0c:20',
      addr_info: [
        { family: 'inet', local: '192.0.2.11', prefixlen: 24, scope: 'global' },
        { family: 'inet6', local: '2001:db8:0:1::b', prefixlen: 64, scope: 'global' },
        { family: 'inet6', local: 'fe80::1', prefixlen: 64, scope: 'link' },
      ],
    },
    { ifname: 'eth1', link_type: 'ether' },
  ]);
  t.same(parseIpAddr(json), [
    { name: 'eth0', mac: 'be:ba:48:54:0c:20', addresses: ['192.0.2.11/24', '2001:db8:0:1::b/64'] },
    { name: 'eth1', addresses: [] },
  ]);
});

t.test('command templates get the facts: {logdir}, {ipv4}, {ipv6}', async (t) => {
  const { expandTemplate } = await import('./command.ts');
  const node = {
    name: 'NodeA',
    netns: 'ns',
    manifestDir: '/m',
    logFile: '/out/s1/speaker-NodeA.log',
    interfaces: [{ name: 'eth0', addresses: ['192.0.2.11/24', '2001:db8:0:1::b/64'] }],
  };
  t.same(expandTemplate(['x', '--log-dir', '{logdir}/frr-{node}', '--id', '{ipv4}', '{ipv6}'], node), [
    'x',
    '--log-dir',
    '/out/s1/frr-NodeA',
    '--id',
    '192.0.2.11',
    '2001:db8:0:1::b',
  ]);
  t.same(
    expandTemplate(['{ipv4}'], { ...node, interfaces: [] }),
    [''],
    'no address: empty, never a stray placeholder',
  );
});
