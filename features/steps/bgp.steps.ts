import { Then, type DataTable } from '@cucumber/cucumber';
import { isDeepStrictEqual } from 'node:util';
import { eventually } from '../../harness/wait/eventually.ts';
import type { PathView, RibView } from '../../harness/routers/peer-router.ts';
import { formatCidr, parseCidr } from '../../reference/model/ip.ts';
import { nameList } from '../support/constants.ts';
import type { LbWorld } from '../support/world.ts';

Then("every node's session with {string} is Established", async function (this: LbWorld, routerName: string) {
  const router = this.router(routerName);
  // every session: one per BGPPeer (IPv4 and IPv6 for a dual-stack user)
  const addresses = this.nodes.flatMap((n) =>
    this.sessionTransportsOf(routerName).map((t) => this.address(n, t)),
  );
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
          .flatMap((n) => this.sessionTransportsOf(routerName).map((t) => [n, this.address(n, t)] as const))
          .filter(([n, a]) => (states[a] === 'Established') !== selected.has(n))
          .map(([n, a]) => `${n} (${a}): ${states[a] ?? 'unknown'}`);
        if (wrong.length) throw new Error(`unexpected session states: ${wrong.join(', ')}`);
      },
      { timeoutMs: this.timeouts.sessionEstablished, consecutive: Math.max(5, this.parameters.consecutive) },
    );
  },
);

/**
 * The router's whole table must equal the expected one: no missing route, no extra route, exactly one
 * path per listed node, and every attribute as stated.
 *
 * `local pref` is a number, `absent`, or `unset`: the advertisement sets no localPref and the session is
 * iBGP. The document says LOCAL_PREF is then zero (MetalLB's native mode writes adv.LocalPref, 0, on
 * iBGP: internal/bgp/native/messages.go). MetalLB's FRR mode sets no local-preference (internal/bgp/
 * frr/frr.go adds a modifier only when `adv.LocalPref != 0`), so bgpd puts its own default, 100, on
 * the wire (seen here: an FRR receiver whose default is 0 reads 100 from reference-frr). A speaker may
 * also send none; iBGP FRR routers here default to 0, so that reads as 0. All conform; the form seen is
 * attached to the scenario (`LOCAL_PREF unset: ...`).
 */
Then(
  '{string} has exactly these routes:',
  async function (this: LbWorld, routerName: string, table: DataTable) {
    const expected: RibView = {};
    const unset = new Set<string>();
    for (const row of table.hashes()) {
      const prefix = row['prefix']!;
      const family = prefix.includes(':') ? 'ipv6' : 'ipv4';
      expected[prefix] = nameList(row['next hops']!)
        .map(
          (node): PathView => ({
            nextHop: this.addressSeenBy(node, routerName, family),
            origin: row['origin']!,
            asPath: row['as path'] === 'empty' ? '' : row['as path']!,
            localPref: localPrefCell(row['local pref']!),
            communities: row['communities'] === 'none' ? [] : nameList(row['communities']!).sort(),
            largeCommunities:
              row['large communities'] === undefined || row['large communities'] === 'none'
                ? []
                : nameList(row['large communities']!).sort(),
          }),
        )
        .sort((a, b) => a.nextHop.localeCompare(b.nextHop));
      if (row['local pref'] === 'unset')
        for (const p of expected[prefix]!) unset.add(`${prefix} ${p.nextHop}`);
    }
    const seen = new Set<string>();
    await expectRib(this, routerName, expected, this.routeBudget(), undefined, (rib) =>
      fairLocalPref(rib, unset, seen),
    );
    if (unset.size > 0) {
      const forms = [...seen].sort().join(' and ');
      this.attach(`LOCAL_PREF unset: seen ${forms} at ${routerName}`, 'text/plain');
    }
  },
);

/** FRR's `bgp default local-preference`, what MetalLB's FRR mode sends for an unset localPref. */
const FRR_DEFAULT_LOCAL_PREF = 100;

/** A number, `absent` (null) or `unset` (0 here; the view is normalised by fairLocalPref). */
function localPrefCell(cell: string): number | null {
  if (cell === 'absent') return null;
  if (cell === 'unset') return 0;
  const n = Number(cell);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`local pref must be a number, absent or unset, got ${cell}`);
  return n;
}

/**
 * For the paths whose localPref is `unset`: 0, none and FRR's default 100 all read as 0, and the form
 * seen is recorded. Any other value stays as it is (and fails the comparison).
 */
function fairLocalPref(rib: RibView, unset: ReadonlySet<string>, seen: Set<string>): RibView {
  if (unset.size === 0) return rib;
  const out: RibView = {};
  for (const [prefix, paths] of Object.entries(rib))
    out[prefix] = paths.map((p) => {
      if (!unset.has(`${prefix} ${p.nextHop}`)) return p;
      if (p.localPref === 0) seen.add('0 (the document; or none sent, read with the default 0)');
      else if (p.localPref === null) seen.add('none');
      else if (p.localPref === FRR_DEFAULT_LOCAL_PREF)
        seen.add("100 (bgpd's default local-preference: MetalLB's FRR mode)");
      else return p;
      return { ...p, localPref: 0 };
    });
  return out;
}

/** The prefix stays absent over several polls while the route beside it stays (so the session is up). */
Then(
  '{string} never holds {string} while its IPv4 route stays',
  async function (this: LbWorld, routerName: string, prefix: string) {
    const router = this.router(routerName);
    await eventually(
      `${prefix} absent at ${routerName}`,
      async () => {
        const rib = await router.ribView();
        if (rib[prefix]) throw new Error(`${routerName} holds ${prefix}: ${JSON.stringify(rib[prefix])}`);
        if (!Object.keys(rib).some((p) => !p.includes(':')))
          throw new Error(`${routerName} lost its IPv4 route; cannot judge`);
      },
      { timeoutMs: this.timeouts.routeAnnounced, consecutive: Math.max(5, this.parameters.consecutive) },
    );
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
  normalise: (rib: RibView) => RibView = (rib) => rib,
): Promise<void> {
  const router = world.router(routerName);
  const named = (paths: unknown): string =>
    JSON.stringify(paths, (k, v) => (k === 'nextHop' ? `${v} (${world.hostOf(v as string)})` : v));
  const wanted = canonicalKeys(expected);
  try {
    await eventually(
      `routes at ${routerName}`,
      async () => {
        const actual = normalise(canonicalKeys(await router.ribView()));
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
