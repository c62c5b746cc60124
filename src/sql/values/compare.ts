/**
 * Ordering and comparison of SQL values.
 *
 * `compareValues` is the total order used by ORDER BY, DISTINCT, GROUP BY, min/max and
 * indexes: NULL < numbers (INTEGER, REAL and DECIMAL compared by value, INTEGER vs REAL
 * exactly) < TEXT (by collation) < BLOB (memcmp). `compareOp` and `isOp` are the SQL
 * comparison operators, which first apply SQLite's comparison affinity to their operands
 * (datatype3 §4.2) and yield 1/0/NULL.
 */
import { Decimal, type SqlValue } from '../../objects/index.js';
import type { Affinity } from './convert.js';
import { textNumericAffinity, toText } from './convert.js';
import { compareBytes, compareCodePoints } from './utf8.js';

export type Collation = 'BINARY' | 'NOCASE' | 'RTRIM';
export type CompareOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** INTEGER vs REAL, exactly (NaN sorts below every number). */
export function compareIntReal(i: bigint, r: number): number {
  if (r !== r) return 1;
  if (r < -9223372036854775808) return 1;
  if (r >= 9223372036854775808) return -1;
  const t = Math.trunc(r);
  const y = BigInt(t);
  if (i < y) return -1;
  if (i > y) return 1;
  const frac = r - t;
  return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

function rank(v: SqlValue): number {
  switch (typeof v) {
    case 'bigint':
    case 'number':
      return 1;
    case 'string':
      return 2;
    default:
      return v === null ? 0 : v instanceof Decimal ? 1 : 3;
  }
}

/** Text comparison under a collation. NOCASE folds ASCII letters only; RTRIM ignores trailing spaces. */
export function compareText(a: string, b: string, collation?: Collation): number {
  if (collation === undefined || collation === 'BINARY') return compareCodePoints(a, b);
  if (collation === 'NOCASE') return compareNoCase(a, b);
  return compareCodePoints(trimTrailingSpaces(a), trimTrailingSpaces(b));
}

function trimTrailingSpaces(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 0x20) e--;
  return e === s.length ? s : s.slice(0, e);
}

function compareNoCase(a: string, b: string): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca >= 0x41 && ca <= 0x5a) ca += 0x20;
    if (cb >= 0x41 && cb <= 0x5a) cb += 0x20;
    if (ca === cb) continue;
    // fall back to code-point order for the rest
    const sa = ca >= 0xd800 && ca <= 0xdfff;
    const sb = cb >= 0xd800 && cb <= 0xdfff;
    if (sa === sb) return ca < cb ? -1 : 1;
    return sa ? 1 : -1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function compareNumeric(a: bigint | number | Decimal, b: bigint | number | Decimal): number {
  if (typeof a === 'bigint') {
    if (typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
    if (typeof b === 'number') return compareIntReal(a, b);
    return -b.compare(a);
  }
  if (typeof a === 'number') {
    if (typeof b === 'number') {
      if (a < b) return -1;
      if (a > b) return 1;
      if (a === b) return 0;
      // NaN (never stored; sorts first like NULL-ish numbers)
      return a !== a ? (b !== b ? 0 : -1) : 1;
    }
    if (typeof b === 'bigint') return -compareIntReal(b, a);
    return -b.compare(a);
  }
  return a.compare(b);
}

/**
 * Total order of SQL values: NULL < numeric < text < blob; negative, zero or positive.
 * Two NULLs compare equal.
 */
export function compareValues(a: SqlValue, b: SqlValue, collation?: Collation): number {
  const ta = typeof a;
  if (ta === typeof b) {
    if (ta === 'bigint') return (a as bigint) < (b as bigint) ? -1 : (a as bigint) > (b as bigint) ? 1 : 0;
    if (ta === 'string') return compareText(a as string, b as string, collation);
    if (ta === 'number') return compareNumeric(a as number, b as number);
  }
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return compareNumeric(a as bigint | number | Decimal, b as bigint | number | Decimal);
    case 2:
      return compareText(a as string, b as string, collation);
    default:
      return compareBytes(a as Uint8Array, b as Uint8Array);
  }
}

function isNumericAffinity(a: Affinity): boolean {
  return a === 'INTEGER' || a === 'REAL' || a === 'NUMERIC';
}

/**
 * The affinity SQLite applies to both operands of a comparison (sqlite3CompareAffinity):
 * two column operands → NUMERIC if either is numeric, else none; one column operand → its
 * affinity (BLOB meaning none); no column operand → none.
 */
export function comparisonAffinity(aAff: Affinity | undefined, bAff: Affinity | undefined): Affinity | undefined {
  if (aAff !== undefined && bAff !== undefined) {
    return isNumericAffinity(aAff) || isNumericAffinity(bAff) ? 'NUMERIC' : undefined;
  }
  const aff = aAff ?? bAff;
  return aff === 'BLOB' ? undefined : aff;
}

/** Apply the comparison affinity to one operand (returns the converted value). */
function prepareOperand(v: SqlValue, aff: Affinity | undefined, otherIsText: boolean, selfIsText: boolean): SqlValue {
  if (aff === undefined || v === null) return v;
  if (aff === 'TEXT') {
    // only when either operand is text: numbers become text
    if (!selfIsText && (otherIsText || selfIsText) && (typeof v === 'bigint' || typeof v === 'number' || v instanceof Decimal)) {
      return toText(v);
    }
    return v;
  }
  // numeric affinity: text that looks like a number becomes a number
  if (typeof v === 'string') return textNumericAffinity(v, false);
  return v;
}

/**
 * A comparison operator with SQLite's operand affinity rules. `aAff`/`bAff` are the
 * affinities of the operands when they are column references (or CASTs), else undefined.
 * Returns 1n, 0n or NULL (when either operand is NULL).
 */
export function compareOp(
  op: CompareOperator,
  a: SqlValue,
  aAff: Affinity | undefined,
  b: SqlValue,
  bAff: Affinity | undefined,
  collation?: Collation,
): SqlValue {
  if (a === null || b === null) return null;
  const c = compareWithAffinity(a, aAff, b, bAff, collation);
  return opResult(op, c) ? 1n : 0n;
}

function opResult(op: CompareOperator, c: number): boolean {
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

/** Compare two non-NULL operands after applying comparison affinity. */
export function compareWithAffinity(
  a: SqlValue,
  aAff: Affinity | undefined,
  b: SqlValue,
  bAff: Affinity | undefined,
  collation?: Collation,
): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const aff = comparisonAffinity(aAff, bAff);
  if (aff !== undefined) {
    const aText = typeof a === 'string';
    const bText = typeof b === 'string';
    if (aText || bText) {
      a = prepareOperand(a, aff, bText, aText);
      b = prepareOperand(b, aff, aText, bText);
    }
  }
  return compareValues(a, b, collation);
}

/**
 * `a IS b` (and, negated, `IS NOT`, `IS [NOT] DISTINCT FROM`): true when both are NULL or
 * they compare equal; never NULL. Returns 1n or 0n.
 */
export function isOp(
  a: SqlValue,
  b: SqlValue,
  aAff?: Affinity,
  bAff?: Affinity,
  collation?: Collation,
): bigint {
  if (a === null || b === null) return a === b ? 1n : 0n;
  return compareWithAffinity(a, aAff, b, bAff, collation) === 0 ? 1n : 0n;
}
