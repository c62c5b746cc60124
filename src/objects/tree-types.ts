/**
 * The contract of the prolly tree as the layers above see it (SQL tables and indexes, merge,
 * versioning). The implementation lives in `prolly/`; this file holds only types.
 *
 * Trees are immutable values: every mutation returns a new `Tree` sharing unchanged nodes.
 * All reads are synchronous (nodes come from a decoded-node cache or a synchronous store read);
 * new nodes are written to the `NodeStore`'s pending set and reach the chunk store only when
 * `NodeStore.flush()` is awaited (once per commit).
 */
import type { CID } from '../hash/index.js';

export interface TreeEntry {
  key: Uint8Array;
  value: Uint8Array;
}

export interface RangeOptions {
  /** Lower bound on keys (inclusive unless `startExclusive`). */
  start?: Uint8Array;
  startExclusive?: boolean;
  /** Upper bound on keys (exclusive unless `endInclusive`). */
  end?: Uint8Array;
  endInclusive?: boolean;
  /** Iterate from the highest key down. */
  reverse?: boolean;
}

/** One edit of a batch: `value: null` deletes the key. */
export interface TreeEdit {
  key: Uint8Array;
  value: Uint8Array | null;
}

export type DiffEntry =
  | { kind: 'added'; key: Uint8Array; to: Uint8Array }
  | { kind: 'removed'; key: Uint8Array; from: Uint8Array }
  | { kind: 'modified'; key: Uint8Array; from: Uint8Array; to: Uint8Array };

export interface Tree {
  /** CID of the root node. The empty tree has a fixed CID too. */
  readonly root: CID;
  /** Number of entries, O(1). */
  readonly count: number;
  /** Height: 1 for a single leaf. */
  readonly depth: number;
  get(key: Uint8Array): Uint8Array | undefined;
  has(key: Uint8Array): boolean;
  /** Entries in key order (or reverse) within the bounds. */
  entries(options?: RangeOptions): IterableIterator<TreeEntry>;
  /** Number of entries within the bounds, O(log n). */
  countRange(options?: RangeOptions): number;
  /** The entry at a 0-based position in key order, O(log n). */
  at(offset: number): TreeEntry | undefined;
  /** Entries in key order starting at a 0-based position (for OFFSET). */
  entriesFrom(offset: number): IterableIterator<TreeEntry>;
  /** Apply many puts and deletes in one pass (any order; the last edit of a key wins). */
  mutate(edits: Iterable<TreeEdit>): Tree;
  /** Changes from `this` to `other`, in key order, skipping shared subtrees by CID. */
  diff(other: Tree): IterableIterator<DiffEntry>;
  /** A mutable overlay over this tree that collects edits and applies them in one batch. */
  editor(): TreeEditor;
}

/**
 * A mutable view over a tree: reads see the pending edits merged with the base tree.
 * `flush()` applies all pending edits with one batched mutation (or a bulk build when the base
 * is empty) and returns the new tree; the editor then continues on top of it.
 */
export interface TreeEditor {
  readonly base: Tree;
  /** Entries in base + pending. */
  readonly count: number;
  /** True when edits are pending. */
  readonly dirty: boolean;
  get(key: Uint8Array): Uint8Array | undefined;
  has(key: Uint8Array): boolean;
  put(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
  entries(options?: RangeOptions): IterableIterator<TreeEntry>;
  flush(): Tree;
}
