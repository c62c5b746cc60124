/**
 * The runtime representation of SQL values, shared by row encoding, merge and the SQL engine.
 *
 * | SQL storage class | JavaScript            |
 * | ----------------- | --------------------- |
 * | NULL              | `null`                |
 * | INTEGER (64-bit)  | `bigint`              |
 * | REAL (double)     | `number`              |
 * | TEXT              | `string`              |
 * | BLOB              | `Uint8Array`          |
 * | DECIMAL(p,s)      | `Decimal` (exact)     |
 *
 * Integers are always `bigint` so that INTEGER and REAL stay distinct (`1` vs `1.0`, integer
 * division) and 64-bit arithmetic is exact. BOOLEAN is stored as INTEGER 0/1; JSON as
 * validated TEXT; DATE/TIMESTAMP as ISO-8601 TEXT, as in SQLite.
 */
import { Decimal } from './decimal.js';

export { Decimal };

export type SqlValue = null | bigint | number | string | Uint8Array | Decimal;

/** The SQLite storage class of a value (`typeof()` in SQL); DECIMAL reports `decimal`. */
export type StorageClass = 'null' | 'integer' | 'real' | 'text' | 'blob' | 'decimal';

export function storageClass(v: SqlValue): StorageClass {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'bigint':
      return 'integer';
    case 'number':
      return 'real';
    case 'string':
      return 'text';
    default:
      return v instanceof Decimal ? 'decimal' : 'blob';
  }
}

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
