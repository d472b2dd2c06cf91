import t from 'tap';
import { parseManifestText } from '../config/load.ts';
import { PlanContext } from './context.ts';

// Name order whatever the order written (context.ts byName). Stryker's `a > b` mutants of byName stay alive:
// V8's sort only asks whether a comparison is negative (see mutation/stryker/equivalent.md).
t.test('nodes, peers and advertisements in name order, however many and in whatever order', async (t) => {
  const names = Array.from({ length: 70 }, (_, i) => `n${String((i * 37) % 70).padStart(2, '0')}`);
  const doc = (kind: string, api: string, name: string, spec: string) =>
    `apiVersion: ${api}\nkind: ${kind}\nmetadata: {name: ${name}}\n${spec}`;
  const r = parseManifestText(
    [
      doc('IPAddressPool', 'metallb.io/v1beta1', 'p', 'spec: {addresses: [203.0.113.0/24]}\n'),
      ...names.map((n) => doc('Node', 'v1', n, '')),
      ...names.map((n, i) =>
        doc(
          'BGPPeer',
          'metallb.io/v1beta2',
          n,
          `spec: {myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.${i + 1}}\n`,
        ),
      ),
      ...names.map((n) => doc('BGPAdvertisement', 'metallb.io/v1beta1', n, 'spec: {}\n')),
    ].join('---\n'),
    'c.yaml',
  );
  if (!r.config) throw new Error(JSON.stringify(r.errors));
  const ctx = new PlanContext(r.config);
  const sorted = [...names].sort();
  t.same(ctx.nodes, sorted);
  t.same(
    ctx.peers.map((p) => p.name),
    sorted,
  );
  t.same(
    ctx.advs.map((a) => a.name),
    sorted,
  );
});
