/**
 * Keyless tables (keyed by row hash, a row count in the value): counts merge three-way,
 * c1 + c2 − c0, in both directions; a negative count is a conflict; strategies.
 */
import { describe, expect, it } from 'vitest';
import { mergeKeylessEntry, mergeRows } from '../../src/merge/index.js';
import { decodeKeylessValue, encodeKeylessValue, type Tree } from '../../src/objects/index.js';
import { keylessCounts, keylessTree, newNs, type KeylessRow } from './helpers.js';

const ROW = ['apple', 'red'];
const OTHER = ['pear', 'green'];

/** A table holding ROW `c` times (absent when 0) and OTHER twice. */
function table(ns: ReturnType<typeof newNs>, c: number): Tree {
  const rows: KeylessRow[] = [{ cells: OTHER, count: 2 }];
  if (c > 0) rows.push({ cells: ROW, count: c });
  return keylessTree(ns, rows);
}

describe('keyless merge: counts', () => {
  it.each([
    // c0, c1, c2 → merged count (0: row gone), or 'conflict'
    [1, 1, 3, 3], // one side added two copies
    [1, 2, 3, 4], // both added: 1 + 2
    [0, 1, 1, 2], // equal inserts on both sides merge cleanly into two rows
    [0, 2, 0, 2], // insert on one side
    [2, 1, 1, 0], // each side deleted one copy
    [1, 0, 0, 0], // both deleted it: they agree (not −1)
    [2, 0, 0, 0], // both deleted every copy
    [3, 1, 2, 0], // 1 + 2 − 3
    [3, 5, 1, 3],
    [2, 0, 1, 'conflict'], // ours deleted both, theirs one: −1
    [3, 0, 2, 'conflict'],
    [3, 1, 1, 'conflict'], // each side deleted two copies of three
  ] as const)('base %i, ours %i, theirs %i → %s', (c0, c1, c2, expected) => {
    const ns = newNs();
    const [b, o, t] = [table(ns, c0), table(ns, c1), table(ns, c2)];
    for (const [ours, theirs] of [
      [o, t],
      [t, o],
    ] as const) {
      const r = mergeRows(b, ours, theirs, { keyless: true });
      const merged = ours.mutate(r.edits);
      const counts = keylessCounts(merged);
      expect(counts.get(OTHER.join('|'))).toBe(2);
      if (expected === 'conflict') {
        expect(r.conflicts).toHaveLength(1);
        expect(r.conflicts[0]!.reason).toBe('count');
        expect(keylessCounts(merged)).toEqual(keylessCounts(ours)); // ours kept
      } else {
        expect(r.conflicts).toEqual([]);
        expect(counts.get(ROW.join('|'))).toBe(expected === 0 ? undefined : expected);
        // the merge commutes
        expect(merged.root.equals(o.mutate(mergeRows(b, o, t, { keyless: true }).edits).root)).toBe(true);
      }
    }
  });

  it('strategies resolve a negative count to that side', () => {
    const ns = newNs();
    const [b, o, t] = [table(ns, 2), table(ns, 0), table(ns, 1)];
    const theirs = mergeRows(b, o, t, { keyless: true, strategy: 'theirs' });
    expect(theirs.conflicts).toEqual([]);
    expect(theirs.stats).toMatchObject({ conflicts: 1, resolved: 1 });
    expect(keylessCounts(o.mutate(theirs.edits)).get(ROW.join('|'))).toBe(1);
    const ours = mergeRows(b, o, t, { keyless: true, strategy: 'ours' });
    expect(ours.edits).toEqual([]);
  });

  it('counts merges in the stats, and many rows at once', () => {
    const ns = newNs();
    const base: KeylessRow[] = Array.from({ length: 3000 }, (_, i) => ({ cells: [`r${i}`, `${i % 7}`], count: 1 + (i % 3) }));
    const ours = base.map((r, i) => (i % 10 === 0 ? { ...r, count: r.count + 1 } : r));
    const theirs = base.map((r, i) => (i % 15 === 0 ? { ...r, count: r.count + 2 } : r));
    const [tb, to, tt] = [keylessTree(ns, base), keylessTree(ns, ours), keylessTree(ns, theirs)];
    const r = mergeRows(tb, to, tt, { keyless: true });
    expect(r.conflicts).toEqual([]);
    expect(r.stats.countMerged).toBe(100); // i % 30 === 0
    const counts = keylessCounts(to.mutate(r.edits));
    base.forEach((row, i) => {
      const expected = row.count + (i % 10 === 0 ? 1 : 0) + (i % 15 === 0 ? 2 : 0);
      expect(counts.get(row.cells.join('|'))).toBe(expected);
    });
  });
});

describe('mergeKeylessEntry', () => {
  const tags = [1, 2];
  it('keeps the cells and writes the merged count', () => {
    const v = (c: number) => encodeKeylessValue(tags, ROW, c);
    const r = mergeKeylessEntry(v(1), v(2), v(4));
    expect(r.conflict).toBeNull();
    expect(decodeKeylessValue(r.value!)).toEqual({ tags, values: ROW, count: 5 });
    expect(mergeKeylessEntry(v(2), v(1), v(1)).value).toBeNull();
    expect(mergeKeylessEntry(null, v(1), v(1)).value).toEqual(v(2));
  });

  it('merges differing cells of one key cell by cell (a schema-level rewrite on one side)', () => {
    const b = encodeKeylessValue([1, 2], ['a', 'b'], 1);
    const o = encodeKeylessValue([1, 2, 3], ['a', 'b', 'new'], 2);
    const t = encodeKeylessValue([1, 2], ['a', 'b'], 3);
    const r = mergeKeylessEntry(b, o, t);
    expect(r.conflict).toBeNull();
    expect(decodeKeylessValue(r.value!)).toEqual({ tags: [1, 2, 3], values: ['a', 'b', 'new'], count: 4 });
    const t2 = encodeKeylessValue([1, 2, 3], ['a', 'b', 'other'], 3);
    const c = mergeKeylessEntry(b, o, t2);
    expect(c.conflict).toBe('cells');
    expect(c.tags).toEqual([3]);
  });
});
