import t from 'tap';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { electL2Owner, electionKey } from './l2.ts';

t.test('election key is sha256(node#ip) hex', async (t) => {
  t.equal(electionKey('NodeA', '4.4.4.1'), createHash('sha256').update('NodeA#4.4.4.1').digest('hex'));
  // Checked by hand (python hashlib): NodeC has the lowest hash for 4.4.4.1 among A, B, C.
  t.equal(electL2Owner(['NodeA', 'NodeB', 'NodeC'], '4.4.4.1'), 'NodeC');
  t.equal(electL2Owner([], '4.4.4.1'), undefined);
});

const nodeSet = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 12 });
const ip = fc.oneof(fc.ipV4(), fc.ipV6());

t.test('property: exactly one owner, a member of the live set, whatever the order', async (t) => {
  fc.assert(
    fc.property(nodeSet, ip, (nodes, addr) => {
      const owner = electL2Owner(nodes, addr);
      if (owner === undefined || !nodes.includes(owner)) return false;
      return electL2Owner([...nodes].reverse(), addr) === owner;
    }),
  );
  t.pass();
});

t.test(
  'property: removing a non-owner never moves the IP; removing the owner elects another live node',
  async (t) => {
    fc.assert(
      fc.property(nodeSet, ip, fc.nat(), (nodes, addr, k) => {
        const owner = electL2Owner(nodes, addr)!;
        const others = nodes.filter((n) => n !== owner);
        if (others.length === 0) return true;
        const victim = others[k % others.length]!;
        if (
          electL2Owner(
            nodes.filter((n) => n !== victim),
            addr,
          ) !== owner
        )
          return false;
        const next = electL2Owner(others, addr);
        return next !== undefined && next !== owner && others.includes(next);
      }),
    );
    t.pass();
  },
);
