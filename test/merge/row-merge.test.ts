/**
 * mergeRows on real prolly trees: every pair of row changes, in both directions with mirrored
 * outcomes (one key per case, and all cases in one merge), the edit list (ours' old row, key
 * order, applying it), strategies, stats, and the cost of a merge on 100K rows.
 */
import { describe, expect, it } from 'vitest';
import { mergeRows, type RowConflict, type RowMergeOptions } from '../../src/merge/index.js';
import { ProllyTree, type ProllyNode, type Tree } from '../../src/objects/index.js';
import { cloneTable, hex, idOf, keyOf, newNs, prng, rowBytes, rowOf, tableOf, treeOf, type Row, type Table } from './helpers.js';

type Change = 'none' | 'insert' | 'insertSame' | 'updA' | 'updB' | 'updSame' | 'updDiff' | 'clearA' | 'addTag' | 'delete';
type Label = 'x' | 'y';

const A = 1;
const B = 2;
const C = 3;
const NEW = 9;
const R0: Row = { [A]: 'a0', [B]: 'b0', [C]: 'c0' };
const INSERTS = new Set<Change>(['insert', 'insertSame']);

/** The row after `change` made by side `l` (undefined: deleted / absent). */
function apply(change: Change, l: Label, row: Row | undefined): Row | undefined {
  switch (change) {
    case 'none':
      return row;
    case 'insert':
      return { [A]: `i-${l}`, [B]: 'b0' };
    case 'insertSame':
      return { [A]: 'same', [B]: 'same' };
    case 'updA':
      return { ...row, [A]: `a-${l}` };
    case 'updB':
      return { ...row, [B]: `b-${l}` };
    case 'updSame':
      return { ...row, [A]: 'same' };
    case 'updDiff':
      return { ...row, [A]: `d-${l}` };
    case 'clearA': {
      const r = { ...row };
      delete r[A];
      return r;
    }
    case 'addTag':
      return { ...row, [NEW]: 'n9' };
    case 'delete':
      return undefined;
  }
}

function kindOf(c: Change): RowConflict['oursChange'] {
  return INSERTS.has(c) ? 'added' : c === 'delete' ? 'removed' : 'modified';
}

type Expect = { row: Row | null } | { conflict: RowConflict['reason']; tags?: number[] };

/**
 * The matrix, written by hand. Key "p|q": change p made by side x, change q by side y.
 * `row` is the merged row (null: absent).
 */
const MATRIX: Record<string, Expect> = {
  // the row exists in the base
  'none|none': { row: R0 },
  'none|updA': { row: { ...R0, [A]: 'a-y' } },
  'none|updB': { row: { ...R0, [B]: 'b-y' } },
  'none|updSame': { row: { ...R0, [A]: 'same' } },
  'none|updDiff': { row: { ...R0, [A]: 'd-y' } },
  'none|clearA': { row: { [B]: 'b0', [C]: 'c0' } },
  'none|addTag': { row: { ...R0, [NEW]: 'n9' } },
  'none|delete': { row: null },
  'updA|updA': { conflict: 'cells', tags: [A] },
  'updA|updB': { row: { [A]: 'a-x', [B]: 'b-y', [C]: 'c0' } },
  'updA|updSame': { conflict: 'cells', tags: [A] },
  'updA|updDiff': { conflict: 'cells', tags: [A] },
  'updA|clearA': { conflict: 'cells', tags: [A] },
  'updA|addTag': { row: { ...R0, [A]: 'a-x', [NEW]: 'n9' } },
  'updA|delete': { conflict: 'delete-update' },
  'updB|updB': { conflict: 'cells', tags: [B] },
  'updB|updSame': { row: { [A]: 'same', [B]: 'b-x', [C]: 'c0' } },
  'updB|updDiff': { row: { [A]: 'd-y', [B]: 'b-x', [C]: 'c0' } },
  'updB|clearA': { row: { [B]: 'b-x', [C]: 'c0' } },
  'updB|addTag': { row: { ...R0, [B]: 'b-x', [NEW]: 'n9' } },
  'updB|delete': { conflict: 'delete-update' },
  'updSame|updSame': { row: { ...R0, [A]: 'same' } },
  'updSame|updDiff': { conflict: 'cells', tags: [A] },
  'updSame|clearA': { conflict: 'cells', tags: [A] },
  'updSame|addTag': { row: { ...R0, [A]: 'same', [NEW]: 'n9' } },
  'updSame|delete': { conflict: 'delete-update' },
  'updDiff|updDiff': { conflict: 'cells', tags: [A] },
  'updDiff|clearA': { conflict: 'cells', tags: [A] },
  'updDiff|addTag': { row: { ...R0, [A]: 'd-x', [NEW]: 'n9' } },
  'updDiff|delete': { conflict: 'delete-update' },
  'clearA|clearA': { row: { [B]: 'b0', [C]: 'c0' } },
  'clearA|addTag': { row: { [B]: 'b0', [C]: 'c0', [NEW]: 'n9' } },
  'clearA|delete': { conflict: 'delete-update' },
  'addTag|addTag': { row: { ...R0, [NEW]: 'n9' } },
  'addTag|delete': { conflict: 'delete-update' },
  'delete|delete': { row: null },
  // the key is absent in the base
  'none|insert': { row: { [A]: 'i-y', [B]: 'b0' } },
  'none|insertSame': { row: { [A]: 'same', [B]: 'same' } },
  'insert|insert': { conflict: 'insert-insert' },
  'insert|insertSame': { conflict: 'insert-insert' },
  'insertSame|insertSame': { row: { [A]: 'same', [B]: 'same' } },
};
const CASES = Object.entries(MATRIX).map(([name, expect]) => {
  const [p, q] = name.split('|') as [Change, Change];
  const present = !INSERTS.has(p) && !INSERTS.has(q);
  return { name, p, q, present, expect };
});

const FILLER = 3000;
function filler(i: number): Row {
  return { [A]: `r${i}`, [B]: BigInt(i) * 7n, [C]: i / 4 };
}

/** Base, x-side and y-side tables with case i at key id 20·i + 7. */
function tables(cases: typeof CASES): { base: Table; x: Table; y: Table; ids: number[] } {
  const base: Table = new Map();
  for (let i = 0; i < FILLER; i++) base.set(i, filler(i));
  const ids = cases.map((_, i) => 20 * i + 7);
  cases.forEach((c, i) => {
    if (c.present) base.set(ids[i]!, { ...R0 });
    else base.delete(ids[i]!);
  });
  const x = cloneTable(base);
  const y = cloneTable(base);
  cases.forEach((c, i) => {
    const id = ids[i]!;
    const rx = apply(c.p, 'x', base.get(id));
    const ry = apply(c.q, 'y', base.get(id));
    if (rx === undefined) x.delete(id);
    else x.set(id, rx);
    if (ry === undefined) y.delete(id);
    else y.set(id, ry);
  });
  return { base, x, y, ids };
}

function byId(conflicts: RowConflict[]): Map<string, RowConflict> {
  return new Map(conflicts.map((c) => [hex(c.key)!, c]));
}

/** Merge and apply; checks the edit list invariants on the way. */
function mergeApply(base: Tree, ours: Tree, theirs: Tree, options?: RowMergeOptions) {
  const r = mergeRows(base, ours, theirs, options);
  for (let i = 0; i < r.edits.length; i++) {
    const e = r.edits[i]!;
    if (i > 0) expect(Buffer.compare(r.edits[i - 1]!.key, e.key)).toBeLessThan(0);
    expect(hex(e.old)).toBe(hex(ours.get(e.key) ?? null)); // ours' row before the merge
    expect(hex(e.value)).not.toBe(hex(e.old));
  }
  expect(r.stats.edits).toBe(r.edits.length);
  return { ...r, merged: ours.mutate(r.edits) };
}

function checkCase(
  c: (typeof CASES)[number],
  dir: 'x-ours' | 'y-ours',
  key: Uint8Array,
  base: Tree,
  ours: Tree,
  theirs: Tree,
  merged: Tree,
  conflict: RowConflict | undefined,
): void {
  const where = `${c.name} (${dir})`;
  const e = c.expect;
  if ('row' in e) {
    expect(conflict, where).toBeUndefined();
    const got = merged.get(key);
    if (e.row === null) expect(got, where).toBeUndefined();
    else expect(got === undefined ? undefined : rowOf(got), where).toEqual(e.row);
    return;
  }
  expect(conflict, where).toBeDefined();
  const [oc, tc] = dir === 'x-ours' ? [c.p, c.q] : [c.q, c.p];
  expect(conflict!.reason, where).toBe(e.conflict);
  expect(conflict!.tags, where).toEqual(e.tags ?? []);
  expect(conflict!.oursChange, where).toBe(kindOf(oc));
  expect(conflict!.theirsChange, where).toBe(kindOf(tc));
  expect(hex(conflict!.base), where).toBe(hex(base.get(key) ?? null));
  expect(hex(conflict!.ours), where).toBe(hex(ours.get(key) ?? null));
  expect(hex(conflict!.theirs), where).toBe(hex(theirs.get(key) ?? null));
  // a conflicting key keeps ours' row
  expect(hex(merged.get(key) ?? null), where).toBe(hex(ours.get(key) ?? null));
}

describe('mergeRows: the matrix of row change pairs, both directions', () => {
  it.each(CASES)('$name', (c) => {
    const ns = newNs();
    const { base, x, y, ids } = tables([c]);
    const tb = treeOf(ns, base);
    const tx = treeOf(ns, x);
    const ty = treeOf(ns, y);
    const key = keyOf(ids[0]!);
    const r1 = mergeApply(tb, tx, ty);
    const r2 = mergeApply(tb, ty, tx);
    checkCase(c, 'x-ours', key, tb, tx, ty, r1.merged, byId(r1.conflicts).get(hex(key)!));
    checkCase(c, 'y-ours', key, tb, ty, tx, r2.merged, byId(r2.conflicts).get(hex(key)!));
    expect(r1.conflicts.length).toBe('row' in c.expect ? 0 : 1);
    expect(r2.conflicts.length).toBe(r1.conflicts.length);
    if ('row' in c.expect) expect(r1.merged.root.equals(r2.merged.root)).toBe(true); // clean merges commute
    // every other row is untouched
    expect(r1.edits.every((e) => Buffer.compare(e.key, key) === 0)).toBe(true);
  });

  it('all cases at once in one merge (interleaved keys), mirrored; filler rows unchanged', () => {
    const ns = newNs();
    const { base, x, y, ids } = tables(CASES);
    const tb = treeOf(ns, base);
    const tx = treeOf(ns, x);
    const ty = treeOf(ns, y);
    expect(tb.depth).toBeGreaterThan(1);
    const r1 = mergeApply(tb, tx, ty);
    const r2 = mergeApply(tb, ty, tx);
    const c1 = byId(r1.conflicts);
    const c2 = byId(r2.conflicts);
    CASES.forEach((c, i) => {
      const key = keyOf(ids[i]!);
      checkCase(c, 'x-ours', key, tb, tx, ty, r1.merged, c1.get(hex(key)!));
      checkCase(c, 'y-ours', key, tb, ty, tx, r2.merged, c2.get(hex(key)!));
    });
    const nConflicts = CASES.filter((c) => !('row' in c.expect)).length;
    expect(r1.conflicts).toHaveLength(nConflicts);
    expect(r2.conflicts).toHaveLength(nConflicts);
    // conflicts come in key order
    for (let i = 1; i < r1.conflicts.length; i++) expect(Buffer.compare(r1.conflicts[i - 1]!.key, r1.conflicts[i]!.key)).toBeLessThan(0);
    const caseIds = new Set(ids);
    const m1 = tableOf(r1.merged);
    const m2 = tableOf(r2.merged);
    for (let i = 0; i < FILLER; i++) {
      if (caseIds.has(i)) continue;
      expect(m1.get(i)).toEqual(filler(i));
      expect(m2.get(i)).toEqual(filler(i));
    }
  });

  it('stats count the diffs, convergences, cell merges and conflicts', () => {
    const ns = newNs();
    const pick = ['none|updA', 'updA|updB', 'updB|updSame', 'updSame|updSame', 'delete|delete', 'updA|updA', 'updB|delete', 'insert|insert'];
    const cases = CASES.filter((c) => pick.includes(c.name));
    const { base, x, y } = tables(cases);
    const r = mergeRows(treeOf(ns, base), treeOf(ns, x), treeOf(ns, y));
    expect(r.stats).toEqual({
      oursChanges: 7, // all but none|updA
      theirsChanges: 8,
      bothChanged: 7,
      converged: 2,
      cellMerged: 2,
      jsonMerged: 0,
      countMerged: 0,
      conflicts: 3,
      resolved: 0,
      edits: 3, // none|updA, updA|updB, updB|updSame
    });
  });
});

describe('mergeRows: strategies', () => {
  it.each(['ours', 'theirs'] as const)('strategy %s resolves every conflict to that side, both directions', (strategy) => {
    const ns = newNs();
    const { base, x, y, ids } = tables(CASES);
    const tb = treeOf(ns, base);
    const tx = treeOf(ns, x);
    const ty = treeOf(ns, y);
    const nConflicts = CASES.filter((c) => !('row' in c.expect)).length;
    for (const [ours, theirs] of [
      [tx, ty],
      [ty, tx],
    ] as const) {
      const r = mergeApply(tb, ours, theirs, { strategy });
      expect(r.conflicts).toEqual([]);
      expect(r.stats.conflicts).toBe(nConflicts);
      expect(r.stats.resolved).toBe(nConflicts);
      const winner = strategy === 'ours' ? ours : theirs;
      CASES.forEach((c, i) => {
        const key = keyOf(ids[i]!);
        if ('row' in c.expect) {
          const got = r.merged.get(key);
          expect(got === undefined ? null : rowOf(got), c.name).toEqual(c.expect.row);
        } else {
          // in these cases nothing else of the row changed: the winner's row is the result
          expect(hex(r.merged.get(key) ?? null), c.name).toBe(hex(winner.get(key) ?? null));
        }
      });
    }
  });

  it('resolves only the colliding cells: the rest of the row still merges', () => {
    const ns = newNs();
    const base: Table = new Map([[1, { [A]: 'a0', [B]: 'b0', [C]: 'c0' }]]);
    const ours: Table = new Map([[1, { [A]: 'a-o', [B]: 'b-o', [C]: 'c0' }]]);
    const theirs: Table = new Map([[1, { [A]: 'a-t', [B]: 'b0', [C]: 'c-t', [NEW]: 5n }]]);
    const [tb, to, tt] = [treeOf(ns, base), treeOf(ns, ours), treeOf(ns, theirs)];
    const plain = mergeRows(tb, to, tt);
    expect(plain.conflicts).toHaveLength(1);
    expect(plain.conflicts[0]!.tags).toEqual([A]);
    expect(plain.edits).toEqual([]);
    const t = mergeApply(tb, to, tt, { strategy: 'theirs' });
    expect(tableOf(t.merged).get(1)).toEqual({ [A]: 'a-t', [B]: 'b-o', [C]: 'c-t', [NEW]: 5n });
    const o = mergeApply(tb, to, tt, { strategy: 'ours' });
    expect(tableOf(o.merged).get(1)).toEqual({ [A]: 'a-o', [B]: 'b-o', [C]: 'c-t', [NEW]: 5n });
    expect(o.stats.resolved).toBe(1);
  });

  it('rejects an unknown strategy', () => {
    const ns = newNs();
    const t = ProllyTree.empty(ns);
    expect(() => mergeRows(t, t, t, { strategy: 'mine' as 'ours' })).toThrow(TypeError);
  });
});

describe('mergeRows: edits and values', () => {
  it('gives each edit ours old row and the new one, enough to maintain an index from the diff', () => {
    const ns = newNs();
    // an index on column A: value → id, maintained from the edits only
    const base: Table = new Map();
    for (let i = 0; i < 500; i++) base.set(i, { [A]: `v${i}`, [B]: BigInt(i) });
    const ours = cloneTable(base);
    const theirs = cloneTable(base);
    ours.set(10, { [A]: 'o10', [B]: 10n });
    ours.delete(20);
    theirs.set(30, { [A]: 't30', [B]: 30n });
    theirs.delete(40);
    theirs.set(1000, { [A]: 'new', [B]: 1n });
    theirs.set(50, { [A]: 'v50', [B]: 51n });
    ours.set(60, { [A]: 'o60', [B]: 60n });
    theirs.set(60, { [A]: 'v60', [B]: 61n });
    const [tb, to, tt] = [treeOf(ns, base), treeOf(ns, ours), treeOf(ns, theirs)];
    const index = new Map<string, number>();
    for (const [id, r] of ours) index.set(r[A] as string, id);
    const r = mergeApply(tb, to, tt);
    for (const e of r.edits) {
      if (e.old !== null) index.delete(rowOf(e.old)[A] as string);
      if (e.value !== null) index.set(rowOf(e.value)[A] as string, idOf(e.key));
    }
    const expected = new Map<string, number>();
    for (const [id, row] of tableOf(r.merged)) expected.set(row[A] as string, id);
    expect(index).toEqual(expected);
    expect(r.edits.map((e) => rowOf(e.value ?? e.old!)[A])).toEqual(['t30', 'v40', 'v50', 'o60', 'new']);
    expect(tableOf(r.merged).get(60)).toEqual({ [A]: 'o60', [B]: 61n });
  });

  it('carries every value type through a cell merge exactly', () => {
    const ns = newNs();
    const blob = new Uint8Array([0, 1, 255]);
    const base: Table = new Map([[1, { 1: 1n, 2: 'x', 5: 0 }]]);
    const ours: Table = new Map([[1, { 1: 2n ** 62n, 2: 'x', 3: blob, 5: -0 }]]);
    const theirs: Table = new Map([[1, { 1: 1n, 2: 'üñí ☃', 4: 1.5, 5: 0 }]]);
    const r = mergeApply(treeOf(ns, base), treeOf(ns, ours), treeOf(ns, theirs));
    expect(r.conflicts).toEqual([]);
    const row = tableOf(r.merged).get(1)!;
    expect(row).toEqual({ 1: 2n ** 62n, 2: 'üñí ☃', 3: blob, 4: 1.5, 5: -0 });
    expect(Object.is(row[5], -0)).toBe(true);
  });

  it('treats 1 and 1.0, or 0 and -0, as different values', () => {
    const ns = newNs();
    const base: Table = new Map([[1, { 1: 0n, 2: 0 }]]);
    const ours: Table = new Map([[1, { 1: 1n, 2: 0 }]]);
    const theirs: Table = new Map([[1, { 1: 1, 2: -0 }]]);
    const r = mergeRows(treeOf(ns, base), treeOf(ns, ours), treeOf(ns, theirs));
    expect(r.conflicts.map((c) => c.tags)).toEqual([[1]]);
  });

  it('returns nothing when theirs equals the base or ours, and everything of theirs when ours is the base', () => {
    const ns = newNs();
    const base: Table = new Map();
    for (let i = 0; i < 100; i++) base.set(i, { 1: BigInt(i) });
    const other = cloneTable(base);
    other.set(5, { 1: 50n });
    other.delete(6);
    other.set(200, { 1: 2n });
    const [tb, tother] = [treeOf(ns, base), treeOf(ns, other)];
    expect(mergeRows(tb, tother, tb).edits).toEqual([]);
    expect(mergeRows(tb, tother, tother).edits).toEqual([]);
    const ff = mergeApply(tb, tb, tother);
    expect(ff.merged.root.equals(tother.root)).toBe(true);
    expect(ff.stats.theirsChanges).toBe(3);
  });
});

describe('mergeRows: cost follows the diffs', () => {
  function nodeCount(t: ProllyTree): number {
    let level: ProllyNode[] = [t.rootNode];
    let n = 1;
    while (level[0]!.level > 0) {
      const below: ProllyNode[] = [];
      for (const p of level) for (let i = 0; i < p.size; i++) below.push(t.ns.child(p, i));
      n += below.length;
      level = below;
    }
    return n;
  }

  it('reads far fewer nodes than the tree has: 100K rows, 10 changes per side', async () => {
    const ns = newNs(256 << 20);
    const N = 100_000;
    const entries = Array.from({ length: N }, (_, i) => ({ key: keyOf(i), value: rowBytes({ 1: `name-${i}`, 2: BigInt(i), 3: i * 0.5 }) }));
    const base = ProllyTree.build(ns, entries);
    const r = prng(7);
    const editsFor = (side: string) =>
      Array.from({ length: 10 }, (_, j) => {
        const id = Math.floor(r() * N);
        return { key: keyOf(id), value: j % 3 === 0 ? null : rowBytes({ 1: `${side}-${id}`, 2: BigInt(id), 3: 1.25 }) };
      });
    const ours = base.mutate(editsFor('o'));
    const theirs = base.mutate(editsFor('t'));
    const total = nodeCount(base);
    const before = ns.stats();
    const m = mergeRows(base, ours, theirs);
    const after = ns.stats();
    const visits = after.cacheHits + after.cacheMisses - before.cacheHits - before.cacheMisses;
    expect(m.stats.oursChanges).toBe(10);
    expect(m.stats.theirsChanges).toBe(10);
    expect(total).toBeGreaterThan(500);
    // two diffs × 10 changes × (root-to-leaf path + neighbours): a small fraction of the tree
    expect(visits).toBeLessThan(total / 5);
    expect(visits).toBeLessThan(150);
    // cold: nodes actually read from the store
    await ns.flush();
    ns.clearCache();
    const s0 = ns.stats();
    const cold = mergeRows(base, ours, theirs);
    const reads = ns.stats().storeReads - s0.storeReads;
    expect(cold.edits.map((e) => hex(e.key))).toEqual(m.edits.map((e) => hex(e.key)));
    expect(reads).toBeLessThan(total / 5);
  });
});
