import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import type { Logger } from '../../common/log.ts';
import { Membership, type MembershipPeer } from '../l2/membership.ts';
import { L2Responder } from '../l2/responder.ts';

export interface L2Settings {
  secret: string;
  port: number;
  intervalMs: number;
  deadAfterMs: number;
  /** Periodic gratuitous ARP / unsolicited NA after the first 5 s (ms; 0 = off, MetalLB's behaviour). */
  periodicGratuitousMs?: number;
}

export interface L2Row {
  ip: string;
  /** Empty = every eligible interface. */
  interfaces: string[];
}

/**
 * Layer 2 for one node: membership (who is alive, fed back into the election) and the ARP/NDP
 * responder for the IPs this node won. Started lazily, the first time the config has L2 work, so a
 * BGP-only speaker opens no packet sockets and no UDP port.
 */
export class L2Announcer {
  private membership?: Membership;
  private responder?: L2Responder;
  private membersKey = '';
  private settled = false;
  private settleTimer?: NodeJS.Timeout;
  private lastApplied?: {
    members: MembershipPeer[];
    rows: L2Row[];
    needed: boolean;
    /** The alive set the rows' owners were elected among. */
    computedFor?: string[];
  };

  constructor(
    private readonly node: string,
    private readonly settings: L2Settings,
    private readonly log: Logger,
    /** Called when the alive set changes: the owner of each IP may change. */
    private readonly onAliveChange: () => void,
  ) {}

  /** Live nodes as this speaker sees them (itself included). */
  alive(): string[] {
    return [...new Set([this.node, ...(this.membership?.alive() ?? [])])].sort();
  }

  /** Until the first heartbeat round is over, the alive set is not trusted: announce nothing yet. */
  get ready(): boolean {
    return this.settled;
  }

  /** `computedFor`: the alive set `rows` were elected among (the settle step re-uses only current rows). */
  async apply(
    members: MembershipPeer[],
    rows: L2Row[],
    needed: boolean,
    computedFor?: readonly string[],
  ): Promise<void> {
    if (!needed && !this.membership) return;
    this.lastApplied = { members, rows, needed, ...(computedFor ? { computedFor: [...computedFor] } : {}) };
    const peers = members.filter((m) => m.node !== this.node);
    const key = JSON.stringify(peers);
    if (!this.membership) {
      const self = members.find((m) => m.node === this.node);
      this.membership = new Membership({
        node: this.node,
        secret: this.settings.secret,
        port: this.settings.port,
        peers,
        intervalMs: this.settings.intervalMs,
        deadAfterMs: this.settings.deadAfterMs,
        logger: this.log.child({ part: 'membership' }),
        ...(self && !self.address.includes(':') ? { bind: '0.0.0.0' } : {}),
      });
      this.membersKey = key;
      this.membership.on('change', (alive: string[]) => {
        this.log.info('l2.members.changed', { alive });
        this.onAliveChange();
      });
      this.membership.on('rejected', (reason: string, from: string) =>
        this.log.warn('l2.membership.rejected', { reason, from }),
      );
      await this.membership.ready;
      // One dead-after interval lets every live peer be heard before the first election.
      this.settleTimer = setTimeout(() => {
        this.settled = true;
        this.log.info('l2.members.settled', { alive: this.alive() });
        // The rows withheld while unsettled are applied now only if they were elected among the nodes
        // alive now. Rows from an earlier view (at start a speaker sees only itself, and would win every
        // IP) must not go out even for a moment: that is a rejoining node announcing IPs it does not own.
        // Otherwise the speaker recomputes with the settled alive set and applies that.
        const last = this.lastApplied;
        if (last && (!last.computedFor || last.computedFor.join(',') === this.alive().join(',')))
          void this.apply(last.members, last.rows, last.needed, last.computedFor).catch((err: unknown) =>
            this.log.error('l2.apply.failed', { error: err as Error }),
          );
        this.onAliveChange();
      }, this.settings.deadAfterMs);
    } else if (key !== this.membersKey) {
      this.membersKey = key;
      this.membership.setPeers(peers);
    }
    if (!this.settled) return;
    this.responder ??= this.openResponder();
    this.responder.setOwned(
      rows.map((r) => ({ ip: r.ip, ...(r.interfaces.length ? { interfaces: r.interfaces } : {}) })),
    );
    if (rows.length) this.checkForwarding(members.find((m) => m.node === this.node)?.address);
  }

  private warnedForwarding = new Set<string>();

  /**
   * Doc 27.2.9: traffic for an IP announced on a secondary interface (not the one holding the node's
   * own address) must be forwarded; warn once per interface when the kernel would drop it.
   */
  private checkForwarding(nodeAddress: string | undefined): void {
    const ifaces = networkInterfaces();
    const primary = Object.entries(ifaces).find(([, list]) =>
      list?.some((a) => a.address === nodeAddress),
    )?.[0];
    for (const name of this.responder?.activeInterfaces() ?? []) {
      if (name === primary || this.warnedForwarding.has(name)) continue;
      let forwarding = '1';
      try {
        forwarding = readFileSync(`/proc/sys/net/ipv4/conf/${name}/forwarding`, 'utf8').trim();
      } catch {
        continue;
      }
      if (forwarding !== '1') {
        this.warnedForwarding.add(name);
        this.log.warn('l2.forwarding.disabled', {
          iface: name,
          hint: `traffic announced on secondary interface ${name} is dropped: set net.ipv4.conf.${name}.forwarding=1 (and rp_filter=0)`,
        });
      }
    }
  }

  private openResponder(): L2Responder {
    const r = new L2Responder({
      logger: this.log.child({ part: 'l2' }),
      node: this.node,
      ...(this.settings.periodicGratuitousMs
        ? { periodicGratuitousMs: this.settings.periodicGratuitousMs }
        : {}),
    });
    r.on(
      'announce-error',
      (e: { code: string; ip: string; node: string; protocol: string; interfaces: string[] }) => {
        this.log.error('l2.announce.error', { ...e });
      },
    );
    return r;
  }

  status(): unknown {
    return { alive: this.alive(), settled: this.settled, owned: this.responder?.ownedIPs() ?? [] };
  }

  async close(): Promise<void> {
    clearTimeout(this.settleTimer);
    this.responder?.close();
    await this.membership?.close({ graceful: true });
  }
}
