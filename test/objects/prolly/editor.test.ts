/**
 * TreeEditor: reads merge the pending edits with the base tree; count stays exact; flush applies
 * everything in one mutation (or a bulk build over an empty base) and continues on top of it.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProllyTree, type RangeOptions } from '../../../src/objects/index.js';
import { cmp, fixedEntry, hex, Model, modelRange, newStore, prng, randomBytes, show } from './helpers.js';

describe('TreeEditor', () => {
  it('agrees with a model through random puts, deletes, reads, ranges and flushes', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 1500 }), fc.integer({ min: 1, max: 800 }), (seed, n0, ops) => {
        const r = prng(seed);
        const keyOf = () => randomBytes(r, 1 + Math.floor(r() * 3)); // small key space: collisions
        const m = new Model();
        for (let i = 0; i < n0; i++) m.put(keyOf(), randomBytes(r, Math.floor(r() * 50)));
        const { ns } = newStore();
        const ed = ProllyTree.build(ns, m.sorted()).editor();
        for (let i = 0; i < ops; i++) {
          const roll = r();
          const k = keyOf();
          if (roll < 0.45) {
            const v = randomBytes(r, Math.floor(r() * 50));
            ed.put(k, v);
            m.put(k, v);
          } else if (roll < 0.7) {
            ed.delete(k);
            m.delete(k);
          } else if (roll < 0.85) {
            const want = m.get(k);
            const got = ed.get(k);
            expect(got === undefined ? undefined : hex(got)).toBe(want === undefined ? undefined : hex(want));
            expect(ed.has(k)).toBe(want !== undefined);
          } else if (roll < 0.95) {
            const a = keyOf();
            const b = keyOf();
            const [lo, hi] = cmp(a, b) <= 0 ? [a, b] : [b, a];
            const o: RangeOptions = { reverse: r() < 0.5 };
            if (r() < 0.7) (o.start = lo), (o.startExclusive = r() < 0.5);
            if (r() < 0.7) (o.end = hi), (o.endInclusive = r() < 0.5);
            expect(show(ed.entries(o))).toEqual(show(modelRange(m.sorted(), o)));
            expect(ed.count).toBe(m.map.size);
          } else {
            const t = ed.flush();
            expect(ed.dirty).toBe(false);
            expect(t.count).toBe(m.map.size);
            expect(ed.base).toBe(t);
          }
        }
        expect(ed.count).toBe(m.map.size);
        expect(show(ed.entries())).toEqual(show(m.sorted()));
        const t = ed.flush();
        expect(show(t.entries())).toEqual(show(m.sorted()));
        expect(t.root.toString()).toBe(ProllyTree.build(ns, m.sorted()).root.toString());
      }),
      { numRuns: 30 },
    );
  });

  it('agrees with a model when most keys ascend (the append run) and some land below them', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 600 }), (seed, n0, ops) => {
        const r = prng(seed);
        const key = (i: number) => fixedEntry(i).key;
        const m = new Model();
        for (let i = 0; i < n0; i++) m.put(key(Math.floor(r() * 2000)), randomBytes(r, 8));
        const { ns } = newStore();
        const ed = ProllyTree.build(ns, m.sorted()).editor();
        let next = Math.floor(r() * 2000);
        for (let i = 0; i < ops; i++) {
          const roll = r();
          // ascending keys, with repeats, deletes and keys below the run mixed in
          const k = roll < 0.6 ? key((next += 1 + Math.floor(r() * 3))) : key(Math.floor(r() * (next + 5)));
          if (roll < 0.75) {
            const v = randomBytes(r, 8);
            ed.put(k, v);
            m.put(k, v);
          } else if (roll < 0.82) {
            ed.delete(k);
            m.delete(k);
          } else if (roll < 0.9) {
            const want = m.get(k);
            const got = ed.get(k);
            expect(got === undefined ? undefined : hex(got)).toBe(want === undefined ? undefined : hex(want));
          } else if (roll < 0.97) {
            const a = key(Math.floor(r() * (next + 5)));
            const b = key(Math.floor(r() * (next + 5)));
            const [lo, hi] = cmp(a, b) <= 0 ? [a, b] : [b, a];
            const o: RangeOptions = { reverse: r() < 0.5 };
            if (r() < 0.7) (o.start = lo), (o.startExclusive = r() < 0.5);
            if (r() < 0.7) (o.end = hi), (o.endInclusive = r() < 0.5);
            expect(show(ed.entries(o))).toEqual(show(modelRange(m.sorted(), o)));
          } else ed.flush();
        }
        expect(ed.count).toBe(m.map.size);
        expect(show(ed.entries())).toEqual(show(m.sorted()));
        expect(show(ed.flush().entries())).toEqual(show(m.sorted()));
      }),
      { numRuns: 40 },
    );
  });

  it('handles 100K random puts and a flush quickly, over an empty and over a full base', () => {
    const r = prng(9);
    const order = Array.from({ length: 100_000 }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const entries = Array.from({ length: 100_000 }, (_, i) => fixedEntry(i));
    const { ns } = newStore(256 << 20);
    let t0 = performance.now();
    const ed = ProllyTree.empty(ns).editor();
    for (const i of order) ed.put(entries[i]!.key, entries[i]!.value);
    expect(ed.get(fixedEntry(77_777).key)).toEqual(fixedEntry(77_777).value);
    const full = ed.flush();
    const emptyBaseMs = performance.now() - t0;
    expect(full.count).toBe(100_000);
    expect(full.root.toString()).toBe(ProllyTree.build(ns, entries).root.toString());
    t0 = performance.now();
    const ed2 = full.editor();
    for (const i of order) ed2.put(entries[i]!.key, new Uint8Array([i & 255]));
    expect(ed2.count).toBe(100_000);
    const t2 = ed2.flush();
    const fullBaseMs = performance.now() - t0;
    expect(t2.get(fixedEntry(300).key)).toEqual(new Uint8Array([300 & 255]));
    // generous bounds (shared 2-core machine); typical figures are a few hundred ms
    expect(emptyBaseMs).toBeLessThan(8000);
    expect(fullBaseMs).toBeLessThan(8000);
  });

  it('over an empty base, deletes are dropped and the flush is a bulk build', () => {
    const { ns } = newStore();
    const ed = ProllyTree.empty(ns).editor();
    ed.put(fixedEntry(2).key, fixedEntry(2).value);
    ed.delete(fixedEntry(1).key);
    ed.put(fixedEntry(3).key, fixedEntry(3).value);
    ed.delete(fixedEntry(3).key);
    expect(ed.count).toBe(1);
    expect([...ed.entries({ reverse: true })].length).toBe(1);
    const t = ed.flush();
    expect(show(t.entries())).toEqual(show([fixedEntry(2)]));
    // the editor continues on top of the flushed tree
    ed.put(fixedEntry(5).key, fixedEntry(5).value);
    expect(ed.base).toBe(t);
    expect(ed.count).toBe(2);
    expect(ed.flush().count).toBe(2);
    expect(ed.flush()).toBe(ed.base);
  });
});
