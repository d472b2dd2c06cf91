import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseManifestTexts } from '../../reference/config/load.ts';
import { allocate } from '../../reference/allocate/allocate.ts';
import { computePlan, peersForNode, routesForNode } from '../../reference/plan/index.ts';
import { cidrOf } from '../../reference/model/ip.ts';
import type { ClusterConfig } from '../../reference/model/types.ts';
import type { AnnouncedRoute, ResolvedPeer } from '../../reference/plan/types.ts';
import { buildModel, classify, type FrrModel, type LocalFacts } from './model.ts';
import {
  initialApplied,
  renderBfdProfiles,
  renderFrrConf,
  renderReload,
  type Applied,
  type RenderOptions,
} from './render.ts';

const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));
const opts: RenderOptions = { logFile: '/var/log/lbc/bgpd.log', connectRetry: 1 };
const local: LocalFacts = { ipv4For: () => '192.0.2.11' };

function config(...files: string[]): ClusterConfig {
  const { config, errors } = parseManifestTexts(
    files.map((f) => ({ file: f, text: readFileSync(f, 'utf8') })),
    { namespace: 'metallb-system' },
  );
  if (!config || errors.length) throw new Error(JSON.stringify(errors));
  return config;
}

function modelOf(c: ClusterConfig, node: string): FrrModel {
  const { allocations, errors } = allocate(c);
  return buildModel(
    node,
    peersForNode(c, node),
    routesForNode(computePlan(c, allocations, { serviceErrors: errors }), node),
    local,
  );
}

function golden(t: { equal(a: string, b: string, msg: string): unknown }, name: string, got: string): void {
  const file = here(`testdata/${name}`);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, got);
  t.equal(got, readFileSync(file, 'utf8'), `matches testdata/${name}`);
}

t.test('golden bgpd.conf (UPDATE_GOLDEN=1 rewrites them)', async (t) => {
  golden(
    t,
    'S2-NodeA.conf',
    renderFrrConf(
      initialApplied(
        modelOf(
          config(here('../../fixtures/doc/S2.yaml'), here('../../fixtures/doc/S2.cluster.yaml')),
          'NodeA',
        ),
      ),
      opts,
    ),
  );
  golden(
    t,
    'mixed-NodeA.conf',
    renderFrrConf(initialApplied(modelOf(config(here('testdata/mixed.yaml')), 'NodeA')), opts),
  );
});

t.test('the mixed manifests: what FRR is told, read from the model', async (t) => {
  const m = modelOf(config(here('testdata/mixed.yaml')), 'NodeA');
  t.same(
    m.router,
    { asn: 64500, routerId: '192.0.2.99' },
    'the AS of the first peer; the only routerID asked for',
  );
  const tor = m.neighbors.find((n) => n.peer === 'tor')!;
  const up = m.neighbors.find((n) => n.peer === 'upstream')!;
  t.same([tor.holdTime, tor.keepaliveTime, tor.password], [9, 3, 's3cret-key']);
  t.same([up.localAsn, up.port, up.sourceAddress, up.ebgpMultihop], [64501, 1179, '2001:db8:0:1::b', true]);
  t.ok(
    tor.policy.every((c) => c.localPref === 150 || c.localPref === 0),
    'iBGP classes carry LOCAL_PREF (0 when unset)',
  );
  t.ok(
    up.policy.every((c) => c.localPref === undefined),
    'eBGP classes never set LOCAL_PREF',
  );
  t.notOk(
    up.policy.some((c) => c.communities.includes('65535:65282')),
    'the tor-only advertisement does not reach upstream',
  );
  const conf = renderFrrConf(initialApplied(m), opts);
  t.match(conf, / neighbor 2001:db8:0:1::1 local-as 64501 no-prepend replace-as\n/);
  t.match(conf, / neighbor 192\.0\.2\.1 password s3cret-key\n/);
  t.notMatch(conf, / neighbor 192\.0\.2\.1 ebgp-multihop/, 'multi-hop only on eBGP');
});

t.test('routes with the same attributes share one class; classes are ordered, prefixes sorted', async (t) => {
  const r = (prefix: string, communities: string[], localPref?: number): AnnouncedRoute => ({
    prefix: cidrOf(prefix),
    communities,
    largeCommunities: [],
    ...(localPref !== undefined ? { localPref } : {}),
  });
  const classes = classify([
    r('203.0.113.9/32', ['1:1'], 0),
    r('2001:db8::1/128', ['1:1'], 0),
    r('203.0.113.1/32', ['1:1'], 0),
    r('203.0.113.2/32', [], 0),
  ]);
  t.equal(classes.length, 2);
  t.same(
    classes.find((c) => c.communities.length === 1),
    {
      communities: ['1:1'],
      largeCommunities: [],
      localPref: 0,
      v4: ['203.0.113.1/32', '203.0.113.9/32'],
      v6: ['2001:db8::1/128'],
    },
  );
});

function peer(name: string, extra: Partial<ResolvedPeer> = {}): ResolvedPeer {
  return {
    name,
    myAsn: 64500,
    peerAsn: 64500,
    peerAddress: '192.0.2.1',
    peerPort: 179,
    holdTime: 3,
    keepaliveTime: 1,
    families: ['ipv4', 'ipv6'],
    ...extra,
  };
}
const route = (prefix: string, communities: string[] = []): AnnouncedRoute => ({
  prefix: cidrOf(prefix),
  communities,
  largeCommunities: [],
  localPref: 0,
});

t.test('reloads touch only what changed (golden sequence)', async (t) => {
  const steps: [string, ResolvedPeer[], Record<string, AnnouncedRoute[]>][] = [
    [
      'a Service appears',
      [peer('tor'), peer('edge', { peerAddress: '192.0.2.2', peerAsn: 4200000000 })],
      { tor: [route('203.0.113.1/32'), route('2001:db8::1/128')], edge: [route('203.0.113.1/32')] },
    ],
    [
      'its community changes for tor only',
      [peer('tor'), peer('edge', { peerAddress: '192.0.2.2', peerAsn: 4200000000 })],
      {
        tor: [route('203.0.113.1/32', ['64500:7']), route('2001:db8::1/128')],
        edge: [route('203.0.113.1/32')],
      },
    ],
    [
      'tor gets a password (session parameters): removed and added, policy kept',
      [peer('tor', { password: 'k' }), peer('edge', { peerAddress: '192.0.2.2', peerAsn: 4200000000 })],
      {
        tor: [route('203.0.113.1/32', ['64500:7']), route('2001:db8::1/128')],
        edge: [route('203.0.113.1/32')],
      },
    ],
    [
      'edge goes, the IPv6 route goes',
      [peer('tor', { password: 'k' })],
      { tor: [route('203.0.113.1/32', ['64500:7'])] },
    ],
    [
      'another AS: a new instance',
      [peer('tor', { myAsn: 64999, password: 'k' })],
      { tor: [route('203.0.113.1/32', ['64500:7'])] },
    ],
    ['no peer left: no router at all', [], {}],
  ];
  let applied: Applied = initialApplied(buildModel('NodeA', [], new Map(), local));
  const out: string[] = [];
  for (const [what, peers, routes] of steps) {
    const change = renderReload(
      applied,
      buildModel('NodeA', peers, new Map(Object.entries(routes)), local),
      opts,
    );
    t.ok(change, `${what}: something to apply`);
    out.push(`! ---- ${what}`, change!.text.trimEnd());
    applied = change!.applied;
    t.equal(
      renderReload(applied, applied.model, opts),
      undefined,
      `${what}: applying the same model again is a no-op`,
    );
  }
  golden(t, 'reload-sequence.txt', out.join('\n') + '\n');
});

t.test('a changed policy is new objects and one switch; the old ones are removed after', async (t) => {
  const first = initialApplied(
    buildModel('NodeA', [peer('tor')], new Map([['tor', [route('203.0.113.1/32')]]]), local),
  );
  const change = renderReload(
    first,
    buildModel(
      'NodeA',
      [peer('tor')],
      new Map([['tor', [route('203.0.113.1/32'), route('203.0.113.2/32')]]]),
      local,
    ),
    opts,
  )!;
  const lines = change.text.split('\n');
  const created = lines.indexOf('ip prefix-list lbc-tor-g2-c0-v4 seq 2 permit 203.0.113.2/32');
  const added = lines.indexOf('  network 203.0.113.2/32');
  const switched = lines.indexOf('  neighbor 192.0.2.1 route-map lbc-tor-g2-out out');
  const dropped = lines.indexOf('no route-map lbc-tor-g1-out');
  t.ok(
    created >= 0 && created < switched && added < switched && switched < dropped,
    'create, announce, switch, then delete',
  );
  t.notMatch(change.text, /no neighbor|remote-as/, 'the session is not touched');
});

t.test('nothing that could break out of a config line is rendered', async (t) => {
  const bad =
    (p: Partial<ResolvedPeer>): (() => string) =>
    () =>
      renderFrrConf(initialApplied(buildModel('NodeA', [peer('tor', p)], new Map(), local)), opts);
  t.throws(bad({ password: 'two words' }), { code: 'FRR_CONFIG_UNSAFE' });
  t.throws(bad({ password: 'x\nrouter bgp 1' }), { code: 'FRR_CONFIG_UNSAFE' });
  t.throws(bad({ password: 'a!comment' }), { code: 'FRR_CONFIG_UNSAFE' });
  t.throws(() => renderFrrConf(initialApplied(buildModel('Node A', [peer('tor')], new Map(), local)), opts), {
    code: 'FRR_CONFIG_UNSAFE',
  });
  t.throws(bad({ holdTime: 70000 }), { code: 'FRR_CONFIG_UNSAFE' });
});

t.test('FRR limits are reported, not hidden', async (t) => {
  const m = buildModel('NodeA', [peer('a'), peer('b')], new Map(), local);
  t.equal(m.neighbors.length, 1, 'one neighbour per address');
  t.match(m.warnings[0], /already peer a/);
  t.throws(() => buildModel('NodeA', [peer('a')], new Map(), { ipv4For: () => undefined }), {
    code: 'FRR_NO_ROUTER_ID',
  });
  t.same(
    buildModel('NodeA', [peer('a', { routerId: '10.0.0.1' })], new Map(), { ipv4For: () => undefined })
      .router,
    { asn: 64500, routerId: '10.0.0.1' },
  );
});

t.test('a link that is down keeps the router id in use (no rejection, no change)', async (t) => {
  const down: LocalFacts = { ipv4For: () => undefined };
  t.same(buildModel('NodeA', [peer('tor')], new Map(), down, '192.0.2.11').router, {
    asn: 64500,
    routerId: '192.0.2.11',
  });
});

t.test(
  'enableGracefulRestart: per neighbour graceful-restart and the F bit, as MetalLB renders them',
  async (t) => {
    const peer = (name: string, address: string, gracefulRestart: boolean): ResolvedPeer => ({
      name,
      myAsn: 64500,
      peerAsn: 64500,
      peerAddress: address,
      peerPort: 179,
      holdTime: 9,
      keepaliveTime: 3,
      families: ['ipv4'],
      ...(gracefulRestart ? { gracefulRestart: true } : {}),
    });
    const conf = (peers: ResolvedPeer[]): string =>
      renderFrrConf(initialApplied(buildModel('NodeA', peers, new Map(), local)), opts);
    const with1 = conf([peer('a', '192.0.2.1', true), peer('b', '192.0.2.2', false)]);
    t.match(with1, / neighbor 192\.0\.2\.1 graceful-restart\n/);
    t.notMatch(with1, /neighbor 192\.0\.2\.2 graceful-restart/);
    t.match(with1, / bgp graceful-restart preserve-fw-state\n/);
    t.match(with1, / bgp graceful-restart-disable\n/, 'the others keep withdrawing at once');
    t.notMatch(conf([peer('b', '192.0.2.2', false)]), /preserve-fw-state|neighbor \S+ graceful-restart/);
  },
);

t.test('bfdProfile: neighbor bfd profile P, and bfdd profiles as MetalLB renders them', async (t) => {
  const bfd = {
    profile: 'fast',
    receiveIntervalMs: 100,
    transmitIntervalMs: 150,
    detectMultiplier: 3,
    echoMode: false,
    echoIntervalMs: 50,
    passive: true,
    minimumTtl: 254,
  };
  const model = buildModel(
    'NodeA',
    [
      {
        name: 'tor',
        myAsn: 64500,
        peerAsn: 64500,
        peerAddress: '192.0.2.1',
        peerPort: 179,
        holdTime: 9,
        keepaliveTime: 3,
        families: ['ipv4'],
        bfd,
      },
    ],
    new Map(),
    local,
  );
  const conf = renderFrrConf(initialApplied(model), opts);
  t.match(conf, / neighbor 192\.0\.2\.1 bfd\n neighbor 192\.0\.2\.1 bfd profile fast\n/);
  t.same(renderBfdProfiles(model), [
    'bfd',
    ' profile fast',
    '  receive-interval 100',
    '  transmit-interval 150',
    '  detect-multiplier 3',
    '  passive-mode',
    ' exit',
    'exit',
  ]);
  t.same(renderBfdProfiles(buildModel('NodeA', [], new Map(), local)), []);
});

t.test('per-neighbour families and connectTime, as MetalLB renders them (frr.tmpl)', async (t) => {
  const m = buildModel(
    'NodeA',
    [
      peer('v4', { families: ['ipv4'], connectTime: 7 }),
      peer('v6', { peerAddress: '2001:db8::1', families: ['ipv6'] }),
    ],
    new Map(),
    { ipv4For: () => '192.0.2.11' },
  );
  const conf = renderFrrConf(initialApplied(m), opts);
  t.match(conf, / neighbor 192\.0\.2\.1 timers connect 7\n/, 'connectTime is the connect-retry time');
  t.match(conf, / neighbor 2001:db8::1 timers connect 1\n/, 'else the speaker default');
  const af = (afi: string) =>
    conf.split(` address-family ${afi} unicast`)[1]!.split('exit-address-family')[0]!;
  t.match(af('ipv4'), /neighbor 192\.0\.2\.1 activate/);
  t.notMatch(af('ipv4'), /2001:db8::1 activate/, 'an IPv6 peer is not activated for IPv4');
  t.match(af('ipv6'), /neighbor 2001:db8::1 activate/);
  t.notMatch(af('ipv6'), /192\.0\.2\.1 activate/, 'an IPv4 peer is not activated for IPv6');
});
