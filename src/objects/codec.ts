/**
 * dag-cbor helpers for the value objects (commits, schemas, tables, roots): encode a plain
 * value to canonical dag-cbor bytes (and its CID), decode bytes back, turning codec failures
 * into `DecodeError`. CIDs inside values are encoded as IPLD links (tag 42). The prolly
 * tree encodes its nodes itself (see prolly/node.ts) but produces the same bytes.
 */
import * as dagCbor from '@ipld/dag-cbor';
import { cidOf, type CID } from '../hash/index.js';
import { DecodeError } from '../errors/index.js';

/** Multicodec code of dag-cbor (0x71). */
export const DAG_CBOR_CODE: number = dagCbor.code;

/** Canonical dag-cbor bytes of `value` (maps sorted, shortest forms; `undefined` is rejected). */
export function encodeDagCbor(value: unknown): Uint8Array {
  try {
    return dagCbor.encode(value);
  } catch (err) {
    throw new TypeError(`Cannot encode value as dag-cbor: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Decode dag-cbor bytes; `what` names the object in the `DecodeError` message. */
export function decodeDagCbor<T = unknown>(bytes: Uint8Array, what = 'dag-cbor object'): T {
  try {
    return dagCbor.decode<T>(bytes);
  } catch (err) {
    throw new DecodeError(what, err instanceof Error ? err.message : String(err));
  }
}

/** Encode `value` and compute its CID. */
export function encodeBlock(value: unknown): { cid: CID; bytes: Uint8Array } {
  const bytes = encodeDagCbor(value);
  return { cid: cidOf(bytes), bytes };
}
