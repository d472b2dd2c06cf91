/**
 * Runs inside a host's namespace (`ip netns exec NS node --import tsx harness/probes/l2-probe-cli.ts ...`):
 *   arp IFACE IP TIMEOUT_MS   one ARP request for IP, then every reply addressed to us for TIMEOUT_MS
 *   ndp IFACE IP TIMEOUT_MS   one neighbour solicitation for IP, then every NA for it
 * Prints one JSON line: {"answers":[{"mac","atMs"}],"sentFrom":{"mac","ip"}}. Exit 0; 2 on bad usage.
 */
import { networkInterfaces } from 'node:os';
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

const [kind, iface, rawIp, timeoutText] = process.argv.slice(2);
const ip = rawIp ? canonicalIP(rawIp) : undefined;
const timeoutMs = Number(timeoutText);
if ((kind !== 'arp' && kind !== 'ndp') || !iface || !ip || !(timeoutMs > 0)) {
  process.stderr.write('usage: l2-probe-cli.ts arp|ndp IFACE IP TIMEOUT_MS\n');
  process.exit(2);
}

const mac = readFileSync(`/sys/class/net/${iface}/address`, 'utf8').trim();
const addrs = networkInterfaces()[iface] ?? [];
const answers: { mac: string; atMs: number }[] = [];
const start = Date.now();
let from: string;

if (kind === 'arp') {
  from = addrs.find((a) => a.family === 'IPv4')?.address ?? '0.0.0.0';
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
  setTimeout(() => finish(() => sock.close()), timeoutMs);
} else {
  from =
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
  setTimeout(() => finish(() => sock.close()), timeoutMs);
}

function finish(close: () => void): void {
  close();
  process.stdout.write(JSON.stringify({ answers, sentFrom: { mac, ip: from } }) + '\n');
}
