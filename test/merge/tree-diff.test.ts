/**
 * The structural tree diff used by the merge: same output as the prolly tree's own diff (and a
 * naive diff of the entry lists) on random trees of every shape and height, and far fewer
 * nodes read for scattered changes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { diffRows, diffTrees } from '../../src/merge/index.js';
import { ProllyTree, type DiffEntry, type TreeEdit, type TreeEntry } from '../../src/objects/index.js';
import { hex, newNs, prng } from './helpers.js';

const enc = new TextEncoder();

function key(id: number, wide: boolean): Uint8Array {
  return enc.encode(`k${String(id).padStart(7, '0')}${wide && id % 5 === 0 ? '/'.padEnd(200, 'w') : ''}`);
}

function show(d: Iterable<DiffEntry>): string[] {
  const out: string[] = [];
  for (const e of d) {
    out.push(`${e.kind} ${hex(e.key)} ${e.kind === 'added' ? '' : hex(e.from)} ${e.kind === 'removed' ? '' : hex(e.to)}`);
  }
  return out;
}

function naive(a: TreeEntry[], b: TreeEntry[]): string[] {
  const ma = new Map(a.map((e) => [hex(e.key)!, e]));
  const mb = new Map(b.map((e) => [hex(e.key)!, e]));
  const keys = [...new Set([...ma.keys(), ...mb.keys()])].sort();
  const out: string[] = [];
  for (const k of keys) {
    const x = ma.get(k);
    const y = mb.get(k);
    if (x === undefined) out.push(`added ${k}  ${hex(y!.value)}`);
    else if (y === undefined) out.push(`removed ${k} ${hex(x.value)} `);
    else if (hex(x.value) !== hex(y.value)) out.push(`modified ${k} ${hex(x.value)} ${hex(y.value)}`);
  }
  return out;
}

describe('diffTrees', () => {
  it('equals Tree.diff and a naive diff on random trees (sizes, heights, empty trees, two stores)', () => {
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
          const nsA = newNs();
          const nsB = twoStores ? newNs() : nsA;
          const ids = new Set<number>();
          for (let i = 0; i < n; i++) ids.add(Math.floor(r() * (space + n + 1)));
          const entries = [...ids].sort((x, y) => x - y).map((id) => ({ key: key(id, wide), value: enc.encode(`v${id}`) }));
          const a = ProllyTree.build(nsA, entries);
          const edits: TreeEdit[] = [];
          const nEdits = Math.floor(rate * rate * (n + 50));
          for (let i = 0; i < nEdits; i++) {
            const id = Math.floor(r() * (space + n + 1));
            edits.push({ key: key(id, wide), value: r() < 0.3 ? null : enc.encode(`w${id}-${i}`) });
          }
          const b0 = a.mutate(edits);
          const b = twoStores ? ProllyTree.build(nsB, [...b0.entries()]) : b0;
          const ea = [...a.entries()];
          const eb = [...b.entries()];
          const expected = naive(ea, eb);
          expect(show(diffTrees(a, b))).toEqual(expected);
          expect(show(a.diff(b))).toEqual(expected);
          expect(show(diffTrees(b, a))).toEqual(naive(eb, ea));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('handles trees of different heights and the empty tree', () => {
    const ns = newNs();
    const big = ProllyTree.build(ns, Array.from({ length: 30_000 }, (_, i) => ({ key: key(i, false), value: enc.encode(`v${i}`) })));
    const small = ProllyTree.build(ns, Array.from({ length: 40 }, (_, i) => ({ key: key(i * 700, false), value: enc.encode(`v${i * 700}`) })));
    const empty = ProllyTree.empty(ns);
    expect(big.depth).toBeGreaterThan(small.depth);
    for (const [x, y] of [
      [big, small],
      [small, big],
      [empty, small],
      [big, empty],
      [empty, empty],
    ] as const) {
      expect(show(diffTrees(x, y))).toEqual(naive([...x.entries()], [...y.entries()]));
    }
  });

  it('reads about depth × 2 nodes per change: 10 scattered changes on 100K entries, cold cache', async () => {
    const ns = newNs(256 << 20);
    const N = 100_000;
    const a = ProllyTree.build(ns, Array.from({ length: N }, (_, i) => ({ key: key(i, false), value: enc.encode(`value-${i}`) })));
    const r = prng(3);
    const b = a.mutate(Array.from({ length: 10 }, (_, i) => ({ key: key(Math.floor(r() * N), false), value: enc.encode(`new-${i}`) })));
    await ns.flush();
    ns.clearCache();
    const s0 = ns.stats();
    expect([...diffTrees(a, b)]).toHaveLength(10);
    const s1 = ns.stats();
    const reads = s1.storeReads - s0.storeReads;
    // 10 changes × 2 trees × depth, plus a neighbour now and then
    expect(reads).toBeLessThan(10 * 2 * a.depth * 2);
    // …against the whole tree, read cold by a full scan
    ns.clearCache();
    const s2 = ns.stats();
    expect([...a.entries()]).toHaveLength(N);
    const total = ns.stats().storeReads - s2.storeReads;
    expect(total).toBeGreaterThan(10 * reads);
  });

  it('diffRows spells out from/to with nulls', () => {
    const ns = newNs();
    const a = ProllyTree.build(ns, [
      { key: key(1, false), value: enc.encode('a') },
      { key: key(2, false), value: enc.encode('b') },
    ]);
    const b = a.mutate([
      { key: key(1, false), value: null },
      { key: key(2, false), value: enc.encode('B') },
      { key: key(3, false), value: enc.encode('c') },
    ]);
    expect([...diffRows(a, b)].map((c) => [c.kind, hex(c.key), hex(c.from), hex(c.to)])).toEqual([
      ['removed', hex(key(1, false)), hex(enc.encode('a')), null],
      ['modified', hex(key(2, false)), hex(enc.encode('b')), hex(enc.encode('B'))],
      ['added', hex(key(3, false)), null, hex(enc.encode('c'))],
    ]);
    expect([...diffRows(a, a)]).toEqual([]);
  });
});
