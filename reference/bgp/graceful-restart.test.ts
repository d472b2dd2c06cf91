import t from 'tap';
import { once } from 'node:events';
import { decodeMessage, encodeOpen, ourCapabilities, type Message, type OpenMessage } from './messages.ts';
import {
  encodeEndOfRib,
  encodeGracefulRestartCapability,
  endOfRibFamily,
  findGracefulRestartCapability,
} from './graceful-restart.ts';
import type { ScriptedPeer } from '../../tools/bgp-peer/scripted-peer.ts';
import { sessionWithPeer } from '../../tools/bgp-peer/session-with-peer.ts';
import type { BgpSession } from './session.ts';
import { decodeUpdate } from './update.ts';
import { cidrOf, formatCidr } from '../model/ip.ts';

t.test(
  'capability 64: R bit, 12-bit restart time, F bit per family, as RFC 4724 section 3 lays it out',
  async (t) => {
    const cap = encodeGracefulRestartCapability({
      restartState: true,
      restartTimeSeconds: 120,
      families: [
        { family: 'ipv4', forwardingPreserved: true },
        { family: 'ipv6', forwardingPreserved: false },
      ],
    }) as { code: number; raw: Buffer };
    t.equal(cap.code, 64);
    t.equal(cap.raw.toString('hex'), '8078' + '00010180' + '00020100');
    // through a whole OPEN and back
    const open = decodeMessage(
      encodeOpen({
        version: 4,
        asn: 64500,
        holdTime: 9,
        routerId: '192.0.2.1',
        capabilities: [...ourCapabilities(64500), cap],
      }),
    );
    t.same(findGracefulRestartCapability((open as OpenMessage).capabilities), {
      restartState: true,
      restartTimeSeconds: 120,
      families: [
        { family: 'ipv4', forwardingPreserved: true },
        { family: 'ipv6', forwardingPreserved: false },
      ],
    });
    t.throws(() =>
      encodeGracefulRestartCapability({ restartState: false, restartTimeSeconds: 4096, families: [] }),
    );
    t.equal(
      findGracefulRestartCapability([{ code: 64, raw: Buffer.from([0, 1, 2]) }]),
      undefined,
      'malformed length',
    );
    t.equal(findGracefulRestartCapability(ourCapabilities(1)), undefined, 'absent');
  },
);

t.test(
  'End-of-RIB: empty UPDATE for IPv4, empty MP_UNREACH_NLRI for IPv6; ordinary UPDATEs are not',
  async (t) => {
    const v4 = decodeMessage(encodeEndOfRib('ipv4')) as { type: 'update'; body: Buffer };
    const v6 = decodeMessage(encodeEndOfRib('ipv6')) as { type: 'update'; body: Buffer };
    t.equal(encodeEndOfRib('ipv4').length, 23, 'the 23-byte marker');
    t.equal(endOfRibFamily(v4.body), 'ipv4');
    t.equal(endOfRibFamily(v6.body), 'ipv6');
    // our own strict UPDATE decoder takes the IPv6 marker as a withdrawal of nothing
    t.same(decodeUpdate(v6.body, true).attributes.mpUnreach?.withdrawn, []);
    t.equal(endOfRibFamily(Buffer.from('000000044001010000', 'hex')), undefined, 'an UPDATE with ORIGIN');
    t.equal(endOfRibFamily(Buffer.from('000520cb0071c80000', 'hex')), undefined, 'a withdrawal');
    t.equal(
      endOfRibFamily(Buffer.from('0000000880' + '0f050002010820', 'hex')),
      undefined,
      'an IPv6 withdrawal',
    );
  },
);

async function grSetup(t: { teardown(fn: () => unknown): void }, restarting: boolean, offerGr = true) {
  return sessionWithPeer(
    t,
    {
      asn: 64500,
      holdTime: 9,
      capabilities: [
        ...ourCapabilities(64500),
        ...(offerGr
          ? [encodeGracefulRestartCapability({ restartState: false, restartTimeSeconds: 120, families: [] })]
          : []),
      ],
    },
    { peerAsn: 64500, holdTime: 9, gracefulRestart: { restartTimeSeconds: 120, restarting } },
  );
}

const route = (prefix: string) => ({
  prefix: cidrOf(prefix),
  communities: [],
  largeCommunities: [],
  localPref: 0,
});
const isUpdate = (m: Message): m is { type: 'update'; body: Buffer } => m.type === 'update';

/** The session says it sent End-of-RIB, and the peer has the last one (IPv6's). */
async function endOfRibSent(session: BgpSession, peer: ScriptedPeer): Promise<void> {
  await once(session, 'end-of-rib-sent');
  await peer.next(
    ({ msg: m }) => isUpdate(m) && endOfRibFamily(m.body) === 'ipv6',
    undefined,
    'IPv6 End-of-RIB',
  );
}

t.test(
  'a restarted speaker: R bit in its first OPEN, routes then End-of-RIB per family, R cleared after',
  async (t) => {
    const { peer, session } = await grSetup(t, true);
    session.setRoutes([route('203.0.113.200/32'), route('2001:db8:300::1/128')]);
    session.start();
    await endOfRibSent(session, peer);
    const open = peer.messages.find((m) => m.type === 'open') as OpenMessage;
    t.match(findGracefulRestartCapability(open.capabilities), {
      restartState: true,
      restartTimeSeconds: 120,
      families: [
        { family: 'ipv4', forwardingPreserved: true },
        { family: 'ipv6', forwardingPreserved: true },
      ],
    });
    const updates = peer.messages.filter(isUpdate);
    const markers = updates.map((u) => endOfRibFamily(u.body));
    t.same(markers.slice(-2).sort(), ['ipv4', 'ipv6'], 'the last two UPDATEs are the End-of-RIB markers');
    const announced = updates
      .slice(0, -2)
      .flatMap((u) => {
        const d = decodeUpdate(u.body, true);
        return [...d.nlri, ...(d.attributes.mpReach?.nlri ?? [])].map(formatCidr);
      })
      .sort();
    t.same(announced, ['2001:db8:300::1/128', '203.0.113.200/32'], 'every route before its End-of-RIB');
    t.equal((session.status().negotiated as { gracefulRestart?: boolean }).gracefulRestart, true);

    // the next connection of the same process is no restart: R bit clear
    const again = once(session, 'established');
    const opensBefore = peer.messages.filter((m) => m.type === 'open').length;
    peer.dropConnection();
    await again;
    const opens = peer.messages.filter((m) => m.type === 'open') as OpenMessage[];
    t.equal(opens.length, opensBefore + 1);
    t.equal(findGracefulRestartCapability(opens.at(-1)!.capabilities)?.restartState, false);
  },
);

t.test('an empty table still ends with End-of-RIB; without graceful restart no marker is sent', async (t) => {
  const { peer, session } = await grSetup(t, false, false);
  session.start();
  await endOfRibSent(session, peer);
  t.equal(peer.messages.filter(isUpdate).length, 2);
  t.equal((session.status().negotiated as { gracefulRestart?: boolean }).gracefulRestart, false);

  const { peer: plain, session: s2 } = await sessionWithPeer(t, { asn: 64500, holdTime: 9 }, { holdTime: 9 });
  s2.setRoutes([route('203.0.113.201/32')]);
  s2.start();
  await plain.nextUpdate({ what: 'the route' });
  const open = plain.messages.find((m) => m.type === 'open') as OpenMessage;
  t.equal(findGracefulRestartCapability(open.capabilities), undefined, 'no capability 64 without the flag');
  await s2.stop();
  t.notOk(
    plain.messages.some((m) => isUpdate(m) && endOfRibFamily(m.body)),
    'no End-of-RIB without graceful restart',
  );
});

t.test(
  'stop for a restart closes the connection without NOTIFICATION; a plain stop sends Cease',
  async (t) => {
    const { peer, session } = await grSetup(t, false);
    session.start();
    await once(session, 'end-of-rib-sent');
    await session.stop({ notify: false });
    await peer.closed();
    t.notOk(
      peer.messages.some((m) => m.type === 'notification'),
      'no NOTIFICATION before the close',
    );
  },
);
