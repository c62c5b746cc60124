/**
 * What storing a value into a column does: SQLite's type affinity, the checks that make an
 * INTEGER PRIMARY KEY (or a keyless table's rowid) an integer, and the exact column types of
 * the dialect, checked on every write (INSERT, UPDATE, cascades, ALTER COLUMN TYPE):
 *
 * - `DECIMAL(p,s)` / `NUMERIC(p,s)`: stored as an exact decimal rounded to s digits; a value
 *   with more than p−s integer digits fails with `NUMERIC_OUT_OF_RANGE`, text that is not a
 *   number with `DATATYPE_MISMATCH` (`toDecimal`). (DECIMAL / NUMERIC without arguments keep
 *   SQLite's NUMERIC affinity.)
 * - `BOOLEAN` / `BOOL`: TRUE/FALSE and the words 'true'/'false'/'t'/'f'/'yes'/'no'/'on'/'off'
 *   (any case) store 1/0; numbers keep NUMERIC affinity; other text fails (`CONSTRAINT_TYPE`).
 * - `JSON` / `JSONB`: text must be valid JSON (RFC 8259; `isValidJson`), numbers are stored as
 *   they are; anything else fails (`CONSTRAINT_TYPE`, message "JSON … is not valid").
 * - `DATE`: text must be `YYYY-MM-DD`; `TIMESTAMP` / `DATETIME`: `YYYY-MM-DD[ T]HH:MM[:SS[.f…]]`
 *   with an optional `Z` or ±HH:MM — a real calendar date and time (`CONSTRAINT_TYPE`). Numbers
 *   (unix or julian times) are accepted as SQLite's date functions read them.
 * - `VARCHAR(n)` / `CHAR(n)` / `CHARACTER VARYING(n)` / `NVARCHAR(n)` / `NCHAR(n)`: the length
 *   is ENFORCED, as in Postgres (SQLite ignores it): text longer than n characters fails with
 *   `CONSTRAINT_TYPE` "value too long for VARCHAR(n): t.c". CHAR(n) is not blank-padded.
 */
import { ConstraintError, SqlError } from '../../errors/index.js';
import type { SqlValue } from '../../objects/index.js';
import { applyAffinity, parseDecimalType, toDecimal, codePointLength, utf8Decode } from '../values/index.js';
import { isValidJson } from '../functions/index.js';
import type { TableInfo } from '../storage/table-info.js';
import type { Row } from '../exec/types.js';

type Check = ((v: SqlValue, info: TableInfo, slot: number) => SqlValue) | undefined;

const BOOL_WORDS = new Map<string, bigint>([
  ['true', 1n], ['t', 1n], ['yes', 1n], ['y', 1n], ['on', 1n],
  ['false', 0n], ['f', 0n], ['no', 0n], ['n', 0n], ['off', 0n],
]);

function colName(info: TableInfo, slot: number): string {
  return `${info.name}.${info.columns[slot]?.name ?? 'rowid'}`;
}

function typeError(info: TableInfo, slot: number, what: string): ConstraintError {
  return new ConstraintError('TYPE', `${what}: ${colName(info, slot)}`);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TS_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

function textOf(v: SqlValue): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return undefined;
  return undefined;
}

/** The write check of one declared type (undefined: plain affinity). */
export function typeCheck(type: string): Check {
  const dec = parseDecimalType(type);
  if (dec) return (v) => toDecimal(v, dec.precision, dec.scale);
  const m = /^\s*([A-Z ]+?)\s*(?:\(\s*(\d+)\s*(?:,\s*\d+\s*)?\))?\s*$/i.exec(type);
  if (!m) return undefined;
  const base = m[1]!.toUpperCase().replace(/\s+/g, ' ');
  const n = m[2] === undefined ? undefined : Number(m[2]);
  switch (base) {
    case 'BOOLEAN':
    case 'BOOL':
      return (v, info, slot) => {
        if (typeof v !== 'string') return v;
        const w = BOOL_WORDS.get(v.trim().toLowerCase());
        if (w !== undefined) return w;
        const num = applyAffinity(v, 'NUMERIC');
        if (typeof num !== 'string') return num;
        throw typeError(info, slot, `${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)} is not a BOOLEAN`);
      };
    case 'JSON':
    case 'JSONB':
      return (v, info, slot) => {
        if (typeof v === 'bigint' || typeof v === 'number') return v;
        const t = v instanceof Uint8Array ? undefined : typeof v === 'string' ? v : v === null ? undefined : v.toString();
        if (t === undefined || !isValidJson(t)) {
          const shown = t === undefined ? 'a BLOB' : JSON.stringify(t.length > 40 ? t.slice(0, 40) + '…' : t);
          throw typeError(info, slot, `JSON ${shown} is not valid`);
        }
        return t;
      };
    case 'DATE':
      return (v, info, slot) => {
        const t = textOf(v);
        if (t === undefined) return v;
        const d = DATE_RE.exec(t);
        if (!d || !validDate(+d[1]!, +d[2]!, +d[3]!)) throw typeError(info, slot, `${JSON.stringify(t)} is not a DATE (YYYY-MM-DD)`);
        return t;
      };
    case 'TIMESTAMP':
    case 'DATETIME':
      return (v, info, slot) => {
        const t = textOf(v);
        if (t === undefined) return v;
        const d = TS_RE.exec(t);
        const ok = d && validDate(+d[1]!, +d[2]!, +d[3]!) && (d[4] === undefined || (+d[4] < 24 && +d[5]! < 60 && (d[6] === undefined || +d[6] < 60)));
        if (!ok) throw typeError(info, slot, `${JSON.stringify(t)} is not a TIMESTAMP (YYYY-MM-DD HH:MM:SS)`);
        return t;
      };
    case 'VARCHAR':
    case 'CHAR':
    case 'CHARACTER':
    case 'CHARACTER VARYING':
    case 'VARYING CHARACTER':
    case 'NVARCHAR':
    case 'NCHAR':
    case 'NATIVE CHARACTER':
      if (n === undefined) return undefined;
      return (v, info, slot) => {
        if (typeof v === 'string' && v.length > n && codePointLength(v) > n) throw typeError(info, slot, `value too long for ${base}(${n})`);
        if (v instanceof Uint8Array && v.length > n * 4 && codePointLength(utf8Decode(v)) > n) throw typeError(info, slot, `value too long for ${base}(${n})`);
        return v;
      };
    default:
      return undefined;
  }
}

const checksCache = new WeakMap<TableInfo, Check[]>();

function checksOf(info: TableInfo): Check[] {
  let c = checksCache.get(info);
  if (!c) {
    c = info.columns.map((col) => typeCheck(col.type));
    checksCache.set(info, c);
  }
  return c;
}

/** Apply column affinities and type checks to every slot of `row` in place. */
export function coerceRow(info: TableInfo, row: Row): void {
  const cols = info.columns;
  const checks = checksOf(info);
  for (let i = 0; i < cols.length; i++) {
    const v = row[i]!;
    if (v !== null) {
      const a = applyAffinity(v, cols[i]!.affinity);
      const ck = checks[i];
      row[i] = ck ? ck(a, info, i) : a;
    }
  }
  if (info.rowidSlot >= 0) {
    if (row[info.rowidSlot] === undefined) row[info.rowidSlot] = null;
    const v = row[info.rowidSlot]!;
    if (v !== null && typeof v !== 'bigint') {
      const iv = info.keyless ? applyAffinity(v, 'INTEGER') : v;
      if (typeof iv !== 'bigint') throw new SqlError('DATATYPE_MISMATCH', 'datatype mismatch');
      row[info.rowidSlot] = iv;
    }
  }
}

/** Coerce one value for column `slot`. */
export function coerceValue(info: TableInfo, slot: number, v: SqlValue): SqlValue {
  if (v === null) return null;
  if (slot === info.ncols) {
    const iv = applyAffinity(v, 'INTEGER');
    if (typeof iv !== 'bigint') throw new SqlError('DATATYPE_MISMATCH', 'datatype mismatch');
    return iv;
  }
  let out = applyAffinity(v, info.columns[slot]!.affinity);
  const ck = checksOf(info)[slot];
  if (ck) out = ck(out, info, slot);
  if (slot === info.rowidSlot && typeof out !== 'bigint') throw new SqlError('DATATYPE_MISMATCH', 'datatype mismatch');
  return out;
}
