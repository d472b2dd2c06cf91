import t from 'tap';
import { fileURLToPath } from 'node:url';
import { allocate } from '../allocate/allocate.ts';
import { loadManifests } from '../config/load.ts';
import { cidrOf, formatCidr } from '../model/ip.ts';
import type { ClusterConfig } from '../model/types.ts';
import { computePlan } from '../plan/plan.ts';
import { PlanContext } from '../plan/context.ts';
import { packAnnouncements, type WireContext } from '../bgp/packer.ts';
import { decodeMessage } from '../bgp/messages.ts';
import { decodeUpdate } from '../bgp/update.ts';
import { AdjRibOut } from '../bgp/rib-out.ts';
import { FAULTS, FAULT_NAMES, faultInfo, parseFault, setFaultForTests, type FaultName } from './index.ts';
import { newNaiveState, planWithoutDedup } from './no-dedup.ts';
import { withRunnerUp } from './l2-two-nodes.ts';

const docDir = fileURLToPath(new URL('../../fixtures/doc/', import.meta.url));

async function scenario(s: string): Promise<ClusterConfig> {
  const { config, errors } = await loadManifests([`${docDir}${s}.yaml`, `${docDir}${s}.cluster.yaml`], {
    namespace: 'metallb-system',
  });
  if (!config) throw new Error(JSON.stringify(errors));
  return config;
}

function planUnder(fault: FaultName | undefined, config: ClusterConfig): ReturnType<typeof computePlan> {
  setFaultForTests(fault);
  try {
    return computePlan(config, allocate(config).allocations);
  } finally {
    setFaultForTests(undefined);
  }
}

t.test(
  'parseFault: empty is none, known names pass, anything else is FAULT_UNKNOWN listing the known ones',
  async (t) => {
    t.equal(parseFault(undefined), undefined);
    t.equal(parseFault(''), undefined);
    for (const n of FAULT_NAMES) t.equal(parseFault(n), n);
    t.throws(() => parseFault('ignore-everything'), { code: 'FAULT_UNKNOWN', message: /never-withdraw/ });
  },
);

t.test('the registry covers the faults issue 7 asks for, each with a description and features', async (t) => {
  t.same([...FAULT_NAMES].sort(), [
    'drop-communities',
    'ebgp-local-pref',
    'ignore-aggregation-length',
    'ignore-node-selectors',
    'ignore-peers',
    'l2-two-nodes',
    'never-withdraw',
    'no-dedup',
    'no-gratuitous',
  ]);
  for (const f of FAULTS) {
    t.ok(f.description.length > 10 && !f.description.includes('\n'), `${f.name}: one-line description`);
    t.ok(
      f.features.length > 0 && f.features.every((p) => /^features\/[\w-]+\.feature$/.test(p)),
      `${f.name}: feature files`,
    );
  }
  t.equal(faultInfo('no-dedup')?.name, 'no-dedup');
  t.equal(faultInfo('nope'), undefined);
});

t.test('plan-level faults change the plan; without a fault the plan is the correct one', async (t) => {
  const s2 = await scenario('S2');
  const good = planUnder(undefined, s2);
  t.ok(
    good.bgp.some((r) => r.prefix === '203.0.113.200/30'),
    'the reference aggregates',
  );
  const agg = planUnder('ignore-aggregation-length', s2);
  t.notOk(
    agg.bgp.some((r) => r.prefix === '203.0.113.200/30'),
    'ignore-aggregation-length: no /30',
  );
  t.ok(agg.bgp.every((r) => r.prefix.endsWith('/32') || r.prefix.endsWith('/128')));

  const s3 = await scenario('S3');
  t.same([...new Set(planUnder(undefined, s3).bgp.map((r) => r.node))], ['NodeA', 'NodeB']);
  t.same(
    [...new Set(planUnder('ignore-node-selectors', s3).bgp.map((r) => r.node))],
    ['NodeA', 'NodeB', 'NodeC'],
  );

  const s1 = await scenario('S1');
  const ebgpRows = (p: ReturnType<typeof computePlan>) => p.bgp.filter((r) => !r.peer.startsWith('tor'));
  t.ok(ebgpRows(planUnder(undefined, s1)).every((r) => !('localPref' in r)));
  t.ok(ebgpRows(planUnder('ebgp-local-pref', s1)).every((r) => r.localPref === 0));

  const s4 = await scenario('S4');
  const owners = (p: ReturnType<typeof computePlan>) => p.l2.map((r) => r.node);
  t.equal(
    owners(planUnder(undefined, s4)).length,
    new Set(planUnder(undefined, s4).l2.map((r) => r.ip)).size,
    'one owner per IP',
  );
  const two = planUnder('l2-two-nodes', s4);
  t.equal(two.l2.length, 2 * planUnder(undefined, s4).l2.length, 'two owners per IP');
});

t.test('ignore-peers: an advertisement limited to one peer goes to all', async (t) => {
  const s1 = await scenario('S1');
  const limited: ClusterConfig = {
    ...s1,
    bgpAdvertisements: s1.bgpAdvertisements.map((a) => ({ ...a, peers: ['tor'] })),
  };
  const peers = (p: ReturnType<typeof computePlan>) => [...new Set(p.bgp.map((r) => r.peer))].sort();
  t.same(peers(planUnder(undefined, limited)), ['tor']);
  t.ok(peers(planUnder('ignore-peers', limited)).length > 1);
});

t.test('no-dedup: a shared aggregate goes with the first of its Services, and stays gone', async (t) => {
  const s2 = await scenario('S2');
  const state = newNaiveState();
  const ctx = new PlanContext(s2);
  const all = allocate(s2).allocations;
  t.ok(all.length >= 2, 'S2 has two Services sharing the /30');
  const run = (allocs: typeof all) =>
    planWithoutDedup(computePlan(s2, allocs), ctx, allocs, state).bgp.map((r) => r.prefix);
  t.ok(run(all).includes('203.0.113.200/30'));
  const rest = all.slice(1);
  t.ok(
    computePlan(s2, rest).bgp.some((r) => r.prefix === '203.0.113.200/30'),
    'the correct plan keeps the /30',
  );
  t.notOk(run(rest).includes('203.0.113.200/30'), 'the naive speaker withdrew it');
  t.notOk(run(rest).includes('203.0.113.200/30'), 'and does not bring it back');
});

t.test('withRunnerUp adds the second in election order, nothing when alone', async (t) => {
  const rows = [{ service: 'a/b', ip: '192.0.2.1', node: 'n1', interfaces: [] }];
  t.same(withRunnerUp(rows, ['n1'], 'n1', '192.0.2.1'), rows);
  t.same(
    withRunnerUp(rows, ['n1', 'n2', 'n3'], 'n1', '192.0.2.1')
      .map((r) => r.node)
      .slice(0, 1),
    ['n1'],
  );
  t.equal(withRunnerUp(rows, ['n1', 'n2', 'n3'], 'n1', '192.0.2.1').length, 2);
});

t.test('wire-level faults: communities dropped, LOCAL_PREF to eBGP, no withdrawals', async (t) => {
  const ebgp: WireContext = {
    ibgp: false,
    myAsn: 64500,
    fourOctet: true,
    nextHopV4: '192.0.2.11',
    nextHopV6: '2001:db8:0:1::b',
  };
  const route = {
    prefix: cidrOf('203.0.113.1/32'),
    communities: ['65000:1'],
    largeCommunities: ['1:2:3'],
    localPref: 50,
  };
  const attrs = (fault: FaultName | undefined) => {
    setFaultForTests(fault);
    try {
      const [m] = packAnnouncements([route], ebgp);
      return decodeUpdate((decodeMessage(m!) as { body: Buffer }).body).attributes;
    } finally {
      setFaultForTests(undefined);
    }
  };
  t.equal(attrs(undefined).localPref, undefined);
  t.same(attrs(undefined).communities, [65000 * 65536 + 1]);
  t.equal(attrs('ebgp-local-pref').localPref, 50);
  t.equal(attrs('drop-communities').communities, undefined);
  t.equal(attrs('drop-communities').largeCommunities, undefined);

  const withdrawn = (fault: FaultName | undefined) => {
    setFaultForTests(fault);
    try {
      const rib = new AdjRibOut();
      rib.setDesired([route]);
      return rib.setDesired([]).withdraw;
    } finally {
      setFaultForTests(undefined);
    }
  };
  t.same(withdrawn(undefined).map(formatCidr), ['203.0.113.1/32']);
  t.same(withdrawn('never-withdraw'), []);
});
