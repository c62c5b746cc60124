/**
 * SHA-256 over bytes: Node's native `crypto` where it is present, `@noble/hashes` otherwise.
 * Both produce the same digest; a test proves it. `sha256Portable` is exported for that test
 * and for runtimes without `node:crypto`.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import * as nodeCrypto from 'node:crypto';

type HashFn = (bytes: Uint8Array) => Uint8Array;

/** The pure-JavaScript implementation. */
export const sha256Portable: HashFn = (bytes) => nobleSha256(bytes);

function nativeHasher(): HashFn | undefined {
  // One-shot `crypto.hash` (Node ≥ 20.12) avoids the Hash object: about 2× faster on short inputs.
  const oneShot = (nodeCrypto as { hash?: (alg: string, data: Uint8Array, enc: 'buffer') => Buffer }).hash;
  if (typeof oneShot === 'function') {
    return (bytes) => {
      const out = oneShot('sha256', bytes, 'buffer');
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    };
  }
  const createHash = (nodeCrypto as { createHash?: typeof nodeCrypto.createHash }).createHash;
  if (typeof createHash !== 'function') return undefined;
  return (bytes) => {
    const out = createHash('sha256').update(bytes).digest();
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  };
}

/** The native implementation when available, else `undefined`. */
export const sha256Native: HashFn | undefined = nativeHasher();

/** SHA-256 of `bytes`, using the fastest implementation present. */
export const sha256: HashFn = sha256Native ?? sha256Portable;
