/**
 * Constraint check of a merged result: UNIQUE, FOREIGN KEY, NOT NULL and CHECK, evaluated only
 * for the rows the merge changed relative to ours (the ours→merged row diff, which skips shared
 * subtrees), plus — for FOREIGN KEY — the children of parent rows the merge removed or re-keyed.
 * Every violation is listed (table, kind, key, columns); the driver stops the merge on any
 * unless forced.
 */
import { prefixUpperBound, type SqlValue, type Tree } from '../../../objects/index.js';
import { diffRows } from '../../../merge/index.js';
import type { Catalog } from '../../catalog/catalog.js';
import type { Row } from '../../exec/types.js';
import type { TableState } from '../../storage/table-state.js';
import type { TableInfo } from '../../storage/table-info.js';
import { applyAffinity, compareValues, truthy } from '../../values/index.js';
import type { ConstraintViolation } from './merge-state.js';
import type { RowEvaluator } from './row-eval.js';

function fmtValue(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  if (v instanceof Uint8Array) return `x'${Buffer.from(v).toString('hex')}'`;
  return String(v);
}

/** A row's key as text: its primary-key values, or all values of a keyless row. */
export function keyText(info: TableInfo, row: Row): string {
  const slots = info.keyless ? info.columns.map((_, i) => i) : info.pkSlots;
  return `(${slots.map((s) => fmtValue(row[s] ?? null)).join(', ')})`;
}

function decode(info: TableInfo, key: Uint8Array, value: Uint8Array): Row {
  const row: Row = new Array(info.width).fill(null);
  info.decodeInto(key, value, row, 0, info.slotOfTag);
  return row;
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Slots of the parent columns an FK references (undefined: the schema does not match). */
function parentSlots(parent: TableInfo, refColumns: string[], n: number): number[] | undefined {
  if (refColumns.length === 0) return parent.keyless || parent.pkSlots.length !== n ? undefined : parent.pkSlots;
  if (refColumns.length !== n) return undefined;
  const out: number[] = [];
  for (const c of refColumns) {
    let s = parent.columnSlot(c);
    if (s < 0 && /^(rowid|oid|_rowid_)$/i.test(c) && parent.rowidSlot >= 0 && !parent.keyless) s = parent.rowidSlot;
    if (s < 0) return undefined;
    out.push(s);
  }
  return out;
}

/** Whether `ts` has a row whose `slots` equal `vals`. */
function hasRow(ts: TableState, slots: number[], vals: SqlValue[]): boolean {
  const info = ts.info;
  const conv = vals.map((v, i) => applyAffinity(v, info.columns[slots[i]!]?.affinity ?? 'BLOB'));
  if (!info.keyless && sameSet(slots, info.pkSlots)) {
    return ts.rows.has(info.encodeKeyValues(info.pkSlots.map((s) => conv[slots.indexOf(s)]!)));
  }
  const ix = info.indexes.find((i) => !i.computed && i.slots.length >= slots.length && sameSet(i.slots.slice(0, slots.length), slots) && i.slots.length === slots.length);
  if (ix) {
    const row: Row = new Array(info.width).fill(null);
    slots.forEach((s, i) => (row[s] = conv[i]!));
    const prefix = info.indexPrefix(ix, row);
    const end = prefixUpperBound(prefix);
    for (const _ of ts.indexReader(ix.key).entries(end ? { start: prefix, end } : { start: prefix })) return true;
    return false;
  }
  for (const e of ts.rows.entries()) {
    const row = decode(info, e.key, e.value);
    if (slots.every((s, i) => row[s] !== null && compareValues(row[s]!, conv[i]!) === 0)) return true;
  }
  return false;
}

/** Whether `hasRow(ts, slots, …)` is a lookup (primary key or index) rather than a scan. */
function canLookUp(ts: TableState, slots: number[]): boolean {
  const info = ts.info;
  if (!info.keyless && sameSet(slots, info.pkSlots)) return true;
  return info.indexes.some((i) => !i.computed && i.slots.length === slots.length && sameSet(i.slots, slots));
}

/** A map key equal for values `compareValues` finds equal (undefined: no such key, compare one by one). */
function valueKey(v: SqlValue): string | undefined {
  if (typeof v === 'bigint') return `n${v}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `n${BigInt(v)}` : `n${v}`;
  if (typeof v === 'string') return `s${v}`;
  if (v instanceof Uint8Array) return `b${Buffer.from(v).toString('hex')}`;
  return undefined;
}

/**
 * For each of `list` (values of `slots`), whether `ts` has a row with them: `hasRow` per entry
 * when that is a lookup, else ONE scan of the table for all of them (never a scan per entry).
 */
function hasRows(ts: TableState, slots: number[], list: SqlValue[][]): boolean[] {
  if (list.length === 0) return [];
  if (list.length === 1 || canLookUp(ts, slots)) return list.map((vals) => hasRow(ts, slots, vals));
  const info = ts.info;
  const found = new Array<boolean>(list.length).fill(false);
  const byKey = new Map<string, number[]>();
  const slow: number[] = []; // entries with a value that has no map key (DECIMAL)
  const conv = list.map((vals) => vals.map((v, i) => applyAffinity(v, info.columns[slots[i]!]?.affinity ?? 'BLOB')));
  conv.forEach((vals, j) => {
    const ks = vals.map(valueKey);
    if (ks.some((k) => k === undefined)) {
      slow.push(j);
      return;
    }
    const k = ks.join('\u0000');
    const at = byKey.get(k);
    if (at) at.push(j);
    else byKey.set(k, [j]);
  });
  let left = list.length;
  const row: Row = new Array(info.width).fill(null);
  for (const e of ts.rows.entries()) {
    info.decodeInto(e.key, e.value, row, 0, info.slotOfTag);
    if (slots.some((s) => row[s] === null)) continue;
    const ks = slots.map((s) => valueKey(row[s]!));
    if (ks.every((k) => k !== undefined)) {
      const at = byKey.get(ks.join('\u0000'));
      if (at) {
        for (const j of at) if (!found[j]) (found[j] = true), left--;
        byKey.delete(ks.join('\u0000'));
      }
    }
    if (slow.length > 0 || ks.some((k) => k === undefined)) {
      const cands = ks.every((k) => k !== undefined) ? slow : conv.map((_, j) => j);
      for (const j of cands) {
        if (found[j]) continue;
        if (slots.every((s, i) => compareValues(row[s]!, conv[j]![i]!) === 0)) (found[j] = true), left--;
      }
    }
    if (left === 0) break;
  }
  return found;
}

/**
 * Check the rows of `merged` that differ from `ours` in the tables `changed`. `eval` compiles
 * CHECK expressions (over the merged catalog).
 */
export function checkConstraints(ours: Catalog, merged: Catalog, changed: Iterable<string>, ev: RowEvaluator, empty: Tree, checkFrom?: ReadonlyMap<string, Tree>): ConstraintViolation[] {
  const out: ConstraintViolation[] = [];
  const removedParents = new Map<string, Row[]>();
  const referenced = new Set<string>();
  for (const t of merged.tables.values()) for (const fk of t.info.schema.foreignKeys) referenced.add(fk.table.toLowerCase());
  for (const key of changed) {
    const ts = merged.tables.get(key);
    if (!ts) continue;
    const info = ts.info;
    const sc = info.schema;
    // nothing to check: no constraint on the table and no foreign key referencing it
    if (!referenced.has(key) && sc.checks.length === 0 && sc.foreignKeys.length === 0 && !info.indexes.some((ix) => ix.unique) && !info.columns.some((c) => c.notNull)) continue;
    const before = ours.tables.get(key);
    const checks = info.schema.checks.map((c) => ({ name: c.name ?? c.expr, f: ev.compile(info, c.expr) }));
    if (info.indexes.some((ix) => ix.computed)) ev.prepare(info);
    const uniques = info.indexes.filter((ix) => ix.unique);
    const fks = info.schema.foreignKeys.map((fk) => ({
      fk,
      slots: fk.columns.map((t) => info.slotOfTag[t]!),
      parent: merged.tables.get(fk.table.toLowerCase()),
    }));
    const removed: Row[] = [];
    const seenUnique = new Set<string>();
    const fromTree = checkFrom?.get(key) ?? (before ? before.rows : empty);
    for (const c of diffRows(fromTree, ts.rows)) {
      if (c.to === null) {
        if (c.from !== null && before) removed.push(decode(before.info, c.key, c.from));
        continue;
      }
      const row = decode(info, c.key, c.to);
      if (c.from !== null && before) removed.push(decode(before.info, c.key, c.from));
      let kt: string | undefined;
      const k = (): string => (kt ??= keyText(info, row));
      info.columns.forEach((col, i) => {
        if (col.notNull && row[i] === null) {
          out.push({ table: info.name, kind: 'not_null', key: k(), columns: col.name, constraint: `NOT NULL ${info.name}.${col.name}`, message: `NOT NULL constraint failed: ${info.name}.${col.name}` });
        }
      });
      for (const ch of checks) {
        if (truthy(ch.f(row)) === false) {
          out.push({ table: info.name, kind: 'check', key: k(), columns: '', constraint: ch.name, message: `CHECK constraint failed: ${ch.name}` });
        }
      }
      for (const ix of uniques) {
        if (!info.inIndex(ix, row) || info.indexHasNull(ix, row)) continue;
        const prefix = info.indexPrefix(ix, row);
        const end = prefixUpperBound(prefix);
        let n = 0;
        for (const _ of ts.indexReader(ix.key).entries(end ? { start: prefix, end } : { start: prefix })) if (++n > 1) break;
        if (n > 1) {
          const cols = ix.slots.map((s) => (s >= 0 ? info.columns[s]!.name : 'expr')).join(', ');
          const id = `${ix.key}\u0000${Buffer.from(prefix).toString('hex')}`;
          if (seenUnique.has(id)) continue;
          seenUnique.add(id);
          out.push({ table: info.name, kind: 'unique', key: k(), columns: cols, constraint: ix.schema.constraintName ?? ix.schema.name, message: `UNIQUE constraint failed: ${info.name}.${cols}` });
        }
      }
      for (const f of fks) {
        const vals = f.slots.map((s) => row[s] ?? null);
        if (vals.some((v) => v === null)) continue;
        const ps = f.parent ? parentSlots(f.parent.info, f.fk.refColumns, vals.length) : undefined;
        if (!f.parent || !ps || !hasRow(f.parent, ps, vals)) {
          const cols = f.slots.map((s) => info.columns[s]!.name).join(', ');
          out.push({ table: info.name, kind: 'foreign_key', key: k(), columns: cols, constraint: f.fk.name ?? `${cols} REFERENCES ${f.fk.table}`, message: `FOREIGN KEY constraint failed: ${info.name}(${cols}) references a missing row of ${f.fk.table}` });
        }
      }
    }
    if (removed.length > 0) removedParents.set(key, removed);
  }
  // Children of parent rows the merge removed (or whose referenced values changed).
  for (const [pkey, rows] of removedParents) {
    const parent = merged.tables.get(pkey)!;
    for (const child of merged.tables.values()) {
      for (const fk of child.info.schema.foreignKeys) {
        if (fk.table.toLowerCase() !== pkey) continue;
        const ps = parentSlots(parent.info, fk.refColumns, fk.columns.length);
        if (!ps) continue;
        const cslots = fk.columns.map((t) => child.info.slotOfTag[t]!);
        // parent values gone from the merged parent, each once
        const gone: SqlValue[][] = [];
        const seen = new Set<string>();
        for (const r of rows) {
          const vals = ps.map((s) => r[s] ?? null);
          if (vals.some((v) => v === null)) continue;
          const id = vals.map((v) => valueKey(v) ?? fmtValue(v)).join('\u0000');
          if (seen.has(id)) continue;
          seen.add(id);
          if (!hasRow(parent, ps, vals)) gone.push(vals);
        }
        const referenced = hasRows(child, cslots, gone);
        for (let g = 0; g < gone.length; g++) {
          if (!referenced[g]) continue;
          const vals = gone[g]!;
          const cols = cslots.map((s) => child.info.columns[s]!.name).join(', ');
          out.push({
            table: child.info.name,
            kind: 'foreign_key',
            key: `(${vals.map(fmtValue).join(', ')})`,
            columns: cols,
            constraint: fk.name ?? `${cols} REFERENCES ${fk.table}`,
            message: `FOREIGN KEY constraint failed: rows of ${child.info.name}(${cols}) reference a row of ${parent.info.name} the merge removed`,
          });
        }
      }
    }
  }
  return out;
}
