/**
 * Merging rows of a table where one side added a column with a constant DEFAULT to a table that
 * had rows (`ALTER TABLE users ADD COLUMN preferences JSONB DEFAULT '{}'` on a branch while main
 * keeps writing). Rows are stored under the canonical rule of row-codec.ts: a cell equal to the
 * column's missing value is absent, NULL is an explicit NULL cell (`nullTags`). The merge works
 * on stored cells, so an explicit NULL must survive as one and never collapse into "absent"
 * (which would read back as the default).
 */
import { describe, expect, it } from 'vitest';
import { mergeCells, mergeKeylessEntry, mergeRows } from '../../src/merge/index.js';
import { decodeKeylessValue, decodeRow, encodeKeylessValue, encodeRow, keylessKey, ProllyTree, type SqlValue, type Tree } from '../../src/objects/index.js';
import { idOf, keyOf, newNs } from './helpers.js';

const EMAIL = 1;
const PREFS = 2; // added on the branch with missing value '{}'
const MISSING = '{}';

/** Stored bytes of a users row under the branch's schema (PREFS has a missing value). */
function branchRow(email: string, prefs: SqlValue | undefined): Uint8Array {
  if (prefs === undefined || prefs === MISSING) return encodeRow([EMAIL], [email]); // absent: reads as '{}'
  if (prefs === null) return encodeRow([EMAIL], [email], [PREFS]); // explicit NULL
  return encodeRow([EMAIL, PREFS], [email, prefs]);
}

/** What a row reads as under the branch's schema. */
function read(bytes: Uint8Array): { email: SqlValue; prefs: SqlValue } {
  const d = decodeRow(bytes);
  const at = (t: number): SqlValue | undefined => {
    const i = d.tags.indexOf(t);
    return i < 0 ? undefined : d.values[i]!;
  };
  const prefs = d.nullTags?.includes(PREFS) ? null : (at(PREFS) ?? MISSING);
  return { email: at(EMAIL) ?? null, prefs };
}

describe('merge with a column added with a DEFAULT (missing value)', () => {
  it('keeps explicit NULLs, values and absent cells of the branch while taking main’s writes', () => {
    const ns = newNs();
    const build = (rows: Map<number, Uint8Array>): Tree =>
      ProllyTree.build(ns, [...rows.keys()].sort((a, b) => a - b).map((id) => ({ key: keyOf(id), value: rows.get(id)! })));
    // base: rows written before the column existed
    const base = new Map<number, Uint8Array>();
    for (let id = 1; id <= 5; id++) base.set(id, encodeRow([EMAIL], [`u${id}@x.io`]));
    // ours (the migration branch): the ALTER rewrote nothing; then row 1 gets prefs, row 2 NULL,
    // row 3 is set to the default explicitly (stored absent: unchanged bytes), row 5 NULL too
    const ours = new Map(base);
    ours.set(1, branchRow('u1@x.io', '{"theme":"dark"}'));
    ours.set(2, branchRow('u2@x.io', null));
    ours.set(3, branchRow('u3@x.io', MISSING));
    ours.set(5, branchRow('u5@x.io', null));
    expect(Buffer.from(ours.get(3)!).equals(Buffer.from(base.get(3)!))).toBe(true);
    // theirs (main, old schema): updates rows 2, 3, 4 and inserts row 6
    const theirs = new Map(base);
    theirs.set(2, encodeRow([EMAIL], ['two@x.io']));
    theirs.set(3, encodeRow([EMAIL], ['three@x.io']));
    theirs.set(4, encodeRow([EMAIL], ['four@x.io']));
    theirs.set(6, encodeRow([EMAIL], ['u6@x.io']));
    const o = build(ours);
    const r = mergeRows(build(base), o, build(theirs));
    expect(r.conflicts).toEqual([]);
    const merged = o.mutate(r.edits);
    const got = new Map([...merged.entries()].map((e) => [idOf(e.key), read(e.value)]));
    expect([...got.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v)).toEqual([
      { email: 'u1@x.io', prefs: '{"theme":"dark"}' },
      { email: 'two@x.io', prefs: null }, // ours' explicit NULL survives theirs' edit of another cell
      { email: 'three@x.io', prefs: MISSING },
      { email: 'four@x.io', prefs: MISSING }, // main's row: absent reads as the default
      { email: 'u5@x.io', prefs: null },
      { email: 'u6@x.io', prefs: MISSING },
    ]);
  });

  it('mergeCells treats an explicit NULL as a state of its own', () => {
    const b = { tags: [EMAIL], values: ['a'] };
    // ours set NULL, theirs untouched → explicit NULL
    expect(mergeCells(b, { tags: [EMAIL], values: ['a'], nullTags: [PREFS] }, b).nullTags).toEqual([PREFS]);
    // ours set NULL, theirs set a value → conflict on that tag (absent base)
    const c = mergeCells(b, { tags: [EMAIL], values: ['a'], nullTags: [PREFS] }, { tags: [EMAIL, PREFS], values: ['a', '{"x":1}'] });
    expect(c.conflictTags).toEqual([PREFS]);
    expect(mergeCells(b, { tags: [EMAIL], values: ['a'], nullTags: [PREFS] }, { tags: [EMAIL, PREFS], values: ['a', '{"x":1}'] }, { prefer: 'theirs' }).nullTags).toBeUndefined();
    // both set NULL → converge
    const d = mergeCells(b, { tags: [EMAIL], values: ['x'], nullTags: [PREFS] }, { tags: [EMAIL], values: ['a'], nullTags: [PREFS] });
    expect(d).toMatchObject({ tags: [EMAIL], values: ['x'], conflictTags: [], nullTags: [PREFS] });
    // base explicit NULL, ours back to the default (absent), theirs untouched → absent
    const e = mergeCells({ tags: [EMAIL], values: ['a'], nullTags: [PREFS] }, { tags: [EMAIL], values: ['a'] }, { tags: [EMAIL], values: ['b'], nullTags: [PREFS] });
    expect(e.nullTags).toBeUndefined();
    expect(e.conflictTags).toEqual([]);
    expect(encodeRow(e.tags, e.values, e.nullTags)).toEqual(encodeRow([EMAIL], ['b']));
  });

  it('JSON cells merge key by key from the missing value, and a result equal to it is stored absent', () => {
    const m = '{"a":1,"b":2}';
    const missing = new Map([[PREFS, m]]);
    const jsonTags = new Set([PREFS]);
    const b = { tags: [EMAIL], values: ['e'] }; // PREFS absent: reads as m
    const o = { tags: [EMAIL, PREFS], values: ['e', '{"b":2}'] }; // ours removed "a"
    const t = { tags: [EMAIL, PREFS], values: ['e', '{"a":1,"b":3}'] }; // theirs changed "b"
    const r = mergeCells(b, o, t, { jsonTags, missing });
    expect(r.conflictTags).toEqual([]);
    expect(r.values[r.tags.indexOf(PREFS)]).toBe('{"b":3}');
    // without the missing value the base would be {} and "b" would collide
    expect(mergeCells(b, o, t, { jsonTags }).conflictTags).toEqual([PREFS]);
    // both sides remove one key each and land on the missing value: stored absent again
    const x = { tags: [PREFS], values: ['{"a":1,"b":2,"c":0,"d":0}'] };
    const back = mergeCells(x, { tags: [PREFS], values: ['{"a":1,"b":2,"d":0}'] }, { tags: [PREFS], values: ['{"a":1,"b":2,"c":0}'] }, { jsonTags, missing });
    expect(back.conflictTags).toEqual([]);
    expect(encodeRow(back.tags, back.values, back.nullTags)).toEqual(encodeRow([], []));
    // through mergeRows
    const ns = newNs();
    const tr = (v: Uint8Array): Tree => ProllyTree.build(ns, [{ key: keyOf(1), value: v }]);
    const rr = mergeRows(tr(encodeRow(b.tags, b.values)), tr(encodeRow(o.tags, o.values)), tr(encodeRow(t.tags, t.values)), { jsonTags, missing });
    expect(rr.conflicts).toEqual([]);
    expect(read(rr.edits[0]!.value!).prefs).toBe('{"b":3}');
  });

  it('keyless entries keep their explicit NULL cells', () => {
    const tags = [EMAIL, PREFS];
    const vals: SqlValue[] = ['a', null];
    const v1 = encodeKeylessValue(tags, vals, 1, [PREFS]);
    expect(keylessKey(tags, vals, [PREFS])).not.toEqual(keylessKey(tags, vals));
    const r = mergeKeylessEntry(null, v1, v1);
    expect(r.conflict).toBeNull();
    const d = decodeKeylessValue(r.value!);
    expect(d).toMatchObject({ count: 2, tags: [EMAIL], values: ['a'], nullTags: [PREFS] });
  });
});
