/**
 * SQLite's math functions (SQLITE_ENABLE_MATH_FUNCTIONS): arguments must be numbers or text
 * that is entirely a number (else NULL); results are REAL, NaN results are NULL. ceil, floor
 * and trunc keep INTEGERs as INTEGER and DECIMALs exact.
 */
import { Decimal, type SqlValue } from '../../objects/index.js';
import { realValue } from '../values/index.js';
import { fn, numericArg } from './core.js';
import type { ScalarFunction } from './types.js';

function real(n: bigint | number | Decimal): number {
  return typeof n === 'number' ? n : typeof n === 'bigint' ? Number(n) : n.toNumber();
}

function result(r: number): SqlValue {
  return r !== r ? null : r;
}

function math1(name: string, f: (x: number) => number): ScalarFunction {
  return fn(name, 1, 1, ([x]) => {
    const v = numericArg(x!);
    if (v === undefined) return null;
    return result(f(real(v)));
  });
}

function math2(name: string, f: (x: number, y: number) => number): ScalarFunction {
  return fn(name, 2, 2, ([x, y]) => {
    const a = numericArg(x!);
    if (a === undefined) return null;
    const b = numericArg(y!);
    if (b === undefined) return null;
    return result(f(real(a), real(b)));
  });
}

function rounding(name: string, f: (x: number) => number, dec: (d: Decimal) => Decimal): ScalarFunction {
  return fn(name, 1, 1, ([x]) => {
    const v = numericArg(x!);
    if (v === undefined) return null;
    if (typeof v === 'bigint') return v;
    if (v instanceof Decimal) return dec(v);
    return result(f(v));
  });
}

function decTrunc(d: Decimal): Decimal {
  return new Decimal(d.toBigInt(), 0);
}
function decFloor(d: Decimal): Decimal {
  const t = d.toBigInt();
  return new Decimal(d.sign() < 0 && !d.isInteger() ? t - 1n : t, 0);
}
function decCeil(d: Decimal): Decimal {
  const t = d.toBigInt();
  return new Decimal(d.sign() > 0 && !d.isInteger() ? t + 1n : t, 0);
}

/** C's pow(): unlike Math.pow, pow(1, y) and pow(-1, ±Infinity) are 1. */
function cPow(x: number, y: number): number {
  if (x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

function logImpl(args: SqlValue[], kind: 'ln' | 'log10' | 'log2'): SqlValue {
  const v = numericArg(args[0]!);
  if (v === undefined) return null;
  let x = real(v);
  if (x <= 0) return null;
  if (args.length === 2) {
    // log(B, X): SQLite checks only B's type; X is read with sqlite3_value_double
    const b = Math.log(x);
    if (b <= 0) return null;
    x = realValue(args[1]!);
    if (x <= 0) return null;
    return result(Math.log(x) / b);
  }
  return result(kind === 'log10' ? Math.log10(x) : kind === 'log2' ? Math.log2(x) : Math.log(x));
}

export const mathFunctions: ScalarFunction[] = [
  rounding('ceil', Math.ceil, decCeil),
  rounding('ceiling', Math.ceil, decCeil),
  rounding('floor', Math.floor, decFloor),
  rounding('trunc', Math.trunc, decTrunc),
  fn('ln', 1, 1, (a) => logImpl(a, 'ln')),
  fn('log', 1, 2, (a) => logImpl(a, 'log10')),
  fn('log10', 1, 1, (a) => logImpl(a, 'log10')),
  fn('log2', 1, 1, (a) => logImpl(a, 'log2')),
  math1('exp', Math.exp),
  math2('pow', cPow),
  math2('power', cPow),
  math2('mod', (a, b) => a % b),
  math1('acos', Math.acos),
  math1('asin', Math.asin),
  math1('atan', Math.atan),
  math2('atan2', Math.atan2),
  math1('cos', Math.cos),
  math1('sin', Math.sin),
  math1('tan', Math.tan),
  math1('cosh', Math.cosh),
  math1('sinh', Math.sinh),
  math1('tanh', Math.tanh),
  math1('acosh', Math.acosh),
  math1('asinh', Math.asinh),
  math1('atanh', Math.atanh),
  math1('sqrt', Math.sqrt),
  math1('radians', (x) => x * (Math.PI / 180)),
  math1('degrees', (x) => x * (180 / Math.PI)),
  fn('pi', 0, 0, () => Math.PI),
];
