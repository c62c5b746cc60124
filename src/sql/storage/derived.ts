/**
 * Maintenance of a table's DERIVED trees — secondary indexes and, for a keyless table, the
 * insertion-order index — from a row diff, for callers that change the rows tree directly (a
 * three-way merge, a rebase): DESIGN.md says derived data is updated from the merged row diff,
 * never merged itself, so the cost follows the diff.
 *
 * - Table with a primary key: the old row's index entries are removed, the new row's added.
 * - Keyless table: a count going c0 → c1 adds c1 − c0 copies with fresh rowids at the end
 *   (rowids are local to a branch: a merged-in row is "inserted" now), or removes c0 − c1
 *   copies — the latest rowids of that row. Finding them reads the order index once for the
 *   whole diff (only when some keyless count went down).
 * - Partial / expression indexes need their evaluators installed first (the engine does that
 *   on the write path; a caller outside it must call `engine/index-compute` first).
 */
import { compareBytes } from '../../objects/index.js';
import type { Row } from '../exec/types.js';
import type { TableState } from './table-state.js';

export interface RowChangeBytes {
  key: Uint8Array;
  /** Stored value before (absent: inserted). */
  before?: Uint8Array;
  /** Stored value after (absent: deleted). */
  after?: Uint8Array;
}

function decode(ts: TableState, key: Uint8Array, value: Uint8Array): Row {
  const row: Row = new Array(ts.info.width).fill(null);
  ts.info.decodeInto(key, value, row, 0, ts.info.slotOfTag);
  return row;
}

function addEntries(ts: TableState, row: Row, key: Uint8Array): void {
  for (const ix of ts.info.indexes) {
    if (ix.computed && !ts.info.inIndex(ix, row)) continue;
    ts.indexWriter(ix.key).put(ts.info.indexKey(ix, row, key), key);
  }
}

function removeEntries(ts: TableState, row: Row, key: Uint8Array): void {
  for (const ix of ts.info.indexes) {
    if (ix.computed && !ts.info.inIndex(ix, row)) continue;
    ts.indexWriter(ix.key).delete(ts.info.indexKey(ix, row, key));
  }
}

/** Bring the derived trees of `ts` in line with `changes` already applied to its rows tree. */
export function updateDerived(ts: TableState, changes: Iterable<RowChangeBytes>): void {
  const info = ts.info;
  if (!info.keyless) {
    for (const c of changes) {
      if (c.before) removeEntries(ts, decode(ts, c.key, c.before), c.key);
      if (c.after) addEntries(ts, decode(ts, c.key, c.after), c.key);
    }
    return;
  }
  const order = ts.indexWriter(info.orderIndex!.key);
  let max = 0n;
  for (const e of order.entries({ reverse: true })) {
    max = info.rowidOfIndexKey(e.key);
    break;
  }
  const removals = new Map<string, { key: Uint8Array; n: number; row: Row }>();
  for (const c of changes) {
    const c0 = c.before ? info.keylessCount(c.before) : 0;
    const c1 = c.after ? info.keylessCount(c.after) : 0;
    if (c1 > c0) {
      const row = decode(ts, c.key, c.after!);
      for (let i = c0; i < c1; i++) {
        row[info.rowidSlot] = ++max;
        order.put(info.orderKey(max), c.key);
        addEntries(ts, row, c.key);
      }
    } else if (c1 < c0) {
      removals.set(Buffer.from(c.key).toString('hex'), { key: c.key, n: c0 - c1, row: decode(ts, c.key, c.before!) });
    }
  }
  if (removals.size === 0) return;
  // One pass, newest first: drop the latest copies of each shrunk row.
  const victims: { rowid: bigint; r: { key: Uint8Array; row: Row } }[] = [];
  for (const e of order.entries({ reverse: true })) {
    const r = removals.get(Buffer.from(e.value).toString('hex'));
    if (!r || r.n === 0 || compareBytes(e.value, r.key) !== 0) continue;
    r.n--;
    victims.push({ rowid: info.rowidOfIndexKey(e.key), r });
  }
  for (const v of victims) {
    order.delete(info.orderKey(v.rowid));
    const row = v.r.row.slice();
    row[info.rowidSlot] = v.rowid;
    removeEntries(ts, row, v.r.key);
  }
}
