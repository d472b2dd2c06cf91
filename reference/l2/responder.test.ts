import t from 'tap';
import { silentLogger } from '../../common/log.ts';
import { poll } from '../../common/poll.ts';
import {
  ARP_REPLY,
  ARP_REQUEST,
  arpRequestFrame,
  decodeArpFrame,
  decodeNdpFrame,
  gratuitousArpFrames,
  nsFrame,
} from './frames.ts';
import type { InterfaceInfo } from './interfaces.ts';
import { L2Responder, type AnnounceError, type LinkKind, type LinkSocket } from './responder.ts';

function iface(name: string, ifindex: number, extra: Partial<InterfaceInfo> = {}): InterfaceInfo {
  const mac = `02:00:00:00:00:${ifindex.toString(16).padStart(2, '0')}`;
  return {
    name,
    ifindex,
    mac,
    up: true,
    loopback: false,
    noarp: false,
    bridgePort: false,
    ethernet: true,
    linkLocal: `fe80::${ifindex}`,
    ...extra,
  };
}

class FakeSocket implements LinkSocket {
  sent: Buffer[] = [];
  groups = new Set<string>();
  closed = false;
  constructor(
    readonly iface: string,
    readonly kind: LinkKind,
    readonly deliver: (f: Buffer, pktType: number) => void,
  ) {}
  send(f: Buffer): void {
    this.sent.push(f);
  }
  joinMulticast(mac: string): void {
    this.groups.add(mac);
  }
  leaveMulticast(mac: string): void {
    this.groups.delete(mac);
  }
  close(): void {
    this.closed = true;
  }
}

function harness(
  ifs: InterfaceInfo[],
  opts: { interfaces?: string[]; gInterval?: number; gFor?: number; periodic?: number } = {},
) {
  let current = ifs;
  const sockets: FakeSocket[] = [];
  const r = new L2Responder({
    logger: silentLogger,
    node: 'nodeA',
    ...(opts.interfaces ? { interfaces: opts.interfaces } : {}),
    rescanMs: 60_000,
    gratuitousIntervalMs: opts.gInterval ?? 60_000,
    gratuitousForMs: opts.gFor ?? 0,
    ...(opts.periodic ? { periodicGratuitousMs: opts.periodic } : {}),
    scan: () => current,
    open: (info, kind, onFrame) => {
      const s = new FakeSocket(info.name, kind, onFrame);
      sockets.push(s);
      return s;
    },
  });
  const sock = (name: string, kind: LinkKind) =>
    sockets.filter((s) => s.iface === name && s.kind === kind && !s.closed).at(-1)!;
  return { r, sockets, sock, setInterfaces: (x: InterfaceInfo[]) => (current = x) };
}

const client = '02:00:00:00:99:99';

t.test(
  'answers ARP for owned IPv4 with the MAC of the receiving interface, and stops when released',
  async (t) => {
    const { r, sock } = harness([iface('eth0', 2), iface('eth1', 3)]);
    t.teardown(() => r.close());
    t.same(r.activeInterfaces(), ['eth0', 'eth1']);
    r.setOwned(['4.4.4.1']);
    const arp0 = sock('eth0', 'arp');
    arp0.sent = [];
    arp0.deliver(arpRequestFrame(client, '192.0.2.50', '4.4.4.1'), 0);
    t.equal(arp0.sent.length, 1);
    const d = decodeArpFrame(arp0.sent[0]!)!;
    t.equal(d.eth.dst, client);
    t.strictSame(d.arp, {
      op: ARP_REPLY,
      senderMac: '02:00:00:00:00:02',
      senderIp: '4.4.4.1',
      targetMac: client,
      targetIp: '192.0.2.50',
    });

    const arp1 = sock('eth1', 'arp');
    arp1.sent = [];
    arp1.deliver(arpRequestFrame(client, '192.0.2.50', '4.4.4.1'), 0);
    t.equal(
      decodeArpFrame(arp1.sent[0]!)!.arp.senderMac,
      '02:00:00:00:00:03',
      'eth1 answers with its own MAC',
    );

    arp0.sent = [];
    arp0.deliver(arpRequestFrame(client, '192.0.2.50', '4.4.4.2'), 0);
    arp0.deliver(arpRequestFrame(client, '192.0.2.50', '4.4.4.1'), 4);
    arp0.deliver(gratuitousArpFrames(client, '4.4.4.1')[0], 0);
    t.equal(arp0.sent.length, 0, "not owned / outgoing / someone else's gratuitous ARP: no answer");

    r.setOwned([]);
    arp0.deliver(arpRequestFrame(client, '192.0.2.50', '4.4.4.1'), 0);
    t.equal(arp0.sent.length, 0, 'released: no answer');
    t.equal(r.stats.arpAnswered, 2);
  },
);

t.test('answers NS with a solicited NA and joins/leaves the solicited-node group', async (t) => {
  const { r, sock } = harness([iface('eth0', 2)]);
  t.teardown(() => r.close());
  r.setOwned(['fc00:f853:ccd:e799::1']);
  const ndp = sock('eth0', 'ndp');
  t.ok(ndp.groups.has('33:33:ff:00:00:01'), 'joined solicited-node multicast MAC');
  ndp.sent = [];
  ndp.deliver(nsFrame({ mac: client, srcIp: 'fe80::99', target: 'fc00:f853:ccd:e799::1' }), 2);
  t.equal(ndp.sent.length, 1);
  const na = decodeNdpFrame(ndp.sent[0]!)!;
  t.equal(na.eth.dst, client);
  t.equal(na.eth.src, '02:00:00:00:00:02');
  t.equal(na.ip.src, 'fc00:f853:ccd:e799::1', 'source is the target address, as Linux does');
  t.equal(na.ip.dst, 'fe80::99');
  t.strictSame(na.msg, {
    type: 'na',
    target: 'fc00:f853:ccd:e799::1',
    flags: { router: false, solicited: true, override: true },
    targetLinkAddr: '02:00:00:00:00:02',
  });
  r.setOwned([]);
  t.notOk(ndp.groups.has('33:33:ff:00:00:01'), 'left the group');
  ndp.deliver(nsFrame({ mac: client, srcIp: 'fe80::99', target: 'fc00:f853:ccd:e799::1' }), 2);
  t.equal(ndp.sent.length, 1, 'released: no answer');
});

t.test('a group shared by two IPs is left only when both are released', async (t) => {
  const { r, sock } = harness([iface('eth0', 2)]);
  t.teardown(() => r.close());
  r.setOwned(['2001:db8::1', '2001:db8:1::1']);
  const ndp = sock('eth0', 'ndp');
  r.setOwned(['2001:db8::1']);
  t.ok(ndp.groups.has('33:33:ff:00:00:01'));
  r.setOwned([]);
  t.notOk(ndp.groups.has('33:33:ff:00:00:01'));
});

t.test(
  'gratuitous ARP (both forms) and unsolicited NA: one round at once, then periodic, then stop',
  async (t) => {
    // Rounds at 0, 50, 100, 150, 200 ms; the round at 200 ms stops (200 + 50 > 225). gFor sits half an
    // interval off the round times: with gFor a multiple of the interval, a timer firing on time sent a
    // sixth round and a late one did not (the test failed about one run in three).
    const { r, sock } = harness([iface('eth0', 2)], { gInterval: 50, gFor: 225 });
    t.teardown(() => r.close());
    r.setOwned(['4.4.4.1', 'fc00::1']);
    const arp = sock('eth0', 'arp');
    const ndp = sock('eth0', 'ndp');
    t.equal(arp.sent.length, 2, 'first round sent synchronously');
    const [req, rep] = arp.sent.map((f) => decodeArpFrame(f)!);
    t.equal(req!.arp.op, ARP_REQUEST);
    t.equal(rep!.arp.op, ARP_REPLY);
    t.equal(req!.arp.senderIp, '4.4.4.1');
    t.equal(req!.arp.targetIp, '4.4.4.1');
    const na = decodeNdpFrame(ndp.sent[0]!)!;
    t.equal(na.ip.dst, 'ff02::1');
    t.strictSame(na.msg, {
      type: 'na',
      target: 'fc00::1',
      flags: { router: false, solicited: false, override: true },
      targetLinkAddr: '02:00:00:00:00:02',
    });
    await poll(
      '5 rounds',
      async () => {
        if (ndp.sent.length !== 5 || arp.sent.length !== 10)
          throw new Error(`arp ${arp.sent.length} ndp ${ndp.sent.length}`);
      },
      { timeoutMs: 2000, intervalMs: 10 },
    );
    const before = arp.sent.length;
    await poll(
      'no more rounds',
      async () => {
        if (arp.sent.length !== before) throw new Error('still sending');
      },
      { timeoutMs: 2000, intervalMs: 50, consecutive: 4 },
    );
    t.equal(arp.sent.length, 10);
  },
);

t.test(
  'periodic announcements (off by default) go on after the burst until the IP is released',
  async (t) => {
    const { r, sock } = harness([iface('eth0', 2)], { gInterval: 10, gFor: 30, periodic: 40 });
    t.teardown(() => r.close());
    r.setOwned(['4.4.4.1']);
    const arp = sock('eth0', 'arp');
    await poll(
      'past the burst (4 rounds) and 3 periodic rounds',
      async () => {
        if (arp.sent.length < 2 * 7) throw new Error(`${arp.sent.length / 2} rounds`);
      },
      { timeoutMs: 3000, intervalMs: 10 },
    );
    const reqs = arp.sent.map((f) => decodeArpFrame(f)!).filter((f) => f.arp.op === ARP_REQUEST);
    t.ok(
      reqs.every((f) => f.arp.senderIp === '4.4.4.1' && f.arp.targetIp === '4.4.4.1'),
      'gratuitous form',
    );
    r.setOwned([]);
    const n = arp.sent.length;
    await poll(
      'quiet after release',
      async () => {
        if (arp.sent.length !== n) throw new Error('sent after release');
      },
      { timeoutMs: 2000, intervalMs: 30, consecutive: 4 },
    );
    t.equal(arp.sent.length, n);
  },
);

t.test('releasing stops the gratuitous rounds at once', async (t) => {
  const { r, sock } = harness([iface('eth0', 2)], { gInterval: 10, gFor: 5000 });
  t.teardown(() => r.close());
  r.setOwned(['4.4.4.1']);
  r.setOwned([]);
  const arp = sock('eth0', 'arp');
  const n = arp.sent.length;
  await poll(
    'quiet',
    async () => {
      if (arp.sent.length !== n) throw new Error('sent after release');
    },
    { timeoutMs: 1000, intervalMs: 30, consecutive: 5 },
  );
  t.equal(n, 2);
});

t.test(
  'interfaces: only listed ones answer; none present -> announce-error naming IP, node, protocol',
  async (t) => {
    const { r, sock } = harness([iface('interfaceA', 2), iface('eth1', 3)], { interfaces: ['interfaceA'] });
    t.teardown(() => r.close());
    const errors: AnnounceError[] = [];
    r.on('announce-error', (e: AnnounceError) => errors.push(e));
    r.setOwned([
      '4.4.4.1',
      { ip: '4.4.4.2', interfaces: ['interfaceB'] },
      { ip: 'fc00::2', interfaces: ['nope'] },
    ]);
    const a = sock('interfaceA', 'arp');
    const e = sock('eth1', 'arp');
    a.sent = [];
    e.sent = [];
    a.deliver(arpRequestFrame(client, '192.0.2.50', '4.4.4.1'), 0);
    e.deliver(arpRequestFrame(client, '192.0.2.50', '4.4.4.1'), 0);
    t.equal(a.sent.length, 1, 'interfaceA answers');
    t.equal(e.sent.length, 0, 'eth1 does not');
    t.strictSame(
      errors.map((x) => [x.code, x.ip, x.node, x.protocol]),
      [
        ['L2_NO_INTERFACE', '4.4.4.2', 'nodeA', 'ARP'],
        ['L2_NO_INTERFACE', 'fc00::2', 'nodeA', 'NDP'],
      ],
    );
    r.setOwned([
      '4.4.4.1',
      { ip: '4.4.4.2', interfaces: ['interfaceB'] },
      { ip: 'fc00::2', interfaces: ['nope'] },
    ]);
    t.equal(errors.length, 2, 'reported once, not on every update');
  },
);

t.test('skips loopback, NOARP, down, bridge ports and non-Ethernet; rescans', async (t) => {
  const { r, sock, setInterfaces, sockets } = harness(
    [
      iface('lo', 1, { loopback: true }),
      iface('tun0', 4, { noarp: true }),
      iface('p0', 5, { bridgePort: true }),
      iface('eth9', 6, { up: false }),
      iface('gre1', 7, { ethernet: false }),
      iface('eth0', 2),
    ],
    { gInterval: 60_000, gFor: 5000 },
  );
  t.teardown(() => r.close());
  t.same(r.activeInterfaces(), ['eth0']);
  r.setOwned(['4.4.4.1']);
  setInterfaces([iface('eth0', 2), iface('eth1', 3)]);
  r.rescan();
  t.same(r.activeInterfaces(), ['eth0', 'eth1']);
  t.equal(sock('eth1', 'arp').sent.length, 2, 'a new interface gets the gratuitous ARP at once');
  const old = sock('eth0', 'arp');
  setInterfaces([iface('eth0', 12), iface('eth1', 3)]);
  r.rescan();
  t.ok(old.closed, 'a re-created interface (new ifindex) gets new sockets');
  setInterfaces([iface('eth1', 3)]);
  r.rescan();
  t.same(r.activeInterfaces(), ['eth1']);
  r.close();
  t.ok(
    sockets.every((s) => s.closed),
    'close closes every socket',
  );
  t.throws(() => r.setOwned(['4.4.4.1']), { code: 'L2_RESPONDER_CLOSED' });
});

t.test('bad IPs are rejected with a code', async (t) => {
  const { r } = harness([]);
  t.teardown(() => r.close());
  t.throws(() => r.setOwned(['4.4.4']), { code: 'L2_BAD_IP' });
});
