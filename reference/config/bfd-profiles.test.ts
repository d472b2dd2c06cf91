import t from 'tap';
import { parseManifestText } from './load.ts';
import { peersForNode } from '../plan/peers.ts';

const peers = `
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: tor, namespace: metallb-system }
spec: { myASN: 64500, peerASN: 64500, peerAddress: 192.0.2.1, bfdProfile: fast, enableGracefulRestart: true }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: plain, namespace: metallb-system }
spec: { myASN: 64500, peerASN: 64500, peerAddress: 192.0.2.2 }
`;

t.test(
  'a BGPPeer naming a BFDProfile gets its timers, FRR defaults for the rest; GR resolved too',
  async (t) => {
    const text = `${peers}---
apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata: { name: fast, namespace: metallb-system }
spec: { receiveInterval: 100, transmitInterval: 150, passiveMode: true, echoMode: true }
`;
    const { config, errors } = parseManifestText(text, 'bfd.yaml');
    t.same(errors, []);
    const [plain, tor] = peersForNode(config!, 'NodeA');
    t.equal(plain!.bfd, undefined);
    t.equal(plain!.gracefulRestart, undefined);
    t.equal(tor!.gracefulRestart, true);
    t.same(tor!.bfd, {
      profile: 'fast',
      receiveIntervalMs: 100,
      transmitIntervalMs: 150,
      detectMultiplier: 3,
      echoMode: true,
      echoIntervalMs: 50,
      passive: true,
      minimumTtl: 254,
    });
  },
);

t.test(
  'a missing profile is an error that names the field (MetalLB: TransientError, not applied)',
  async (t) => {
    const { config, errors } = parseManifestText(peers, 'bfd.yaml');
    t.equal(config, undefined);
    t.match(errors, [
      { code: 'BFD_PROFILE_NOT_FOUND', kind: 'BGPPeer', name: 'tor', field: 'spec.bfdProfile', line: 5 },
    ]);
  },
);

t.test('MetalLB ranges: every bound in, every bound out', async (t) => {
  const cases: [string, number, boolean][] = [
    ['receiveInterval', 10, true],
    ['receiveInterval', 60000, true],
    ['receiveInterval', 60001, false],
    ['transmitInterval', 9, false],
    ['detectMultiplier', 2, true],
    ['detectMultiplier', 255, true],
    ['detectMultiplier', 256, false],
    ['echoInterval', 10, true],
    ['echoInterval', 9, false],
    ['minimumTtl', 1, true],
    ['minimumTtl', 254, true],
    ['minimumTtl', 255, false],
  ];
  for (const [field, value, ok] of cases) {
    const { errors } = parseManifestText(
      `apiVersion: metallb.io/v1beta1\nkind: BFDProfile\nmetadata: { name: p }\nspec:\n  ${field}: ${value}\n`,
      'p.yaml',
    );
    if (ok) t.same(errors, [], `${field} ${value} accepted`);
    else
      t.match(errors, [{ code: 'INVALID_BFD_PROFILE', field: `spec.${field}` }], `${field} ${value} refused`);
  }
});
