import { EventEmitter } from 'node:events';
import { CodedError } from '../../common/errors.ts';
import type { Logger } from '../../common/log.ts';
import { canonicalIP, parseIP } from '../model/ip.ts';
import {
  ARP_REQUEST,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV6,
  ICMPV6_NS,
  IPPROTO_ICMPV6,
  arpReplyFrame,
  decodeArpFrame,
  decodeNdpFrame,
  gratuitousArpFrames,
  ipv6MulticastMac,
  solicitedNaFrame,
  solicitedNodeAddress,
  unsolicitedNaFrame,
} from './frames.ts';
import { scanInterfaces, selectInterfaces, type InterfaceInfo } from './interfaces.ts';
import { PacketType, openPacketSocket, type BpfInstruction } from './packet-socket.ts';

/** One raw socket of one interface, as the responder uses it (the real one is AF_PACKET). */
export interface LinkSocket {
  send(frame: Buffer): void;
  joinMulticast(mac: string): void;
  leaveMulticast(mac: string): void;
  close(): void;
}

export type LinkKind = 'arp' | 'ndp';
export type OpenLink = (
  iface: InterfaceInfo,
  kind: LinkKind,
  onFrame: (frame: Buffer, pktType: number) => void,
) => LinkSocket;

/** An IP this node announces; `interfaces` (non-empty) limits where, as L2Advertisement.interfaces does. */
export interface OwnedIP {
  ip: string;
  interfaces?: readonly string[];
}

export interface L2ResponderOptions {
  logger: Logger;
  /** Node name, for error events. */
  node?: string;
  /** Default interface restriction for IPs given without their own. */
  interfaces?: readonly string[];
  /** Interface rescan period (default 1000 ms). */
  rescanMs?: number;
  /** Gratuitous ARP / unsolicited NA: period (default 1100 ms) and how long after acquiring (default 5000 ms). */
  gratuitousIntervalMs?: number;
  gratuitousForMs?: number;
  /**
   * After that burst, keep announcing every this many ms while the IP is owned (0 or unset: never, as
   * MetalLB, whose announcer stops 5 s after acquiring: internal/layer2/announcer.go spamLoop). For
   * neighbours that lost their entry (a flushed cache, a new switch) without ever asking again.
   */
  periodicGratuitousMs?: number;
  /** Test seams: interface listing and socket opening (default: /sys/class/net and AF_PACKET). */
  scan?: () => InterfaceInfo[];
  open?: OpenLink;
}

export type L2Protocol = 'ARP' | 'NDP';

/** Emitted as `announce-error` (and logged as `l2.no_interface`) when an owned IP has no interface to answer on. */
export interface AnnounceError {
  code: 'L2_NO_INTERFACE';
  ip: string;
  node: string;
  protocol: L2Protocol;
  interfaces: string[];
}

export interface AnsweredEvent {
  protocol: L2Protocol;
  ip: string;
  iface: string;
  /** MAC of the asker. */
  to: string;
}

interface Owned {
  ip: string;
  family: 4 | 6;
  allowed?: Set<string>;
}

interface Link {
  info: InterfaceInfo;
  arp?: LinkSocket;
  ndp?: LinkSocket;
  /** solicited-node multicast MAC -> number of owned IPs needing it */
  groups: Map<string, number>;
}

/** `ip6[6] == 58 && ip6[40] == 135` on an Ethernet frame: only neighbour solicitations reach us. */
export const NS_FILTER: BpfInstruction[] = [
  { code: 0x30, jt: 0, jf: 0, k: 14 + 6 }, // ldb [20]   next header
  { code: 0x15, jt: 0, jf: 3, k: IPPROTO_ICMPV6 }, // jeq #58
  { code: 0x30, jt: 0, jf: 0, k: 14 + 40 }, // ldb [54]   ICMPv6 type
  { code: 0x15, jt: 0, jf: 1, k: ICMPV6_NS }, // jeq #135
  { code: 0x06, jt: 0, jf: 0, k: 0x40000 }, // ret whole frame
  { code: 0x06, jt: 0, jf: 0, k: 0 }, // ret drop
];

export const openAfPacket: OpenLink = (iface, kind, onFrame) =>
  openPacketSocket(
    kind === 'arp'
      ? { ifname: iface.name, ethertype: ETHERTYPE_ARP, onFrame }
      : { ifname: iface.name, ethertype: ETHERTYPE_IPV6, filter: NS_FILTER, onFrame },
  );

/**
 * Answers ARP requests and neighbour solicitations for the IPs this node owns, on every eligible
 * interface (up, Ethernet, not loopback, not NOARP, not a bridge port; restricted per IP by
 * `interfaces`), with the MAC of the interface the request came in on. The IPs need not be configured
 * on the node. Acquiring an IP sends gratuitous ARP (request and reply) / unsolicited NA (ff02::1, O=1)
 * at once and every ~1.1 s for ~5 s; releasing it stops the answers at once. Interfaces are rescanned
 * every second.
 */
export class L2Responder extends EventEmitter {
  private readonly log: Logger;
  private readonly node: string;
  private readonly defaultInterfaces?: readonly string[];
  private readonly scan: () => InterfaceInfo[];
  private readonly open: OpenLink;
  private readonly gInterval: number;
  private readonly gFor: number;
  private readonly owned = new Map<string, Owned>();
  private readonly links = new Map<string, Link>();
  private readonly gratuitous = new Map<string, NodeJS.Timeout>();
  private readonly gPeriodic: number;
  private readonly reported = new Set<string>();
  private readonly rescanTimer: NodeJS.Timeout;
  private closed = false;
  readonly stats = { arpAnswered: 0, ndpAnswered: 0, gratuitousSent: 0 };

  constructor(opts: L2ResponderOptions) {
    super();
    this.log = opts.logger;
    this.node = opts.node ?? '';
    this.defaultInterfaces = opts.interfaces?.length ? [...opts.interfaces] : undefined;
    this.scan = opts.scan ?? (() => scanInterfaces());
    this.open = opts.open ?? openAfPacket;
    this.gInterval = opts.gratuitousIntervalMs ?? 1100;
    this.gFor = opts.gratuitousForMs ?? 5000;
    this.gPeriodic = opts.periodicGratuitousMs ?? 0;
    this.rescan();
    this.rescanTimer = setInterval(() => this.rescan(), opts.rescanMs ?? 1000);
  }

  /** Replaces the set of owned IPs; new ones are announced at once, missing ones are released at once. */
  setOwned(ips: readonly (string | OwnedIP)[]): void {
    if (this.closed) throw new CodedError('L2_RESPONDER_CLOSED', 'responder is closed');
    const next = new Map<string, Owned>();
    for (const e of ips) {
      const raw = typeof e === 'string' ? e : e.ip;
      const ip = canonicalIP(raw);
      if (!ip) throw new CodedError('L2_BAD_IP', `not an IP address: "${raw}"`);
      const list =
        (typeof e === 'string' ? undefined : e.interfaces?.length ? e.interfaces : undefined) ??
        this.defaultInterfaces;
      next.set(ip, { ip, family: parseIP(ip)!.family, ...(list ? { allowed: new Set(list) } : {}) });
    }
    for (const [ip, o] of this.owned) {
      const n = next.get(ip);
      if (n && sameSet(n.allowed, o.allowed)) continue;
      this.release(o);
    }
    for (const [ip, o] of next) {
      if (this.owned.has(ip)) continue;
      this.acquire(o);
    }
    this.checkNoInterface();
  }

  ownedIPs(): string[] {
    return [...this.owned.keys()];
  }

  /** Names of the interfaces with open sockets. */
  activeInterfaces(): string[] {
    return [...this.links.keys()].sort();
  }

  /** Re-reads the interfaces: opens sockets on new ones (and announces owned IPs there), closes vanished ones. */
  rescan(): void {
    if (this.closed) return;
    let current: InterfaceInfo[];
    try {
      current = selectInterfaces(this.scan());
    } catch (err) {
      this.log.warn('l2.scan_failed', { error: err });
      return;
    }
    const seen = new Set<string>();
    for (const info of current) {
      seen.add(info.name);
      const have = this.links.get(info.name);
      if (have && have.info.ifindex === info.ifindex && have.info.mac === info.mac) {
        have.info = info; // link-local may have changed
        continue;
      }
      if (have) this.dropLink(have, 'changed');
      this.addLink(info);
    }
    for (const link of [...this.links.values()]) if (!seen.has(link.info.name)) this.dropLink(link, 'gone');
    this.checkNoInterface();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.rescanTimer);
    for (const t of this.gratuitous.values()) clearTimeout(t);
    this.gratuitous.clear();
    for (const link of [...this.links.values()]) this.dropLink(link, 'closed');
    this.owned.clear();
  }

  // ------------------------------------------------------------------ internals

  private allowedOn(o: Owned, iface: string): boolean {
    return !o.allowed || o.allowed.has(iface);
  }

  private acquire(o: Owned): void {
    this.owned.set(o.ip, o);
    const on: string[] = [];
    for (const link of this.links.values()) {
      if (!this.allowedOn(o, link.info.name)) continue;
      on.push(link.info.name);
      this.joinFor(o, link);
      this.startGratuitous(o, link);
    }
    this.log.info('l2.acquired', { ip: o.ip, node: this.node, interfaces: on });
  }

  private release(o: Owned): void {
    this.owned.delete(o.ip);
    this.reported.delete(o.ip);
    for (const link of this.links.values()) {
      this.stopGratuitous(o.ip, link.info.name);
      if (this.allowedOn(o, link.info.name)) this.leaveFor(o, link);
    }
    this.log.info('l2.released', { ip: o.ip, node: this.node });
  }

  private addLink(info: InterfaceInfo): void {
    const link: Link = { info, groups: new Map() };
    try {
      link.arp = this.open(info, 'arp', (f, t) => this.onArp(link, f, t));
      link.ndp = this.open(info, 'ndp', (f, t) => this.onNdp(link, f, t));
    } catch (err) {
      link.arp?.close();
      link.ndp?.close();
      this.log.warn('l2.socket_failed', { iface: info.name, node: this.node, error: err });
      return;
    }
    this.links.set(info.name, link);
    this.log.info('l2.interface_up', { iface: info.name, mac: info.mac, node: this.node });
    for (const o of this.owned.values()) {
      if (!this.allowedOn(o, info.name)) continue;
      this.joinFor(o, link);
      this.startGratuitous(o, link);
    }
  }

  private dropLink(link: Link, why: string): void {
    for (const ip of this.owned.keys()) this.stopGratuitous(ip, link.info.name);
    link.arp?.close();
    link.ndp?.close();
    this.links.delete(link.info.name);
    this.log.info('l2.interface_down', { iface: link.info.name, node: this.node, reason: why });
  }

  private joinFor(o: Owned, link: Link): void {
    if (o.family !== 6 || !link.ndp) return;
    const mac = ipv6MulticastMac(solicitedNodeAddress(o.ip));
    const n = link.groups.get(mac) ?? 0;
    if (n === 0) {
      try {
        link.ndp.joinMulticast(mac);
      } catch (err) {
        this.log.warn('l2.multicast_join_failed', { iface: link.info.name, mac, error: err });
      }
    }
    link.groups.set(mac, n + 1);
  }

  private leaveFor(o: Owned, link: Link): void {
    if (o.family !== 6 || !link.ndp) return;
    const mac = ipv6MulticastMac(solicitedNodeAddress(o.ip));
    const n = link.groups.get(mac) ?? 0;
    if (n <= 1) {
      link.groups.delete(mac);
      try {
        link.ndp.leaveMulticast(mac);
      } catch {
        // the interface may be gone already
      }
    } else link.groups.set(mac, n - 1);
  }

  private startGratuitous(o: Owned, link: Link): void {
    const key = `${o.ip}%${link.info.name}`;
    this.stopGratuitous(o.ip, link.info.name);
    const started = Date.now();
    const round = (): void => {
      this.gratuitous.delete(key);
      if (this.closed || this.owned.get(o.ip) !== o || this.links.get(link.info.name) !== link) return;
      this.sendGratuitous(o, link);
      if (Date.now() - started + this.gInterval <= this.gFor)
        this.gratuitous.set(key, setTimeout(round, this.gInterval));
      else if (this.gPeriodic > 0) this.gratuitous.set(key, setTimeout(round, this.gPeriodic));
    };
    round();
  }

  private stopGratuitous(ip: string, iface: string): void {
    const key = `${ip}%${iface}`;
    const t = this.gratuitous.get(key);
    if (t) clearTimeout(t);
    this.gratuitous.delete(key);
  }

  private sendGratuitous(o: Owned, link: Link): void {
    const mac = link.info.mac;
    try {
      if (o.family === 4) for (const f of gratuitousArpFrames(mac, o.ip)) link.arp?.send(f);
      else link.ndp?.send(unsolicitedNaFrame(mac, o.ip, o.ip));
      this.stats.gratuitousSent++;
      this.log.debug('l2.gratuitous', {
        ip: o.ip,
        iface: link.info.name,
        protocol: o.family === 4 ? 'ARP' : 'NDP',
      });
    } catch (err) {
      this.log.warn('l2.send_failed', { ip: o.ip, iface: link.info.name, error: err });
    }
  }

  private onArp(link: Link, frame: Buffer, pktType: number): void {
    if (pktType === PacketType.outgoing || this.closed) return;
    const d = decodeArpFrame(frame);
    if (!d || d.arp.op !== ARP_REQUEST) return;
    const o = this.owned.get(d.arp.targetIp);
    if (!o || !this.allowedOn(o, link.info.name)) return;
    if (d.arp.senderIp === d.arp.targetIp || d.arp.senderMac === link.info.mac) return; // someone's gratuitous ARP, or ours
    try {
      link.arp?.send(arpReplyFrame(link.info.mac, d.arp));
    } catch (err) {
      this.log.warn('l2.send_failed', { ip: o.ip, iface: link.info.name, error: err });
      return;
    }
    this.stats.arpAnswered++;
    this.log.debug('l2.arp_reply', { ip: o.ip, iface: link.info.name, to: d.arp.senderMac });
    this.emit('answered', {
      protocol: 'ARP',
      ip: o.ip,
      iface: link.info.name,
      to: d.arp.senderMac,
    } satisfies AnsweredEvent);
  }

  private onNdp(link: Link, frame: Buffer, pktType: number): void {
    if (pktType === PacketType.outgoing || this.closed) return;
    const d = decodeNdpFrame(frame);
    if (d?.msg.type !== 'ns' || d.eth.src === link.info.mac) return;
    const o = this.owned.get(d.msg.target);
    if (!o || !this.allowedOn(o, link.info.name)) return;
    try {
      // Source = the target itself, as Linux does (ndisc6 ignores NAs for a global target from a link-local).
      link.ndp?.send(solicitedNaFrame({ mac: link.info.mac, srcIp: o.ip, ns: d }));
    } catch (err) {
      this.log.warn('l2.send_failed', { ip: o.ip, iface: link.info.name, error: err });
      return;
    }
    this.stats.ndpAnswered++;
    this.log.debug('l2.na_reply', { ip: o.ip, iface: link.info.name, to: d.eth.src });
    this.emit('answered', {
      protocol: 'NDP',
      ip: o.ip,
      iface: link.info.name,
      to: d.eth.src,
    } satisfies AnsweredEvent);
  }

  /** Reports (once per IP until it recovers) each owned IP that no open interface may answer for. */
  private checkNoInterface(): void {
    for (const o of this.owned.values()) {
      const any = [...this.links.keys()].some((n) => this.allowedOn(o, n));
      if (any) {
        this.reported.delete(o.ip);
        continue;
      }
      if (this.reported.has(o.ip)) continue;
      this.reported.add(o.ip);
      const ev: AnnounceError = {
        code: 'L2_NO_INTERFACE',
        ip: o.ip,
        node: this.node,
        protocol: o.family === 4 ? 'ARP' : 'NDP',
        interfaces: o.allowed ? [...o.allowed] : [],
      };
      this.log.error('l2.no_interface', { ...ev });
      this.emit('announce-error', ev);
    }
  }
}

function sameSet(a?: Set<string>, b?: Set<string>): boolean {
  if (!a || !b) return a === b;
  return a.size === b.size && [...a].every((x) => b.has(x));
}
