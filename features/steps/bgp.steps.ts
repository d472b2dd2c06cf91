import { Then, type DataTable } from '@cucumber/cucumber';
import { isDeepStrictEqual } from 'node:util';
import { eventually } from '../../harness/wait/eventually.ts';
import type { PathView, RibView } from '../../harness/routers/peer-router.ts';
import { formatCidr, parseCidr } from '../../reference/model/ip.ts';
import { nameList } from '../support/constants.ts';
import type { LbWorld } from '../support/world.ts';

Then("every node's session with {string} is Established", async function (this: LbWorld, routerName: string) {
  const router = this.router(routerName);
  const addresses = this.nodes.map((n) => this.address(n, this.transportOf(routerName)));
  await eventually(
    `sessions ${this.nodes.join(',')} Established at ${routerName}`,
    async () => {
      const states = await router.sessionStates();
      const notUp = addresses
        .filter((a) => states[a] !== 'Established')
        .map((a) => `${a}: ${states[a] ?? 'unknown'}`);
      if (notUp.length) throw new Error(`not Established: ${notUp.join(', ')}`);
    },
    { timeoutMs: this.timeouts.sessionEstablished, consecutive: this.parameters.consecutive },
  );
});

/** Hop by hop: the router-to-router sessions (every family) are up before routes are expected there. */
Then(
  'the sessions between {string} and {string} are Established',
  async function (this: LbWorld, a: string, b: string) {
    const router = this.router(b);
    await eventually(
      `sessions ${a} <-> ${b} Established`,
      async () => {
        const states = await router.sessionStates();
        const wanted = (['ipv4', 'ipv6'] as const).map((f) => this.addressSeenBy(a, b, f));
        const down = wanted
          .filter((addr) => states[addr] !== 'Established')
          .map((addr) => `${addr}: ${states[addr] ?? 'unknown'}`);
        if (down.length) throw new Error(`not Established at ${b}: ${down.join(', ')}`);
      },
      { timeoutMs: this.timeouts.sessionEstablished, consecutive: this.parameters.consecutive },
    );
  },
);

/** Selected nodes are Established and the others never open a session (checked over several polls). */
Then(
  'only {string} has/have a session with {string}',
  async function (this: LbWorld, nodes: string, routerName: string) {
    const router = this.router(routerName);
    const selected = new Set(nameList(nodes));
    await eventually(
      `only ${nodes} Established at ${routerName}`,
      async () => {
        const states = await router.sessionStates();
        const wrong = this.nodes
          .filter(
            (n) =>
              (states[this.address(n, this.transportOf(routerName))] === 'Established') !== selected.has(n),
          )
          .map((n) => `${n}: ${states[this.address(n, this.transportOf(routerName))] ?? 'unknown'}`);
        if (wrong.length) throw new Error(`unexpected session states: ${wrong.join(', ')}`);
      },
      { timeoutMs: this.timeouts.sessionEstablished, consecutive: Math.max(5, this.parameters.consecutive) },
    );
  },
);

/**
 * The router's whole table must equal the expected one: no missing route, no extra route, exactly one
 * path per listed node, and every attribute as stated.
 */
Then(
  '{string} has exactly these routes:',
  async function (this: LbWorld, routerName: string, table: DataTable) {
    const expected: RibView = {};
    for (const row of table.hashes()) {
      const prefix = row['prefix']!;
      const family = prefix.includes(':') ? 'ipv6' : 'ipv4';
      expected[prefix] = nameList(row['next hops']!)
        .map(
          (node): PathView => ({
            nextHop: this.addressSeenBy(node, routerName, family),
            origin: row['origin']!,
            asPath: row['as path'] === 'empty' ? '' : row['as path']!,
            localPref: row['local pref'] === 'absent' ? null : Number(row['local pref']),
            communities: row['communities'] === 'none' ? [] : nameList(row['communities']!).sort(),
            largeCommunities:
              row['large communities'] === undefined || row['large communities'] === 'none'
                ? []
                : nameList(row['large communities']!).sort(),
          }),
        )
        .sort((a, b) => a.nextHop.localeCompare(b.nextHop));
    }
    await expectRib(this, routerName, expected, this.routeBudget());
    this.routesSeen();
  },
);

Then('{string} has no routes', async function (this: LbWorld, routerName: string) {
  await expectRib(this, routerName, {}, this.timeouts.routeWithdrawn);
});

/** Faster than the hold time: only a NOTIFICATION (Cease) can remove the routes this quickly. */
Then('{string} has no routes well before the hold time', async function (this: LbWorld, routerName: string) {
  await expectRib(this, routerName, {}, this.timeouts.ceaseWithdrawn, 1);
});

async function expectRib(
  world: LbWorld,
  routerName: string,
  expected: RibView,
  timeoutMs: number,
  consecutive = world.parameters.consecutive,
): Promise<void> {
  const router = world.router(routerName);
  const named = (paths: unknown): string =>
    JSON.stringify(paths, (k, v) => (k === 'nextHop' ? `${v} (${world.hostOf(v as string)})` : v));
  const wanted = canonicalKeys(expected);
  try {
    await eventually(
      `routes at ${routerName}`,
      async () => {
        const actual = canonicalKeys(await router.ribView());
        if (!isDeepStrictEqual(actual, wanted)) throw new Error(describeDiff(wanted, actual, named));
      },
      { timeoutMs, consecutive },
    );
  } catch (err) {
    // What a reader asks next: were the sessions even up?
    const states = await router.sessionStates().catch((e: Error) => ({ error: e.message }));
    const sessions = Object.entries(states)
      .map(([a, s]) => `${a} (${world.hostOf(a)}): ${s}`)
      .join(', ');
    (err as Error).message += `\n  sessions at ${routerName}: ${sessions || 'none'}`;
    throw err;
  }
}

/**
 * Prefixes in RFC 5952 text (the model's formatter): routers print an IPv4-mapped network as
 * `::ffff:cb00:7100/120`, the features as `::ffff:203.0.113.0/120`. Text that does not parse is kept.
 */
function canonicalKeys(view: RibView): RibView {
  const out: RibView = {};
  for (const [prefix, paths] of Object.entries(view)) {
    const c = parseCidr(prefix);
    out[c.ok ? formatCidr(c.value) : prefix] = paths;
  }
  return out;
}

function describeDiff(expected: RibView, actual: RibView, show: (paths: unknown) => string): string {
  const lines: string[] = [];
  for (const prefix of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    const e = expected[prefix];
    const a = actual[prefix];
    if (!a) lines.push(`missing ${prefix}: expected ${show(e)}`);
    else if (!e) lines.push(`unexpected ${prefix}: ${show(a)}`);
    else if (!isDeepStrictEqual(e, a))
      lines.push(`${prefix}:\n    expected ${show(e)}\n    actual   ${show(a)}`);
  }
  return lines.join('\n  ');
}
