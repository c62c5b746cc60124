import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../src/objects/index.js';
import { applyAffinity, castValue, compareValues, toDecimal, toText } from '../../../src/sql/values/index.js';
import { RUNS } from '../functions/oracle.js';

const arbDec = fc.tuple(fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }), fc.integer({ min: 0, max: 10 })).map(([c, s]) => new Decimal(c, s));

describe('Decimal', () => {
  it('fromNumber gives the shortest decimal that reads back as the same double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (r) => {
        const d = Decimal.fromNumber(r);
        expect(d.toNumber()).toBe(r === 0 ? 0 : r);
      }),
      { numRuns: RUNS * 3 },
    );
    expect(Decimal.fromNumber(0.1).toString()).toBe('0.1');
    expect(Decimal.fromNumber(1e21).toString()).toBe('1000000000000000000000');
    expect(() => Decimal.fromNumber(NaN)).toThrow(RangeError);
  });

  it('rescale rounds half away from zero', () => {
    expect(new Decimal(125n, 2).rescale(1).toString()).toBe('1.3');
    expect(new Decimal(-125n, 2).rescale(1).toString()).toBe('-1.3');
    expect(new Decimal(124n, 2).rescale(1).toString()).toBe('1.2');
    expect(new Decimal(5n, 1).rescale(0).toString()).toBe('1');
    expect(new Decimal(1n, 0).rescale(3).toString()).toBe('1.000');
  });

  it('compare is consistent with subtraction', () => {
    fc.assert(
      fc.property(arbDec, arbDec, (a, b) => {
        expect(a.compare(b)).toBe(a.sub(b).sign());
        expect(a.add(b).sub(b).compare(a)).toBe(0);
        expect(a.mul(b).compare(b.mul(a))).toBe(0);
        if (!b.isZero()) {
          // q*b + r == a for the truncated remainder
          const r = a.mod(b);
          const q = a.sub(r).div(b, 0);
          expect(q.mul(b).add(r).compare(a)).toBe(0);
        }
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('integer parts, integrality, normalize', () => {
    expect(new Decimal(-2501n, 3).toBigInt()).toBe(-2n);
    expect(new Decimal(2500n, 3).isInteger()).toBe(false);
    expect(new Decimal(2000n, 3).isInteger()).toBe(true);
    expect(new Decimal(15000n, 4).normalize().toString()).toBe('1.5');
    expect(new Decimal(123456n, 2).integerDigits()).toBe(4);
    expect(new Decimal(5n, 2).integerDigits()).toBe(0);
  });
});

describe('toDecimal / DECIMAL(p,s) (deliberate extension)', () => {
  it('rounds to the scale and checks the precision', () => {
    expect(toDecimal('12.345', 5, 2)!.toString()).toBe('12.35');
    expect(toDecimal(12.345, 5, 2)!.toString()).toBe('12.35');
    expect(toDecimal(999n, 5, 2)!.toString()).toBe('999.00');
    expect(toDecimal('-0.005', 3, 2)!.toString()).toBe('-0.01');
    expect(toDecimal(null, 5, 2)).toBeNull();
    expect(toDecimal('1e3')!.toString()).toBe('1000');
    expect(() => toDecimal(1000n, 5, 2)).toThrow(expect.objectContaining({ code: 'NUMERIC_OUT_OF_RANGE' }));
    expect(() => toDecimal('999.995', 5, 2)).toThrow(expect.objectContaining({ code: 'NUMERIC_OUT_OF_RANGE' }));
    expect(() => toDecimal(Infinity, 10, 2)).toThrow(expect.objectContaining({ code: 'NUMERIC_OUT_OF_RANGE' }));
    expect(() => toDecimal('abc', 10, 2)).toThrow(expect.objectContaining({ code: 'DATATYPE_MISMATCH' }));
    expect(() => toDecimal(1n, 2, 5)).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }));
  });

  it('every value that fits round-trips through its text', () => {
    fc.assert(
      fc.property(arbDec, fc.integer({ min: 0, max: 6 }), (d, s) => {
        const p = 40;
        const v = toDecimal(d, p, s)!;
        expect(v.scale).toBe(s);
        expect(toDecimal(toText(v), p, s)!.compare(v)).toBe(0);
        // rounding error at most half a unit in the last place
        const err = d.sub(v).abs();
        expect(err.compare(new Decimal(5n, s + 1))).toBeLessThanOrEqual(0);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('CAST(x AS DECIMAL(p,s)) is exact; CAST(x AS DECIMAL) follows SQLite (NUMERIC)', () => {
    expect(castValue('0.1', 'DECIMAL(10,2)')).toEqual(new Decimal(10n, 2));
    expect(castValue(7n, 'NUMERIC(4)')).toEqual(new Decimal(7n, 0));
    expect(castValue('0.1', 'DECIMAL')).toBe(0.1);
    expect(castValue('12', 'DECIMAL')).toBe(12n);
  });

  it('NUMERIC affinity keeps DECIMAL values; other affinities convert them', () => {
    const d = new Decimal(150n, 2);
    expect(applyAffinity(d, 'NUMERIC')).toBe(d);
    expect(applyAffinity(d, 'REAL')).toBe(1.5);
    expect(applyAffinity(d, 'INTEGER')).toBe(1.5);
    expect(applyAffinity(new Decimal(200n, 2), 'INTEGER')).toBe(2n);
    expect(applyAffinity(d, 'TEXT')).toBe('1.50');
    expect(compareValues(d, 1.5)).toBe(0);
  });
});

describe('other CAST extensions (deliberate)', () => {
  it('BOOLEAN', () => {
    expect(castValue('true', 'BOOLEAN')).toBe(1n);
    expect(castValue('Off', 'BOOLEAN')).toBe(0n);
    expect(castValue(2n, 'BOOLEAN')).toBe(1n);
    expect(castValue(0.0, 'BOOL')).toBe(0n);
    expect(castValue('abc', 'BOOLEAN')).toBe(0n);
    expect(castValue(null, 'BOOLEAN')).toBeNull();
  });
  it('DATE / TIMESTAMP as TEXT', () => {
    expect(castValue('2024-01-02', 'DATE')).toBe('2024-01-02');
    expect(castValue(20240102n, 'TIMESTAMP')).toBe('20240102');
    expect(castValue(1.5, 'DATETIME')).toBe('1.5');
  });
});
