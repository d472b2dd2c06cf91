import t from 'tap';
import { fileURLToPath } from 'node:url';
import type { CommandIO } from './io.ts';
import { runPlan } from './plan.ts';
import { runValidate } from './validate.ts';

const fx = fileURLToPath(new URL('../../fixtures/', import.meta.url));

function io(): CommandIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    out: () => out,
    err: () => err,
  };
}

t.test('validate: 0 when valid, 1 with file:line errors, 2 on usage errors', async (t) => {
  const a = io();
  t.equal(await runValidate([`${fx}doc/S2.yaml`, `${fx}doc/S2.cluster.yaml`], a), 0);
  t.equal(a.out(), 'valid\n');
  const b = io();
  t.equal(await runValidate([`${fx}invalid/pool-overlap-across-pools.yaml`], b), 1);
  t.match(
    b.err(),
    /pool-overlap-across-pools\.yaml:16: IPAddressPool\/b: spec\.addresses\[0\]: CIDR 203\.0\.113\.128\/29 .* \[POOL_OVERLAP\]/,
  );
  const c = io();
  t.equal(await runValidate(['--json', `${fx}invalid/peer-hold-time-too-short.yaml`], c), 1);
  t.same(JSON.parse(c.out()), {
    errors: [
      {
        code: 'INVALID_HOLD_TIME',
        file: `${fx}invalid/peer-hold-time-too-short.yaml`,
        line: 10,
        kind: 'BGPPeer',
        name: 'tor',
        field: 'spec.holdTime',
        message: 'hold time 2s is invalid; expected 0s (no keepalives) or at least 3s',
      },
    ],
    warnings: [],
  });
  const d = io();
  t.equal(await runValidate(['--json', `${fx}doc/S1.yaml`], d), 0);
  t.same(JSON.parse(d.out()), { errors: [], warnings: [] });
  // accepted with a warning: valid, the warning on stderr (and in --json)
  const w = io();
  t.equal(await runValidate([`${fx}accepted/pool-cidr-host-bits.yaml`], w), 0);
  t.equal(w.out(), 'valid\n');
  t.match(w.err(), /^warning: .*\[CIDR_HOST_BITS\]\n$/);
  const wj = io();
  t.equal(await runValidate(['--json', `${fx}accepted/pool-cidr-host-bits.yaml`], wj), 0);
  t.match(JSON.parse(wj.out()), {
    errors: [],
    warnings: [{ code: 'CIDR_HOST_BITS', field: 'spec.addresses[0]' }],
  });
  for (const args of [[], ['--bogus', 'x.yaml'], ['--namespace']]) {
    const e = io();
    t.equal(await runValidate(args, e), 2, JSON.stringify(args));
    t.match(e.err(), /usage: lbconform validate/);
  }
  const ns = io();
  t.equal(
    await runValidate(['--namespace', 'lb', `${fx}doc/S1.yaml`], ns),
    1,
    'S1 names metallb-system explicitly',
  );
  t.match(ns.err(), /WRONG_NAMESPACE/);
});

t.test('plan: prints the plan JSON; --alive; exit 1 with errors; 2 on usage', async (t) => {
  const a = io();
  t.equal(await runPlan([`${fx}doc/S4.yaml`, `${fx}doc/S4.cluster.yaml`], a), 0);
  const plan = JSON.parse(a.out());
  t.same(Object.keys(plan), ['allocations', 'bgp', 'l2', 'warnings']);
  t.equal(plan.l2[0].node, 'NodeC');
  t.ok(a.out().startsWith('{\n  "allocations"'), '2-space indent');
  const b = io();
  t.equal(await runPlan(['--alive', 'NodeA,NodeB', `${fx}doc/S4.yaml`, `${fx}doc/S4.cluster.yaml`], b), 0);
  t.not(JSON.parse(b.out()).l2[0].node, 'NodeC');
  const c = io();
  t.equal(await runPlan([`${fx}invalid/unknown-field.yaml`], c), 1);
  t.match(c.err(), /\[UNKNOWN_FIELD\]/);
  t.equal(c.out(), '');
  const d = io();
  t.equal(await runPlan([], d), 2);
  t.match(d.err(), /usage: lbconform plan/);
});
