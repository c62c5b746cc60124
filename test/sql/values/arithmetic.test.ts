import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, type SqlValue } from '../../../src/objects/index.js';
import {
  add,
  bitAnd,
  bitNot,
  bitOr,
  concat,
  div,
  mod,
  mul,
  negate,
  shiftLeft,
  shiftRight,
  sub,
} from '../../../src/sql/values/index.js';
import { arbInteger, arbValueUtf8, expectSame, ours, RUNS, sqliteValue } from '../functions/oracle.js';

const BINARY: [string, (a: SqlValue, b: SqlValue) => SqlValue][] = [
  ['+', add],
  ['-', sub],
  ['*', mul],
  ['/', div],
  ['%', mod],
  ['&', bitAnd],
  ['|', bitOr],
  ['<<', shiftLeft],
  ['>>', shiftRight],
  ['||', concat],
];

describe('binary operators match SQLite value for value and type for type', () => {
  for (const [op, f] of BINARY) {
    it(`a ${op} b`, () => {
      fc.assert(
        fc.property(arbValueUtf8, arbValueUtf8, (a, b) => {
          expectSame(ours(() => f(a, b)), sqliteValue(`SELECT ? ${op} ?`, [a, b]), `${String(a)} ${op} ${String(b)}`);
        }),
        { numRuns: RUNS * 5 },
      );
      fc.assert(
        fc.property(arbInteger, arbInteger, (a, b) => {
          expectSame(ours(() => f(a, b)), sqliteValue(`SELECT ? ${op} ?`, [a, b]), `${String(a)} ${op} ${String(b)}`);
        }),
        { numRuns: RUNS * 3 },
      );
    });
  }
  it('shift amounts around 64', () => {
    for (const a of [1n, -1n, 5n, -(2n ** 63n), 2n ** 63n - 1n]) {
      for (const b of [-65n, -64n, -63n, -1n, 0n, 1n, 62n, 63n, 64n, 65n]) {
        expectSame(ours(() => shiftLeft(a, b)), sqliteValue('SELECT ? << ?', [a, b]), `${a} << ${b}`);
        expectSame(ours(() => shiftRight(a, b)), sqliteValue('SELECT ? >> ?', [a, b]), `${a} >> ${b}`);
      }
    }
  });
});

describe('unary operators', () => {
  it('-x and ~x match SQLite', () => {
    fc.assert(
      fc.property(arbValueUtf8, (a) => {
        expectSame(ours(() => negate(a)), sqliteValue('SELECT -(?)', [a]), `-${String(a)}`);
        expectSame(ours(() => bitNot(a)), sqliteValue('SELECT ~(?)', [a]), `~${String(a)}`);
      }),
      { numRuns: RUNS * 5 },
    );
  });
});

describe('DECIMAL arithmetic (exact; deliberate extension)', () => {
  const arbDec = fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 12 })).map(([c, s]) => new Decimal(c, s));
  // exact rational value of a Decimal as [numerator, denominator]
  const rat = (d: Decimal): [bigint, bigint] => [d.coef, 10n ** BigInt(d.scale)];

  it('+, -, * are exact', () => {
    fc.assert(
      fc.property(arbDec, fc.oneof(arbDec, fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n })), (a, b) => {
        const [an, ad] = rat(a);
        const [bn, bd] = typeof b === 'bigint' ? [b, 1n] : rat(b);
        const check = (r: SqlValue, n: bigint, d: bigint) => {
          expect(r).toBeInstanceOf(Decimal);
          const [rn, rd] = rat(r as Decimal);
          expect(rn * d).toBe(n * rd);
        };
        check(add(a, b), an * bd + bn * ad, ad * bd);
        check(sub(a, b), an * bd - bn * ad, ad * bd);
        check(mul(a, b), an * bn, ad * bd);
        check(add(b, a), an * bd + bn * ad, ad * bd);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('/ rounds half away from zero at max(16, scales) digits; / 0 is NULL', () => {
    fc.assert(
      fc.property(arbDec, arbDec, (a, b) => {
        const q = div(a, b);
        if (b.isZero()) {
          expect(q).toBeNull();
          return;
        }
        const d = q as Decimal;
        expect(d.scale).toBe(Math.max(16, a.scale, b.scale));
        // |a/b - q| <= 0.5 ulp
        const [an, ad] = rat(a);
        const [bn, bd] = rat(b);
        const [qn, qd] = rat(d);
        const num = an * bd * qd - qn * ad * bn; // (a/b - q) * ad*bd*qd with sign of bn
        const den = ad * bn * qd;
        const err = num < 0n ? -num : num;
        const half = (den < 0n ? -den : den) / 2n + 1n;
        expect(err * 10n ** BigInt(d.scale) <= half * 10n ** BigInt(d.scale) * 1n).toBe(true);
      }),
      { numRuns: RUNS * 3 },
    );
    expect(String(div(new Decimal(1000n, 2), 4n))).toBe('2.5000000000000000');
    expect(String(div(new Decimal(1n, 0), new Decimal(3n, 0)))).toBe('0.3333333333333333');
    expect(String(div(new Decimal(2n, 0), new Decimal(3n, 0)))).toBe('0.6666666666666667');
    expect(String(div(new Decimal(-2n, 0), new Decimal(3n, 0)))).toBe('-0.6666666666666667');
    expect(mod(new Decimal(75n, 1), 2n)).toEqual(new Decimal(15n, 1));
    expect(mod(new Decimal(75n, 1), new Decimal(0n, 2))).toBeNull();
  });

  it('DECIMAL with REAL is REAL; with text reads the text as a number', () => {
    expect(add(new Decimal(15n, 1), 0.25)).toBe(1.75);
    expect(mul(new Decimal(15n, 1), '2')).toEqual(new Decimal(30n, 1));
    expect(add(new Decimal(15n, 1), null)).toBeNull();
    expect(negate(new Decimal(15n, 1))).toEqual(new Decimal(-15n, 1));
  });
});
