import t from 'tap';
import { validateTopology, type Topology } from './topology.ts';

const ok: Topology = {
  segments: [{ name: 'nodes' }],
  hosts: [
    { name: 'tor', role: 'router', interfaces: [{ name: 'eth0', segment: 'nodes', v4: '192.0.2.1/24', v6: '2001:db8::1/64' }] },
    { name: 'NodeA', role: 'node', interfaces: [{ name: 'interfaceA', segment: 'nodes', v4: '192.0.2.11/24' }] },
  ],
};

t.test('a sound topology passes', async (t) => {
  t.doesNotThrow(() => validateTopology(ok));
});

t.test('each kind of mistake is named', async (t) => {
  const cases: [string, Topology][] = [
    ['unknown segment', { ...ok, hosts: [{ name: 'x', role: 'host', interfaces: [{ name: 'eth0', segment: 'nope' }] }] }],
    ['interface names are 1-15', { ...ok, hosts: [{ name: 'x', role: 'host', interfaces: [{ name: 'averyveryverylongname', segment: 'nodes' }] }] }],
    ['used twice', { ...ok, hosts: [...ok.hosts, { name: 'y', role: 'host', interfaces: [{ name: 'eth0', segment: 'nodes', v4: '192.0.2.1/24' }] }] }],
    ['host "tor" defined twice', { ...ok, hosts: [...ok.hosts, ok.hosts[0]!] }],
    ['letters, digits', { ...ok, hosts: [{ name: 'bad name;rm', role: 'host', interfaces: [] }] }],
    ['bad MAC', { ...ok, hosts: [{ name: 'x', role: 'host', interfaces: [{ name: 'eth0', segment: 'nodes', mac: 'zz' }] }] }],
  ];
  for (const [message, topo] of cases) {
    t.throws(() => validateTopology(topo), { code: 'TOPOLOGY_INVALID', message: new RegExp(message.replace(/[()]/g, '\\$&')) }, message);
  }
});
