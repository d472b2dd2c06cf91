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
