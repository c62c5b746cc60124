/**
 * Value rendering of the reference sqllogictest runner (engine `sqlite`), per FORMAT.md
 * "Rendering values", and the MD5 result hash.
 *
 * The reference runner reads each column with sqlite3_column_int (`I`), sqlite3_column_double
 * + printf("%.3f") (`R`) or sqlite3_column_text (`T`). This module reproduces those
 * conversions in JavaScript from raw values, so every engine is rendered the same way:
 *
 * - I: INTEGER as is; REAL truncated toward zero (clamped to 64-bit); TEXT/BLOB by their leading
 *   integer prefix (sqlite3Atoi64: whitespace, sign, digits) or 0.
 * - R: value as a double (TEXT/BLOB by their leading real prefix, sqlite3AtoF) printed like
 *   SQLite's printf("%.3f"): rounded to 3 decimals, but to at most 16 significant digits,
 *   then padded with zeros (so -2^63 prints as -9223372036854776000.000).
 * - T: SQLite's text of the value; a REAL as printf("%!.15g") (1.0 → "1.0", 1e15 → "1.0e+15").
 *   The empty string is "(empty)"; every byte outside space..~ becomes "@" (the text is taken
 *   as C string: it ends at the first NUL byte).
 * - NULL is "NULL" whatever the column letter.
 */
import { createHash } from 'node:crypto';
import { Decimal, type SqlValue } from '../../src/objects/index.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TWO_63 = 9223372036854775808; // (double)INT64_MAX rounds up to 2^63

/** Render one value for a column letter (`I`, `R`, `T`). Other letters throw a TypeError. */
export function renderValue(v: SqlValue, type: string): string {
  if (v === null) return 'NULL';
  switch (type) {
    case 'I':
      return toInteger(v).toString();
    case 'R':
      return formatFixed3(toReal(v));
    case 'T':
      return renderText(v);
    default:
      throw new TypeError(`unknown column type '${type}'`);
  }
}

// ---------------------------------------------------------------------------------------------
// I

/** sqlite3VdbeIntValue: the 64-bit integer SQLite reads from a value. */
export function toInteger(v: Exclude<SqlValue, null>): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return realToInteger(v);
  if (typeof v === 'string') return textToInteger(v);
  if (v instanceof Decimal) return clamp64(v.coef / 10n ** BigInt(v.scale));
  return textToInteger(latin1(v));
}

/** doubleToInt64: truncate toward zero, saturating at the 64-bit limits (NaN as x86 gives it). */
export function realToInteger(r: number): bigint {
  if (Number.isNaN(r) || r <= -TWO_63) return INT64_MIN;
  if (r >= TWO_63) return INT64_MAX;
  return BigInt(Math.trunc(r));
}

/** sqlite3Atoi64 on text: leading whitespace, optional sign, then decimal digits; saturating. */
export function textToInteger(s: string): bigint {
  let i = skipSpace(s, 0);
  let neg = false;
  if (s[i] === '-') {
    neg = true;
    i++;
  } else if (s[i] === '+') i++;
  const start = i;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  if (i === start) return 0n;
  const u = BigInt(s.slice(start, i));
  return clamp64(neg ? -u : u);
}

function clamp64(v: bigint): bigint {
  return v < INT64_MIN ? INT64_MIN : v > INT64_MAX ? INT64_MAX : v;
}

/** sqlite3Isspace: space, \t, \n, \v, \f, \r. */
function skipSpace(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) i++;
    else break;
  }
  return i;
}

function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

// ---------------------------------------------------------------------------------------------
// R

/** sqlite3VdbeRealValue: the double SQLite reads from a value. */
export function toReal(v: Exclude<SqlValue, null>): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return textToReal(v);
  if (v instanceof Decimal) return Number(v.toString());
  return textToReal(latin1(v));
}

/** sqlite3AtoF on text: the longest leading real-number prefix, or 0. */
export function textToReal(s: string): number {
  let i = skipSpace(s, 0);
  const begin = i;
  if (s[i] === '-' || s[i] === '+') i++;
  let digits = 0;
  while (isDigit(s, i)) {
    i++;
    digits++;
  }
  if (s[i] === '.') {
    i++;
    while (isDigit(s, i)) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return 0;
  let end = i;
  if (s[i] === 'e' || s[i] === 'E') {
    let j = i + 1;
    if (s[j] === '-' || s[j] === '+') j++;
    if (isDigit(s, j)) {
      while (isDigit(s, j)) j++;
      end = j;
    }
  }
  return Number(s.slice(begin, end));
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/**
 * SQLite's printf("%.3f"): round to 3 decimals but keep at most 16 significant digits
 * (rounding half away from zero), padding with zeros. -0.0 prints as 0.000.
 */
export function formatFixed3(r: number): string {
  if (Number.isNaN(r)) return 'NaN';
  if (!Number.isFinite(r)) return r < 0 ? '-Inf' : 'Inf';
  if (r === 0) return '0.000';
  const neg = r < 0;
  const a = neg ? -r : r;
  const exp = decimalExponent(a);
  let body: string;
  if (exp + 4 <= 16) {
    body = a.toFixed(3);
  } else {
    // 16 significant digits, correctly rounded; the exponent is the rounded one.
    const [mant, e] = a.toExponential(15).split('e') as [string, string];
    const digits = mant.replace('.', '');
    const intLen = Number(e) + 1;
    if (intLen >= 16) {
      body = `${digits}${'0'.repeat(intLen - 16)}.000`;
    } else {
      body = `${digits.slice(0, intLen)}.${digits.slice(intLen).padEnd(3, '0')}`;
    }
  }
  return neg ? `-${body}` : body;
}

/** floor(log10(a)) for a finite a > 0, read from the shortest round-trip form. */
function decimalExponent(a: number): number {
  const s = a.toExponential();
  return Number(s.slice(s.indexOf('e') + 1));
}

// ---------------------------------------------------------------------------------------------
// T

/** SQLite's printf("%!.15g"): the text SQLite gives a REAL (15 significant digits, "1.0", "1.0e+15"). */
export function realToText(r: number): string {
  if (Number.isNaN(r)) return 'NaN';
  if (!Number.isFinite(r)) return r < 0 ? '-Inf' : 'Inf';
  if (r === 0) return '0.0';
  const neg = r < 0;
  const a = neg ? -r : r;
  const [mant, e] = a.toExponential(14).split('e') as [string, string];
  const digits = mant.replace('.', ''); // 15 digits
  const x = Number(e);
  let body: string;
  if (x < -4 || x > 14) {
    const frac = digits.slice(1).replace(/0+$/, '') || '0';
    const ax = Math.abs(x);
    body = `${digits[0]}.${frac}e${x < 0 ? '-' : '+'}${ax < 10 ? '0' : ''}${ax}`;
  } else if (x >= 0) {
    body = `${digits.slice(0, x + 1)}.${digits.slice(x + 1).replace(/0+$/, '') || '0'}`;
  } else {
    body = `0.${('0'.repeat(-x - 1) + digits).replace(/0+$/, '')}`;
  }
  return neg ? `-${body}` : body;
}

const PRINTABLE = /^[\x20-\x7e]*$/;

/** The `T` rendering of a non-NULL value. */
export function renderText(v: Exclude<SqlValue, null>): string {
  if (typeof v === 'string') return printableText(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return realToText(v);
  if (v instanceof Decimal) return v.toString();
  return printableBytes(v);
}

/** sqlite3_column_text of a TEXT value, as the reference runner prints it. */
export function printableText(s: string): string {
  if (PRINTABLE.test(s)) return s === '' ? '(empty)' : s;
  const nul = s.indexOf('\0');
  return printableBytes(Buffer.from(nul >= 0 ? s.slice(0, nul) : s, 'utf8'));
}

/** Bytes as a C string: up to the first NUL, each byte outside 0x20..0x7e shown as `@`. */
export function printableBytes(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0) break;
    out += c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : '@';
  }
  return out === '' ? '(empty)' : out;
}

// ---------------------------------------------------------------------------------------------
// Hash

/** MD5 (lowercase hex) of the values, each followed by a newline. */
export function hashValues(values: readonly string[]): string {
  const h = createHash('md5');
  if (values.length > 0) h.update(values.join('\n') + '\n');
  return h.digest('hex');
}

/** The expected-section line of a hashed result. */
export function hashLine(values: readonly string[]): string {
  return `${values.length} values hashing to ${hashValues(values)}`;
}
