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
 *   inserts on two branches merge cleanly. Keyless tables have no rowid (documented gap: SQLite
 *   gives every table one; `rowid` resolves only for INTEGER PRIMARY KEY tables), and a scan
 *   returns rows in hash order, not insertion order.
 * - Secondary index: key = encodeKey([indexed values…, pk values…]) (keyless tables: the row's
 *   hash key as a final BLOB component); value = the row's key bytes, so a lookup needs no
 *   re-encoding. Keys are BINARY-ordered: an index (or key) is only used for comparisons under
 *   BINARY collation.
 */
import type { ColumnSchema, IndexSchema, SqlValue, TableSchema } from '../../objects/index.js';
import {
  decodeKeyInto,
  keylessCount,
  decodeRowInto,
  encodeKey,
  encodeKeylessValue,
  encodeRow,
  keylessKey,
} from '../../objects/index.js';
import type { Row } from '../exec/types.js';

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
}

export class TableInfo {
  readonly schema: TableSchema;
  readonly name: string;
  /** Lower-cased name. */
  readonly key: string;
  readonly columns: ColumnSchema[];
  readonly width: number;
  readonly keyless: boolean;
  /** Slots of the primary-key columns, in key order (empty for keyless). */
  readonly pkSlots: number[];
  readonly pkDesc: boolean[];
  /** Slot of the INTEGER PRIMARY KEY column, or -1. */
  readonly rowidSlot: number;
  /** Tags and slots stored in the row value (non-key columns; keyless: all). */
  readonly valueTags: number[];
  readonly valueSlots: number[];
  readonly allTags: number[];
  /** slotOfTag[tag] = slot, -1 when the tag is not a column. */
  readonly slotOfTag: Int32Array;
  readonly indexes: IndexInfo[];
  private readonly colByName = new Map<string, number>();
  private readonly pkAllAsc: boolean;

  constructor(schema: TableSchema) {
    this.schema = schema;
    this.name = schema.name;
    this.key = schema.name.toLowerCase();
    this.columns = schema.columns;
    this.width = schema.columns.length;
    this.keyless = schema.primaryKey.length === 0;
    this.slotOfTag = new Int32Array(schema.nextTag + 1).fill(-1);
    schema.columns.forEach((c, i) => {
      this.slotOfTag[c.tag] = i;
      this.colByName.set(c.name.toLowerCase(), i);
    });
    this.allTags = schema.columns.map((c) => c.tag);
    this.pkSlots = schema.primaryKey.map((k) => this.slotFor(k.tag));
    this.pkDesc = schema.primaryKey.map((k) => k.desc);
    this.pkAllAsc = !this.pkDesc.some((d) => d);
    this.rowidSlot = schema.rowidAlias === undefined ? -1 : this.slotFor(schema.rowidAlias);
    const keySet = new Set(this.pkSlots);
    this.valueSlots = [];
    this.valueTags = [];
    schema.columns.forEach((c, i) => {
      if (this.keyless || !keySet.has(i)) {
        this.valueSlots.push(i);
        this.valueTags.push(c.tag);
      }
    });
    this.indexes = schema.indexes.map((ix) => {
      const slots = ix.columns.map((k) => this.slotFor(k.tag));
      const desc = ix.columns.map((k) => k.desc);
      const keyDesc = this.keyless ? [...desc, false] : [...desc, ...this.pkDesc];
      return { schema: ix, key: ix.name.toLowerCase(), slots, desc, unique: ix.unique, keyDesc };
    });
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
    return encodeRow(this.valueTags, vals);
  }

  /** Keyless tables: the hash key of a row. */
  keylessKey(row: readonly SqlValue[], off = 0): Uint8Array {
    return keylessKey(this.allTags, off === 0 && row.length === this.width ? row : row.slice(off, off + this.width));
  }

  keylessValue(row: readonly SqlValue[], count: number, off = 0): Uint8Array {
    return encodeKeylessValue(this.allTags, off === 0 && row.length === this.width ? row : row.slice(off, off + this.width), count);
  }

  /**
   * Decode one stored entry into `out` at `off` (all `width` slots written). Returns the
   * duplicate count (1 for primary-key tables).
   */
  decodeInto(key: Uint8Array, value: Uint8Array, out: Row, off: number, slotMap: Int32Array, needKey = true): number {
    for (let i = 0; i < this.width; i++) out[off + i] = null;
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

  /** The index key of a row (values at `off`) whose row key is `rowKey`. */
  indexKey(ix: IndexInfo, row: readonly SqlValue[], rowKey: Uint8Array, off = 0): Uint8Array {
    const vals: SqlValue[] = [];
    for (const s of ix.slots) vals.push(row[off + s]!);
    if (this.keyless) vals.push(rowKey);
    else for (const s of this.pkSlots) vals.push(row[off + s]!);
    return encodeKey(vals, ix.keyDesc);
  }

  /** The prefix of an index key made of the indexed values only (for UNIQUE checks). */
  indexPrefix(ix: IndexInfo, row: readonly SqlValue[], off = 0): Uint8Array {
    const vals: SqlValue[] = [];
    for (const s of ix.slots) vals.push(row[off + s]!);
    return encodeKey(vals, ix.desc);
  }
}
