/**
 * Write amplification: a batched mutation rewrites only the changed paths. A one-entry
 * update that keeps the value's size writes exactly `depth` chunks; single inserts and
 * deletes write at most depth + 1 chunks except when a boundary shift spills into a
 * neighbouring node (a few percent); the median is `depth`. A batch of size-keeping updates
 * writes exactly the distinct nodes on the edited keys' paths. Patched nodes (the fast path
 * for edits that keep sizes) give the same trees as bulk builds, also when patched again.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cidOf } from '../../../src/hash/index.js';
import { decodeNode, ProllyTree, type ProllyNode, type TreeEdit } from '../../../src/objects/index.js';
import { searchNode } from '../../../src/objects/prolly/cursor.js';
import { bytes, fixedEntry, hex, Model, newStore, prng, randomKey, randomValue, type Shape } from './helpers.js';

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

describe('write amplification', () => {
  const N = 100_000;
  const { ns } = newStore(256 << 20);
  // even keys present; odd keys free for inserts
  const t = ProllyTree.build(ns, Array.from({ length: N }, (_, i) => fixedEntry(2 * i)));

  function written(edit: { key: Uint8Array; value: Uint8Array | null }): { chunks: number; tree: ProllyTree } {
    const before = ns.stats().chunksPut;
    const tree = t.mutate([edit]);
    return { chunks: ns.stats().chunksPut - before, tree };
  }

  it('a same-size update writes exactly depth chunks', async () => {
    await ns.flush();
    const r = prng(3);
    expect(t.depth).toBe(3);
    for (let j = 0; j < 300; j++) {
      const i = Math.floor(r() * N);
      const { chunks, tree } = written({ key: fixedEntry(2 * i).key, value: bytes(`VALUE-${String(j).padStart(6, '0')}`) });
      expect(chunks).toBe(t.depth);
      expect(tree.depth).toBe(t.depth);
      await ns.flush();
    }
  });

  it('single inserts and deletes: median depth, at most depth + 1 in ≥ 95% of cases', async () => {
    const r = prng(4);
    for (const kind of ['insert', 'delete', 'resize'] as const) {
      const counts: number[] = [];
      for (let j = 0; j < 400; j++) {
        const i = Math.floor(r() * N);
        const key = fixedEntry(kind === 'insert' ? 2 * i + 1 : 2 * i).key;
        const value = kind === 'delete' ? null : bytes('v'.repeat(1 + Math.floor(r() * 80)));
        counts.push(written({ key, value }).chunks);
        await ns.flush();
      }
      expect(median(counts)).toBe(t.depth);
      expect(counts.filter((c) => c <= t.depth + 1).length).toBeGreaterThanOrEqual(0.95 * counts.length);
      expect(Math.max(...counts)).toBeLessThan(4 * t.depth);
    }
  });

  it('1K scattered edits rewrite a fraction of the tree, not all of it', () => {
    const r = prng(5);
    const edits = Array.from({ length: 1000 }, () => {
      const i = Math.floor(r() * N);
      return { key: fixedEntry(2 * i).key, value: bytes('changed') };
    });
    const before = ns.stats().chunksPut;
    const u = t.mutate(edits);
    const chunks = ns.stats().chunksPut - before;
    expect(u.count).toBe(N);
    const leaves = Math.ceil((N * 20) / 4096);
    expect(chunks).toBeLessThan(leaves); // some leaves get two edits; none is rewritten twice
    expect(chunks).toBeGreaterThan(100);
  });

  it('a batch of size-keeping updates writes exactly the distinct nodes on the edited paths', () => {
    const r = prng(6);
    const keys = Array.from({ length: 2000 }, () => fixedEntry(2 * Math.floor(r() * N)).key);
    const onPaths = new Set<string>();
    for (const k of keys) {
      let n: ProllyNode = t.rootNode;
      onPaths.add(n.ckey);
      while (n.level > 0) {
        n = ns.child(n, searchNode(n, k, false));
        onPaths.add(n.ckey);
      }
    }
    const before = ns.stats().chunksPut;
    // same length as `value-000000`
    const u = t.mutate(keys.map((key, j) => ({ key, value: bytes(`VALUE-${String(j).padStart(6, '0')}`) })));
    expect(ns.stats().chunksPut - before).toBe(onPaths.size);
    expect(u.count).toBe(N);
  });
});

describe('patched nodes', () => {
  /** Shapes plus one of tiny entries, whose leaves hold hundreds of entries (counts cross CBOR head sizes). */
  function value(r: () => number, shape: Shape | 'tiny'): Uint8Array {
    return shape === 'tiny' ? new Uint8Array(Math.floor(r() * 3)).fill(1) : randomValue(r, shape);
  }

  it('equal the bulk build after rounds of mostly size-keeping edits, with deletes and inserts mixed in', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.constantFrom<Shape | 'tiny'>('small', 'mixed', 'bigkeys', 'bigvalues', 'tiny'),
        fc.integer({ min: 1, max: 6000 }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        (seed, shape, n, mix) => {
          const r = prng(seed);
          const keyShape: Shape = shape === 'tiny' ? 'small' : shape;
          const m = new Model();
          for (let i = 0; i < n; i++) m.put(randomKey(r, keyShape, n * 2), value(r, shape));
          const { ns: store } = newStore();
          let t2 = ProllyTree.build(store, m.sorted());
          for (let round = 0; round < 3; round++) {
            const edits: TreeEdit[] = [];
            const present = m.sorted();
            for (let i = 0; i < 1 + Math.floor(r() * 200); i++) {
              const roll = r();
              if (roll < mix) {
                const key = randomKey(r, keyShape, n * 2);
                const v = r() < 0.5 ? null : value(r, shape);
                edits.push({ key, value: v });
                if (v === null) m.delete(key);
                else m.put(key, v);
              } else if (present.length > 0) {
                const e = present[Math.floor(r() * present.length)]!;
                const v = e.value.map((x) => x ^ (1 + Math.floor(r() * 200)));
                edits.push({ key: e.key, value: v });
                m.put(e.key, v);
              }
            }
            t2 = t2.mutate(edits);
            expect(t2.root.toString()).toBe(ProllyTree.build(newStore().ns, m.sorted()).root.toString());
          }
          // every node of the result is well formed: its bytes hash to its CID and decode to the same index
          const stack: ProllyNode[] = [t2.rootNode];
          while (stack.length > 0) {
            const x = stack.pop()!;
            expect(x.cid.equals(cidOf(x.bytes))).toBe(true);
            const d = decodeNode(x.cid, x.bytes);
            expect([...d]).toEqual([...x]);
            expect(d.pfx).toBe(x.pfx);
            expect(d.total).toBe(x.total);
            for (let i = 0; i < x.size; i++) {
              expect(hex(d.keyAt(i))).toBe(hex(x.keyAt(i)));
              if (x.level > 0) {
                expect(d.countAt(i)).toBe(x.countAt(i));
                expect(d.ckeyAt(i)).toBe(x.ckeyAt(i));
                if (r() < 0.05) stack.push(t2.ns.child(x, i));
              }
            }
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('re-encode a parent whose counts change length (257 → 255 entries under one child)', () => {
    // groups of 257 tiny entries, each leaf ended by the over-large entry that follows it
    const entries: { key: Uint8Array; value: Uint8Array }[] = [];
    for (let g = 0; g < 8; g++) {
      for (let i = 0; i <= 256; i++) entries.push({ key: new Uint8Array([g, i >> 8, i & 255]), value: new Uint8Array(0) });
      entries.push({ key: new Uint8Array([g, 0xff, 0xff]), value: new Uint8Array(5000).fill(g) });
    }
    const { ns: store } = newStore();
    const a = ProllyTree.build(store, entries);
    const counts = [...Array(a.rootNode.size).keys()].map((i) => a.rootNode.countAt(i));
    expect(a.depth).toBe(2);
    expect(counts).toEqual(Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 257 : 1)));
    const del = [new Uint8Array([3, 0, 3]), new Uint8Array([3, 0, 4]), new Uint8Array([7, 0, 10]), new Uint8Array([7, 0, 11])];
    const before = store.stats().chunksPut;
    const b = a.mutate(del.map((key) => ({ key, value: null })));
    const gone = new Set(del.map(hex));
    const want = ProllyTree.build(newStore().ns, entries.filter((e) => !gone.has(hex(e.key))));
    expect(b.root.toString()).toBe(want.root.toString());
    expect(b.rootNode.bytes.length).toBe(a.rootNode.bytes.length - 2);
    expect(store.stats().chunksPut - before).toBe(3);
    const d = decodeNode(b.root, b.rootNode.bytes);
    expect(d.total).toBe(entries.length - 4);
    expect(d.countAt(6)).toBe(255);
  });
});
