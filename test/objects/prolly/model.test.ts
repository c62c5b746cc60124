/**
 * The prolly tree against a sorted-array model: get/has, ranges forward and reverse with every
 * bound combination, countRange, at, entriesFrom, count and depth, after builds and after
 * batched mutations.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProllyTree, type RangeOptions, type TreeEntry } from '../../../src/objects/index.js';
import { bytes, cmp, hex, Model, modelRange, newStore, prng, randomKey, randomValue, show, type Shape } from './helpers.js';

function buildModel(seed: number, n: number, shape: Shape): Model {
  const r = prng(seed);
  const m = new Model();
  for (let i = 0; i < n; i++) m.put(randomKey(r, shape, n * 3), randomValue(r, shape));
  return m;
}

/** Probe keys: present keys, their neighbours (prefixes, extensions), and outsiders. */
function probes(sorted: TreeEntry[], r: () => number, count: number): Uint8Array[] {
  const out: Uint8Array[] = [new Uint8Array(0), bytes('\xff'), bytes('k'), bytes('zzzz')];
  for (let i = 0; i < count && sorted.length > 0; i++) {
    const k = sorted[Math.floor(r() * sorted.length)]!.key;
    const roll = r();
    if (roll < 0.5) out.push(k);
    else if (roll < 0.7) out.push(k.subarray(0, Math.max(0, k.length - 1)));
    else if (roll < 0.9) out.push(new Uint8Array([...k, Math.floor(r() * 256)]));
    else {
      const c = k.slice();
      if (c.length > 0) c[c.length - 1] = (c[c.length - 1]! + 1) & 255;
      out.push(c);
    }
  }
  return out;
}

function checkTree(t: ProllyTree, sorted: TreeEntry[], seed: number): void {
  const r = prng(seed);
  expect(t.count).toBe(sorted.length);
  expect(show(t.entries())).toEqual(show(sorted));
  expect(show(t.entries({ reverse: true }))).toEqual(show(sorted.slice().reverse()));
  const ps = probes(sorted, r, 40);
  const model = new Map(sorted.map((e) => [hex(e.key), e.value]));
  for (const p of ps) {
    const want = model.get(hex(p));
    const got = t.get(p);
    expect(got === undefined ? undefined : hex(got)).toBe(want === undefined ? undefined : hex(want));
    expect(t.has(p)).toBe(want !== undefined);
  }
  // ranges: random bounds drawn from the probes, random flags (every combination occurs)
  for (let i = 0; i < 48; i++) {
    const a = ps[Math.floor(r() * ps.length)]!;
    const b = ps[Math.floor(r() * ps.length)]!;
    let [lo, hi] = cmp(a, b) <= 0 ? [a, b] : [b, a];
    if (i % 8 === 7) [lo, hi] = [hi, lo]; // sometimes start > end
    const o: RangeOptions = { reverse: r() < 0.5 };
    if (i % 4 !== 0) {
      o.start = lo;
      o.startExclusive = r() < 0.5;
    }
    if (i % 4 !== 1) {
      o.end = hi;
      o.endInclusive = r() < 0.5;
    }
    const want = modelRange(sorted, o);
    expect(show(t.entries(o))).toEqual(show(want));
    expect(t.countRange(o)).toBe(want.length);
  }
  // at / entriesFrom
  for (const off of [0, 1, sorted.length - 1, sorted.length, sorted.length + 5, -1, Math.floor(r() * sorted.length)]) {
    const e = t.at(off);
    const want = off >= 0 ? sorted[off] : undefined;
    expect(e === undefined ? undefined : show([e])).toEqual(want === undefined ? undefined : show([want]));
    if (off >= 0) expect(show(t.entriesFrom(off))).toEqual(show(sorted.slice(off)));
  }
  for (let i = 0; i < 20 && sorted.length > 0; i++) {
    const off = Math.floor(r() * sorted.length);
    expect(show([t.at(off)!])).toEqual(show([sorted[off]!]));
    const it = t.entriesFrom(off);
    const first3: TreeEntry[] = [];
    for (const e of it) {
      first3.push(e);
      if (first3.length === 3) break;
    }
    expect(show(first3)).toEqual(show(sorted.slice(off, off + 3)));
  }
}

describe('prolly tree vs sorted-array model', () => {
  it('the empty tree', () => {
    const { ns } = newStore();
    const t = ProllyTree.empty(ns);
    expect(t.count).toBe(0);
    expect(t.depth).toBe(1);
    expect([...t.entries()]).toEqual([]);
    expect([...t.entries({ reverse: true, start: bytes('a'), end: bytes('z') })]).toEqual([]);
    expect(t.get(bytes('a'))).toBeUndefined();
    expect(t.at(0)).toBeUndefined();
    expect([...t.entriesFrom(0)]).toEqual([]);
    expect(t.countRange({ start: bytes('a') })).toBe(0);
    expect(ProllyTree.build(ns, []).root.equals(t.root)).toBe(true);
  });

  for (const shape of ['small', 'mixed', 'bigkeys', 'bigvalues'] as Shape[]) {
    it(`built trees agree with the model (${shape})`, () => {
      fc.assert(
        fc.property(fc.integer(), fc.integer({ min: 0, max: shape === 'small' ? 3000 : 800 }), (seed, n) => {
          const m = buildModel(seed, n, shape);
          const sorted = m.sorted();
          const { ns } = newStore();
          const t = ProllyTree.build(ns, sorted);
          checkTree(t, sorted, seed);
        }),
        { numRuns: 12 },
      );
    });
  }

  it('keys whose search discriminators tie: shared bytes after the prefix, zero-padded short keys', () => {
    const r = prng(99);
    const m = new Model();
    const put = (k: number[]): void => m.put(new Uint8Array(k), new Uint8Array(Math.floor(r() * 3)).fill(7));
    put([0x61]);
    // long runs of keys equal in their 4 bytes after the node prefix, differing later
    for (const lead of [0x62, 0x63, 0x64]) for (let i = 0; i < 700; i++) put([lead, 0x58, 0x59, 0x5a, 0x57, i >> 8, i & 255, ...(i % 3 === 0 ? [1] : [])]);
    // short keys whose zero-padded discriminators are equal: "e" < "e\0" < "e\0\0" …
    for (let z = 0; z <= 6; z++) put([0x65, ...new Array<number>(z).fill(0)]);
    for (let z = 0; z <= 6; z++) put([0x65, ...new Array<number>(z).fill(0), 1]);
    for (let i = 0; i < 400; i++) put([0x66, Math.floor(r() * 4), Math.floor(r() * 4)]);
    const sorted = m.sorted();
    const { ns } = newStore();
    const t = ProllyTree.build(ns, sorted);
    expect(t.depth).toBeGreaterThanOrEqual(2);
    checkTree(t, sorted, 99);
    // and through a mutation (re-chunked nodes, patched nodes)
    const edits = sorted.filter((_, i) => i % 7 === 0).map((e, i) => ({ key: e.key, value: i % 2 === 0 ? null : new Uint8Array(e.value.length).fill(9) }));
    for (const e of edits) {
      if (e.value === null) m.delete(e.key);
      else m.put(e.key, e.value);
    }
    checkTree(t.mutate(edits), m.sorted(), 100);
  });

  it('grows several levels (long keys) and still agrees', () => {
    const m = buildModel(7, 3000, 'bigkeys');
    const sorted = m.sorted();
    const { ns } = newStore();
    const t = ProllyTree.build(ns, sorted);
    expect(t.depth).toBeGreaterThanOrEqual(3);
    checkTree(t, sorted, 7);
  });

  it('mutated trees agree with the model', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.constantFrom<Shape>('small', 'mixed', 'bigkeys', 'bigvalues'),
        fc.integer({ min: 0, max: 1500 }),
        fc.integer({ min: 1, max: 4 }),
        (seed, shape, n, rounds) => {
          const r = prng(seed);
          const m = buildModel(seed, n, shape);
          const { ns } = newStore();
          let t = ProllyTree.build(ns, m.sorted());
          for (let round = 0; round < rounds; round++) {
            const edits = [];
            const k = Math.floor(r() * 300);
            for (let i = 0; i < k; i++) {
              const key = randomKey(r, shape, n * 3 + 10);
              if (r() < 0.4) {
                edits.push({ key, value: null });
                m.delete(key);
              } else {
                const value = randomValue(r, shape);
                edits.push({ key, value });
                m.put(key, value);
              }
            }
            t = t.mutate(edits);
            checkTree(t, m.sorted(), seed + round);
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('mutate: last edit of a key wins, deleting a missing key is a no-op, no edits returns the same tree', () => {
    const { ns } = newStore();
    const t = ProllyTree.build(ns, [
      { key: bytes('a'), value: bytes('1') },
      { key: bytes('c'), value: bytes('3') },
    ]);
    expect(t.mutate([])).toBe(t);
    expect(t.mutate([{ key: bytes('b'), value: null }]).root.equals(t.root)).toBe(true);
    expect(t.mutate([{ key: bytes('a'), value: bytes('1') }]).root.equals(t.root)).toBe(true);
    const u = t.mutate([
      { key: bytes('b'), value: bytes('x') },
      { key: bytes('a'), value: null },
      { key: bytes('b'), value: bytes('2') },
      { key: bytes('a'), value: bytes('9') },
    ]);
    expect(show(u.entries())).toEqual(show([
      { key: bytes('a'), value: bytes('9') },
      { key: bytes('b'), value: bytes('2') },
      { key: bytes('c'), value: bytes('3') },
    ]));
    const empty = u.mutate([{ key: bytes('a'), value: null }, { key: bytes('b'), value: null }, { key: bytes('c'), value: null }]);
    expect(empty.count).toBe(0);
    expect(empty.root.equals(ProllyTree.empty(ns).root)).toBe(true);
  });

  it('load gives the same tree back after a flush', async () => {
    const m = buildModel(3, 2000, 'mixed');
    const { store, ns } = newStore();
    const t = ProllyTree.build(ns, m.sorted());
    await ns.flush();
    const { NodeStore } = await import('../../../src/objects/index.js');
    const fresh = new NodeStore(store);
    const u = ProllyTree.load(fresh, t.root);
    expect(u.count).toBe(t.count);
    expect(u.depth).toBe(t.depth);
    checkTree(u, m.sorted(), 3);
  });
});
