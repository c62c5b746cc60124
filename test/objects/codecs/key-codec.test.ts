import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Decimal,
  compareBytes,
  decodeKey,
  decodeKeyInto,
  encodeKey,
  prefixUpperBound,
  type SqlValue,
} from '../../../src/objects/index.js';
import { DecodeError } from '../../../src/errors/index.js';
import {
  INT64_MAX,
  INT64_MIN,
  clusteredNumericArb,
  describeValue,
  numericFamilyArb,
  refCompare,
  refCompareTuples,
  sameValue,
  sqlValueArb,
} from './sql-values.js';

const RUNS = process.env.HDB_LONG ? 20_000 : 1_000;

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const sign = (x: number): number => (x < 0 ? -1 : x > 0 ? 1 : 0);

function expectSameTuple(got: readonly SqlValue[], want: readonly SqlValue[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    if (!sameValue(g, want[i]!, false)) throw new Error(`element ${i}: got ${describeValue(g)}, want ${describeValue(want[i]!)}`);
    // -0.0 decodes as 0.0 (documented); every other double keeps its bits.
    if (typeof g === 'number') expect(Object.is(g, -0)).toBe(false);
  });
}

const tupleArb = fc.array(sqlValueArb, { minLength: 0, maxLength: 4 });
const descArb = fc.array(fc.boolean(), { minLength: 4, maxLength: 4 });

describe('key codec: format', () => {
  it('pins the documented byte layout', () => {
    expect(hex(encodeKey([]))).toBe('');
    expect(hex(encodeKey([null]))).toBe('05');
    expect(hex(encodeKey([1n]))).toBe('15bff0000000000000' + '20');
    expect(hex(encodeKey([1]))).toBe('15bff0000000000000' + '21');
    expect(hex(encodeKey([-1n]))).toBe('15400fffffffffffff' + '20');
    expect(hex(encodeKey([new Decimal(25n, 1)]))).toBe('15c004000000000000' + '22' + '01');
    expect(hex(encodeKey(['ab']))).toBe('2561620001');
    expect(hex(encodeKey(['a\u0000']))).toBe('256100ff0001');
    expect(hex(encodeKey([new Uint8Array([0, 0xff])]))).toBe('3500ffff0001');
    expect(hex(encodeKey([1n, 'ab', null]))).toBe('15bff000000000000020' + '2561620001' + '05');
    // DECIMAL scales: one byte below 0xF0, else F8 + 4 bytes.
    expect(hex(encodeKey([new Decimal(0n, 0xef)]))).toBe('158000000000000000' + '22' + 'ef');
    expect(hex(encodeKey([new Decimal(0n, 0xf0)]))).toBe('158000000000000000' + '22' + 'f8000000f0');
    // Descending: every byte inverted.
    expect(hex(encodeKey([1n], [true]))).toBe('ea400fffffffffffffdf');
    // DECIMAL 0.1 is below the double 0.1: class 10, E = +, X = 0 (0x80), pair 10 last (0x14), type 03, scale 1.
    expect(hex(encodeKey([new Decimal(1n, 1)]))).toBe('15bfb999999999999a' + '10' + '02' + '80' + '14' + '03' + '01');
    // INTEGER 2^53 + 1 rounds to the double 2^53 and is above it: E = 9007199254740993 = 0.9007…93 × 100^8.
    expect(hex(encodeKey([2n ** 53n + 1n]))).toBe('15c340000000000000' + '30' + '02' + '88' + 'b50f27b96d9513ba' + '01');
  });

  it('round-trips every value with its type (DECIMAL scale included; -0.0 becomes 0.0)', () => {
    fc.assert(
      fc.property(tupleArb, descArb, (t, desc) => {
        expectSameTuple(decodeKey(encodeKey(t)), t);
        expectSameTuple(decodeKey(encodeKey(t, desc), desc), t);
        expectSameTuple(decodeKey(encodeKey(t, desc)), t);
      }),
      { numRuns: RUNS },
    );
  });

  it('decodeKeyInto writes at an offset and reports the element count', () => {
    const out: SqlValue[] = ['keep'];
    const n = decodeKeyInto(encodeKey([7n, 'x', null]), out, 1);
    expect(n).toBe(3);
    expect(out).toEqual(['keep', 7n, 'x', null]);
  });
});

describe('key codec: order', () => {
  it('memcmp order of single values is SQLite order (with the numeric type tie-break)', () => {
    fc.assert(
      fc.property(sqlValueArb, sqlValueArb, (a, b) => {
        const got = sign(compareBytes(encodeKey([a]), encodeKey([b])));
        const want = refCompare(a, b);
        if (got !== want) throw new Error(`${describeValue(a)} vs ${describeValue(b)}: bytes ${got}, SQL ${want}`);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('orders numerically close values of all three numeric types exactly', () => {
    fc.assert(
      fc.property(clusteredNumericArb, clusteredNumericArb, fc.boolean(), (a, b, d) => {
        const got = sign(compareBytes(encodeKey([a], [d]), encodeKey([b], [d])));
        const want = d ? -refCompare(a, b) : refCompare(a, b);
        if (got !== want) throw new Error(`${describeValue(a)} vs ${describeValue(b)} (desc ${d}): bytes ${got}, SQL ${want}`);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('sorts families of nearly equal INTEGER, REAL and DECIMAL values exactly', () => {
    fc.assert(
      fc.property(numericFamilyArb, fc.boolean(), (family, d) => {
        const keys = family.map((v) => encodeKey([v], [d]));
        for (let i = 0; i < family.length; i++) {
          for (let j = 0; j < family.length; j++) {
            const got = sign(compareBytes(keys[i]!, keys[j]!));
            const want = d ? -refCompare(family[i]!, family[j]!) : refCompare(family[i]!, family[j]!);
            if (got !== want) {
              throw new Error(`${describeValue(family[i]!)} vs ${describeValue(family[j]!)} (desc ${d}): bytes ${got}, SQL ${want}`);
            }
          }
          expectSameTuple(decodeKey(keys[i]!), [family[i]!]);
        }
      }),
      { numRuns: RUNS / 2 },
    );
  });

  it('memcmp order of tuples is lexicographic SQL order, per-element descending honoured', () => {
    // The second tuple often shares a prefix with the first.
    const pairArb = fc
      .tuple(tupleArb, tupleArb, fc.nat({ max: 4 }), descArb)
      .map(([a, b, k, desc]) => [a, [...a.slice(0, k), ...b], desc] as const);
    fc.assert(
      fc.property(pairArb, ([a, b, desc]) => {
        const got = sign(compareBytes(encodeKey(a, desc), encodeKey(b, desc)));
        const want = refCompareTuples(a, b, desc);
        if (got !== want) {
          throw new Error(`[${a.map(describeValue)}] vs [${b.map(describeValue)}] desc ${desc}: bytes ${got}, SQL ${want}`);
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('sorting by encoding sorts a mixed list in SQL order', () => {
    fc.assert(
      fc.property(fc.array(sqlValueArb, { maxLength: 40 }), (vals) => {
        const byKey = vals
          .map((v) => ({ v, k: encodeKey([v]) }))
          .sort((x, y) => compareBytes(x.k, y.k))
          .map((x) => x.v);
        for (let i = 1; i < byKey.length; i++) expect(refCompare(byKey[i - 1]!, byKey[i]!)).toBeLessThanOrEqual(0);
      }),
      { numRuns: RUNS / 5 },
    );
  });

  it('follows the documented examples', () => {
    const asc = (vals: SqlValue[]): void => {
      for (let i = 1; i < vals.length; i++) {
        const c = compareBytes(encodeKey([vals[i - 1]!]), encodeKey([vals[i]!]));
        if (c >= 0) throw new Error(`${describeValue(vals[i - 1]!)} should sort before ${describeValue(vals[i]!)}`);
      }
    };
    asc([null, -Infinity, INT64_MIN, -2.5, 0n, 0, new Decimal(0n, 0), new Decimal(0n, 2), 5e-324, 2n, 2, new Decimal(2n, 0), new Decimal(20n, 1), new Decimal(200n, 2), 2.5, 3n, 2 ** 53, 2n ** 53n + 1n, INT64_MAX, 2 ** 63, Number.MAX_VALUE, new Decimal(10n ** 400n, 0), Infinity, '', '\u0000', 'a', 'a\u0000', 'ab', '\uffff', '😀', new Uint8Array(0), new Uint8Array([0]), new Uint8Array([0, 0]), new Uint8Array([1])]);
    // -0.0 and 0.0 encode the same.
    expect(hex(encodeKey([-0]))).toBe(hex(encodeKey([0])));
    // DESC puts NULL last.
    expect(compareBytes(encodeKey([null], [true]), encodeKey([1n], [true]))).toBeGreaterThan(0);
  });
});

describe('key codec: prefixes', () => {
  it('encodeKey([a]) is a byte prefix of encodeKey([a, b]), in every direction', () => {
    fc.assert(
      fc.property(tupleArb, tupleArb, descArb, (a, b, desc) => {
        const short = encodeKey(a, desc);
        const long = encodeKey([...a, ...b], [...desc, ...desc]);
        expect(hex(long.subarray(0, short.length))).toBe(hex(short));
      }),
      { numRuns: RUNS },
    );
  });

  it('a prefix scan [p, prefixUpperBound(p)) finds exactly the tuples that start with the prefix', () => {
    fc.assert(
      fc.property(fc.array(fc.array(sqlValueArb, { minLength: 1, maxLength: 3 }), { maxLength: 30 }), fc.nat(), descArb, (tuples, pick, desc) => {
        if (tuples.length === 0) return;
        const prefix = tuples[pick % tuples.length]!.slice(0, 1);
        const lo = encodeKey(prefix, desc);
        const hi = prefixUpperBound(lo);
        for (const t of tuples) {
          const k = encodeKey(t, desc);
          const inRange = compareBytes(k, lo) >= 0 && (hi === undefined || compareBytes(k, hi) < 0);
          expect(inRange).toBe(refCompare(t[0]!, prefix[0]!) === 0);
        }
      }),
      { numRuns: RUNS / 2 },
    );
  });

  it('prefixUpperBound is the least string above every extension of the prefix', () => {
    expect(prefixUpperBound(new Uint8Array(0))).toBeUndefined();
    expect(prefixUpperBound(new Uint8Array([0xff, 0xff]))).toBeUndefined();
    expect(hex(prefixUpperBound(fromHex('01ff'))!)).toBe('02');
    expect(hex(prefixUpperBound(fromHex('0a0b'))!)).toBe('0a0c');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5 }), fc.uint8Array({ maxLength: 5 }), (p, x) => {
        const ub = prefixUpperBound(p);
        const startsWith = x.length >= p.length && p.every((b, i) => x[i] === b);
        const inRange = compareBytes(x, p) >= 0 && (ub === undefined || compareBytes(x, ub) < 0);
        expect(inRange).toBe(startsWith);
        if (ub) {
          const ext = new Uint8Array([...p, ...x]);
          expect(compareBytes(ext, ub)).toBeLessThan(0);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('compareBytes is memcmp', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 6 }), fc.uint8Array({ maxLength: 6 }), (a, b) => {
        expect(sign(compareBytes(a, b))).toBe(sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('key codec: bad input', () => {
  it('refuses values that are not SQL values with TypeError', () => {
    expect(() => encodeKey([NaN])).toThrow(TypeError);
    expect(() => encodeKey([INT64_MAX + 1n])).toThrow(TypeError);
    expect(() => encodeKey([INT64_MIN - 1n])).toThrow(TypeError);
    for (const bad of [undefined, true, {}, [], 1n as unknown as object]) {
      if (typeof bad === 'bigint') continue;
      expect(() => encodeKey([bad as unknown as SqlValue])).toThrow(TypeError);
    }
    expect(() => decodeKey('x' as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('stores lone surrogates as U+FFFD, like every UTF-8 store', () => {
    expect(decodeKey(encodeKey(['a\ud800b']))).toEqual(['a\ufffdb']);
  });

  it('rejects a declared direction that does not match the bytes', () => {
    expect(() => decodeKey(encodeKey([1n]), [true])).toThrow(DecodeError);
  });

  it('malformed bytes give DecodeError or a value, never another error or a hang', () => {
    const check = (bytes: Uint8Array): void => {
      try {
        decodeKey(bytes);
      } catch (err) {
        if (!(err instanceof DecodeError)) throw new Error(`${hex(bytes)}: ${String(err)}`);
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), check), { numRuns: RUNS * 2 });
    // Plausible starts: valid tags followed by noise.
    fc.assert(
      fc.property(fc.constantFrom(0x05, 0x15, 0x25, 0x35, 0xfa, 0xea, 0xda, 0xca), fc.uint8Array({ maxLength: 30 }), (tag, rest) =>
        check(new Uint8Array([tag, ...rest])),
      ),
      { numRuns: RUNS * 2 },
    );
    // Mutations of valid keys: truncate, flip a byte, insert a byte.
    fc.assert(
      fc.property(tupleArb, descArb, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('cut', 'flip', 'insert'), (t, desc, at, byte, how) => {
        const k = encodeKey(t, desc);
        const i = k.length === 0 ? 0 : at % k.length;
        let m: Uint8Array;
        if (how === 'cut') m = k.slice(0, i);
        else if (how === 'flip') {
          m = k.slice();
          if (m.length) m[i] = byte;
        } else m = new Uint8Array([...k.slice(0, i), byte, ...k.slice(i)]);
        check(m);
      }),
      { numRuns: RUNS * 2 },
    );
    // Specific nasty cases: huge exponents and scales must not hang.
    for (const h of [
      '15bff0000000000000' + '30' + '02' + 'fe' + '7fffffff' + '02' + '01', // INTEGER with exponent 2^31
      '15bff0000000000000' + '30' + '02' + 'fe' + '7fffffff' + '02' + '03' + '00', // DECIMAL likewise
      '15bff0000000000000' + '22' + 'f8' + 'ffffffff', // DECIMAL scale 2^32-1
      '15bff0000000000000' + '22' + 'f0', // bad scale byte
      '15fff8000000000000' + '21', // NaN
      '15', '25', '2500', '2500ff', '250002', '99',
    ]) {
      expect(() => decodeKey(fromHex(h))).toThrow(DecodeError);
    }
  });
});
