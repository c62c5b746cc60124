/**
 * The `Transport` contract every remote kind implements (another database folder, an HTTP
 * server, a CAR bundle file): list the refs, ask which chunks the other side has, get and put
 * chunk batches, and move one ref by compare-and-swap. A local `ChunkStore` is a
 * `ChunkSource` and a `ChunkSink` as it is, so one transfer routine serves fetch and push.
 */
import type { CID } from '../hash/index.js';
import type { Chunk } from '../store/index.js';

/** The refs a peer publishes (CIDs of commits). */
export interface RefList {
  branches: Record<string, CID>;
  tags: Record<string, CID>;
  /** The peer's default branch, when it has one. */
  defaultBranch?: string;
}

/** Where chunks are read from. `getMany` fails when one is missing. */
export interface ChunkSource {
  getMany(cids: readonly CID[]): Promise<Uint8Array[]>;
  /**
   * Optional, for sources behind a round trip: `walkCommits` of commit-walk.ts done by the
   * source itself (the chunks of `heads` and their ancestor commits, breadth-first, at most
   * `limit`, not past `stop`). Undefined when the peer cannot (the caller walks with `getMany`).
   */
  walkCommits?(heads: readonly CID[], stop: readonly CID[], limit: number): Promise<Chunk[] | undefined>;
}

/** Where chunks are written to. `putMany` is one atomic batch. */
export interface ChunkSink {
  hasMany(cids: readonly CID[]): Promise<boolean[]>;
  putMany(chunks: Iterable<Chunk>): Promise<void>;
}

/** One compare-and-swap of a ref on the peer. */
export interface RefUpdate {
  kind: 'branch' | 'tag';
  name: string;
  /** The head the caller saw (null: the ref must not exist). Ignored with `force`. */
  expected: CID | null;
  next: CID;
  /** Skip the expected-head and fast-forward checks. */
  force?: boolean;
  /** Commits the transfer sent, for the peer's commit index (id-prefix lookups). */
  commits?: readonly CID[];
}

export interface Transport extends ChunkSource, ChunkSink {
  /** The remote location as given (folder path, `http://…` URL or `.car` file). */
  readonly url: string;
  listRefs(): Promise<RefList>;
  /** Move (or create) one ref. `NON_FAST_FORWARD` when the head is not `expected` or the move is not a fast-forward. */
  updateRef(update: RefUpdate): Promise<void>;
  /** Flush (a bundle is written here) and release resources. */
  close(): Promise<void>;
}
