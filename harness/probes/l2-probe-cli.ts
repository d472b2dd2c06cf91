/**
 * Runs inside a host's namespace (`ip netns exec NS node --import tsx harness/probes/l2-probe-cli.ts ...`):
 *   arp IFACE IP TIMEOUT_MS   one ARP request for IP, then every reply addressed to us for TIMEOUT_MS
 *   ndp IFACE IP TIMEOUT_MS   one neighbour solicitation for IP, then every NA for it
 * Prints one JSON line: {"answers":[{"mac","atMs"}],"sentFrom":{"mac","ip"}}. Exit 0; 2 on bad usage.
 *   serve                     the same probes, asked for on stdin, one JSON line each
 *                             ({"id","kind","iface","ip","timeoutMs"}), answered on stdout with the
 *                             line above plus "id" (or {"id","error"}); ends with stdin. One process
 *                             per namespace for a whole scenario instead of one per probe (harness/probes/l2.ts).
 */
import { networkInterfaces } from 'node:os';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import {
  ETHERTYPE_ARP,
  ETHERTYPE_IPV6,
  ARP_REPLY,
  arpRequestFrame,
  decodeArpFrame,
  decodeNdpFrame,
  nsFrame,
  ICMPV6_NA,
  IPPROTO_ICMPV6,
} from '../../reference/l2/frames.ts';
import { canonicalIP } from '../../reference/model/ip.ts';
import { openPacketSocket, PacketType } from '../../reference/l2/packet-socket.ts';

interface Answer {
  mac: string;
  atMs: number;
}

interface Result {
  answers: Answer[];
  sentFrom: { mac: string; ip: string };
}

/** One ARP request or neighbour solicitation for `ip` out of `iface`; every answer for `timeoutMs`. */
function probeOnce(kind: 'arp' | 'ndp', iface: string, ip: string, timeoutMs: number): Promise<Result> {
  const mac = readFileSync(`/sys/class/net/${iface}/address`, 'utf8').trim();
  const addrs = networkInterfaces()[iface] ?? [];
  const answers: Answer[] = [];
  const start = Date.now();
  const done = (close: () => void, from: string): Promise<Result> =>
    new Promise((resolve) =>
      setTimeout(() => {
        close();
        resolve({ answers, sentFrom: { mac, ip: from } });
      }, timeoutMs),
    );
  if (kind === 'arp') {
    const from = addrs.find((a) => a.family === 'IPv4')?.address ?? '0.0.0.0';
    const sock = openPacketSocket({
      ifname: iface,
      ethertype: ETHERTYPE_ARP,
      onFrame: (f, t) => {
        if (t === PacketType.outgoing) return;
        const d = decodeArpFrame(f);
        // Replies to our request only: a gratuitous reply (to broadcast) is not an answer.
        if (d && d.arp.op === ARP_REPLY && d.arp.senderIp === ip && d.arp.targetMac === mac)
          answers.push({ mac: d.arp.senderMac, atMs: Date.now() - start });
      },
    });
    sock.send(arpRequestFrame(mac, from, ip));
    return done(() => sock.close(), from);
  }
  const from =
    addrs
      .find((a) => a.family === 'IPv6' && a.address.toLowerCase().startsWith('fe80:'))
      ?.address.split('%')[0] ?? '::';
  const sock = openPacketSocket({
    ifname: iface,
    ethertype: ETHERTYPE_IPV6,
    filter: [
      { code: 0x30, jt: 0, jf: 0, k: 20 },
      { code: 0x15, jt: 0, jf: 3, k: IPPROTO_ICMPV6 },
      { code: 0x30, jt: 0, jf: 0, k: 54 },
      { code: 0x15, jt: 0, jf: 1, k: ICMPV6_NA },
      { code: 0x06, jt: 0, jf: 0, k: 0x40000 },
      { code: 0x06, jt: 0, jf: 0, k: 0 },
    ],
    onFrame: (f, t) => {
      if (t === PacketType.outgoing) return;
      const d = decodeNdpFrame(f);
      if (d?.msg.type !== 'na' || d.msg.target !== ip) return;
      // Solicited answers to us; when we asked from :: the answers go to ff02::1 unsolicited.
      if (from !== '::' && (!d.msg.flags.solicited || d.ip.dst !== from)) return;
      answers.push({ mac: d.msg.targetLinkAddr ?? d.eth.src, atMs: Date.now() - start });
    },
  });
  sock.send(nsFrame({ mac, srcIp: from, target: ip }));
  return done(() => sock.close(), from);
}

/** The arguments of one probe, or undefined when they are not usable. */
function request(
  kind: unknown,
  iface: unknown,
  rawIp: unknown,
  timeout: unknown,
): { kind: 'arp' | 'ndp'; iface: string; ip: string; timeoutMs: number } | undefined {
  const timeoutMs = Number(timeout);
  if ((kind !== 'arp' && kind !== 'ndp') || typeof iface !== 'string' || !/^[\w.-]+$/.test(iface))
    return undefined;
  if (typeof rawIp !== 'string' || !(timeoutMs > 0)) return undefined;
  const ip = canonicalIP(rawIp);
  return ip ? { kind, iface, ip, timeoutMs } : undefined;
}

if (process.argv[2] === 'serve') {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    let id: unknown;
    void (async () => {
      const q = JSON.parse(line) as Record<string, unknown>;
      id = q['id'];
      const r = request(q['kind'], q['iface'], q['ip'], q['timeoutMs']);
      if (!r) throw new Error(`bad request ${line}`);
      return { id, ...(await probeOnce(r.kind, r.iface, r.ip, r.timeoutMs)) };
    })()
      .catch((err: Error) => ({ id, error: err.message }))
      .then((out) => process.stdout.write(JSON.stringify(out) + '\n'));
  });
} else {
  const r = request(...(process.argv.slice(2, 6) as [string, string, string, string]));
  if (!r) {
    process.stderr.write('usage: l2-probe-cli.ts arp|ndp IFACE IP TIMEOUT_MS | serve\n');
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(await probeOnce(r.kind, r.iface, r.ip, r.timeoutMs)) + '\n');
}
