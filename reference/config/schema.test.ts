// The structural schema checker (schema.ts) and the shapes of every resource kind (schemas.ts): exact
// codes, fields, lines and messages of what is rejected, and what must be accepted.
import t from 'tap';
import { canonicalJson, check, describe, type Schema } from './schema.ts';
import { parseManifestText } from './load.ts';

type Reported = { code: string; field: string; message: string };

/** check() with every report collected. */
function run(value: unknown, schema: Schema, path = 'x'): { ok: boolean; reports: Reported[] } {
  const reports: Reported[] = [];
  const ok = check(value, schema, path, (code, field, message) => reports.push({ code, field, message }));
  return { ok, reports };
}

/** parseManifestText's errors without file, kind and name (one file, f.yaml). */
function errorsOf(text: string): { code: string; line: number; field: string; message: string }[] {
  return parseManifestText(text, 'f.yaml').errors.map(({ code, line, field, message }) => ({
    code,
    line,
    field,
    message,
  }));
}

function configOf(text: string) {
  const r = parseManifestText(text, 'f.yaml');
  if (!r.config) throw new Error(`expected a config, got ${JSON.stringify(r.errors)}`);
  return r.config;
}

const str: Schema = { t: 'string' };

t.test('describe: null and undefined both read "null"', async (t) => {
  t.equal(describe(null), 'null');
  t.equal(describe(undefined), 'null');
});

t.test('describe: strings are quoted; longer than 80 characters cut to 77 plus "..."', async (t) => {
  t.equal(describe(''), '""');
  t.equal(describe('a"b'), '"a\\"b"');
  const eighty = 'x'.repeat(80);
  t.equal(describe(eighty), `"${eighty}"`);
  t.equal(describe('y'.repeat(81)), `"${'y'.repeat(77)}..."`);
  t.equal(describe('0123456789'.repeat(10)), `"${'0123456789'.repeat(7)}0123456..."`);
});

t.test('describe: numbers, booleans and bigints as written', async (t) => {
  t.equal(describe(5), '5');
  t.equal(describe(-1.5), '-1.5');
  t.equal(describe(true), 'true');
  t.equal(describe(false), 'false');
  t.equal(describe(10n), '10');
});

t.test('describe: lists and mappings by what they are, not their content', async (t) => {
  t.equal(describe([]), 'a list');
  t.equal(describe([1, 'a']), 'a list');
  t.equal(describe({}), 'a mapping');
  t.equal(describe({ a: 1 }), 'a mapping');
  t.equal(describe(new Map()), 'a mapping');
});

t.test('describe: anything else by its JavaScript type', async (t) => {
  t.equal(
    describe(() => 1),
    'function',
  );
  t.equal(describe(Symbol('s')), 'symbol');
});

t.test('canonicalJson: mapping keys sorted at every depth, lists kept in order', async (t) => {
  t.equal(canonicalJson({ b: 1, a: [2, { d: null, c: 'x' }] }), '{"a":[2,{"c":"x","d":null}],"b":1}');
  t.equal(canonicalJson([{ b: 1, a: 2 }]), '[{"a":2,"b":1}]');
  t.equal(canonicalJson([[3, 1], 2]), '[[3,1],2]');
  t.equal(canonicalJson([]), '[]');
  t.equal(canonicalJson({}), '{}');
  t.equal(canonicalJson({ 'a"b': 'c' }), '{"a\\"b":"c"}');
  t.equal(canonicalJson('s'), '"s"');
  t.equal(canonicalJson(7), '7');
});

t.test('canonicalJson: equal for the same value in any key order, distinct otherwise', async (t) => {
  t.equal(canonicalJson({ a: 1, b: [{ x: 1, y: 2 }] }), canonicalJson({ b: [{ y: 2, x: 1 }], a: 1 }));
  t.not(canonicalJson(['a,b']), canonicalJson(['a', 'b']));
  t.not(canonicalJson({ a: '1' }), canonicalJson({ a: 1 }));
});

t.test('canonicalJson: an undefined value reads as null', async (t) => {
  t.equal(canonicalJson(undefined), 'null');
  t.equal(canonicalJson([undefined]), '[null]');
  t.equal(canonicalJson({ a: undefined }), '{"a":null}');
});

t.test('check any: every value passes, nothing reported', async (t) => {
  for (const v of [null, 0, 'x', [], {}, [1, [2]], { a: { b: 1 } }]) {
    t.same(run(v, { t: 'any' }), { ok: true, reports: [] }, canonicalJson(v));
  }
});

t.test('check string: wrong type, enum and non-empty rules', async (t) => {
  t.same(run('x', str), { ok: true, reports: [] });
  t.same(run('', str), { ok: true, reports: [] });
  t.same(run(5, str), {
    ok: false,
    reports: [{ code: 'WRONG_TYPE', field: 'x', message: 'got 5, expected a string' }],
  });
  t.same(run(['a'], str, 'spec.name'), {
    ok: false,
    reports: [{ code: 'WRONG_TYPE', field: 'spec.name', message: 'got a list, expected a string' }],
  });
  const e: Schema = { t: 'string', enum: ['In', 'NotIn'] };
  t.same(run('In', e), { ok: true, reports: [] });
  t.same(run('NotIn', e), { ok: true, reports: [] });
  t.same(run('in', e), {
    ok: false,
    reports: [{ code: 'INVALID_VALUE', field: 'x', message: 'got "in", expected one of In, NotIn' }],
  });
  const ne: Schema = { t: 'string', nonEmpty: true };
  t.same(run('a', ne), { ok: true, reports: [] });
  t.same(run('Stryker was here!', ne), { ok: true, reports: [] });
  t.same(run('', ne), {
    ok: false,
    reports: [
      { code: 'INVALID_VALUE', field: 'x', message: 'got an empty string, expected a non-empty string' },
    ],
  });
  // A value outside the enum is reported once, as INVALID_VALUE, even when it is also empty.
  t.same(run('', { t: 'string', enum: ['a'], nonEmpty: true }), {
    ok: false,
    reports: [{ code: 'INVALID_VALUE', field: 'x', message: 'got "", expected one of a' }],
  });
});

t.test('check int: integers only, bounds inclusive, range code when given', async (t) => {
  const i: Schema = { t: 'int', min: 1, max: 10 };
  t.same(run(1, i), { ok: true, reports: [] });
  t.same(run(10, i), { ok: true, reports: [] });
  t.same(run('5', i), {
    ok: false,
    reports: [{ code: 'WRONG_TYPE', field: 'x', message: 'got "5", expected an integer' }],
  });
  t.same(run(1.5, i), {
    ok: false,
    reports: [{ code: 'WRONG_TYPE', field: 'x', message: 'got 1.5, expected an integer' }],
  });
  t.same(run(0, i), {
    ok: false,
    reports: [{ code: 'OUT_OF_RANGE', field: 'x', message: 'got 0, expected an integer in 1..10' }],
  });
  t.same(run(11, { t: 'int', min: 1, max: 10, rangeCode: 'INVALID_ASN' }), {
    ok: false,
    reports: [{ code: 'INVALID_ASN', field: 'x', message: 'got 11, expected an integer in 1..10' }],
  });
});

t.test('check bool: only true and false', async (t) => {
  t.same(run(true, { t: 'bool' }), { ok: true, reports: [] });
  t.same(run(false, { t: 'bool' }), { ok: true, reports: [] });
  t.same(run('true', { t: 'bool' }), {
    ok: false,
    reports: [{ code: 'WRONG_TYPE', field: 'x', message: 'got "true", expected a boolean (true or false)' }],
  });
});

t.test('check stringMap: a mapping whose every value is a string; each bad value reported', async (t) => {
  const m: Schema = { t: 'stringMap' };
  t.same(run({}, m), { ok: true, reports: [] });
  t.same(run({ a: 'x', 'b/c': '' }, m), { ok: true, reports: [] });
  t.same(run('abc', m, 'labels'), {
    ok: false,
    reports: [
      { code: 'WRONG_TYPE', field: 'labels', message: 'got "abc", expected a mapping of strings to strings' },
    ],
  });
  t.same(run(['a'], m, 'labels'), {
    ok: false,
    reports: [
      {
        code: 'WRONG_TYPE',
        field: 'labels',
        message: 'got a list, expected a mapping of strings to strings',
      },
    ],
  });
  t.same(
    run({ a: { b: 'c' }, l: [1, 2] }, m, 'labels').reports.map((r) => r.message),
    ['got a mapping, expected a string', 'got a list, expected a string'],
    'no quoting hint for a value that has no text',
  );
  t.same(run({ a: 'x', b: 5, 'app/x': true }, m, 'labels'), {
    ok: false,
    reports: [
      { code: 'WRONG_TYPE', field: 'labels.b', message: 'got 5, expected a string (quote it: "5")' },
      {
        code: 'WRONG_TYPE',
        field: 'labels["app/x"]',
        message: 'got true, expected a string (quote it: "true")',
      },
    ],
  });
});

t.test('check list: type, non-empty (default and own code), items by index, duplicates', async (t) => {
  const l: Schema = { t: 'list', of: str };
  t.same(run([], l), { ok: true, reports: [] });
  t.same(run('a', l), {
    ok: false,
    reports: [{ code: 'WRONG_TYPE', field: 'x', message: 'got "a", expected a list' }],
  });
  t.same(run({}, l), {
    ok: false,
    reports: [{ code: 'WRONG_TYPE', field: 'x', message: 'got a mapping, expected a list' }],
  });
  t.same(run([], { t: 'list', of: str, nonEmpty: true }), {
    ok: false,
    reports: [
      { code: 'INVALID_VALUE', field: 'x', message: 'got an empty list, expected at least one entry' },
    ],
  });
  t.same(run([], { t: 'list', of: str, nonEmpty: true, emptyCode: 'POOL_NO_ADDRESSES' }), {
    ok: false,
    reports: [
      { code: 'POOL_NO_ADDRESSES', field: 'x', message: 'got an empty list, expected at least one entry' },
    ],
  });
  t.same(run(['a'], { t: 'list', of: str, nonEmpty: true }), { ok: true, reports: [] });
  t.same(run(['a', 1, 'b', 'a', 'a'], l, 'l'), {
    ok: false,
    reports: [
      { code: 'WRONG_TYPE', field: 'l[1]', message: 'got 1, expected a string' },
      { code: 'DUPLICATE_ENTRY', field: 'l[3]', message: '"a" repeats l[0]; list entries must be unique' },
      { code: 'DUPLICATE_ENTRY', field: 'l[4]', message: '"a" repeats l[0]; list entries must be unique' },
    ],
  });
});

t.test(
  'check list: entries equal up to key order are duplicates; lists in entries compared in order',
  async (t) => {
    const objs: Schema = { t: 'list', of: { t: 'any' } };
    t.same(
      run(
        [
          { a: 1, b: [{ c: 1, d: 2 }] },
          { b: [{ d: 2, c: 1 }], a: 1 },
        ],
        objs,
        'l',
      ),
      {
        ok: false,
        reports: [
          {
            code: 'DUPLICATE_ENTRY',
            field: 'l[1]',
            message: 'a mapping repeats l[0]; list entries must be unique',
          },
        ],
      },
    );
    t.same(run([[{ a: 1, b: 2 }], [{ b: 2, a: 1 }]], objs, 'l'), {
      ok: false,
      reports: [
        {
          code: 'DUPLICATE_ENTRY',
          field: 'l[1]',
          message: 'a list repeats l[0]; list entries must be unique',
        },
      ],
    });
    t.same(run([[1, 2], [2, 1], { a: 1 }, { a: '1' }], objs, 'l'), { ok: true, reports: [] });
  },
);

t.test(
  'check object: type, unknown fields with a near match or the valid list, null, required',
  async (t) => {
    const o: Schema = { t: 'object', fields: { name: str, namespace: str, n: { t: 'int', min: 0, max: 1 } } };
    t.same(run({ name: 'a', namespace: 'b', n: 1 }, o), { ok: true, reports: [] });
    t.same(run(5, o), {
      ok: false,
      reports: [{ code: 'WRONG_TYPE', field: 'x', message: 'got 5, expected a mapping' }],
    });
    t.same(run([], o), {
      ok: false,
      reports: [{ code: 'WRONG_TYPE', field: 'x', message: 'got a list, expected a mapping' }],
    });
    t.same(run({ Name: 'a' }, o, ''), {
      ok: false,
      reports: [
        { code: 'UNKNOWN_FIELD', field: 'Name', message: 'unknown field "Name"; did you mean "name"?' },
      ],
    });
    t.same(run({ NAMESPACE: 'a' }, o, 'metadata'), {
      ok: false,
      reports: [
        {
          code: 'UNKNOWN_FIELD',
          field: 'metadata.NAMESPACE',
          message: 'unknown field "NAMESPACE"; did you mean "namespace"?',
        },
      ],
    });
    t.same(run({ colour: 'red' }, o, 'metadata'), {
      ok: false,
      reports: [
        {
          code: 'UNKNOWN_FIELD',
          field: 'metadata.colour',
          message: 'unknown field "colour"; valid fields here: name, namespace, n',
        },
      ],
    });
    // Inherited names are not fields.
    t.same(run({ toString: 'x' }, o, ''), {
      ok: false,
      reports: [
        {
          code: 'UNKNOWN_FIELD',
          field: 'toString',
          message: 'unknown field "toString"; valid fields here: name, namespace, n',
        },
      ],
    });
    // A wrong field value fails the object; an explicit null is an absent optional field.
    t.same(run({ name: 1, n: null }, o), {
      ok: false,
      reports: [{ code: 'WRONG_TYPE', field: 'x.name', message: 'got 1, expected a string' }],
    });
    t.same(run({ name: null }, o), { ok: true, reports: [] });
    const req: Schema = { ...o, required: ['name', 'n'] };
    t.same(run({ name: null }, req, 'spec'), {
      ok: false,
      reports: [
        { code: 'MISSING_FIELD', field: 'spec.name', message: 'required field "name" is missing' },
        { code: 'MISSING_FIELD', field: 'spec.n', message: 'required field "n" is missing' },
      ],
    });
    t.same(run({ name: 'a', n: 0 }, req), { ok: true, reports: [] });
  },
);

// --- every kind's shape (schemas.ts), through the loader ---

const pool = (spec: string, meta = ''): string =>
  `apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: p\n${meta}spec:\n${spec}`;
const peer = (spec: string, apiVersion = 'metallb.io/v1beta2'): string =>
  `apiVersion: ${apiVersion}\nkind: BGPPeer\nmetadata:\n  name: peer\nspec:\n${spec}`;
const peerSpec = '  myASN: 64512\n  peerASN: 64500\n  peerAddress: 192.0.2.1\n';

t.test('IPAddressPool: an empty address is INVALID_VALUE, not a bad CIDR', async (t) => {
  t.same(errorsOf(pool('  addresses:\n    - 10.0.0.0/24\n    - ""\n')), [
    {
      code: 'INVALID_VALUE',
      line: 8,
      field: 'spec.addresses[1]',
      message: 'got an empty string, expected a non-empty string',
    },
  ]);
});

t.test('metadata: what kubectl adds (uid, managedFields, ...) is accepted with any value', async (t) => {
  const c = configOf(
    pool(
      '  addresses:\n    - 10.0.0.0/24\n',
      '  uid: 0f1e\n  resourceVersion: 12\n  generation: 3\n  creationTimestamp: null\n  managedFields:\n    - manager: kubectl\n  finalizers: [a]\n',
    ),
  );
  t.same(
    c.pools.map((p) => p.name),
    ['p'],
  );
});

t.test('metadata: an unknown field names the valid ones; a wrong-case one its near match', async (t) => {
  t.same(errorsOf(pool('  addresses:\n    - 10.0.0.0/24\n', '  Labels: {}\n')), [
    {
      code: 'UNKNOWN_FIELD',
      line: 5,
      field: 'metadata.Labels',
      message: 'unknown field "Labels"; did you mean "labels"?',
    },
  ]);
  t.same(errorsOf(pool('  addresses:\n    - 10.0.0.0/24\n', '  label: {}\n')), [
    {
      code: 'UNKNOWN_FIELD',
      line: 5,
      field: 'metadata.label',
      message:
        'unknown field "label"; valid fields here: name, namespace, labels, annotations, uid, resourceVersion, generation, creationTimestamp, deletionTimestamp, deletionGracePeriodSeconds, generateName, finalizers, ownerReferences, managedFields',
    },
  ]);
});

const l2 = (spec: string): string =>
  `apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata:\n  name: l2\n${spec}`;

t.test('label selectors: all four operators accepted', async (t) => {
  const c = configOf(
    l2(
      'spec:\n  nodeSelectors:\n    - matchExpressions:\n        - key: a\n          operator: In\n          values: [x]\n        - key: b\n          operator: NotIn\n          values: [y]\n        - key: c\n          operator: Exists\n        - key: d\n          operator: DoesNotExist\n',
    ),
  );
  t.same(
    c.l2Advertisements[0]!.nodeSelectors[0]!.matchExpressions.map((e) => e.operator),
    ['In', 'NotIn', 'Exists', 'DoesNotExist'],
  );
});

t.test('label selectors: an unknown operator lists the four; key and operator are required', async (t) => {
  t.same(
    errorsOf(
      l2('spec:\n  nodeSelectors:\n    - matchExpressions:\n        - key: a\n          operator: in\n'),
    ),
    [
      {
        code: 'INVALID_VALUE',
        line: 9,
        field: 'spec.nodeSelectors[0].matchExpressions[0].operator',
        message: 'got "in", expected one of In, NotIn, Exists, DoesNotExist',
      },
    ],
  );
  t.same(errorsOf(l2('spec:\n  nodeSelectors:\n    - matchExpressions:\n        - values: [x]\n')), [
    {
      code: 'MISSING_FIELD',
      line: 8,
      field: 'spec.nodeSelectors[0].matchExpressions[0].key',
      message: 'required field "key" is missing',
    },
    {
      code: 'MISSING_FIELD',
      line: 8,
      field: 'spec.nodeSelectors[0].matchExpressions[0].operator',
      message: 'required field "operator" is missing',
    },
  ]);
});

t.test('BGPAdvertisement and L2Advertisement: spec is optional', async (t) => {
  const c = configOf(
    `${pool('  addresses:\n    - 10.0.0.0/24\n')}---\napiVersion: metallb.io/v1beta1\nkind: BGPAdvertisement\nmetadata:\n  name: b\n---\n${l2('')}`,
  );
  t.same(
    c.bgpAdvertisements.map((a) => a.name),
    ['b'],
  );
  t.same(
    c.l2Advertisements.map((a) => a.name),
    ['l2'],
  );
});

t.test('IPAddressPool: spec is required', async (t) => {
  t.same(errorsOf('apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: p\n'), [
    { code: 'MISSING_FIELD', line: 1, field: 'spec', message: 'required field "spec" is missing' },
  ]);
});

t.test('BGPPeer: myASN required; ASNs out of 1..4294967295 are INVALID_ASN', async (t) => {
  t.same(errorsOf(peer('  peerASN: 64500\n  peerAddress: 192.0.2.1\n')), [
    { code: 'MISSING_FIELD', line: 5, field: 'spec.myASN', message: 'required field "myASN" is missing' },
  ]);
  for (const f of ['myASN', 'peerASN', 'localASN']) {
    const rest = peerSpec
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith(`  ${f}:`))
      .map((l) => `${l}\n`)
      .join('');
    t.same(
      errorsOf(peer(`  ${f}: 0\n${rest}`)),
      [
        {
          code: 'INVALID_ASN',
          line: 6,
          field: `spec.${f}`,
          message: 'got 0, expected an integer in 1..4294967295',
        },
      ],
      f,
    );
  }
  t.same(errorsOf(peer(`${peerSpec}  localASN: 4294967296\n`)), [
    {
      code: 'INVALID_ASN',
      line: 9,
      field: 'spec.localASN',
      message: 'got 4294967296, expected an integer in 1..4294967295',
    },
  ]);
});

t.test('BGPPeer: metallb.io/v1beta1 is accepted as well as v1beta2', async (t) => {
  const c = configOf(peer(peerSpec, 'metallb.io/v1beta1'));
  t.same(
    c.peers.map((p) => [p.name, p.myASN]),
    [['peer', 64512]],
  );
});

const secret = (body: string): string =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: kubernetes.io/basic-auth\n${body}`;

t.test(
  'Secret: stringData.password feeds the BGPPeer password; a non-string value is rejected',
  async (t) => {
    const text = (body: string): string =>
      `${peer(`${peerSpec}  passwordSecret:\n    name: s\n`)}---\n${secret(body)}`;
    const c = configOf(text('stringData:\n  password: pw\n'));
    t.equal(c.peers[0]!.password, 'pw');
    // The rejected Secret is not there for the peer either.
    t.same(errorsOf(text('stringData:\n  password: 5\n')), [
      {
        code: 'UNKNOWN_SECRET',
        line: 9,
        field: 'spec.passwordSecret',
        message: 'no Secret named "s" in the speaker\'s namespace',
      },
      {
        code: 'WRONG_TYPE',
        line: 18,
        field: 'stringData.password',
        message: 'got 5, expected a string (quote it: "5")',
      },
    ]);
  },
);

t.test('Community: each entry needs name and value', async (t) => {
  t.same(
    errorsOf(
      'apiVersion: metallb.io/v1beta1\nkind: Community\nmetadata:\n  name: c\nspec:\n  communities:\n    - name: a\n',
    ),
    [
      {
        code: 'MISSING_FIELD',
        line: 7,
        field: 'spec.communities[0].value',
        message: 'required field "value" is missing',
      },
    ],
  );
});

t.test('BFDProfile: spec is optional', async (t) => {
  const c = configOf('apiVersion: metallb.io/v1beta1\nkind: BFDProfile\nmetadata:\n  name: b\n');
  t.same(
    c.bfdProfiles!.map((b) => b.name),
    ['b'],
  );
});

t.test('Namespace: read (with its labels) and checked like every other kind', async (t) => {
  const ns = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels:\n    env: prod\n';
  t.same(configOf(ns).namespaces, [{ name: 'team', labels: { env: 'prod' } }]);
  t.same(errorsOf(`${ns}bogus: 1\n`), [
    {
      code: 'UNKNOWN_FIELD',
      line: 7,
      field: 'bogus',
      message: 'unknown field "bogus"; valid fields here: apiVersion, kind, metadata, spec, status',
    },
  ]);
});

const svc = (name: string, spec: string): string =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: default\nspec:\n${spec}`;

t.test(
  'Service: every type, protocol, family policy and traffic policy MetalLB reads is accepted',
  async (t) => {
    const docs = [
      svc(
        'a',
        '  type: LoadBalancer\n  selector:\n    app: a\n  ipFamilyPolicy: RequireDualStack\n  ipFamilies: [IPv4, IPv6]\n  externalTrafficPolicy: Local\n  internalTrafficPolicy: Local\n  ports:\n    - port: 53\n      protocol: UDP\n      nodePort: 30053\n    - port: 80\n      protocol: SCTP\n      nodePort: 0\n    - port: 443\n      protocol: TCP\n',
      ),
      svc(
        'b',
        '  type: NodePort\n  ipFamilyPolicy: PreferDualStack\n  ipFamilies: [IPv6]\n  externalTrafficPolicy: Cluster\n  internalTrafficPolicy: Cluster\n  ports:\n    - port: 1\n      nodePort: 65535\n',
      ),
      svc('c', '  type: ClusterIP\n  ipFamilyPolicy: SingleStack\n  clusterIP: None\n'),
      svc('d', '  type: ExternalName\n  externalName: example.com\n'),
    ];
    const c = configOf(docs.join('---\n'));
    t.same(
      c.services.map((s) => ({
        name: s.name,
        type: s.type,
        policy: s.ipFamilyPolicy,
        families: s.ipFamilies,
        etp: s.externalTrafficPolicy,
        selector: s.selector,
        ports: s.ports.map((p) => `${p.port}/${p.protocol}`),
      })),
      [
        {
          name: 'a',
          type: 'LoadBalancer',
          policy: 'RequireDualStack',
          families: ['IPv4', 'IPv6'],
          etp: 'Local',
          selector: { app: 'a' },
          ports: ['53/UDP', '80/SCTP', '443/TCP'],
        },
        {
          name: 'b',
          type: 'NodePort',
          policy: 'PreferDualStack',
          families: ['IPv6'],
          etp: 'Cluster',
          selector: {},
          ports: ['1/TCP'],
        },
        {
          name: 'c',
          type: 'ClusterIP',
          policy: 'SingleStack',
          families: [],
          etp: 'Cluster',
          selector: {},
          ports: [],
        },
        {
          name: 'd',
          type: 'ExternalName',
          policy: 'SingleStack',
          families: [],
          etp: 'Cluster',
          selector: {},
          ports: [],
        },
      ],
    );
  },
);

t.test('Service: values outside each enum or range rejected with the allowed ones named', async (t) => {
  const one = (spec: string) => errorsOf(svc('a', spec));
  t.same(one('  type: Loadbalancer\n'), [
    {
      code: 'INVALID_VALUE',
      line: 7,
      field: 'spec.type',
      message: 'got "Loadbalancer", expected one of ClusterIP, NodePort, LoadBalancer, ExternalName',
    },
  ]);
  t.same(one('  ipFamilyPolicy: DualStack\n'), [
    {
      code: 'INVALID_VALUE',
      line: 7,
      field: 'spec.ipFamilyPolicy',
      message: 'got "DualStack", expected one of SingleStack, PreferDualStack, RequireDualStack',
    },
  ]);
  t.same(one('  ipFamilies:\n    - IPv4\n    - ipv6\n'), [
    {
      code: 'INVALID_VALUE',
      line: 9,
      field: 'spec.ipFamilies[1]',
      message: 'got "ipv6", expected one of IPv4, IPv6',
    },
  ]);
  t.same(one('  externalTrafficPolicy: local\n'), [
    {
      code: 'INVALID_VALUE',
      line: 7,
      field: 'spec.externalTrafficPolicy',
      message: 'got "local", expected one of Cluster, Local',
    },
  ]);
  t.same(one('  internalTrafficPolicy: Node\n'), [
    {
      code: 'INVALID_VALUE',
      line: 7,
      field: 'spec.internalTrafficPolicy',
      message: 'got "Node", expected one of Cluster, Local',
    },
  ]);
  t.same(one('  selector:\n    app: 1\n'), [
    {
      code: 'WRONG_TYPE',
      line: 8,
      field: 'spec.selector.app',
      message: 'got 1, expected a string (quote it: "1")',
    },
  ]);
  t.same(one('  ports:\n    - port: 80\n      protocol: tcp\n      nodePort: 65536\n    - name: x\n'), [
    {
      code: 'INVALID_VALUE',
      line: 9,
      field: 'spec.ports[0].protocol',
      message: 'got "tcp", expected one of TCP, UDP, SCTP',
    },
    {
      code: 'OUT_OF_RANGE',
      line: 10,
      field: 'spec.ports[0].nodePort',
      message: 'got 65536, expected an integer in 0..65535',
    },
    {
      code: 'MISSING_FIELD',
      line: 11,
      field: 'spec.ports[1].port',
      message: 'required field "port" is missing',
    },
  ]);
});

const slice = (body: string): string =>
  `apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: e\n  namespace: default\n  labels:\n    kubernetes.io/service-name: a\n${body}`;

t.test('EndpointSlice: every addressType accepted; an endpoint needs addresses', async (t) => {
  const docs = ['IPv4', 'IPv6', 'FQDN'].map((a, i) =>
    slice(`addressType: ${a}\nendpoints:\n  - addresses: [x${i}]\n`).replace('name: e', `name: e${i}`),
  );
  t.same(
    configOf(docs.join('---\n')).endpointSlices.map((s) => s.name),
    ['e0', 'e1', 'e2'],
  );
  t.same(errorsOf(slice('addressType: IPv5\n')), [
    {
      code: 'INVALID_VALUE',
      line: 8,
      field: 'addressType',
      message: 'got "IPv5", expected one of IPv4, IPv6, FQDN',
    },
  ]);
  t.same(errorsOf(slice('addressType: IPv4\nendpoints:\n  - nodeName: n\n')), [
    {
      code: 'MISSING_FIELD',
      line: 10,
      field: 'endpoints[0].addresses',
      message: 'required field "addresses" is missing',
    },
  ]);
});
