/**
 * Properties of mergeRows (fast-check), against an independent model of the merge rules
 * written here with plain maps:
 * - the merged table equals the model's: every non-conflicting change of both sides is in it,
 *   and exactly the model's keys conflict (keeping ours' row);
 * - merge(x, x, x) changes nothing; ours = base gives theirs; theirs = base gives ours;
 * - merges commute: conflicts mirror, clean results are the same tree (same root CID), and
 *   strategy ours one way equals strategy theirs the other way;
 * - keyless tables: counts add up three-way, and the same symmetries hold.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeRows, mirrorConflict, type RowConflict } from '../../src/merge/index.js';
import type { SqlValue } from '../../src/objects/index.js';
import { hex, idOf, keyOf, keylessCounts, keylessTree, newNs, rowOf, tableOf, treeOf, type KeylessRow, type Row, type Table } from './helpers.js';

const TAGS = [1, 2, 3, 4];
const JSON_TAG = 5;
const VALUES: SqlValue[] = ['a', 'b', 'c', 1n, 2n, 2.5];

// ── generators ──

const valueArb = fc.constantFrom(...VALUES);
const jsonArb = fc.oneof(
  { weight: 6, arbitrary: fc.dictionary(fc.constantFrom('x', 'y', 'z'), fc.integer({ min: 0, max: 2 }), { maxKeys: 3 }).map((o) => JSON.stringify(o)) },
  { weight: 1, arbitrary: fc.constantFrom('[1]', '{bad', '7') },
);
const rowArb: fc.Arbitrary<Row> = fc
  .record({
    cells: fc.array(fc.tuple(fc.constantFrom(...TAGS), valueArb), { minLength: 1, maxLength: 4 }),
    json: fc.option(jsonArb, { nil: undefined, freq: 4 }),
  })
  .map(({ cells, json }) => {
    const r: Row = {};
    for (const [t, v] of cells) r[t] = v;
    if (json !== undefined) r[JSON_TAG] = json;
    return r;
  });

/** One side's change to one id. */
type Op = { id: number; kind: 'delete' } | { id: number; kind: 'put'; row: Row } | { id: number; kind: 'patch'; tag: number; value: SqlValue | undefined };
const ID_SPACE = 12;
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ id: fc.nat(ID_SPACE - 1), kind: fc.constant('delete' as const) }) },
  { weight: 1, arbitrary: fc.record({ id: fc.nat(ID_SPACE - 1), kind: fc.constant('put' as const), row: rowArb }) },
  {
    weight: 3,
    arbitrary: fc.record({
      id: fc.nat(ID_SPACE - 1),
      kind: fc.constant('patch' as const),
      tag: fc.constantFrom(...TAGS),
      value: fc.option(valueArb, { nil: undefined, freq: 5 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      id: fc.nat(ID_SPACE - 1),
      kind: fc.constant('patch' as const),
      tag: fc.constant(JSON_TAG),
      value: fc.option(jsonArb, { nil: undefined, freq: 8 }),
    }),
  },
);

const caseArb = fc.record({
  base: fc.array(fc.option(rowArb, { nil: undefined, freq: 6 }), { minLength: ID_SPACE, maxLength: ID_SPACE }),
  ours: fc.array(opArb, { maxLength: 12 }),
  theirs: fc.array(opArb, { maxLength: 12 }),
  filler: fc.constantFrom(0, 1200),
});

/** Spread the case ids among filler rows so the trees have several nodes. */
const SPREAD = 61;
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;
function build(c: Case): { base: Table; ours: Table; theirs: Table } {
  const base: Table = new Map();
  for (let i = 0; i < c.filler; i++) if (i % SPREAD !== 0) base.set(i, { 1: `filler-${i}`, 2: BigInt(i) });
  c.base.forEach((row, id) => {
    if (row === undefined) base.delete(id * SPREAD);
    else base.set(id * SPREAD, row);
  });
  const apply = (ops: Op[]): Table => {
    const t: Table = new Map([...base].map(([k, v]) => [k, { ...v }]));
    for (const op of ops) {
      const id = op.id * SPREAD;
      if (op.kind === 'delete') t.delete(id);
      else if (op.kind === 'put') t.set(id, { ...op.row });
      else {
        const r = { ...(t.get(id) ?? {}) };
        if (op.value === undefined) delete r[op.tag];
        else r[op.tag] = op.value;
        t.set(id, r);
      }
    }
    return t;
  };
  return { base, ours: apply(c.ours), theirs: apply(c.theirs) };
}

// ── the model ──

function eqValue(a: SqlValue | undefined, b: SqlValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return typeof a === typeof b && a === b; // generated values are primitives
}

function eqRow(a: Row | undefined, b: Row | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => eqValue(a[Number(k)], b[Number(k)]));
}

function parseObj(v: SqlValue | undefined): Record<string, number> | undefined {
  if (typeof v !== 'string') return undefined;
  try {
    const o: unknown = JSON.parse(v);
    return typeof o === 'object' && o !== null && !Array.isArray(o) ? (o as Record<string, number>) : undefined;
  } catch {
    return undefined;
  }
}

/** Flat JSON objects merged key by key; undefined = conflict. */
function modelJson(b: SqlValue | undefined, o: SqlValue | undefined, t: SqlValue | undefined): Record<string, number> | undefined {
  const po = parseObj(o);
  const pt = parseObj(t);
  const pb = b === undefined ? {} : parseObj(b);
  if (po === undefined || pt === undefined || pb === undefined) return undefined;
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(pb), ...Object.keys(po), ...Object.keys(pt)])) {
    const [x, y, z] = [pb[k], po[k], pt[k]];
    let v: number | undefined;
    if (y === z || x === z) v = y;
    else if (x === y) v = z;
    else return undefined;
    if (v !== undefined) out[k] = v;
  }
  return out;
}

type ModelOut = { conflict: true } | { conflict: false; row: Row | undefined; json?: Record<string, number> };

function modelMerge(b: Row | undefined, o: Row | undefined, t: Row | undefined, json: boolean): ModelOut {
  if (eqRow(o, t) || eqRow(b, t)) return { conflict: false, row: o };
  if (eqRow(b, o)) return { conflict: false, row: t };
  if (b === undefined || o === undefined || t === undefined) return { conflict: true };
  const row: Row = {};
  let jsonOut: Record<string, number> | undefined;
  for (const tag of new Set([...Object.keys(b), ...Object.keys(o), ...Object.keys(t)].map(Number))) {
    const [x, y, z] = [b[tag], o[tag], t[tag]];
    let v: SqlValue | undefined;
    if (eqValue(y, z) || eqValue(x, z)) v = y;
    else if (eqValue(x, y)) v = z;
    else if (json && tag === JSON_TAG) {
      jsonOut = modelJson(x, y, z);
      if (jsonOut === undefined) return { conflict: true };
      continue;
    } else return { conflict: true };
    if (v !== undefined) row[tag] = v;
  }
  return jsonOut === undefined ? { conflict: false, row } : { conflict: false, row, json: jsonOut };
}

// ── helpers ──

function conflictView(c: RowConflict) {
  return { key: hex(c.key), base: hex(c.base), ours: hex(c.ours), theirs: hex(c.theirs), oc: c.oursChange, tc: c.theirsChange, reason: c.reason, tags: c.tags, paths: c.jsonPaths };
}

const RUNS = Number(process.env.HDB_LONG) ? 2000 : 150;

describe('mergeRows properties', () => {
  it('agrees with the model: non-conflicting changes of both sides are in the result, conflicts are where the model says', () => {
    fc.assert(
      fc.property(caseArb, fc.boolean(), (c, json) => {
        const ns = newNs();
        const { base, ours, theirs } = build(c);
        const [tb, to, tt] = [treeOf(ns, base), treeOf(ns, ours), treeOf(ns, theirs)];
        const r = mergeRows(tb, to, tt, json ? { jsonTags: new Set([JSON_TAG]) } : {});
        const mergedTree = to.mutate(r.edits);
        const merged = {
          get(id: number): Row | undefined {
            const v = mergedTree.get(keyOf(id));
            return v === undefined ? undefined : rowOf(v);
          },
        };
        // only the case ids change: the edits touch nothing else
        for (const e of r.edits) expect(idOf(e.key) % SPREAD).toBe(0);
        const conflicted = new Set(r.conflicts.map((x) => idOf(x.key)));
        const ids = new Set([...base.keys(), ...ours.keys(), ...theirs.keys()]);
        for (const id of ids) {
          const m = modelMerge(base.get(id), ours.get(id), theirs.get(id), json);
          if (m.conflict) {
            expect(conflicted.has(id), `id ${id} conflicts`).toBe(true);
            expect(merged.get(id)).toEqual(ours.get(id));
            continue;
          }
          expect(conflicted.has(id), `id ${id} merges`).toBe(false);
          const got = merged.get(id);
          if (m.json === undefined) {
            expect(got, `id ${id}`).toEqual(m.row);
          } else {
            const { [JSON_TAG]: cell, ...rest } = got!;
            expect(rest, `id ${id}`).toEqual(m.row);
            expect(JSON.parse(cell as string), `id ${id} json`).toEqual(m.json);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('merge(x, x, x) changes nothing; ours = base gives theirs; theirs = base gives ours', () => {
    fc.assert(
      fc.property(caseArb, fc.boolean(), (c, withJson) => {
        const ns = newNs();
        const { base, ours } = build(c);
        const [tb, to] = [treeOf(ns, base), treeOf(ns, ours)];
        const opts = { jsonTags: new Set([JSON_TAG]) };
        const same = mergeRows(to, to, to, opts);
        expect(same.edits).toEqual([]);
        expect(same.conflicts).toEqual([]);
        const ff = mergeRows(tb, tb, to, withJson ? opts : {});
        expect(ff.conflicts).toEqual([]);
        expect(tb.mutate(ff.edits).root.equals(to.root)).toBe(true);
        const keep = mergeRows(tb, to, tb, opts);
        expect(keep.edits).toEqual([]);
        expect(keep.conflicts).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('commutes: conflicts mirror, clean merges give the same tree, strategy ours one way = theirs the other', () => {
    fc.assert(
      fc.property(caseArb, fc.boolean(), (c, json) => {
        const ns = newNs();
        const { base, ours, theirs } = build(c);
        const [tb, to, tt] = [treeOf(ns, base), treeOf(ns, ours), treeOf(ns, theirs)];
        const opts = json ? { jsonTags: new Set([JSON_TAG]) } : {};
        const r1 = mergeRows(tb, to, tt, opts);
        const r2 = mergeRows(tb, tt, to, opts);
        expect(r2.conflicts.map(conflictView)).toEqual(r1.conflicts.map((x) => conflictView(mirrorConflict(x))));
        if (r1.conflicts.length === 0) expect(to.mutate(r1.edits).root.equals(tt.mutate(r2.edits).root)).toBe(true);
        const s1 = mergeRows(tb, to, tt, { ...opts, strategy: 'ours' });
        const s2 = mergeRows(tb, tt, to, { ...opts, strategy: 'theirs' });
        expect(s1.stats.resolved).toBe(r1.conflicts.length);
        expect(to.mutate(s1.edits).root.equals(tt.mutate(s2.edits).root)).toBe(true);
        // the rows of the strategy side win on every conflicting key whose row was replaced whole
        const m1 = tableOf(to.mutate(s1.edits));
        for (const x of r1.conflicts) {
          if (x.reason !== 'cells') expect(m1.get(idOf(x.key))).toEqual(x.ours === null ? undefined : rowOf(x.ours));
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('mergeRows properties: keyless tables', () => {
  const rowsArb = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), fc.integer({ min: 0, max: 3 }));
  const toRows = (d: Record<string, number>): KeylessRow[] =>
    Object.entries(d)
      .filter(([, n]) => n > 0)
      .map(([cell, count]) => ({ cells: [cell, cell.toUpperCase()], count }));

  it('counts add up three-way, commute, and respect the identities', () => {
    fc.assert(
      fc.property(rowsArb, rowsArb, rowsArb, (b, o, t) => {
        const ns = newNs();
        const [tb, to, tt] = [keylessTree(ns, toRows(b)), keylessTree(ns, toRows(o)), keylessTree(ns, toRows(t))];
        const r1 = mergeRows(tb, to, tt, { keyless: true });
        const r2 = mergeRows(tb, tt, to, { keyless: true });
        expect(r2.conflicts.map(conflictView)).toEqual(r1.conflicts.map((x) => conflictView(mirrorConflict(x))));
        const merged = keylessCounts(to.mutate(r1.edits));
        const conflicted = new Set(r1.conflicts.map((x) => hex(x.key)));
        for (const cell of new Set([...Object.keys(b), ...Object.keys(o), ...Object.keys(t)])) {
          const [c0, c1, c2] = [b[cell] ?? 0, o[cell] ?? 0, t[cell] ?? 0];
          const name = `${cell}|${cell.toUpperCase()}`;
          const changedBoth = c1 !== c0 && c2 !== c0;
          const n = c1 === 0 && c2 === 0 ? 0 : c1 + c2 - c0;
          if (changedBoth && n < 0) {
            expect(conflicted.size).toBeGreaterThan(0);
            expect(merged.get(name) ?? 0).toBe(c1);
          } else expect(merged.get(name) ?? 0, name).toBe(n);
        }
        if (r1.conflicts.length === 0) expect(to.mutate(r1.edits).root.equals(tt.mutate(r2.edits).root)).toBe(true);
        expect(mergeRows(to, to, to, { keyless: true }).edits).toEqual([]);
        expect(tb.mutate(mergeRows(tb, tb, tt, { keyless: true }).edits).root.equals(tt.root)).toBe(true);
        expect(mergeRows(tb, to, tb, { keyless: true }).edits).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});
