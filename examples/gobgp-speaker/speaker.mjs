#!/usr/bin/env node
// A vendor's speaker for lbconform, written from the README alone: GoBGP (gobgpd + the gobgp CLI)
// announces the Service IPs of a MetalLB manifest folder. No lbconform code: Node's standard library
// and the `yaml` package (npm i yaml) only.
//
//   node speaker.mjs --node NAME --router-id IPV4 [--workdir DIR] MANIFEST_DIR
//
// What it does, per the documented rules (README "Testing another implementation", semantics.md):
// - a Service's IPs are its status.loadBalancer.ingress (the controller's answer); a Service that
//   asked for IPs itself (metallb.io/loadBalancerIPs, spec.loadBalancerIP) but has no status yet is
//   taken at its word. It never allocates.
// - an IP is announced when an IPAddressPool holds it and a BGPAdvertisement selects that pool and
//   this node, and an endpoint can serve (on this node when externalTrafficPolicy is Local);
//   prefix = IP masked to aggregationLength / aggregationLengthV6; communities (aliases resolved) and
//   localPref (0 when unset: "localPref is set to zero") from the advertisement; to the peers it
//   names (all when none), in the peer's address family (both with dualStackAddressFamily).
// - one gobgpd per node: one neighbour per BGPPeer selecting this node; routes go into the global
//   RIB with `gobgp global rib add`; a peer that must not get every route gets an export policy.
// - a change in the folder (or SIGHUP) recomputes everything and applies the difference (gobgpd
//   re-reads its config on SIGHUP); SIGTERM shuts every neighbour down (Cease) and stops gobgpd.
// Not done (so not declared): layer 2, validation of bad manifests (a bad file is skipped with a
// message, the last good state stays), BFD, VRFs, session events in the log.
import { spawn, execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);
const log = (event, fields = {}) =>
  process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), event, ...fields })}\n`);

// ---------- IP arithmetic (bigint) ----------
function parseIP(s) {
  if (typeof s !== 'string') return undefined;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(s)) {
    const p = s.split('.').map(Number);
    if (p.some((x) => x > 255)) return undefined;
    return { v6: false, n: p.reduce((a, x) => (a << 8n) | BigInt(x), 0n) };
  }
  if (!s.includes(':') || !/^[0-9a-fA-F:]+$/.test(s)) return undefined;
  const [head, tail] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = s.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  if (groups.length !== 8) return undefined;
  return { v6: true, n: groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n) };
}
const bits = (ip) => (ip.v6 ? 128 : 32);
function formatIP(ip) {
  if (!ip.v6) return [24n, 16n, 8n, 0n].map((s) => String((ip.n >> s) & 255n)).join('.');
  const g = [];
  for (let i = 7; i >= 0; i--) g.push(Number((ip.n >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: the longest run of zero groups (2+) becomes '::'.
  let best = [-1, 0];
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > best[1] && j - i > 1) best = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best[0] < 0) return hex.join(':');
  return `${hex.slice(0, best[0]).join(':')}::${hex.slice(best[0] + best[1]).join(':')}`;
}
const mask = (ip, len) => {
  const host = (1n << BigInt(bits(ip) - len)) - 1n;
  return { v6: ip.v6, n: ip.n & ~host };
};
/** An address-pool entry (CIDR or a-b range) as [first, last]. */
function poolRange(entry) {
  if (entry.includes('/')) {
    const [a, l] = entry.split('/');
    const ip = parseIP(a);
    if (!ip) return undefined;
    const first = mask(ip, Number(l));
    return { v6: ip.v6, first: first.n, last: first.n | ((1n << BigInt(bits(ip) - Number(l))) - 1n) };
  }
  const [a, b] = entry.split('-').map((x) => parseIP(x.trim()));
  return a && b && a.v6 === b.v6 ? { v6: a.v6, first: a.n, last: b.n } : undefined;
}

// ---------- Kubernetes bits ----------
function selectorMatches(sel, labels) {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const inValues = has && (e.values ?? []).includes(labels[e.key]);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
const anyMatches = (sels, labels) => !sels?.length || sels.some((s) => selectorMatches(s, labels));

function seconds(d, dflt) {
  if (d === undefined) return dflt;
  let total = 0;
  for (const [, n, u] of String(d).matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g))
    total += Number(n) * { h: 3600, m: 60, s: 1, ms: 0.001 }[u];
  return Math.floor(total);
}

/** The manifest folder -> objects by kind (a file that does not parse is skipped, with a message). */
function readFolder(dir) {
  const byKind = {};
  for (const f of readdirSync(dir).filter((n) => /\.(ya?ml|json)$/.test(n)).sort()) {
    const docs = parseAllDocuments(readFileSync(join(dir, f), 'utf8'));
    for (const d of docs) {
      if (d.errors.length) throw new Error(`${f}: ${d.errors[0].message}`);
      const o = d.toJS();
      if (o?.kind) (byKind[o.kind] ??= []).push(o);
    }
  }
  return byKind;
}

// ---------- the rules ----------
/** -> { peers: [{peer, families, routes: Map(prefix -> {communities, large, localPref})}] } */
export function computeRoutes(k, node) {
  const me = (k.Node ?? []).find((n) => n.metadata?.name === node);
  const myLabels = me?.metadata?.labels ?? {};
  const aliases = new Map(
    (k.Community ?? []).flatMap((c) => (c.spec?.communities ?? []).map((x) => [x.name, x.value])),
  );
  const pools = (k.IPAddressPool ?? []).map((p) => ({
    name: p.metadata.name,
    labels: p.metadata.labels ?? {},
    ranges: (p.spec?.addresses ?? []).map(poolRange).filter(Boolean),
  }));
  const ads = (k.BGPAdvertisement ?? []).map((a) => a.spec ?? {});
  const adSelectsPool = (a, pool) =>
    (!a.ipAddressPools?.length && !a.ipAddressPoolSelectors?.length) ||
    (a.ipAddressPools ?? []).includes(pool.name) ||
    (a.ipAddressPoolSelectors?.length > 0 && anyMatches(a.ipAddressPoolSelectors, pool.labels));
  const excluded = Object.hasOwn(myLabels, 'node.kubernetes.io/exclude-from-external-load-balancers');
  const peers = (k.BGPPeer ?? [])
    .filter((p) => anyMatches(p.spec?.nodeSelectors, myLabels))
    .map((p) => ({
      name: p.metadata.name,
      spec: p.spec,
      families: p.spec.dualStackAddressFamily
        ? ['ipv4', 'ipv6']
        : [String(p.spec.peerAddress).includes(':') ? 'ipv6' : 'ipv4'],
      routes: new Map(),
    }));
  const announced = []; // {prefix, v6, communities, large, localPref, peers}
  for (const svc of k.Service ?? []) {
    if (svc.spec?.type !== 'LoadBalancer' || !me || excluded) continue;
    const key = `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`;
    const ann = svc.metadata.annotations ?? {};
    let ips = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip);
    if (!ips.length) {
      const asked = ann['metallb.io/loadBalancerIPs'] ?? svc.spec?.loadBalancerIP;
      ips = asked ? String(asked).split(',').map((x) => x.trim()) : [];
    }
    const slices = (k.EndpointSlice ?? []).filter(
      (s) =>
        `${s.metadata.namespace ?? 'default'}/${s.metadata.labels?.['kubernetes.io/service-name']}` === key,
    );
    const serving = slices
      .flatMap((s) => s.endpoints ?? [])
      .filter((e) => e.addresses?.length && (e.conditions?.ready !== false || e.conditions?.serving === true));
    const ok =
      svc.spec.externalTrafficPolicy === 'Local'
        ? serving.some((e) => e.nodeName === node)
        : serving.length > 0;
    if (!ok) continue;
    for (const text of ips) {
      const ip = parseIP(text);
      if (!ip) continue;
      const pool = pools.find((p) => p.ranges.some((r) => r.v6 === ip.v6 && r.first <= ip.n && ip.n <= r.last));
      if (!pool) continue;
      for (const a of ads) {
        if (!adSelectsPool(a, pool) || !anyMatches(a.nodeSelectors, myLabels)) continue;
        const len = ip.v6 ? (a.aggregationLengthV6 ?? 128) : (a.aggregationLength ?? 32);
        const comms = (a.communities ?? []).map((c) => aliases.get(c) ?? c);
        announced.push({
          prefix: `${formatIP(mask(ip, len))}/${len}`,
          v6: ip.v6,
          communities: comms.filter((c) => !c.startsWith('large:')),
          large: comms.filter((c) => c.startsWith('large:')).map((c) => c.slice(6)),
          localPref: a.localPref ?? 0,
          peers: a.peers ?? [],
        });
      }
    }
  }
  for (const p of peers) {
    for (const r of announced) {
      if (r.peers.length && !r.peers.includes(p.name)) continue;
      if (!p.families.includes(r.v6 ? 'ipv6' : 'ipv4')) continue;
      // Several Services or advertisements giving one prefix: one route, communities merged.
      const had = p.routes.get(r.prefix);
      p.routes.set(r.prefix, {
        v6: r.v6,
        communities: [...new Set([...(had?.communities ?? []), ...r.communities])].sort(),
        large: [...new Set([...(had?.large ?? []), ...r.large])].sort(),
        localPref: Math.max(had?.localPref ?? 0, r.localPref),
      });
    }
  }
  return peers;
}

// ---------- GoBGP ----------
const word = /^[A-Za-z0-9_.:/-]+$/;
const q = (s) => {
  if (!word.test(String(s))) throw new Error(`unsafe value ${JSON.stringify(s)}`);
  return `"${s}"`;
};

/** The routes gobgpd must hold: one path per prefix (attributes merged over peers). */
function globalRib(peers) {
  const rib = new Map();
  for (const p of peers)
    for (const [prefix, r] of p.routes) {
      const had = rib.get(prefix);
      rib.set(prefix, {
        v6: r.v6,
        communities: [...new Set([...(had?.communities ?? []), ...r.communities])].sort(),
        large: [...new Set([...(had?.large ?? []), ...r.large])].sort(),
        localPref: Math.max(had?.localPref ?? 0, r.localPref),
      });
    }
  return rib;
}

export function renderToml(peers, routerId) {
  const asn = peers[0]?.spec.myASN;
  const everything = [...globalRib(peers).keys()].sort().join(',');
  // GoBGP applies export policies of non-route-server peers globally: one global policy whose
  // statements name the neighbour (neighbor-set) and what it may get (prefix-set), ending in accept.
  const lines = ['[global.config]', `  as = ${Number(asn ?? 64512)}`, `  router-id = ${q(routerId)}`];
  lines.push('[global.apply-policy.config]', '  export-policy-list = ["lbc-export"]');
  lines.push('  default-export-policy = "accept-route"', '');
  const sets = [];
  const stmts = [];
  const statement = (conds, action) =>
    stmts.push(
      '  [[policy-definitions.statements]]',
      ...conds,
      '    [policy-definitions.statements.actions]',
      `      route-disposition = "${action}"`,
    );
  for (const p of peers) {
    const s = p.spec;
    lines.push('[[neighbors]]', '  [neighbors.config]', `    neighbor-address = ${q(s.peerAddress)}`);
    lines.push(`    peer-as = ${Number(s.peerASN)}`);
    if (s.password) lines.push(`    auth-password = ${q(s.password)}`);
    const hold = seconds(s.holdTime, s.keepaliveTime ? 3 * seconds(s.keepaliveTime) : 90);
    const keep = seconds(s.keepaliveTime, Math.floor(hold / 3));
    lines.push('  [neighbors.timers.config]', `    hold-time = ${hold}`, `    keepalive-interval = ${keep}`);
    lines.push('    connect-retry = 1', '  [neighbors.transport.config]');
    lines.push(`    remote-port = ${Number(s.peerPort ?? 179)}`);
    if (s.sourceAddress) lines.push(`    local-address = ${q(s.sourceAddress)}`);
    if (s.ebgpMultiHop)
      lines.push('  [neighbors.ebgp-multihop.config]', '    enabled = true', '    multihop-ttl = 255');
    for (const f of p.families)
      lines.push('  [[neighbors.afi-safis]]', '    [neighbors.afi-safis.config]', `      afi-safi-name = "${f}-unicast"`);
    lines.push('');
    // A peer that must not get every route: its prefixes are accepted, the rest rejected.
    const mine = [...p.routes.keys()].sort();
    if (mine.join(',') === everything) continue;
    const name = `to-${p.name}`.replace(/[^A-Za-z0-9_-]/g, '_');
    sets.push('[[defined-sets.neighbor-sets]]', `  neighbor-set-name = ${q(name)}`);
    sets.push(`  neighbor-info-list = [${q(s.peerAddress)}]`);
    const toPeer = [
      '    [policy-definitions.statements.conditions.match-neighbor-set]',
      `      neighbor-set = ${q(name)}`,
    ];
    for (const v6 of [false, true]) {
      const list = mine.filter((x) => x.includes(':') === v6);
      if (!list.length) continue;
      const set = `${name}-${v6 ? 'v6' : 'v4'}`;
      sets.push('[[defined-sets.prefix-sets]]', `  prefix-set-name = ${q(set)}`);
      for (const x of list) {
        const len = x.split('/')[1];
        sets.push('  [[defined-sets.prefix-sets.prefix-list]]', `    ip-prefix = ${q(x)}`);
        sets.push(`    masklength-range = "${len}..${len}"`);
      }
      statement(
        [...toPeer, '    [policy-definitions.statements.conditions.match-prefix-set]', `      prefix-set = ${q(set)}`],
        'accept-route',
      );
    }
    statement(toPeer, 'reject-route');
  }
  statement([], 'accept-route'); // every other peer gets everything (and the policy is never empty)
  return [...lines, ...sets, '', '[[policy-definitions]]', '  name = "lbc-export"', ...stmts, ''].join('\n');
}

function ribArgs(prefix, r) {
  const args = ['global', 'rib', 'add', '-a', r.v6 ? 'ipv6' : 'ipv4', prefix, 'origin', 'igp'];
  if (r.communities.length) args.push('community', r.communities.join(','));
  if (r.large.length) args.push('large-community', r.large.join(','));
  args.push('local-pref', String(r.localPref));
  return args;
}

// ---------- the process ----------
async function main() {
  // SIGHUP's default action ends the process: the harness may send one (a change) while gobgpd is
  // still starting, so it is caught from the first line and honoured once the reload below exists.
  let hupWhileStarting = false;
  const early = () => {
    hupWhileStarting = true;
  };
  process.on('SIGHUP', early);
  const { values, positionals } = parseArgs({
    options: { node: { type: 'string' }, 'router-id': { type: 'string' }, workdir: { type: 'string' } },
    allowPositionals: true,
  });
  const dir = positionals[0];
  if (!values.node || !values['router-id'] || !dir) {
    process.stderr.write('usage: speaker.mjs --node NAME --router-id IPV4 [--workdir DIR] MANIFEST_DIR\n');
    process.exit(2);
  }
  const work = values.workdir ?? mkdtempSync(join(tmpdir(), 'gobgp-speaker-'));
  mkdirSync(work, { recursive: true });
  const conf = join(work, 'gobgpd.toml');
  const gobgp = (args) => run('gobgp', args, { timeout: 10_000 });

  const compute = () => {
    try {
      const peers = computeRoutes(readFolder(dir), values.node);
      if (new Set(peers.map((p) => p.spec.myASN)).size > 1) throw new Error('BGPPeers with different myASN');
      return peers;
    } catch (err) {
      log('config.rejected', { error: err.message, keeping: 'the last good configuration' });
      return undefined;
    }
  };
  let peers = compute() ?? [];
  writeFileSync(conf, renderToml(peers, values['router-id']));
  // gobgpd runs under a small sh that kills it when our end of its stdin closes (however we die).
  const guard = spawn(
    '/bin/sh',
    [
      '-c',
      'gobgpd -f "$1" -t toml --log-plain >"$2" 2>&1 & p=$!; echo "$p"; while read -r _; do :; done; kill -KILL "$p" 2>/dev/null',
      'gobgp-guard',
      conf,
      join(work, 'gobgpd.log'),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const gobgpdPid = await new Promise((resolve) => guard.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
  for (let i = 0; ; i++) {
    try {
      await gobgp(['global']);
      break;
    } catch (err) {
      if (i > 200) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  let held = new Map(); // prefix -> args last added
  const applyRoutes = async () => {
    const want = globalRib(peers);
    for (const [prefix, r] of want) {
      const args = ribArgs(prefix, r);
      if (held.get(prefix) === args.join(' ')) continue;
      await gobgp(args);
    }
    for (const prefix of held.keys())
      if (!want.has(prefix)) await gobgp(['global', 'rib', 'del', '-a', prefix.includes(':') ? 'ipv6' : 'ipv4', prefix]);
    held = new Map([...want].map(([p, r]) => [p, ribArgs(p, r).join(' ')]));
  };
  await applyRoutes();
  log('config.applied', { peers: peers.map((p) => p.name), routes: held.size, gobgpd: gobgpdPid });

  let busy = Promise.resolve();
  const reload = () => {
    busy = busy.then(async () => {
      const next = compute();
      if (!next) return;
      const toml = renderToml(next, values['router-id']);
      const policyChanged = toml !== readFileSync(conf, 'utf8');
      peers = next;
      if (policyChanged) {
        writeFileSync(conf, toml);
        process.kill(gobgpdPid, 'SIGHUP');
      }
      await applyRoutes();
      // A changed export policy is applied to routes already sent by an outbound soft reset.
      if (policyChanged)
        for (const p of peers) await gobgp(['neighbor', p.spec.peerAddress, 'softresetout']).catch(() => {});
      log('config.applied', { peers: peers.map((p) => p.name), routes: held.size });
    });
  };
  let timer;
  watch(dir, () => {
    clearTimeout(timer);
    timer = setTimeout(reload, 100);
  });
  process.off('SIGHUP', early);
  process.on('SIGHUP', reload);
  if (hupWhileStarting) reload();
  const stop = async () => {
    await busy;
    // Cease (Administrative Shutdown) to every neighbour, then gobgpd goes.
    for (const p of peers) await gobgp(['neighbor', p.spec.peerAddress, 'shutdown']).catch(() => {});
    process.kill(gobgpdPid, 'SIGTERM');
    guard.stdin.end();
    await new Promise((r) => guard.once('exit', r));
    if (!values.workdir) rmSync(work, { recursive: true, force: true });
    log('speaker.stopped');
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) await main();
