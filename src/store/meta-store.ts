/**
 * The `MetaStore` interface: a small mutable map from string keys to byte values, for the few
 * named, changing things of a database (branch and tag refs, HEAD, ref logs, config), next to
 * the immutable chunk store. Updates are atomic batches or compare-and-swaps.
 *
 * Implementations: `MemoryMetaStore` and `LevelMetaStore` (a sublevel of the database's LevelDB
 * directory). Both run through the conformance suite in `test/conformance/`.
 */

/** One write of a batch: put a value, or delete a key (deleting a missing key is harmless). */
export type MetaOp = { type: 'put'; key: string; value: Uint8Array } | { type: 'del'; key: string };

export interface MetaWriteOptions {
  /** Make the write durable (fsync) before the promise resolves. */
  sync?: boolean;
}

export interface MetaStore {
  /** A short description, e.g. `memory` or `level:/path/to/db`. */
  readonly name: string;
  /** The value of `key`, or `undefined`. The array is the caller's (a copy). */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Synchronous `get`, where the implementation offers it (both built-in ones do). */
  getSync?(key: string): Uint8Array | undefined;
  /** Apply every op atomically, in order (a later op on the same key wins). */
  batch(ops: readonly MetaOp[], options?: MetaWriteOptions): Promise<void>;
  /**
   * If the current value of `key` equals `expected` (`undefined` = absent), set it to `next`
   * (`undefined` = delete) and return true; otherwise change nothing and return false. Atomic
   * with respect to every other write through this store object (writes are serialised).
   */
  compareAndSwap(
    key: string,
    expected: Uint8Array | undefined,
    next: Uint8Array | undefined,
    options?: MetaWriteOptions,
  ): Promise<boolean>;
  /**
   * Entries whose key starts with `prefix` (default: all), ascending by the keys' UTF-8 bytes,
   * from a snapshot taken when iteration starts.
   */
  entries(prefix?: string): AsyncIterable<[string, Uint8Array]>;
  /** Release resources; further calls throw `StoreClosedError`. Closing twice is harmless. */
  close(): Promise<void>;
}
