/**
 * `TableInfo`: what the engine derives from a `TableSchema` to read and write rows quickly —
 * column slots, key columns, the tag ↔ slot maps, and the encoders of row keys, row values and
 * secondary-index keys.
 *
 * Storage layout (DESIGN.md "Rows", "Secondary indexes"):
 * - Table with a primary key: key = encodeKey(pk values, per-column DESC), value =
 *   encodeRow(non-key tags, values) (NULL cells omitted).
 * - Keyless table: key = keylessKey(all tags, values) (a hash of the row), value =
 *   encodeKeylessValue(tags, values, count): equal rows share one entry with a count, so equal
 *   inserts on two branches merge cleanly.
 * - Keyless tables also have a DERIVED insertion-order index (`ORDER_INDEX`, stored with the
 *   secondary indexes): key = encodeKey([rowid]), value = the row's hash key, one entry per
 *   copy (a row with count 3 has three rowids). It gives keyless tables SQLite's `rowid` /
 *   `oid` / `_rowid_` (a hidden slot after the columns: `width = columns + 1`, `rowidSlot`
 *   points at it) and makes full scans run in insertion order. Like any secondary index it is
 *   derived data: never merged, maintained on every write, rebuilt from the row diff after a
 *   merge (rowids are local to a branch: a merged-in copy gets a fresh rowid at the end).
 * - Secondary index: key = encodeKey([indexed values…, pk values…]) (keyless tables: the
 *   copy's rowid as the final component, so every copy has its own entry); value = the row's
 *   key bytes (keyless: the hash key), so a lookup needs no re-encoding. Keys are
 *   BINARY-ordered: an index (or key) is only used for comparisons under BINARY collation.
 * - Missing values (`ColumnSchema.missingValue`, a column added with a constant DEFAULT to a
 *   table that had rows): this class owns the canonical rule of `row-codec.ts`. Decoding
 *   pre-fills such a column's slot with its missing value, so a row written before the column
 *   existed (no cell) reads as it, and an explicit NULL cell overwrites it with NULL. Encoding
 *   (row values and keyless keys/values) writes a value IDENTICAL to the missing value (same
 *   storage class and exact value: REAL -0 ≠ 0, DECIMAL 1.0 ≠ 1.00) as absent and NULL as an
 *   explicit NULL cell. Equal logical rows therefore have equal bytes whether written before or
 *   after the ALTER — what keyless hashing, "did the row change" checks and merge rely on — and
 *   tables without such columns encode exactly as before. Key columns never use it (a key is
 *   never absent).
 */
import type { ColumnSchema, IndexSchema, SqlValue, TableSchema } from '../../objects/index.js';
import {
  Decimal,
  decodeKey,
  decodeKeyInto,
  keylessCount,
  decodeRowInto,
  encodeKey,
  encodeKeylessValue,
  encodeRow,
  keylessKey,
} from '../../objects/index.js';
import type { Row } from '../exec/types.js';

/** Name (lower-cased tree key) of the insertion-order index of a keyless table. */
export const ORDER_INDEX = 'sqlite_rowid_order';

/**
 * Evaluators of an index's expression columns and partial-index WHERE, compiled by the engine
 * (this layer does not interpret SQL) and installed with `TableInfo.setIndexCompute`.
 */
export interface IndexCompute {
  /** Per index column: the expression's evaluator on a table row, or undefined for a plain column. */
  exprs: (((row: readonly SqlValue[]) => SqlValue) | undefined)[];
  /** Partial index: whether a row belongs to the index. */
  where?: (row: readonly SqlValue[]) => boolean;
}

export interface IndexInfo {
  readonly schema: IndexSchema;
  /** Lower-cased name. */
  readonly key: string;
  /** Table slots of the indexed columns, in index order. */
  readonly slots: number[];
  readonly desc: boolean[];
  readonly unique: boolean;
  /** DESC flags of the full index key (indexed columns then key columns). */
  readonly keyDesc: boolean[];
  /** Partial or expression index: needs `compute` to be maintained (and is never used for lookups). */
  readonly computed: boolean;
  /** The installed evaluators of a computed index. */
  compute?: IndexCompute;
}

export class TableInfo {
  readonly schema: TableSchema;
  readonly name: string;
  /** Lower-cased name. */
  readonly key: string;
  readonly columns: ColumnSchema[];
  /** Slots of a row buffer: the columns, plus the hidden rowid slot of a keyless table. */
  readonly width: number;
  /** Number of declared columns. */
  readonly ncols: number;
  readonly keyless: boolean;
  /** Slots of the primary-key columns, in key order (empty for keyless). */
  readonly pkSlots: number[];
  readonly pkDesc: boolean[];
  /** Slot of the INTEGER PRIMARY KEY column, the hidden rowid slot of a keyless table, or -1. */
  readonly rowidSlot: number;
  /** Tags and slots stored in the row value (non-key columns; keyless: all). */
  readonly valueTags: number[];
  readonly valueSlots: number[];
  readonly allTags: number[];
  /** slotOfTag[tag] = slot, -1 when the tag is not a column. */
  readonly slotOfTag: Int32Array;
  readonly indexes: IndexInfo[];
  /** Keyless tables: the insertion-order index (rowid → hash key). */
  readonly orderIndex: IndexInfo | undefined;
  /** Every index tree stored with the table (secondary indexes, then the order index). */
  readonly storedIndexes: IndexInfo[];
  /**
   * Per slot (width): what a row reads before its cells are decoded — the column's missing value,
   * or null. Undefined when no value column has a missing value (the common case).
   */
  readonly fill: SqlValue[] | undefined;
  /** Aligned with `valueTags`: the missing value of each value column, or undefined. */
  private readonly valueMissing: (SqlValue | undefined)[] | undefined;
  private readonly allMissing: (SqlValue | undefined)[] | undefined;
  private readonly colByName = new Map<string, number>();
  private readonly pkAllAsc: boolean;

  constructor(schema: TableSchema) {
    this.schema = schema;
    this.name = schema.name;
    this.key = schema.name.toLowerCase();
    this.columns = schema.columns;
    this.ncols = schema.columns.length;
    this.keyless = schema.primaryKey.length === 0;
    this.width = this.keyless ? this.ncols + 1 : this.ncols;
    this.slotOfTag = new Int32Array(schema.nextTag + 1).fill(-1);
    schema.columns.forEach((c, i) => {
      this.slotOfTag[c.tag] = i;
      this.colByName.set(c.name.toLowerCase(), i);
    });
    this.allTags = schema.columns.map((c) => c.tag);
    this.pkSlots = schema.primaryKey.map((k) => this.slotFor(k.tag));
    this.pkDesc = schema.primaryKey.map((k) => k.desc);
    this.pkAllAsc = !this.pkDesc.some((d) => d);
    this.rowidSlot = this.keyless ? this.ncols : schema.rowidAlias === undefined ? -1 : this.slotFor(schema.rowidAlias);
    const keySet = new Set(this.pkSlots);
    this.valueSlots = [];
    this.valueTags = [];
    schema.columns.forEach((c, i) => {
      if (this.keyless || !keySet.has(i)) {
        this.valueSlots.push(i);
        this.valueTags.push(c.tag);
      }
    });
    if (this.valueSlots.some((sl) => schema.columns[sl]!.missingValue !== undefined)) {
      const fill: SqlValue[] = new Array<SqlValue>(this.width).fill(null);
      for (const sl of this.valueSlots) fill[sl] = schema.columns[sl]!.missingValue ?? null;
      this.fill = fill;
      this.valueMissing = this.valueSlots.map((sl) => schema.columns[sl]!.missingValue);
      this.allMissing = schema.columns.map((c, i) => (this.valueSlots.includes(i) ? c.missingValue : undefined));
    } else {
      this.fill = undefined;
      this.valueMissing = undefined;
      this.allMissing = undefined;
    }
    this.indexes = schema.indexes.map((ix) => {
      const slots = ix.columns.map((k) => (k.expr !== undefined ? -1 : this.slotFor(k.tag)));
      const desc = ix.columns.map((k) => k.desc);
      const keyDesc = this.keyless ? [...desc, false] : [...desc, ...this.pkDesc];
      const computed = ix.where !== undefined || slots.includes(-1);
      return { schema: ix, key: ix.name.toLowerCase(), slots, desc, unique: ix.unique, keyDesc, computed };
    });
    this.orderIndex = this.keyless
      ? {
          schema: { name: ORDER_INDEX, columns: [], unique: true, origin: 'create' },
          key: ORDER_INDEX,
          slots: [this.rowidSlot],
          desc: [false],
          unique: true,
          keyDesc: [false],
          computed: false,
        }
      : undefined;
    this.storedIndexes = this.orderIndex ? [...this.indexes, this.orderIndex] : this.indexes;
  }

  /** Keyless tables: the rowid stored as the last component of an index key (or order-index key). */
  rowidOfIndexKey(key: Uint8Array): bigint {
    const vals = decodeKey(key);
    return vals[vals.length - 1] as bigint;
  }

  /** Keyless tables: the order-index key of a rowid. */
  orderKey(rowid: bigint): Uint8Array {
    return encodeKey([rowid]);
  }

  private slotFor(tag: number): number {
    const s = tag < this.slotOfTag.length ? this.slotOfTag[tag]! : -1;
    if (s < 0) throw new Error(`schema of ${this.name} refers to unknown column tag ${tag}`);
    return s;
  }

  /** Slot of a column by name (case-insensitive), or -1. */
  columnSlot(name: string): number {
    return this.colByName.get(name.toLowerCase()) ?? -1;
  }

  index(name: string): IndexInfo | undefined {
    const k = name.toLowerCase();
    return this.indexes.find((i) => i.key === k);
  }

  /** The row key of a primary-key table from the row's values at `off`. */
  encodeKey(row: readonly SqlValue[], off = 0): Uint8Array {
    const n = this.pkSlots.length;
    const vals: SqlValue[] = new Array(n);
    for (let i = 0; i < n; i++) vals[i] = row[off + this.pkSlots[i]!]!;
    return this.pkAllAsc ? encodeKey(vals) : encodeKey(vals, this.pkDesc);
  }

  /** The row key from key values only (primary-key tables). */
  encodeKeyValues(vals: readonly SqlValue[]): Uint8Array {
    return this.pkAllAsc ? encodeKey(vals) : encodeKey(vals, this.pkDesc);
  }

  encodeValue(row: readonly SqlValue[], off = 0): Uint8Array {
    const n = this.valueSlots.length;
    const vals: SqlValue[] = new Array(n);
    for (let i = 0; i < n; i++) vals[i] = row[off + this.valueSlots[i]!]!;
    const mv = this.valueMissing;
    if (mv === undefined) return encodeRow(this.valueTags, vals);
    return encodeRow(this.valueTags, vals, applyMissing(this.valueTags, vals, mv));
  }

  /** Keyless tables: the hash key of a row. */
  keylessKey(row: readonly SqlValue[], off = 0): Uint8Array {
    const vals = off === 0 && row.length === this.ncols ? row : row.slice(off, off + this.ncols);
    const mv = this.allMissing;
    if (mv === undefined) return keylessKey(this.allTags, vals);
    const copy = vals.slice();
    return keylessKey(this.allTags, copy, applyMissing(this.allTags, copy, mv));
  }

  keylessValue(row: readonly SqlValue[], count: number, off = 0): Uint8Array {
    const vals = off === 0 && row.length === this.ncols ? row : row.slice(off, off + this.ncols);
    const mv = this.allMissing;
    if (mv === undefined) return encodeKeylessValue(this.allTags, vals, count);
    const copy = vals.slice();
    return encodeKeylessValue(this.allTags, copy, count, applyMissing(this.allTags, copy, mv));
  }

  /**
   * Decode one stored entry into `out` at `off` (all `width` slots written). Returns the
   * duplicate count (1 for primary-key tables).
   */
  decodeInto(key: Uint8Array, value: Uint8Array, out: Row, off: number, slotMap: Int32Array, needKey = true): number {
    const fill = this.fill;
    if (fill === undefined) for (let i = 0; i < this.width; i++) out[off + i] = null;
    else
      for (let i = 0; i < this.width; i++) {
        const f = fill[i]!;
        out[off + i] = f instanceof Uint8Array ? f.slice() : f;
      }
    if (this.keyless) {
      decodeRowInto(value, slotMap, out);
      return keylessCount(value);
    }
    if (needKey) {
      const n = this.pkSlots.length;
      if (n === 1) decodeKeyInto(key, out, off + this.pkSlots[0]!, this.pkAllAsc ? undefined : this.pkDesc);
      else {
        const kv = this.keyScratch;
        decodeKeyInto(key, kv, 0, this.pkAllAsc ? undefined : this.pkDesc);
        for (let i = 0; i < n; i++) out[off + this.pkSlots[i]!] = kv[i]!;
      }
    }
    decodeRowInto(value, slotMap, out);
    return 1;
  }

  private readonly keyScratch: SqlValue[] = [];

  /**
   * A tag → absolute slot map for decoding into a row buffer at `off`; columns not in `used`
   * map to -1 (skipped).
   */
  slotMapAt(off: number, used?: boolean[]): Int32Array {
    const m = new Int32Array(this.slotOfTag.length);
    for (let t = 0; t < m.length; t++) {
      const s = this.slotOfTag[t]!;
      m[t] = s < 0 || (used && !used[s]) ? -1 : s + off;
    }
    return m;
  }

  /** Keyless tables: the stored duplicate count of an entry. */
  keylessCount(value: Uint8Array): number {
    return keylessCount(value);
  }

  /** Whether `row` belongs to index `ix` (false only for a partial index whose WHERE fails). */
  inIndex(ix: IndexInfo, row: readonly SqlValue[]): boolean {
    if (!ix.computed || ix.schema.where === undefined) return true;
    return this.computeOf(ix).where!(row);
  }

  private computeOf(ix: IndexInfo): IndexCompute {
    if (!ix.compute) throw new Error(`index ${ix.schema.name} of ${this.name} has no evaluators installed`);
    return ix.compute;
  }

  /** The indexed values of a row (expression columns evaluated). */
  private indexValues(ix: IndexInfo, row: readonly SqlValue[], off: number): SqlValue[] {
    const vals: SqlValue[] = [];
    if (ix.computed) {
      const c = this.computeOf(ix);
      const r = off === 0 ? row : row.slice(off, off + this.width);
      ix.slots.forEach((s, i) => vals.push(s < 0 ? c.exprs[i]!(r) : r[s]!));
      return vals;
    }
    for (const s of ix.slots) vals.push(row[off + s]!);
    return vals;
  }

  /** Whether some indexed value of the row is NULL (UNIQUE never conflicts then). */
  indexHasNull(ix: IndexInfo, row: readonly SqlValue[]): boolean {
    return this.indexValues(ix, row, 0).some((v) => v === null);
  }

  /** The index key of a row (values at `off`) whose row key is `rowKey`. */
  indexKey(ix: IndexInfo, row: readonly SqlValue[], rowKey: Uint8Array, off = 0): Uint8Array {
    const vals = this.indexValues(ix, row, off);
    if (ix === this.orderIndex) return encodeKey(vals);
    if (this.keyless) vals.push(row[off + this.rowidSlot]!);
    else for (const s of this.pkSlots) vals.push(row[off + s]!);
    return encodeKey(vals, ix.keyDesc);
  }

  /** The prefix of an index key made of the indexed values only (for UNIQUE checks). */
  indexPrefix(ix: IndexInfo, row: readonly SqlValue[], off = 0): Uint8Array {
    const vals = this.indexValues(ix, row, off);
    return encodeKey(vals, ix.desc);
  }
}

/** Exact identity of two non-NULL values (same storage class and encoded value). */
function identical(a: SqlValue, b: SqlValue): boolean {
  if (typeof a === 'number') return typeof b === 'number' && Object.is(a, b);
  if (a === b) return true;
  if (a instanceof Uint8Array) {
    if (!(b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (a instanceof Decimal) return b instanceof Decimal && a.coef === b.coef && a.scale === b.scale;
  return false;
}

/**
 * The canonical rule for columns with a missing value (`mv[i]`, aligned with `tags`): in `vals`
 * (modified in place) a value identical to it becomes null (absent); returns the tags whose NULL
 * must be stored as an explicit NULL cell (undefined when none).
 */
function applyMissing(tags: readonly number[], vals: SqlValue[], mv: readonly (SqlValue | undefined)[]): number[] | undefined {
  let nulls: number[] | undefined;
  for (let i = 0; i < vals.length; i++) {
    const m = mv[i];
    if (m === undefined) continue;
    const v = vals[i]!;
    if (v === null) (nulls ??= []).push(tags[i]!);
    else if (identical(v, m)) vals[i] = null;
  }
  return nulls;
}
