import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runIn } from '../../common/exec.ts';
import { createRun } from '../../netns/runtime.ts';
import type { Topology } from '../../netns/topology.ts';
import { eventually } from '../wait/eventually.ts';
import { startFrr, type FrrBgpSettings, type FrrRouter } from './frr.ts';

// Root only. The suite reuses a router across scenarios (features/support/lab-cache.ts) by recycling
// it: this proves a recycled router carries nothing of its previous scenario (sessions, routes,
// neighbours, settings, log lines) and, configured again, is the router a fresh start would give.

const prefix = process.env.LBCONFORM_NETNS_PREFIX ?? 'lbct';

const pair: Topology = {
  segments: [{ name: 'link', v4: '198.51.100.0/24', v6: '2001:db8:5::/64' }],
  hosts: ['r1', 'r2'].map((name, i) => ({
    name,
    role: 'router' as const,
    interfaces: [
      { name: 'eth0', segment: 'link', v4: `198.51.100.${i + 1}/24`, v6: `2001:db8:5::${i + 1}/64` },
    ],
  })),
};

/** The previous scenario's r2: an eBGP session with r1, routes both ways, a password, a network of its own. */
const before: FrrBgpSettings = {
  asn: 64501,
  routerId: '198.51.100.2',
  neighbors: [
    { address: '198.51.100.1', remoteAsn: 64500, families: ['ipv4', 'ipv6'], password: 'old-secret' },
  ],
  extraConfig: 'address-family ipv4 unicast\nnetwork 192.0.2.0/24\nexit-address-family',
};

/** The next scenario's r2: another ASN, an iBGP neighbour that is not there, other settings. */
const after: FrrBgpSettings = {
  asn: 64600,
  routerId: '198.51.100.2',
  neighbors: [
    {
      address: '198.51.100.9',
      remoteAsn: 64600,
      families: ['ipv6'],
      passive: true,
      timers: { keepalive: 2, hold: 6 },
    },
  ],
  extraConfig: ['bgp default local-preference 0'],
};

/**
 * TCP sockets in a namespace, TIME-WAIT left out: what the kernel keeps of a closed connection for a
 * minute belongs to no process (a lab reused with a restarted router has them too).
 */
const sockets = async (netns: string): Promise<string> =>
  (await runIn(netns, 'ss', ['-Htan'])).stdout
    .split('\n')
    .filter((l) => !l.startsWith('TIME-WAIT'))
    .join('\n');

/** running-config without what names the instance dir (two routers cannot share one). */
const runningConfig = async (r: FrrRouter): Promise<string> =>
  (await r.vtysh('show running-config')).replaceAll(r.dir, '<dir>');

type Test = Parameters<Parameters<typeof t.test>[0]>[0];

/** The two-namespace lab of these tests; its routers (pushed by the test) stop, then the lab goes. */
async function labOfTwo(t: Test) {
  const run = await createRun({ prefix });
  t.teardown(() => run.close());
  const lab = await run.up(pair);
  const routers: FrrRouter[] = [];
  t.teardown(() => Promise.all(routers.map((r) => r.stop())));
  return { run, lab, routers };
}

t.test(
  'a recycled router holds nothing of its last scenario and, configured again, equals a fresh one',
  async (t) => {
    const { run, lab, routers } = await labOfTwo(t);
    const start = async (name: string, netns: string, s: FrrBgpSettings, dir = name): Promise<FrrRouter> => {
      const r = await startFrr({ netns, name, dir: join(run.tempDir, dir), ...s });
      routers.push(r);
      return r;
    };
    const r1 = await start('r1', lab.nsOf('r1'), {
      asn: 64500,
      routerId: '198.51.100.1',
      neighbors: [
        { address: '198.51.100.2', remoteAsn: 64501, families: ['ipv4', 'ipv6'], password: 'old-secret' },
      ],
      extraConfig: 'address-family ipv6 unicast\nnetwork 2001:db8:ffff::/48\nexit-address-family',
    });
    const r2 = await start('r2', lab.nsOf('r2'), before);

    // The previous scenario: a session up, a route received and installed in zebra, one sent.
    await eventually(
      'r2 has 2001:db8:ffff::/48 from r1 and installed it; r1 has 192.0.2.0/24',
      async () => {
        const got = (await r2.routes('ipv6')).routes['2001:db8:ffff::/48'];
        const kernel = JSON.parse(await r2.vtysh('show ipv6 route bgp json')) as object;
        const sent = (await r1.routes('ipv4')).routes['192.0.2.0/24'];
        if (!got?.length || !Object.keys(kernel).length || !sent?.length)
          throw new Error(`r2 table ${!!got}, zebra ${JSON.stringify(kernel)}, r1 ${!!sent}`);
      },
      { timeoutMs: 20_000 },
    );
    const pids = { ...r2.pids };
    t.match(readFileSync(join(r2.dir, 'bgpd.log'), 'utf8'), /198\.51\.100\.1/, 'the log names the old peer');

    t.equal(await r2.recycle(), true, 'recycled');
    t.same(r2.pids, pids, 'the same daemons (no restart)');
    t.same(JSON.parse(await r2.vtysh('show bgp vrf all summary json')), {}, 'no BGP instance');
    t.same(JSON.parse(await r2.vtysh('show bgp neighbors json')), {}, 'no neighbour');
    t.same(JSON.parse(await r2.vtysh('show ip route bgp json')), {}, 'zebra: no IPv4 BGP route');
    t.same(JSON.parse(await r2.vtysh('show ipv6 route bgp json')), {}, 'zebra: no IPv6 BGP route');
    t.notMatch(
      await r2.vtysh('show running-config'),
      /router bgp|neighbor|network|old-secret/,
      'no BGP setting',
    );
    t.notMatch(
      await sockets(lab.nsOf('r2')),
      /:179\b/,
      'no BGP socket, listening or connected, in its namespace',
    );
    t.equal(readFileSync(join(r2.dir, 'bgpd.log'), 'utf8'), '', 'the log starts empty for the next scenario');
    await eventually(
      'r1 sees the session gone',
      async () => {
        const s = (await r1.sessionStates())['198.51.100.2'];
        if (s === 'Established') throw new Error('still Established');
      },
      { timeoutMs: 10_000 },
    );

    await r2.reconfigure(after);
    // A fresh router started with the next scenario's settings, in a lab of its own (same host name).
    const lab2 = await run.up(pair);
    const fresh = await start('r2', lab2.nsOf('r2'), after, 'r2-fresh');
    t.equal(await runningConfig(r2), await runningConfig(fresh), 'running-config: the same as a fresh start');
    t.equal(
      readFileSync(join(r2.dir, 'bgpd.conf'), 'utf8').replaceAll(r2.dir, '<dir>'),
      readFileSync(join(fresh.dir, 'bgpd.conf'), 'utf8').replaceAll(fresh.dir, '<dir>'),
      'bgpd.conf (an artifact) is the next scenario’s',
    );
    t.same(Object.keys((await r2.routes('ipv4')).routes), [], 'no IPv4 route');
    t.same(Object.keys((await r2.routes('ipv6')).routes), [], 'no IPv6 route');
    // No peer answers at 198.51.100.9: both routers cycle Idle -> Connect -> Active on their own timers,
    // so the states are compared as "down", not as one instant's value (that raced: Idle vs Active).
    const down = new Set(['Idle', 'Connect', 'Active']);
    const recycledStates = await r2.sessionStates();
    const freshStates = await fresh.sessionStates();
    t.same(Object.keys(recycledStates), ['198.51.100.9'], 'the one configured neighbour');
    t.ok(down.has(recycledStates['198.51.100.9'] ?? ''), `recycled: ${recycledStates['198.51.100.9']}, down`);
    t.ok(down.has(freshStates['198.51.100.9'] ?? ''), `fresh: ${freshStates['198.51.100.9']}, down`);
    t.notMatch(readFileSync(join(r2.dir, 'bgpd.log'), 'utf8'), /198\.51\.100\.1\b/, 'no old peer in the log');
    // A passive neighbour opens nothing: still no connection to the old peer.
    t.notMatch(await sockets(lab.nsOf('r2')), /198\.51\.100\.1:/, 'no old connection');

    // It recycles again (a scenario after the next).
    t.equal(await r2.recycle(), true, 'recycled twice');
  },
);

t.test(
  'a router changed at run time, with bfdd, stopped or with a dead daemon is not recycled',
  async (t) => {
    const { run, lab, routers } = await labOfTwo(t);
    const base = { asn: 64501, routerId: '198.51.100.2' };
    const start = async (dir: string, s: Partial<FrrBgpSettings> = {}): Promise<FrrRouter> => {
      const r = await startFrr({
        netns: lab.nsOf('r2'),
        name: 'r2',
        dir: join(run.tempDir, dir),
        neighbors: [],
        ...base,
        ...s,
      });
      routers.push(r);
      return r;
    };
    const configured = await start('a');
    await configured.configure(['ip prefix-list PL seq 5 permit 192.0.2.0/24']);
    t.equal(await configured.recycle(), false, 'configured at run time: not reused');
    t.match(await configured.vtysh('show running-config'), /prefix-list PL/, 'and left as it was');
    await configured.stop();
    t.equal(await configured.recycle(), false, 'stopped');

    const bfd = await start('b', {
      neighbors: [
        {
          address: '198.51.100.1',
          remoteAsn: 64500,
          families: ['ipv4'],
          bfd: { receiveInterval: 300, transmitInterval: 300, detectMultiplier: 3 },
        },
      ],
    });
    t.equal(await bfd.recycle(), false, 'bfdd runs: not reused');
    await bfd.stop();

    const killed = await start('c');
    process.kill(killed.pids.bgpd, 'SIGKILL');
    await eventually(
      'bgpd reaped',
      async () => {
        if (await killed.recycle()) throw new Error('recycled a router without bgpd');
      },
      { timeoutMs: 5000 },
    );
    t.pass('a dead bgpd: not reused');
    await killed.stop();

    const clean = await start('d');
    t.equal(await clean.recycle(), true);
    await t.rejects(
      clean.reconfigure({
        ...base,
        neighbors: [
          {
            address: '198.51.100.1',
            remoteAsn: 64500,
            families: ['ipv4'],
            bfd: { receiveInterval: 300, transmitInterval: 300, detectMultiplier: 3 },
          },
        ],
      }),
      { code: 'FRR_NOT_READY' },
      'BFD needs a fresh start',
    );
  },
);
