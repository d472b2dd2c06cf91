import t from 'tap';
import { rfcCases } from './rfc-cases.ts';
import { expectation, selectedCases } from './wire-table.ts';

t.test('the two halves of the table cover every case once', async (t) => {
  const session = selectedCases({ area: 'session' }).map((c) => c.name);
  const update = selectedCases({ area: 'update' }).map((c) => c.name);
  t.same([...session, ...update].sort(), rfcCases.map((c) => c.name).sort());
  t.ok(update.length > 10 && update.every((n) => n.startsWith('UPDATE:')));
  t.ok(session.some((n) => n.startsWith('OPEN:')) && session.some((n) => n.startsWith('FSM:')));
  t.same(
    selectedCases({ area: 'update', only: ['UPDATE: ORIGIN value 3', 'bad marker'] }).map((c) => c.name),
    ['UPDATE: ORIGIN value 3'],
  );
});

t.test("an FSM error is 5/0 or RFC 6608's subcode of the state it arrived in", async (t) => {
  const subcodeOfState = { 'open-sent': 1, 'open-confirm': 2, established: 3 } as const;
  const fsm = rfcCases.filter((c) => c.name.startsWith('FSM:'));
  t.equal(fsm.length, 4);
  for (const c of fsm) {
    if (typeof c.expect !== 'object' || c.phase === 'open')
      throw new Error(`${c.name}: not a NOTIFICATION case`);
    t.same(c.expect.notification, [5, 0], c.name);
    t.same(
      c.expect.alsoAccepted,
      [{ notification: [5, subcodeOfState[c.phase]], rfc: 'RFC 6608 3' }],
      `${c.name}: RFC 6608 subcode of ${c.phase}`,
    );
    t.equal(expectation(c), `NOTIFICATION 5/0 or 5/${subcodeOfState[c.phase]} (RFC 6608 3)`);
  }
  t.ok(
    rfcCases.every(
      (c) => c.name.startsWith('FSM:') || typeof c.expect !== 'object' || !c.expect.alsoAccepted,
    ),
    'no other case accepts a second answer',
  );
});
