/**
 * Conversions between JavaScript values and SQL values at the public API.
 *
 * Binding (JS → SQL): integral `number` within ±2^53 → INTEGER, other numbers → REAL (NaN →
 * NULL), `bigint` → INTEGER (must fit 64 bits), `string` → TEXT, `Uint8Array`/`Buffer` →
 * BLOB, `boolean` → 1/0, `null`/`undefined` → NULL, `Date` → ISO-8601 TEXT, `Decimal` → exact
 * DECIMAL. Anything else is a `TypeError`.
 *
 * Results (SQL → JS): INTEGER → `number` when it is a safe integer, else `bigint` (always
 * `bigint` with `safeIntegers`); REAL → `number`; TEXT → `string`; BLOB → `Buffer`; DECIMAL →
 * its exact decimal text (`string`); NULL → `null`.
 */
import { Decimal, INT64_MAX, INT64_MIN, type SqlValue } from '../objects/index.js';

/** A value accepted as a statement parameter. */
export type BindValue = number | bigint | string | Uint8Array | boolean | null | undefined | Date | Decimal;

/** A value returned in a result row. */
export type ResultValue = number | bigint | string | Buffer | null;

export function toSqlValue(v: unknown, where: string): SqlValue {
  switch (typeof v) {
    case 'number':
      if (Number.isNaN(v)) return null;
      if (Number.isInteger(v) && Number.isSafeInteger(v)) return BigInt(v);
      return v;
    case 'bigint':
      if (v < INT64_MIN || v > INT64_MAX) throw new RangeError(`${where}: BigInt ${v} is outside the 64-bit INTEGER range`);
      return v;
    case 'string':
      return v;
    case 'boolean':
      return v ? 1n : 0n;
    case 'undefined':
      return null;
    case 'object':
      if (v === null) return null;
      if (v instanceof Uint8Array) return v;
      if (v instanceof Date) {
        if (Number.isNaN(v.getTime())) throw new TypeError(`${where}: invalid Date`);
        return v.toISOString();
      }
      if (v instanceof Decimal) return v;
      break;
    default:
      break;
  }
  const what = typeof v === 'object' ? (v as object).constructor?.name ?? 'object' : typeof v;
  throw new TypeError(`${where}: cannot bind a value of type ${what} (use number, bigint, string, Buffer/Uint8Array, boolean, null, Date)`);
}

export function toResultValue(v: SqlValue, safeIntegers: boolean): ResultValue {
  if (v === null) return null;
  switch (typeof v) {
    case 'bigint':
      if (safeIntegers) return v;
      return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
    case 'number':
    case 'string':
      return v;
    default:
      if (v instanceof Decimal) return v.toString();
      return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  }
}
