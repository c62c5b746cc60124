/**
 * Diff: equals a naive diff of the sorted entries (random trees of every shape and height,
 * empty trees, two stores), applying diff(a, b) to a gives b, and its cost follows the change
 * (nodes visited, chunks read cold), not the size of the trees.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProllyTree, type DiffEntry, type Tree, type TreeEdit } from '../../../src/objects/index.js';
import { bytes, fixedEntry, Model, naiveDiff, newStore, prng, randomKey, randomValue, showDiff, type Shape } from './helpers.js';

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

  it('equals a naive diff on random trees of any sizes and heights, in one store or two', () => {
    const key = (id: number, wide: boolean): Uint8Array => bytes(`k${String(id).padStart(7, '0')}${wide && id % 5 === 0 ? '/'.padEnd(200, 'w') : ''}`);
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 0, max: 4000 }),
        fc.integer({ min: 0, max: 4000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        fc.boolean(),
        (seed, n, space, rate, wide, twoStores) => {
          const r = prng(seed);
          const nsA = newStore().ns;
          const nsB = twoStores ? newStore().ns : nsA;
          const ids = new Set<number>();
          for (let i = 0; i < n; i++) ids.add(Math.floor(r() * (space + n + 1)));
          const entries = [...ids].sort((x, y) => x - y).map((id) => ({ key: key(id, wide), value: bytes(`v${id}`) }));
          const a = ProllyTree.build(nsA, entries);
          const edits: TreeEdit[] = [];
          const nEdits = Math.floor(rate * rate * (n + 50));
          for (let i = 0; i < nEdits; i++) {
            const id = Math.floor(r() * (space + n + 1));
            edits.push({ key: key(id, wide), value: r() < 0.3 ? null : bytes(`w${id}-${i}`) });
          }
          const b0 = a.mutate(edits);
          const b = twoStores ? ProllyTree.build(nsB, [...b0.entries()]) : b0;
          const ea = [...a.entries()];
          const eb = [...b.entries()];
          expect(showDiff(a.diff(b))).toEqual(showDiff(naiveDiff(ea, eb)));
          expect(showDiff(b.diff(a))).toEqual(showDiff(naiveDiff(eb, ea)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('handles trees of different heights and the empty tree', () => {
    const { ns } = newStore();
    const big = ProllyTree.build(ns, Array.from({ length: 30_000 }, (_, i) => fixedEntry(i)));
    const mid = ProllyTree.build(ns, Array.from({ length: 3000 }, (_, i) => fixedEntry(i * 7)));
    const small = ProllyTree.build(ns, Array.from({ length: 40 }, (_, i) => fixedEntry(i * 700)));
    const empty = ProllyTree.empty(ns);
    expect(big.depth).toBeGreaterThan(mid.depth);
    expect(mid.depth).toBeGreaterThan(small.depth);
    const all = [big, mid, small, empty];
    for (const x of all) {
      for (const y of all) expect(showDiff(x.diff(y))).toEqual(showDiff(naiveDiff([...x.entries()], [...y.entries()])));
    }
  });

  it('reads about depth × 2 nodes per change: 10 scattered changes on 100K entries, cold cache', async () => {
    const { ns } = newStore(256 << 20);
    const N = 100_000;
    const a = ProllyTree.build(ns, Array.from({ length: N }, (_, i) => fixedEntry(i)));
    const r = prng(3);
    const b = a.mutate(Array.from({ length: 10 }, (_, i) => ({ key: fixedEntry(Math.floor(r() * N)).key, value: bytes(`new-${i}`) })));
    await ns.flush();
    ns.clearCache();
    const s0 = ns.stats();
    expect([...a.diff(b)]).toHaveLength(10);
    const reads = ns.stats().storeReads - s0.storeReads;
    // 10 changes × 2 trees × depth, plus a neighbour now and then
    expect(reads).toBeLessThan(10 * 2 * a.depth * 2);
    // …against the whole tree, read cold by a full scan
    ns.clearCache();
    const s2 = ns.stats();
    expect([...a.entries()]).toHaveLength(N);
    expect(ns.stats().storeReads - s2.storeReads).toBeGreaterThan(10 * reads);
  });

  it('stops early: breaking out of a diff of two large trees reads little', () => {
    const { ns } = newStore();
    const a = ProllyTree.build(ns, Array.from({ length: 50_000 }, (_, i) => fixedEntry(i)));
    const b = a.mutate(Array.from({ length: 5000 }, (_, i) => ({ key: fixedEntry(i * 10).key, value: bytes(`x${i}`) })));
    const it = a.diff(b);
    const first = it.next();
    expect(first.done).toBe(false);
    expect(first.value).toEqual({ kind: 'modified', key: fixedEntry(0).key, from: fixedEntry(0).value, to: bytes('x0') });
    let n = 1;
    for (const d of it) if (d) n++;
    expect(n).toBe(5000);
  });
});
