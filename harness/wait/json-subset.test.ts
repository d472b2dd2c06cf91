import t from 'tap';
import { exactly, jsonSubsetDiff, jsonSubsetMatches } from './json-subset.ts';

const rib = {
  routes: {
    '203.0.113.200/32': [
      { valid: true, locPrf: 0, nexthops: [{ ip: '192.0.2.11' }] },
      { valid: true, locPrf: 0, nexthops: [{ ip: '192.0.2.12' }] },
    ],
  },
};

t.test('objects: expected keys must match, extra actual keys are allowed', async (t) => {
  t.same(jsonSubsetDiff({ routes: { '203.0.113.200/32': [{ nexthops: [{ ip: '192.0.2.12' }] }] } }, rib), []);
  t.same(jsonSubsetDiff({}, { a: 1 }), []);
  t.same(jsonSubsetDiff({ a: 1 }, { a: 2 }), ['$.a: expected 1, got 2']);
  t.same(jsonSubsetDiff({ a: 1 }, {}), ['$.a: missing, expected 1']);
  t.same(jsonSubsetDiff({ a: { b: { c: 'x' } } }, { a: { b: { c: 'y', d: 1 } } }), [
    '$.a.b.c: expected "x", got "y"',
  ]);
  t.same(
    jsonSubsetDiff({ a: 1, b: 2 }, { a: 0, b: 0 }),
    ['$.a: expected 1, got 0', '$.b: expected 2, got 0'],
    'every difference, in key order',
  );
});

t.test('paths quote keys that are not identifiers', async (t) => {
  t.same(jsonSubsetDiff({ routes: { '10.0.0.0/8': { x: 1 } } }, { routes: { '10.0.0.0/8': { x: 2 } } }), [
    '$.routes["10.0.0.0/8"].x: expected 1, got 2',
  ]);
  t.same(jsonSubsetDiff({ 'a b': 1 }, { 'a b': 2 }), ['$["a b"]: expected 1, got 2']);
  t.same(jsonSubsetDiff({ 'x"y': 1 }, {}), ['$["x\\"y"]: missing, expected 1']);
});

t.test('null means the key must be absent; undefined is no constraint', async (t) => {
  t.same(jsonSubsetDiff({ routes: { '10.0.0.0/8': null } }, rib), []);
  t.same(jsonSubsetDiff({ routes: { '203.0.113.200/32': null } }, rib), [
    `$.routes["203.0.113.200/32"]: must be absent, got ${JSON.stringify(rib.routes['203.0.113.200/32'])}`,
  ]);
  t.same(
    jsonSubsetDiff({ a: null }, { a: null }),
    ['$.a: must be absent, got null'],
    'present with a null value is present',
  );
  t.same(jsonSubsetDiff({ a: undefined, b: 1 }, { b: 1 }), []);
  t.same(jsonSubsetDiff(null, null), [], 'a top-level null compares as a value');
  t.same(jsonSubsetDiff(null, 0), ['$: expected null, got 0']);
});

t.test('types must agree', async (t) => {
  t.same(jsonSubsetDiff({ a: 1 }, [1]), ['$: expected an object, got [1]']);
  t.same(jsonSubsetDiff({ a: 1 }, null), ['$: expected an object, got null']);
  t.same(jsonSubsetDiff([1], { 0: 1 }), ['$: expected an array, got {"0":1}']);
  t.same(jsonSubsetDiff(1, '1'), ['$: expected 1, got "1"']);
  t.same(jsonSubsetDiff(true, 1), ['$: expected true, got 1']);
  t.same(jsonSubsetDiff({ a: 1 }, undefined), ['$: expected an object, got undefined']);
});

t.test('an array element that matches nothing is explained through the closest actual element', async (t) => {
  const one = {
    routes: { '203.0.113.200/32': [{ valid: true, locPrf: 100, nexthops: [{ ip: '192.0.2.11' }] }] },
  };
  t.same(jsonSubsetDiff({ routes: { '203.0.113.200/32': [{ locPrf: 0 }] } }, one), [
    '$.routes["203.0.113.200/32"][0].locPrf: expected 0, got 100',
  ]);
  const d = jsonSubsetDiff(
    { routes: { '203.0.113.200/32': [{ locPrf: 0, nexthops: [{ ip: '192.0.2.12' }] }] } },
    {
      routes: {
        '203.0.113.200/32': [
          { locPrf: 100, nexthops: [{ ip: '192.0.2.99' }] },
          { locPrf: 100, nexthops: [{ ip: '192.0.2.12' }] },
        ],
      },
    },
  );
  t.same(d, [
    '$.routes["203.0.113.200/32"]: expected element 0 {"locPrf":0,"nexthops":[{"ip":"192.0.2.12"}]} matches none of the 2 elements; closest is [1]',
    '$.routes["203.0.113.200/32"][1].locPrf: expected 0, got 100',
  ]);
  t.same(jsonSubsetDiff([{ a: 1 }], []), ['$: expected an element matching {"a":1}, got an empty array']);
});

t.test(
  'arrays: distinct elements, order-free, with a maximum matching (no greedy false negative)',
  async (t) => {
    t.same(jsonSubsetDiff([2, 1], [1, 2, 3]), []);
    t.same(jsonSubsetDiff([], [1, 2]), [], 'an empty expected array asks nothing');
    t.same(
      jsonSubsetDiff([{ x: 1 }, { x: 1 }], [{ x: 1 }]),
      ['$: expected element 1 {"x":1} matches none of the 1 elements not already matched; closest is [0]'],
      'one actual element cannot match two expected ones',
    );
    // Greedy matching would give {a:1} the first element and then fail {a:1,b:2}.
    t.same(jsonSubsetDiff([{ a: 1 }, { a: 1, b: 2 }], [{ a: 1, b: 2 }, { a: 1 }]), []);
    t.same(
      jsonSubsetDiff(
        [{ a: 1 }, { b: 1 }, { a: 1, b: 1 }],
        [
          { a: 1, b: 1 },
          { a: 1, b: 0 },
          { a: 0, b: 1 },
        ],
      ),
      [],
    );
    t.same(
      jsonSubsetDiff(
        [[1, 2], [3]],
        [
          [3, 9],
          [2, 1],
        ],
      ),
      [],
      'nested arrays',
    );
  },
);

t.test('exact length: exactly([...]) and the JSON form {"$exactLength": n}', async (t) => {
  t.same(jsonSubsetDiff(exactly([2, 1]), [1, 2]), []);
  t.same(jsonSubsetDiff(exactly([2, 1]), [1, 2, 3]), ['$: expected exactly 2 elements, got 3: [1,2,3]']);
  t.same(jsonSubsetDiff(exactly([]), []), []);
  t.same(
    jsonSubsetDiff(
      { routes: { p: exactly([{ valid: true }]) } },
      { routes: { p: [{ valid: true }, { valid: true }] } },
    ).length,
    1,
    'nested',
  );
  t.same(jsonSubsetDiff({ $exactLength: 2 }, [7, 8]), []);
  t.same(jsonSubsetDiff({ $exactLength: 1 }, [7, 8]), ['$: expected exactly 1 elements, got 2: [7,8]']);
  t.same(jsonSubsetDiff({ $exactLength: 2, $items: [8] }, [7, 8]), []);
  t.same(
    jsonSubsetDiff({ $exactLength: 2, $items: [9] }, [7, 8]).length,
    2,
    'closest summary + element difference',
  );
  t.same(jsonSubsetDiff({ $exactLength: 0 }, {}), ['$: expected an array of exactly 0 elements, got {}']);
  t.same(jsonSubsetDiff({ $exactLength: -1 }, []), [
    '$: $exactLength must be a non-negative integer, got -1',
  ]);
  t.same(
    jsonSubsetDiff(JSON.parse('{"nexthops":{"$exactLength":1}}'), { nexthops: [{ ip: 'x' }] }),
    [],
    'usable from a JSON fixture',
  );
  t.ok(
    Array.isArray(exactly([1])) && JSON.stringify(exactly([1])) === '[1]',
    'exactly() is still a plain array to JSON',
  );
});

t.test('long values are shortened in messages', async (t) => {
  const [line] = jsonSubsetDiff('x', 'y'.repeat(1000));
  t.ok(line!.length < 260 && line!.endsWith('...'));
});

t.test('jsonSubsetMatches', async (t) => {
  t.ok(jsonSubsetMatches({ a: [1] }, { a: [1, 2], b: 0 }));
  t.notOk(jsonSubsetMatches({ a: [3] }, { a: [1, 2] }));
});
