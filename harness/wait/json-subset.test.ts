import t from 'tap';
import { exactly, jsonSubsetDiff } from './json-subset.ts';

const rib = { routes: { '203.0.113.200/32': [{ valid: true, locPrf: 0, nexthops: [{ ip: '192.0.2.11' }] }, { valid: true, locPrf: 0, nexthops: [{ ip: '192.0.2.12' }] }] } };

t.test('subset matches, extra keys allowed', async (t) => {
  t.same(jsonSubsetDiff({ routes: { '203.0.113.200/32': [{ nexthops: [{ ip: '192.0.2.12' }] }] } }, rib), []);
});

t.test('differences are reported with a path', async (t) => {
  t.same(jsonSubsetDiff({ routes: { '203.0.113.200/32': [{ locPrf: 100 }] } }, rib), [
    '$.routes["203.0.113.200/32"][0]: no element matches {"locPrf":100} in [{"valid":true,"locPrf":0,"nexthops":[{"ip":"192.0.2.11"}]},{"valid":true,"locPrf":0,"nexthops":[{"ip":"192.0.2.12"}]}]',
  ]);
  t.same(jsonSubsetDiff({ a: 1 }, { a: 2 }), ['$.a: expected 1, got 2']);
  t.same(jsonSubsetDiff({ a: 1 }, {}), ['$.a: missing, expected 1']);
});

t.test('null means absent', async (t) => {
  t.same(jsonSubsetDiff({ routes: { '10.0.0.0/8': null } }, rib), []);
  t.same(jsonSubsetDiff({ routes: { '203.0.113.200/32': null } }, rib).length, 1);
});

t.test('arrays: distinct elements, order-free, exactly() checks length', async (t) => {
  t.same(jsonSubsetDiff([{ x: 1 }, { x: 1 }], [{ x: 1 }]).length, 1, 'one actual element cannot match two expected');
  t.same(jsonSubsetDiff([2, 1], [1, 2, 3]), []);
  t.same(jsonSubsetDiff(exactly([2, 1]), [1, 2, 3]).length, 1);
  t.same(jsonSubsetDiff(exactly([2, 1]), [1, 2]), []);
});
