/**
 * Route tables in the features never expect a LOCAL_PREF of exactly 0. MetalLB treats localPref 0 as
 * unset (internal/bgp/frr/frr.go adds a local-preference only when `adv.LocalPref != 0`), so its FRR
 * mode sends bgpd's default 100 on iBGP while its native mode sends 0: a `0` cell fails MetalLB's FRR
 * mode for nothing. Such a cell is written `unset`, which accepts 0, none and 100 (bgp.steps.ts).
 */
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const featuresDir = fileURLToPath(new URL('./', import.meta.url));

/** `file:line` of every table row whose `local pref` cell is exactly 0. */
export function zeroLocalPrefRows(file: string, text: string): string[] {
  const out: string[] = [];
  let column: number | undefined;
  text.split('\n').forEach((line, i) => {
    const trimmed = line.trim();
    if (!trimmed.startsWith('|')) {
      column = undefined;
      return;
    }
    const cells = trimmed
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim());
    if (cells.includes('local pref')) column = cells.indexOf('local pref');
    else if (column !== undefined && cells[column] === '0') out.push(`${file}:${i + 1}`);
  });
  return out;
}

t.test('the check finds a 0 cell and only in the local pref column', async (t) => {
  const table = '  | prefix | local pref | med |\n  | a/32 | 0 | 0 |\n  | b/32 | unset | 0 |\n';
  t.same(zeroLocalPrefRows('x.feature', table), ['x.feature:2']);
});

t.test('no feature expects LOCAL_PREF 0', async (t) => {
  const rows = readdirSync(featuresDir)
    .filter((f) => f.endsWith('.feature'))
    .flatMap((f) => zeroLocalPrefRows(f, readFileSync(featuresDir + f, 'utf8')));
  t.same(rows, [], 'write `unset` instead of 0');
});
