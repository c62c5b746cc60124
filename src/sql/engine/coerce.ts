/**
 * What storing a value into a column does: SQLite's type affinity, and the checks that make an
 * INTEGER PRIMARY KEY an integer. (The exact DECIMAL / BOOLEAN / JSON / DATE column types of
 * the dialect extend this module.)
 */
import { SqlError } from '../../errors/index.js';
import type { SqlValue } from '../../objects/index.js';
import { applyAffinity } from '../values/index.js';
import type { TableInfo } from '../storage/table-info.js';
import type { Row } from '../exec/types.js';

/** Apply column affinities to every slot of `row` in place. */
export function coerceRow(info: TableInfo, row: Row): void {
  const cols = info.columns;
  for (let i = 0; i < cols.length; i++) {
    const v = row[i]!;
    if (v !== null) row[i] = applyAffinity(v, cols[i]!.affinity);
  }
  if (info.rowidSlot >= 0) {
    const v = row[info.rowidSlot]!;
    if (v !== null && typeof v !== 'bigint') throw new SqlError('DATATYPE_MISMATCH', 'datatype mismatch');
  }
}

/** Coerce one value for column `slot`. */
export function coerceValue(info: TableInfo, slot: number, v: SqlValue): SqlValue {
  if (v === null) return null;
  const out = applyAffinity(v, info.columns[slot]!.affinity);
  if (slot === info.rowidSlot && typeof out !== 'bigint') throw new SqlError('DATATYPE_MISMATCH', 'datatype mismatch');
  return out;
}
