// decode.ts, resource by resource: the exact model each document gives (every default, which keys are
// left out), and the exact error (code, field, line, message) for each rule checked from one resource.
// Written against the StrykerJS survivors of decode.ts (issue 16): each test names the behaviour it pins.
import t, { type Test } from 'tap';
import type * as M from '../model/types.ts';
import { decodeDocument, emptyCollected, parsePoolEntry, selectors, type Collected } from './decode.ts';
import { parseYamlDocuments } from './yaml-docs.ts';

const NS = 'metallb-system';
const FILE = 'f.yaml';
/** The document line handed to decodeDocument when there is no line map (decodeValue). */
const LINE = 7;

interface Decoded {
  out: Collected;
  errors: M.ValidationError[];
}

/** One document as a JS value, without a line map: every error is on LINE. */
function decodeValue(value: unknown, namespace = NS): Decoded {
  const out = emptyCollected();
  const errors: M.ValidationError[] = [];
  decodeDocument(value, { file: FILE, line: LINE }, { namespace }, out, errors);
  return { out, errors };
}

/** Every document of a YAML text, with the line map of the precise reader (what the loader does). */
function decodeText(text: string, namespace = NS): Decoded {
  const out = emptyCollected();
  const errors: M.ValidationError[] = [];
  const parsed = parseYamlDocuments(text, FILE);
  if (parsed.errors.length > 0) throw new Error(`test YAML does not parse: ${parsed.errors[0]!.message}`);
  for (const d of parsed.docs)
    decodeDocument(d.value, { file: FILE, line: d.line, lines: d.lines }, { namespace }, out, errors);
  return { out, errors };
}

const err = (
  code: string,
  kind: string,
  name: string,
  field: string,
  message: string,
  line = LINE,
): M.ValidationError => ({ code, file: FILE, line, kind, name, field, message });

const src = { file: FILE, line: LINE };

// ---------------------------------------------------------------------------------------------------
// The document head: object, apiVersion, kind, name, namespace, duplicates

t.test('a document that is not a mapping is NOT_AN_OBJECT with no kind, name or field', async (t) => {
  t.strictSame(decodeValue(['x']).errors, [
    err('NOT_AN_OBJECT', '', '', '', 'a document must be a Kubernetes resource (a mapping), got a list'),
  ]);
  t.strictSame(decodeValue('text').errors, [
    err('NOT_AN_OBJECT', '', '', '', 'a document must be a Kubernetes resource (a mapping), got "text"'),
  ]);
});

t.test('a missing apiVersion is one MISSING_FIELD; a string kind is not also reported', async (t) => {
  const r = decodeValue({ kind: 'IPAddressPool', metadata: { name: 'p' } });
  t.strictSame(r.errors, [
    err('MISSING_FIELD', 'IPAddressPool', 'p', 'apiVersion', 'required field "apiVersion" is missing'),
  ]);
  t.equal(r.out.names.size, 0, 'nothing decoded, no name recorded');
});

t.test('apiVersion and kind written as null are missing, and a non-string name is no name', async (t) => {
  t.strictSame(decodeValue({ apiVersion: null, kind: null, metadata: { name: 5 } }).errors, [
    err('MISSING_FIELD', '', '', 'apiVersion', 'required field "apiVersion" is missing'),
    err('MISSING_FIELD', '', '', 'kind', 'required field "kind" is missing'),
  ]);
});

t.test('a missing kind with a string apiVersion is one MISSING_FIELD on kind', async (t) => {
  t.strictSame(decodeValue({ apiVersion: 'v1', metadata: { name: 'n' } }).errors, [
    err('MISSING_FIELD', '', 'n', 'kind', 'required field "kind" is missing'),
  ]);
});

t.test('apiVersion and kind of the wrong type are WRONG_TYPE, the kind column left empty', async (t) => {
  t.strictSame(decodeValue({ apiVersion: 5, kind: ['Node'], metadata: { name: 'n' } }).errors, [
    err('WRONG_TYPE', '', 'n', 'apiVersion', 'got 5, expected a string'),
    err('WRONG_TYPE', '', 'n', 'kind', 'got a list, expected a string'),
  ]);
  t.strictSame(decodeValue({ apiVersion: 'v1', kind: 5, metadata: { name: 'n' } }).errors, [
    err('WRONG_TYPE', '', 'n', 'kind', 'got 5, expected a string'),
  ]);
  t.strictSame(decodeValue({ apiVersion: true, kind: 'Node', metadata: { name: 'n' } }).errors, [
    err('WRONG_TYPE', 'Node', 'n', 'apiVersion', 'got true, expected a string'),
  ]);
});

t.test('an unknown metallb.io kind is UNKNOWN_KIND listing every supported resource', async (t) => {
  const r = decodeValue({ apiVersion: 'metallb.io/v1', kind: 'Pool', metadata: { name: 'p' } });
  t.strictSame(r.errors, [
    err(
      'UNKNOWN_KIND',
      'Pool',
      'p',
      'kind',
      'metallb.io/v1 Pool is not a supported resource; supported: metallb.io/v1beta1 IPAddressPool, BGPAdvertisement, L2Advertisement, Community, BFDProfile; metallb.io/v1beta2 BGPPeer; v1 Node, Service, List; discovery.k8s.io/v1 EndpointSlice',
    ),
  ]);
  const other = decodeValue({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
  t.strictSame(other.errors, [], 'a kind outside metallb.io the speaker does not read is skipped');
  t.equal(other.out.names.size, 0);
});

t.test('the names of resources are recorded only when the resource has a name', async (t) => {
  const unnamed = decodeValue({ apiVersion: 'v1', kind: 'Node', metadata: {} });
  t.strictSame(unnamed.errors, [
    err('MISSING_FIELD', 'Node', '', 'metadata.name', 'required field "name" is missing'),
  ]);
  t.strictSame([...unnamed.out.names], []);
  const invalid = decodeValue({
    apiVersion: 'metallb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: { name: 'p' },
    spec: { addresses: [] },
  });
  t.equal(invalid.errors[0]!.code, 'POOL_NO_ADDRESSES');
  t.strictSame([...invalid.out.names], ['IPAddressPool/p'], 'an invalid resource still names itself');
});

const pool = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'metallb.io/v1beta1',
  kind: 'IPAddressPool',
  metadata: { name, ...extra },
  spec: { addresses: ['192.0.2.0/28'] },
});
const node = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  ...extra,
});

t.test('resource names: DNS-1123 subdomains, at most 253 characters; Node names looser', async (t) => {
  const dns =
    'expected a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters';
  for (const ok of ['a.b-cde.f', 'a', 'a'.repeat(253), '0-9.x1'])
    t.strictSame(decodeValue(pool(ok)).errors, [], `${ok.slice(0, 20)} (${ok.length}) is a valid pool name`);
  t.equal(decodeValue(pool('a.b-cde.f')).out.pools[0]!.name, 'a.b-cde.f');
  t.strictSame(decodeValue(pool('Pool')).errors, [
    err(
      'INVALID_NAME',
      'IPAddressPool',
      'Pool',
      'metadata.name',
      `"Pool" is not a valid IPAddressPool name; ${dns}`,
    ),
  ]);
  const long = 'a'.repeat(254);
  t.strictSame(decodeValue(pool(long)).errors, [
    err(
      'INVALID_NAME',
      'IPAddressPool',
      long,
      'metadata.name',
      `"${'a'.repeat(77)}..." is not a valid IPAddressPool name; ${dns}`,
    ),
  ]);
  for (const bad of ['a.', 'a..b', 'a.-b', 'a.b_c', '-a'])
    t.equal(decodeValue(pool(bad)).errors[0]?.code, 'INVALID_NAME', `${bad} is not a DNS-1123 subdomain`);
  t.strictSame(decodeValue(pool('a.b')).out.pools.length, 1);
  t.strictSame(decodeValue(node('NodeA')).errors, [], 'a Node name may hold capitals');
  t.strictSame(decodeValue(node('node a')).errors, [
    err(
      'INVALID_NAME',
      'Node',
      'node a',
      'metadata.name',
      '"node a" is not a valid Node name; expected a node name without whitespace, quotes or control characters (at most 253)',
    ),
  ]);
  t.equal(
    decodeValue(node('N'.repeat(254))).errors[0]?.code,
    'INVALID_NAME',
    'a Node name too is at most 253',
  );
});

t.test('namespaces: a DNS-1123 label of 1 to 63 characters', async (t) => {
  const svc = (namespace: string) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's', namespace },
    spec: {},
  });
  const one = decodeValue(svc('a'));
  t.strictSame(one.errors, []);
  t.equal(one.out.services[0]!.key, 'a/s', 'a one-letter namespace is valid');
  t.strictSame(decodeValue(svc('Bad_NS')).errors, [
    err(
      'INVALID_NAME',
      'Service',
      's',
      'metadata.namespace',
      '"Bad_NS" is not a valid namespace; expected a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters',
    ),
  ]);
});

t.test('Nodes are cluster-scoped: the same name in two namespaces is a duplicate', async (t) => {
  const r = decodeText(
    'apiVersion: v1\nkind: Node\nmetadata:\n  name: n\n  namespace: a\n---\napiVersion: v1\nkind: Node\nmetadata:\n  name: n\n  namespace: b\n',
  );
  t.strictSame(r.errors, [
    err(
      'DUPLICATE_RESOURCE',
      'Node',
      'n',
      'metadata.name',
      'Node "n" is already defined at f.yaml:1; names must be unique',
      10,
    ),
  ]);
  t.strictSame([...r.out.seen.keys()], ['Node//n']);
  t.equal(r.out.nodes.length, 1);
  const s = decodeText(
    'apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: a}\nspec: {}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: b}\nspec: {}\n',
  );
  t.strictSame(s.errors, [], 'Services of the same name in two namespaces are two Services');
  t.strictSame([...s.out.seen.keys()], ['Service/a/s', 'Service/b/s']);
});

// ---------------------------------------------------------------------------------------------------
// v1 List

t.test('a v1 List whose items is not a list is WRONG_TYPE on items', async (t) => {
  t.strictSame(decodeValue({ apiVersion: 'v1', kind: 'List', items: 5 }).errors, [
    err('WRONG_TYPE', 'List', '', 'items', 'got 5, expected a list of resources'),
  ]);
  t.strictSame(decodeValue({ apiVersion: 'v1', kind: 'List', metadata: {} }).errors, [
    err('WRONG_TYPE', 'List', '', 'items', 'got null, expected a list of resources'),
  ]);
});

t.test('only v1 List is a List: kind List in another apiVersion is not read as one', async (t) => {
  t.strictSame(decodeValue({ apiVersion: 'metallb.io/v1beta1', kind: 'List', items: [node('n')] }), {
    out: emptyCollected(),
    errors: [
      err(
        'UNKNOWN_KIND',
        'List',
        '',
        'kind',
        'metallb.io/v1beta1 List is not a supported resource; supported: metallb.io/v1beta1 IPAddressPool, BGPAdvertisement, L2Advertisement, Community, BFDProfile; metallb.io/v1beta2 BGPPeer; v1 Node, Service, List; discovery.k8s.io/v1 EndpointSlice',
      ),
    ],
  });
  t.strictSame(decodeValue({ apiVersion: 'example.com/v1', kind: 'List', items: [node('n')] }), {
    out: emptyCollected(),
    errors: [],
  });
});

t.test('a List item gets its own line and a line map re-rooted at the item', async (t) => {
  const text = [
    'items:', // 1
    '- apiVersion: v1', // 2
    '  kind: Node', // 3
    '  "a b": 1', // 4
    '  metadata: {name: n}', // 5
    '- apiVersion: v1', // 6
    '  kind: Node', // 7
    '  metadata:', // 8
    '    name: m', // 9
    'kind: List', // 10
    'apiVersion: v1', // 11
    '',
  ].join('\n');
  const r = decodeText(text);
  t.strictSame(r.errors, [
    err(
      'UNKNOWN_FIELD',
      'Node',
      'n',
      '["a b"]',
      'unknown field "a b"; valid fields here: apiVersion, kind, metadata, spec, status',
      4,
    ),
  ]);
  t.equal(r.out.nodes.length, 1);
  t.strictSame(r.out.nodes[0]!.src, {
    file: FILE,
    line: 6,
    lines: new Map([
      ['', 6],
      ['apiVersion', 6],
      ['kind', 7],
      ['metadata', 8],
      ['metadata.name', 9],
    ]),
  });
});

t.test('a List item that is not a mapping is reported on its own line', async (t) => {
  const r = decodeText('items:\n- 5\n- [a, b]\nkind: List\napiVersion: v1\n');
  t.strictSame(r.errors, [
    err('NOT_AN_OBJECT', '', '', '', 'a document must be a Kubernetes resource (a mapping), got 5', 2),
    err('NOT_AN_OBJECT', '', '', '', 'a document must be a Kubernetes resource (a mapping), got a list', 3),
  ]);
});

t.test('a List decoded without a line map: items take the List line and an empty map', async (t) => {
  const r = decodeValue({ apiVersion: 'v1', kind: 'List', items: [node('n')] });
  t.strictSame(r.errors, []);
  t.strictSame(r.out.nodes[0]!.src, { file: FILE, line: LINE, lines: new Map() });
});

// ---------------------------------------------------------------------------------------------------
// Label selectors

t.test('selectors: In and NotIn need values, Exists and DoesNotExist take none', async (t) => {
  const run = (exprs: unknown[]) => {
    const reports: [string, string, string][] = [];
    const v = selectors([{ matchExpressions: exprs }], 'spec.x', (c, f, m) => reports.push([c, f, m]));
    return { v, reports };
  };
  for (const operator of ['Exists', 'DoesNotExist']) {
    const r = run([{ key: 'k', operator }]);
    t.strictSame(r.reports, [], `${operator} without values is valid`);
    t.strictSame(r.v, [{ matchLabels: {}, matchExpressions: [{ key: 'k', operator, values: [] }] }]);
  }
  for (const operator of ['In', 'NotIn']) {
    const r = run([
      { key: 'a', operator, values: ['x'] },
      { key: 'k', operator },
    ]);
    t.strictSame(r.reports, [
      [
        'INVALID_SELECTOR',
        'spec.x[0].matchExpressions[1].values',
        `operator ${operator} needs at least one value`,
      ],
    ]);
    t.equal(r.v, undefined, `${operator} without values makes the selectors invalid`);
    t.strictSame(
      run([{ key: 'k', operator, values: ['v'] }]).reports,
      [],
      `${operator} with values is valid`,
    );
  }
  const ex = run([{ key: 'k', operator: 'Exists', values: ['a', 'b'] }]);
  t.strictSame(ex.reports, [
    ['INVALID_SELECTOR', 'spec.x[0].matchExpressions[0].values', 'operator Exists takes no values, got 2'],
  ]);
  t.equal(ex.v, undefined);
  const dne = run([{ key: 'k', operator: 'DoesNotExist', values: ['a'] }]);
  t.strictSame(dne.reports, [
    [
      'INVALID_SELECTOR',
      'spec.x[0].matchExpressions[0].values',
      'operator DoesNotExist takes no values, got 1',
    ],
  ]);
  t.equal(dne.v, undefined);
});

t.test('selectors: the decoded list, labels copied, expressions in order', async (t) => {
  const labels = { a: 'b' };
  const reports: string[] = [];
  const v = selectors(
    [
      { matchLabels: labels, matchExpressions: [{ key: 'k', operator: 'In', values: ['v', 'w'] }] },
      { matchExpressions: [{ key: 'e', operator: 'Exists', values: null }] },
      {},
    ],
    'spec.nodeSelectors',
    (c) => reports.push(c),
  );
  t.strictSame(reports, []);
  t.strictSame(v, [
    { matchLabels: { a: 'b' }, matchExpressions: [{ key: 'k', operator: 'In', values: ['v', 'w'] }] },
    { matchLabels: {}, matchExpressions: [{ key: 'e', operator: 'Exists', values: [] }] },
    { matchLabels: {}, matchExpressions: [] },
  ]);
  t.not(v![0]!.matchLabels, labels, 'matchLabels is a copy');
  t.strictSame(
    selectors(null, 'f', () => {}),
    [],
    'null: no selectors',
  );
});

// ---------------------------------------------------------------------------------------------------
// IPAddressPool

const badSelector = [{ matchExpressions: [{ key: 'k', operator: 'In' }] }];

t.test('IPAddressPool: every field decoded, CIDRs of all entries sorted', async (t) => {
  const r = decodeValue({
    apiVersion: 'metallb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: { name: 'p', labels: { tier: 'a' } },
    spec: {
      addresses: ['192.0.2.64/26', '192.0.2.1-192.0.2.3', '2001:db8::/126'],
      autoAssign: false,
      avoidBuggyIPs: true,
      serviceAllocation: { priority: 5, namespaces: ['x'] },
    },
  });
  t.strictSame(r.errors, []);
  const c = (addr: bigint, len: number, family: 4 | 6 = 4) => ({ family, addr, len });
  const v4 = 0xc0000200n; // 192.0.2.0
  const v6 = 0x20010db8000000000000000000000000n;
  t.strictSame(r.out.pools, [
    {
      serviceAllocation: { priority: 5, namespaces: ['x'], namespaceSelectors: [], serviceSelectors: [] },
      name: 'p',
      labels: { tier: 'a' },
      entries: [
        { text: '192.0.2.64/26', family: 4, cidrs: [c(v4 + 64n, 26)] },
        { text: '192.0.2.1-192.0.2.3', family: 4, cidrs: [c(v4 + 1n, 32), c(v4 + 2n, 31)] },
        { text: '2001:db8::/126', family: 6, cidrs: [c(v6, 126, 6)] },
      ],
      cidrs: [c(v4 + 1n, 32), c(v4 + 2n, 31), c(v4 + 64n, 26), c(v6, 126, 6)],
      autoAssign: false,
      avoidBuggyIPs: true,
      src,
    },
  ]);
});

t.test('IPAddressPool defaults: autoAssign true, avoidBuggyIPs false, no serviceAllocation', async (t) => {
  const r = decodeValue(pool('p'));
  t.strictSame(r.errors, []);
  t.strictSame(r.out.pools, [
    {
      name: 'p',
      labels: {},
      entries: [{ text: '192.0.2.0/28', family: 4, cidrs: [{ family: 4, addr: 0xc0000200n, len: 28 }] }],
      cidrs: [{ family: 4, addr: 0xc0000200n, len: 28 }],
      autoAssign: true,
      avoidBuggyIPs: false,
      src,
    },
  ]);
  const sa = decodeValue({
    ...pool('q'),
    spec: { addresses: ['192.0.2.0/28'], serviceAllocation: { namespaces: ['x'] } },
  });
  t.strictSame(sa.out.pools[0]!.serviceAllocation, {
    priority: 0,
    namespaces: ['x'],
    namespaceSelectors: [],
    serviceSelectors: [],
  });
});

t.test('IPAddressPool: one bad address and the pool is not decoded', async (t) => {
  const r = decodeValue({ ...pool('p'), spec: { addresses: ['192.0.2.0/28', 'nope', '198.51.100.0/24'] } });
  t.strictSame(r.errors, [
    err(
      'INVALID_CIDR',
      'IPAddressPool',
      'p',
      'spec.addresses[1]',
      '"nope" is not a valid CIDR (missing "/prefix-length"); expected e.g. 203.0.113.200/30 or a range 4.4.4.100-4.4.4.200',
    ),
  ]);
  t.strictSame(r.out.pools, []);
});

t.test('IPAddressPool: a bad serviceAllocation selector is reported and the pool dropped', async (t) => {
  for (const which of ['namespaceSelectors', 'serviceSelectors']) {
    const r = decodeValue({
      ...pool('p'),
      spec: { addresses: ['192.0.2.0/28'], serviceAllocation: { [which]: badSelector } },
    });
    t.strictSame(r.errors, [
      err(
        'INVALID_SELECTOR',
        'IPAddressPool',
        'p',
        `spec.serviceAllocation.${which}[0].matchExpressions[0].values`,
        'operator In needs at least one value',
      ),
    ]);
    t.strictSame(r.out.pools, [], `${which}: no pool`);
  }
});

// ---------------------------------------------------------------------------------------------------
// Pool entries (parsePoolEntry)

const entry = (text: string) => {
  const reports: [string, string, string][] = [];
  const warnings: [string, string, string][] = [];
  const cidrs = parsePoolEntry(
    text,
    'spec.addresses[0]',
    (c, f, m) => reports.push([c, f, m]),
    (c, f, m) => warnings.push([c, f, m]),
  );
  return { cidrs, reports, warnings };
};
const V4 = (a: number, b: number, c: number, d: number) =>
  (BigInt(a) << 24n) | (BigInt(b) << 16n) | (BigInt(c) << 8n) | BigInt(d);
const RANGE_HINT = 'expected "start-end" with two addresses of the same family, start <= end';
const CIDR_HINT = 'expected e.g. 203.0.113.200/30 or a range 4.4.4.100-4.4.4.200';

t.test('pool ranges: two addresses around one "-", spaces allowed, start <= end', async (t) => {
  t.strictSame(entry(' 10.0.0.1 - 10.0.0.3 '), {
    cidrs: [
      { family: 4, addr: V4(10, 0, 0, 1), len: 32 },
      { family: 4, addr: V4(10, 0, 0, 2), len: 31 },
    ],
    reports: [],
    warnings: [],
  });
  t.strictSame(
    entry('10.0.0.5-10.0.0.5').cidrs,
    [{ family: 4, addr: V4(10, 0, 0, 5), len: 32 }],
    'one address',
  );
  const invalid = (text: string, message: string) =>
    t.strictSame(
      entry(text),
      { cidrs: undefined, reports: [['INVALID_RANGE', 'spec.addresses[0]', message]], warnings: [] },
      text,
    );
  invalid('1.1.1.1-1.1.1.2-1.1.1.3', `"1.1.1.1-1.1.1.2-1.1.1.3" is not a range; ${RANGE_HINT}`);
  invalid('bad - 10.0.0.1', `range "bad - 10.0.0.1" has an invalid start "bad"; ${RANGE_HINT}`);
  invalid('10.0.0.1 - bad ', `range "10.0.0.1 - bad " has an invalid end "bad"; ${RANGE_HINT}`);
  invalid('10.0.0.1-2001:db8::1', `range "10.0.0.1-2001:db8::1" mixes IPv4 and IPv6; ${RANGE_HINT}`);
  invalid(
    '10.0.0.5-10.0.0.1',
    `range "10.0.0.5-10.0.0.1" starts after it ends (10.0.0.5 > 10.0.0.1); ${RANGE_HINT}`,
  );
});

// MetalLB internal/config/config.go ParseCIDR trims a range's two ends but not a CIDR.
t.test('pool CIDRs: spaces around a CIDR are refused, as MetalLB refuses them', async (t) => {
  for (const text of [' 10.0.0.0/24', '10.0.0.0/24 ', ' 10.0.0.1/24 ', '\t2001:db8::/64'])
    t.strictSame(
      entry(text),
      {
        cidrs: undefined,
        reports: [
          [
            'INVALID_CIDR',
            'spec.addresses[0]',
            `${JSON.stringify(text)} has spaces around it; MetalLB refuses them in a CIDR (only a range's two ends may be padded); write ${JSON.stringify(text.trim())}`,
          ],
        ],
        warnings: [],
      },
      JSON.stringify(text),
    );
  t.match(
    entry(' 10.0.0.1/40 ').reports[0]![2],
    /is not a valid CIDR/,
    'not a CIDR even trimmed: the usual error',
  );
});

// Go's net.ParseCIDR (MetalLB internal/config/config.go ParseCIDR) reads the length with dtoi.
t.test('pool CIDRs: a prefix length with leading zeros is read as Go reads it', async (t) => {
  const clean = (text: string, len: number, addr: bigint) =>
    t.strictSame(
      entry(text),
      { cidrs: [{ family: addr > 0xffffffffn ? 6 : 4, addr, len }], reports: [], warnings: [] },
      text,
    );
  clean('10.0.0.0/024', 24, V4(10, 0, 0, 0));
  clean('10.0.0.0/0024', 24, V4(10, 0, 0, 0));
  clean('0.0.0.0/00', 0, 0n);
  clean('2001:db8::/064', 64, 0x20010db8000000000000000000000000n);
  t.strictSame(
    entry('10.0.0.1/024').warnings.map((w) => w[0]),
    ['CIDR_HOST_BITS'],
  );
  t.strictSame(entry('10.0.0.1/024').cidrs, [{ family: 4, addr: V4(10, 0, 0, 0), len: 24 }]);
  for (const [text, reason] of [
    ['10.0.0.0/033', 'prefix length "033" is not a number in 0..32'],
    ['2001:db8::/0129', 'prefix length "0129" is not a number in 0..128'],
    ['10.0.0.0/99999999999999999999999', 'prefix length "99999999999999999999999" is not a number in 0..32'],
  ] as const)
    t.strictSame(
      entry(text).reports,
      [
        [
          'INVALID_CIDR',
          'spec.addresses[0]',
          `${JSON.stringify(text)} is not a valid CIDR (${reason}); ${CIDR_HINT}`,
        ],
      ],
      text,
    );
});

t.test('pool CIDRs: host bits set are taken as the network, with a warning', async (t) => {
  t.strictSame(entry('10.0.0.0/24'), {
    cidrs: [{ family: 4, addr: V4(10, 0, 0, 0), len: 24 }],
    reports: [],
    warnings: [],
  });
  t.strictSame(entry('10.0.0.1/24'), {
    cidrs: [{ family: 4, addr: V4(10, 0, 0, 0), len: 24 }],
    reports: [],
    warnings: [
      [
        'CIDR_HOST_BITS',
        'spec.addresses[0]',
        '"10.0.0.1/24" has host bits set; it is taken as the network 10.0.0.0/24 (as MetalLB does); write 10.0.0.0/24 to say so',
      ],
    ],
  });
  t.strictSame(entry('2001:db8::1/64'), {
    cidrs: [{ family: 6, addr: 0x20010db8000000000000000000000000n, len: 64 }],
    reports: [],
    warnings: [
      [
        'CIDR_HOST_BITS',
        'spec.addresses[0]',
        '"2001:db8::1/64" has host bits set; it is taken as the network 2001:db8::/64 (as MetalLB does); write 2001:db8::/64 to say so',
      ],
    ],
  });
  // Go's dtoi takes leading zeros in the prefix length: 10.0.0.1/032 is 10.0.0.1/32 to MetalLB.
  t.strictSame(entry('10.0.0.1/032').cidrs, [{ family: 4, addr: V4(10, 0, 0, 1), len: 32 }]);
});

t.test('pool CIDRs: what is not a CIDR is INVALID_CIDR with the reason and a hint', async (t) => {
  const invalid = (text: string, reason: string) =>
    t.strictSame(
      entry(text),
      {
        cidrs: undefined,
        reports: [
          [
            'INVALID_CIDR',
            'spec.addresses[0]',
            `${JSON.stringify(text)} is not a valid CIDR (${reason}); ${CIDR_HINT}`,
          ],
        ],
        warnings: [],
      },
      text,
    );
  invalid('nope', 'missing "/prefix-length"');
  invalid(' 10.0.0.1 ', 'missing "/prefix-length"; for a single address write 10.0.0.1/32');
  invalid('2001:db8::1', 'missing "/prefix-length"; for a single address write 2001:db8::1/128');
  invalid('10.0.0.1/33', 'prefix length "33" is not a number in 0..32');
  invalid('10.0.0.1/24.0', 'prefix length "24.0" is not a number in 0..32');
  invalid('10.0.0.1/ 24', 'prefix length " 24" is not a number in 0..32');
  invalid('10.0.0.1/+24', 'prefix length "+24" is not a number in 0..32');
  invalid('2001:db8::1/129', 'prefix length "129" is not a number in 0..128');
});

// ---------------------------------------------------------------------------------------------------
// BGPAdvertisement and L2Advertisement

const adv = (kind: 'BGPAdvertisement' | 'L2Advertisement', spec?: Record<string, unknown>) => ({
  apiVersion: 'metallb.io/v1beta1',
  kind,
  metadata: { name: 'a' },
  ...(spec ? { spec } : {}),
});

t.test('BGPAdvertisement defaults: lengths 32/128, no localPref, every list empty', async (t) => {
  const r = decodeValue(adv('BGPAdvertisement'));
  t.strictSame(r.errors, []);
  t.strictSame(r.out.bgpAdvertisements, [
    {
      name: 'a',
      aggregationLength: 32,
      aggregationLengthV6: 128,
      communities: [],
      largeCommunities: [],
      rawCommunities: [],
      ipAddressPools: [],
      ipAddressPoolSelectors: [],
      nodeSelectors: [],
      peers: [],
      serviceSelectors: [],
      src,
    },
  ]);
  const lp = decodeValue(adv('BGPAdvertisement', { localPref: 0, communities: ['1:2'], peers: ['x'] }));
  t.match(lp.out.bgpAdvertisements[0], {
    localPref: 0,
    rawCommunities: ['1:2'],
    communities: [],
    peers: ['x'],
  });
  const nul = decodeValue(adv('BGPAdvertisement', { localPref: null }));
  t.notOk('localPref' in nul.out.bgpAdvertisements[0]!, 'localPref: null is unset');
});

t.test('L2Advertisement defaults: every list empty', async (t) => {
  const r = decodeValue(adv('L2Advertisement'));
  t.strictSame(r.errors, []);
  t.strictSame(r.out.l2Advertisements, [
    {
      serviceSelectors: [],
      name: 'a',
      ipAddressPools: [],
      ipAddressPoolSelectors: [],
      nodeSelectors: [],
      interfaces: [],
      src,
    },
  ]);
  const w = decodeValue(adv('L2Advertisement', { interfaces: ['eth0'], ipAddressPools: ['p'] }));
  t.match(w.out.l2Advertisements[0], { interfaces: ['eth0'], ipAddressPools: ['p'] });
});

t.test('advertisements: any one bad selector list is reported on its field and drops it', async (t) => {
  for (const kind of ['BGPAdvertisement', 'L2Advertisement'] as const)
    for (const field of ['nodeSelectors', 'ipAddressPoolSelectors', 'serviceSelectors']) {
      const r = decodeValue(adv(kind, { [field]: badSelector }));
      t.strictSame(
        r.errors,
        [
          err(
            'INVALID_SELECTOR',
            kind,
            'a',
            `spec.${field}[0].matchExpressions[0].values`,
            'operator In needs at least one value',
          ),
        ],
        `${kind} ${field}`,
      );
      t.equal(r.out.bgpAdvertisements.length + r.out.l2Advertisements.length, 0, `${kind} ${field}: dropped`);
    }
});

// ---------------------------------------------------------------------------------------------------
// Community, Namespace, Secret

t.test('Community: each value checked, each alias recorded with its field', async (t) => {
  const r = decodeValue({
    apiVersion: 'metallb.io/v1beta1',
    kind: 'Community',
    metadata: { name: 'c' },
    spec: {
      communities: [
        { name: 'a', value: '1:2' },
        { name: 'b', value: '1:2:3' },
      ],
    },
  });
  t.strictSame(r.errors, [
    err(
      'INVALID_COMMUNITY',
      'Community',
      'c',
      'spec.communities[1].value',
      '"1:2:3" is not a community; expected a:b (two numbers 0..65535) or large:a:b:c (three numbers 0..4294967295)',
    ),
  ]);
  t.strictSame(r.out.communityAliases, [
    { name: 'a', value: '1:2', resource: 'c', field: 'spec.communities[0].name', src },
  ]);
});

t.test('Namespace: its name and labels', async (t) => {
  const r = decodeValue({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'team', labels: { a: 'b' } },
  });
  t.strictSame(r.errors, []);
  t.strictSame(r.out.namespaces, [{ name: 'team', labels: { a: 'b' } }]);
  const bare = decodeValue({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', labels: null } });
  t.strictSame(bare.out.namespaces, [{ name: 'x', labels: {} }]);
});

const secret = (extra: Record<string, unknown>, namespace?: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 's', ...(namespace ? { namespace } : {}) },
  ...extra,
});

t.test('Secret: the password from stringData or base64 data, and its type', async (t) => {
  const get = (v: unknown) => {
    const r = decodeValue(v);
    t.strictSame(r.errors, []);
    return r.out.secrets.get('s');
  };
  t.strictSame(get(secret({ type: 'kubernetes.io/basic-auth', stringData: { password: 'pw' } })), {
    password: 'pw',
    type: 'kubernetes.io/basic-auth',
    src,
  });
  t.strictSame(
    get(secret({ data: { password: 'cMO8' } }, NS)),
    { password: 'pü', src },
    'data is base64 of UTF-8',
  );
  t.strictSame(
    get(secret({ data: { password: 'eA==' }, stringData: { password: 'y' } })),
    { password: 'y', src },
    'stringData wins over data',
  );
  t.strictSame(get(secret({})), { src }, 'no password, no type: neither key');
  t.strictSame(get(secret({ stringData: { user: 'u' }, data: { user: 'dQ==' } })), { src });
});

t.test("Secret: only the speaker's namespace is read", async (t) => {
  const r = decodeValue(secret({ stringData: { password: 'pw' } }, 'other'));
  t.strictSame(r.errors, []);
  t.equal(r.out.secrets.size, 0);
});

// ---------------------------------------------------------------------------------------------------
// Node

t.test('Node: addresses InternalIP first, then the others, IPs only', async (t) => {
  const r = decodeValue(
    node('n', {
      metadata: { name: 'n', labels: { zone: 'a' } },
      status: {
        addresses: [
          { type: 'ExternalIP', address: '203.0.113.5' },
          null,
          { type: 'Hostname', address: 'node-a' },
          { type: 'InternalIP', address: '10.0.0.5' },
          { type: 'InternalIP', address: ['10.0.0.9'] },
          { type: 'InternalDNS' },
          { type: 'InternalIP', address: 'fd00::5' },
          { type: 'ExternalIP', address: 7 },
        ],
      },
    }),
  );
  t.strictSame(r.errors, []);
  t.strictSame(r.out.nodes, [
    {
      name: 'n',
      labels: { zone: 'a' },
      addresses: ['10.0.0.5', 'fd00::5', '203.0.113.5'],
      internalIPs: ['10.0.0.5', 'fd00::5'],
      networkUnavailable: false,
      src,
    },
  ]);
});

t.test('Node without status: no addresses, network available', async (t) => {
  t.strictSame(decodeValue(node('n')).out.nodes, [
    { name: 'n', labels: {}, addresses: [], internalIPs: [], networkUnavailable: false, src },
  ]);
  t.strictSame(
    decodeValue(node('n', { status: { addresses: 'x', conditions: 'y' } })).out.nodes[0]!.addresses,
    [],
  );
});

t.test('Node: NetworkUnavailable True, and only that, marks the network unavailable', async (t) => {
  const unavailable = (conditions: unknown) =>
    decodeValue(node('n', { status: { conditions } })).out.nodes[0]!.networkUnavailable;
  t.equal(
    unavailable([null, { type: 'NetworkUnavailable', status: 'True' }, { type: 'Ready', status: 'True' }]),
    true,
  );
  t.equal(unavailable([{ type: 'NetworkUnavailable', status: 'True' }]), true);
  t.equal(
    unavailable([
      { type: 'Ready', status: 'True' },
      { type: 'NetworkUnavailable', status: 'False' },
    ]),
    false,
  );
  t.equal(unavailable([{ type: 'Ready', status: 'True' }]), false);
  t.equal(unavailable([{ type: 'NetworkUnavailable', status: 'Unknown' }, null]), false);
  t.equal(unavailable([]), false);
});

// ---------------------------------------------------------------------------------------------------
// EndpointSlice

const slice = (labels: Record<string, string>, endpoints?: unknown[]) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'e', namespace: 'app', labels },
  ...(endpoints ? { endpoints } : {}),
});

t.test('EndpointSlice: the service-name label is required and must not be empty', async (t) => {
  const cases: Record<string, string>[] = [{}, { 'kubernetes.io/service-name': '' }];
  for (const labels of cases)
    t.strictSame(decodeValue(slice(labels)).errors, [
      err(
        'MISSING_FIELD',
        'EndpointSlice',
        'e',
        'metadata.labels["kubernetes.io/service-name"]',
        'an EndpointSlice needs the label kubernetes.io/service-name naming its Service',
      ),
    ]);
});

t.test(
  'EndpointSlice: an endpoint can serve when ready (or unset) or serving, and has an address',
  async (t) => {
    const r = decodeValue(
      slice({ 'kubernetes.io/service-name': 'svc' }, [
        { addresses: ['10.1.0.1'], conditions: { ready: false, serving: true }, nodeName: 'n1' },
        { addresses: ['10.1.0.2'], conditions: { ready: false, serving: false } },
        { addresses: ['10.1.0.3'], conditions: { ready: false } },
        { addresses: [], conditions: { ready: true } },
        { addresses: ['10.1.0.4'] },
        { addresses: ['10.1.0.5'], conditions: { ready: true, serving: false } },
      ]),
    );
    t.strictSame(r.errors, []);
    t.strictSame(r.out.endpointSlices, [
      {
        namespace: 'app',
        name: 'e',
        serviceKey: 'app/svc',
        endpoints: [
          { addresses: ['10.1.0.1'], nodeName: 'n1', ready: true },
          { addresses: ['10.1.0.2'], ready: false },
          { addresses: ['10.1.0.3'], ready: false },
          { addresses: [], ready: false },
          { addresses: ['10.1.0.4'], ready: true },
          { addresses: ['10.1.0.5'], ready: true },
        ],
        src,
      },
    ]);
  },
);

// ---------------------------------------------------------------------------------------------------
// Service

const service = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 's', namespace: 'app' },
  spec,
  ...extra,
});
const defaultService = {
  namespace: 'app',
  name: 's',
  key: 'app/s',
  type: 'ClusterIP',
  labels: {},
  annotations: {},
  ipFamilyPolicy: 'SingleStack',
  ipFamilies: [],
  externalTrafficPolicy: 'Cluster',
  ports: [],
  selector: {},
  statusIPs: [],
  src,
};

t.test('Service defaults: ClusterIP, SingleStack, Cluster, no loadBalancerIP or class', async (t) => {
  t.strictSame(decodeValue(service({})).out.services, [defaultService]);
  t.strictSame(
    decodeValue(service({ loadBalancerIP: '', loadBalancerClass: '' })).out.services,
    [defaultService],
    'empty strings are unset',
  );
});

t.test('Service: every field carried, ports named only when named', async (t) => {
  const r = decodeValue(
    service(
      {
        type: 'LoadBalancer',
        loadBalancerIP: '203.0.113.9',
        loadBalancerClass: 'metallb',
        ipFamilyPolicy: 'PreferDualStack',
        ipFamilies: ['IPv6', 'IPv4'],
        externalTrafficPolicy: 'Local',
        selector: { app: 'x' },
        ports: [{ port: 80 }, { name: '', port: 81, protocol: 'UDP' }, { name: 'https', port: 443 }],
      },
      { metadata: { name: 's', namespace: 'app', labels: { l: 'v' }, annotations: { an: 'v' } } },
    ),
  );
  t.strictSame(r.errors, []);
  t.strictSame(r.out.services, [
    {
      ...defaultService,
      type: 'LoadBalancer',
      labels: { l: 'v' },
      annotations: { an: 'v' },
      loadBalancerIP: '203.0.113.9',
      ipFamilyPolicy: 'PreferDualStack',
      ipFamilies: ['IPv6', 'IPv4'],
      externalTrafficPolicy: 'Local',
      ports: [
        { protocol: 'TCP', port: 80 },
        { protocol: 'UDP', port: 81 },
        { name: 'https', protocol: 'TCP', port: 443 },
      ],
      selector: { app: 'x' },
      loadBalancerClass: 'metallb',
    },
  ]);
});

t.test('Service: status.loadBalancer.ingress IPs, anything else left out', async (t) => {
  const r = decodeValue(
    service(
      {},
      {
        status: {
          loadBalancer: {
            ingress: [
              { ip: '203.0.113.9' },
              { hostname: 'lb.example' },
              { ip: 'nope' },
              { ip: ['10.0.0.1'] },
              null,
              { ip: 'fd00::9' },
            ],
          },
        },
      },
    ),
  );
  t.strictSame(r.out.services[0]!.statusIPs, ['203.0.113.9', 'fd00::9']);
  t.strictSame(
    decodeValue(service({}, { status: { loadBalancer: { ingress: 'x' } } })).out.services[0]!.statusIPs,
    [],
  );
});

// ---------------------------------------------------------------------------------------------------
// BGPPeer

const peerDoc = (spec: Record<string, unknown>) => ({
  apiVersion: 'metallb.io/v1beta2',
  kind: 'BGPPeer',
  metadata: { name: 'p' },
  spec: { myASN: 64500, peerASN: 64501, peerAddress: '192.0.2.1', ...spec },
});
const peer = (spec: Record<string, unknown>) => decodeValue(peerDoc(spec));
const minimalPeer = {
  name: 'p',
  myASN: 64500,
  peerASN: 64501,
  peerAddress: '192.0.2.1',
  peerPort: 179,
  holdTime: 90,
  keepaliveTime: 30,
  nodeSelectors: [],
  ebgpMultiHop: false,
  dualStackAddressFamily: false,
  src,
};
/** The one error of a BGPPeer that is then not decoded. */
const peerError = (t: Test, spec: Record<string, unknown>, code: string, field: string, message: string) => {
  const r = peer(spec);
  t.strictSame(r.errors, [err(code, 'BGPPeer', 'p', field, message)], `${JSON.stringify(spec)}: ${code}`);
  t.strictSame(r.out.peers, [], `${JSON.stringify(spec)}: no peer`);
  t.strictSame(r.out.warnings, []);
};

t.test('BGPPeer: only the fields written appear; null and "" are unset', async (t) => {
  const r = peer({});
  t.strictSame(r.errors, []);
  t.strictSame(r.out.warnings, []);
  t.strictSame(r.out.peers, [minimalPeer]);
  t.strictSame(r.out.pendingSecrets, []);
  for (const spec of [
    { sourceAddress: null, routerID: null, password: null, vrf: null, bfdProfile: null, peerPort: null },
    { connectTime: null, localASN: null, holdTime: null, keepaliveTime: null, interface: null },
    { password: '', vrf: '', interface: '' },
    { passwordSecret: { name: '' } },
    { passwordSecret: {}, password: '' },
    { dualStackAddressFamily: false, enableGracefulRestart: false, ebgpMultiHop: false },
  ]) {
    const u = peer(spec);
    t.strictSame(u.errors, [], JSON.stringify(spec));
    t.strictSame(u.out.warnings, [], JSON.stringify(spec));
    t.strictSame(u.out.peers, [minimalPeer], `${JSON.stringify(spec)}: unset`);
    t.strictSame(u.out.pendingSecrets, [], `${JSON.stringify(spec)}: no Secret to resolve`);
  }
});

t.test('BGPPeer: every field written is carried, addresses canonical', async (t) => {
  const r = peer({
    peerAddress: '2001:DB8::1',
    peerPort: 1179,
    sourceAddress: '2001:db8:0::9',
    holdTime: '9s',
    keepaliveTime: '2s',
    routerID: '10.0.0.1',
    password: 'pw',
    ebgpMultiHop: true,
    bfdProfile: 'b',
    enableGracefulRestart: true,
    dualStackAddressFamily: true,
    connectTime: '5s',
    localASN: 64499,
    nodeSelectors: [{ matchLabels: { a: 'b' } }],
  });
  t.strictSame(r.errors, []);
  t.strictSame(r.out.peers, [
    {
      name: 'p',
      myASN: 64500,
      peerASN: 64501,
      peerAddress: '2001:db8::1',
      peerPort: 1179,
      sourceAddress: '2001:db8::9',
      holdTime: 9,
      keepaliveTime: 2,
      routerID: '10.0.0.1',
      nodeSelectors: [{ matchLabels: { a: 'b' }, matchExpressions: [] }],
      password: 'pw',
      ebgpMultiHop: true,
      bfdProfile: 'b',
      enableGracefulRestart: true,
      dualStackAddressFamily: true,
      connectTime: 5,
      localASN: 64499,
      src,
    },
  ]);
});

t.test('BGPPeer: passwordSecret names a Secret to resolve later', async (t) => {
  const r = peer({ passwordSecret: { name: 'sec' } });
  t.strictSame(r.errors, []);
  t.equal(r.out.pendingSecrets.length, 1);
  t.equal(r.out.pendingSecrets[0]!.secret, 'sec');
  t.equal(r.out.pendingSecrets[0]!.peer, r.out.peers[0]);
  peerError(
    t,
    { password: 'pw', passwordSecret: { name: 'sec' } },
    'INVALID_VALUE',
    'spec.passwordSecret',
    'password and passwordSecret are mutually exclusive',
  );
  // MetalLB internal/config/config.go (peerFromCR): only two non-empty values conflict.
  for (const spec of [
    { password: '', passwordSecret: { name: 'sec' } },
    { password: 'pw', passwordSecret: { name: '' } },
    { password: 'pw', passwordSecret: {} },
  ]) {
    const ok = peer(spec);
    t.strictSame(ok.errors, [], JSON.stringify(spec));
    t.equal(ok.out.peers.length, 1, JSON.stringify(spec));
  }
  t.equal(peer({ password: '', passwordSecret: { name: 'sec' } }).out.pendingSecrets.length, 1);
  t.equal(peer({ password: 'pw', passwordSecret: { name: '' } }).out.peers[0]!.password, 'pw');
});

t.test('BGPPeer: interface and peerAddress', async (t) => {
  peerError(
    t,
    { interface: 'eth0' },
    'INVALID_VALUE',
    'spec.interface',
    'interface and peerAddress are mutually exclusive; set one',
  );
  const { peerAddress: _pa, ...noAddress } = peerDoc({}).spec;
  for (const spec of [
    { ...noAddress, interface: 'eth0' },
    { ...noAddress, interface: 'eth0', peerAddress: null },
  ]) {
    const r = decodeValue({ ...peerDoc({}), spec });
    t.strictSame(r.errors, [], 'unnumbered peering is not an error');
    t.strictSame(r.out.warnings, [
      err(
        'NOT_IMPLEMENTED',
        'BGPPeer',
        'p',
        'spec.interface',
        'unnumbered peering over interface "eth0" is not implemented; this BGPPeer is not used',
      ),
    ]);
    t.strictSame(r.out.peers, []);
  }
  for (const spec of [noAddress, { ...noAddress, interface: '' }, { ...noAddress, peerAddress: null }]) {
    const r = decodeValue({ ...peerDoc({}), spec });
    t.strictSame(r.errors, [
      err(
        'MISSING_FIELD',
        'BGPPeer',
        'p',
        'spec.peerAddress',
        'required field "peerAddress" is missing (or set interface)',
      ),
    ]);
    t.strictSame(r.out.peers, []);
  }
});

t.test('BGPPeer: dynamicASN external and vrf are warned about and not used', async (t) => {
  const { peerASN: _p, ...noAsn } = peerDoc({}).spec;
  const ext = decodeValue({ ...peerDoc({}), spec: { ...noAsn, dynamicASN: 'external' } });
  t.strictSame(ext.errors, []);
  t.strictSame(ext.out.warnings, [
    err(
      'NOT_IMPLEMENTED',
      'BGPPeer',
      'p',
      'spec.dynamicASN',
      'dynamicASN: external (any AS but myASN) is not implemented; this BGPPeer is not used',
    ),
  ]);
  t.strictSame(ext.out.peers, []);
  const internal = decodeValue({ ...peerDoc({}), spec: { ...noAsn, dynamicASN: 'internal' } });
  t.strictSame(internal.out.peers, [{ ...minimalPeer, peerASN: 64500 }], 'internal: the peer is in myASN');
  const internalLocal = decodeValue({
    ...peerDoc({}),
    spec: { ...noAsn, dynamicASN: 'internal', localASN: 64777 },
  });
  t.strictSame(
    internalLocal.out.peers,
    [{ ...minimalPeer, peerASN: 64777, localASN: 64777 }],
    'internal with localASN: the peer is in the local AS',
  );
  const vrf = peer({ vrf: 'red' });
  t.strictSame(vrf.errors, []);
  t.strictSame(vrf.out.warnings, [
    err(
      'NOT_IMPLEMENTED',
      'BGPPeer',
      'p',
      'spec.vrf',
      'peering in VRF "red" is not implemented; this BGPPeer is not used',
    ),
  ]);
  t.strictSame(vrf.out.peers, []);
});

t.test('BGPPeer: addresses must parse; a bad one drops the peer', async (t) => {
  peerError(
    t,
    { sourceAddress: 'nope' },
    'INVALID_ADDRESS',
    'spec.sourceAddress',
    '"nope" is not an IPv4 or IPv6 address',
  );
  peerError(
    t,
    { peerAddress: '10.0.0.256' },
    'INVALID_ADDRESS',
    'spec.peerAddress',
    '"10.0.0.256" is not an IPv4 or IPv6 address',
  );
});

t.test('BGPPeer: routerID is an IPv4 address', async (t) => {
  const message = (v: string) =>
    `${JSON.stringify(v)} is not a router ID; expected an IPv4 address such as 192.0.2.10`;
  peerError(t, { routerID: '2001:db8::1' }, 'INVALID_ROUTER_ID', 'spec.routerID', message('2001:db8::1'));
  peerError(t, { routerID: 'x' }, 'INVALID_ROUTER_ID', 'spec.routerID', message('x'));
  t.strictSame(peer({ routerID: '192.0.2.10' }).out.peers, [{ ...minimalPeer, routerID: '192.0.2.10' }]);
});

t.test('BGPPeer: connectTime is a whole number of seconds in 1..65535', async (t) => {
  const message = (v: string) =>
    `${JSON.stringify(v)} is not a valid connect time; expected a whole number of seconds between 1s and 65535s (18h12m15s)`;
  for (const bad of ['1500ms', '999ms', '0s', '65536s', 'abc', '-1s'])
    peerError(t, { connectTime: bad }, 'INVALID_CONNECT_TIME', 'spec.connectTime', message(bad));
  t.strictSame(peer({ connectTime: '1s' }).out.peers, [{ ...minimalPeer, connectTime: 1 }]);
  t.strictSame(peer({ connectTime: '65535s' }).out.peers, [{ ...minimalPeer, connectTime: 65535 }]);
  t.strictSame(peer({ connectTime: '2m' }).out.peers, [{ ...minimalPeer, connectTime: 120 }]);
});

t.test('BGPPeer: timers that are not Go durations are INVALID_DURATION on their own field', async (t) => {
  const message = (v: string) =>
    `${JSON.stringify(v)} is not a valid duration; expected a non-negative Go duration, e.g. "90s" or "1m30s"`;
  peerError(t, { holdTime: 'x' }, 'INVALID_DURATION', 'spec.holdTime', message('x'));
  peerError(t, { keepaliveTime: 'x' }, 'INVALID_DURATION', 'spec.keepaliveTime', message('x'));
  peerError(t, { keepaliveTime: '-3s' }, 'INVALID_DURATION', 'spec.keepaliveTime', message('-3s'));
  // Go durations are int64 nanoseconds: 9223372036854ms fits (then is too long a hold time), 9223372036855ms does not.
  peerError(
    t,
    { holdTime: '9223372036855ms' },
    'INVALID_DURATION',
    'spec.holdTime',
    message('9223372036855ms'),
  );
  peerError(
    t,
    { holdTime: '9223372036854ms' },
    'INVALID_HOLD_TIME',
    'spec.holdTime',
    'hold time 9223372036s is invalid; BGP allows at most 65535s (18h12m15s)',
  );
});

t.test('BGPPeer: hold time 0 or 3..65535 s, keepalive at most the hold time', async (t) => {
  peerError(
    t,
    { holdTime: '1s' },
    'INVALID_HOLD_TIME',
    'spec.holdTime',
    'hold time 1s is invalid; expected 0s (no keepalives) or at least 3s',
  );
  peerError(
    t,
    { holdTime: '65536s' },
    'INVALID_HOLD_TIME',
    'spec.holdTime',
    'hold time 65536s is invalid; BGP allows at most 65535s (18h12m15s)',
  );
  peerError(
    t,
    { keepaliveTime: '21846s' },
    'INVALID_HOLD_TIME',
    'spec.keepaliveTime',
    'hold time 65538s is invalid; BGP allows at most 65535s (18h12m15s)',
  );
  peerError(
    t,
    { holdTime: '10s', keepaliveTime: '11s' },
    'INVALID_KEEPALIVE_TIME',
    'spec.keepaliveTime',
    'keepalive time 11s must not exceed the hold time 10s',
  );
  t.strictSame(peer({ holdTime: '65535s' }).out.peers, [
    { ...minimalPeer, holdTime: 65535, keepaliveTime: 21845 },
  ]);
  t.strictSame(peer({ holdTime: '0s' }).out.peers, [{ ...minimalPeer, holdTime: 0, keepaliveTime: 0 }]);
  t.strictSame(peer({ holdTime: '10s', keepaliveTime: '10s' }).out.peers, [
    { ...minimalPeer, holdTime: 10, keepaliveTime: 10 },
  ]);
});

t.test('BGPPeer: ebgpMultiHop on an iBGP session is an error', async (t) => {
  peerError(
    t,
    { peerASN: 64500, ebgpMultiHop: true },
    'EBGP_MULTIHOP_ON_IBGP',
    'spec.ebgpMultiHop',
    'ebgpMultiHop is set but the session is iBGP (myASN = peerASN = 64500); remove it or use a different peerASN',
  );
  t.strictSame(peer({ ebgpMultiHop: true }).out.peers, [{ ...minimalPeer, ebgpMultiHop: true }]);
  t.strictSame(
    peer({ peerASN: 64500, localASN: 64499, ebgpMultiHop: true }).out.peers,
    [{ ...minimalPeer, peerASN: 64500, localASN: 64499, ebgpMultiHop: true }],
    'localASN makes the session eBGP',
  );
});

t.test('BGPPeer: the password is at most 80 bytes of UTF-8 (TCP MD5 key)', async (t) => {
  const eighty = 'é'.repeat(40);
  t.strictSame(
    peer({ password: eighty }).out.peers,
    [{ ...minimalPeer, password: eighty }],
    '40 characters, 80 bytes',
  );
  peerError(
    t,
    { password: `${eighty}a` },
    'INVALID_VALUE',
    'spec.password',
    'the password is 81 bytes; a TCP MD5 key holds at most 80',
  );
});

t.test('BGPPeer: a bad nodeSelector is reported on its field and drops the peer', async (t) => {
  peerError(
    t,
    { nodeSelectors: badSelector },
    'INVALID_SELECTOR',
    'spec.nodeSelectors[0].matchExpressions[0].values',
    'operator In needs at least one value',
  );
});

t.test('BGPPeer: disableMP, true or false, is decoded with a DEPRECATED_FIELD warning', async (t) => {
  for (const disableMP of [true, false]) {
    const r = peer({ disableMP });
    t.strictSame(r.errors, []);
    t.strictSame(r.out.warnings, [
      err(
        'DEPRECATED_FIELD',
        'BGPPeer',
        'p',
        'spec.disableMP',
        'disableMP is deprecated and has no effect; a BGPPeer carries the family of its peerAddress, set dualStackAddressFamily: true to carry both',
      ),
    ]);
    t.strictSame(r.out.peers, [minimalPeer]);
  }
});
