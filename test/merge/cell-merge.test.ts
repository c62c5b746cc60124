/**
 * mergeCells and sameValue: the cell-by-tag rules on decoded rows, NULL as an absent tag,
 * tags present on one side only, value identity across types.
 */
import { describe, expect, it } from 'vitest';
import { mergeCells, sameValue } from '../../src/merge/index.js';
import { Decimal, type SqlValue } from '../../src/objects/index.js';

function cells(o: Record<number, SqlValue>) {
  const tags = Object.keys(o)
    .map(Number)
    .sort((a, b) => a - b);
  return { tags, values: tags.map((t) => o[t]!) };
}

describe('sameValue', () => {
  it('is exact: same storage class and same value', () => {
    const eq: [SqlValue, SqlValue][] = [
      [null, null],
      [1n, 1n],
      [1.5, 1.5],
      [0, 0],
      ['a', 'a'],
      [new Uint8Array([1, 2]), new Uint8Array([1, 2])],
      [new Decimal(15n, 1), new Decimal(15n, 1)],
    ];
    const ne: [SqlValue, SqlValue][] = [
      [null, 0n],
      [1n, 1],
      [0, -0],
      ['1', 1n],
      [new Uint8Array([1]), new Uint8Array([1, 0])],
      [new Uint8Array([1]), 'x'],
      [new Decimal(10n, 1), new Decimal(100n, 2)],
      [new Decimal(1n, 0), 1n],
    ];
    for (const [a, b] of eq) {
      expect(sameValue(a, b)).toBe(true);
      expect(sameValue(b, a)).toBe(true);
    }
    for (const [a, b] of ne) {
      expect(sameValue(a, b)).toBe(false);
      expect(sameValue(b, a)).toBe(false);
    }
  });
});

describe('mergeCells', () => {
  it('takes each side’s changed cells and keeps the untouched ones', () => {
    const r = mergeCells(cells({ 1: 'a', 2: 'b', 3: 'c' }), cells({ 1: 'A', 2: 'b', 3: 'c' }), cells({ 1: 'a', 2: 'b', 3: 'C' }));
    expect(r).toEqual({ tags: [1, 2, 3], values: ['A', 'b', 'C'], conflictTags: [], jsonPaths: [], jsonMerged: 0 });
  });

  it('treats an absent tag as NULL: set to NULL, set from NULL, a tag only one side carries', () => {
    const r = mergeCells(cells({ 1: 'a', 2: 'b' }), cells({ 2: 'b', 7: 70n }), cells({ 1: 'a', 2: 'B', 9: 'new' }));
    expect(r.conflictTags).toEqual([]);
    const merged = Object.fromEntries(r.tags.map((t, i) => [t, r.values[i]]).filter(([, v]) => v !== null));
    expect(merged).toEqual({ 2: 'B', 7: 70n, 9: 'new' });
  });

  it('lists colliding tags in order and resolves them to the preferred side', () => {
    const b = cells({ 1: 1n, 2: 2n, 3: 3n, 4: 4n });
    const o = cells({ 1: 10n, 2: 2n, 3: 30n });
    const t = cells({ 1: 11n, 2: 20n, 3: 31n, 4: 4n });
    const r = mergeCells(b, o, t);
    expect(r.conflictTags).toEqual([1, 3]);
    const pick = (p?: 'ours' | 'theirs') => {
      const x = mergeCells(b, o, t, { prefer: p });
      return x.tags.map((tag, i) => [tag, x.values[i]]);
    };
    expect(pick('theirs')).toEqual([
      [1, 11n],
      [2, 20n],
      [3, 31n],
      [4, null],
    ]);
    expect(pick('ours')).toEqual([
      [1, 10n],
      [2, 20n],
      [3, 30n],
      [4, null],
    ]);
  });

  it('with no base row (both inserted), equal cells converge and differing ones collide', () => {
    const r = mergeCells(null, cells({ 1: 'x', 2: 'y' }), cells({ 1: 'x', 2: 'z' }));
    expect(r.conflictTags).toEqual([2]);
  });
});
