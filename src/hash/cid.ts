/**
 * Content ids: CID v1, dag-cbor codec (0x71), sha2-256 multihash (0x12).
 *
 * Every chunk in HeliosDB Nano is addressed by the CID of its bytes. The text form is the
 * multibase base32 string (`bafy…`) that IPFS and IPLD tools print.
 */
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { InvalidCidError } from '../errors/index.js';
import { sha256 } from './sha256.js';

export { CID };

/** Multicodec code of dag-cbor. */
export const DAG_CBOR = 0x71;
/** Multihash code of sha2-256. */
export const SHA2_256 = 0x12;

/** The CID of `bytes` under the dag-cbor codec, hashed with `hash` (default: fastest sha-256). */
export function cidOf(bytes: Uint8Array, hash: (b: Uint8Array) => Uint8Array = sha256): CID {
  return CID.createV1(DAG_CBOR, Digest.create(SHA2_256, hash(bytes)));
}

/** True when `bytes` hash to `cid` (same codec, same sha2-256 digest). */
export function bytesMatchCid(cid: CID, bytes: Uint8Array): boolean {
  if (cid.multihash.code !== SHA2_256) return false;
  const want = cid.multihash.digest;
  const got = sha256(bytes);
  if (want.length !== got.length) return false;
  for (let i = 0; i < got.length; i++) if (want[i] !== got[i]) return false;
  return true;
}

/** Parse the text form of a CID (any multibase multiformats understands). */
export function parseCid(text: string): CID {
  if (typeof text !== 'string') throw new TypeError('parseCid expects a string');
  try {
    return CID.parse(text);
  } catch (err) {
    throw new InvalidCidError(text, err instanceof Error ? err.message : undefined);
  }
}

/** Decode a CID from its binary form. */
export function cidFromBytes(bytes: Uint8Array): CID {
  try {
    return CID.decode(bytes);
  } catch (err) {
    throw new InvalidCidError(`<${bytes.length} bytes>`, err instanceof Error ? err.message : undefined);
  }
}

/**
 * A compact string key for maps and caches: the raw multihash digest as a latin1 string
 * (32 characters for sha-256). Much cheaper than base32 `toString()`.
 */
export function cidKey(cid: CID): string {
  const d = cid.multihash.digest;
  return String.fromCharCode.apply(null, d as unknown as number[]);
}
