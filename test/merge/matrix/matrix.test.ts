/**
 * The conflict matrix (test/merge/matrix/cases.ts) as tests: every case runs in both
 * directions through the public API; each direction must meet the rules' expectation and the
 * two directions must mirror (same kind of outcome, same counts, same merged contents).
 */
import { describe, expect, it } from 'vitest';
import { CASES } from './cases.js';
import { judge, mirrors, runCase } from './run.js';

for (const group of ['rows', 'schema', 'mixed'] as const) {
  describe(`conflict matrix: ${group}`, () => {
    for (const c of CASES.filter((x) => x.group === group)) {
      it(c.name, async () => {
        const a = await runCase(c, 'theirs→ours');
        const b = await runCase(c, 'ours→theirs');
        expect({ 'theirs→ours': judge(c, a), 'ours→theirs': judge(c, b), mirror: mirrors(a, b) }).toEqual({ 'theirs→ours': '', 'ours→theirs': '', mirror: '' });
      });
    }
  });
}

it('the matrix covers every pair of row and schema operations', () => {
  expect(CASES.filter((c) => c.group === 'rows')).toHaveLength((7 * 8) / 2);
  expect(CASES.filter((c) => c.group === 'schema')).toHaveLength((13 * 14) / 2);
});
