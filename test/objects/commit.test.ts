import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import { cidOf } from '../../src/hash/index.js';
import { DecodeError } from '../../src/errors/index.js';
import {
  decodeCommit,
  encodeCommit,
  makeCommit,
  nextGeneration,
  validateCommit,
  type Commit,
} from '../../src/objects/index.js';

const cidArb = fc.uint8Array({ minLength: 1, maxLength: 16 }).map((b) => cidOf(b));
const uint = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });

const commitArb: fc.Arbitrary<Commit> = fc
  .record({
    root: cidArb,
    parents: fc.uniqueArray(cidArb, { maxLength: 4, selector: (c) => c.toString() }),
    author: fc.string(),
    message: fc.string({ unit: 'grapheme', maxLength: 200 }),
    timestamp: uint,
    transaction: uint,
    scn: uint,
    generation: fc.integer({ min: 2, max: 1_000_000 }),
  })
  .map((c) => ({ ...c, generation: c.parents.length === 0 ? 1 : c.generation }));

const base: Commit = {
  root: cidOf(new Uint8Array([1])),
  parents: [cidOf(new Uint8Array([2]))],
  author: 'ada',
  message: 'first',
  timestamp: 1_700_000_000_000,
  transaction: 7,
  scn: 42,
  generation: 2,
};

describe('commit object', () => {
  it('round-trips every field, with CIDs as CID links', () => {
    fc.assert(
      fc.property(commitArb, (c) => {
        const back = decodeCommit(encodeCommit(c));
        expect(back.root.equals(c.root)).toBe(true);
        expect(back.parents.map(String)).toEqual(c.parents.map(String));
        expect(back).toMatchObject({
          author: c.author,
          message: c.message,
          timestamp: c.timestamp,
          transaction: c.transaction,
          scn: c.scn,
          generation: c.generation,
        });
      }),
    );
  });

  it('is deterministic: the bytes do not depend on field order and are canonical dag-cbor', () => {
    fc.assert(
      fc.property(commitArb, (c) => {
        const reordered: Commit = {
          generation: c.generation,
          scn: c.scn,
          transaction: c.transaction,
          timestamp: c.timestamp,
          message: c.message,
          author: c.author,
          parents: c.parents,
          root: c.root,
        };
        const a = encodeCommit(c);
        expect(encodeCommit(reordered)).toEqual(a);
        // Independent encoding of the documented map gives the same bytes.
        expect(new Uint8Array(dagCbor.encode({ ...c }))).toEqual(new Uint8Array(a));
        expect(makeCommit(c).cid.equals(cidOf(a))).toBe(true);
      }),
    );
  });

  it('stores parents as CID links (tag 42), so IPLD tools can walk the DAG', () => {
    const decoded = dagCbor.decode(encodeCommit(base)) as Record<string, unknown>;
    expect(CID.asCID(decoded.root)).not.toBeNull();
    expect(CID.asCID((decoded.parents as unknown[])[0])).not.toBeNull();
    expect(Object.keys(decoded).sort()).toEqual(
      ['author', 'generation', 'message', 'parents', 'root', 'scn', 'timestamp', 'transaction'],
    );
  });

  it('rejects random bytes with DecodeError, never another error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeCommit(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(DecodeError);
          expect((err as DecodeError).code).toBe('DECODE_ERROR');
        }
      }),
    );
  });

  it('rejects truncated commits with DecodeError', () => {
    const bytes = encodeCommit(base);
    for (let n = 0; n < bytes.length; n++) {
      expect(() => decodeCommit(bytes.subarray(0, n))).toThrow(DecodeError);
    }
  });

  const broken: [string, Record<string, unknown>][] = [
    ['a missing field', { ...base, scn: undefined }],
    ['an extra field', { ...base, extra: 1 }],
    ['a root that is not a CID', { ...base, root: 'bafy' }],
    ['a parent that is not a CID', { ...base, parents: [new Uint8Array([1])] }],
    ['duplicate parents', { ...base, parents: [base.root, base.root], generation: 2 }],
    ['a non-string author', { ...base, author: 3 }],
    ['a non-string message', { ...base, message: null }],
    ['a negative timestamp', { ...base, timestamp: -1 }],
    ['a fractional scn', { ...base, scn: 1.5 }],
    ['a negative transaction', { ...base, transaction: -3 }],
    ['generation 0', { ...base, parents: [], generation: 0 }],
    ['a root commit with generation 2', { ...base, parents: [], generation: 2 }],
    ['a child with generation 1', { ...base, generation: 1 }],
    ['a list instead of a map', [1, 2] as unknown as Record<string, unknown>],
  ];
  for (const [what, value] of broken) {
    it(`decode rejects ${what}`, () => {
      const clean = Array.isArray(value)
        ? value
        : Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
      expect(() => decodeCommit(dagCbor.encode(clean))).toThrow(DecodeError);
    });
    it(`encode rejects ${what} with TypeError`, () => {
      expect(() => encodeCommit(value as unknown as Commit)).toThrow(TypeError);
      expect(() => validateCommit(value as unknown as Commit)).toThrow(TypeError);
    });
  }

  it('nextGeneration is 1 + the highest parent generation, 1 for a root', () => {
    expect(nextGeneration([])).toBe(1);
    expect(nextGeneration([3])).toBe(4);
    expect(nextGeneration([2, 9, 4])).toBe(10);
  });
});
