/**
 * dag-cbor helpers: canonical encoding, round trips, CID links, typed decode errors.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CID } from 'multiformats/cid';
import { cidOf } from '../../src/hash/index.js';
import { DecodeError } from '../../src/errors/index.js';
import { decodeDagCbor, encodeBlock, encodeDagCbor } from '../../src/objects/index.js';

describe('dag-cbor codec helpers', () => {
  it('round-trips plain values and links', () => {
    const link = cidOf(new Uint8Array([1, 2, 3]));
    fc.assert(
      fc.property(fc.record({ s: fc.string(), n: fc.integer(), b: fc.uint8Array({ maxLength: 20 }), a: fc.array(fc.boolean()) }), (v) => {
        const value = { ...v, link };
        const back = decodeDagCbor<typeof value>(encodeDagCbor(value));
        expect(back.s).toBe(v.s);
        expect(back.n).toBe(v.n);
        expect(Buffer.from(back.b).equals(Buffer.from(v.b))).toBe(true);
        expect(back.a).toEqual(v.a);
        expect(CID.asCID(back.link)!.equals(link)).toBe(true);
      }),
    );
  });

  it('is canonical: map key order does not change the bytes or the CID', () => {
    const a = encodeBlock({ b: 1, a: 2, cc: 3 });
    const b = encodeBlock({ cc: 3, a: 2, b: 1 });
    expect(a.cid.equals(b.cid)).toBe(true);
    expect(Buffer.from(a.bytes).toString('hex')).toBe('a361610261620162636303');
  });

  it('undecodable bytes raise DecodeError; unencodable values raise TypeError', () => {
    expect(() => decodeDagCbor(new Uint8Array([0xff]), 'commit')).toThrow(DecodeError);
    expect(() => decodeDagCbor(new Uint8Array([0xa1]), 'commit')).toThrow(/commit/);
    expect(() => encodeDagCbor({ x: undefined })).toThrow(TypeError);
  });
});
