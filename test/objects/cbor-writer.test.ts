/**
 * `encodeCanonical` (the fast encoder of the per-commit objects) gives exactly the bytes of the
 * generic encoders: @ipld/dag-cbor for values with CIDs, cborg for plain values; and declines
 * (undefined) what it does not handle.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as dagCbor from '@ipld/dag-cbor';
import * as cborg from 'cborg';
import { cidOf } from '../../src/hash/index.js';
import { encodeCanonical } from '../../src/objects/index.js';

const cidArb = fc.uint8Array({ minLength: 0, maxLength: 8 }).map((b) => cidOf(b));
const keyArb = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz_ABZ019'.split('')), maxLength: 12 });
const intArb = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.integer({ min: 0, max: 70_000 }),
  fc.constantFrom(23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, -(2 ** 32), -(2 ** 32) - 1),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
);
const textArb = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 20, maxLength: 400 }),
);

const leaf = (withCids: boolean) =>
  withCids
    ? fc.oneof(fc.constant(null), fc.boolean(), intArb, textArb, fc.uint8Array({ maxLength: 300 }), cidArb)
    : fc.oneof(fc.constant(null), fc.boolean(), intArb, textArb, fc.uint8Array({ maxLength: 300 }));

function valueArb(withCids: boolean) {
  return fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf(withCids),
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(keyArb, tie('value'), { maxKeys: 9 }),
    ),
  })).value;
}

const plain = (b: Uint8Array): Uint8Array => new Uint8Array(b);

describe('encodeCanonical', () => {
  it('gives the bytes of @ipld/dag-cbor for maps with CIDs, strings, integers, bytes, lists', () => {
    fc.assert(
      fc.property(fc.dictionary(keyArb, valueArb(true), { maxKeys: 10 }), (v) => {
        const got = encodeCanonical(v);
        expect(got).toBeDefined();
        expect(plain(got!)).toEqual(plain(dagCbor.encode(v)));
      }),
      { numRuns: 150 },
    );
  });

  it('gives the bytes of cborg for plain values (the ref-log encoding)', () => {
    fc.assert(
      fc.property(valueArb(false), (v) => {
        const got = encodeCanonical(v);
        expect(got).toBeDefined();
        expect(plain(got!)).toEqual(plain(cborg.encode(v)));
      }),
      { numRuns: 150 },
    );
  });

  it('declines floats, -0, undefined, lone surrogates, non-ASCII keys and class instances', () => {
    for (const v of [1.5, { a: NaN }, -0, { a: undefined }, 'x\uD800', { é: 1 }, new Map(), [new Date(0)]]) {
      expect(encodeCanonical(v)).toBeUndefined();
    }
    // and is usable again afterwards
    expect(plain(encodeCanonical({ b: 1, a: 'x' })!)).toEqual(plain(dagCbor.encode({ b: 1, a: 'x' })));
  });

  it('returns a fresh array each time (the writer buffer is reused)', () => {
    const a = encodeCanonical({ x: 1 })!;
    const b = encodeCanonical({ x: 2 })!;
    expect(a).not.toBe(b);
    expect(plain(a)).toEqual(plain(dagCbor.encode({ x: 1 })));
  });
});
