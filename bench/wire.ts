/**
 * Wire-efficiency benchmark (`npm run bench:wire [-- --sizes 1000,10000,50000]`), pure (no namespaces):
 * UPDATE messages and bytes that `packAnnouncements` / `packWithdrawals` produce for N routes, against the
 * minimum possible: attributes once per UPDATE (one UPDATE stream per distinct attribute set), NLRI packed
 * up to the 4096-byte message limit. The minimum is computed here from the RFC 4271/4760 field sizes, not
 * from the packer, so a packer regression shows as a ratio above 1.00.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { packAnnouncements, packWithdrawals, type WireContext } from '../reference/bgp/packer.ts';
import { cidrOf } from '../reference/model/ip.ts';
import type { AnnouncedRoute } from '../reference/model/route.ts';
import { AGGREGATE, ipOf, progress, writeOut } from './lib.ts';

const MAX = 4096;
const HEADER = 19;
/** UPDATE body fixed fields: withdrawn-routes length (2) + total path attribute length (2). */
const FIXED = 4;

export interface WireRow {
  scenario: string;
  routes: number;
  messages: number;
  bytes: number;
  minMessages: number;
  minBytes: number;
  /** Time packAnnouncements / packWithdrawals took, ms. */
  packMs: number;
}

/** Minimum: for each attribute group, messages = ceil(total NLRI bytes / room per message) (uniform prefix sizes). */
function minimum(
  groups: {
    attrBytes: number;
    prefixBytes: number;
    count: number;
    perMessageExtra?: number;
    extraNlri?: number;
  }[],
): { messages: number; bytes: number } {
  let messages = 0;
  let bytes = 0;
  for (const g of groups) {
    const room = MAX - HEADER - FIXED - g.attrBytes - (g.perMessageExtra ?? 0);
    // Uniform prefixes: only whole prefixes fit, so the usable room is a multiple of the prefix size.
    const usable = Math.floor(room / g.prefixBytes) * g.prefixBytes;
    const nlri = g.count * g.prefixBytes + (g.extraNlri ?? 0);
    const m = Math.ceil(nlri / usable);
    messages += m;
    bytes += m * (HEADER + FIXED + g.attrBytes + (g.perMessageExtra ?? 0)) + nlri;
  }
  return { messages, bytes };
}

// Attribute sizes (flags + type + length + value): ORIGIN 4, AS_PATH one 4-octet ASN in a sequence 3+2+4,
// NEXT_HOP 7, COMMUNITIES 3+4 per community.
const ORIGIN = 4;
const AS_PATH_EBGP = 9;
const NEXT_HOP = 7;
const community = (k: number): number => (k ? 3 + 4 * k : 0);
/** MP_REACH_NLRI without NLRI: extended-length header 4 + AFI 2 + SAFI 1 + NH length 1 + NH 16 + reserved 1. */
const MP_REACH_V6 = 4 + 2 + 1 + 1 + 16 + 1;
/** MP_UNREACH_NLRI without prefixes: extended header 4 + AFI 2 + SAFI 1. */
const MP_UNREACH_V6 = 4 + 3;

const ctx: WireContext = {
  ibgp: false,
  myAsn: 64500,
  fourOctet: true,
  nextHopV4: '192.0.2.11',
  nextHopV6: '2001:db8::11',
};
/** The i-th /128 of 2001:db8:1::/96 (two hextets, so 100k and more stay valid). */
const v6Of = (i: number): string => `2001:db8:1::${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}/128`;

function measure(
  scenario: string,
  routes: AnnouncedRoute[],
  min: { messages: number; bytes: number },
  withdraw = false,
): WireRow {
  const t0 = process.hrtime.bigint();
  const msgs = withdraw ? packWithdrawals(routes.map((r) => r.prefix)) : packAnnouncements(routes, ctx);
  const packMs = Number(process.hrtime.bigint() - t0) / 1e6;
  for (const m of msgs) if (m.length > MAX) throw new Error(`${scenario}: message of ${m.length} bytes`);
  return {
    scenario,
    routes: routes.length,
    messages: msgs.length,
    bytes: msgs.reduce((s, m) => s + m.length, 0),
    minMessages: min.messages,
    minBytes: min.bytes,
    packMs: Math.round(packMs * 10) / 10,
  };
}

export function wireBench(sizes: number[]): WireRow[] {
  const rows: WireRow[] = [];
  for (const n of sizes) {
    const host = (i: number): AnnouncedRoute => ({
      prefix: cidrOf(`${ipOf(i)}/32`),
      communities: [],
      largeCommunities: [],
    });
    // 1) the convergence benchmark's routes: N /32 + the aggregate, same attributes (one group).
    const same = [
      ...Array.from({ length: n }, (_, i) => host(i + 1)),
      { prefix: cidrOf(AGGREGATE), communities: [], largeCommunities: [] },
    ];
    const base = ORIGIN + AS_PATH_EBGP + NEXT_HOP;
    rows.push(
      measure(
        'IPv4 /32 + aggregate, one attribute set',
        same,
        minimum([{ attrBytes: base, prefixBytes: 5, count: n, extraNlri: 3 }]),
      ),
    );
    // 2) aggregate with its own community (two attribute groups, as with a second BGPAdvertisement carrying communities).
    const two = [
      ...Array.from({ length: n }, (_, i) => host(i + 1)),
      { prefix: cidrOf(AGGREGATE), communities: ['8000:800'], largeCommunities: [] },
    ];
    rows.push(
      measure(
        'IPv4 /32 + aggregate with a community (2 sets)',
        two,
        minimum([
          { attrBytes: base, prefixBytes: 5, count: n },
          { attrBytes: base + community(1), prefixBytes: 3, count: 1 },
        ]),
      ),
    );
    // 3) IPv6 /128 in MP_REACH_NLRI.
    const v6 = Array.from(
      { length: n },
      (_, i): AnnouncedRoute => ({ prefix: cidrOf(v6Of(i + 1)), communities: [], largeCommunities: [] }),
    );
    rows.push(
      measure(
        'IPv6 /128 (MP_REACH_NLRI)',
        v6,
        minimum([
          { attrBytes: ORIGIN + AS_PATH_EBGP, perMessageExtra: MP_REACH_V6, prefixBytes: 17, count: n },
        ]),
      ),
    );
    // 4) withdrawals.
    rows.push(
      measure(
        'IPv4 /32 withdrawn',
        same.slice(0, n),
        minimum([{ attrBytes: 0, prefixBytes: 5, count: n }]),
        true,
      ),
    );
    rows.push(
      measure(
        'IPv6 /128 withdrawn (MP_UNREACH_NLRI)',
        v6,
        minimum([{ attrBytes: 0, perMessageExtra: MP_UNREACH_V6, prefixBytes: 17, count: n }]),
        true,
      ),
    );
  }
  return rows;
}

export function wireMarkdown(rows: WireRow[]): string {
  return [
    '| scenario | routes | UPDATEs | bytes | min UPDATEs | min bytes | bytes / min | pack time |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.routes} | ${r.messages} | ${r.bytes} | ${r.minMessages} | ${r.minBytes} | ${(r.bytes / r.minBytes).toFixed(3)} | ${r.packMs} ms |`,
    ),
  ].join('\n');
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000,10000,50000' } } });
  const sizes = values.sizes!.split(',').map(Number);
  progress(`wire: packing ${sizes.join(', ')} routes`);
  const rows = wireBench(sizes);
  const md = wireMarkdown(rows);
  process.stdout.write(`${md}\n`);
  writeOut('wire.json', JSON.stringify(rows, null, 2) + '\n');
  writeOut('wire.md', md + '\n');
}
