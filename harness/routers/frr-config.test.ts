import t from 'tap';
import { renderBgpd } from './frr-config.ts';

const base = { hostname: 'tor', asn: 4200000000, routerId: '192.0.2.1', logFile: '/tmp/x/bgpd.log' };

t.test('renders fast timers, both families and 4-octet ASNs', async (t) => {
  const conf = renderBgpd({ ...base, neighbors: [{ address: '192.0.2.11', remoteAsn: 64500, families: ['ipv4', 'ipv6'] }, { address: '192.0.2.12', remoteAsn: 64500, families: ['ipv4'] }] });
  t.match(conf, /router bgp 4200000000\n/);
  t.match(conf, / timers bgp 1 3\n/);
  t.match(conf, / neighbor 192\.0\.2\.11 timers connect 1\n/);
  t.match(conf, / no bgp ebgp-requires-policy\n/);
  const v6 = conf.slice(conf.indexOf('address-family ipv6'));
  t.match(v6, /neighbor 192\.0\.2\.11 activate/);
  t.notMatch(v6, /neighbor 192\.0\.2\.12 activate/);
});

t.test('hostile names cannot inject config lines', async (t) => {
  for (const bad of ['tor\nrouter bgp 1', 'x ! y', 'a; rm -rf /']) {
    t.throws(() => renderBgpd({ ...base, hostname: bad, neighbors: [] }), { code: 'FRR_CONFIG_UNSAFE' });
  }
  t.throws(() => renderBgpd({ ...base, neighbors: [{ address: '1.2.3.4\n exit', remoteAsn: 1, families: ['ipv4'] }] }), { code: 'FRR_CONFIG_UNSAFE' });
  t.throws(() => renderBgpd({ ...base, neighbors: [], extraConfig: ['network 10.0.0.0/8\nexit'] }), { code: 'FRR_CONFIG_UNSAFE' });
});
