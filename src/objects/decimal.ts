/**
 * Exact decimal numbers for DECIMAL(p,s) / NUMERIC columns: value = coef × 10^-scale.
 *
 * Never converted through binary floating point unless a REAL is asked for. Arithmetic,
 * rounding and formatting live here so that every layer agrees on them.
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

  /** Same value at another scale (rounding half away from zero when reducing). */
  rescale(scale: number): Decimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new Decimal(this.coef * 10n ** BigInt(scale - this.scale), scale);
    const div = 10n ** BigInt(this.scale - scale);
    const q = this.coef / div;
    const r = this.coef % div;
    const twice = (r < 0n ? -r : r) * 2n;
    const rounded = twice >= div ? q + (this.coef < 0n ? -1n : 1n) : q;
    return new Decimal(rounded, scale);
  }

  /** Numeric comparison: -1, 0 or 1. */
  compare(other: Decimal): number {
    const s = Math.max(this.scale, other.scale);
    const a = this.rescale(s).coef;
    const b = other.rescale(s).coef;
    return a < b ? -1 : a > b ? 1 : 0;
  }

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
