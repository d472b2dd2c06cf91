import t from 'tap';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRun } from '../../netns/runtime.ts';
import { eventually } from '../wait/eventually.ts';
import { jsonSubsetDiff } from '../wait/json-subset.ts';
import { startFrr, type FrrRouter } from './frr.ts';

// Root only: two real FRR routers in namespaces (prefix lbct), one with a 4-octet ASN.
t.test('two FRR routers peer over eBGP and exchange a route; stop leaves nothing running', async (t) => {
  const run = await createRun({ prefix: 'lbct' });
  t.teardown(() => run.close());
  const lab = await run.up({
    segments: [{ name: 'link' }],
    hosts: [
      { name: 'r1', role: 'router', interfaces: [{ name: 'eth0', segment: 'link', v4: '198.51.100.1/24', v6: '2001:db8:5::1/64' }] },
      { name: 'r2', role: 'router', interfaces: [{ name: 'eth0', segment: 'link', v4: '198.51.100.2/24', v6: '2001:db8:5::2/64' }] },
    ],
  });
  const routers: FrrRouter[] = [];
  t.teardown(() => Promise.all(routers.map((r) => r.stop())));
  const [r1, r2] = await Promise.all([
    startFrr({ netns: lab.nsOf('r1'), name: 'r1', dir: join(run.tempDir, 'r1'), asn: 4200000000, routerId: '198.51.100.1',
      neighbors: [{ address: '198.51.100.2', remoteAsn: 64501, families: ['ipv4'] }], extraConfig: ['address-family ipv4 unicast', 'network 203.0.113.0/24', 'exit-address-family'] }),
    startFrr({ netns: lab.nsOf('r2'), name: 'r2', dir: join(run.tempDir, 'r2'), asn: 64501, routerId: '198.51.100.2',
      neighbors: [{ address: '198.51.100.1', remoteAsn: 4200000000, families: ['ipv4'] }] }),
  ]);
  routers.push(r1!, r2!);
  await eventually('r2 sees 203.0.113.0/24 from r1', async () => {
    const diff = jsonSubsetDiff({ routes: { '203.0.113.0/24': [{ valid: true, path: '4200000000', nexthops: [{ ip: '198.51.100.1' }] }] } },
      await r2!.json('show bgp ipv4 unicast json'));
    if (diff.length) throw new Error(diff.join('\n'));
  }, { timeoutMs: 15_000 });

  const out = join(run.tempDir, 'artifacts');
  await r2!.dumpArtifacts(out);
  for (const f of ['running-config.txt', 'rib-ipv4.json', 'bgp-neighbors.json', 'bgpd.log']) t.ok(existsSync(join(out, f)), `artifact ${f}`);

  await Promise.all(routers.map((r) => r.stop()));
  routers.length = 0;
  const { run: exec } = await import('../exec.ts');
  const left = (await exec('ip', ['netns', 'pids', lab.nsOf('r1')])).stdout.trim();
  t.equal(left, '', 'no daemon left in r1');
});
