/**
 * Row writes on one table inside a transaction: insert, update and delete with secondary-index
 * maintenance, primary-key and UNIQUE enforcement (with the conflict actions ABORT / IGNORE /
 * REPLACE), rowid assignment for INTEGER PRIMARY KEY [AUTOINCREMENT], and an undo-log entry
 * for every edit (statement-level rollback, savepoints).
 *
 * Callers (the DML executor) have already applied column affinity, defaults and NOT NULL /
 * CHECK constraints; this module deals only in keys and encoded rows.
 */
import { ConstraintError } from '../../errors/index.js';
import { compareBytes, prefixUpperBound, INT64_MAX, decodeKey, type SqlValue, type Tree, type TreeEditor } from '../../objects/index.js';
import type { Row } from '../exec/types.js';
import type { IndexInfo } from './table-info.js';
import type { TableState } from './table-state.js';
import type { UndoLog } from './undo-log.js';

export type OnConflict = 'ABORT' | 'FAIL' | 'ROLLBACK' | 'IGNORE' | 'REPLACE';

/** What happened to one insert. */
export interface InsertOutcome {
  inserted: boolean;
  /** The row's rowid when the table has an INTEGER PRIMARY KEY. */
  rowid?: bigint;
}

/** Called for every row removed by REPLACE conflict resolution (for FK / triggers later). */
export type RowRemovedHook = (ts: TableState, row: Row) => void;

function put(undo: UndoLog, ed: TreeEditor, key: Uint8Array, value: Uint8Array, prev: Uint8Array | undefined): void {
  undo.edit(ed, key, prev);
  ed.put(key, value);
}

function del(undo: UndoLog, ed: TreeEditor, key: Uint8Array, prev: Uint8Array): void {
  undo.edit(ed, key, prev);
  ed.delete(key);
}


function uniqueError(ts: TableState, ix: IndexInfo | undefined): ConstraintError {
  const info = ts.info;
  if (!ix) {
    const cols = info.pkSlots.map((s) => `${info.name}.${info.columns[s]!.name}`).join(', ');
    return new ConstraintError(info.rowidSlot >= 0 ? 'PRIMARY KEY' : 'UNIQUE', `UNIQUE constraint failed: ${cols}`);
  }
  const cols = ix.slots.map((s) => `${info.name}.${info.columns[s]!.name}`).join(', ');
  return new ConstraintError('UNIQUE', `UNIQUE constraint failed: ${cols}`);
}

/** The largest integer key of a table whose key is its INTEGER PRIMARY KEY, or 0. */
function maxRowid(ts: TableState): bigint {
  const r = ts.reader();
  for (const e of r.entries({ reverse: true })) {
    const k = decodeKey(e.key)[0];
    if (typeof k === 'bigint') return k;
    // Non-integer keys cannot occur in a rowid table; fall through defensively.
    return 0n;
  }
  return 0n;
}

export class RowWriter {
  constructor(
    private readonly undo: UndoLog,
    private readonly onRemoved?: RowRemovedHook,
  ) {}

  /** Assign the rowid of an INTEGER PRIMARY KEY row whose key cell is NULL. */
  assignRowid(ts: TableState, row: Row): bigint {
    const slot = ts.info.rowidSlot;
    const v = row[slot];
    if (v !== null && v !== undefined) return v as bigint;
    let next = maxRowid(ts) + 1n;
    if (ts.info.schema.autoincrement && ts.autoIncrement + 1n > next) next = ts.autoIncrement + 1n;
    if (next > INT64_MAX) throw new ConstraintError('PRIMARY KEY', `database or disk is full: no rowid left in ${ts.info.name}`);
    row[slot] = next;
    return next;
  }

  private noteAutoincrement(ts: TableState, rowid: bigint): void {
    if (ts.info.schema.autoincrement && rowid > ts.autoIncrement) {
      const prev = ts.autoIncrement;
      ts.autoIncrement = rowid;
      ts.tableCid = undefined;
      this.undo.action(() => {
        ts.autoIncrement = prev;
      });
    }
  }

  /** Find the row key that conflicts with `row` on unique index `ix`, other than `selfKey`. */
  private uniqueConflict(ts: TableState, ix: IndexInfo, row: Row, selfKey: Uint8Array | undefined): Uint8Array | undefined {
    for (const s of ix.slots) if (row[s] === null) return undefined;
    const prefix = ts.info.indexPrefix(ix, row);
    const end = prefixUpperBound(prefix);
    const rd = ts.indexReader(ix.key);
    for (const e of rd.entries(end ? { start: prefix, end } : { start: prefix })) {
      if (selfKey === undefined || compareBytes(e.value, selfKey) !== 0) return e.value;
    }
    return undefined;
  }

  /** Decode the stored row under `key` (primary-key tables), or undefined. */
  readRow(ts: TableState, key: Uint8Array): Row | undefined {
    const v = ts.reader().get(key);
    if (v === undefined) return undefined;
    const row: Row = new Array(ts.info.width);
    ts.info.decodeInto(key, v, row, 0, ts.info.slotOfTag);
    return row;
  }

  /** Remove a row entirely by key (REPLACE resolution). */
  private removeByKey(ts: TableState, key: Uint8Array): void {
    const row = this.readRow(ts, key);
    if (!row) return;
    this.onRemoved?.(ts, row);
    this.deleteRow(ts, key, row);
  }

  /**
   * Insert `row` (all table slots, affinity applied, rowid assigned or NULL). Returns whether a
   * row was written; IGNORE turns conflicts into `inserted: false`, REPLACE deletes the
   * conflicting rows first, anything else throws `ConstraintError`.
   */
  insert(ts: TableState, row: Row, onConflict: OnConflict): InsertOutcome {
    const info = ts.info;
    let rowid: bigint | undefined;
    if (info.rowidSlot >= 0) {
      rowid = this.assignRowid(ts, row);
    }
    if (info.keyless) {
      const key = info.keylessKey(row);
      const ed = ts.rowsWriter();
      const prev = ed.get(key);
      // UNIQUE indexes on keyless tables: an equal row always conflicts with itself.
      for (const ix of info.indexes) {
        if (!ix.unique) continue;
        const c = this.uniqueConflict(ts, ix, row, undefined);
        if (c) {
          if (onConflict === 'IGNORE') return { inserted: false };
          if (onConflict === 'REPLACE') this.removeKeylessAll(ts, c);
          else throw uniqueError(ts, ix);
        }
      }
      const prev2 = prev === undefined ? undefined : ed.get(key);
      const count = prev2 === undefined ? 1 : info.keylessCount(prev2) + 1;
      put(this.undo, ed, key, info.keylessValue(row, count), prev2);
      if (count === 1) this.addIndexEntries(ts, row, key);
      return { inserted: true };
    }
    const key = info.encodeKey(row);
    const ed = ts.rowsWriter();
    let prev = ed.get(key);
    // Check every constraint before writing anything, so IGNORE leaves no trace.
    const conflicts: { ix: IndexInfo; key: Uint8Array }[] = [];
    for (const ix of info.indexes) {
      if (!ix.unique) continue;
      const c = this.uniqueConflict(ts, ix, row, key);
      if (c) conflicts.push({ ix, key: c });
    }
    if (prev !== undefined || conflicts.length > 0) {
      if (onConflict === 'IGNORE') return { inserted: false };
      if (onConflict !== 'REPLACE') throw uniqueError(ts, prev !== undefined ? undefined : conflicts[0]!.ix);
      if (prev !== undefined) {
        this.removeByKey(ts, key);
        prev = undefined;
      }
      for (const c of conflicts) this.removeByKey(ts, c.key);
    }
    put(this.undo, ed, key, info.encodeValue(row), prev);
    this.addIndexEntries(ts, row, key);
    if (rowid !== undefined) this.noteAutoincrement(ts, rowid);
    return { inserted: true, rowid };
  }

  private removeKeylessAll(ts: TableState, key: Uint8Array): void {
    const ed = ts.rowsWriter();
    const v = ed.get(key);
    if (v === undefined) return;
    const row: Row = new Array(ts.info.width);
    ts.info.decodeInto(key, v, row, 0, ts.info.slotOfTag);
    this.onRemoved?.(ts, row);
    del(this.undo, ed, key, v);
    this.removeIndexEntries(ts, row, key);
  }

  private addIndexEntries(ts: TableState, row: Row, key: Uint8Array): void {
    for (const ix of ts.info.indexes) {
      const ed = ts.indexWriter(ix.key);
      const ik = ts.info.indexKey(ix, row, key);
      put(this.undo, ed, ik, key, ed.get(ik));
    }
  }

  private removeIndexEntries(ts: TableState, row: Row, key: Uint8Array): void {
    for (const ix of ts.info.indexes) {
      const ed = ts.indexWriter(ix.key);
      const ik = ts.info.indexKey(ix, row, key);
      const prev = ed.get(ik);
      if (prev !== undefined) del(this.undo, ed, ik, prev);
    }
  }

  /**
   * Remove every row of a table at once (DELETE without WHERE): the trees become `empty`.
   * Returns the number of rows removed.
   */
  truncate(ts: TableState, empty: Tree): number {
    const info = ts.info;
    const r = ts.reader();
    let n = 0;
    if (info.keyless) for (const e of r.entries()) n += info.keylessCount(e.value);
    else n = r.count;
    const prevRows = ts.rows;
    const prevEd = ts.rowsEditor;
    const prevIdx = new Map([...ts.indexes].map(([k, s]) => [k, { ...s }] as const));
    const prevCid = ts.tableCid;
    ts.rows = empty;
    ts.rowsEditor = undefined;
    for (const s of ts.indexes.values()) {
      s.tree = empty;
      s.editor = undefined;
    }
    ts.tableCid = undefined;
    this.undo.action(() => {
      ts.rows = prevRows;
      ts.rowsEditor = prevEd;
      for (const [k, s] of prevIdx) {
        const cur = ts.indexes.get(k);
        if (cur) {
          cur.tree = s.tree;
          cur.editor = s.editor;
        }
      }
      ts.tableCid = prevCid;
    });
    return n;
  }

  /**
   * Delete one row (as read by a scan: `key` is its stored key, `row` its decoded values).
   * Keyless tables lose one duplicate.
   */
  deleteRow(ts: TableState, key: Uint8Array, row: Row): boolean {
    const info = ts.info;
    const ed = ts.rowsWriter();
    const prev = ed.get(key);
    if (prev === undefined) return false;
    if (info.keyless) {
      const count = info.keylessCount(prev);
      if (count > 1) {
        put(this.undo, ed, key, info.keylessValue(row, count - 1), prev);
        return true;
      }
    }
    del(this.undo, ed, key, prev);
    this.removeIndexEntries(ts, row, key);
    return true;
  }

  /**
   * Replace row `oldRow` (stored under `oldKey`) by `newRow`. Returns false when IGNORE skipped
   * it because of a conflict.
   */
  update(ts: TableState, oldKey: Uint8Array, oldRow: Row, newRow: Row, onConflict: OnConflict): boolean {
    const info = ts.info;
    if (info.keyless) {
      const newKey = info.keylessKey(newRow);
      if (compareBytes(newKey, oldKey) === 0) return true;
      for (const ix of info.indexes) {
        if (!ix.unique) continue;
        const c = this.uniqueConflict(ts, ix, newRow, oldKey);
        if (c) {
          if (onConflict === 'IGNORE') return false;
          if (onConflict === 'REPLACE') this.removeKeylessAll(ts, c);
          else throw uniqueError(ts, ix);
        }
      }
      this.deleteRow(ts, oldKey, oldRow);
      const ed = ts.rowsWriter();
      const prev = ed.get(newKey);
      const count = prev === undefined ? 1 : info.keylessCount(prev) + 1;
      put(this.undo, ed, newKey, info.keylessValue(newRow, count), prev);
      if (count === 1) this.addIndexEntries(ts, newRow, newKey);
      return true;
    }
    const newKey = info.encodeKey(newRow);
    const keyChanged = compareBytes(newKey, oldKey) !== 0;
    const ed = ts.rowsWriter();
    const conflicts: { ix: IndexInfo | undefined; key: Uint8Array }[] = [];
    if (keyChanged && ed.get(newKey) !== undefined) conflicts.push({ ix: undefined, key: newKey });
    for (const ix of info.indexes) {
      if (!ix.unique) continue;
      let changed = keyChanged;
      if (!changed) for (const s of ix.slots) if (!sameCell(oldRow[s]!, newRow[s]!)) changed = true;
      if (!changed) continue;
      const c = this.uniqueConflict(ts, ix, newRow, oldKey);
      if (c) conflicts.push({ ix, key: c });
    }
    if (conflicts.length > 0) {
      if (onConflict === 'IGNORE') return false;
      if (onConflict !== 'REPLACE') throw uniqueError(ts, conflicts[0]!.ix);
      for (const c of conflicts) if (compareBytes(c.key, oldKey) !== 0) this.removeByKey(ts, c.key);
    }
    if (keyChanged) {
      this.deleteRow(ts, oldKey, oldRow);
      const prev = ed.get(newKey);
      put(this.undo, ed, newKey, info.encodeValue(newRow), prev);
      this.addIndexEntries(ts, newRow, newKey);
      if (info.rowidSlot >= 0) this.noteAutoincrement(ts, newRow[info.rowidSlot] as bigint);
      return true;
    }
    const prev = ed.get(oldKey);
    put(this.undo, ed, oldKey, info.encodeValue(newRow), prev);
    for (const ix of info.indexes) {
      let changed = false;
      for (const s of ix.slots) if (!sameCell(oldRow[s]!, newRow[s]!)) changed = true;
      if (!changed) continue;
      const ied = ts.indexWriter(ix.key);
      const oldIk = info.indexKey(ix, oldRow, oldKey);
      const p = ied.get(oldIk);
      if (p !== undefined) del(this.undo, ied, oldIk, p);
      const newIk = info.indexKey(ix, newRow, oldKey);
      put(this.undo, ied, newIk, oldKey, ied.get(newIk));
    }
    return true;
  }
}

/** Exact identity of two stored cells (same type and value). */
export function sameCell(a: SqlValue, b: SqlValue): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (typeof a !== typeof b) return false;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b) === 0;
  if (typeof a === 'object' && typeof b === 'object') return a.toString() === b.toString() && a.constructor === b.constructor;
  return false;
}
