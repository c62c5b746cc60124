/**
 * The `ChunkStore` interface: an immutable, content-addressed map from CID to bytes.
 *
 * Every implementation (memory, LevelDB) runs through one conformance suite in
 * `test/conformance/`. Stores do not re-hash what they are given by `put`; callers that accept
 * bytes from outside (sync, bundle import) verify them first, and `verify()` re-hashes
 * everything on demand.
 */
import type { CID } from '../hash/index.js';
import type { MetaOp, MetaStore } from './meta-store.js';

/** One chunk: its content id and its bytes. */
export interface Chunk {
  cid: CID;
  bytes: Uint8Array;
}

/**
 * Metadata writes that may ride in a chunk batch (`putMany(chunks, {meta})`): a store that can
 * write the chunks and these ops in ONE atomic batch (a `LevelChunkStore` with a
 * `LevelMetaStore` on the same LevelDB directory) does so and sets `written`; any other store
 * ignores it, and the caller writes the ops itself after the chunks (`putChunksWithMeta`).
 */
export interface MetaRider {
  store: MetaStore;
  ops: readonly MetaOp[];
  /** Set to true by a store that wrote `ops` in the chunks' batch. */
  written?: boolean;
}

/** Options of `putMany`. */
export interface PutManyOptions {
  /** fsync before resolving (durable against power loss). */
  sync?: boolean;
  /** Metadata ops to write in the same atomic batch, where the store can (see `MetaRider`). */
  meta?: MetaRider;
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
  /**
   * Store all chunks in one atomic batch: after a crash either all are present or none. With
   * `meta`, a store that can also writes those metadata ops in the same batch (`MetaRider`).
   */
  putMany(chunks: Iterable<Chunk>, options?: PutManyOptions): Promise<void>;
  /** Remove chunks (garbage collection only). Missing CIDs are ignored. */
  deleteMany(cids: readonly CID[]): Promise<void>;
  /** Every stored CID, in no particular order. */
  cids(): AsyncIterable<CID>;
  /** Re-hash every stored chunk and report the ones whose bytes do not match their CID. */
  verify(): Promise<VerifyReport>;
  /** Release resources. Further calls throw `StoreClosedError`. Closing twice is harmless. */
  close(): Promise<void>;
}

/**
 * Write `chunks` and then the metadata ops `ops` to `meta`, as ONE atomic batch where the
 * stores allow it (LevelDB chunk and meta stores on the same directory), else as two writes in
 * that order (chunks unsynced, then the ops with `sync`): a crash in between leaves only
 * unreferenced chunks. `sync` covers everything written.
 */
export async function putChunksWithMeta(
  store: ChunkStore,
  chunks: readonly Chunk[],
  meta: MetaStore,
  ops: readonly MetaOp[],
  options: { sync?: boolean } = {},
): Promise<void> {
  const rider: MetaRider = { store: meta, ops };
  const sync = options.sync === true;
  if (chunks.length > 0 || ops.length > 0) await store.putMany(chunks, { sync, meta: rider });
  if (rider.written !== true && ops.length > 0) await meta.batch(ops, { sync });
}
