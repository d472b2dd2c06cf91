import t from 'tap';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRun } from '../../netns/runtime.ts';
import { eventually } from '../wait/eventually.ts';
import { startFrr, type FrrRouter } from './frr.ts';

// Root only: two real FRR routers in namespaces (prefix lbct), one with a 4-octet ASN.

/** Pids of running zebra/bgpd processes started from `dir` (their command line names it). */
function daemonsUsing(dir: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') continue;
      if (/\/(bgpd|zebra)$/.test(cmd[0] ?? '') && cmd.some((a) => a.startsWith(dir))) out.push(Number(p));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

t.test(
  'two FRR routers peer over eBGP (4-octet ASN) and exchange IPv4 and IPv6 routes; stop leaves nothing running',
  async (t) => {
    const started = Date.now();
    const run = await createRun({ prefix: 'lbct' });
    t.teardown(() => run.close());
    const lab = await run.up({
      segments: [{ name: 'link', v4: '198.51.100.0/24', v6: '2001:db8:5::/64' }],
      hosts: [
        {
          name: 'r1',
          role: 'router',
          interfaces: [{ name: 'eth0', segment: 'link', v4: '198.51.100.1/24', v6: '2001:db8:5::1/64' }],
        },
        {
          name: 'r2',
          role: 'router',
          interfaces: [{ name: 'eth0', segment: 'link', v4: '198.51.100.2/24', v6: '2001:db8:5::2/64' }],
        },
      ],
    });
    const routers: FrrRouter[] = [];
    t.teardown(() => Promise.all(routers.map((r) => r.stop())));
    const labMs = Date.now() - started;
    const [r1, r2] = await Promise.all([
      startFrr({
        netns: lab.nsOf('r1'),
        name: 'r1',
        dir: join(run.tempDir, 'r1'),
        asn: 4200000000,
        routerId: '198.51.100.1',
        neighbors: [{ address: '198.51.100.2', remoteAsn: 64501, families: ['ipv4', 'ipv6'] }],
        extraConfig:
          'address-family ipv4 unicast\n network 203.0.113.0/24\nexit-address-family\naddress-family ipv6 unicast\n network 2001:db8:ffff::/48\nexit-address-family',
      }),
      startFrr({
        netns: lab.nsOf('r2'),
        name: 'r2',
        dir: join(run.tempDir, 'r2'),
        asn: 64501,
        routerId: '198.51.100.2',
        logDir: join(run.tempDir, 'r2-logs'),
        neighbors: [{ address: '198.51.100.1', remoteAsn: 4200000000, families: ['ipv4', 'ipv6'] }],
      }),
    ]).then((rs) => {
      routers.push(...rs);
      return rs as [FrrRouter, FrrRouter];
    });
    const frrMs = Date.now() - started - labMs;

    await eventually(
      'r2: session with r1 Established in both families',
      async () => {
        const s = await r2.bgpSummary();
        const v4 = s.ipv4Unicast?.peers?.['198.51.100.1'];
        const v6 = s.ipv6Unicast?.peers?.['198.51.100.1'];
        if (v4?.remoteAs !== 4200000000 || v4.state !== 'Established' || v6?.state !== 'Established')
          throw new Error(`ipv4 ${JSON.stringify(v4)}, ipv6 ${JSON.stringify(v6)}`);
      },
      { timeoutMs: 15_000 },
    );
    const sessionMs = Date.now() - started - labMs - frrMs;
    t.same(await r1.sessionStates(), { '198.51.100.2': 'Established' }, 'r1 agrees');

    const v4Paths = await eventually(
      'r2 has 203.0.113.0/24 from r1',
      async () => {
        const doc = await r2.json<{ routes?: Record<string, Record<string, unknown>[]> }>(
          'show bgp ipv4 unicast json',
        );
        const paths = doc.routes?.['203.0.113.0/24'];
        if (!paths?.length) throw new Error(`no 203.0.113.0/24 in ${JSON.stringify(doc.routes)}`);
        return paths;
      },
      { timeoutMs: 10_000, consecutive: 2 },
    );
    t.equal(v4Paths.length, 1, 'exactly one path');
    t.match(v4Paths[0], {
      valid: true,
      path: '4200000000',
      origin: 'IGP',
      nexthops: [{ ip: '198.51.100.1' }],
    });
    t.notOk('locPrf' in v4Paths[0]!, 'no LOCAL_PREF over eBGP');
    const v6Paths = await eventually(
      'r2 has 2001:db8:ffff::/48 from r1 over the IPv4 session',
      async () => {
        const paths = (await r2.routes('ipv6')).routes?.['2001:db8:ffff::/48'];
        if (!paths?.length) throw new Error('no 2001:db8:ffff::/48 yet');
        return paths;
      },
      { timeoutMs: 10_000 },
    );
    t.match(v6Paths[0], { valid: true, path: '4200000000', nexthops: [{ ip: '2001:db8:5::1' }] });
    const detail = await r2.route('203.0.113.0/24');
    t.equal(detail?.paths[0]?.aspath?.string, '4200000000', 'detail view: AS path');
    t.equal(detail?.paths[0]?.community, undefined, 'detail view: no communities');
    t.equal(await r2.route('192.0.2.0/24'), undefined, 'a prefix the router does not have');
    t.same(
      Object.keys((await r1.routes('ipv4')).routes),
      ['203.0.113.0/24'],
      'r1 holds only its own network',
    );

    // A change at run time through configure(): r1 withdraws its IPv4 network.
    await r1.configure(['router bgp 4200000000', 'address-family ipv4 unicast', 'no network 203.0.113.0/24']);
    await eventually(
      '203.0.113.0/24 withdrawn at r2',
      async () => {
        if ((await r2.routes('ipv4')).routes?.['203.0.113.0/24']) throw new Error('still there');
      },
      { timeoutMs: 5_000 },
    );
    await t.rejects(
      r1.configure(['router bgp 4200000000', 'no such command']),
      { code: 'EXEC_FAILED' },
      'a rejected line is an error',
    );
    await t.rejects(r1.configure(['network 10.0.0.0/8\nexit']), { code: 'FRR_CONFIG_UNSAFE' });
    await t.rejects(r1.route('10.0.0.0/8 json\nx'), { code: 'FRR_BAD_ARGUMENT' });

    const out = join(run.outDir, 'artifacts', 'r2');
    await r2.dumpArtifacts(out);
    for (const f of [
      'running-config.txt',
      'bgp-summary.json',
      'bgp-neighbors.json',
      'rib-ipv4.json',
      'rib-ipv6.json',
      'bgpd.log',
      'zebra.log',
      'bgpd.conf',
    ]) {
      t.ok(existsSync(join(out, f)), `artifact ${f}`);
    }
    t.ok(
      JSON.parse(readFileSync(join(out, 'rib-ipv6.json'), 'utf8')).routes['2001:db8:ffff::/48'],
      'the IPv6 table dump is JSON with the route',
    );
    t.ok(existsSync(join(run.tempDir, 'r2-logs', 'bgpd.log')), 'logDir honoured');

    const pids = [r1.pids.zebra, r1.pids.bgpd, r2.pids.zebra, r2.pids.bgpd];
    t.equal(
      daemonsUsing(run.tempDir).sort().join(','),
      [...pids].sort().join(','),
      'exactly our four daemons run',
    );
    const stopping = Date.now();
    await Promise.all(routers.map((r) => r.stop()));
    const stopMs = Date.now() - stopping;
    await r1.stop();
    t.same(daemonsUsing(run.tempDir), [], 'no bgpd or zebra of this run left');
    for (const r of ['r1', 'r2'])
      t.notOk(existsSync(join(run.tempDir, r, 'run')), `${r}: pid, vty and zserv files removed`);
    t.equal(
      (await import('../../netns/linux.ts').then((m) => m.pidsIn(lab.nsOf('r1')))).length,
      0,
      "nothing left in r1's namespace",
    );
    t.comment(
      `timings: lab ${labMs} ms, both FRR ready ${frrMs} ms, session ${sessionMs} ms, stop ${stopMs} ms, total ${Date.now() - started} ms`,
    );
  },
);

t.test('instance dirs that cannot work are refused before anything starts', async (t) => {
  const base = { netns: 'lbct-none', name: 'x', asn: 64500, routerId: '192.0.2.1', neighbors: [] };
  await t.rejects(startFrr({ ...base, dir: 'relative/dir' }), { code: 'FRR_DIR_INVALID' });
  await t.rejects(startFrr({ ...base, dir: '/' }), { code: 'FRR_DIR_INVALID' });
  await t.rejects(startFrr({ ...base, dir: `/tmp/${'d'.repeat(100)}` }), { code: 'FRR_DIR_TOO_LONG' });
  await t.rejects(startFrr({ ...base, dir: '/tmp/lbct-frr-unsafe', name: 'x\nrouter bgp 1' }), {
    code: 'FRR_CONFIG_UNSAFE',
  });
  t.notOk(existsSync('/tmp/lbct-frr-unsafe'), 'nothing created for an unsafe config');
});

t.test('a daemon that dies on start fails fast with its output', async (t) => {
  const run = await createRun({ prefix: 'lbct' });
  t.teardown(() => run.close());
  const started = Date.now();
  // No such namespace: `ip netns exec` exits at once.
  await t.rejects(
    startFrr({
      netns: `${run.key}-missing`,
      name: 'x',
      dir: join(run.tempDir, 'x'),
      asn: 64500,
      routerId: '192.0.2.1',
      neighbors: [],
    }),
    { code: 'FRR_START_FAILED' },
  );
  t.ok(Date.now() - started < 5000, 'well before the ready timeout');
  await eventually(
    'no daemon left',
    async () => {
      if (daemonsUsing(run.tempDir).length) throw new Error('still running');
    },
    { timeoutMs: 2000 },
  );
});
