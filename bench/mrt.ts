/**
 * A minimal MRT TABLE_DUMP_V2 writer (RFC 6396): one PEER_INDEX_TABLE and one RIB_IPV4_UNICAST record per
 * prefix, each with a single entry (ORIGIN IGP, empty AS_PATH, NEXT_HOP). Enough for `gobgp mrt inject
 * global FILE` to feed gobgpd every route through one gRPC stream.
 */
const TABLE_DUMP_V2 = 13;
const PEER_INDEX_TABLE = 1;
const RIB_IPV4_UNICAST = 2;

function ipv4Bytes(ip: string): number[] {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new Error(`not an IPv4 address: ${ip}`);
  return parts;
}

function record(subtype: number, body: Buffer, timestamp: number): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt32BE(timestamp, 0);
  h.writeUInt16BE(TABLE_DUMP_V2, 4);
  h.writeUInt16BE(subtype, 6);
  h.writeUInt32BE(body.length, 8);
  return Buffer.concat([h, body]);
}

export interface MrtOptions {
  /** BGP identifier and address of the (fictitious) peer the routes were learnt from. */
  peerIp: string;
  peerAsn: number;
  nextHop: string;
  timestamp?: number;
}

export function mrtTableDump(prefixes: readonly string[], o: MrtOptions): Buffer {
  const ts = o.timestamp ?? Math.floor(Date.now() / 1000);
  const chunks: Buffer[] = [];
  // PEER_INDEX_TABLE: collector id, empty view name, one peer (type 0x02: IPv4 address, 4-octet AS).
  const peer = Buffer.from([0x02, ...ipv4Bytes(o.peerIp), ...ipv4Bytes(o.peerIp), 0, 0, 0, 0]);
  peer.writeUInt32BE(o.peerAsn >>> 0, 9);
  const pit = Buffer.concat([Buffer.from([...ipv4Bytes(o.peerIp), 0, 0, 0, 1]), peer]);
  chunks.push(record(PEER_INDEX_TABLE, pit, ts));
  // Path attributes, identical for every prefix: ORIGIN IGP, AS_PATH empty, NEXT_HOP.
  const attrs = Buffer.from([0x40, 1, 1, 0, 0x40, 2, 0, 0x40, 3, 4, ...ipv4Bytes(o.nextHop)]);
  prefixes.forEach((text, seq) => {
    const [addr, lenText] = text.split('/') as [string, string];
    const len = Number(lenText);
    const bytes = ipv4Bytes(addr).slice(0, Math.ceil(len / 8));
    const head = Buffer.alloc(4);
    head.writeUInt32BE(seq, 0);
    const entry = Buffer.alloc(8);
    entry.writeUInt16BE(0, 0); // peer index
    entry.writeUInt32BE(ts, 2);
    entry.writeUInt16BE(attrs.length, 6);
    chunks.push(
      record(
        RIB_IPV4_UNICAST,
        Buffer.concat([head, Buffer.from([len, ...bytes]), Buffer.from([0, 1]), entry, attrs]),
        ts,
      ),
    );
  });
  return Buffer.concat(chunks);
}
