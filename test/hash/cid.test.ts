import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sha256 as mfSha256 } from 'multiformats/hashes/sha2';
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import {
  bytesMatchCid,
  cidFromBytes,
  cidKey,
  cidOf,
  parseCid,
  sha256Native,
  sha256Portable,
} from '../../src/hash/index.js';
import { InvalidCidError } from '../../src/errors/index.js';

describe('content ids', () => {
  it('native and portable sha-256 give identical CIDs', () => {
    expect(sha256Native).toBeDefined();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => {
        const a = cidOf(bytes, sha256Native!);
        const b = cidOf(bytes, sha256Portable);
        expect(a.equals(b)).toBe(true);
      }),
    );
  });

  it('agrees with multiformats’ own sha2-256 hasher', async () => {
    const bytes = dagCbor.encode({ hello: 'world', n: [1, 2, 3] });
    const digest = await mfSha256.digest(bytes);
    expect(cidOf(bytes).equals(CID.createV1(dagCbor.code, digest))).toBe(true);
  });

  it('pins the CID of the empty dag-cbor map (a well-known IPLD value)', () => {
    expect(cidOf(dagCbor.encode({})).toString()).toBe('bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua');
  });

  it('is CID v1, dag-cbor, sha2-256', () => {
    const cid = cidOf(new Uint8Array([1, 2, 3]));
    expect(cid.version).toBe(1);
    expect(cid.code).toBe(0x71);
    expect(cid.multihash.code).toBe(0x12);
    expect(cid.multihash.digest.length).toBe(32);
  });

  it('round-trips through text and binary forms', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const cid = cidOf(bytes);
        expect(parseCid(cid.toString()).equals(cid)).toBe(true);
        expect(cidFromBytes(cid.bytes).equals(cid)).toBe(true);
      }),
    );
  });

  it('detects bytes that do not match', () => {
    const cid = cidOf(new Uint8Array([1, 2, 3]));
    expect(bytesMatchCid(cid, new Uint8Array([1, 2, 3]))).toBe(true);
    expect(bytesMatchCid(cid, new Uint8Array([1, 2, 4]))).toBe(false);
  });

  it('cidKey is distinct for distinct CIDs', () => {
    const a = cidOf(new Uint8Array([1]));
    const b = cidOf(new Uint8Array([2]));
    expect(cidKey(a)).not.toBe(cidKey(b));
    expect(cidKey(a)).toBe(cidKey(cidOf(new Uint8Array([1]))));
    expect(cidKey(a).length).toBe(32);
  });

  it('rejects malformed text with a typed error', () => {
    expect(() => parseCid('not-a-cid')).toThrow(InvalidCidError);
    let caught: unknown;
    try {
      parseCid('bafy!!!');
    } catch (e) {
      caught = e;
    }
    expect((caught as InvalidCidError).code).toBe('INVALID_CID');
    expect(() => cidFromBytes(new Uint8Array([0xff, 0xff]))).toThrow(InvalidCidError);
  });
});
