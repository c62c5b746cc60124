/**
 * Test helper: SQLite (the copy bundled with better-sqlite3) as the oracle for differential
 * tests, plus fast-check arbitraries for SQL values of every storage class and value-for-value,
 * type-for-type comparison of results.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { expect } from 'vitest';
import { Decimal, type SqlValue } from '../../../src/objects/index.js';
import type { FunctionContext } from '../../../src/sql/functions/index.js';

export const db = new Database(':memory:');

type Stmt = Database.Statement<unknown[], unknown>;
const stmts = new Map<string, Stmt>();

function prepare(sql: string): Stmt {
  let s = stmts.get(sql);
  if (!s) {
    s = db.prepare<unknown[], unknown>(sql);
    s.safeIntegers(true);
    if (s.reader) s.raw(true);
    stmts.set(sql, s);
  }
  return s;
}

function toBind(v: SqlValue): unknown {
  if (v instanceof Decimal) throw new TypeError('SQLite has no DECIMAL');
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return v;
}

function fromSqlite(v: unknown): SqlValue {
  if (v === null || typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new Uint8Array(v);
  throw new TypeError(`unexpected SQLite value ${String(v)}`);
}

export type Outcome = { value: SqlValue } | { error: string };

/** First column of the first row of `sql` run by SQLite with the given parameters. */
export function sqliteValue(sql: string, params: readonly SqlValue[] = []): Outcome {
  try {
    const row = prepare(sql).get(...params.map(toBind)) as unknown[] | undefined;
    return { value: row === undefined ? null : fromSqlite(row[0]) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** All rows of `sql` run by SQLite. */
export function sqliteRows(sql: string, params: readonly SqlValue[] = []): SqlValue[][] {
  return (prepare(sql).all(...params.map(toBind)) as unknown[][]).map((r) => r.map(fromSqlite));
}

/** Run our implementation, capturing a thrown error's message. */
export function ours(f: () => SqlValue): Outcome {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** A readable rendering of a value with its type, for assertion messages. */
export function show(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return Object.is(v, -0) ? 'REAL -0' : `REAL ${v}`;
  if (typeof v === 'string') return `TEXT ${JSON.stringify(v)}`;
  if (v instanceof Decimal) return `DECIMAL ${v.toString()}`;
  return `BLOB x'${Buffer.from(v).toString('hex')}'`;
}

export function showOutcome(o: Outcome): string {
  return 'error' in o ? `ERROR ${o.error}` : show(o.value);
}

/** Same storage class and same value (REAL compared with Object.is, so -0 ≠ 0). */
export function sameValue(a: SqlValue, b: SqlValue): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return Object.is(a, b);
  if (a instanceof Uint8Array) return b instanceof Uint8Array && Buffer.from(a).equals(Buffer.from(b));
  if (a instanceof Decimal) return b instanceof Decimal && a.coef === b.coef && a.scale === b.scale;
  return a === b;
}

export function sameOutcome(a: Outcome, b: Outcome): boolean {
  if ('error' in a || 'error' in b) return 'error' in a && 'error' in b && a.error === b.error;
  return sameValue(a.value, b.value);
}

/** Assert our outcome equals SQLite's (value and type, or the same error message). */
export function expectSame(mine: Outcome, theirs: Outcome, what: string): void {
  if (!sameOutcome(mine, theirs)) {
    expect.fail(`${what}: ours ${showOutcome(mine)} ≠ SQLite ${showOutcome(theirs)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export const arbInteger: fc.Arbitrary<SqlValue> = fc.oneof(
  fc.bigInt({ min: -1000n, max: 1000n }),
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
  fc.constantFrom(0n, 1n, -1n, 2n, 7n, INT64_MAX, INT64_MIN, INT64_MAX - 1n, INT64_MIN + 1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 31n, 4503599627370496n, 9223372036854774784n),
);

export const arbReal: fc.Arbitrary<SqlValue> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.integer({ min: -100000, max: 100000 }).map((n) => n / 100),
  fc.constantFrom(0, -0, 0.1, 0.5, 1.5, -2.5, 2.5, 1e20, 1.5e-7, 9.223372036854776e18, -9.223372036854776e18, 1e15, 1e16, 123456789.123, 1 / 3, 0.1 + 0.2, 4503599627370496.5, Number.MAX_VALUE, Number.MIN_VALUE, Infinity, -Infinity),
);

const numericTexts = [
  '12abc', 'abc', '1e3', ' 12 ', '0x10', '-0', '.5', '5.', '9223372036854775807', '9223372036854775808', '-9223372036854775808',
  '-9223372036854775809', '1e400', '-1e400', '  -12.5e-3xyz', '+5', '- 5', '1.5e', '1e+', '00012', '3.0', '3.5', '12345678901234567890123',
  '', ' ', '\t7\n', '0.1', '1,000', 'NaN', 'inf', '1_000', '１２', '١٢',
];

export const arbText: fc.Arbitrary<SqlValue> = fc.oneof(
  fc.string({ maxLength: 12 }).filter((s) => !s.includes('\0')),
  fc.string({ unit: 'grapheme', maxLength: 6 }).filter((s) => !s.includes('\0')),
  fc.constantFrom(...numericTexts),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => String(d)),
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }).map((b) => String(b)),
);

export const arbBlob: fc.Arbitrary<SqlValue> = fc.oneof(
  fc.uint8Array({ maxLength: 8 }),
  fc.string({ maxLength: 6 })
    .filter((s) => !s.includes('\0'))
    .map((s) => new Uint8Array(Buffer.from(s, 'utf8'))),
  fc.constantFrom(...['12', '1e3', ' 7 ', 'x'].map((s) => new Uint8Array(Buffer.from(s, 'utf8')))),
);

/** Any SQL value SQLite can hold (no DECIMAL). */
export const arbValue: fc.Arbitrary<SqlValue> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: arbInteger },
  { weight: 3, arbitrary: arbReal },
  { weight: 3, arbitrary: arbText },
  { weight: 1, arbitrary: arbBlob },
);

/** A blob whose bytes are valid UTF-8 (blob→text conversions then agree with SQLite). */
export const arbValueUtf8: fc.Arbitrary<SqlValue> = arbValue.filter((v) => !(v instanceof Uint8Array) || Buffer.from(v).toString('utf8') === new TextDecoder('utf-8', { fatal: false }).decode(v) && isValidUtf8(v));

export function isValidUtf8(b: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

/** A fixed-time function context. */
export function fixedContext(now = new Date(Date.UTC(2024, 4, 6, 12, 34, 56, 789))): FunctionContext {
  return {
    now: () => now,
    changes: () => 3n,
    totalChanges: () => 17n,
    lastInsertRowid: () => 42n,
  };
}

export const RUNS = Number(process.env.HDB_RUNS ?? (process.env.HDB_LONG ? 5000 : 300));
