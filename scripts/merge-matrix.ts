/**
 * `npm run merge-matrix`: runs the whole conflict matrix of test/merge/matrix/cases.ts in both
 * directions through the public API and prints it as a table (case × direction → outcome, and
 * whether it meets the rules), then totals. `--group rows|schema|mixed` runs one group only.
 * Exit code 1 when a case fails.
 */
import { CASES } from '../test/merge/matrix/cases.js';
import { judge, mirrors, outcomeText, runCase } from '../test/merge/matrix/run.js';

const gi = process.argv.indexOf('--group');
const group = gi >= 0 ? process.argv[gi + 1] : undefined;
const cases = CASES.filter((c) => !group || c.group === group);

const pad = (s: string, n: number): string => (s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length));
const W = { group: 7, name: 58, out: 24 };
console.log(`${pad('group', W.group)} ${pad('case (ours × theirs)', W.name)} ${pad('expected', 10)} ${pad('theirs→ours', W.out)} ${pad('ours→theirs', W.out)} result`);
console.log('-'.repeat(W.group + W.name + 10 + 2 * W.out + 12));
let pass = 0;
let fail = 0;
const failures: string[] = [];
const t0 = Date.now();
for (const c of cases) {
  const a = await runCase(c, 'theirs→ours');
  const b = await runCase(c, 'ours→theirs');
  const why = [judge(c, a) && `theirs→ours: ${judge(c, a)}`, judge(c, b) && `ours→theirs: ${judge(c, b)}`, mirrors(a, b)].filter(Boolean);
  const ok = why.length === 0;
  if (ok) pass++;
  else {
    fail++;
    failures.push(`[${c.group}] ${c.name}\n    ${why.join('\n    ')}`);
  }
  const exp = c.expect.or ? `${c.expect.status}|${c.expect.or.status}` : c.expect.status;
  console.log(`${pad(c.group, W.group)} ${pad(c.name, W.name)} ${pad(exp, 10)} ${pad(outcomeText(a), W.out)} ${pad(outcomeText(b), W.out)} ${ok ? 'ok' : 'FAIL'}`);
}
console.log('-'.repeat(W.group + W.name + 10 + 2 * W.out + 12));
const byGroup = new Map<string, number>();
for (const c of cases) byGroup.set(c.group, (byGroup.get(c.group) ?? 0) + 1);
console.log(`${cases.length} cases × 2 directions = ${cases.length * 2} merges (${[...byGroup].map(([g, n]) => `${g} ${n}`).join(', ')}); ${pass} cases pass, ${fail} fail; ${((Date.now() - t0) / 1000).toFixed(1)} s`);
if (failures.length) console.log(`\nFailures:\n${failures.join('\n')}`);
process.exitCode = fail ? 1 : 0;
