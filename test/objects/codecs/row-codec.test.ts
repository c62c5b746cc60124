import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import {
  Decimal,
  KEYLESS_KEY_LENGTH,
  decodeKeylessValue,
  decodeRow,
  decodeRowInto,
  encodeKeylessValue,
  encodeRow,
  getCell,
  keylessCount,
  keylessKey,
  type SqlValue,
} from '../../../src/objects/index.js';
import { DecodeError } from '../../../src/errors/index.js';
import { INT64_MAX, INT64_MIN, describeValue, sameValue, sqlValueArb } from './sql-values.js';

const RUNS = process.env.HDB_LONG ? 20_000 : 1_000;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

/** A row: distinct tags (unordered) and their values, NULLs included. */
const rowArb = fc
  .uniqueArray(fc.oneof(fc.nat({ max: 20 }), fc.nat({ max: 5000 })), { maxLength: 10 })
  .chain((tags) => fc.tuple(fc.constant(tags), fc.array(sqlValueArb, { minLength: tags.length, maxLength: tags.length })));

/** The non-NULL cells sorted by tag: what a decoder must return. */
function canonical(tags: readonly number[], values: readonly SqlValue[]): { tags: number[]; values: SqlValue[] } {
  const cells = tags.map((t, i) => [t, values[i]!] as const).filter(([, v]) => v !== null);
  cells.sort((a, b) => a[0] - b[0]);
  return { tags: cells.map(([t]) => t), values: cells.map(([, v]) => v) };
}

function expectSameValues(got: readonly SqlValue[], want: readonly SqlValue[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    if (!sameValue(g, want[i]!)) throw new Error(`cell ${i}: got ${describeValue(g)}, want ${describeValue(want[i]!)}`);
  });
}

describe('row codec: format', () => {
  it('pins the documented byte layout', () => {
    expect(hex(encodeRow([], []))).toBe('01');
    // tag 0: H = 0×8+1, zigzag(5) = 10; tag 2: H = 1×8+4 = 0x0c, length 2, "hi".
    expect(hex(encodeRow([2, 0], ['hi', 5n]))).toBe('01' + '01' + '0a' + '0c' + '02' + '6869');
    expect(hex(encodeRow([0], [-1n]))).toBe('01' + '01' + '01');
    // REAL: type 3, 8 bytes big-endian.
    expect(hex(encodeRow([1], [1.5]))).toBe('01' + '0b' + '3ff8000000000000');
    // INTEGER beyond ±2^52: type 2, 8 bytes two's complement.
    expect(hex(encodeRow([0], [INT64_MIN]))).toBe('01' + '02' + '8000000000000000');
    // BLOB: type 5; DECIMAL small: type 6, scale, zigzag(coef); NULL omitted; tag 200: H = (200−3−1)×8+5 = 1573 → a5 0c.
    expect(hex(encodeRow([200, 1, 3], [new Uint8Array([0xab]), null, new Decimal(-3n, 2)]))).toBe(
      '01' + '1e' + '02' + '05' + 'a50c' + '01' + 'ab',
    );
    // DECIMAL big: type 7, scale, n×2+sign, magnitude bytes.
    expect(hex(encodeRow([0], [new Decimal(-(2n ** 64n), 3)]))).toBe('01' + '07' + '03' + '13' + '010000000000000000');
    // Keyless value: 81, count, cells.
    expect(hex(encodeKeylessValue([0], [1.5], 3))).toBe('81' + '03' + '03' + '3ff8000000000000');
    expect(hex(encodeKeylessValue([], [], 300))).toBe('81' + 'ac02');
  });

  it('round-trips rows: non-NULL cells by ascending tag, types exact', () => {
    fc.assert(
      fc.property(rowArb, ([tags, values]) => {
        const want = canonical(tags, values);
        const got = decodeRow(encodeRow(tags, values));
        expect(got.tags).toEqual(want.tags);
        expectSameValues(got.values, want.values);
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps -0.0, ±Infinity, 64-bit extremes, big DECIMALs, U+0000 and a leading BOM', () => {
    const values: SqlValue[] = [-0, Infinity, -Infinity, INT64_MIN, INT64_MAX, 2n ** 52n, -(2n ** 52n), 2n ** 52n - 1n, -(2n ** 52n) - 1n,
      new Decimal(10n ** 40n + 1n, 7), new Decimal(-(2n ** 52n), 0), new Decimal(0n, 9), '', 'a\u0000b', '\ufeffbom', 'é😀', 'x'.repeat(5000), new Uint8Array(0), new Uint8Array(70_000).fill(7)];
    const tags = values.map((_, i) => i * 3);
    const got = decodeRow(encodeRow(tags, values));
    expect(got.tags).toEqual(tags);
    expectSameValues(got.values, values);
  });

  it('is canonical: cell order and NULL cells do not change the bytes', () => {
    fc.assert(
      fc.property(rowArb, fc.nat(), fc.nat({ max: 3 }), ([tags, values], seed, extraNulls) => {
        const a = encodeRow(tags, values);
        // Shuffle the cells.
        const idx = tags.map((_, i) => i);
        for (let i = idx.length - 1; i > 0; i--) {
          const j = (seed + i * 7919) % (i + 1);
          [idx[i], idx[j]] = [idx[j]!, idx[i]!];
        }
        const t2 = idx.map((i) => tags[i]!);
        const v2: SqlValue[] = idx.map((i) => values[i]!);
        // Add NULL cells for tags not in use.
        for (let k = 0; k < extraNulls; k++) {
          const t = 6000 + k;
          t2.push(t);
          v2.push(null);
        }
        expect(hex(encodeRow(t2, v2))).toBe(hex(a));
      }),
      { numRuns: RUNS },
    );
  });

  it('decoded BLOBs are copies', () => {
    const bytes = encodeRow([0], [new Uint8Array([1, 2, 3])]);
    const blob = decodeRow(bytes).values[0] as Uint8Array;
    blob[0] = 99;
    expect((decodeRow(bytes).values[0] as Uint8Array)[0]).toBe(1);
    // Also when the encoded bytes arrive as a Node Buffer.
    const fromBuffer = getCell(Buffer.from(bytes), 0) as Uint8Array;
    expect(fromBuffer.constructor).toBe(Uint8Array);
    fromBuffer[1] = 99;
    expect(bytes[bytes.length - 2]).toBe(2);
  });
});

describe('row codec: partial decoding', () => {
  it('decodeRowInto writes each present cell to its slot and leaves the rest untouched', () => {
    const UNTOUCHED = 'untouched';
    fc.assert(
      fc.property(
        rowArb,
        fc.array(fc.integer({ min: -1, max: 12 }), { maxLength: 5001 }),
        fc.nat({ max: 10 }),
        ([tags, values], slots, width) => {
          const bytes = encodeRow(tags, values);
          const out: SqlValue[] = new Array(width).fill(UNTOUCHED);
          const slotOfTag = Int32Array.from(slots);
          decodeRowInto(bytes, slotOfTag, out);
          const want: SqlValue[] = new Array(width).fill(UNTOUCHED);
          const { tags: ct, values: cv } = canonical(tags, values);
          ct.forEach((t, i) => {
            const s = t < slots.length ? slots[t]! : -1;
            if (s >= 0 && s < width) want[s] = cv[i]!;
          });
          expectSameValues(out, want);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('getCell decodes one cell; absent cells are NULL', () => {
    fc.assert(
      fc.property(rowArb, fc.nat({ max: 5001 }), ([tags, values], probe) => {
        const bytes = encodeRow(tags, values);
        const i = tags.indexOf(probe);
        const want = i < 0 ? null : values[i]!;
        const got = getCell(bytes, probe);
        if (!sameValue(got, want)) throw new Error(`tag ${probe}: got ${describeValue(got)}, want ${describeValue(want)}`);
        for (let k = 0; k < tags.length; k++) {
          if (!sameValue(getCell(bytes, tags[k]!), values[k]!)) throw new Error(`tag ${tags[k]}`);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('row codec: keyless tables', () => {
  it('keylessKey is SHA-256 of the canonical encoding: fixed length, blind to NULL cells and cell order', () => {
    fc.assert(
      fc.property(rowArb, fc.nat({ max: 4 }), ([tags, values], added) => {
        const key = keylessKey(tags, values);
        expect(key.length).toBe(KEYLESS_KEY_LENGTH);
        const sha = createHash('sha256').update(encodeRow(tags, values)).digest();
        expect(hex(key)).toBe(sha.toString('hex'));
        // Columns added later hold NULL in old rows: the key does not change.
        const t2 = [...tags].reverse();
        const v2 = [...values].reverse();
        for (let k = 0; k < added; k++) {
          t2.push(10_000 + k);
          v2.push(null);
        }
        expect(hex(keylessKey(t2, v2))).toBe(hex(key));
      }),
      { numRuns: RUNS / 2 },
    );
  });

  it('keylessKey differs when a cell differs, including by type (2 vs 2.0)', () => {
    const k = (vals: SqlValue[]): string => hex(keylessKey([0, 1], vals));
    const keys = [k([2n, 'a']), k([2, 'a']), k([new Decimal(2n, 0), 'a']), k([2n, 'b']), k([2n, null]), k([null, 'a'])];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keyless values round-trip with their count, and the row decoders read them', () => {
    fc.assert(
      fc.property(rowArb, fc.oneof(fc.integer({ min: 1, max: 300 }), fc.constant(Number.MAX_SAFE_INTEGER)), ([tags, values], count) => {
        const bytes = encodeKeylessValue(tags, values, count);
        const want = canonical(tags, values);
        const got = decodeKeylessValue(bytes);
        expect(got.count).toBe(count);
        expect(keylessCount(bytes)).toBe(count);
        expect(got.tags).toEqual(want.tags);
        expectSameValues(got.values, want.values);
        const row = decodeRow(bytes);
        expect(row.tags).toEqual(want.tags);
        const out: SqlValue[] = new Array(want.tags.length).fill(null);
        const slots: number[] = [];
        want.tags.forEach((t, i) => (slots[t] = i));
        for (let t = 0; t < slots.length; t++) slots[t] ??= -1;
        decodeRowInto(bytes, slots, out);
        expectSameValues(out, want.values);
        if (want.tags.length) expect(sameValue(getCell(bytes, want.tags[0]!), want.values[0]!)).toBe(true);
      }),
      { numRuns: RUNS / 2 },
    );
  });
});

describe('row codec: bad input', () => {
  it('refuses bad arguments with TypeError', () => {
    expect(() => encodeRow([0], [NaN])).toThrow(TypeError);
    expect(() => encodeRow([0], [INT64_MAX + 1n])).toThrow(TypeError);
    expect(() => encodeRow([0, 1], [1n])).toThrow(TypeError);
    expect(() => encodeRow([1, 1], [1n, 2n])).toThrow(TypeError);
    expect(() => encodeRow([1, 0, 1], [1n, null, null])).toThrow(TypeError);
    expect(() => encodeRow([-1], [1n])).toThrow(TypeError);
    expect(() => encodeRow([1.5], [1n])).toThrow(TypeError);
    expect(() => encodeRow([0], [true as unknown as SqlValue])).toThrow(TypeError);
    expect(() => encodeRow([0], [undefined as unknown as SqlValue])).toThrow(TypeError);
    expect(() => encodeKeylessValue([0], [1n], 0)).toThrow(TypeError);
    expect(() => encodeKeylessValue([0], [1n], 1.5)).toThrow(TypeError);
    expect(() => keylessKey([0], [NaN])).toThrow(TypeError);
  });

  it('malformed bytes give DecodeError or a value, never another error or a hang', () => {
    const check = (bytes: Uint8Array): void => {
      for (const fn of [
        () => decodeRow(bytes),
        () => decodeRowInto(bytes, [0, 1, 2, -1, 3], [null, null, null, null]),
        () => getCell(bytes, 2),
        () => decodeKeylessValue(bytes),
        () => keylessCount(bytes),
      ]) {
        try {
          fn();
        } catch (err) {
          if (!(err instanceof DecodeError)) throw new Error(`${hex(bytes)}: ${String(err)}`);
        }
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), check), { numRuns: RUNS });
    fc.assert(
      fc.property(fc.constantFrom(0x01, 0x81), fc.uint8Array({ maxLength: 40 }), (f, rest) => check(new Uint8Array([f, ...rest]))),
      { numRuns: RUNS * 2 },
    );
    fc.assert(
      fc.property(rowArb, fc.boolean(), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('cut', 'flip', 'insert'), ([tags, values], keyless, at, byte, how) => {
        const k = keyless ? encodeKeylessValue(tags, values, 2) : encodeRow(tags, values);
        const i = at % k.length;
        let m: Uint8Array;
        if (how === 'cut') m = k.slice(0, i);
        else if (how === 'flip') {
          m = k.slice();
          m[i] = byte;
        } else m = new Uint8Array([...k.slice(0, i), byte, ...k.slice(i)]);
        check(m);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('truncation inside a cell and unknown formats are DecodeErrors', () => {
    const full = encodeRow([0, 1, 2], [123456789n, 'hello', 2.5]);
    for (let n = 0; n < full.length; n++) {
      const cut = full.slice(0, n);
      if (n === 0) expect(() => decodeRow(cut)).toThrow(DecodeError);
      // Cuts at a cell boundary are valid shorter rows; every other cut must fail.
      const boundaries = [1, 1 + 1 + 4, 1 + 1 + 4 + 1 + 1 + 5];
      if (n > 0 && !boundaries.includes(n)) expect(() => decodeRow(cut), `cut at ${n}`).toThrow(DecodeError);
    }
    expect(() => decodeRow(fromHex('02'))).toThrow(DecodeError);
    expect(decodeRow(fromHex('0100'))).toEqual({ tags: [], values: [], nullTags: [0] }); // type 0: explicit NULL
    expect(() => decodeRow(fromHex('0103' + '7ff8000000000000'))).toThrow(DecodeError); // NaN
    expect(() => decodeRow(fromHex('01' + 'ffffffffffffffff7f'))).toThrow(DecodeError); // varint too long
    expect(() => decodeRow(fromHex('0104' + '02' + 'c328'))).toThrow(DecodeError); // invalid UTF-8
    expect(() => decodeKeylessValue(fromHex('8100'))).toThrow(DecodeError); // count 0
    expect(() => decodeKeylessValue(encodeRow([], []))).toThrow(DecodeError);
    expect(() => decodeRow('x' as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('row codec: explicit NULL cells', () => {
  /** A row plus a set of explicit-NULL tags: tags whose value is NULL, and tags not in the row. */
  const withNullsArb = rowArb.chain(([tags, values]) =>
    fc.tuple(
      fc.constant(tags),
      fc.constant(values),
      fc.subarray(tags.filter((_, i) => values[i] === null)),
      fc.uniqueArray(fc.integer({ min: 6000, max: 6100 }), { maxLength: 3 }),
    ),
  );

  it('pins the layout: type 0, no payload; rows without explicit NULLs keep their bytes', () => {
    // tag 3 explicit NULL: H = 3×8+0 = 0x18; then tag 5 INTEGER 1: H = (5−3−1)×8+1 = 0x09, zigzag 2.
    expect(hex(encodeRow([5, 3], [1n, null], [3]))).toBe('01' + '18' + '09' + '02');
    expect(hex(encodeRow([5, 3], [1n, null]))).toBe('01' + '29' + '02');
    expect(hex(encodeRow([5, 3], [1n, null], []))).toBe(hex(encodeRow([5, 3], [1n, null])));
    // a listed tag that is not among the cells is an explicit NULL too
    expect(hex(encodeRow([], [], [0]))).toBe('0100');
    expect(hex(encodeKeylessValue([1], [null], 2, [1]))).toBe('81' + '02' + '08');
  });

  it('round-trip exactly through decodeRow (nullTags) and read as NULL everywhere else', () => {
    fc.assert(
      fc.property(withNullsArb, ([tags, values, nullSub, extra]) => {
        const nullTags = [...nullSub, ...extra];
        const bytes = encodeRow(tags, values, nullTags);
        const d = decodeRow(bytes);
        const want = canonical(tags, values);
        expect(d.tags).toEqual(want.tags);
        expectSameValues(d.values, want.values);
        const sortedNulls = [...nullTags].sort((a, b) => a - b);
        expect(d.nullTags ?? []).toEqual(sortedNulls);
        expect(hex(encodeRow(d.tags, d.values, d.nullTags))).toBe(hex(bytes));
        // canonical: order of nullTags does not matter
        expect(hex(encodeRow(tags, values, [...nullTags].reverse()))).toBe(hex(bytes));
        // decodeRowInto overwrites a pre-filled slot with NULL; getCell gives NULL
        for (const t of sortedNulls) {
          const slotOfTag = new Int32Array(t + 1).fill(-1);
          slotOfTag[t] = 0;
          const out: SqlValue[] = ['prefilled'];
          decodeRowInto(bytes, slotOfTag, out);
          expect(out[0]).toBe(null);
          expect(getCell(bytes, t)).toBe(null);
        }
        // keyless values and keys
        const kv = decodeKeylessValue(encodeKeylessValue(tags, values, 3, nullTags));
        expect(kv.count).toBe(3);
        expect(kv.nullTags ?? []).toEqual(sortedNulls);
        if (sortedNulls.length > 0) expect(hex(keylessKey(tags, values, nullTags))).not.toBe(hex(keylessKey(tags, values)));
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses an explicit NULL for a tag that has a value', () => {
    expect(() => encodeRow([1], [5n], [1])).toThrow(TypeError);
    expect(() => keylessKey([1], [5n], [1])).toThrow(TypeError);
    expect(() => encodeKeylessValue([1, 2], [null, 'x'], 1, [2])).toThrow(TypeError);
  });
});
