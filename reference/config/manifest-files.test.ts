import t from 'tap';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManifestFiles, mergeCollected } from './manifest-files.ts';

const svc = (name: string, ip: string) =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: app, annotations: {metallb.io/loadBalancerIPs: "${ip}"}}\nspec: {type: LoadBalancer, ports: [{port: 80, protocol: TCP}]}\n`;
const pool =
  'apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: p}\nspec: {addresses: [192.168.10.0/24]}\n';

function dir(t: { teardown(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'lbconform-files-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Backdates a file, so its stat can be trusted (not "racy"). */
const age = (file: string, seconds = 60): void => {
  const when = new Date(Date.now() - seconds * 1000);
  utimesSync(file, when, when);
};

t.test(
  'an old file with the same stat is not read again; a rewrite keeping size and mtime still is',
  async (t) => {
    const d = dir(t);
    const a = join(d, 'a.yaml');
    writeFileSync(a, svc('one', '192.168.10.1'));
    writeFileSync(join(d, 'pool.yaml'), pool);
    age(a);
    age(join(d, 'pool.yaml'));
    const files = new ManifestFiles({ namespace: 'metallb-system' });
    const first = await files.refresh([d]);
    t.equal(files.reads, 2);
    t.same(
      first.files.map((f) => [f.file.slice(d.length + 1), f.servicesOnly]),
      [
        ['a.yaml', true],
        ['pool.yaml', false],
      ],
      'a file of Services only is told from one with a pool',
    );
    await files.refresh([d]);
    t.equal(files.reads, 2, 'nothing read again');
    // same size, same mtime, other content: the ctime (and a real tool's rename, the inode) gives it away
    writeFileSync(a, svc('one', '192.168.10.2'));
    age(a);
    const third = await files.refresh([d]);
    t.equal(files.reads, 3, 'the rewritten file read again');
    t.equal(
      third.files[0]!.collected!.services[0]!.annotations['metallb.io/loadBalancerIPs'],
      '192.168.10.2',
    );
    t.not(third.files[0]!.hash, first.files[0]!.hash);
  },
);

t.test(
  'a file written moments ago is read and compared by content on every refresh (racy stat)',
  async (t) => {
    const d = dir(t);
    writeFileSync(join(d, 'a.yaml'), svc('one', '192.168.10.1'));
    const files = new ManifestFiles({ namespace: 'metallb-system' });
    const first = await files.refresh([d]);
    const second = await files.refresh([d]);
    t.equal(files.reads, 2, 'read again: its stat is too close to the read to be trusted');
    t.equal(
      second.files[0]!.collected,
      first.files[0]!.collected,
      'same content: the same decoded resources, nothing decoded again',
    );
  },
);

t.test(
  'bad files carry no resources; unreadable paths are FILE_UNREADABLE; duplicates across files do not merge',
  async (t) => {
    const d = dir(t);
    writeFileSync(join(d, 'a.yaml'), svc('one', '192.168.10.1'));
    writeFileSync(join(d, 'b.yaml'), svc('one', '192.168.10.2'));
    writeFileSync(join(d, 'c.yaml'), 'kind: [');
    const files = new ManifestFiles({ namespace: 'metallb-system' });
    const r = await files.refresh([d, join(d, 'missing.yaml')]);
    t.same(
      r.readErrors.map((e) => e.code),
      ['FILE_UNREADABLE'],
    );
    t.equal(r.files[2]!.collected, undefined, 'c.yaml cannot be read on the fast path');
    t.equal(mergeCollected(r.files.slice(0, 2)), undefined, 'Service app/one twice');
    t.equal(mergeCollected(r.files.slice(0, 1))?.services.length, 1);
  },
);

t.test(
  'decodeFile: only Services and EndpointSlices make a file servicesOnly; any other kind does not',
  async (t) => {
    const { decodeFile } = await import('./manifest-files.ts');
    const opts = { namespace: 'metallb-system' };
    const only = (text: string): boolean => {
      const r = decodeFile(text, 'f.yaml', opts);
      t.ok(r.collected, `decoded: ${text.split('\n')[1]}`);
      return r.servicesOnly;
    };
    const slice =
      'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: one-x, namespace: app, labels: {kubernetes.io/service-name: one}}\naddressType: IPv4\nendpoints: []\n';
    t.equal(only(`${svc('one', '192.168.10.1')}---\n${slice}`), true);
    t.equal(only(''), true, 'an empty file holds no pool either');
    const others = [
      pool,
      'apiVersion: metallb.io/v1beta1\nkind: BGPAdvertisement\nmetadata: {name: a}\n',
      'apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: {name: a}\n',
      'apiVersion: metallb.io/v1beta2\nkind: BGPPeer\nmetadata: {name: a}\nspec: {myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.1}\n',
      'apiVersion: metallb.io/v1beta2\nkind: BGPPeer\nmetadata: {name: a}\nspec: {myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.1, vrf: red}\n',
      'apiVersion: metallb.io/v1beta1\nkind: BFDProfile\nmetadata: {name: a}\n',
      'apiVersion: metallb.io/v1beta1\nkind: Community\nmetadata: {name: a}\nspec: {communities: [{name: x, value: "65000:1"}]}\n',
      'apiVersion: v1\nkind: Node\nmetadata: {name: a}\n',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n',
      'apiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: metallb-system}\ntype: kubernetes.io/basic-auth\ndata: {password: eA==}\n',
    ];
    for (const text of others) t.equal(only(`${svc('one', '192.168.10.1')}---\n${text}`), false);
  },
);

t.test(
  'decodeFile: a file the fast path cannot read, or with an invalid resource, has no resources',
  async (t) => {
    const { decodeFile } = await import('./manifest-files.ts');
    const opts = { namespace: 'metallb-system' };
    t.strictSame(decodeFile('kind: [', 'c.yaml', opts), { file: 'c.yaml', servicesOnly: false });
    t.strictSame(decodeFile(svc('one', '192.168.10.1').replace('LoadBalancer', 'Nope'), 'd.yaml', opts), {
      file: 'd.yaml',
      servicesOnly: false,
    });
    const ok = decodeFile(`---\n${pool}`, 'p.yaml', opts);
    t.match(ok.collected?.pools[0]?.src, { file: 'p.yaml', line: 2 });
  },
);

t.test('mergeCollected copies peers, and their pending Secrets point at the copies', async (t) => {
  const { decodeFile } = await import('./manifest-files.ts');
  const peer =
    'apiVersion: metallb.io/v1beta2\nkind: BGPPeer\nmetadata: {name: a}\nspec: {myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.1, passwordSecret: {name: auth}}\n';
  const file = {
    ...decodeFile(peer, 'p.yaml', { namespace: 'metallb-system' }),
    hash: '',
    sig: '',
    readAtNs: 0n,
    mtimeNs: 0n,
  };
  const cached = file.collected!;
  const merged = mergeCollected([file])!;
  t.equal(merged.peers.length, 1);
  t.not(merged.peers[0], cached.peers[0], 'a copy: resolving the password never writes into the cache');
  t.same(merged.peers[0], cached.peers[0]);
  t.equal(merged.pendingSecrets.length, 1);
  t.equal(merged.pendingSecrets[0]!.peer, merged.peers[0], 'the Secret resolves into the copy');
  t.equal(merged.pendingSecrets[0]!.secret, 'auth');
});

t.test(
  'refresh: an entry that cannot be read is an error, a link gone since the listing is skipped; texts() reads them',
  async (t) => {
    const { mkdirSync, symlinkSync } = await import('node:fs');
    const d = dir(t);
    writeFileSync(join(d, 'a.yaml'), pool);
    mkdirSync(join(d, 'sub.yaml'));
    symlinkSync(join(d, 'nowhere'), join(d, 'gone.yaml'));
    const files = new ManifestFiles({ namespace: 'metallb-system' });
    const r = await files.refresh([d]);
    t.same(
      r.files.map((f) => f.file),
      [join(d, 'a.yaml')],
    );
    t.same(
      r.readErrors.map((e) => [e.file, e.message]),
      [[join(d, 'sub.yaml'), 'cannot read: EISDIR']],
    );
    t.same(await files.texts(r.files), [{ file: join(d, 'a.yaml'), text: pool }]);
  },
);

// A list added to Collected must be merged too: a running speaker reads its config through mergeCollected.
t.test('mergeCollected keeps every list of every file', async (t) => {
  const { decodeFile } = await import('./manifest-files.ts');
  const { emptyCollected } = await import('./decode.ts');
  const texts = [
    `${pool}---\napiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {addresses: [{type: InternalIP, address: 192.0.2.11}]}\n`,
    `${svc('one', '192.168.10.1')}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: app}\n`,
    'apiVersion: metallb.io/v1beta1\nkind: Community\nmetadata: {name: c}\nspec: {communities: [{name: x, value: "1:1"}]}\n---\napiVersion: metallb.io/v1beta1\nkind: BFDProfile\nmetadata: {name: b}\nspec: {}\n---\napiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: {name: l}\nspec: {}\n---\napiVersion: metallb.io/v1beta1\nkind: BGPAdvertisement\nmetadata: {name: a}\nspec: {}\n',
  ];
  const files = texts.map((text, i) => ({
    ...decodeFile(text, `f${i}.yaml`, { namespace: 'metallb-system' }),
    hash: '',
    sig: '',
    readAtNs: 0n,
    mtimeNs: 0n,
  }));
  const merged = mergeCollected(files)! as unknown as Record<string, unknown>;
  for (const [key, empty] of Object.entries(emptyCollected())) {
    if (!Array.isArray(empty)) continue;
    const total = files.reduce(
      (n, f) => n + ((f.collected as unknown as Record<string, unknown[]>)[key]?.length ?? 0),
      0,
    );
    t.equal((merged[key] as unknown[]).length, total, key);
  }
  t.same((merged.nodes as { internalIPs: string[] }[])[0]!.internalIPs, ['192.0.2.11']);
});
