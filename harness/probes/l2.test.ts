import t from 'tap';
import { arpRequestFrame, gratuitousArpFrames, unsolicitedNaFrame } from '../../reference/l2/frames.ts';
import { parseTcpdump, sawGratuitousArp, sawUnsolicitedNa } from './l2.ts';

/** Renders a frame as `tcpdump -tt -e -n -xx` would. */
function dump(ts: string, summary: string, frame: Buffer): string {
  const lines = [`${ts} ${summary}`];
  for (let o = 0; o < frame.length; o += 16) {
    const chunk = frame.subarray(o, o + 16).toString('hex');
    const groups = chunk.match(/.{1,4}/g)!.join(' ');
    lines.push(`\t0x${o.toString(16).padStart(4, '0')}:  ${groups}`);
  }
  return lines.join('\n');
}

t.test('parseTcpdump decodes frames and the gratuitous helpers find them', async (t) => {
  const mac = '02:00:00:00:0a:01';
  const [greq, grep] = gratuitousArpFrames(mac, '4.4.4.1');
  const text = [
    dump(
      '1700000000.100000',
      `${mac} > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 60: Request who-has 4.4.4.1 tell 4.4.4.1, length 46`,
      greq,
    ),
    dump(
      '1700000000.200000',
      `${mac} > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 60: Reply 4.4.4.1 is-at ${mac}, length 46`,
      grep,
    ),
    dump(
      '1700000000.300000',
      `${mac} > 33:33:00:00:00:01, ethertype IPv6 (0x86dd), length 86: fe80::1 > ff02::1: ICMP6, neighbor advertisement, tgt is fc00::1, length 32`,
      unsolicitedNaFrame(mac, 'fe80::1', 'fc00::1'),
    ),
    dump(
      '1700000000.400000',
      `02:00:00:00:99:99 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 60: Request who-has 4.4.4.1 tell 192.0.2.1, length 46`,
      arpRequestFrame('02:00:00:00:99:99', '192.0.2.1', '4.4.4.1'),
    ),
    'tcpdump: some trailing noise',
    '',
  ].join('\n');
  const frames = parseTcpdump(text);
  t.equal(frames.length, 4);
  t.equal(frames[0]!.timeMs, 1700000000100);
  t.equal(sawGratuitousArp(frames, mac, '4.4.4.1').length, 2);
  t.equal(sawUnsolicitedNa(frames, mac, 'fc00::1').length, 1);
  t.equal(sawUnsolicitedNa(frames, mac, 'fc00::2').length, 0);
  t.equal(
    sawGratuitousArp(frames, '02:00:00:00:99:99', '4.4.4.1').length,
    0,
    'an ordinary request is not gratuitous',
  );
  t.same(parseTcpdump(''), []);
});
