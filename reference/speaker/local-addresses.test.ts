import t from 'tap';
import type { NetworkInterfaceInfo } from 'node:os';
import { localEndpointFor } from './local-addresses.ts';

const info = (address: string, cidr: string, family: 'IPv4' | 'IPv6'): NetworkInterfaceInfo =>
  ({
    address,
    cidr,
    family,
    netmask: '',
    mac: '00:00:00:00:00:01',
    internal: false,
    ...(family === 'IPv6' ? { scopeid: 0 } : {}),
  }) as NetworkInterfaceInfo;

const ifaces = {
  lo: [{ ...info('127.0.0.1', '127.0.0.0/8', 'IPv4'), internal: true }],
  eth0: [
    info('192.0.2.11', '192.0.2.11/24', 'IPv4'),
    info('fe80::1', 'fe80::1/64', 'IPv6'),
    info('2001:db8:0:1::11', '2001:db8:0:1::11/64', 'IPv6'),
  ],
  eth1: [info('198.51.100.11', '198.51.100.11/24', 'IPv4')],
};

t.test('picks the interface on the peer subnet and its global IPv6 address', async (t) => {
  t.same(localEndpointFor('192.0.2.1', undefined, ifaces), {
    interfaceName: 'eth0',
    v4: '192.0.2.11',
    v6: '2001:db8:0:1::11',
  });
  t.same(localEndpointFor('198.51.100.1', undefined, ifaces), { interfaceName: 'eth1', v4: '198.51.100.11' });
});

t.test('sourceAddress pins the interface', async (t) => {
  t.equal(localEndpointFor('203.0.113.9', '198.51.100.11', ifaces).interfaceName, 'eth1');
});

t.test('no interface reaches the peer: coded error', async (t) => {
  t.throws(() => localEndpointFor('203.0.113.9', undefined, ifaces), { code: 'NO_ROUTE_TO_PEER' });
});
