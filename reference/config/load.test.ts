import t from 'tap';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { loadManifests, parseManifestText, parseManifestTexts } from './load.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));

t.test('every manifest of the document validates on its own and with its cluster', async (t) => {
  for (const s of ['S1', 'S2', 'S3', 'S4', 'S5', 'S6']) {
    const alone = await loadManifests([`${fixtures}doc/${s}.yaml`], { namespace: 'metallb-system' });
    t.same(alone.errors, [], `${s} alone`);
    const both = await loadManifests([`${fixtures}doc/${s}.yaml`, `${fixtures}doc/${s}.cluster.yaml`], {
      namespace: 'metallb-system',
    });
    t.same(both.errors, [], `${s} with cluster`);
    t.ok(both.config);
  }
});

t.test('S3: namespace-less advertisement lands in the speaker namespace; ranges summarised', async (t) => {
  const { config } = parseManifestText(readFileSync(`${fixtures}doc/S3.yaml`, 'utf8'), 'S3.yaml');
  t.equal(config!.bgpAdvertisements[0]!.name, 'example');
  t.same(
    config!.pools[0]!.entries.map((e) => e.cidrs.map((c) => c.len)),
    [
      [30, 29, 28, 26, 29, 32],
      [119, 128],
    ],
  );
  t.equal(config!.pools[0]!.autoAssign, true);
});

t.test('BGPPeer defaults and timer derivation', async (t) => {
  const peer = (spec: string): ReturnType<typeof parseManifestText> =>
    parseManifestText(
      `apiVersion: metallb.io/v1beta2\nkind: BGPPeer\nmetadata:\n  name: p\nspec:\n  myASN: 4200000000\n  peerASN: 64500\n  peerAddress: 2001:DB8::1\n${spec}`,
      'p.yaml',
    );
  const d = peer('').config!.peers[0]!;
  t.match(d, {
    peerPort: 179,
    holdTime: 90,
    keepaliveTime: 30,
    myASN: 4200000000,
    peerAddress: '2001:db8::1',
    ebgpMultiHop: false,
  });
  t.match(peer('  holdTime: 1m30s\n').config!.peers[0]!, { holdTime: 90, keepaliveTime: 30 });
  t.match(peer('  holdTime: 10s\n').config!.peers[0]!, { holdTime: 10, keepaliveTime: 3 });
  t.match(peer('  keepaliveTime: 5s\n').config!.peers[0]!, { holdTime: 15, keepaliveTime: 5 });
  t.match(peer('  holdTime: 0s\n').config!.peers[0]!, { holdTime: 0, keepaliveTime: 0 });
  t.match(
    peer('  holdTime: 3s\n  keepaliveTime: 1s\n  peerPort: 1179\n  ebgpMultiHop: true\n').config!.peers[0]!,
    { holdTime: 3, keepaliveTime: 1, peerPort: 1179, ebgpMultiHop: true },
  );
  t.equal(peer('  holdTime: 1s\n').errors[0]!.code, 'INVALID_HOLD_TIME');
  // sub-second durations are rounded down after derivation (MetalLB parseTimers, frr.go)
  t.match(peer('  keepaliveTime: 1.5s\n').config!.peers[0]!, { holdTime: 4, keepaliveTime: 1 });
  t.equal(peer('  keepaliveTime: -1s\n').errors[0]!.code, 'INVALID_DURATION');
});

t.test('errors carry file, line, kind, name and field', async (t) => {
  const text =
    'apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: p\nspec:\n  addresses:\n    - 10.0.0.0/24\n    - nope\n';
  const r = parseManifestText(text, 'f.yaml');
  t.same(
    r.errors.map(({ code, file, line, kind, name, field }) => ({ code, file, line, kind, name, field })),
    [
      {
        code: 'INVALID_CIDR',
        file: 'f.yaml',
        line: 8,
        kind: 'IPAddressPool',
        name: 'p',
        field: 'spec.addresses[1]',
      },
    ],
  );
  t.match(r.errors[0]!.message, /"nope"/);
});

t.test('multi-document files, a v1 List, JSON and custom namespace', async (t) => {
  const mk = (extra: Record<string, unknown>): string =>
    JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'v1',
            kind: 'Node',
            metadata: { name: 'NodeA', labels: { 'kubernetes.io/hostname': 'NodeA' } },
          },
          {
            apiVersion: 'metallb.io/v1beta1',
            kind: 'IPAddressPool',
            metadata: { name: 'p', namespace: 'lb' },
            spec: { addresses: ['203.0.113.0/28'], ...extra },
          },
        ],
      },
      null,
      2,
    );
  const list = mk({ bogus: 1 });
  const r = parseManifestText(list, 'l.json', { namespace: 'lb' });
  t.equal(r.errors.length, 1);
  t.match(r.errors[0]!, { code: 'UNKNOWN_FIELD', field: 'spec.bogus', kind: 'IPAddressPool', name: 'p' });
  t.equal(r.errors[0]!.line, list.split('\n').findIndex((l) => l.includes('"bogus"')) + 1);
  const ok = parseManifestText(mk({}), 'l.json', { namespace: 'lb' });
  t.same(ok.errors, []);
  t.equal(ok.config!.nodes[0]!.name, 'NodeA');
  t.equal(ok.config!.pools[0]!.name, 'p');
  const wrongNs = parseManifestText(mk({}), 'l.json', { namespace: 'metallb-system' });
  t.ok(wrongNs.errors.some((e) => e.code === 'WRONG_NAMESPACE'));
});

t.test('Services and EndpointSlices: defaults, namespaces and readiness', async (t) => {
  const text = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  ports: [{port: 80}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-1
  labels: {kubernetes.io/service-name: web}
addressType: IPv4
endpoints:
  - addresses: [198.51.100.1]
    nodeName: NodeA
  - addresses: [198.51.100.2]
    nodeName: NodeB
    conditions: {ready: false}
`;
  const { config, errors } = parseManifestText(text, 's.yaml', { namespace: 'lb' });
  t.same(errors, []);
  t.match(config!.services[0]!, {
    key: 'lb/web',
    ipFamilyPolicy: 'SingleStack',
    externalTrafficPolicy: 'Cluster',
    ports: [{ protocol: 'TCP', port: 80 }],
  });
  t.match(config!.endpointSlices[0]!, {
    serviceKey: 'lb/web',
    endpoints: [
      { nodeName: 'NodeA', ready: true },
      { nodeName: 'NodeB', ready: false },
    ],
  });
});

t.test('directories are read (sorted) and unreadable paths are errors, not exceptions', async (t) => {
  const r = await loadManifests([`${fixtures}doc`]);
  // The whole directory is one config: S4 and S6 both define pool doc-example-l2 -> duplicates are reported.
  t.ok(r.errors.some((e) => e.code === 'DUPLICATE_RESOURCE'));
  const missing = await loadManifests(['/nonexistent/x.yaml']);
  t.match(missing.errors, [{ code: 'FILE_UNREADABLE', file: '/nonexistent/x.yaml' }]);
});

const invalidDir = `${fixtures}invalid/`;
t.test('invalid corpus: one manifest per rule, each with its code and field', async (t) => {
  const files = readdirSync(invalidDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  t.ok(files.length >= 40);
  for (const f of files) {
    const text = readFileSync(invalidDir + f, 'utf8');
    const m = /^# expect: (\S+) ?(.*)$/m.exec(text);
    t.ok(m, `${f} declares its expectation`);
    const r = parseManifestText(text, f);
    t.equal(r.config, undefined, `${f} is rejected`);
    t.same(
      r.errors.map((e) => [e.code, e.field]),
      [[m![1], m![2]]],
      f,
    );
    t.ok(r.errors[0]!.line >= 1, `${f} has a line`);
    t.ok(r.errors[0]!.message.length > 10, `${f} says what is wrong`);
  }
});

const acceptedDir = `${fixtures}accepted/`;
t.test('accepted corpus: what MetalLB accepts is valid here too, with the warning it deserves', async (t) => {
  const files = readdirSync(acceptedDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  t.ok(files.length >= 8);
  for (const f of files) {
    const text = readFileSync(acceptedDir + f, 'utf8');
    const m = /^# accept: ([A-Z_]+) (\S+)$/m.exec(text);
    t.ok(/^# accept:/m.test(text), `${f} declares its expectation`);
    const r = parseManifestText(text, f);
    t.same(r.errors, [], `${f} is valid`);
    t.same(
      r.config?.warnings.map((w) => [w.code, w.field]),
      m ? [[m[1], m[2]]] : [],
      `${f}: warnings`,
    );
  }
});

t.test('validation as MetalLB validates (internal/config/config.go)', async (t) => {
  const peer = (extra: string) =>
    parseManifestText(
      `apiVersion: metallb.io/v1beta2\nkind: BGPPeer\nmetadata: {name: p}\nspec: {myASN: 64500, peerASN: 64500, peerAddress: 192.0.2.1${extra}}\n`,
      'p.yaml',
    );
  // parseTimers: durations rounded down to whole seconds; keepalive may equal hold
  t.match(peer(', holdTime: 9500ms, keepaliveTime: 3.9s').config?.peers[0], {
    holdTime: 9,
    keepaliveTime: 3,
  });
  t.match(peer(', holdTime: 3s, keepaliveTime: 3s').config?.peers[0], { holdTime: 3, keepaliveTime: 3 });
  t.same(
    peer(', holdTime: 3s, keepaliveTime: 4s').errors.map((e) => e.code),
    ['INVALID_KEEPALIVE_TIME'],
  );
  t.same(
    peer(', holdTime: 2900ms').errors.map((e) => e.code),
    ['INVALID_HOLD_TIME'],
    '2.9s rounds to 2s',
  );
  // CRD: peerPort <= 16384, connectTime 1..65535 s
  t.match(peer(', peerPort: 16384, connectTime: 65535s').config?.peers[0], {
    peerPort: 16384,
    connectTime: 65535,
  });
  t.same(
    peer(', connectTime: 65536s').errors.map((e) => e.code),
    ['INVALID_CONNECT_TIME'],
  );
  t.same(
    peer(', connectTime: 0s').errors.map((e) => e.code),
    ['INVALID_CONNECT_TIME'],
  );
  // BGPAdvertisementsHaveCompatibleLocalPref: node sets resolved from the current Nodes
  const lp = (nodeSel: string) =>
    parseManifestText(
      `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: p}
spec: {addresses: [203.0.113.0/28]}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: a}
spec: {localPref: 100}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: b}
spec: {localPref: 200${nodeSel}}
---
apiVersion: v1
kind: Node
metadata: {name: NodeA, labels: {rack: r1}}
`,
      'lp.yaml',
    ).errors.map((e) => e.code);
  t.same(lp(''), ['LOCALPREF_CONFLICT'], 'every node on both sides');
  t.same(
    lp(', nodeSelectors: [{matchLabels: {rack: r9}}]'),
    [],
    'a selector matching no node conflicts with nothing',
  );
  t.same(lp(', nodeSelectors: [{matchLabels: {rack: r1}}]'), ['LOCALPREF_CONFLICT']);
  t.same(
    lp(', serviceSelectors: [{matchLabels: {app: x}}]'),
    [],
    'serviceSelectors: not checked (validateBGPAdvPerPool)',
  );
});

t.test('property: arbitrary input yields a config or errors, never an exception', async () => {
  const kinds = fc.constantFrom(
    'IPAddressPool',
    'BGPAdvertisement',
    'L2Advertisement',
    'BGPPeer',
    'Community',
    'Node',
    'Service',
    'EndpointSlice',
    'List',
    'Other',
  );
  const apis = fc.constantFrom('metallb.io/v1beta1', 'metallb.io/v1beta2', 'v1', 'discovery.k8s.io/v1', 'x');
  const value = fc.anything({ maxDepth: 4, withNullPrototype: false });
  const resource = fc.record(
    {
      apiVersion: apis,
      kind: kinds,
      metadata: fc.oneof(fc.record({ name: fc.string() }), value),
      spec: value,
    },
    { noNullPrototype: true },
  );
  const check = (text: string): boolean => {
    const r = parseManifestText(text, 'fuzz.yaml');
    return (
      (r.config !== undefined && r.errors.length === 0) || (r.config === undefined && r.errors.length > 0)
    );
  };
  fc.assert(fc.property(fc.string({ maxLength: 300 }), check), { numRuns: 300 });
  fc.assert(
    fc.property(fc.array(resource, { maxLength: 4 }), (docs) =>
      check(docs.map((d) => stringify(d)).join('---\n')),
    ),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(value, (v) => check(JSON.stringify(v) ?? 'null')),
    { numRuns: 200 },
  );
});

t.test('an error flood is cut at MAX_ERRORS with one TOO_MANY_ERRORS line counting the rest', async (t) => {
  const { MAX_ERRORS } = await import('./load.ts');
  const addrs = Array.from({ length: MAX_ERRORS + 50 }, () => '  - 192.0.2.1/32').join('\n');
  const { errors } = parseManifestText(
    `apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: p\nspec:\n  addresses:\n  - 192.0.2.1/32\n${addrs}\n`,
    'flood.yaml',
  );
  t.equal(errors.length, MAX_ERRORS + 1);
  t.equal(errors.at(-1)!.code, 'TOO_MANY_ERRORS');
  t.match(errors.at(-1)!.message, /^50 more errors not shown/);
});

t.test(
  'an unreadable file is reported alone when the rest is valid; a file gone from a directory is skipped',
  async (t) => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { loadTexts, readManifests } = await import('./load.ts');
    const dir = mkdtempSync(join(tmpdir(), 'lbconform-load-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'S1.yaml'), readFileSync(`${fixtures}doc/S1.yaml`));
    const { texts } = await readManifests([dir]);
    const r = loadTexts(
      texts,
      [
        {
          code: 'FILE_UNREADABLE',
          file: 'x.yaml',
          line: 0,
          kind: '',
          name: '',
          field: '',
          message: 'cannot read: EACCES',
        },
      ],
      { namespace: 'metallb-system' },
    );
    t.same(
      r.errors.map((e) => e.code),
      ['FILE_UNREADABLE'],
    );
    t.equal(r.config, undefined);
    const missing = await readManifests([join(dir, 'nope.yaml')]);
    t.same(
      missing.errors.map((e) => e.code),
      ['FILE_UNREADABLE'],
      'a file given by name and missing is an error',
    );
  },
);

t.test('exactly MAX_ERRORS errors are all shown; one more is counted in TOO_MANY_ERRORS', async (t) => {
  const { MAX_ERRORS } = await import('./load.ts');
  const flood = (n: number): ReturnType<typeof parseManifestText> =>
    parseManifestText(
      `apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: p\nspec:\n  addresses:\n  - 192.0.2.1/32\n${Array.from({ length: n }, () => '  - 192.0.2.1/32').join('\n')}\n`,
      'flood.yaml',
    );
  const exact = flood(MAX_ERRORS).errors;
  t.equal(exact.length, MAX_ERRORS);
  t.notOk(exact.some((e) => e.code === 'TOO_MANY_ERRORS'));
  const over = flood(MAX_ERRORS + 1).errors;
  const last = over[MAX_ERRORS - 1]!;
  t.same(over.at(-1), {
    code: 'TOO_MANY_ERRORS',
    file: 'flood.yaml',
    line: last.line,
    kind: '',
    name: '',
    field: '',
    message: '1 more errors not shown; fix the ones above first',
  });
});

t.test(
  'errors and warnings come sorted by file and line, whatever the order the files were given',
  async (t) => {
    const { parseManifestTexts } = await import('./load.ts');
    const pool = (name: string, addr: string): string =>
      `apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: { name: ${name} }\nspec:\n  addresses: [${addr}]\n`;
    const bad = parseManifestTexts([
      { file: 'b.yaml', text: pool('b', 'x') },
      { file: 'a.yaml', text: pool('a', 'y') },
    ]);
    t.same(
      bad.errors.map((e) => e.file),
      ['a.yaml', 'b.yaml'],
    );
    const warned = parseManifestTexts([
      { file: 'b.yaml', text: pool('b', '192.0.2.1/28') },
      { file: 'a.yaml', text: pool('a', '198.51.100.1/28') },
    ]);
    t.same(warned.errors, []);
    t.same(
      warned.config!.warnings.map((w) => `${w.file}:${w.code}`),
      ['a.yaml:CIDR_HOST_BITS', 'b.yaml:CIDR_HOST_BITS'],
    );
    t.equal(warned.config!.namespace, 'metallb-system', 'default options: the speaker namespace');
  },
);

t.test("the speaker's options are carried into the config as given", async (t) => {
  const text = readFileSync(`${fixtures}doc/S1.yaml`, 'utf8');
  const speaker = (opts: Record<string, unknown>) =>
    parseManifestText(text, 'S1.yaml', { namespace: 'metallb-system', ...opts }).config!.speaker;
  t.strictSame(speaker({}), { ignoreExcludeLB: false });
  t.strictSame(speaker({ ignoreExcludeLB: false }), { ignoreExcludeLB: false });
  t.strictSame(speaker({ ignoreExcludeLB: true, loadBalancerClass: 'metallb' }), {
    loadBalancerClass: 'metallb',
    ignoreExcludeLB: true,
  });
  t.strictSame(speaker({ loadBalancerClass: '' }), { ignoreExcludeLB: false }, 'an empty class is no class');
});

t.test('fastLoad: the config with sources for valid input; undefined for anything to report', async (t) => {
  const { fastLoad } = await import('./load.ts');
  const opts = { namespace: 'metallb-system' };
  const pool = (name: string): string =>
    `apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: { name: ${name} }\nspec:\n  addresses: [192.0.2.0/28]\n`;
  const ok = fastLoad([{ file: 'a.yaml', text: `---\n${pool('a')}` }], opts);
  t.same(ok?.errors, []);
  t.match(ok?.config?.pools[0]?.src, { file: 'a.yaml', line: 2 });
  t.equal(
    fastLoad([{ file: 'a.yaml', text: pool('a').replace('192.0.2.0/28', 'x') }], opts),
    undefined,
    'decode error',
  );
  t.equal(
    fastLoad(
      [
        { file: 'a.yaml', text: pool('a') },
        { file: 'b.yaml', text: pool('b') },
      ],
      opts,
    ),
    undefined,
    'cross-check error (overlapping pools) found after decoding',
  );
});

// The fast path knows document lines only: a warning must still point at its field, in a List item too.
t.test('warnings point at the field that warns, inside a v1 List as well', async (t) => {
  const text = [
    'apiVersion: v1',
    'kind: List',
    'items:',
    '- apiVersion: metallb.io/v1beta1',
    '  kind: IPAddressPool',
    '  metadata: { name: a }',
    '  spec:',
    '    addresses: [192.0.2.0/28]',
    '- apiVersion: metallb.io/v1beta1',
    '  kind: IPAddressPool',
    '  metadata: { name: b }',
    '  spec:',
    '    addresses:',
    '    - 198.51.100.0/28',
    '    - 198.51.100.17/28',
    '',
  ].join('\n');
  const r = parseManifestTexts([{ file: 'list.yaml', text }]);
  t.same(r.errors, []);
  t.same(
    r.config!.warnings.map((w) => [w.code, w.line, w.name, w.field]),
    [['CIDR_HOST_BITS', 15, 'b', 'spec.addresses[1]']],
  );
});
