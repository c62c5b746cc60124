/**
 * Type affinity and conversions between storage classes, with SQLite's rules: the affinity of
 * a declared type, what storing into a column does (`applyAffinity`), CAST (`castValue`,
 * `toInteger`, `toReal`, `toNumeric`, `toText`, `toBlob`) and the numeric reading of text used
 * by arithmetic. Extensions: exact `DECIMAL(p,s)` (`toDecimal`), `BOOLEAN`, `JSON`,
 * `DATE`/`TIME`/`TIMESTAMP` casts (see `castValue`).
 */
import { Decimal, INT64_MAX, INT64_MIN, type SqlValue } from '../../objects/index.js';
import { SqlError } from '../../errors/index.js';
import { atof, atoi64, numResult } from './numeric-text.js';
import { realToText } from './real-format.js';
import { utf8Decode, utf8Encode } from './utf8.js';
import { isStrictJson } from './json-text.js';

export type Affinity = 'INTEGER' | 'REAL' | 'NUMERIC' | 'TEXT' | 'BLOB';

/**
 * The affinity of a declared column type, by SQLite's rules (datatype3 §3.1): contains "INT"
 * → INTEGER; "CHAR", "CLOB" or "TEXT" → TEXT; "BLOB" or no type → BLOB; "REAL", "FLOA" or
 * "DOUB" → REAL; anything else (DECIMAL, NUMERIC, BOOLEAN, DATE, …) → NUMERIC.
 */
export function affinityOf(typeName: string | undefined): Affinity {
  if (typeName === undefined || typeName === '') return 'BLOB';
  let h = 0;
  let aff: Affinity = 'NUMERIC';
  const s = typeName;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    h = ((h << 8) + (c & 0xff)) >>> 0;
    if (h === 0x63686172 /* char */ || h === 0x636c6f62 /* clob */ || h === 0x74657874 /* text */) {
      aff = 'TEXT';
    } else if (h === 0x626c6f62 /* blob */ && (aff === 'NUMERIC' || aff === 'REAL')) {
      aff = 'BLOB';
    } else if ((h === 0x7265616c /* real */ || h === 0x666c6f61 /* floa */ || h === 0x646f7562) /* doub */ && aff === 'NUMERIC') {
      aff = 'REAL';
    } else if ((h & 0x00ffffff) === 0x696e74 /* int */) {
      return 'INTEGER';
    }
  }
  return aff;
}

// ---------------------------------------------------------------------------------------------
// Small SQLite helpers

/** sqlite3RealToI64: nearest-toward-zero integer, saturating at the int64 range. */
export function realToI64(r: number): bigint {
  if (r < -9223372036854774784) return INT64_MIN;
  if (r > 9223372036854774784) return INT64_MAX;
  if (Number.isNaN(r)) return INT64_MIN;
  return BigInt(Math.trunc(r));
}

/** sqlite3RealSameAsInt: r and i are the same value and i is within ±2^51. */
export function realSameAsInt(r: number, i: bigint): boolean {
  return r === 0 || (Number(i) === r && i >= -2251799813685248n && i < 2251799813685248n);
}

/** sqlite3VdbeIntegerAffinity for a REAL: the INTEGER it equals, or the REAL unchanged. */
export function realIntegerAffinity(r: number): bigint | number {
  const ix = realToI64(r);
  if (Number(ix) === r && ix > INT64_MIN && ix < INT64_MAX) return ix;
  return r;
}

/**
 * applyNumericAffinity: text that is entirely a well-formed number becomes INTEGER or REAL;
 * other text is returned unchanged. With `tryForInt`, REALs with no fraction become INTEGER.
 */
export function textNumericAffinity(z: string, tryForInt: boolean): SqlValue {
  const rc = atof(z);
  if (rc <= 0) return z;
  const r = numResult.real;
  if ((rc & 2) === 0) {
    const ix = realToI64(r);
    if (realSameAsInt(r, ix)) return ix;
    if (atoi64(z) === 0) return numResult.int;
  }
  return tryForInt ? realIntegerAffinity(r) : r;
}

/**
 * The numeric value arithmetic sees for TEXT/BLOB operands (SQLite's numericType): the
 * longest numeric prefix, as INTEGER when it is written as an integer that fits, else REAL.
 * "12abc" → 12, "abc" → 0, "1e3" → 1000.0, "9223372036854775808" → 9.223372036854776e18.
 */
export function textToNumber(z: string): bigint | number {
  const rc = atof(z);
  const r = numResult.real;
  if (rc <= 0) {
    if ((rc & 2) === 0 && atoi64(z) <= 1) return numResult.int;
    return r;
  }
  if ((rc & 2) === 0 && atoi64(z) === 0) return numResult.int;
  return r;
}

// ---------------------------------------------------------------------------------------------
// Conversions

/** Value → TEXT as SQLite converts it; NULL stays NULL. BLOB bytes are read as UTF-8. */
export function toText(v: SqlValue): string | null {
  switch (typeof v) {
    case 'string':
      return v;
    case 'bigint':
      return v.toString();
    case 'number':
      return realToText(v);
    case 'object':
      if (v === null) return null;
      if (v instanceof Decimal) return v.toString();
      return utf8Decode(v);
    default:
      return null;
  }
}

/** Value → BLOB (CAST AS BLOB): text as its UTF-8 bytes, numbers through their text. */
export function toBlob(v: SqlValue): Uint8Array | null {
  if (v === null) return null;
  if (v instanceof Uint8Array) return v;
  return utf8Encode(toText(v)!);
}

/** CAST(v AS REAL). */
export function toReal(v: SqlValue): number | null {
  switch (typeof v) {
    case 'number':
      return v;
    case 'bigint':
      return Number(v);
    case 'string':
      atof(v);
      return numResult.real;
    case 'object':
      if (v === null) return null;
      if (v instanceof Decimal) return v.toNumber();
      atof(utf8Decode(v));
      return numResult.real;
    default:
      return null;
  }
}

/** The REAL value of a non-NULL value as SQLite's sqlite3_value_double sees it (NULL → 0.0). */
export function realValue(v: SqlValue): number {
  return v === null ? 0 : toReal(v)!;
}

/** CAST(v AS INTEGER): REAL truncates (saturating), TEXT by its integer prefix. */
export function toInteger(v: SqlValue): bigint | null {
  switch (typeof v) {
    case 'bigint':
      return v;
    case 'number':
      return realToI64(v);
    case 'string':
      atoi64(v);
      return numResult.int;
    case 'object':
      if (v === null) return null;
      if (v instanceof Decimal) {
        const t = v.toBigInt();
        return t > INT64_MAX ? INT64_MAX : t < INT64_MIN ? INT64_MIN : t;
      }
      atoi64(utf8Decode(v));
      return numResult.int;
    default:
      return null;
  }
}

/** The INTEGER value of a non-NULL value as sqlite3_value_int64 sees it (NULL → 0). */
export function intValue(v: SqlValue): bigint {
  return v === null ? 0n : toInteger(v)!;
}

/** CAST(v AS NUMERIC): INTEGER when the text is an integer (or a REAL equal to one), else REAL. */
export function toNumeric(v: SqlValue): SqlValue {
  if (v === null || typeof v === 'bigint' || typeof v === 'number' || v instanceof Decimal) return v;
  const z = typeof v === 'string' ? v : utf8Decode(v);
  const rc = atof(z);
  const r = numResult.real;
  if ((rc & 2) === 0 && atoi64(z) < 2) return numResult.int;
  const ix = realToI64(r);
  if (realSameAsInt(r, ix)) return ix;
  return r;
}

/**
 * What storing a value into a column of the given affinity does (SQLite rules). DECIMAL(p,s)
 * columns use `toDecimal` instead. A Decimal stored with NUMERIC affinity stays exact.
 */
export function applyAffinity(v: SqlValue, aff: Affinity): SqlValue {
  if (v === null) return null;
  switch (aff) {
    case 'INTEGER':
    case 'NUMERIC':
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number') return realIntegerAffinity(v);
      if (typeof v === 'string') return textNumericAffinity(v, true);
      if (v instanceof Decimal) {
        if (aff === 'NUMERIC') return v;
        if (v.isInteger()) {
          const t = v.toBigInt();
          if (t >= INT64_MIN && t <= INT64_MAX) return t;
        }
        return v.toNumber();
      }
      return v;
    case 'REAL': {
      // SQLite stores integral REALs as INTEGER and reads them back as REAL: -0.0 becomes 0.0
      if (typeof v === 'number') return v === 0 ? 0 : v;
      if (typeof v === 'bigint') return Number(v);
      if (typeof v === 'string') {
        const t = textNumericAffinity(v, true);
        return typeof t === 'bigint' ? Number(t) : t;
      }
      if (v instanceof Decimal) return v.toNumber();
      return v;
    }
    case 'TEXT':
      if (typeof v === 'string' || v instanceof Uint8Array) return v;
      return toText(v);
    default:
      return v;
  }
}

/** Parse `DECIMAL(p,s)` / `NUMERIC(p)` / `DEC(p,s)`; undefined for anything else. */
export function parseDecimalType(typeName: string): { precision: number; scale: number } | undefined {
  const m = /^\s*(?:DECIMAL|NUMERIC|DEC)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)\s*$/i.exec(typeName);
  if (!m) return undefined;
  return { precision: Number(m[1]), scale: m[2] === undefined ? 0 : Number(m[2]) };
}

/**
 * Value → exact DECIMAL, rounded half away from zero to `scale` digits when given. Throws
 * `SqlError` `NUMERIC_OUT_OF_RANGE` when the value does not fit DECIMAL(precision, scale)
 * (or is ±Infinity/NaN) and `DATATYPE_MISMATCH` for text that is not a number.
 */
export function toDecimal(v: SqlValue, precision?: number, scale?: number): Decimal | null {
  if (v === null) return null;
  if (precision !== undefined && scale === undefined) scale = 0;
  if (precision !== undefined && (!Number.isInteger(precision) || precision < 1 || precision > 1000)) {
    throw new SqlError('INVALID_TYPE', `DECIMAL precision ${precision} must be between 1 and 1000`);
  }
  if (scale !== undefined && (!Number.isInteger(scale) || scale < 0 || (precision !== undefined && scale > precision))) {
    throw new SqlError('INVALID_TYPE', `DECIMAL scale ${scale} must be between 0 and the precision`);
  }
  const typeText = precision === undefined ? 'DECIMAL' : `DECIMAL(${precision},${scale})`;
  let d: Decimal;
  if (v instanceof Decimal) {
    d = v;
  } else if (typeof v === 'bigint') {
    d = new Decimal(v, 0);
  } else if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new SqlError('NUMERIC_OUT_OF_RANGE', `${realToText(v)} is out of range for ${typeText}`);
    d = Decimal.fromNumber(v);
  } else {
    const text = typeof v === 'string' ? v : utf8Decode(v);
    const parsed = Decimal.parse(text);
    if (parsed === undefined) {
      throw new SqlError('DATATYPE_MISMATCH', `Cannot convert ${JSON.stringify(text.length > 40 ? text.slice(0, 40) + '…' : text)} to ${typeText}: not a number`);
    }
    d = parsed;
  }
  if (scale !== undefined) d = d.rescale(scale);
  if (precision !== undefined && d.integerDigits() > precision - scale!) {
    throw new SqlError('NUMERIC_OUT_OF_RANGE', `${d.toString()} is out of range for ${typeText}: at most ${precision - scale!} digits before the decimal point`);
  }
  return d;
}

const BOOL_WORDS = new Map<string, bigint>([
  ['true', 1n], ['t', 1n], ['yes', 1n], ['y', 1n], ['on', 1n],
  ['false', 0n], ['f', 0n], ['no', 0n], ['n', 0n], ['off', 0n],
]);

/**
 * CAST(v AS type). SQLite semantics by the affinity of the type name (so `DECIMAL`,
 * `NUMERIC` and `SIGNED` without arguments cast to NUMERIC), plus:
 * - `DECIMAL(p,s)` / `NUMERIC(p,s)`: exact `toDecimal`;
 * - `BOOLEAN` / `BOOL`: 1 or 0 (text `true`/`false`/`yes`/`no`/`on`/`off`/`t`/`f` understood,
 *   else the value's truth);
 * - `JSON` / `JSONB`: the text, which must be RFC 8259 JSON (`JSON_MALFORMED` otherwise;
 *   `validateJson` can replace the check);
 * - `DATE`, `TIME`, `DATETIME`, `TIMESTAMP`: TEXT.
 */
export function castValue(v: SqlValue, typeName: string, validateJson: (text: string) => boolean = isStrictJson): SqlValue {
  if (v === null) return null;
  const dec = parseDecimalType(typeName);
  if (dec) return toDecimal(v, dec.precision, dec.scale);
  const base = typeName.trim().toUpperCase().replace(/\s*\(.*$/, '');
  switch (base) {
    case 'BOOLEAN':
    case 'BOOL': {
      if (typeof v === 'string') {
        const w = BOOL_WORDS.get(v.trim().toLowerCase());
        if (w !== undefined) return w;
      }
      return truthValue(v) ? 1n : 0n;
    }
    case 'JSON':
    case 'JSONB': {
      const t = toText(v)!;
      if (!validateJson(t)) throw new SqlError('JSON_MALFORMED', 'malformed JSON');
      return t;
    }
    case 'DATE':
    case 'TIME':
    case 'DATETIME':
    case 'TIMESTAMP':
      return toText(v);
    default:
      break;
  }
  switch (affinityOf(typeName)) {
    case 'INTEGER':
      return toInteger(v);
    case 'REAL':
      return toReal(v);
    case 'TEXT':
      return toText(v);
    case 'BLOB':
      return toBlob(v);
    default:
      return toNumeric(v);
  }
}

/** Truth of a non-NULL value (sqlite3VdbeBooleanValue). */
export function truthValue(v: Exclude<SqlValue, null>): boolean {
  switch (typeof v) {
    case 'bigint':
      return v !== 0n;
    case 'number':
      return v !== 0;
    case 'string':
      atof(v);
      return numResult.real !== 0;
    default:
      if (v instanceof Decimal) return !v.isZero();
      atof(utf8Decode(v));
      return numResult.real !== 0;
  }
}

/** SQL boolean test: NULL → null, numbers ≠ 0, text and blobs by their numeric prefix. */
export function truthy(v: SqlValue): boolean | null {
  if (v === null) return null;
  return truthValue(v);
}
