/**
 * Test helpers for the codecs: fast-check arbitraries of SQL values (clustered so that equal and
 * nearly equal numerics of different types meet), exact value equality, and a reference
 * comparator for SQLite's ORDER BY order written independently of the codecs.
 */
import fc from 'fast-check';
import { Decimal, type SqlValue } from '../../../src/objects/index.js';

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

// ---------------------------------------------------------------------------------------------
// Exact rationals for the reference comparator.

interface Rational {
  num: bigint;
  den: bigint; // > 0
}

/** The exact value of a finite double, found by doubling until it is an integer. */
function doubleToRational(d: number): Rational {
  let x = d;
  let den = 1n;
  while (!Number.isInteger(x)) {
    x *= 2;
    den *= 2n;
  }
  return { num: BigInt(x), den };
}

function cmpRational(a: Rational, b: Rational): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

const enc = new TextEncoder();

function cmpBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function classRank(v: SqlValue): number {
  if (v === null) return 0;
  if (typeof v === 'bigint' || typeof v === 'number' || v instanceof Decimal) return 1;
  if (typeof v === 'string') return 2;
  return 3;
}

function numericTypeRank(v: SqlValue): number {
  return typeof v === 'bigint' ? 0 : typeof v === 'number' ? 1 : 2;
}

/** Compare two numerics exactly; infinities are outside every finite value. */
function cmpNumeric(a: bigint | number | Decimal, b: bigint | number | Decimal): number {
  const inf = (v: bigint | number | Decimal): number => (typeof v === 'number' && !Number.isFinite(v) ? Math.sign(v) : 0);
  const ia = inf(a);
  const ib = inf(b);
  if (ia !== 0 || ib !== 0) return ia === ib ? 0 : ia < ib ? -1 : 1;
  const rat = (v: bigint | number | Decimal): Rational =>
    typeof v === 'bigint' ? { num: v, den: 1n } : typeof v === 'number' ? doubleToRational(v) : { num: v.coef, den: 10n ** BigInt(v.scale) };
  return cmpRational(rat(a), rat(b));
}

/**
 * SQLite's ORDER BY order on single values, plus the documented tie-break for numerically equal
 * values of different types: INTEGER < REAL < DECIMAL, DECIMALs by scale.
 */
export function refCompare(a: SqlValue, b: SqlValue): number {
  const ra = classRank(a);
  const rb = classRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return 0;
    case 1: {
      const c = cmpNumeric(a as bigint, b as bigint);
      if (c !== 0) return c;
      const ta = numericTypeRank(a);
      const tb = numericTypeRank(b);
      if (ta !== tb) return ta < tb ? -1 : 1;
      if (ta === 2) return Math.sign((a as Decimal).scale - (b as Decimal).scale);
      return 0;
    }
    case 2:
      return cmpBytes(enc.encode(a as string), enc.encode(b as string));
    default:
      return cmpBytes(a as Uint8Array, b as Uint8Array);
  }
}

/** Lexicographic tuple order; a proper prefix sorts first; `desc[i]` reverses element i. */
export function refCompareTuples(a: readonly SqlValue[], b: readonly SqlValue[], desc: readonly boolean[] = []): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = refCompare(a[i]!, b[i]!);
    if (c !== 0) return desc[i] ? -c : c;
  }
  return Math.sign(a.length - b.length);
}

/** Same storage class and exactly the same value (DECIMAL: coefficient and scale). -0 ≡ 0 when `zeroSigned` is false. */
export function sameValue(a: SqlValue, b: SqlValue, zeroSigned = true): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === 'bigint' || typeof a === 'string') return a === b;
  if (typeof a === 'number') return typeof b === 'number' && (zeroSigned ? Object.is(a, b) : a === b);
  if (a instanceof Decimal) return b instanceof Decimal && a.coef === b.coef && a.scale === b.scale;
  return b instanceof Uint8Array && !(b instanceof Decimal) && b.constructor === Uint8Array && cmpBytes(a, b) === 0;
}

export function describeValue(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0.0' : `${v}r`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Decimal) return `dec(${v.coef},${v.scale})`;
  return `x'${Buffer.from(v).toString('hex')}'`;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries.

const interestingInts = [
  0n, 1n, -1n, 2n, 3n, 10n, 100n,
  2n ** 52n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 53n + 2n, 2n ** 54n + 1n, 2n ** 54n + 3n,
  -(2n ** 53n) - 1n, -(2n ** 53n) + 1n, 2n ** 62n + 1n, INT64_MAX, INT64_MAX - 1n, INT64_MIN, INT64_MIN + 1n,
  9007199254740993n, 10n ** 18n, -(10n ** 18n) - 7n,
];

export const int64Arb: fc.Arbitrary<bigint> = fc.oneof(
  fc.constantFrom(...interestingInts),
  fc.bigInt({ min: -1000n, max: 1000n }),
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
  fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }),
);

export const doubleArb: fc.Arbitrary<number> = fc.oneof(
  fc.double({ noNaN: true }),
  fc.constantFrom(0, -0, 0.5, 1, 2, 2.5, 3, -2.5, 0.1, 1e-320, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, Infinity, -Infinity, 2 ** 53, 2 ** 53 + 2, 2 ** 63, -(2 ** 63), 2 ** 64, 1 + 2 ** -52),
  fc.integer({ min: -1000, max: 1000 }).map((i) => i / 4),
);

const scaleArb = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 40 }), fc.constantFrom(300, 400, 1100));

export const decimalArb: fc.Arbitrary<Decimal> = fc.oneof(
  fc.tuple(fc.bigInt({ min: -100000n, max: 100000n }), fc.integer({ min: 0, max: 6 })).map(([c, s]) => new Decimal(c, s)),
  fc.tuple(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), scaleArb).map(([c, s]) => new Decimal(c, s)),
  fc.constantFrom(new Decimal(10n ** 400n, 0), new Decimal(-(10n ** 400n), 0), new Decimal(1n, 400), new Decimal(-1n, 400), new Decimal(25n, 1), new Decimal(2n, 0), new Decimal(20n, 1)),
);

/** Numerically close values of every type around a few centres (equal values of different types meet). */
export const clusteredNumericArb: fc.Arbitrary<bigint | number | Decimal> = fc
  .tuple(
    fc.constantFrom(0n, 2n, -3n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 62n, 10n ** 17n),
    fc.integer({ min: -2, max: 2 }),
    fc.constantFrom('int', 'real', 'dec', 'decfrac', 'realexact'),
    fc.integer({ min: 0, max: 3 }),
  )
  .map(([centre, off, kind, scale]): bigint | number | Decimal => {
    const n = centre + BigInt(off);
    switch (kind) {
      case 'int':
        return n;
      case 'real':
        return Number(n);
      case 'dec':
        return new Decimal(n * 10n ** BigInt(scale), scale);
      case 'decfrac':
        return new Decimal(n * 10n ** BigInt(scale + 1) + BigInt(off * 3), scale + 1);
      default: {
        // The exact value of the double nearest n, as a DECIMAL.
        const r = doubleToRational(Number(n) / 8);
        const k = r.den.toString(2).length - 1;
        return new Decimal(r.num * 5n ** BigInt(k) * 10n ** BigInt(scale), k + scale);
      }
    }
  });

export const textArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: fc.constantFrom('a', 'b', '\u0000', '\u0001', '\u007f', '\u0080', 'é', '\uffff', '😀', '\ufeff'), maxLength: 6 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 40, maxLength: 150 }),
);

export const blobArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 12 }),
  fc.array(fc.constantFrom(0, 1, 0xfe, 0xff), { maxLength: 6 }).map((a) => new Uint8Array(a)),
);

export const sqlValueArb: fc.Arbitrary<SqlValue> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: int64Arb },
  { weight: 3, arbitrary: doubleArb },
  { weight: 2, arbitrary: decimalArb },
  { weight: 4, arbitrary: clusteredNumericArb },
  { weight: 3, arbitrary: textArb },
  { weight: 2, arbitrary: blobArb },
);

function nextAfter(d: number, up: boolean): number {
  if (!Number.isFinite(d)) return d;
  if (d === 0) return up ? 5e-324 : -5e-324;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, d);
  const bits = buf.getBigUint64(0);
  buf.setBigUint64(0, (d > 0) === up ? bits + 1n : bits - 1n);
  return buf.getFloat64(0);
}

/** The exact value of a finite double as a DECIMAL (extra trailing zeros optional). */
export function exactDecimalOfDouble(d: number, extraScale = 0): Decimal {
  const r = doubleToRational(d);
  const k = r.den.toString(2).length - 1; // den = 2^k
  return new Decimal(r.num * 5n ** BigInt(k) * 10n ** BigInt(extraScale), k + extraScale);
}

/**
 * A family of numerics that are all equal or nearly equal: a DECIMAL centre, the double nearest
 * it and that double's neighbours (as REAL and as exact DECIMALs), nearby INTEGERs, and DECIMALs a
 * hair away. Sorting the family exercises every class of the numeric encoding.
 */
export const numericFamilyArb: fc.Arbitrary<(bigint | number | Decimal)[]> = fc
  .tuple(
    fc.oneof(
      fc.bigInt({ min: -(10n ** 6n), max: 10n ** 6n }),
      fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
      fc.constantFrom(2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), 10n ** 17n + 3n),
    ),
    fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 30 }), fc.constantFrom(320, 330)),
  )
  .map(([coef, scale]) => {
    const centre = new Decimal(coef, scale);
    const d = Number(centre.toString());
    const out: (bigint | number | Decimal)[] = [centre, new Decimal(coef * 10n, scale + 1)];
    for (const x of [d, nextAfter(d, true), nextAfter(d, false)]) {
      if (!Number.isFinite(x)) continue;
      out.push(x, exactDecimalOfDouble(x), exactDecimalOfDouble(x, 1));
      if (Number.isInteger(x) && Math.abs(x) < 2 ** 63) {
        const i = BigInt(x);
        out.push(i, i + 1n, i - 1n);
      }
    }
    const up = new Decimal(coef * 10n ** 25n + 1n, scale + 25);
    const down = new Decimal(coef * 10n ** 25n - 1n, scale + 25);
    out.push(up, down);
    const f = coef / 10n ** BigInt(scale);
    for (const i of [f - 1n, f, f + 1n]) if (i >= INT64_MIN && i <= INT64_MAX) out.push(i);
    return out.filter((v) => typeof v !== 'bigint' || (v >= INT64_MIN && v <= INT64_MAX));
  });
