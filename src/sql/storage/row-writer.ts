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


const EMPTY_KEY = new Uint8Array(0);

function uniqueError(ts: TableState, ix: IndexInfo | undefined): ConstraintError {
  const info = ts.info;
  if (!ix) {
    const cols = info.pkSlots.map((s) => `${info.name}.${info.columns[s]!.name}`).join(', ');
    return new ConstraintError(info.rowidSlot >= 0 ? 'PRIMARY KEY' : 'UNIQUE', `UNIQUE constraint failed: ${cols}`);
  }
  if (ix.slots.includes(-1)) return new ConstraintError('UNIQUE', `UNIQUE constraint failed: index '${ix.schema.name}'`);
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

/** The largest rowid of a keyless table (its insertion-order index), or 0. */
function maxKeylessRowid(ts: TableState): bigint {
  const r = ts.indexReader(ts.info.orderIndex!.key);
  for (const e of r.entries({ reverse: true })) return ts.info.rowidOfIndexKey(e.key);
  return 0n;
}

function rowidError(ts: TableState): ConstraintError {
  return new ConstraintError('UNIQUE', `UNIQUE constraint failed: ${ts.info.name}.rowid`);
}

/**
 * What the engine runs around row writes: triggers and FOREIGN KEY checks and actions. The
 * storage layer knows nothing of SQL, so the engine passes them in (`RowWriter.hooks`).
 * `before*` return false to skip the row (RAISE(IGNORE)); `removed` is called for rows that
 * REPLACE conflict resolution deletes (FK actions, no triggers, as SQLite without
 * recursive_triggers).
 */
export interface WriteHooks {
  /** Whether any hook applies to writes on `ts` (the fast path skips all calls when not). */
  active(ts: TableState): boolean;
  beforeInsert(ts: TableState, row: Row): boolean;
  afterInsert(ts: TableState, row: Row): void;
  beforeUpdate(ts: TableState, oldRow: Row, newRow: Row): boolean;
  afterUpdate(ts: TableState, oldRow: Row, newRow: Row): void;
  beforeDelete(ts: TableState, row: Row): boolean;
  afterDelete(ts: TableState, row: Row): void;
  removed(ts: TableState, row: Row): void;
}

export class RowWriter {
  /** Triggers and foreign keys, installed by the engine. */
  hooks: WriteHooks | undefined;

  constructor(
    private readonly undo: UndoLog,
    private readonly onRemoved?: RowRemovedHook,
  ) {}

  /** Assign the rowid of an INTEGER PRIMARY KEY row (or a keyless row) whose rowid cell is NULL. */
  assignRowid(ts: TableState, row: Row): bigint {
    const slot = ts.info.rowidSlot;
    const v = row[slot];
    if (v !== null && v !== undefined) return v as bigint;
    let next = this.maxRowidOf(ts) + 1n;
    if (ts.info.schema.autoincrement && ts.autoIncrement + 1n > next) next = ts.autoIncrement + 1n;
    if (next > INT64_MAX) throw new ConstraintError('PRIMARY KEY', `database or disk is full: no rowid left in ${ts.info.name}`);
    row[slot] = next;
    this.fresh = ts;
    this.freshRowid = next;
    return next;
  }

  /**
   * Largest rowid of a table. Remembers the last one seen per TableState and only checks that it
   * still exists (a point lookup) instead of reading the tree's last entry on every insert; a
   * deleted or rolled-back maximum fails the check and the last entry is read again.
   */
  private maxRowidOf(ts: TableState): bigint {
    const c = this.maxCache.get(ts);
    if (c !== undefined) {
      const there = ts.info.keyless ? ts.indexReader(ts.info.orderIndex!.key).has(ts.info.orderKey(c)) : ts.reader().has(ts.info.encodeKeyValues([c]));
      if (there) return c;
    }
    const m = ts.info.keyless ? maxKeylessRowid(ts) : maxRowid(ts);
    if (m > 0n) this.maxCache.set(ts, m);
    return m;
  }

  /** Note a written rowid for `maxRowidOf`. */
  private noteRowid(ts: TableState, rowid: bigint): void {
    const c = this.maxCache.get(ts);
    if (c !== undefined && rowid > c) this.maxCache.set(ts, rowid);
  }

  private readonly maxCache = new WeakMap<TableState, bigint>();
  /** The last rowid handed out by `assignRowid` (and its table): known to be free. */
  private fresh: TableState | undefined;
  private freshRowid: bigint | undefined;

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
    if (ix.computed) {
      if (!ts.info.inIndex(ix, row) || ts.info.indexHasNull(ix, row)) return undefined;
    } else for (const s of ix.slots) if (row[s] === null) return undefined;
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
    this.deleteStored(ts, key, row);
    this.hooks?.removed(ts, row);
  }

  /**
   * Insert `row` (all table slots, affinity applied, rowid assigned or NULL). Returns whether a
   * row was written; IGNORE turns conflicts into `inserted: false`, REPLACE deletes the
   * conflicting rows first, anything else throws `ConstraintError`.
   */
  insert(ts: TableState, row: Row, onConflict: OnConflict): InsertOutcome {
    const h = this.hooks;
    if (h === undefined || !h.active(ts)) return this.insertStored(ts, row, onConflict);
    if (ts.info.rowidSlot >= 0) this.assignRowid(ts, row);
    if (!h.beforeInsert(ts, row)) return { inserted: false };
    const o = this.insertStored(ts, row, onConflict);
    if (o.inserted) h.afterInsert(ts, row);
    return o;
  }

  private insertStored(ts: TableState, row: Row, onConflict: OnConflict): InsertOutcome {
    const info = ts.info;
    let rowid: bigint | undefined;
    if (info.rowidSlot >= 0) {
      rowid = this.assignRowid(ts, row);
    }
    if (info.keyless) return this.insertKeyless(ts, row, onConflict, rowid!);
    const key = info.encodeKey(row);
    const ed = ts.rowsWriter();
    // Appending above every stored key (bulk loads, ascending ids) needs no lookup.
    let prev = this.aboveAllKeys(ts, ed, key) ? undefined : ed.get(key);
    // Check every constraint before writing anything, so IGNORE leaves no trace.
    let conflicts: { ix: IndexInfo; key: Uint8Array }[] | undefined;
    for (const ix of info.indexes) {
      if (!ix.unique) continue;
      const c = this.uniqueConflict(ts, ix, row, key);
      if (c) (conflicts ??= []).push({ ix, key: c });
    }
    if (prev !== undefined || conflicts !== undefined) {
      if (onConflict === 'IGNORE') return { inserted: false };
      if (onConflict !== 'REPLACE') throw uniqueError(ts, prev !== undefined ? undefined : conflicts![0]!.ix);
      if (prev !== undefined) {
        this.removeByKey(ts, key);
        prev = undefined;
      }
      if (conflicts) for (const c of conflicts) this.removeByKey(ts, c.key);
    }
    put(this.undo, ed, key, info.encodeValue(row), prev);
    this.noteKey(ts, ed, key);
    this.addIndexEntries(ts, row, key);
    if (rowid !== undefined) {
      this.noteAutoincrement(ts, rowid);
      this.noteRowid(ts, rowid);
    }
    return { inserted: true, rowid };
  }

  /**
   * Keyless insert: one more copy of the row under its hash key, an order-index entry for its
   * rowid and one entry per secondary index (keyed by that rowid).
   */
  private insertKeyless(ts: TableState, row: Row, onConflict: OnConflict, rowid: bigint): InsertOutcome {
    const info = ts.info;
    const order = ts.indexWriter(info.orderIndex!.key);
    const ok = info.orderKey(rowid);
    // A rowid just handed out as max + 1 is free unless a trigger wrote in between.
    const known = this.fresh === ts && this.freshRowid === rowid && (this.hooks === undefined || !this.hooks.active(ts));
    this.fresh = undefined;
    const taken = known ? undefined : order.get(ok);
    if (taken !== undefined) {
      if (onConflict === 'IGNORE') return { inserted: false };
      if (onConflict !== 'REPLACE') throw rowidError(ts);
      this.removeKeylessCopy(ts, taken, rowid, true);
    }
    for (const ix of info.indexes) {
      if (!ix.unique) continue;
      for (let c = this.uniqueConflictEntry(ts, ix, row, undefined); c; c = this.uniqueConflictEntry(ts, ix, row, undefined)) {
        if (onConflict === 'IGNORE') return { inserted: false };
        if (onConflict !== 'REPLACE') throw uniqueError(ts, ix);
        this.removeKeylessCopy(ts, c.value, info.rowidOfIndexKey(c.key), true);
      }
    }
    const key = info.keylessKey(row);
    const ed = ts.rowsWriter();
    const prev = ed.get(key);
    const count = prev === undefined ? 1 : info.keylessCount(prev) + 1;
    put(this.undo, ed, key, info.keylessValue(row, count), prev);
    put(this.undo, order, ok, key, undefined);
    this.addIndexEntries(ts, row, key);
    this.noteRowid(ts, rowid);
    return { inserted: true, rowid };
  }

  /**
   * Whether `key` sorts above every row key of `ts` (so it is absent), by the cached upper
   * bound; recomputed (the tree's last key) when the editor changed or the undo log rolled
   * back since. Primary-key tables only.
   */
  private aboveAllKeys(ts: TableState, ed: TreeEditor, key: Uint8Array): boolean {
    if (ts.upperEditor !== ed || ts.upperGen !== this.undo.generation) {
      let last: Uint8Array = EMPTY_KEY;
      for (const e of ed.entries({ reverse: true })) {
        last = e.key;
        break;
      }
      ts.upperKey = last;
      ts.upperEditor = ed;
      ts.upperGen = this.undo.generation;
    }
    return compareBytes(key, ts.upperKey!) > 0;
  }

  /** Keep the upper bound of `aboveAllKeys` after `key` was written to the rows of `ts`. */
  private noteKey(ts: TableState, ed: TreeEditor, key: Uint8Array): void {
    if (ts.upperEditor === ed && ts.upperGen === this.undo.generation && compareBytes(key, ts.upperKey!) > 0) ts.upperKey = key;
  }

  /** Unique-index entry (key and value) that conflicts with `row`, other than row key `selfKey`. */
  private uniqueConflictEntry(ts: TableState, ix: IndexInfo, row: Row, selfKey: Uint8Array | undefined): { key: Uint8Array; value: Uint8Array } | undefined {
    if (ix.computed) {
      if (!ts.info.inIndex(ix, row) || ts.info.indexHasNull(ix, row)) return undefined;
    } else for (const s of ix.slots) if (row[s] === null) return undefined;
    const prefix = ts.info.indexPrefix(ix, row);
    const end = prefixUpperBound(prefix);
    const rd = ts.indexReader(ix.key);
    for (const e of rd.entries(end ? { start: prefix, end } : { start: prefix })) {
      if (selfKey === undefined || compareBytes(e.value, selfKey) !== 0) return e;
    }
    return undefined;
  }

  /** Keyless tables: remove the copy with `rowid` of the row stored under hash `key`. */
  private removeKeylessCopy(ts: TableState, key: Uint8Array, rowid: bigint, notify: boolean): void {
    const v = ts.reader().get(key);
    if (v === undefined) return;
    const row: Row = new Array(ts.info.width);
    ts.info.decodeInto(key, v, row, 0, ts.info.slotOfTag);
    row[ts.info.rowidSlot] = rowid;
    if (notify) this.onRemoved?.(ts, row);
    this.deleteStored(ts, key, row);
    if (notify) this.hooks?.removed(ts, row);
  }

  /** Keyless tables: a rowid of some copy of the row stored under `key` (a scan; fallback only). */
  private anyRowidOf(ts: TableState, key: Uint8Array): bigint | undefined {
    for (const e of ts.indexReader(ts.info.orderIndex!.key).entries()) {
      if (compareBytes(e.value, key) === 0) return ts.info.rowidOfIndexKey(e.key);
    }
    return undefined;
  }

  private addIndexEntries(ts: TableState, row: Row, key: Uint8Array): void {
    for (const ix of ts.info.indexes) {
      if (ix.computed && !ts.info.inIndex(ix, row)) continue;
      const ed = ts.indexWriter(ix.key);
      const ik = ts.info.indexKey(ix, row, key);
      put(this.undo, ed, ik, key, ed.get(ik));
    }
  }

  private removeIndexEntries(ts: TableState, row: Row, key: Uint8Array): void {
    for (const ix of ts.info.indexes) {
      if (ix.computed && !ts.info.inIndex(ix, row)) continue;
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
    if (this.hooks?.active(ts)) {
      // Triggers or foreign keys see every row: delete them one by one.
      const victims: { key: Uint8Array; row: Row }[] = [];
      const rd = ts.reader();
      const ix = info.orderIndex;
      for (const e of ix ? ts.indexReader(ix.key).entries() : rd.entries()) {
        const key = ix ? e.value : e.key;
        const v = rd.get(key);
        if (v === undefined) continue;
        const row: Row = new Array(info.width);
        info.decodeInto(key, v, row, 0, info.slotOfTag);
        if (ix) row[info.rowidSlot] = info.rowidOfIndexKey(e.key);
        victims.push({ key, row });
      }
      let n = 0;
      for (const v of victims) if (this.deleteRow(ts, v.key, v.row)) n++;
      return n;
    }
    const r = ts.reader();
    let n = 0;
    n = info.keyless ? ts.indexReader(info.orderIndex!.key).count : r.count;
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
    const h = this.hooks;
    if (h === undefined || !h.active(ts)) return this.deleteStored(ts, key, row);
    if (!h.beforeDelete(ts, row)) return false;
    if (!this.deleteStored(ts, key, row)) return false;
    h.afterDelete(ts, row);
    return true;
  }

  /** Delete without hooks. (Keyless: `row[rowidSlot]` names the copy; when unknown, some copy is found by a scan.) */
  private deleteStored(ts: TableState, key: Uint8Array, row: Row): boolean {
    const info = ts.info;
    const ed = ts.rowsWriter();
    const prev = ed.get(key);
    if (prev === undefined) return false;
    if (info.keyless) {
      const cell = row[info.rowidSlot];
      let rowid: bigint;
      if (typeof cell === 'bigint') rowid = cell;
      else {
        const found = this.anyRowidOf(ts, key);
        if (found === undefined) return false;
        rowid = found;
        row = row.slice();
        row[info.rowidSlot] = rowid;
      }
      const order = ts.indexWriter(info.orderIndex!.key);
      const ok = info.orderKey(rowid);
      const op = order.get(ok);
      if (op === undefined || compareBytes(op, key) !== 0) return false;
      del(this.undo, order, ok, op);
      const count = info.keylessCount(prev);
      if (count > 1) put(this.undo, ed, key, info.keylessValue(row, count - 1), prev);
      else del(this.undo, ed, key, prev);
      this.removeIndexEntries(ts, row, key);
      return true;
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
    const h = this.hooks;
    if (h === undefined || !h.active(ts)) return this.updateStored(ts, oldKey, oldRow, newRow, onConflict);
    if (!h.beforeUpdate(ts, oldRow, newRow)) return false;
    if (!this.updateStored(ts, oldKey, oldRow, newRow, onConflict)) return false;
    h.afterUpdate(ts, oldRow, newRow);
    return true;
  }

  private updateStored(ts: TableState, oldKey: Uint8Array, oldRow: Row, newRow: Row, onConflict: OnConflict): boolean {
    const info = ts.info;
    if (info.keyless) {
      const newKey = info.keylessKey(newRow);
      const oldRowid = oldRow[info.rowidSlot];
      if (newRow[info.rowidSlot] === null || newRow[info.rowidSlot] === undefined) newRow[info.rowidSlot] = oldRowid ?? null;
      const newRowid = newRow[info.rowidSlot];
      if (compareBytes(newKey, oldKey) === 0 && newRowid === oldRowid) return true;
      if (typeof newRowid === 'bigint' && newRowid !== oldRowid) {
        const taken = ts.indexReader(info.orderIndex!.key).get(info.orderKey(newRowid));
        if (taken !== undefined) {
          if (onConflict === 'IGNORE') return false;
          if (onConflict !== 'REPLACE') throw rowidError(ts);
          this.removeKeylessCopy(ts, taken, newRowid, true);
        }
      }
      for (const ix of info.indexes) {
        if (!ix.unique) continue;
        for (let c = this.uniqueConflictEntry(ts, ix, newRow, oldKey); c; c = this.uniqueConflictEntry(ts, ix, newRow, oldKey)) {
          if (onConflict === 'IGNORE') return false;
          if (onConflict !== 'REPLACE') throw uniqueError(ts, ix);
          this.removeKeylessCopy(ts, c.value, info.rowidOfIndexKey(c.key), true);
        }
      }
      this.deleteStored(ts, oldKey, oldRow);
      if (typeof newRow[info.rowidSlot] !== 'bigint') newRow[info.rowidSlot] = null;
      this.assignRowid(ts, newRow);
      this.insertKeyless(ts, newRow, 'ABORT', newRow[info.rowidSlot] as bigint);
      return true;
    }
    const newKey = info.encodeKey(newRow);
    const keyChanged = compareBytes(newKey, oldKey) !== 0;
    const ed = ts.rowsWriter();
    const conflicts: { ix: IndexInfo | undefined; key: Uint8Array }[] = [];
    if (keyChanged && ed.get(newKey) !== undefined) conflicts.push({ ix: undefined, key: newKey });
    for (const ix of info.indexes) {
      if (!ix.unique) continue;
      let changed = keyChanged || ix.computed;
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
      this.deleteStored(ts, oldKey, oldRow);
      const prev = ed.get(newKey);
      put(this.undo, ed, newKey, info.encodeValue(newRow), prev);
      this.noteKey(ts, ed, newKey);
      this.addIndexEntries(ts, newRow, newKey);
      if (info.rowidSlot >= 0) {
        this.noteAutoincrement(ts, newRow[info.rowidSlot] as bigint);
        this.noteRowid(ts, newRow[info.rowidSlot] as bigint);
      }
      return true;
    }
    const prev = ed.get(oldKey);
    put(this.undo, ed, oldKey, info.encodeValue(newRow), prev);
    for (const ix of info.indexes) {
      let changed = ix.computed;
      if (!changed) for (const s of ix.slots) if (!sameCell(oldRow[s]!, newRow[s]!)) changed = true;
      if (!changed) continue;
      const ied = ts.indexWriter(ix.key);
      if (!ix.computed || info.inIndex(ix, oldRow)) {
        const oldIk = info.indexKey(ix, oldRow, oldKey);
        const p = ied.get(oldIk);
        if (p !== undefined) del(this.undo, ied, oldIk, p);
      }
      if (ix.computed && !info.inIndex(ix, newRow)) continue;
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
