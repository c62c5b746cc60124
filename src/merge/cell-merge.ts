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
 *
 * Explicit NULL cells (`nullTags`, row-codec.ts): a column added by ALTER TABLE with a constant
 * DEFAULT reads an ABSENT cell as its `missingValue` and stores NULL as an explicit
 * NULL cell. Cells are merged as STORED, so an explicit NULL is a third state of a tag, distinct
 * from absent and from every value; the merged row lists it in `nullTags`. Absent and the
 * missing value never need to compare equal: the missing value is fixed per column tag for the
 * column's life on every branch (schema.ts) and the writer never stores a value equal to it (it
 * stores it absent), so on every side the same logical cell has the same stored form. Where it
 * does matter is a JSON cell merged key by key: the base object of an absent cell is the
 * missing value, not `{}`; `missing` (tag → value, from the schema) supplies it.
 */
import { Decimal, type SqlValue } from '../objects/index.js';
import type { JsonConflictPath } from './conflicts.js';
import { mergeJsonText } from './json-merge.js';

/** A decoded row: tags ascending, values aligned (as `decodeRow` returns them). */
export interface Cells {
  tags: readonly number[];
  values: readonly SqlValue[];
  /** Tags of explicit NULL cells, ascending (not in `tags`). */
  nullTags?: readonly number[] | undefined;
}

export interface CellMergeOptions {
  /** Tags of JSON columns, merged key by key. */
  jsonTags?: ReadonlySet<number> | undefined;
  /** Resolve conflicting cells (and JSON keys) to this side; without it they keep ours. */
  prefer?: 'ours' | 'theirs' | undefined;
  /**
   * Missing values by tag (columns added with a constant DEFAULT): an absent cell of such a JSON
   * column is merged key by key as that value, and a merged text equal to it is stored absent.
   */
  missing?: ReadonlyMap<number, SqlValue> | undefined;
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
  /** Tags whose merged cell is an explicit NULL cell (not in `tags`); present only when some are. */
  nullTags?: number[];
}

/** An explicit NULL cell among the merged values (module-private). */
const NULL_CELL = Symbol('explicit NULL cell');
type Stored = SqlValue | typeof NULL_CELL;

/** The cells of a side with its explicit NULL cells merged in (as NULL_CELL), tags ascending. */
function stored(c: Cells): { tags: readonly number[]; values: readonly Stored[] } {
  const nt = c.nullTags;
  if (nt === undefined || nt.length === 0) return c;
  const tags: number[] = [];
  const values: Stored[] = [];
  let i = 0;
  let j = 0;
  while (i < c.tags.length || j < nt.length) {
    if (j >= nt.length || (i < c.tags.length && c.tags[i]! < nt[j]!)) {
      tags.push(c.tags[i]!);
      values.push(c.values[i++]!);
    } else {
      if (i < c.tags.length && c.tags[i] === nt[j]) i++; // a listed null value: the explicit cell wins
      tags.push(nt[j++]!);
      values.push(NULL_CELL);
    }
  }
  return { tags, values };
}

function same(a: Stored, b: Stored): boolean {
  if (a === NULL_CELL || b === NULL_CELL) return a === b;
  return sameValue(a, b);
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
  const bs = base === null ? null : stored(base);
  const os = stored(ours);
  const ts = stored(theirs);
  const bt = bs === null ? [] : bs.tags;
  const bv = bs === null ? [] : bs.values;
  const ot = os.tags;
  const ov = os.values;
  const tt = ts.tags;
  const tv = ts.values;
  const tags: number[] = [];
  const values: SqlValue[] = [];
  let nullTags: number[] | undefined;
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
    let v: Stored;
    if (same(o, t) || same(b, t)) v = o;
    else if (same(b, o)) v = t;
    else {
      let merged = false;
      // JSON cells merge key by key on their logical values (absent = the missing value)
      const m = options.missing?.get(tag);
      const lo = o === null && m !== undefined ? m : o;
      const lt = t === null && m !== undefined ? m : t;
      const lb = b === null && m !== undefined ? m : b === NULL_CELL ? null : b;
      if (jsonTags !== undefined && jsonTags.has(tag) && typeof lo === 'string' && typeof lt === 'string' && (lb === null || typeof lb === 'string')) {
        const r = mergeJsonText(lb, lo, lt, prefer);
        if (r !== undefined) {
          merged = true;
          jsonMerged++;
          v = m !== undefined && r.text === m ? null : r.text;
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
    if (v! === NULL_CELL) (nullTags ??= []).push(tag);
    else {
      tags.push(tag);
      values.push(v!);
    }
  }
  return nullTags === undefined ? { tags, values, conflictTags, jsonPaths, jsonMerged } : { tags, values, conflictTags, jsonPaths, jsonMerged, nullTags };
}
