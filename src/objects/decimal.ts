/**
 * Exact decimal numbers for DECIMAL(p,s) / NUMERIC columns: value = coef × 10^-scale.
 *
 * Never converted through binary floating point unless a REAL is asked for. Arithmetic,
 * rounding and formatting live here so that every layer agrees on them.
 *
 * Rules: `add`/`sub` keep the larger scale, `mul` adds the scales, `div` and `rescale` round
 * half away from zero to the scale asked for. Comparison with a `number` (REAL) happens in
 * REAL, as mixed DECIMAL/REAL arithmetic does; comparison with `bigint` or `Decimal` is exact.
 */
export class Decimal {
  /** The unscaled integer. */
  readonly coef: bigint;
  /** Digits after the decimal point (≥ 0). */
  readonly scale: number;

  constructor(coef: bigint, scale: number) {
    if (!Number.isInteger(scale) || scale < 0) throw new TypeError(`Decimal scale must be a non-negative integer, got ${scale}`);
    this.coef = coef;
    this.scale = scale;
  }

  /** Parse `-12.340`, `1e3`, `.5`. Returns `undefined` when the text is not a decimal number. */
  static parse(text: string): Decimal | undefined {
    const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
    if (!m) return undefined;
    const [, sign, intPart = '', fracPart = '', expPart] = m;
    if (intPart === '' && fracPart === '') return undefined;
    let coef = BigInt((intPart + fracPart) || '0');
    let scale = fracPart.length;
    if (expPart !== undefined) {
      const exp = Number(expPart);
      if (Math.abs(exp) > 10_000) return undefined;
      scale -= exp;
      if (scale < 0) {
        coef *= 10n ** BigInt(-scale);
        scale = 0;
      }
    }
    if (sign === '-') coef = -coef;
    return new Decimal(coef, scale);
  }

  static fromBigInt(v: bigint): Decimal {
    return new Decimal(v, 0);
  }

  /**
   * The decimal that a REAL reads as: the shortest decimal text that converts back to the same
   * double (`0.1` → `0.1`, not its binary expansion). Throws `RangeError` for NaN and ±Infinity.
   */
  static fromNumber(n: number): Decimal {
    if (!Number.isFinite(n)) throw new RangeError(`Cannot represent ${n} as a DECIMAL`);
    const d = Decimal.parse(String(n));
    if (d === undefined) throw new RangeError(`Cannot represent ${n} as a DECIMAL`);
    return d;
  }

  /** A bigint or Decimal as a Decimal (numbers go through `fromNumber`). */
  static from(v: bigint | number | Decimal): Decimal {
    if (v instanceof Decimal) return v;
    return typeof v === 'bigint' ? new Decimal(v, 0) : Decimal.fromNumber(v);
  }

  /** Same value at another scale (rounding half away from zero when reducing). */
  rescale(scale: number): Decimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new Decimal(this.coef * 10n ** BigInt(scale - this.scale), scale);
    const div = 10n ** BigInt(this.scale - scale);
    return new Decimal(divRoundHalfAway(this.coef, div), scale);
  }

  /** The same value with trailing fraction zeros removed (`1.500` → `1.5`, `2.00` → `2`). */
  normalize(): Decimal {
    let { coef, scale } = this;
    while (scale > 0 && coef % 10n === 0n) {
      coef /= 10n;
      scale--;
    }
    return scale === this.scale ? this : new Decimal(coef, scale);
  }

  add(other: Decimal | bigint): Decimal {
    const o = typeof other === 'bigint' ? new Decimal(other, 0) : other;
    const s = Math.max(this.scale, o.scale);
    return new Decimal(this.rescale(s).coef + o.rescale(s).coef, s);
  }

  sub(other: Decimal | bigint): Decimal {
    const o = typeof other === 'bigint' ? new Decimal(other, 0) : other;
    const s = Math.max(this.scale, o.scale);
    return new Decimal(this.rescale(s).coef - o.rescale(s).coef, s);
  }

  mul(other: Decimal | bigint): Decimal {
    if (typeof other === 'bigint') return new Decimal(this.coef * other, this.scale);
    return new Decimal(this.coef * other.coef, this.scale + other.scale);
  }

  /**
   * Quotient rounded half away from zero to `scale` fraction digits. Throws `RangeError` when
   * the divisor is zero (the SQL layer turns that into NULL first).
   */
  div(other: Decimal | bigint, scale: number): Decimal {
    const o = typeof other === 'bigint' ? new Decimal(other, 0) : other;
    if (o.coef === 0n) throw new RangeError('Decimal division by zero');
    if (!Number.isInteger(scale) || scale < 0) throw new TypeError(`Decimal scale must be a non-negative integer, got ${scale}`);
    // this/o = (a·10^-sa)/(b·10^-sb); result coef = a·10^(scale+sb-sa) / b
    const shift = scale + o.scale - this.scale;
    let num = this.coef;
    let den = o.coef;
    if (shift >= 0) num *= 10n ** BigInt(shift);
    else den *= 10n ** BigInt(-shift);
    return new Decimal(divRoundHalfAway(num, den), scale);
  }

  /** Remainder of truncated division (sign follows the dividend), exact. */
  mod(other: Decimal | bigint): Decimal {
    const o = typeof other === 'bigint' ? new Decimal(other, 0) : other;
    if (o.coef === 0n) throw new RangeError('Decimal division by zero');
    const s = Math.max(this.scale, o.scale);
    return new Decimal(this.rescale(s).coef % o.rescale(s).coef, s);
  }

  negate(): Decimal {
    return new Decimal(-this.coef, this.scale);
  }

  abs(): Decimal {
    return this.coef < 0n ? new Decimal(-this.coef, this.scale) : this;
  }

  /** -1, 0 or 1. */
  sign(): number {
    return this.coef < 0n ? -1 : this.coef > 0n ? 1 : 0;
  }

  isZero(): boolean {
    return this.coef === 0n;
  }

  isInteger(): boolean {
    return this.scale === 0 || this.coef % 10n ** BigInt(this.scale) === 0n;
  }

  /** The integer part (truncated toward zero). */
  toBigInt(): bigint {
    return this.scale === 0 ? this.coef : this.coef / 10n ** BigInt(this.scale);
  }

  /** Number of digits before the decimal point, ignoring leading zeros (0 for |x| < 1). */
  integerDigits(): number {
    const ip = this.toBigInt();
    if (ip === 0n) return 0;
    return (ip < 0n ? -ip : ip).toString().length;
  }

  /**
   * Numeric comparison: -1, 0 or 1. Exact against `Decimal` and `bigint`; against a `number`
   * the comparison happens in REAL (`Decimal 0.1` equals REAL `0.1`). NaN sorts first.
   */
  compare(other: Decimal | bigint | number): number {
    if (typeof other === 'number') {
      if (Number.isNaN(other)) return 1;
      const a = this.toNumber();
      return a < other ? -1 : a > other ? 1 : 0;
    }
    const o = typeof other === 'bigint' ? new Decimal(other, 0) : other;
    if (this.scale === o.scale) return this.coef < o.coef ? -1 : this.coef > o.coef ? 1 : 0;
    const s = Math.max(this.scale, o.scale);
    const a = this.rescale(s).coef;
    const b = o.rescale(s).coef;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  equals(other: Decimal | bigint | number): boolean {
    return this.compare(other) === 0;
  }

  /** The nearest double (correctly rounded from the exact decimal text). */
  toNumber(): number {
    return Number(this.toString());
  }

  /** Plain notation with exactly `scale` fraction digits, e.g. `-0.50`. */
  toString(): string {
    const neg = this.coef < 0n;
    let digits = (neg ? -this.coef : this.coef).toString();
    if (this.scale === 0) return (neg ? '-' : '') + digits;
    if (digits.length <= this.scale) digits = '0'.repeat(this.scale - digits.length + 1) + digits;
    const cut = digits.length - this.scale;
    return `${neg ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** n / d rounded half away from zero (d ≠ 0). */
function divRoundHalfAway(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const ar = r < 0n ? -r : r;
  const ad = d < 0n ? -d : d;
  if (ar * 2n >= ad) return q + ((n < 0n) !== (d < 0n) ? -1n : 1n);
  return q;
}
