/**
 * Rendering in MetalLB's template shape. The goldens in testdata/ were compared line by line with
 * MetalLB's own (metallb/metallb internal/bgp/frr/testdata/*.golden, produced by frr_test.go from the
 * same session parameters and advertisements as the cases below); when a MetalLB checkout is at hand
 * (METALLB_REPO, default /work/.mirror/metallb+metallb/repo) the last test repeats that comparison,
 * leaving out only the lines we differ in on purpose (render.ts says why).
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BGPPeer } from '../../reference/model/types.ts';
import { sessionConfig, type Advertisement, type FrrConfig } from './desired.ts';
import { renderConfig, renderReload, type RenderOptions } from './render.ts';

const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));
const opts: RenderOptions = { logFile: '/var/log/frr/bgpd.log', connectRetry: 1, routeMapDelay: 0 };

/** MetalLB frr_test.go's session parameters (10.2.2.254, AS 100 -> 200, multi-hop, password, 1 s timers). */
function peer(name: string, addr: string, extra: Partial<BGPPeer> = {}): BGPPeer {
  return {
    name,
    myASN: 100,
    peerASN: 200,
    peerAddress: addr,
    peerPort: 179,
    sourceAddress: addr.includes(':') ? '10:1:1::254' : '10.1.1.254',
    holdTime: 1,
    keepaliveTime: 1,
    routerID: '10.1.1.254',
    nodeSelectors: [],
    password: 'password',
    ebgpMultiHop: !addr.includes(':'),
    dualStackAddressFamily: false,
    src: { file: 'test', line: 1 },
    ...extra,
  };
}

function ad(prefix: string, extra: Partial<Advertisement> = {}): Advertisement {
  return { prefix, family: prefix.includes(':') ? 6 : 4, localPref: 0, communities: [], peers: [], ...extra };
}

/** The cases, named after MetalLB's goldens they correspond to. */
const cases: Record<string, () => FrrConfig> = {
  TestTwoAdvertisementsTwoSessions: () =>
    sessionConfig(
      'dummyhostname',
      [peer('test-peer', '10.2.2.254'), peer('test-peer1', '10.2.2.255')],
      [
        ad('172.16.1.10/24', { communities: ['1111:2222'] }),
        ad('172.16.1.11/24', { communities: ['1111:2222'], localPref: 2 }),
      ],
    ),
  TestLargeCommunities: () =>
    sessionConfig(
      'dummyhostname',
      [peer('test-peer', '10.2.2.254')],
      [
        ad('172.16.1.10/24', {
          localPref: 300,
          communities: ['3333:4444', 'large:1111:2222:3333', 'large:2222:3333:4444'],
        }),
      ],
    ),
  TestIPv4AndIPv6SessionsDualStackFamily: () =>
    sessionConfig(
      'dummyhostname',
      [
        peer('p6', '10:2:2::254', { dualStackAddressFamily: true, ebgpMultiHop: false } as Partial<BGPPeer>),
        peer('p4', '10.4.4.255', {
          myASN: 300,
          routerID: '10.3.3.254',
          dualStackAddressFamily: true,
        } as Partial<BGPPeer>),
      ],
      [],
    ),
};

function golden(name: string, got: string): string {
  const file = here(`testdata/${name}.conf`);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, got);
  return readFileSync(file, 'utf8');
}

t.test('golden configurations (UPDATE_GOLDEN=1 rewrites them)', async (t) => {
  for (const [name, make] of Object.entries(cases)) {
    if (name === 'TestIPv4AndIPv6SessionsDualStackFamily') continue; // two routers: refused (next test)
    const got = renderConfig(make(), opts);
    t.equal(got, golden(name, got), name);
  }
});

t.test(
  'one bgpd holds one router: peers needing two are refused, as MetalLB FRR mode validates',
  async (t) => {
    t.throws(() => cases.TestIPv4AndIPv6SessionsDualStackFamily!(), { code: 'METALLB_FRR_MULTIPLE_ASN' });
  },
);

t.test('per-family activation: an IPv4 neighbour is active and fed in IPv4 only', async (t) => {
  const c = sessionConfig(
    'n',
    [peer('v4', '192.0.2.1', { ebgpMultiHop: false }), peer('v6', '2001:db8::1', { ebgpMultiHop: false })],
    [ad('203.0.113.1/32'), ad('2001:db8:1::1/128')],
  );
  const text = renderConfig(c, opts);
  t.match(text, /address-family ipv4 unicast\n {4}neighbor 192\.0\.2\.1 activate/);
  t.notMatch(text, /address-family ipv6 unicast\n {4}neighbor 192\.0\.2\.1 activate/);
  t.match(text, /address-family ipv6 unicast\n {4}neighbor 2001:db8::1 activate/);
  const [v4, v6] = c.routers[0]!.neighbors.sort((a, b) => a.addr.length - b.addr.length);
  t.same([v4!.addr, v4!.prefixesV4, v4!.prefixesV6], ['192.0.2.1', ['203.0.113.1/32'], []]);
  t.same([v6!.addr, v6!.prefixesV4, v6!.prefixesV6], ['2001:db8::1', [], ['2001:db8:1::1/128']]);
  t.match(text, 'ip prefix-list 2001:db8::1-allowed-ipv4 seq 1 deny any');
  // eBGP over IPv6 one hop: MetalLB's mustDisableConnectedCheck.
  t.match(text, 'neighbor 2001:db8::1 disable-connected-check');
});

t.test('dualStackAddressFamily activates both families on one session', async (t) => {
  const c = sessionConfig(
    'n',
    [peer('both', '192.0.2.1', { dualStackAddressFamily: true } as Partial<BGPPeer>)],
    [ad('203.0.113.1/32'), ad('2001:db8:1::1/128')],
  );
  const text = renderConfig(c, opts);
  t.match(text, /address-family ipv6 unicast\n {4}neighbor 192\.0\.2\.1 activate/);
  t.match(text, 'ipv6 prefix-list 192.0.2.1-allowed-ipv6 seq 1 permit 2001:db8:1::1/128');
});

t.test('localPref 0 (unset) sets nothing; another value is a localpref prefix-list', async (t) => {
  const zero = renderConfig(sessionConfig('n', [peer('p', '192.0.2.1')], [ad('203.0.113.1/32')]), opts);
  t.notMatch(zero, 'local-preference');
  const set = renderConfig(
    sessionConfig('n', [peer('p', '192.0.2.1')], [ad('203.0.113.1/32', { localPref: 100 })]),
    opts,
  );
  t.match(set, 'ip prefix-list 192.0.2.1-100-ip-localpref-prefixes seq 1 permit 203.0.113.1/32');
  t.match(set, '  set local-preference 100\n  on-match next');
});

t.test("an advertisement naming peers goes only to them; the router's networks are the union", async (t) => {
  const c = sessionConfig(
    'n',
    [peer('a', '192.0.2.1'), peer('b', '192.0.2.2')],
    [ad('203.0.113.1/32', { peers: ['a'] }), ad('203.0.113.2/32')],
  );
  const [a, b] = c.routers[0]!.neighbors;
  t.same(a!.prefixesV4, ['203.0.113.1/32', '203.0.113.2/32']);
  t.same(b!.prefixesV4, ['203.0.113.2/32']);
  t.same(c.routers[0]!.ipv4Prefixes, ['203.0.113.1/32', '203.0.113.2/32']);
});

t.test('FRR mode refuses two BGPPeers with one address or different routerIDs on a node', async (t) => {
  t.throws(() => sessionConfig('n', [peer('a', '192.0.2.1'), peer('b', '192.0.2.1')], []), {
    code: 'METALLB_FRR_DUPLICATE_PEER',
  });
  t.throws(
    () => sessionConfig('n', [peer('a', '192.0.2.1'), peer('b', '192.0.2.2', { routerID: '10.9.9.9' })], []),
    { code: 'METALLB_FRR_MULTIPLE_ROUTERID' },
  );
});

t.test('filterChanges: entries replaced by sequence number, vanished ones removed, maps kept', async (t) => {
  const before = sessionConfig(
    'n',
    [peer('p', '192.0.2.1')],
    [ad('203.0.113.1/32', { communities: ['1:1'] }), ad('203.0.113.2/32', { localPref: 5 })],
  );
  const after = sessionConfig(
    'n',
    [peer('p', '192.0.2.1')],
    [ad('203.0.113.2/32', { communities: ['1:1'] })],
  );
  const text = renderReload(before, after, opts)!;
  t.same(text.split('\n').filter(Boolean), [
    'ip prefix-list 192.0.2.1-1:1-ip-community-prefixes seq 1 permit 203.0.113.2/32',
    'ip prefix-list 192.0.2.1-allowed-ipv4 seq 1 permit 203.0.113.2/32',
    'no ip prefix-list 192.0.2.1-5-ip-localpref-prefixes seq 1 permit 203.0.113.2/32',
    'no ip prefix-list 192.0.2.1-allowed-ipv4 seq 2 permit 203.0.113.2/32',
    'no route-map 192.0.2.1-out permit 1',
    'route-map 192.0.2.1-out permit 1',
    '  match ip address prefix-list 192.0.2.1-1:1-ip-community-prefixes',
    '  set community 1:1 additive',
    '  on-match next',
    'no route-map 192.0.2.1-out permit 2',
    'route-map 192.0.2.1-out permit 2',
    '  match ip address prefix-list 192.0.2.1-allowed-ipv4',
    'no route-map 192.0.2.1-out permit 3',
    'route-map 192.0.2.1-out permit 3',
    '  match ipv6 address prefix-list 192.0.2.1-allowed-ipv6',
    'no route-map 192.0.2.1-out permit 4',
    'router bgp 100',
    '  address-family ipv4 unicast',
    '    no network 203.0.113.1/32',
    '  exit-address-family',
    'exit',
  ]);
});

t.test('reload: only what changed, sessions untouched by a route change', async (t) => {
  const peers = [peer('a', '192.0.2.1'), peer('b', '192.0.2.2')];
  const before = sessionConfig('n', peers, [ad('203.0.113.1/32', { peers: ['a'] })]);
  const after = sessionConfig('n', peers, [ad('203.0.113.1/32', { peers: ['a'] }), ad('203.0.113.9/32')]);
  const text = renderReload(before, after, opts)!;
  t.equal(renderReload(after, after, opts), undefined, 'nothing to do when nothing changed');
  t.notMatch(text, /no neighbor|remote-as/, 'no session is rebuilt');
  // The sequence number is rewritten in place (deny any -> permit); the route-map is never deleted.
  t.match(text, 'ip prefix-list 192.0.2.2-allowed-ipv4 seq 1 permit 203.0.113.9/32');
  t.notMatch(text, /no ip prefix-list 192\.0\.2\.2-allowed-ipv4 seq 1/);
  t.notMatch(text, /no route-map 192\.0\.2\.2-out\n/);
  t.match(text, 'router bgp 100\n  address-family ipv4 unicast\n    network 203.0.113.9/32\n');
  const gone = renderReload(after, sessionConfig('n', [peers[0]!], [ad('203.0.113.1/32')]), opts)!;
  t.match(gone, '  no neighbor 192.0.2.2\n');
  t.match(gone, 'no route-map 192.0.2.2-out\n');
  t.match(gone, '    no network 203.0.113.9/32\n');
  const timers = renderReload(
    after,
    sessionConfig('n', [peers[0]!, { ...peers[1]!, holdTime: 9 }], []),
    opts,
  )!;
  t.match(timers, '  no neighbor 192.0.2.2\n  neighbor 192.0.2.2 remote-as 200\n');
});

const metallbRepo = process.env.METALLB_REPO ?? '/work/.mirror/metallb+metallb/repo';

/** Lines we differ in on purpose (render.ts), and blank lines, which carry no meaning in FRR. */
function comparable(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(
      (l) =>
        l.trim() !== '' &&
        !/^(log |hostname |ip nht |ipv6 nht |bgp route-map delay-timer|.* advertisement-interval 0$|.* timers connect \d+$)/.test(
          l,
        ),
    );
}

const noMetallb = existsSync(metallbRepo) ? false : `no MetalLB checkout at ${metallbRepo}`;

t.test(
  'the goldens are MetalLB goldens but for the documented differences',
  { skip: noMetallb },
  async (t) => {
    for (const name of ['TestTwoAdvertisementsTwoSessions', 'TestLargeCommunities']) {
      const theirs = execFileSync(
        'git',
        ['--git-dir', metallbRepo, 'show', `HEAD:internal/bgp/frr/testdata/${name}.golden`],
        { encoding: 'utf8' },
      );
      t.same(comparable(readFileSync(here(`testdata/${name}.conf`), 'utf8')), comparable(theirs), name);
    }
  },
);
