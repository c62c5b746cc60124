/**
 * The root pointer of a plain (unversioned) database: the CID of the committed root, stored in
 * the MetaStore under one key and moved by a synced compare-and-swap. This is the seam the
 * versioning layer replaces with commits on a branch (it implements the same `RootStore`).
 */
import { CID } from '../hash/index.js';
import { SqlError } from '../errors/index.js';
import type { MetaStore } from '../store/index.js';
import type { CommitInfo, RootStore } from '../sql/index.js';

export const ROOT_KEY = 'sql/root';

export class MetaRootPointer implements RootStore {
  constructor(
    private readonly meta: MetaStore,
    private readonly key = ROOT_KEY,
  ) {}

  async load(): Promise<CID | undefined> {
    const v = await this.meta.get(this.key);
    return v ? CID.decode(v) : undefined;
  }

  async publish(expected: CID | undefined, next: CID, _info: CommitInfo): Promise<void> {
    const ok = await this.meta.compareAndSwap(this.key, expected?.bytes, next.bytes, { sync: true });
    if (!ok) throw new SqlError('BUSY', 'database is locked: the database root was changed by another writer; retry the transaction');
  }
}
