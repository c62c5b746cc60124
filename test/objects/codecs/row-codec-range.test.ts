/**
 * `decodeRowRangeInto`: decoding a row value in place inside a larger buffer (a prolly leaf),
 * stopping after the last wanted tag, must write exactly what `decodeRowInto` writes for the
 * cells up to that tag, leave later slots untouched, and fail like it on malformed values.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_COLUMN_TAG, decodeRowInto, decodeRowRangeInto, encodeKeylessValue, encodeRow, type SqlValue } from '../../../src/objects/index.js';
import { DecodeError } from '../../../src/errors/index.js';
import { describeValue, sameValue, sqlValueArb } from './sql-values.js';

const RUNS = process.env.HDB_LONG ? 20_000 : 1_000;
const UNTOUCHED = 'untouched';

const rowArb = fc
  .uniqueArray(fc.oneof(fc.nat({ max: 20 }), fc.nat({ max: 5000 })), { maxLength: 10 })
  .chain((tags) => fc.tuple(fc.constant(tags), fc.array(sqlValueArb, { minLength: tags.length, maxLength: tags.length })));

function embed(bytes: Uint8Array, before: Uint8Array, after: Uint8Array): { buf: Uint8Array; start: number; end: number } {
  const buf = new Uint8Array(before.length + bytes.length + after.length);
  buf.set(before, 0);
  buf.set(bytes, before.length);
  buf.set(after, before.length + bytes.length);
  return { buf, start: before.length, end: before.length + bytes.length };
}

function expectSame(got: readonly SqlValue[], want: readonly SqlValue[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    if (!sameValue(g, want[i]!)) throw new Error(`slot ${i}: got ${describeValue(g)}, want ${describeValue(want[i]!)}`);
  });
}

describe('row codec: in-place range decoding', () => {
  it('equals decodeRowInto on the cells up to lastTag, leaves later slots untouched', () => {
    fc.assert(
      fc.property(
        rowArb,
        fc.array(fc.integer({ min: -1, max: 12 }), { maxLength: 5001 }),
        fc.nat({ max: 12 }),
        fc.oneof(fc.nat({ max: 5001 }), fc.constant(MAX_COLUMN_TAG)),
        fc.uint8Array({ maxLength: 20 }),
        fc.uint8Array({ maxLength: 20 }),
        ([tags, values], slots, width, lastTag, before, after) => {
          const bytes = encodeRow(tags, values);
          const slotOfTag = Int32Array.from(slots);
          // Reference: decodeRowInto with the slots of tags above lastTag removed.
          const cut = Int32Array.from(slots.map((s, t) => (t > lastTag ? -1 : s)));
          const want: SqlValue[] = new Array(width).fill(UNTOUCHED);
          decodeRowInto(bytes, cut, want);
          const got: SqlValue[] = new Array(width).fill(UNTOUCHED);
          const { buf, start, end } = embed(bytes, before, after);
          decodeRowRangeInto(buf, start, end, slotOfTag, got, lastTag);
          expectSame(got, want);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('keyless values and malformed bytes behave as decodeRowInto does', () => {
    fc.assert(
      fc.property(rowArb, fc.integer({ min: 1, max: 5 }), fc.uint8Array({ maxLength: 8 }), ([tags, values], count, after) => {
        const bytes = encodeKeylessValue(tags, values, count);
        const slots = Int32Array.from({ length: 5001 }, (_, t) => t % 7);
        const want: SqlValue[] = new Array(7).fill(UNTOUCHED);
        decodeRowInto(bytes, slots, want);
        const got: SqlValue[] = new Array(7).fill(UNTOUCHED);
        const { buf, start, end } = embed(bytes, new Uint8Array([1, 2, 3]), after);
        decodeRowRangeInto(buf, start, end, slots, got, MAX_COLUMN_TAG);
        expectSame(got, want);
      }),
      { numRuns: RUNS },
    );
    const out: SqlValue[] = [null, null];
    expect(() => decodeRowRangeInto(new Uint8Array([9, 9]), 1, 1, [0, 1], out, MAX_COLUMN_TAG)).toThrow(DecodeError);
    expect(() => decodeRowRangeInto(new Uint8Array([0x07, 0x01]), 0, 2, [0, 1], out, MAX_COLUMN_TAG)).toThrow(DecodeError);
    // A TEXT cell claiming more bytes than the value holds: it overruns the value.
    const text = encodeRow([0], ['abc']);
    const short = embed(text.subarray(0, text.length - 1), new Uint8Array(0), new Uint8Array([0x61, 0x62, 0x63]));
    expect(() => decodeRowRangeInto(short.buf, short.start, short.end, [0], out, MAX_COLUMN_TAG)).toThrow(DecodeError);
  });
});
