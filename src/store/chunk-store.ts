/**
 * The `ChunkStore` interface: an immutable, content-addressed map from CID to bytes.
 *
 * Every implementation (memory, LevelDB) runs through one conformance suite in
 * `test/conformance/`. Stores do not re-hash what they are given by `put`; callers that accept
 * bytes from outside (sync, bundle import) verify them first, and `verify()` re-hashes
 * everything on demand.
 */
import type { CID } from '../hash/index.js';

/** One chunk: its content id and its bytes. */
export interface Chunk {
  cid: CID;
  bytes: Uint8Array;
}

/** What `verify()` found. */
export interface VerifyReport {
  /** Chunks re-hashed. */
  checked: number;
  /** CIDs whose stored bytes do not hash to the CID. */
  corrupt: CID[];
}

export interface ChunkStore {
  /** A short description, e.g. `memory` or `level:/path/to/db`. */
  readonly name: string;
  /** The bytes of `cid`; throws `ChunkNotFoundError` when absent. */
  get(cid: CID): Promise<Uint8Array>;
  /**
   * The bytes of `cid` read synchronously, or `undefined` when absent. The read path of the
   * prolly tree uses this so that walking cached or local nodes never awaits.
   */
  getSync(cid: CID): Uint8Array | undefined;
  /** The bytes of each CID, in order; throws `ChunkNotFoundError` naming the first missing one. */
  getMany(cids: readonly CID[]): Promise<Uint8Array[]>;
  has(cid: CID): Promise<boolean>;
  hasMany(cids: readonly CID[]): Promise<boolean[]>;
  put(cid: CID, bytes: Uint8Array): Promise<void>;
  /** Store all chunks in one atomic batch: after a crash either all are present or none. */
  putMany(chunks: Iterable<Chunk>, options?: { sync?: boolean }): Promise<void>;
  /** Remove chunks (garbage collection only). Missing CIDs are ignored. */
  deleteMany(cids: readonly CID[]): Promise<void>;
  /** Every stored CID, in no particular order. */
  cids(): AsyncIterable<CID>;
  /** Re-hash every stored chunk and report the ones whose bytes do not match their CID. */
  verify(): Promise<VerifyReport>;
  /** Release resources. Further calls throw `StoreClosedError`. Closing twice is harmless. */
  close(): Promise<void>;
}
