/**
 * Rules that span resources: pool overlaps, community aliases, references to pools and peers,
 * aggregation lengths against the pools an advertisement selects, localPref conflicts, duplicates.
 */
import { compareLarge, compareStandard, parseCommunity } from '../model/community.ts';
import { cidrContains, cidrLast, formatCidr, formatIP, parseIP, type Cidr } from '../model/ip.ts';
import { anySelectorMatches, type LabelSelector } from '../model/selector.ts';
import type * as M from '../model/types.ts';
import type { Collected } from './decode.ts';
import { errorAt } from './errors.ts';
import { checkBfdProfileReferences } from './bfd-profiles.ts';

/** Pools an advertisement applies to: named ones, selected ones, or all when it names/selects none. */
export function poolsSelectedBy(
  adv: { ipAddressPools: readonly string[]; ipAddressPoolSelectors: readonly LabelSelector[] },
  pools: readonly M.IPAddressPool[],
): M.IPAddressPool[] {
  if (adv.ipAddressPools.length === 0 && adv.ipAddressPoolSelectors.length === 0) return [...pools];
  return pools.filter(
    (p) =>
      adv.ipAddressPools.includes(p.name) ||
      (adv.ipAddressPoolSelectors.length > 0 &&
        adv.ipAddressPoolSelectors.some((s) => anySelectorMatches([s], p.labels))),
  );
}

export function crossCheck(c: Collected, errors: M.ValidationError[]): M.ClusterConfig['communityAliases'] {
  checkOverlaps(c.pools, errors);
  checkNodeIPs(c, errors);
  const aliases = resolveAliases(c, errors);
  resolveCommunities(c, aliases, errors);
  checkReferences(c, c.warnings);
  checkAggregation(c, errors);
  checkLocalPref(c, errors);
  // Two advertisements identical but for their names are valid (MetalLB config.go
  // validateDuplicateBGPAdvertisements compares whole objects, names included); their routes are
  // de-duplicated by the plan.
  checkBfdProfileReferences(c.peers, c.bfdProfiles, errors);
  return aliases;
}

/**
 * Every entry that overlaps one defined before it is reported, naming what MetalLB's
 * internal/config/config.go would: its first CIDR that overlaps, against the first CIDR defined before it
 * (pools in order, each CIDR against all earlier ones). A sweep by start address keeps only the CIDRs
 * still open, so a valid configuration costs a sort.
 */
function checkOverlaps(pools: readonly M.IPAddressPool[], errors: M.ValidationError[]): void {
  interface Item {
    cidr: Cidr;
    /** Definition order: pool, entry, CIDR of the entry. */
    order: [number, number, number];
  }
  const items: Item[] = [];
  for (const [pi, p] of pools.entries())
    for (const [ei, e] of p.entries.entries())
      for (const [ci, cidr] of e.cidrs.entries()) items.push({ cidr, order: [pi, ei, ci] });
  const before = (a: Item, b: Item): boolean =>
    (a.order[0] - b.order[0] || a.order[1] - b.order[1] || a.order[2] - b.order[2]) < 0;
  items.sort(
    (a, b) =>
      a.cidr.family - b.cidr.family || (a.cidr.addr < b.cidr.addr ? -1 : a.cidr.addr > b.cidr.addr ? 1 : 0),
  );
  /** Per later entry (`pool/entry`): the pair MetalLB would name. */
  const found = new Map<string, { later: Item; earlier: Item }>();
  let open: Item[] = [];
  for (const it of items) {
    open = open.filter((o) => o.cidr.family === it.cidr.family && cidrLast(o.cidr) >= it.cidr.addr);
    for (const o of open) {
      if (o.order[0] === it.order[0] && o.order[1] === it.order[1]) continue; // one range's own CIDRs
      const [earlier, later] = before(o, it) ? [o, it] : [it, o];
      const key = `${later.order[0]}/${later.order[1]}`;
      const seen = found.get(key);
      const better =
        !seen ||
        later.order[2] < seen.later.order[2] ||
        (later.order[2] === seen.later.order[2] && before(earlier, seen.earlier));
      if (better) found.set(key, { later, earlier });
    }
    open.push(it);
  }
  for (const { later, earlier } of found.values()) {
    const lp = pools[later.order[0]]!;
    const ep = pools[earlier.order[0]]!;
    errors.push(
      errorAt(
        lp.src,
        'IPAddressPool',
        lp.name,
        `spec.addresses[${later.order[1]}]`,
        'POOL_OVERLAP',
        `CIDR ${formatCidr(later.cidr)} in pool ${JSON.stringify(lp.name)} overlaps with already defined CIDR ${formatCidr(earlier.cidr)} (pool ${JSON.stringify(ep.name)}, ${ep.entries[earlier.order[1]]!.text}); pools must not share addresses`,
      ),
    );
  }
}

/**
 * A pool must not hold a Node's InternalIP: MetalLB internal/config/config.go (pools from the CRs) refuses
 * the configuration with "pool cidr ... contains nodeIp ...". One error per entry, naming the first such
 * address in the order the Nodes were read.
 */
function checkNodeIPs(c: Collected, errors: M.ValidationError[]): void {
  const nodeIPs = c.nodes.flatMap((n) => n.internalIPs.map((text) => ({ node: n.name, ip: parseIP(text)! })));
  for (const p of c.pools)
    for (const [i, e] of p.entries.entries()) {
      const hit = e.cidrs
        .flatMap((cidr) => nodeIPs.filter((n) => cidrContains(cidr, n.ip)).map((n) => ({ cidr, n })))
        .at(0);
      if (!hit) continue;
      errors.push(
        errorAt(
          p.src,
          'IPAddressPool',
          p.name,
          `spec.addresses[${i}]`,
          'POOL_CONTAINS_NODE_IP',
          `CIDR ${formatCidr(hit.cidr)} in pool ${JSON.stringify(p.name)} contains ${formatIP(hit.n.ip)}, an InternalIP of Node ${JSON.stringify(hit.n.node)}; MetalLB refuses a pool holding a node's address`,
        ),
      );
    }
}

function resolveAliases(c: Collected, errors: M.ValidationError[]): Map<string, string> {
  const aliases = new Map<string, string>();
  const where = new Map<string, string>();
  for (const a of c.communityAliases) {
    if (aliases.has(a.name)) {
      errors.push(
        errorAt(
          a.src,
          'Community',
          a.resource,
          a.field,
          'DUPLICATE_COMMUNITY_ALIAS',
          `community alias ${JSON.stringify(a.name)} is already defined (${where.get(a.name)}); alias names must be unique`,
        ),
      );
      continue;
    }
    aliases.set(
      a.name,
      parseCommunity(a.value)!.kind === 'large'
        ? `large:${parseCommunity(a.value)!.text}`
        : parseCommunity(a.value)!.text,
    );
    where.set(a.name, `${a.src.file}:${a.src.line}`);
  }
  return aliases;
}

function resolveCommunities(
  c: Collected,
  aliases: ReadonlyMap<string, string>,
  errors: M.ValidationError[],
): void {
  for (const adv of c.bgpAdvertisements) {
    const std = new Set<string>();
    const large = new Set<string>();
    adv.rawCommunities.forEach((text, i) => {
      const field = `spec.communities[${i}]`;
      const parsed =
        parseCommunity(text) ?? (aliases.has(text) ? parseCommunity(aliases.get(text)!) : undefined);
      if (!parsed) {
        const known =
          aliases.size > 0
            ? `, or a Community alias (defined: ${[...aliases.keys()].sort().join(', ')})`
            : ', or the name of an alias defined in a Community resource (none defined)';
        errors.push(
          errorAt(
            adv.src,
            'BGPAdvertisement',
            adv.name,
            field,
            'INVALID_COMMUNITY',
            `${JSON.stringify(text)} is not a community; expected a:b (two numbers 0..65535), large:a:b:c (three numbers 0..4294967295)${known}`,
          ),
        );
        return;
      }
      // The same text twice was refused by the schema (every list's entries are unique, as MetalLB's
      // validateDuplicate compares the list as written); an alias beside its literal value is sent once.
      (parsed.kind === 'standard' ? std : large).add(parsed.text);
    });
    adv.communities = [...std.keys()].sort(compareStandard);
    adv.largeCommunities = [...large.keys()].sort(compareLarge);
  }
}

/**
 * A pool or peer named but not defined (yet) is no error in MetalLB (config.go
 * setBGPAdvertisementsToPools / peers: the name simply selects nothing): warn, skip it.
 */
function checkReferences(c: Collected, warnings: M.ValidationError[]): void {
  const poolNames = new Set(c.pools.map((p) => p.name));
  const peerNames = new Set(c.peers.map((p) => p.name));
  const exists = (kind: string, name: string): boolean => c.names.has(`${kind}/${name}`);
  const advs: { kind: string; adv: M.BGPAdvertisement | M.L2Advertisement }[] = [
    ...c.bgpAdvertisements.map((adv) => ({ kind: 'BGPAdvertisement', adv })),
    ...c.l2Advertisements.map((adv) => ({ kind: 'L2Advertisement', adv })),
  ];
  for (const { kind, adv } of advs) {
    adv.ipAddressPools.forEach((p, i) => {
      if (!exists('IPAddressPool', p)) {
        warnings.push(
          errorAt(
            adv.src,
            kind,
            adv.name,
            `spec.ipAddressPools[${i}]`,
            'UNKNOWN_POOL',
            `no IPAddressPool named ${JSON.stringify(p)} yet; the name is skipped until it exists (defined pools: ${[...poolNames].sort().join(', ') || '(none)'})`,
          ),
        );
      }
    });
  }
  for (const adv of c.bgpAdvertisements) {
    adv.peers.forEach((p, i) => {
      if (!exists('BGPPeer', p)) {
        warnings.push(
          errorAt(
            adv.src,
            'BGPAdvertisement',
            adv.name,
            `spec.peers[${i}]`,
            'UNKNOWN_PEER',
            `no BGPPeer named ${JSON.stringify(p)} yet; the name is skipped until it exists (defined peers: ${[...peerNames].sort().join(', ') || '(none)'})`,
          ),
        );
      }
    });
  }
}

function checkAggregation(c: Collected, errors: M.ValidationError[]): void {
  for (const adv of c.bgpAdvertisements) {
    const done = new Set<number>();
    for (const pool of poolsSelectedBy(adv, c.pools)) {
      for (const e of pool.entries) {
        if (done.has(e.family)) continue;
        const agg = e.family === 4 ? adv.aggregationLength : adv.aggregationLengthV6;
        // MetalLB: per address entry, the least specific CIDR it summarises to bounds the aggregation.
        const lowest = Math.min(...e.cidrs.map((x) => x.len));
        if (agg < lowest) {
          done.add(e.family);
          const field = e.family === 4 ? 'spec.aggregationLength' : 'spec.aggregationLengthV6';
          errors.push(
            errorAt(
              adv.src,
              'BGPAdvertisement',
              adv.name,
              field,
              'AGGREGATION_LENGTH_TOO_SHORT',
              `invalid aggregation length ${agg}: prefix ${lowest} in pool ${JSON.stringify(pool.name)} is more specific than the aggregation length for addresses ${e.text}; expected ${lowest}..${e.family === 4 ? 32 : 128}`,
            ),
          );
        }
      }
    }
  }
}

function nodesOf(sels: readonly LabelSelector[], nodes: readonly M.Node[]): Set<string> {
  return new Set(nodes.filter((n) => anySelectorMatches(sels, n.labels)).map((n) => n.name));
}

/**
 * MetalLB internal/config/config.go validateBGPAdvPerPool + BGPAdvertisementsHaveCompatibleLocalPref:
 * two advertisements of one pool with different localPref conflict unless the aggregation lengths
 * differ for every family the pool holds (isAggrLengthDifferent), both name peers and none in
 * common, or the node sets their selectors resolve to on the current Nodes are disjoint (a selector
 * matching no node conflicts with nothing). Advertisements with serviceSelectors are not checked.
 */
function checkLocalPref(c: Collected, errors: M.ValidationError[]): void {
  const reported = new Set<string>();
  for (const pool of c.pools) {
    const advs = c.bgpAdvertisements.filter(
      (a) => poolsSelectedBy(a, [pool]).length > 0 && a.serviceSelectors.length === 0,
    );
    const families = new Set(pool.entries.map((e) => e.family));
    const hasV4 = families.has(4);
    const hasV6 = families.has(6);
    for (let i = 0; i < advs.length; i++) {
      for (let j = i + 1; j < advs.length; j++) {
        const a = advs[i]!;
        const b = advs[j]!;
        if ((a.localPref ?? 0) === (b.localPref ?? 0)) continue;
        const v4Differs = a.aggregationLength !== b.aggregationLength;
        const v6Differs = a.aggregationLengthV6 !== b.aggregationLengthV6;
        const aggDiffers =
          (!hasV4 && !hasV6) || (v4Differs && !hasV6) || (v6Differs && !hasV4) || (v4Differs && v6Differs);
        if (aggDiffers) continue;
        if (a.peers.length > 0 && b.peers.length > 0 && !a.peers.some((p) => b.peers.includes(p))) continue;
        const na = nodesOf(a.nodeSelectors, c.nodes);
        const nb = nodesOf(b.nodeSelectors, c.nodes);
        if (![...na].some((n) => nb.has(n))) continue;
        const key = `${a.name}\0${b.name}`;
        if (reported.has(key)) continue;
        reported.add(key);
        errors.push(
          errorAt(
            b.src,
            'BGPAdvertisement',
            b.name,
            'spec.localPref',
            'LOCALPREF_CONFLICT',
            `invalid local preference ${b.localPref ?? 0}: local preference ${a.localPref ?? 0} already set for the same type of BGP update by BGPAdvertisement ${JSON.stringify(a.name)} (same pool ${JSON.stringify(pool.name)}, aggregation lengths, overlapping peers and nodes); use the same localPref or separate them`,
          ),
        );
      }
    }
  }
}
