/**
 * Three-way merge of one row's cells by column tag.
 *
 * Rows are sets of (tag, value) cells; an absent tag is NULL (the row codec stores no NULLs).
 * For every tag in the union of the three rows: a cell changed on one side only takes that
 * side's value, a cell changed identically on both converges, a cell changed to different
 * values on both is a conflict — except in JSON columns (`jsonTags`), whose object cells merge
 * key by key (`json-merge.ts`). A tag that appears on one side only (a column that side added,
 * as its schema merge will reconcile) is simply an ordinary cell change from NULL, carried
 * through like any other; this module never looks at schemas.
 *
 * Values are equal when they have the same storage class and the same exact value (so they
 * encode to the same bytes): `1` ≠ `1.0`, REAL `-0` ≠ `0`, DECIMAL `1.0` ≠ `1.00`.
 */
import { Decimal, type SqlValue } from '../objects/index.js';
import type { JsonConflictPath } from './conflicts.js';
import { mergeJsonText } from './json-merge.js';

/** A decoded row: tags ascending, values aligned (as `decodeRow` returns them). */
export interface Cells {
  tags: readonly number[];
  values: readonly SqlValue[];
}

export interface CellMergeOptions {
  /** Tags of JSON columns, merged key by key. */
  jsonTags?: ReadonlySet<number> | undefined;
  /** Resolve conflicting cells (and JSON keys) to this side; without it they keep ours. */
  prefer?: 'ours' | 'theirs' | undefined;
}

export interface CellMergeResult {
  /** The merged row (NULL cells kept as null values; the encoder drops them). */
  tags: number[];
  values: SqlValue[];
  /** Tags whose cells collided, ascending (resolved to `prefer`, or ours, in `values`). */
  conflictTags: number[];
  /** JSON key paths that collided inside JSON cells. */
  jsonPaths: JsonConflictPath[];
  /** JSON cells merged key by key (cleanly or not). */
  jsonMerged: number;
}

/** Exact equality of two SQL values (same storage class, same encoded value). */
export function sameValue(a: SqlValue, b: SqlValue): boolean {
  if (a === b) return typeof a !== 'number' || a !== 0 || Object.is(a, b);
  if (a === null || b === null) return false;
  switch (typeof a) {
    case 'bigint':
    case 'string':
      return false; // primitives: === already decided
    case 'number':
      return false; // NaN is not a SQL value; -0/0 handled above
    default:
      if (a instanceof Uint8Array) {
        if (!(b instanceof Uint8Array) || a.length !== b.length) return false;
        for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
        return true;
      }
      if (a instanceof Decimal) return b instanceof Decimal && a.coef === b.coef && a.scale === b.scale;
      return false;
  }
}

/**
 * Merge the cells of `ours` and `theirs` against `base` (null: the row did not exist, every
 * base cell NULL). Never throws for colliding cells: they are listed in `conflictTags`.
 */
export function mergeCells(base: Cells | null, ours: Cells, theirs: Cells, options: CellMergeOptions = {}): CellMergeResult {
  const jsonTags = options.jsonTags;
  const prefer = options.prefer;
  const bt = base === null ? [] : base.tags;
  const bv = base === null ? [] : base.values;
  const ot = ours.tags;
  const ov = ours.values;
  const tt = theirs.tags;
  const tv = theirs.values;
  const tags: number[] = [];
  const values: SqlValue[] = [];
  const conflictTags: number[] = [];
  const jsonPaths: JsonConflictPath[] = [];
  let jsonMerged = 0;
  let i = 0;
  let j = 0;
  let k = 0;
  const INF = Number.POSITIVE_INFINITY;
  for (;;) {
    const x = i < bt.length ? bt[i]! : INF;
    const y = j < ot.length ? ot[j]! : INF;
    const z = k < tt.length ? tt[k]! : INF;
    const tag = Math.min(x, y, z);
    if (tag === INF) break;
    const b = x === tag ? bv[i++]! : null;
    const o = y === tag ? ov[j++]! : null;
    const t = z === tag ? tv[k++]! : null;
    let v: SqlValue;
    if (sameValue(o, t) || sameValue(b, t)) v = o;
    else if (sameValue(b, o)) v = t;
    else {
      let merged = false;
      if (jsonTags !== undefined && jsonTags.has(tag) && typeof o === 'string' && typeof t === 'string' && (b === null || typeof b === 'string')) {
        const r = mergeJsonText(b, o, t, prefer);
        if (r !== undefined) {
          merged = true;
          jsonMerged++;
          v = r.text;
          if (r.conflicts.length > 0) {
            conflictTags.push(tag);
            for (const path of r.conflicts) jsonPaths.push({ tag, path });
          }
        }
      }
      if (!merged) {
        conflictTags.push(tag);
        v = prefer === 'theirs' ? t : o;
      }
    }
    tags.push(tag);
    values.push(v!);
  }
  return { tags, values, conflictTags, jsonPaths, jsonMerged };
}
