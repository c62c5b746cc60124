/**
 * SQLite's core scalar functions (func.c): text, blob, number and utility functions, with
 * SQLite's conversions and edge cases (UTF-8 character semantics, NUL-terminated text where
 * SQLite reads C strings, ASCII-only case mapping, integer overflow errors).
 */
import { Decimal, storageClass, type SqlValue } from '../../objects/index.js';
import {
  advanceCodePoints,
  atof,
  numResult,
  codePointLength,
  compareValues,
  globMatch,
  intValue,
  likeMatch,
  realToLiteral,
  realValue,
  textNumericAffinity,
  toText,
  truthy,
  utf8Decode,
  utf8Encode,
  utf8Length,
  type Collation,
} from '../values/index.js';
import { functionError, integerOverflow, MAX_LENGTH, tooBig } from './errors.js';
import { sqlPrintf } from './printf.js';
import type { CallOptions, FunctionContext, ScalarFunction } from './types.js';

type Impl = (args: SqlValue[], ctx: FunctionContext, opts?: CallOptions) => SqlValue;

export function fn(name: string, minArgs: number, maxArgs: number, call: Impl, extra: Partial<ScalarFunction> = {}): ScalarFunction {
  return { name, minArgs, maxArgs, deterministic: true, call, ...extra };
}

const INT64_MIN = -(1n << 63n);

/** Bytes of a value as sqlite3_value_blob sees them (text as UTF-8, NULL as empty). */
function blobBytes(v: SqlValue): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (v === null) return new Uint8Array(0);
  return utf8Encode(toText(v)!);
}

/** Text up to the first NUL (how SQLite's C-string based functions see text). */
function cText(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

const HEXU = '0123456789ABCDEF';

function hexOf(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEXU[b[i]! >> 4]! + HEXU[b[i]! & 15]!;
  return s;
}

/** sqlite3_value_numeric_type: INTEGER, REAL (or DECIMAL) value, or undefined for text/blob/NULL. */
export function numericArg(v: SqlValue): bigint | number | Decimal | undefined {
  if (typeof v === 'bigint' || typeof v === 'number' || v instanceof Decimal) return v;
  if (typeof v === 'string') {
    const t = textNumericAffinity(v, false);
    return typeof t === 'string' ? undefined : (t as bigint | number);
  }
  return undefined;
}

function upperAscii(s: string): string {
  return /[a-z]/.test(s) ? s.replace(/[a-z]+/g, (m) => m.toUpperCase()) : s;
}
function lowerAscii(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

/** A code point as SQLite's char() encodes it (surrogates give invalid UTF-8, read as 3 × U+FFFD). */
function charOf(cp: number): string {
  if (cp >= 0xd800 && cp <= 0xdfff) return '\ufffd\ufffd\ufffd';
  return String.fromCodePoint(cp);
}

const LIKE_PATTERN_LIMIT = 50000;

function likeImpl(args: SqlValue[], glob: boolean): SqlValue {
  const [pat, str] = args;
  if (pat instanceof Uint8Array || str instanceof Uint8Array) return 0n;
  const patText = pat === null || pat === undefined ? null : toText(pat)!;
  if (patText !== null && utf8Length(patText) > LIKE_PATTERN_LIMIT) {
    throw functionError('LIKE_PATTERN_TOO_COMPLEX', 'LIKE or GLOB pattern too complex');
  }
  let escape: string | undefined;
  if (!glob && args.length === 3) {
    const e = args[2]!;
    if (e === null) return null;
    const et = toText(e)!;
    if (codePointLength(et) !== 1) {
      throw functionError('LIKE_ESCAPE', 'ESCAPE expression must be a single character');
    }
    escape = et;
  }
  if (patText === null || str === null || str === undefined) return null;
  const text = toText(str)!;
  if (glob) return globMatch(patText, text) ? 1n : 0n;
  return likeMatch(patText, text, escape) ? 1n : 0n;
}

function trimImpl(args: SqlValue[], left: boolean, right: boolean): SqlValue {
  const x = args[0]!;
  if (x === null) return null;
  const s = toText(x)!;
  let chars: string[];
  if (args.length === 1) {
    chars = [' '];
  } else {
    const y = args[1]!;
    if (y === null) return null;
    chars = Array.from(cText(toText(y)!));
    if (chars.length === 0) return s;
  }
  let start = 0;
  let end = s.length;
  if (left) {
    outer: while (start < end) {
      for (const ch of chars) {
        if (s.startsWith(ch, start) && start + ch.length <= end) {
          start += ch.length;
          continue outer;
        }
      }
      break;
    }
  }
  if (right) {
    outer: while (end > start) {
      for (const ch of chars) {
        if (end - ch.length >= start && s.startsWith(ch, end - ch.length)) {
          end -= ch.length;
          continue outer;
        }
      }
      break;
    }
  }
  return s.slice(start, end);
}

function substrImpl(args: SqlValue[]): SqlValue {
  const x = args[0]!;
  const a1 = args[1]!;
  let p1 = intValue(a1);
  const isBlob = x instanceof Uint8Array;
  if (x === null) return null;
  let text = '';
  let bytes: Uint8Array | null = null;
  let len = 0n;
  if (isBlob) {
    if (x.length === 0) return null; // sqlite3_value_blob() of an empty blob is a NULL pointer
    bytes = x;
    len = BigInt(x.length);
  } else {
    text = cText(toText(x)!);
    if (p1 < 0n) len = BigInt(codePointLength(text));
  }
  let p2: bigint;
  if (args.length === 3) {
    const a2 = args[2]!;
    p2 = intValue(a2);
    if (p2 === 0n && a2 === null) return null;
  } else {
    p2 = BigInt(MAX_LENGTH);
  }
  if (p1 === 0n && a1 === null) return null;
  if (p1 < 0n) {
    p1 += len;
    if (p1 < 0n) {
      if (p2 < 0n) p2 = 0n;
      else p2 += p1;
      p1 = 0n;
    }
  } else if (p1 > 0n) {
    p1--;
  } else if (p2 > 0n) {
    p2--;
  }
  if (p2 < 0n) {
    if (p2 < -p1) p2 = p1;
    else p2 = -p2;
    p1 -= p2;
  }
  if (!isBlob) {
    const cap = BigInt(text.length);
    const start = advanceCodePoints(text, 0, Number(p1 > cap ? cap : p1));
    const end = advanceCodePoints(text, start, Number(p2 > cap ? cap : p2));
    return text.slice(start, end);
  }
  let q1 = p1;
  let q2 = p2;
  if (q1 >= len) {
    q1 = 0n;
    q2 = 0n;
  } else if (q2 > len - q1) {
    q2 = len - q1;
  }
  return bytes!.slice(Number(q1), Number(q1 + q2));
}

function roundImpl(args: SqlValue[]): SqlValue {
  let n = 0n;
  if (args.length === 2) {
    if (args[1] === null) return null;
    n = intValue(args[1]!);
    if (n > 30n) n = 30n;
    if (n < 0n) n = 0n;
  }
  const x = args[0]!;
  if (x === null) return null;
  if (x instanceof Decimal) return x.rescale(Number(n));
  let r = realValue(x);
  if (r < -4503599627370496 || r > 4503599627370496) {
    // no fractional part
  } else if (n === 0n) {
    r = Number(BigInt(Math.trunc(r + (r < 0 ? -0.5 : 0.5))));
  } else {
    atof((sqlPrintf('%!.*f', [n, r]) as string | null) ?? '');
    r = numResult.real;
  }
  return r;
}

function instrImpl(args: SqlValue[]): SqlValue {
  const [h, n] = args as [SqlValue, SqlValue];
  if (h === null || n === null) return null;
  if (h instanceof Uint8Array && n instanceof Uint8Array) {
    if (n.length === 0) return 1n;
    outer: for (let i = 0; i + n.length <= h.length; i++) {
      for (let k = 0; k < n.length; k++) if (h[i + k] !== n[k]) continue outer;
      return BigInt(i + 1);
    }
    return 0n;
  }
  const hs = toText(h)!;
  const ns = toText(n)!;
  if (ns.length === 0) return 1n;
  const idx = hs.indexOf(ns);
  return idx < 0 ? 0n : BigInt(codePointLength(hs.slice(0, idx)) + 1);
}

function quoteImpl(v: SqlValue): string {
  if (v === null) return 'NULL';
  switch (typeof v) {
    case 'bigint':
      return v.toString();
    case 'number':
      return realToLiteral(v);
    case 'string':
      return "'" + cText(v).replace(/'/g, "''") + "'";
    default:
      if (v instanceof Decimal) return v.toString();
      return "X'" + hexOf(v) + "'";
  }
}

function unhexImpl(args: SqlValue[]): SqlValue {
  const x = args[0]!;
  if (x === null) return null;
  let pass: string[] = [];
  if (args.length === 2) {
    if (args[1] === null) return null;
    pass = Array.from(toText(args[1]!)!);
  }
  const s = cText(toText(x)!);
  const out: number[] = [];
  const isHex = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
  const hv = (c: number) => (c <= 0x39 ? c - 0x30 : (c & 0x0f) + 9);
  let i = 0;
  while (i < s.length) {
    let c = s.charCodeAt(i);
    while (!isHex(c)) {
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      if (!pass.includes(ch)) return null;
      i += ch.length;
      if (i >= s.length) return new Uint8Array(out);
      c = s.charCodeAt(i);
    }
    i++;
    const d = i < s.length ? s.charCodeAt(i) : 0;
    i++;
    if (!isHex(d)) return null;
    out.push((hv(c) << 4) | hv(d));
  }
  return new Uint8Array(out);
}

function soundexImpl(v: SqlValue): string {
  const codes = [0, 1, 2, 3, 0, 1, 2, 0, 0, 2, 2, 4, 5, 5, 0, 1, 2, 6, 2, 3, 0, 1, 0, 2, 0, 2];
  const z = v === null ? '' : cText(toText(v)!);
  const code = (ch: number): number => {
    const c = ch & 0x7f;
    const l = c | 0x20;
    return l >= 0x61 && l <= 0x7a && (c >= 0x41) ? codes[l - 0x61]! : 0;
  };
  const isAlpha = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  const bytes = utf8Encode(z);
  let i = 0;
  while (i < bytes.length && !isAlpha(bytes[i]!)) i++;
  if (i >= bytes.length) return '?000';
  let prev = code(bytes[i]!);
  let res = String.fromCharCode(bytes[i]! >= 0x61 ? bytes[i]! - 0x20 : bytes[i]!);
  for (; res.length < 4 && i < bytes.length; i++) {
    const cd = code(bytes[i]!);
    if (cd > 0) {
      if (cd !== prev) {
        prev = cd;
        res += String(cd);
      }
    } else {
      prev = 0;
    }
  }
  return res.padEnd(4, '0');
}

function randomInt64(): bigint {
  const b = new BigInt64Array(1);
  crypto.getRandomValues(b);
  let r = b[0]!;
  if (r < 0n) r = -(r & ((1n << 63n) - 1n));
  return r;
}

function minmaxScalar(args: SqlValue[], max: boolean, collation?: Collation): SqlValue {
  let best = 0;
  if (args[0] === null) return null;
  for (let i = 1; i < args.length; i++) {
    if (args[i] === null) return null;
    const c = compareValues(args[best]!, args[i]!, collation);
    if (max ? c < 0 : c >= 0) best = i;
  }
  return args[best]!;
}

function unistrImpl(v: SqlValue): SqlValue {
  if (v === null) return null;
  const s = toText(v)!;
  let out = '';
  let i = 0;
  const bad = () => functionError('INVALID_UNICODE_ESCAPE', 'invalid Unicode escape');
  const hexN = (from: number, n: number): number => {
    if (from + n > s.length) throw bad();
    let r = 0;
    for (let k = 0; k < n; k++) {
      const c = s.charCodeAt(from + k);
      const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
      if (!ok) throw bad();
      r = r * 16 + (c <= 0x39 ? c - 0x30 : (c & 0x0f) + 9);
    }
    return r;
  };
  const emit = (cp: number) => {
    out += cp > 0x10ffff ? '\ufffd' : charOf(cp);
  };
  while (i < s.length) {
    const j = s.indexOf('\\', i);
    if (j < 0) {
      out += s.slice(i);
      break;
    }
    out += s.slice(i, j);
    i = j;
    const c = s.charCodeAt(i + 1);
    if (c === 0x5c) {
      out += '\\';
      i += 2;
    } else if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)) {
      emit(hexN(i + 1, 4));
      i += 5;
    } else if (c === 0x2b) {
      emit(hexN(i + 2, 6));
      i += 8;
    } else if (c === 0x75) {
      emit(hexN(i + 2, 4));
      i += 6;
    } else if (c === 0x55) {
      emit(hexN(i + 2, 8));
      i += 10;
    } else {
      throw bad();
    }
  }
  return out;
}

function unistrQuoteImpl(v: SqlValue): string {
  if (typeof v !== 'string') return quoteImpl(v);
  const t = sqlPrintf('%#Q', [v]);
  return t as string;
}

export const coreFunctions: ScalarFunction[] = [
  fn('abs', 1, 1, ([x]) => {
    if (x === null) return null;
    if (typeof x === 'bigint') {
      if (x === INT64_MIN) throw integerOverflow();
      return x < 0n ? -x : x;
    }
    if (x instanceof Decimal) return x.abs();
    const r = realValue(x!);
    return r < 0 ? -r : r;
  }),
  fn('char', 0, -1, (args) => {
    let s = '';
    for (const a of args) {
      let x = intValue(a);
      if (x < 0n || x > 0x10ffffn) x = 0xfffdn;
      s += charOf(Number(x));
    }
    return s;
  }),
  fn(
    'coalesce',
    2,
    -1,
    (args) => {
      for (const a of args) if (a !== null) return a;
      return null;
    },
    { lazy: true },
  ),
  fn(
    'ifnull',
    2,
    2,
    ([a, b]) => (a !== null ? a! : b!),
    { lazy: true },
  ),
  fn(
    'iif',
    2,
    -1,
    (args) => iifImpl(args),
    { lazy: true },
  ),
  fn(
    'if',
    2,
    -1,
    (args) => iifImpl(args),
    { lazy: true },
  ),
  fn('concat', 1, -1, (args) => {
    let s = '';
    for (const a of args) if (a !== null) s += toText(a)!;
    return s;
  }),
  fn('concat_ws', 2, -1, (args) => {
    const sep = args[0]!;
    if (sep === null) return null;
    const st = toText(sep)!;
    let s = '';
    let any = false;
    for (let i = 1; i < args.length; i++) {
      const a = args[i]!;
      if (a === null) continue;
      if (any) s += st;
      s += toText(a)!;
      any = true;
    }
    return s;
  }),
  fn('format', 0, -1, (args) => (args.length === 0 ? null : sqlPrintf(args[0]!, args.slice(1)))),
  fn('printf', 0, -1, (args) => (args.length === 0 ? null : sqlPrintf(args[0]!, args.slice(1)))),
  fn('glob', 2, 2, (args) => likeImpl(args, true)),
  fn('like', 2, 3, (args) => likeImpl(args, false)),
  fn('hex', 1, 1, ([x]) => hexOf(blobBytes(x!))),
  fn('instr', 2, 2, (args) => instrImpl(args)),
  fn('length', 1, 1, ([x]) => {
    if (x === null) return null;
    if (x instanceof Uint8Array) return BigInt(x.length);
    if (typeof x === 'string') return BigInt(codePointLength(cText(x)));
    return BigInt(utf8Length(toText(x!)!));
  }),
  fn('octet_length', 1, 1, ([x]) => {
    if (x === null) return null;
    if (x instanceof Uint8Array) return BigInt(x.length);
    return BigInt(utf8Length(toText(x!)!));
  }),
  fn('likelihood', 2, 2, ([x]) => x!),
  fn('likely', 1, 1, ([x]) => x!),
  fn('unlikely', 1, 1, ([x]) => x!),
  fn('lower', 1, 1, ([x]) => (x === null ? null : lowerAscii(toText(x!)!))),
  fn('upper', 1, 1, ([x]) => (x === null ? null : upperAscii(toText(x!)!))),
  fn('ltrim', 1, 2, (args) => trimImpl(args, true, false)),
  fn('rtrim', 1, 2, (args) => trimImpl(args, false, true)),
  fn('trim', 1, 2, (args) => trimImpl(args, true, true)),
  fn('max', 2, -1, (args, _ctx, opts) => minmaxScalar(args, true, opts?.collation)),
  fn('min', 2, -1, (args, _ctx, opts) => minmaxScalar(args, false, opts?.collation)),
  fn('nullif', 2, 2, ([a, b], _ctx, opts) => (compareValues(a!, b!, opts?.collation) !== 0 ? a! : null)),
  fn('quote', 1, 1, ([x]) => quoteImpl(x!)),
  fn('random', 0, 0, () => randomInt64(), { deterministic: false }),
  fn(
    'randomblob',
    1,
    1,
    ([x]) => {
      let n = intValue(x!);
      if (n < 1n) n = 1n;
      if (n > BigInt(MAX_LENGTH)) throw tooBig();
      const b = new Uint8Array(Number(n));
      for (let i = 0; i < b.length; i += 65536) crypto.getRandomValues(b.subarray(i, Math.min(b.length, i + 65536)));
      return b;
    },
    { deterministic: false },
  ),
  fn('replace', 3, 3, ([x, y, z]) => {
    if (x === null) return null;
    const s = toText(x!)!;
    if (y === null) return null;
    const p = toText(y!)!;
    if (p.length === 0 || p.charCodeAt(0) === 0) return s;
    if (z === null) return null;
    const r = toText(z!)!;
    const out = s.split(p).join(r);
    if (utf8Length(out) > MAX_LENGTH) throw tooBig();
    return out;
  }),
  fn('round', 1, 2, (args) => roundImpl(args)),
  fn('sign', 1, 1, ([x]) => {
    const v = numericArg(x!);
    if (v === undefined) return null;
    if (v instanceof Decimal) return BigInt(v.sign());
    const r = typeof v === 'bigint' ? Number(v) : v;
    return r < 0 ? -1n : r > 0 ? 1n : 0n;
  }),
  fn('soundex', 1, 1, ([x]) => soundexImpl(x!)),
  fn('sqlite_version', 0, 0, () => '3.45.0'),
  fn('substr', 2, 3, (args) => substrImpl(args)),
  fn('substring', 2, 3, (args) => substrImpl(args)),
  fn('typeof', 1, 1, ([x]) => storageClass(x!)),
  fn('unhex', 1, 2, (args) => unhexImpl(args)),
  fn('unicode', 1, 1, ([x]) => {
    if (x === null) return null;
    const s = toText(x!)!;
    if (s.length === 0 || s.charCodeAt(0) === 0) return null;
    return BigInt(s.codePointAt(0)!);
  }),
  fn('unistr', 1, 1, ([x]) => unistrImpl(x!)),
  fn('unistr_quote', 1, 1, ([x]) => unistrQuoteImpl(x!)),
  fn('zeroblob', 1, 1, ([x]) => {
    let n = intValue(x!);
    if (n < 0n) n = 0n;
    if (n > BigInt(MAX_LENGTH)) throw tooBig();
    return new Uint8Array(Number(n));
  }),
  fn('changes', 0, 0, (_a, ctx) => ctx.changes(), { deterministic: false }),
  fn('total_changes', 0, 0, (_a, ctx) => ctx.totalChanges(), { deterministic: false }),
  fn('last_insert_rowid', 0, 0, (_a, ctx) => ctx.lastInsertRowid(), { deterministic: false }),
];

/** iif(c1, v1 [, c2, v2 ...] [, else]): CASE WHEN c1 THEN v1 ... ELSE else END. */
function iifImpl(args: SqlValue[]): SqlValue {
  let i = 0;
  for (; i + 1 < args.length; i += 2) {
    if (truthy(args[i]!) === true) return args[i + 1]!;
  }
  return i < args.length ? args[i]! : null;
}

export { blobBytes, hexOf, cText, utf8Decode };
