import t from 'tap';
import { parseManifestText } from '../config/load.ts';
import { BFD_DEFAULTS, peersForNode, resolveBfd } from './peers.ts';

const config = (() => {
  const r = parseManifestText(
    `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: zeta}
spec: {myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.9}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: alpha}
spec: {myASN: 64500, localASN: 64510, peerASN: 64501, peerAddress: "2001:db8::1", sourceAddress: "2001:db8::11", routerID: 192.0.2.11, password: s3cret, connectTime: 5s, bfdProfile: fast, holdTime: 9s, keepaliveTime: 3s}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: rack2}
spec: {myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.2, nodeSelectors: [{matchLabels: {rack: r2}}]}
---
apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata: {name: fast}
spec: {receiveInterval: 100}
---
apiVersion: v1
kind: Node
metadata: {name: NodeA, labels: {rack: r1}}
`,
    'peers.yaml',
  );
  if (!r.config) throw new Error(JSON.stringify(r.errors));
  return r.config;
})();

t.test("a node's peers: selected by nodeSelectors, sorted by name, every default resolved", async (t) => {
  const peers = peersForNode(config, 'NodeA');
  t.same(
    peers.map((p) => p.name),
    ['alpha', 'zeta'],
    'rack2 selects rack r2 only; sorted by name, not file order',
  );
  const [alpha, zeta] = peers as [(typeof peers)[0], (typeof peers)[0]];
  t.match(alpha, {
    myAsn: 64510, // localASN: the session speaks as that AS
    peerAsn: 64501,
    sourceAddress: '2001:db8::11',
    routerId: '192.0.2.11',
    password: 's3cret',
    connectTime: 5,
    holdTime: 9,
    keepaliveTime: 3,
    families: ['ipv6'],
    bfd: { ...resolveBfd(config.bfdProfiles![0]!), receiveIntervalMs: 100 },
  });
  for (const k of [
    'sourceAddress',
    'routerId',
    'password',
    'connectTime',
    'bfd',
    'ebgpMultiHop',
    'gracefulRestart',
  ])
    t.notOk(k in zeta, `zeta sets no ${k}: the key is absent, not undefined`);
  t.same(zeta.families, ['ipv4']);
});

t.test(
  'a node without a Node object still has its hostname label; a BFDProfile fills only what it leaves unset',
  async (t) => {
    t.same(
      peersForNode(config, 'Ghost').map((p) => p.name),
      ['alpha', 'zeta'],
    );
    const r = resolveBfd({ ...config.bfdProfiles![0]!, receiveInterval: undefined } as never);
    t.same(
      [r.receiveIntervalMs, r.transmitIntervalMs, r.detectMultiplier, r.echoIntervalMs, r.minimumTtl],
      [
        BFD_DEFAULTS.receiveIntervalMs,
        BFD_DEFAULTS.transmitIntervalMs,
        BFD_DEFAULTS.detectMultiplier,
        BFD_DEFAULTS.echoIntervalMs,
        BFD_DEFAULTS.minimumTtl,
      ],
    );
    const set = resolveBfd({
      ...config.bfdProfiles![0]!,
      transmitInterval: 200,
      detectMultiplier: 5,
      echoInterval: 70,
      minimumTtl: 250,
    });
    t.same(
      [set.transmitIntervalMs, set.detectMultiplier, set.echoIntervalMs, set.minimumTtl],
      [200, 5, 70, 250],
    );
    t.equal(set.profile, 'fast');
  },
);

// ---- Cases Stryker showed no test could tell apart (`npm run mutation:unit -- plan`, peers.ts) ----

t.test(
  'a Node-less node is selected by its hostname label; a peer gets the BFDProfile it names',
  async (t) => {
    const r = parseManifestText(
      `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: ghost-only}
spec: {myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.9, bfdProfile: second, nodeSelectors: [{matchLabels: {kubernetes.io/hostname: Ghost}}]}
---
apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata: {name: first}
spec: {receiveInterval: 100}
---
apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata: {name: second}
spec: {receiveInterval: 200}
`,
      'peers.yaml',
    );
    if (!r.config) throw new Error(JSON.stringify(r.errors));
    const peers = peersForNode(r.config, 'Ghost');
    t.same(
      peers.map((p) => p.name),
      ['ghost-only'],
    );
    t.equal(peers[0]!.bfd!.receiveIntervalMs, 200, 'the profile named, not the first one');
    t.same(peersForNode(r.config, 'Other'), []);
  },
);

t.test('peers sorted by name however many and in whatever order they are written', async (t) => {
  const names = Array.from({ length: 70 }, (_, i) => `p${String((i * 37) % 70).padStart(2, '0')}`);
  const r = parseManifestText(
    names
      .map(
        (n, i) =>
          `apiVersion: metallb.io/v1beta2\nkind: BGPPeer\nmetadata: {name: ${n}}\nspec: {myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.${i + 1}}\n`,
      )
      .join('---\n'),
    'peers.yaml',
  );
  if (!r.config) throw new Error(JSON.stringify(r.errors));
  t.same(
    peersForNode(r.config, 'NodeA').map((p) => p.name),
    [...names].sort(),
  );
});
