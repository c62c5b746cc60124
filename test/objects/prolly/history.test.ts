/**
 * History independence: random operation sequences (bulk builds, batched mutations in random
 * chunks, single-entry mutations, editor flushes) that reach the same entry set give the same
 * root CID as a bulk build of that set. Default sizes keep this file short; HDB_LONG=1 runs
 * the same properties up to 100K entries.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProllyTree, type TreeEdit, type TreeEntry } from '../../../src/objects/index.js';
import { hex, Model, newStore, prng, randomKey, randomValue, show, shuffle, type Shape } from './helpers.js';

const LONG = process.env.HDB_LONG === '1';
const MAX_N = LONG ? 100_000 : 5_000;
const RUNS = LONG ? 12 : 20;
/** Per-test timeout: the long variant runs for minutes. */
const TIMEOUT = LONG ? 3_600_000 : 60_000;

const shapeArb = fc.constantFrom<Shape>('small', 'mixed', 'bigkeys', 'bigvalues');

function randomSet(seed: number, n: number, shape: Shape): Model {
  const r = prng(seed);
  const m = new Model();
  for (let i = 0; i < n; i++) m.put(randomKey(r, shape, n * 2 + 10), randomValue(r, shape));
  return m;
}

/** Edits that turn `from` into `to`, plus noise (overwrites, deletes of absent keys), shuffled. */
function pathEdits(r: () => number, from: Model, to: Model, shape: Shape): TreeEdit[][] {
  const edits: TreeEdit[] = [];
  for (const [k, e] of from.map) if (!to.map.has(k)) edits.push({ key: e.key, value: null });
  for (const e of to.map.values()) {
    if (r() < 0.2) edits.push({ key: e.key, value: randomValue(r, shape) }); // overwritten later
    edits.push({ key: e.key, value: e.value });
  }
  // The final edit of each key must come last: shuffle whole per-key groups instead of edits.
  const groups = new Map<string, TreeEdit[]>();
  for (const e of edits) {
    const k = hex(e.key);
    const g = groups.get(k);
    if (g) g.push(e);
    else groups.set(k, [e]);
  }
  const order = shuffle(r, [...groups.values()]);
  // Deal groups into chunks; within a chunk, a key's edits keep their order (last wins).
  const chunks: TreeEdit[][] = [];
  let i = 0;
  while (i < order.length) {
    const size = 1 + Math.floor(r() * Math.max(1, order.length / (1 + Math.floor(r() * 6))));
    const chunk: TreeEdit[] = [];
    for (const g of order.slice(i, i + size)) chunk.push(...g);
    chunks.push(shuffleKeepingKeyOrder(r, chunk));
    i += size;
  }
  return chunks;
}

/** Shuffle edits but keep the relative order of edits to the same key. */
function shuffleKeepingKeyOrder(r: () => number, edits: TreeEdit[]): TreeEdit[] {
  const tagged = edits.map((e) => ({ e, k: hex(e.key), w: r() }));
  const perKey = new Map<string, number[]>();
  tagged.forEach((t, i) => {
    const l = perKey.get(t.k);
    if (l) l.push(i);
    else perKey.set(t.k, [i]);
  });
  const order = tagged.map((_, i) => i).sort((a, b) => tagged[a]!.w - tagged[b]!.w);
  // positions used by each key in the shuffled order get that key's edits in original order
  const out: TreeEdit[] = new Array<TreeEdit>(edits.length);
  const next = new Map<string, number>();
  order.forEach((src, pos) => {
    const k = tagged[src]!.k;
    const j = next.get(k) ?? 0;
    next.set(k, j + 1);
    out[pos] = edits[perKey.get(k)![j]!]!;
  });
  return out;
}

describe('history independence', () => {
  it('batched mutations in random chunks from a random start reach the bulk-built root', () => {
    fc.assert(
      fc.property(fc.integer(), shapeArb, fc.integer({ min: 0, max: MAX_N }), fc.integer({ min: 0, max: MAX_N }), (seed, shape, n, n0) => {
        const r = prng(seed);
        const target = randomSet(seed, n, shape);
        const start = randomSet(seed ^ 0x5555, n0, shape);
        const { ns } = newStore();
        const built = ProllyTree.build(ns, target.sorted());
        let t = ProllyTree.build(ns, start.sorted());
        for (const chunk of pathEdits(r, start, target, shape)) t = t.mutate(chunk);
        expect(t.count).toBe(target.map.size);
        expect(t.root.toString()).toBe(built.root.toString());
        expect(t.depth).toBe(built.depth);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('editor flushes at random points reach the bulk-built root', () => {
    fc.assert(
      fc.property(fc.integer(), shapeArb, fc.integer({ min: 0, max: MAX_N }), fc.integer({ min: 0, max: 200 }), (seed, shape, n, n0) => {
        const r = prng(seed);
        const target = randomSet(seed, n, shape);
        const start = randomSet(seed + 1, n0, shape);
        const { ns } = newStore();
        const built = ProllyTree.build(ns, target.sorted());
        const ed = (r() < 0.3 ? ProllyTree.empty(ns) : ProllyTree.build(ns, start.sorted())).editor();
        const startModel = ed.base.count === 0 ? new Model() : start;
        for (const chunk of pathEdits(r, startModel, target, shape)) {
          for (const e of chunk) {
            if (e.value === null) ed.delete(e.key);
            else ed.put(e.key, e.value);
          }
          if (r() < 0.3) ed.flush();
        }
        expect(ed.count).toBe(target.map.size);
        const t = ed.flush();
        expect(ed.dirty).toBe(false);
        expect(t.root.toString()).toBe(built.root.toString());
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('one-entry mutations in random order, then deleting most entries, match bulk builds', () => {
    fc.assert(
      fc.property(fc.integer(), shapeArb, fc.integer({ min: 1, max: LONG ? 3000 : 400 }), (seed, shape, n) => {
        const r = prng(seed);
        const target = randomSet(seed, n, shape);
        const { ns } = newStore();
        let t = ProllyTree.empty(ns);
        const entries: TreeEntry[] = shuffle(r, [...target.map.values()]);
        for (const e of entries) t = t.mutate([{ key: e.key, value: e.value }]);
        expect(t.root.toString()).toBe(ProllyTree.build(ns, target.sorted()).root.toString());
        // shrink: delete all but a few, one batch at a time (the tree loses levels)
        const keep = target.clone();
        const doomed = entries.slice(0, Math.max(0, entries.length - 3));
        for (let i = 0; i < doomed.length; i += 17) {
          const batch = doomed.slice(i, i + 17);
          t = t.mutate(batch.map((e) => ({ key: e.key, value: null })));
          for (const e of batch) keep.delete(e.key);
        }
        const rebuilt = ProllyTree.build(ns, keep.sorted());
        expect(show(t.entries())).toEqual(show(keep.sorted()));
        expect(t.root.toString()).toBe(rebuilt.root.toString());
        expect(t.depth).toBe(rebuilt.depth);
      }),
      { numRuns: LONG ? 12 : 10 },
    );
  }, TIMEOUT);

  it('the same entry set from different histories: build, mutate, editor (long keys, deep trees)', () => {
    const r = prng(99);
    const target = randomSet(99, LONG ? 20_000 : 1500, 'bigkeys');
    const { ns } = newStore();
    const built = ProllyTree.build(ns, target.sorted());
    expect(built.depth).toBeGreaterThanOrEqual(3);
    const half = shuffle(r, [...target.map.values()]);
    const a = ProllyTree.build(ns, [...half.slice(0, half.length >> 1)].sort((x, y) => Buffer.compare(x.key, y.key)));
    const b = a.mutate(half.slice(half.length >> 1).map((e) => ({ key: e.key, value: e.value })));
    const ed = ProllyTree.empty(ns).editor();
    for (const e of half) ed.put(e.key, e.value);
    expect(b.root.toString()).toBe(built.root.toString());
    expect(ed.flush().root.toString()).toBe(built.root.toString());
  }, TIMEOUT);
});
