/**
 * Runs inside the doctor's namespace (`ip netns exec NS node probe.js md5|packet`) and prints one JSON
 * line: whether the kernel takes a TCP MD5 key on a listening socket (TCP_MD5SIG, what BGP passwords
 * need), and whether an AF_PACKET socket opens on eth0 (what ARP/NDP answers need). No packet is sent.
 */
import { listenBgpSocket, setListenerMd5 } from '../../reference/bgp/tcp-socket.ts';
import { openPacketSocket } from '../../reference/l2/packet-socket.ts';

function check(what: string): { ok: boolean; detail: string } {
  try {
    if (what === 'md5') {
      const fd = listenBgpSocket('192.0.2.1', 179);
      setListenerMd5(fd, '192.0.2.2', 'lbconform-doctor');
      return { ok: true, detail: 'TCP_MD5SIG accepted on a listener' };
    }
    const s = openPacketSocket({ ifname: 'eth0', ethertype: 0x0806, onFrame: () => {} });
    s.close();
    return { ok: true, detail: 'AF_PACKET socket opened on eth0' };
  } catch (err) {
    const e = err as Error & { code?: string };
    return { ok: false, detail: `${e.code ? `${e.code}: ` : ''}${e.message}` };
  }
}

process.stdout.write(`${JSON.stringify(check(process.argv[2] ?? ''))}\n`);
process.exit(0);
