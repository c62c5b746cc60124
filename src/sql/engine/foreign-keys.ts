/**
 * FOREIGN KEY enforcement. HeliosDB enforces foreign keys always (as SQLite with
 * `PRAGMA foreign_keys = ON`, which reads as 1 here and cannot be turned off).
 *
 * - Child side: a written row whose FK columns are all non-NULL must match a parent row. The
 *   parent key is the parent's PRIMARY KEY or a UNIQUE index on exactly the referenced columns
 *   (else `FOREIGN_KEY_MISMATCH`, as SQLite's "foreign key mismatch"). Child values are
 *   converted with the parent column's affinity before the lookup.
 * - Parent side: deleting a parent row, or changing its referenced columns, applies the FK's
 *   action to the child rows that match: CASCADE (delete / update the children), SET NULL,
 *   SET DEFAULT (the child column's DEFAULT), RESTRICT and NO ACTION (fail when a child
 *   exists). Checks are immediate, per row (SQLite defers NO ACTION to the end of the
 *   statement; a statement that deletes a parent and then its children fails here — delete the
 *   children first, or use CASCADE). Children are found through an index whose leading
 *   columns are the FK columns, else by a scan of the child table.
 * - Deferred checks: an FK declared `DEFERRABLE INITIALLY DEFERRED`, or every FK while
 *   `PRAGMA defer_foreign_keys` is on, records a missing parent (child written, or NO ACTION
 *   parent removed while children remain) on the transaction instead of failing; COMMIT runs
 *   `checkDeferred`, which re-checks each record against the final state and fails with the
 *   same error (the transaction stays open, as SQLite). RESTRICT is never deferred.
 * - Violations raise `ConstraintError('FOREIGN KEY', 'FOREIGN KEY constraint failed')`. Rows
 *   changed by an action are checked for NOT NULL on the FK columns (not for CHECK constraints
 *   of the child table — a documented gap).
 */
import { ConstraintError, SqlError } from '../../errors/index.js';
import { compareBytes, prefixUpperBound, type ForeignKeySchema, type SqlValue } from '../../objects/index.js';
import type { Row } from '../exec/types.js';
import type { TableInfo } from '../storage/table-info.js';
import type { RowWriter } from '../storage/row-writer.js';
import type { TableState } from '../storage/table-state.js';
import { applyAffinity, compareValues } from '../values/index.js';
import type { Transaction } from './transaction.js';

/** Evaluates the DEFAULT of a column (SET DEFAULT). */
export type DefaultEval = (info: TableInfo, slot: number) => SqlValue;

export interface ChildRef {
  child: string;
  fk: ForeignKeySchema;
}

function fkFailed(): ConstraintError {
  return new ConstraintError('FOREIGN KEY', 'FOREIGN KEY constraint failed');
}

function mismatch(child: string, parent: string): SqlError {
  return new SqlError('FOREIGN_KEY_MISMATCH', `foreign key mismatch - "${child}" referencing "${parent}"`);
}

function isRowidName(n: string): boolean {
  return /^(rowid|oid|_rowid_)$/i.test(n);
}

/** Slots of the referenced parent columns, in FK order. */
export function parentSlots(parent: TableInfo, fk: ForeignKeySchema, childName: string): number[] {
  if (fk.refColumns.length === 0) {
    if (parent.keyless || parent.pkSlots.length !== fk.columns.length) throw mismatch(childName, parent.name);
    return parent.pkSlots;
  }
  if (fk.refColumns.length !== fk.columns.length) throw mismatch(childName, parent.name);
  return fk.refColumns.map((n) => {
    let s = parent.columnSlot(n);
    if (s < 0 && isRowidName(n) && parent.rowidSlot >= 0 && !parent.keyless) s = parent.rowidSlot;
    if (s < 0) throw mismatch(childName, parent.name);
    return s;
  });
}

function sameSet(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Whether the parent table has a row whose columns `slots` equal `vals`. */
function parentExists(ts: TableState, slots: number[], vals: SqlValue[], childName: string): boolean {
  const info = ts.info;
  const conv = vals.map((v, i) => (info.columns[slots[i]!] ? applyAffinity(v, info.columns[slots[i]!]!.affinity) : v));
  if (!info.keyless && sameSet(slots, info.pkSlots)) {
    const kv = info.pkSlots.map((s) => conv[slots.indexOf(s)]!);
    return ts.reader().has(info.encodeKeyValues(kv));
  }
  const ix = info.indexes.find((i) => i.unique && !i.computed && sameSet(i.slots, slots));
  if (!ix) throw mismatch(childName, info.name);
  const row: Row = new Array(info.width).fill(null);
  slots.forEach((s, i) => (row[s] = conv[i]!));
  const prefix = info.indexPrefix(ix, row);
  const end = prefixUpperBound(prefix);
  for (const _ of ts.indexReader(ix.key).entries(end ? { start: prefix, end } : { start: prefix })) return true;
  return false;
}

function equalCells(a: SqlValue, b: SqlValue): boolean {
  if (a === null || b === null) return false;
  return compareValues(a, b) === 0;
}

export class ForeignKeys {
  private refCache: { key: string; map: Map<string, ChildRef[]> } | undefined;

  constructor(private readonly defaultOf: DefaultEval) {}

  /** FKs of other tables (and self) that reference table `parent` (lower-cased). */
  referencing(tx: Transaction, parent: string): ChildRef[] {
    if (!this.refCache || this.refCache.key !== tx.schemaKey) {
      const map = new Map<string, ChildRef[]>();
      for (const k of tx.tableKeys()) {
        const info = tx.tableInfo(k)!;
        for (const fk of info.schema.foreignKeys) {
          const p = fk.table.toLowerCase();
          let l = map.get(p);
          if (!l) map.set(p, (l = []));
          l.push({ child: k, fk });
        }
      }
      this.refCache = { key: tx.schemaKey, map };
    }
    return this.refCache.map.get(parent) ?? [];
  }

  /** Whether FKs involve the table as child or parent. */
  involves(tx: Transaction, info: TableInfo): boolean {
    return info.schema.foreignKeys.length > 0 || this.referencing(tx, info.key).length > 0;
  }

  /** A child row was written (`oldRow` set for updates): its parents must exist. */
  checkChild(tx: Transaction, info: TableInfo, row: Row, oldRow?: Row): void {
    for (const fk of info.schema.foreignKeys) {
      const slots = fk.columns.map((t) => info.slotOfTag[t]!);
      const vals = slots.map((s) => row[s] ?? null);
      if (vals.some((v) => v === null)) continue;
      if (oldRow && slots.every((s) => equalCells(oldRow[s] ?? null, row[s] ?? null) && typeof oldRow[s] === typeof row[s])) continue;
      const pkey = fk.table.toLowerCase();
      const parent = tx.tableInfo(pkey);
      const deferred = fk.deferred === true || tx.deferForeignKeys;
      if (!parent) {
        if (deferred) {
          tx.deferredFks.push({ child: info.key, fk, vals });
          continue;
        }
        throw fkFailed();
      }
      const ps = parentSlots(parent, fk, info.name);
      if (!parentExists(tx.table(pkey), ps, vals, info.name)) {
        if (deferred) tx.deferredFks.push({ child: info.key, fk, vals });
        else throw fkFailed();
      }
    }
  }

  /**
   * At COMMIT: the deferred checks recorded on `tx` that still fail (a parent key some child
   * row still references, with no parent row). Throws the FK error when one does.
   */
  checkDeferred(tx: Transaction): void {
    const seen = new Set<string>();
    for (const d of tx.deferredFks) {
      const childInfo = tx.tableInfo(d.child);
      if (!childInfo) continue; // the child table was dropped: nothing references the parent
      // The FK itself, or (after an ALTER rebuilt the schema) the child's FKs to that parent.
      const own = childInfo.schema.foreignKeys;
      const fks = own.includes(d.fk) ? [d.fk] : own.filter((f) => f.table.toLowerCase() === d.fk.table.toLowerCase() && f.columns.length === d.vals.length);
      for (const fk of fks) {
        const k = `${d.child}\u0001${own.indexOf(fk)}\u0001${d.vals.map((v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `x${Buffer.from(v).toString('hex')}` : JSON.stringify(v))).join('\u0001')}`;
        if (seen.has(k)) continue;
        seen.add(k);
        const pkey = fk.table.toLowerCase();
        const parent = tx.tableInfo(pkey);
        if (parent && parentExists(tx.table(pkey), parentSlots(parent, fk, childInfo.name), d.vals, childInfo.name)) continue;
        if (this.children(tx, { child: d.child, fk }, d.vals).length > 0) throw fkFailed();
      }
    }
  }

  /** Child rows of `ref` matching the parent values `vals` (copies with their stored keys). */
  private children(tx: Transaction, ref: ChildRef, vals: SqlValue[]): { key: Uint8Array; row: Row }[] {
    const ts = tx.table(ref.child);
    const info = ts.info;
    const slots = ref.fk.columns.map((t) => info.slotOfTag[t]!);
    const conv = vals.map((v, i) => (info.columns[slots[i]!] ? applyAffinity(v, info.columns[slots[i]!]!.affinity) : v));
    const out: { key: Uint8Array; row: Row }[] = [];
    const rows = ts.reader();
    const matches = (row: Row): boolean => slots.every((s, i) => equalCells(row[s] ?? null, conv[i]!));
    const decode = (key: Uint8Array, value: Uint8Array, ixKey: Uint8Array | undefined): Row => {
      const row: Row = new Array(info.width);
      info.decodeInto(key, value, row, 0, info.slotOfTag);
      if (info.keyless && ixKey) row[info.rowidSlot] = info.rowidOfIndexKey(ixKey);
      return row;
    };
    const ix = info.indexes.find((i) => !i.computed && i.slots.length >= slots.length && slots.every((s, k) => i.slots[k] === s));
    if (ix && conv.every((v) => typeof v === 'bigint' || typeof v === 'string')) {
      const probe: Row = new Array(info.width).fill(null);
      slots.forEach((s, i) => (probe[s] = conv[i]!));
      const full = info.indexPrefix({ ...ix, slots: slots, desc: ix.desc.slice(0, slots.length) }, probe);
      const end = prefixUpperBound(full);
      for (const e of ts.indexReader(ix.key).entries(end ? { start: full, end } : { start: full })) {
        const v = rows.get(e.value);
        if (v === undefined) continue;
        const row = decode(e.value, v, e.key);
        if (matches(row)) out.push({ key: e.value, row });
      }
      return out;
    }
    const order = info.orderIndex;
    if (order) {
      for (const e of ts.indexReader(order.key).entries()) {
        const v = rows.get(e.value);
        if (v === undefined) continue;
        const row = decode(e.value, v, e.key);
        if (matches(row)) out.push({ key: e.value, row });
      }
    } else {
      for (const e of rows.entries()) {
        const row = decode(e.key, e.value, undefined);
        if (matches(row)) out.push({ key: e.key, row });
      }
    }
    return out;
  }

  /** A parent row was deleted: apply ON DELETE to its children. */
  parentDeleted(tx: Transaction, writer: RowWriter, info: TableInfo, row: Row, skipChild?: string): void {
    for (const ref of this.referencing(tx, info.key)) {
      if (ref.child !== skipChild) this.act(tx, writer, info, ref, row, undefined, ref.fk.onDelete);
    }
  }

  /** A parent row's referenced columns may have changed: apply ON UPDATE to its children. */
  parentUpdated(tx: Transaction, writer: RowWriter, info: TableInfo, oldRow: Row, newRow: Row): void {
    for (const ref of this.referencing(tx, info.key)) {
      let ps: number[];
      try {
        ps = parentSlots(info, ref.fk, ref.child);
      } catch {
        continue;
      }
      if (ps.every((s) => sameStored(oldRow[s] ?? null, newRow[s] ?? null))) continue;
      this.act(tx, writer, info, ref, oldRow, newRow, ref.fk.onUpdate);
    }
  }

  private act(tx: Transaction, writer: RowWriter, parent: TableInfo, ref: ChildRef, oldRow: Row, newRow: Row | undefined, action: ForeignKeySchema['onDelete']): void {
    const ps = parentSlots(parent, ref.fk, ref.child);
    const vals = ps.map((s) => oldRow[s] ?? null);
    if (vals.some((v) => v === null)) return;
    // A parent row that still exists with the same key (e.g. another copy) keeps its children.
    if (newRow === undefined && parent.keyless && parentExists(tx.table(parent.key), ps, vals, ref.child)) return;
    const kids = this.children(tx, ref, vals);
    if (kids.length === 0) return;
    if (action === 'NO ACTION' && (ref.fk.deferred === true || tx.deferForeignKeys)) {
      tx.deferredFks.push({ child: ref.child, fk: ref.fk, vals });
      return;
    }
    if (action === 'RESTRICT' || action === 'NO ACTION') throw fkFailed();
    const ts = tx.tableForWrite(ref.child);
    const info = ts.info;
    const slots = ref.fk.columns.map((t) => info.slotOfTag[t]!);
    for (const k of kids) {
      if (action === 'CASCADE' && newRow === undefined) {
        writer.deleteRow(ts, k.key, k.row);
        continue;
      }
      const nr = k.row.slice();
      slots.forEach((s, i) => {
        if (action === 'CASCADE') nr[s] = newRow![ps[i]!] ?? null;
        else if (action === 'SET NULL') nr[s] = null;
        else nr[s] = this.defaultOf(info, s);
      });
      for (const s of slots) {
        if (nr[s] === null && info.columns[s]!.notNull) throw new ConstraintError('NOT NULL', `NOT NULL constraint failed: ${info.name}.${info.columns[s]!.name}`);
      }
      const key = info.keyless ? info.keylessKey(k.row) : info.encodeKey(k.row);
      writer.update(ts, compareBytes(key, k.key) === 0 ? key : k.key, k.row, nr, 'ABORT');
      // The default may name the parent row that is going away (SQLite checks it too).
      if (action === 'SET DEFAULT') this.checkChild(tx, info, nr);
    }
  }
}

function sameStored(a: SqlValue, b: SqlValue): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  return typeof a === typeof b && compareValues(a, b) === 0;
}
