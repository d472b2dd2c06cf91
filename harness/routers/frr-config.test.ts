import t from 'tap';
import { renderBgpd, renderZebra } from './frr-config.ts';

const base = { hostname: 'tor', asn: 4200000000, routerId: '192.0.2.1', logFile: '/tmp/x/bgpd.log' };

/** The lines of one `address-family X unicast` block. */
function family(conf: string, f: 'ipv4' | 'ipv6'): string[] {
  const lines = conf.split('\n');
  const start = lines.indexOf(` address-family ${f} unicast`);
  return lines.slice(start + 1, lines.indexOf(' exit-address-family', start)).map((l) => l.trim());
}

t.test('renders fast timers, multipath, both families and 4-octet ASNs', async (t) => {
  const conf = renderBgpd({
    ...base,
    neighbors: [
      { address: '192.0.2.11', remoteAsn: 64500, families: ['ipv4', 'ipv6'] },
      { address: '192.0.2.12', remoteAsn: 64500, families: ['ipv4'] },
    ],
  });
  t.match(conf, /^frr defaults traditional\n/);
  t.match(conf, /\nlog file \/tmp\/x\/bgpd\.log/);
  t.match(conf, /\nrouter bgp 4200000000\n/);
  t.match(conf, / bgp router-id 192\.0\.2\.1\n/);
  t.match(conf, / timers bgp 1 3\n/);
  t.match(conf, / neighbor 192\.0\.2\.11 remote-as 64500\n/);
  t.match(conf, / neighbor 192\.0\.2\.11 timers connect 1\n/);
  t.match(conf, / neighbor 192\.0\.2\.12 timers connect 1\n/);
  t.match(conf, / no bgp ebgp-requires-policy\n/);
  t.match(conf, / bgp bestpath as-path multipath-relax\n/);
  for (const f of ['ipv4', 'ipv6'] as const) {
    t.ok(family(conf, f).includes('maximum-paths 16'), `${f}: maximum-paths 16`);
    t.ok(family(conf, f).includes('maximum-paths ibgp 16'), `${f}: maximum-paths ibgp 16`);
  }
  t.ok(family(conf, 'ipv4').includes('neighbor 192.0.2.11 activate'));
  t.ok(family(conf, 'ipv4').includes('neighbor 192.0.2.12 activate'));
  t.ok(
    family(conf, 'ipv6').includes('neighbor 192.0.2.11 activate'),
    'an IPv4 neighbour carrying IPv6 routes is activated under ipv6',
  );
  t.notOk(
    family(conf, 'ipv6').includes('neighbor 192.0.2.12 activate'),
    'not activated where it does not carry the family',
  );
});

t.test('an IPv6-only neighbour is not active for IPv4 (no default ipv4-unicast)', async (t) => {
  const conf = renderBgpd({
    ...base,
    neighbors: [{ address: '2001:db8::11', remoteAsn: 64500, families: ['ipv6'] }],
  });
  t.match(conf, / no bgp default ipv4-unicast\n/);
  t.same(
    family(conf, 'ipv4').filter((l) => l.startsWith('neighbor')),
    [],
  );
  t.same(
    family(conf, 'ipv6').filter((l) => l.startsWith('neighbor')),
    ['neighbor 2001:db8::11 activate'],
  );
});

t.test('password, passive, multihop, description', async (t) => {
  const conf = renderBgpd({
    ...base,
    neighbors: [
      {
        address: '192.0.2.11',
        remoteAsn: 64500,
        families: ['ipv4'],
        password: 'S3cret',
        passive: true,
        ebgpMultihop: 2,
        description: 'NodeA',
      },
    ],
  });
  t.match(conf, / neighbor 192\.0\.2\.11 password S3cret\n/);
  t.match(conf, / neighbor 192\.0\.2\.11 passive\n/);
  t.match(conf, / neighbor 192\.0\.2\.11 ebgp-multihop 2\n/);
  t.match(conf, / neighbor 192\.0\.2\.11 description NodeA\n/);
  const plain = renderBgpd({
    ...base,
    neighbors: [{ address: '192.0.2.11', remoteAsn: 64500, families: ['ipv4'] }],
  });
  t.notMatch(plain, /password|passive|multihop|description/);
});

t.test('extra config goes inside router bgp, before the address families', async (t) => {
  const conf = renderBgpd({
    ...base,
    neighbors: [],
    extraConfig: ['address-family ipv4 unicast', 'network 203.0.113.0/24', 'exit-address-family'],
  });
  const lines = conf.split('\n');
  const network = lines.indexOf(' network 203.0.113.0/24');
  t.ok(network > lines.indexOf('router bgp 4200000000'));
  t.ok(network < lines.indexOf(' address-family ipv4 unicast', network));
});

t.test('zebra config', async (t) => {
  t.equal(renderZebra('tor', '/tmp/x/zebra.log'), 'hostname tor\nlog file /tmp/x/zebra.log\n!\n');
  t.throws(() => renderZebra('tor\nx', '/tmp/x'), { code: 'FRR_CONFIG_UNSAFE' });
});

t.test('hostile or impossible values cannot reach a config', async (t) => {
  for (const bad of ['tor\nrouter bgp 1', 'x ! y', 'a; rm -rf /', 'tor#', '']) {
    t.throws(
      () => renderBgpd({ ...base, hostname: bad, neighbors: [] }),
      { code: 'FRR_CONFIG_UNSAFE' },
      JSON.stringify(bad),
    );
  }
  const n = { address: '192.0.2.11', remoteAsn: 64500, families: ['ipv4' as const] };
  const cases: [string, Parameters<typeof renderBgpd>[0]][] = [
    ['address newline', { ...base, neighbors: [{ ...n, address: '1.2.3.4\n exit' }] }],
    ['password with space', { ...base, neighbors: [{ ...n, password: 'a b' }] }],
    ['description newline', { ...base, neighbors: [{ ...n, description: 'x\nrouter bgp 1' }] }],
    ['extra line newline', { ...base, neighbors: [], extraConfig: ['network 10.0.0.0/8\nexit'] }],
    ['extra line comment', { ...base, neighbors: [], extraConfig: ['network 10.0.0.0/8 ! x'] }],
    ['router id', { ...base, routerId: '192.0.2.1 x', neighbors: [] }],
    ['log file', { ...base, logFile: '/tmp/a b', neighbors: [] }],
    ['ASN 0', { ...base, asn: 0, neighbors: [] }],
    ['ASN 2^32', { ...base, asn: 2 ** 32, neighbors: [] }],
    ['remote ASN fraction', { ...base, neighbors: [{ ...n, remoteAsn: 1.5 }] }],
    ['multihop 0', { ...base, neighbors: [{ ...n, ebgpMultihop: 0 }] }],
    ['multihop 256', { ...base, neighbors: [{ ...n, ebgpMultihop: 256 }] }],
    ['neighbour twice', { ...base, neighbors: [n, n] }],
    ['unknown family', { ...base, neighbors: [{ ...n, families: ['l2vpn' as 'ipv4'] }] }],
  ];
  for (const [what, spec] of cases) t.throws(() => renderBgpd(spec), { code: 'FRR_CONFIG_UNSAFE' }, what);
});

t.test(
  'per-neighbour timers replace the fast default for that neighbour only; bad values refused',
  async (t) => {
    const conf = renderBgpd({
      ...base,
      neighbors: [
        { address: '192.0.2.11', remoteAsn: 64500, families: ['ipv4'], timers: { keepalive: 10, hold: 30 } },
        { address: '192.0.2.12', remoteAsn: 64500, families: ['ipv4'] },
      ],
    });
    t.match(conf, / neighbor 192\.0\.2\.11 timers 10 30\n/);
    t.notMatch(conf, /neighbor 192\.0\.2\.12 timers \d/);
    t.throws(
      () =>
        renderBgpd({
          ...base,
          neighbors: [
            { address: '192.0.2.11', remoteAsn: 1, families: ['ipv4'], timers: { keepalive: 1.5, hold: 3 } },
          ],
        }),
      { code: 'FRR_CONFIG_UNSAFE' },
    );
  },
);
