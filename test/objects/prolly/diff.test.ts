/**
 * Diff: equals a naive diff of the sorted entries, applying diff(a, b) to a gives b, and its
 * cost follows the change (nodes visited), not the size of the trees.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProllyTree, type DiffEntry, type Tree, type TreeEdit } from '../../../src/objects/index.js';
import { fixedEntry, Model, naiveDiff, newStore, prng, randomKey, randomValue, showDiff, type Shape } from './helpers.js';

function randomSet(seed: number, n: number, shape: Shape): Model {
  const r = prng(seed);
  const m = new Model();
  for (let i = 0; i < n; i++) m.put(randomKey(r, shape, n * 2 + 10), randomValue(r, shape));
  return m;
}

function applyDiff(t: ProllyTree, d: Iterable<DiffEntry>): ProllyTree {
  const edits: TreeEdit[] = [];
  for (const e of d) edits.push({ key: e.key, value: e.kind === 'removed' ? null : e.to });
  return t.mutate(edits);
}

describe('diff', () => {
  it('equals a naive diff, and applying diff(a, b) to a gives b', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.constantFrom<Shape>('small', 'mixed', 'bigkeys', 'bigvalues'),
        fc.integer({ min: 0, max: 3000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (seed, shape, n, changeRate) => {
          const r = prng(seed);
          const a = randomSet(seed, n, shape);
          const b = a.clone();
          const changes = Math.floor(changeRate * changeRate * (n + 20));
          for (let i = 0; i < changes; i++) {
            const key = randomKey(r, shape, n * 2 + 10);
            if (r() < 0.35) b.delete(key);
            else b.put(key, randomValue(r, shape));
          }
          const { ns } = newStore();
          const ta = ProllyTree.build(ns, a.sorted());
          const tb = r() < 0.5 ? ProllyTree.build(ns, b.sorted()) : ta.mutate(naiveDiff(a.sorted(), b.sorted()).map((e) => ({ key: e.key, value: e.kind === 'removed' ? null : e.to })));
          const want = showDiff(naiveDiff(a.sorted(), b.sorted()));
          expect(showDiff(ta.diff(tb))).toEqual(want);
          expect(showDiff(tb.diff(ta))).toEqual(showDiff(naiveDiff(b.sorted(), a.sorted())));
          expect(applyDiff(ta, ta.diff(tb)).root.toString()).toBe(tb.root.toString());
          expect([...ta.diff(ta)]).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('works across node stores and against another Tree implementation', () => {
    const a = randomSet(5, 500, 'small');
    const b = a.clone();
    b.put(new Uint8Array([1, 2, 3]), new Uint8Array([4]));
    const ta = ProllyTree.build(newStore().ns, a.sorted());
    const tb = ProllyTree.build(newStore().ns, b.sorted());
    expect(showDiff(ta.diff(tb))).toEqual(showDiff(naiveDiff(a.sorted(), b.sorted())));
    // a Tree of another implementation: only its entries() is used, by a merge of entries
    const foreign = { entries: () => tb.entries() } as unknown as Tree;
    expect(showDiff(ta.diff(foreign))).toEqual(showDiff(naiveDiff(a.sorted(), b.sorted())));
  });

  it('diff with the empty tree lists every entry', () => {
    const a = randomSet(8, 700, 'mixed');
    const { ns } = newStore();
    const ta = ProllyTree.build(ns, a.sorted());
    const empty = ProllyTree.empty(ns);
    expect(showDiff(empty.diff(ta))).toEqual(showDiff(naiveDiff([], a.sorted())));
    expect(showDiff(ta.diff(empty))).toEqual(showDiff(naiveDiff(a.sorted(), [])));
  });

  it('cost follows the change: a one-entry diff on 100K entries reads a few nodes per level', () => {
    const { ns } = newStore();
    const entries = Array.from({ length: 100_000 }, (_, i) => fixedEntry(i));
    const a = ProllyTree.build(ns, entries);
    const b = a.mutate([{ key: entries[54_321]!.key, value: new Uint8Array([9]) }]);
    const before = ns.stats();
    const d = [...a.diff(b)];
    const after = ns.stats();
    expect(d).toHaveLength(1);
    expect(d[0]!.kind).toBe('modified');
    const visits = after.cacheHits + after.cacheMisses - before.cacheHits - before.cacheMisses;
    // two root-to-leaf paths plus sibling skips: far below the ~1,700 nodes of each tree
    expect(a.depth).toBe(3);
    expect(visits).toBeLessThan(200);
  });
});
