/**
 * SQL arithmetic, bitwise and concatenation operators with SQLite's semantics (vdbe.c
 * OP_Add…OP_Remainder, OP_BitAnd…OP_ShiftRight, OP_BitNot, OP_Concat), extended with exact
 * DECIMAL arithmetic.
 *
 * - NULL in, NULL out. TEXT/BLOB operands are read by their numeric prefix.
 * - INTEGER op INTEGER stays INTEGER; on 64-bit overflow the operation is redone in REAL.
 * - Integer division truncates; x/0 and x%0 are NULL; a NaN result is NULL.
 * - REAL % REAL is the integer remainder of the truncated operands (as a REAL).
 * - DECIMAL op DECIMAL/INTEGER is exact (division to max(16, scales) digits, half away from
 *   zero); DECIMAL with REAL is REAL.
 */
import { Decimal, INT64_MAX, INT64_MIN, type SqlValue } from '../../objects/index.js';
import { intValue, realValue, textToNumber, toText } from './convert.js';
import { utf8Decode } from './utf8.js';

type Num = bigint | number | Decimal;

/** Minimum fraction digits of a DECIMAL quotient. */
export const DECIMAL_DIV_MIN_SCALE = 16;

function numericOperand(v: Exclude<SqlValue, null>): Num {
  if (typeof v === 'bigint' || typeof v === 'number' || v instanceof Decimal) return v;
  return textToNumber(typeof v === 'string' ? v : utf8Decode(v));
}

function toReal(n: Num): number {
  return typeof n === 'number' ? n : typeof n === 'bigint' ? Number(n) : n.toNumber();
}

/** The REAL SQLite uses in floating-point arithmetic: text/blob operands are re-read as REAL. */
function fpValue(orig: Exclude<SqlValue, null>, n: Num): number {
  return typeof orig === 'string' || orig instanceof Uint8Array ? realValue(orig) : toReal(n);
}

function nanToNull(r: number): SqlValue {
  return r !== r ? null : r;
}

function fits(v: bigint): boolean {
  return v >= INT64_MIN && v <= INT64_MAX;
}

/** a + b */
export function add(a: SqlValue, b: SqlValue): SqlValue {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    const r = a + b;
    return fits(r) ? r : Number(a) + Number(b);
  }
  if (a === null || b === null) return null;
  const x = numericOperand(a);
  const y = numericOperand(b);
  if (typeof x === 'bigint' && typeof y === 'bigint') {
    const r = x + y;
    return fits(r) ? r : fpValue(a, x) + fpValue(b, y);
  }
  if (x instanceof Decimal || y instanceof Decimal) {
    if (typeof x !== 'number' && typeof y !== 'number') return Decimal.from(x).add(Decimal.from(y));
  }
  return nanToNull(fpValue(a, x) + fpValue(b, y));
}

/** a - b */
export function sub(a: SqlValue, b: SqlValue): SqlValue {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    const r = a - b;
    return fits(r) ? r : Number(a) - Number(b);
  }
  if (a === null || b === null) return null;
  const x = numericOperand(a);
  const y = numericOperand(b);
  if (typeof x === 'bigint' && typeof y === 'bigint') {
    const r = x - y;
    return fits(r) ? r : fpValue(a, x) - fpValue(b, y);
  }
  if (x instanceof Decimal || y instanceof Decimal) {
    if (typeof x !== 'number' && typeof y !== 'number') return Decimal.from(x).sub(Decimal.from(y));
  }
  return nanToNull(fpValue(a, x) - fpValue(b, y));
}

/** a * b */
export function mul(a: SqlValue, b: SqlValue): SqlValue {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    const r = a * b;
    return fits(r) ? r : Number(a) * Number(b);
  }
  if (a === null || b === null) return null;
  const x = numericOperand(a);
  const y = numericOperand(b);
  if (typeof x === 'bigint' && typeof y === 'bigint') {
    const r = x * y;
    return fits(r) ? r : fpValue(a, x) * fpValue(b, y);
  }
  if (x instanceof Decimal || y instanceof Decimal) {
    if (typeof x !== 'number' && typeof y !== 'number') return Decimal.from(x).mul(Decimal.from(y));
  }
  return nanToNull(fpValue(a, x) * fpValue(b, y));
}

/** a / b (integer division truncates; division by zero is NULL). */
export function div(a: SqlValue, b: SqlValue): SqlValue {
  if (a === null || b === null) return null;
  const x = numericOperand(a);
  const y = numericOperand(b);
  if (typeof x === 'bigint' && typeof y === 'bigint') {
    if (y === 0n) return null;
    if (y === -1n && x === INT64_MIN) return fpValue(a, x) / fpValue(b, y);
    return x / y;
  }
  if (x instanceof Decimal || y instanceof Decimal) {
    if (typeof x !== 'number' && typeof y !== 'number') {
      const dx = Decimal.from(x);
      const dy = Decimal.from(y);
      if (dy.isZero()) return null;
      return dx.div(dy, Math.max(DECIMAL_DIV_MIN_SCALE, dx.scale, dy.scale));
    }
  }
  const ry = fpValue(b, y);
  if (ry === 0) return null;
  return nanToNull(fpValue(a, x) / ry);
}

/** a % b (SQLite: remainder of the integer parts; REAL when either operand is REAL). */
export function mod(a: SqlValue, b: SqlValue): SqlValue {
  if (a === null || b === null) return null;
  const x = numericOperand(a);
  const y = numericOperand(b);
  if (typeof x === 'bigint' && typeof y === 'bigint') {
    if (y === 0n) return null;
    if (y === -1n) return 0n;
    return x % y;
  }
  if (x instanceof Decimal || y instanceof Decimal) {
    if (typeof x !== 'number' && typeof y !== 'number') {
      const dy = Decimal.from(y);
      if (dy.isZero()) return null;
      return Decimal.from(x).mod(dy);
    }
  }
  // SQLite takes the integer value of the *original* operands here (text by its integer prefix)
  let ia = intValue(b);
  const ib = intValue(a);
  if (ia === 0n) return null;
  if (ia === -1n) ia = 1n;
  return Number(ib % ia);
}

/** Unary minus (SQLite computes it as 0 - x). */
export function negate(a: SqlValue): SqlValue {
  if (a instanceof Decimal) return a.negate();
  return sub(0n, a);
}

/** Unary plus: the operand unchanged. */
export function unaryPlus(a: SqlValue): SqlValue {
  return a;
}

const U64 = (1n << 64n) - 1n;

/** a & b */
export function bitAnd(a: SqlValue, b: SqlValue): SqlValue {
  if (a === null || b === null) return null;
  return intValue(a) & intValue(b);
}

/** a | b */
export function bitOr(a: SqlValue, b: SqlValue): SqlValue {
  if (a === null || b === null) return null;
  return intValue(a) | intValue(b);
}

function shift(a: SqlValue, b: SqlValue, left: boolean): SqlValue {
  if (a === null || b === null) return null;
  let iA = intValue(a);
  let iB = intValue(b);
  if (iB === 0n) return iA;
  if (iB < 0n) {
    left = !left;
    iB = iB > -64n ? -iB : 64n;
  }
  if (iB >= 64n) return iA >= 0n || left ? 0n : -1n;
  if (left) return BigInt.asIntN(64, (iA << iB) & U64);
  iA = iA >> iB; // arithmetic shift: sign-extends like SQLite
  return iA;
}

/** a << b (negative b shifts right; shifts of 64 or more give 0 or -1). */
export function shiftLeft(a: SqlValue, b: SqlValue): SqlValue {
  return shift(a, b, true);
}

/** a >> b (arithmetic shift). */
export function shiftRight(a: SqlValue, b: SqlValue): SqlValue {
  return shift(a, b, false);
}

/** ~a */
export function bitNot(a: SqlValue): SqlValue {
  if (a === null) return null;
  return ~intValue(a);
}

/** a || b: both as text; NULL when either is NULL. */
export function concat(a: SqlValue, b: SqlValue): SqlValue {
  if (a === null || b === null) return null;
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  return toText(a)! + toText(b)!;
}

/** The REAL value SQLite arithmetic would use for a value (exported for functions). */
export function numericValue(v: Exclude<SqlValue, null>): bigint | number | Decimal {
  return numericOperand(v);
}

export { realValue };
