import t from 'tap';
import { parseManifestText } from './load.ts';
import { checkBfdProfileReferences, decodeBfdProfile } from './bfd-profiles.ts';
import type * as M from '../model/types.ts';
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

t.test('decodeBfdProfile keeps exactly the fields written; the modes are false unless true', async (t) => {
  const src = { file: 'p.yaml', line: 1 };
  t.same(decodeBfdProfile('none', {}, src), { name: 'none', echoMode: false, passiveMode: false, src });
  t.strictSame(
    Object.keys(decodeBfdProfile('none', {}, src)).sort(),
    ['echoMode', 'name', 'passiveMode', 'src'],
    'no key for an unset timer (FRR defaults apply later)',
  );
  const full = {
    receiveInterval: 100,
    transmitInterval: 200,
    detectMultiplier: 5,
    echoInterval: 60,
    minimumTtl: 9,
  };
  t.same(decodeBfdProfile('full', { ...full, echoMode: true, passiveMode: true }, src), {
    name: 'full',
    ...full,
    echoMode: true,
    passiveMode: true,
    src,
  });
  t.same(decodeBfdProfile('off', { echoMode: false, passiveMode: false }, src), {
    name: 'off',
    echoMode: false,
    passiveMode: false,
    src,
  });
});

t.test('a missing profile names the profiles that exist, sorted, or (none)', async (t) => {
  const src = { file: 'p.yaml', line: 4 };
  const peer = { name: 'tor', bfdProfile: 'fast', src } as unknown as M.BGPPeer;
  const profile = (name: string): M.BFDProfile => decodeBfdProfile(name, {}, src);
  const messages = (profiles: M.BFDProfile[]): string[] => {
    const errors: M.ValidationError[] = [];
    checkBfdProfileReferences([peer, { ...peer, name: 'no-bfd', bfdProfile: undefined }], profiles, errors);
    return errors.map((e) => e.message);
  };
  t.same(messages([]), ['no BFDProfile named "fast"; defined profiles: (none)']);
  t.same(messages([profile('zeta'), profile('alpha')]), [
    'no BFDProfile named "fast"; defined profiles: alpha, zeta',
  ]);
  t.same(messages([profile('fast')]), [], 'found: no error');
});
