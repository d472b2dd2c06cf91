import t from 'tap';
import { parseCidr, validateTopology, type Topology } from './topology.ts';

const ok: Topology = {
  segments: [{ name: 'nodes', v4: '192.0.2.0/24', v6: '2001:db8::/64' }, { name: 'free' }],
  hosts: [
    {
      name: 'tor',
      role: 'router',
      interfaces: [{ name: 'eth0', segment: 'nodes', v4: '192.0.2.1/24', v6: '2001:db8::1/64' }],
    },
    {
      name: 'NodeA',
      role: 'node',
      forwarding: true,
      interfaces: [
        { name: 'interfaceA', segment: 'nodes', v4: '192.0.2.11/24', mac: '02:00:00:00:00:11' },
        { name: 'eth1', segment: 'free', v4: '198.51.100.11/24', v6: '2001:db8:1::11/64' },
      ],
    },
    { name: 'client', role: 'host', interfaces: [] },
  ],
};

const host = (iface: Partial<Topology['hosts'][number]['interfaces'][number]>): Topology => ({
  ...ok,
  hosts: [
    ...ok.hosts,
    { name: 'x', role: 'host', interfaces: [{ name: 'eth0', segment: 'nodes', ...iface }] },
  ],
});

t.test('a sound topology passes', async (t) => {
  t.doesNotThrow(() => validateTopology(ok));
  t.doesNotThrow(() => validateTopology({ segments: [], hosts: [] }));
});

t.test('each kind of mistake is named', async (t) => {
  const cases: [string, Topology][] = [
    ['unknown segment "nope"', host({ segment: 'nope' })],
    ['interface names are 1-15', host({ name: 'averyveryverylongname' })],
    ['interface names are 1-15', host({ name: 'eth 0' })],
    ['address 192.0.2.1 used twice', host({ v4: '192.0.2.1/24' })],
    ['address 2001:db8::1 used twice', host({ v6: '2001:DB8:0::1/64' })],
    ['host "tor" defined twice', { ...ok, hosts: [...ok.hosts, ok.hosts[0]!] }],
    ['segment "nodes" defined twice', { ...ok, segments: [...ok.segments, { name: 'nodes' }] }],
    ['host name "bad name;rm"', { ...ok, hosts: [{ name: 'bad name;rm', role: 'host', interfaces: [] }] }],
    ['segment name "a/b"', { ...ok, segments: [{ name: 'a/b' }] }],
    ['role "switch"', { ...ok, hosts: [{ name: 'x', role: 'switch' as 'host', interfaces: [] }] }],
    ['bad MAC "zz"', host({ mac: 'zz' })],
    ['bad MAC "01:00:5e:00:00:01"', host({ mac: '01:00:5e:00:00:01' })],
    ['bad MAC "00:00:00:00:00:00"', host({ mac: '00:00:00:00:00:00' })],
    ['must be address/prefix-length', host({ v4: '192.0.2.5' })],
    ['"192.0.2.300" is not an IP address', host({ v4: '192.0.2.300/24' })],
    ['"2001:db8::5/64" is not IPv4', host({ v4: '2001:db8::5/64' })],
    ['"192.0.2.5/24" is not IPv6', host({ v6: '192.0.2.5/24' })],
    ['prefix length 33 is too long', host({ v4: '192.0.2.5/33' })],
    ['address 198.51.100.5 is not inside segment "nodes" (192.0.2.0/24)', host({ v4: '198.51.100.5/24' })],
    ['address 2001:db8:1::5 is not inside segment "nodes" (2001:db8::/64)', host({ v6: '2001:db8:1::5/64' })],
    [
      'segment "bad": prefix length 40',
      { ...ok, segments: [...ok.segments, { name: 'bad', v4: '10.0.0.0/40' }] },
    ],
  ];
  for (const [message, topo] of cases) {
    const err = (() => {
      try {
        validateTopology(topo);
      } catch (e) {
        return e as Error & { code?: string };
      }
      return undefined;
    })();
    t.equal(err?.code, 'TOPOLOGY_INVALID', `${message}: rejected`);
    t.ok(err?.message.includes(message), `${message}: named in "${err?.message}"`);
  }
});

t.test('every problem is listed, not only the first', async (t) => {
  t.throws(
    () =>
      validateTopology({
        segments: [],
        hosts: [
          {
            name: 'a',
            role: 'host',
            interfaces: [
              { name: 'e', segment: 's1' },
              { name: 'f', segment: 's2' },
            ],
          },
        ],
      }),
    { message: /s1[\s\S]*s2/ },
  );
});

t.test('parseCidr', async (t) => {
  t.same(parseCidr('192.0.2.1/24', 'ipv4'), { address: '192.0.2.1', length: 24 });
  t.same(parseCidr('2001:db8::1/128', 'ipv6'), { address: '2001:db8::1', length: 128 });
  t.type(parseCidr('2001:db8::1/129', 'ipv6'), 'string');
  t.type(parseCidr('x/1', 'ipv4'), 'string');
  t.type(parseCidr('192.0.2.1/24\n', 'ipv4'), 'string');
});
