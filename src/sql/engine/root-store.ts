/**
 * The seam between the SQL engine and whatever records committed states: the engine asks a
 * `RootStore` for the current root when it opens and hands it each new root at commit. Plain
 * databases keep one pointer (src/api/root-pointer.ts); the versioning layer turns `publish`
 * into a commit on the session's branch.
 */
import type { CID } from '../../hash/index.js';
import type { NodeStore } from '../../objects/index.js';

export interface CommitInfo {
  /** SQL text of the statements that changed data or schema, in order. */
  statements: string[];
  /** Commit message given by the caller (else one is generated from `statements`). */
  message?: string;
  /** Commit author given by the caller (else the database's default author). */
  author?: string;
}

export interface RootStore {
  /** The committed root, or undefined for a new, empty database. */
  load(): Promise<CID | undefined>;
  /**
   * Make `next` the committed root if the current one is still `expected` (compare-and-swap),
   * durably. Every chunk `next` reaches is stored before this is called — unless the store
   * sets `writesPending`: then the engine passes its NodeStore as `pending` without flushing
   * it, and `publish` writes those chunks itself, before or with the root move (one atomic
   * batch). Throws when the root moved (another writer) or the write fails; the engine then
   * keeps its old state.
   */
  publish(expected: CID | undefined, next: CID, info: CommitInfo, pending?: NodeStore): Promise<void>;
  /** True when `publish` takes the unflushed chunks (`pending`) and writes them itself. */
  readonly writesPending?: boolean;
}
