/**
 * The order-preserving byte encoding of primary-key and index tuples.
 *
 * `memcmp(encodeKey(a), encodeKey(b))` orders tuples exactly as SQLite's ORDER BY orders them,
 * element by element: NULL < numbers < TEXT < BLOB; numbers (INTEGER `bigint`, REAL `number`,
 * DECIMAL `Decimal`) by their exact mathematical value, whatever their type (REAL compares by
 * the exact value of the double, as SQLite compares INTEGER with REAL); TEXT by its UTF-8 bytes
 * (BINARY collation, any character including U+0000); BLOB by its bytes. Numerically equal
 * values of different types (2, 2.0, DECIMAL 2.00) stay distinct: they sort next to each other,
 * INTEGER < REAL < DECIMAL, and DECIMALs of equal value by scale.
 *
 * A tuple's encoding is the concatenation of its elements' encodings, and every element
 * encoding is prefix-free, so `encodeKey([a])` is a byte prefix of `encodeKey([a, b])` and a
 * prefix scan over `[prefix, prefixUpperBound(prefix))` finds every tuple that starts with the
 * given elements. A descending element is its ascending encoding with every byte inverted
 * (xor 0xff); prefix-freeness makes that reverse its order. The element tags below and their
 * inverses are disjoint, so `decodeKey` sees which elements are descending.
 *
 * Keys carry no version byte: every key of a tree has one format, and a format change is a
 * table rewrite recorded in the schema.
 *
 * Element encodings (ascending):
 *
 *   NULL     05
 *   TEXT     25, UTF-8 bytes with 00 escaped as 00 FF, then 00 01
 *   BLOB     35, the bytes with 00 escaped as 00 FF, then 00 01
 *   number   15, F (8 bytes), S, [tail]
 *
 * F is the value rounded to the nearest double (ties to even, as `Number()` rounds), clamped to
 * ±MAX_VALUE for finite decimals beyond the double range, -0 written as +0, stored as the IEEE
 * 754 big-endian bits with the sign bit set for positives and all bits inverted for negatives
 * (so memcmp orders doubles, -Infinity first, +Infinity last). Rounding is monotonic, so a
 * smaller F means a smaller value; S orders the values that round to the same F:
 *
 *   10 E T    the value is below F     (only INTEGER beyond ±2^53, and DECIMAL)
 *   20        INTEGER equal to F
 *   21        REAL (always exactly F)
 *   22 C      DECIMAL equal to F
 *   30 E T    the value is above F
 *
 * E is the exact value as an order-preserving decimal: a sign byte (01 negative, 02
 * positive); the base-100 exponent X of the value |v| = 0.M × 100^X (first mantissa digit
 * pair non-zero): one byte 0x80 + X when -100 ≤ X ≤ 100, else 01 (X < -100) or FE (X > 100)
 * followed by X + 2^31 as 4 big-endian bytes; then the base-100 digit pairs D of M, each as
 * one byte 2D + 1, the last as 2D (it ends E, and sorts a shorter mantissa first). For a
 * negative value every byte after the sign byte is inverted. T is the type: 01 INTEGER,
 * 03 DECIMAL followed by C. C is the DECIMAL's scale: one byte when < 0xF0, else F8 and the
 * scale as 4 big-endian bytes.
 *
 * Examples: INTEGER 1 → 15 BF F0 00 00 00 00 00 00 20; REAL 1.0 → the same with 21; NULL → 05;
 * 'ab' → 25 61 62 00 01.
 *
 * Round trip is exact (type, 64-bit INTEGER, DECIMAL coefficient and scale) except REAL -0.0,
 * which decodes as 0.0 (the two compare equal in SQL). INTEGERs must lie in the signed 64-bit
 * range; NaN is not a SQL value. Both raise `TypeError`. Malformed bytes raise `DecodeError`.
 */
import { DecodeError } from '../errors/index.js';
import { Decimal } from './decimal.js';
import type { SqlValue } from './value.js';
import { copyBytes, readUtf8, writeUtf8 } from './codec-utf8.js';

const T_NULL = 0x05;
const T_NUM = 0x15;
const T_TEXT = 0x25;
const T_BLOB = 0x35;

const S_BELOW = 0x10;
const S_INT = 0x20;
const S_REAL = 0x21;
const S_DEC = 0x22;
const S_ABOVE = 0x30;

const TY_INT = 0x01;
const TY_DEC = 0x03;

/** The largest DECIMAL scale a key can hold (bounds the exact arithmetic of decoding). */
export const KEY_MAX_DECIMAL_SCALE = 100_000;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const SAFE_BIG = 2n ** 53n;
const NEG_SAFE_BIG = -(2n ** 53n);

/** Exact powers of ten and five as doubles, for the DECIMAL fast paths (10^22 is the last exact one). */
const POW10: number[] = [];
const POW5: number[] = [];
for (let i = 0, p = 1, q = 1; i <= 22; i++, p *= 10, q *= 5) {
  POW10.push(p);
  POW5.push(q);
}

// ---------------------------------------------------------------------------------------------
// Output buffer (module scratch, grown on demand; the result is copied out with `slice`).

let buf = new Uint8Array(256);
let view = new DataView(buf.buffer);

function ensure(pos: number, extra: number): void {
  const need = pos + extra;
  if (need <= buf.length) return;
  let size = buf.length * 2;
  while (size < need) size *= 2;
  const next = new Uint8Array(size);
  next.set(buf.subarray(0, pos));
  buf = next;
  view = new DataView(buf.buffer);
}

// ---------------------------------------------------------------------------------------------
// Exact arithmetic helpers.

const f64 = new Float64Array(1);
const f64bytes = new Uint8Array(f64.buffer);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE ? 1 : 0;
const LO = LITTLE ? 0 : 1;

/** `d = m × 2^e` with `m` a non-negative integer (< 2^53, odd unless zero) and the sign apart. */
function decompose(d: number): { neg: boolean; m: number; e: number } {
  f64[0] = d;
  const hi = u32[HI]!;
  const lo = u32[LO]!;
  const neg = hi >>> 31 === 1;
  const exp = (hi >>> 20) & 0x7ff;
  let m = (hi & 0xfffff) * 4294967296 + lo;
  let e: number;
  if (exp === 0) e = -1074;
  else {
    m += 4503599627370496; // 2^52
    e = exp - 1075;
  }
  if (m === 0) return { neg, m: 0, e: 0 };
  while (m % 2 === 0) {
    m /= 2;
    e++;
  }
  return { neg, m, e };
}

/** Sign of `coef × 10^-scale − d` for finite `d`, exactly. */
function compareDecimalDouble(coef: bigint, scale: number, d: number): number {
  if (d === 0) return coef > 0n ? 1 : coef < 0n ? -1 : 0;
  const { neg, m, e } = decompose(d);
  let rhs = BigInt(m);
  if (neg) rhs = -rhs;
  let lhs = coef;
  const p10 = scale === 0 ? 1n : 10n ** BigInt(scale);
  if (e >= 0) rhs = (rhs << BigInt(e)) * p10;
  else {
    lhs <<= BigInt(-e);
    rhs *= p10;
  }
  return lhs < rhs ? -1 : lhs > rhs ? 1 : 0;
}

/** `d × 10^scale` as an exact integer, or `undefined` when it is not one. */
function doubleTimesPow10(d: number, scale: number): bigint | undefined {
  if (scale <= 22) {
    const x = d * POW10[scale]!;
    if (Number.isSafeInteger(x)) return BigInt(x);
  }
  if (d === 0) return 0n;
  const { neg, m, e } = decompose(d);
  let r = BigInt(m);
  if (neg) r = -r;
  // m × 2^e × 2^s × 5^s
  const twos = e + scale;
  if (twos < 0) return undefined;
  return (r << BigInt(twos)) * 5n ** BigInt(scale);
}

// ---------------------------------------------------------------------------------------------
// Encoding.

function writeDouble(pos: number, d: number): number {
  view.setFloat64(pos, d);
  if (buf[pos]! & 0x80) {
    for (let i = pos; i < pos + 8; i++) buf[i] = ~buf[i]! & 0xff;
  } else {
    buf[pos] = buf[pos]! | 0x80;
  }
  return pos + 8;
}

function writeScale(pos: number, scale: number): number {
  if (scale < 0xf0) {
    buf[pos] = scale;
    return pos + 1;
  }
  if (scale > 0xffffffff) throw new TypeError(`DECIMAL scale ${scale} is too large for a key`);
  buf[pos] = 0xf8;
  view.setUint32(pos + 1, scale);
  return pos + 5;
}

/**
 * Write E: the exact value ±0.D × 10^e10, where `digits` is D without leading or trailing
 * zeros (non-empty).
 */
function writeExact(pos: number, neg: boolean, digits: string, e10: number): number {
  if ((e10 & 1) !== 0) {
    digits = '0' + digits;
    e10 += 1;
  }
  if ((digits.length & 1) !== 0) digits += '0';
  const x = e10 / 2;
  if (x < -2147483648 || x > 2147483647) throw new TypeError('DECIMAL exponent is too large for a key');
  ensure(pos, 8 + digits.length / 2);
  const mask = neg ? 0xff : 0;
  buf[pos++] = neg ? 0x01 : 0x02;
  if (x >= -100 && x <= 100) {
    buf[pos++] = (0x80 + x) ^ mask;
  } else {
    buf[pos++] = (x < 0 ? 0x01 : 0xfe) ^ mask;
    view.setUint32(pos, x + 2147483648);
    for (let i = pos; i < pos + 4; i++) buf[i] = buf[i]! ^ mask;
    pos += 4;
  }
  const n = digits.length;
  for (let i = 0; i < n; i += 2) {
    const pair = (digits.charCodeAt(i) - 48) * 10 + (digits.charCodeAt(i + 1) - 48);
    buf[pos++] = (2 * pair + (i + 2 < n ? 1 : 0)) ^ mask;
  }
  return pos;
}

/** Decimal digits of |v| without trailing zeros, and how many were removed. */
function stripZeros(abs: bigint): { digits: string; length: number } {
  const s = abs.toString();
  let end = s.length;
  while (end > 1 && s.charCodeAt(end - 1) === 48) end--;
  return { digits: s.slice(0, end), length: s.length };
}

function writeBigint(pos: number, v: bigint): number {
  if (v >= NEG_SAFE_BIG && v <= SAFE_BIG) {
    buf[pos] = T_NUM;
    pos = writeDouble(pos + 1, Number(v));
    buf[pos] = S_INT;
    return pos + 1;
  }
  if (v < INT64_MIN || v > INT64_MAX) throw new TypeError(`INTEGER ${v} is outside the 64-bit range`);
  const d = Number(v);
  const D = BigInt(d);
  buf[pos] = T_NUM;
  pos = writeDouble(pos + 1, d);
  if (v === D) {
    buf[pos] = S_INT;
    return pos + 1;
  }
  buf[pos++] = v < D ? S_BELOW : S_ABOVE;
  const neg = v < 0n;
  const { digits, length } = stripZeros(neg ? -v : v);
  pos = writeExact(pos, neg, digits, length);
  buf[pos] = TY_INT;
  return pos + 1;
}

function writeDecimal(pos: number, v: Decimal): number {
  const coef = v.coef;
  const scale = v.scale;
  if (scale > KEY_MAX_DECIMAL_SCALE) throw new TypeError(`DECIMAL scale ${scale} is too large for a key (limit ${KEY_MAX_DECIMAL_SCALE})`);
  let d: number;
  let cls: number;
  if (scale <= 22 && coef >= NEG_SAFE_BIG && coef <= SAFE_BIG) {
    const c = Number(coef);
    d = c / POW10[scale]!; // both exact, so correctly rounded
    cls = c % POW5[scale]! === 0 ? 0 : compareDecimalDouble(coef, scale, d);
  } else {
    d = Number(v.toString());
    if (d === Infinity) d = Number.MAX_VALUE;
    else if (d === -Infinity) d = -Number.MAX_VALUE;
    cls = compareDecimalDouble(coef, scale, d);
  }
  if (d === 0) d = 0; // -0 → +0
  ensure(pos, 16);
  buf[pos] = T_NUM;
  pos = writeDouble(pos + 1, d);
  if (cls === 0) {
    buf[pos] = S_DEC;
    return writeScale(pos + 1, scale);
  }
  buf[pos++] = cls < 0 ? S_BELOW : S_ABOVE;
  const neg = coef < 0n;
  const { digits, length } = stripZeros(neg ? -coef : coef);
  pos = writeExact(pos, neg, digits, length - scale);
  ensure(pos, 6);
  buf[pos] = TY_DEC;
  return writeScale(pos + 1, scale);
}

function writeBytesEscaped(pos: number, src: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = src[i]!;
    buf[pos++] = c;
    if (c === 0) buf[pos++] = 0xff;
  }
  buf[pos] = 0;
  buf[pos + 1] = 1;
  return pos + 2;
}

let textScratch = new Uint8Array(256);

function writeText(pos: number, s: string): number {
  const n = s.length;
  ensure(pos, 3 + 3 * n + (n > 64 ? 3 * n : 0));
  buf[pos++] = T_TEXT;
  if (n <= 64) {
    const start = pos;
    const end = writeUtf8(s, buf, pos);
    // Escape 00 bytes (rare: only U+0000 encodes to one) by shifting the tail right.
    let zeros = 0;
    for (let i = start; i < end; i++) if (buf[i] === 0) zeros++;
    if (zeros === 0) {
      buf[end] = 0;
      buf[end + 1] = 1;
      return end + 2;
    }
    const copy = buf.slice(start, end);
    return writeBytesEscaped(start, copy, 0, copy.length);
  }
  if (textScratch.length < 3 * n) textScratch = new Uint8Array(3 * n);
  const len = writeUtf8(s, textScratch, 0);
  return writeBytesEscaped(pos, textScratch, 0, len);
}

function writeElement(pos: number, v: SqlValue): number {
  if (v === null) {
    ensure(pos, 1);
    buf[pos] = T_NULL;
    return pos + 1;
  }
  switch (typeof v) {
    case 'bigint':
      ensure(pos, 48);
      return writeBigint(pos, v);
    case 'number':
      if (v !== v) throw new TypeError('NaN is not a SQL value');
      ensure(pos, 10);
      buf[pos] = T_NUM;
      pos = writeDouble(pos + 1, v === 0 ? 0 : v);
      buf[pos] = S_REAL;
      return pos + 1;
    case 'string':
      return writeText(pos, v);
    case 'object':
      if (v instanceof Uint8Array) {
        ensure(pos, 3 + 2 * v.length);
        buf[pos] = T_BLOB;
        return writeBytesEscaped(pos + 1, v, 0, v.length);
      }
      if (v instanceof Decimal) return writeDecimal(pos, v);
  }
  throw new TypeError(`Not a SQL value: ${String(v)}`);
}

/**
 * The order-preserving encoding of a tuple. `descending[i]` inverts the order of element `i`
 * (missing entries mean ascending).
 */
export function encodeKey(values: readonly SqlValue[], descending?: readonly boolean[]): Uint8Array {
  let pos = 0;
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const start = pos;
    pos = writeElement(pos, values[i]!);
    if (descending !== undefined && descending[i] === true) {
      for (let j = start; j < pos; j++) buf[j] = ~buf[j]! & 0xff;
    }
  }
  return buf.slice(0, pos);
}

// ---------------------------------------------------------------------------------------------
// Decoding.

const rd = new Uint8Array(8);
const rdView = new DataView(rd.buffer);
let unescape = new Uint8Array(256);

function malformed(detail: string): never {
  throw new DecodeError('key', detail);
}

/** Decoder state: the bytes, the position, and the xor mask of the current element. */
let src: Uint8Array = buf;
let at = 0;
let mask = 0;

function next(): number {
  if (at >= src.length) malformed('unexpected end of key');
  return src[at++]! ^ mask;
}

function readDouble(): number {
  if (at + 8 > src.length) malformed('truncated number');
  const b0 = src[at]! ^ mask;
  if (b0 & 0x80) {
    rd[0] = b0 ^ 0x80;
    for (let i = 1; i < 8; i++) rd[i] = src[at + i]! ^ mask;
  } else {
    for (let i = 0; i < 8; i++) rd[i] = src[at + i]! ^ mask ^ 0xff;
  }
  at += 8;
  const d = rdView.getFloat64(0);
  if (d !== d) malformed('NaN in a number');
  return d;
}

function readScale(): number {
  const b = next();
  if (b < 0xf0) return b;
  if (b !== 0xf8) malformed('bad DECIMAL scale');
  let s = 0;
  for (let i = 0; i < 4; i++) s = s * 256 + next();
  if (s > KEY_MAX_DECIMAL_SCALE) malformed('DECIMAL scale too large');
  return s;
}

/** Read E; returns the digit string D and the exponent so that |v| = D × 10^exp. */
function readExact(): { neg: boolean; digits: string; exp: number } {
  const sign = next();
  if (sign !== 0x01 && sign !== 0x02) malformed('bad number sign');
  const neg = sign === 0x01;
  const m = neg ? 0xff : 0;
  const xb = next() ^ m;
  let x: number;
  if (xb === 0x01 || xb === 0xfe) {
    let u = 0;
    for (let i = 0; i < 4; i++) u = u * 256 + (next() ^ m);
    x = u - 2147483648;
  } else {
    x = xb - 0x80;
    if (x < -100 || x > 100) malformed('bad number exponent');
  }
  let digits = '';
  for (;;) {
    const b = next() ^ m;
    const pair = b >> 1;
    if (pair > 99) malformed('bad number digits');
    digits += pair < 10 ? '0' + pair : String(pair);
    if ((b & 1) === 0) break;
  }
  // Drop the padding zero of the last pair (and any other trailing zeros): same value.
  let exp = 2 * x - digits.length;
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) {
    end--;
    exp++;
  }
  return { neg, digits: end === digits.length ? digits : digits.slice(0, end), exp };
}

function readNumber(): SqlValue {
  const d = readDouble();
  const s = next();
  switch (s) {
    case S_REAL:
      return d;
    case S_INT: {
      if (!Number.isInteger(d)) malformed('INTEGER that is not an integer');
      const v = BigInt(d);
      if (v < INT64_MIN || v > INT64_MAX) malformed('INTEGER out of range');
      return v;
    }
    case S_DEC: {
      const scale = readScale();
      if (!Number.isFinite(d)) malformed('DECIMAL that is not finite');
      const coef = doubleTimesPow10(d, scale);
      if (coef === undefined) malformed('DECIMAL does not fit its scale');
      return new Decimal(coef, scale);
    }
    case S_BELOW:
    case S_ABOVE: {
      const { neg, digits, exp } = readExact();
      const t = next();
      if (t === TY_INT) {
        if (exp < 0 || exp > 19) malformed('INTEGER with a fraction or out of range');
        let v = BigInt(digits) * 10n ** BigInt(exp);
        if (neg) v = -v;
        if (v < INT64_MIN || v > INT64_MAX) malformed('INTEGER out of range');
        return v;
      }
      if (t === TY_DEC) {
        const scale = readScale();
        const k = exp + scale;
        if (k < 0) malformed('DECIMAL does not fit its scale');
        if (k > KEY_MAX_DECIMAL_SCALE) malformed('DECIMAL too large');
        let coef = BigInt(digits) * 10n ** BigInt(k);
        if (neg) coef = -coef;
        return new Decimal(coef, scale);
      }
      return malformed('bad number type');
    }
    default:
      return malformed('bad number class');
  }
}

/** Read an escaped byte string up to its 00 01 terminator; returns its bytes (a fresh array or a view of `src`). */
function readEscaped(copy: boolean): Uint8Array {
  const start = at;
  const n = src.length;
  let escapes = 0;
  let i = start;
  for (;;) {
    if (i >= n) malformed('unterminated string');
    if ((src[i]! ^ mask) === 0) {
      if (i + 1 >= n) malformed('unterminated string');
      const e = src[i + 1]! ^ mask;
      if (e === 0x01) break;
      if (e !== 0xff) malformed('bad escape in string');
      escapes++;
      i += 2;
    } else i++;
  }
  at = i + 2;
  if (escapes === 0 && mask === 0) return copy ? copyBytes(src, start, i) : src.subarray(start, i);
  const len = i - start - escapes;
  let out: Uint8Array;
  if (copy) out = new Uint8Array(len);
  else {
    if (unescape.length < len) unescape = new Uint8Array(Math.max(len, unescape.length * 2));
    out = unescape;
  }
  let o = 0;
  for (let j = start; j < i; j++) {
    const c = src[j]! ^ mask;
    out[o++] = c;
    if (c === 0) j++;
  }
  return copy ? out : out.subarray(0, len);
}

function readText(): string {
  const start = at;
  // Fast path: ascending, no escapes.
  if (mask === 0) {
    const n = src.length;
    for (let i = start; i < n; i++) {
      if (src[i] === 0) {
        if (i + 1 < n && src[i + 1] === 1) {
          at = i + 2;
          return utf8(src, start, i);
        }
        break;
      }
    }
  }
  const bytes = readEscaped(false);
  return utf8(bytes, 0, bytes.length);
}

function utf8(b: Uint8Array, start: number, end: number): string {
  try {
    return readUtf8(b, start, end);
  } catch {
    return malformed('invalid UTF-8 in TEXT');
  }
}

function readElement(): SqlValue {
  if (at >= src.length) malformed('unexpected end of key');
  const raw = src[at]!;
  mask = raw >= 0x80 ? 0xff : 0;
  const tag = raw ^ mask;
  at++;
  switch (tag) {
    case T_NULL:
      return null;
    case T_NUM:
      return readNumber();
    case T_TEXT:
      return readText();
    case T_BLOB:
      return readEscaped(true);
    default:
      return malformed(`unknown element tag 0x${raw.toString(16)}`);
  }
}

/**
 * Decode a tuple. Direction is recorded in the bytes, so `descending` is optional; when given,
 * it is checked against them.
 */
export function decodeKey(bytes: Uint8Array, descending?: readonly boolean[]): SqlValue[] {
  const out: SqlValue[] = [];
  decodeKeyInto(bytes, out, 0, descending);
  return out;
}

/**
 * Decode a tuple into `out[offset…]` without allocating an array; returns the number of
 * elements. `descending` as in `decodeKey`.
 */
export function decodeKeyInto(
  bytes: Uint8Array,
  out: SqlValue[],
  offset = 0,
  descending?: readonly boolean[],
): number {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('decodeKey expects a Uint8Array');
  src = bytes;
  at = 0;
  let i = 0;
  try {
    while (at < bytes.length) {
      if (descending !== undefined && (bytes[at]! >= 0x80) !== (descending[i] === true)) {
        malformed(`element ${i} is ${bytes[at]! >= 0x80 ? 'descending' : 'ascending'}, not as declared`);
      }
      out[offset + i] = readElement();
      i++;
    }
  } finally {
    src = buf;
    mask = 0;
  }
  return i;
}

// ---------------------------------------------------------------------------------------------
// Byte-string helpers.

/** memcmp order of two byte strings: negative, zero or positive. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}

/**
 * The smallest byte string greater than every string that starts with `prefix`, or `undefined`
 * when there is none (empty prefix, or only 0xff bytes): the exclusive end of a prefix scan.
 */
export function prefixUpperBound(prefix: Uint8Array): Uint8Array | undefined {
  let n = prefix.length;
  while (n > 0 && prefix[n - 1] === 0xff) n--;
  if (n === 0) return undefined;
  const out = prefix.slice(0, n);
  out[n - 1] = out[n - 1]! + 1;
  return out;
}
