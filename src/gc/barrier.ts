/**
 * `WriteBarrier`: makes chunks written while GC runs survive it.
 *
 * Installed once per open database on its `ChunkStore` object (its `putMany`/`put` are wrapped
 * on the instance, so every writer — node store, ref store, sync — goes through it). While a
 * collection is active, every CID written is recorded, and the sweep never deletes a recorded
 * CID. A sweep batch and a write are ordered: a write waits for the delete batch in flight (one
 * batch of at most `SWEEP_BATCH` keys, a few ms), so a chunk written again after GC decided
 * to delete it always lands after the delete.
 *
 * Outside a collection the wrapper only counts bytes written (what triggers automatic GC).
 *
 * Transfers (sync fetch, bundle import, a push received by the server) write chunks long
 * before a ref reaches them and skip subtrees the store already has — chunks a running
 * collection may be about to sweep. They run under `hold` / `acquire`: a collection does not
 * start while one is held (it waits for them), and a transfer does not start while a
 * collection waits to start. A transfer that starts while a collection runs does not wait (a
 * writer holding a lock GC's quiesce needs may be behind it): its writes are protected like
 * any other, and its has-checks go through `hasManyTrusted`, which counts a stored chunk as
 * present only when written since the collection began.
 */
import { cidKey, type CID } from '../hash/index.js';
import type { Chunk, ChunkStore } from '../store/index.js';

export class WriteBarrier {
  private active = false;
  /** A collection waits for the transfers under `hold` to end before it starts. */
  private starting = false;
  /** Transfers under `hold`. */
  private holds = 0;
  private waiters: (() => void)[] = [];
  private readonly written = new Set<string>();
  private deleting: Promise<unknown> | undefined;
  /** Bytes written through the store since it was opened. */
  bytesWritten = 0;
  /** Called after each write with the bytes written so far (automatic GC hooks here). */
  onWrite: ((bytesWritten: number) => void) | undefined;

  private constructor(readonly store: ChunkStore) {}

  /** Wrap `store`'s writes (idempotent per store object). */
  static install(store: ChunkStore): WriteBarrier {
    const existing = (store as { gcBarrier?: WriteBarrier }).gcBarrier;
    if (existing) return existing;
    const b = new WriteBarrier(store);
    const putMany = store.putMany.bind(store);
    const patched = store as ChunkStore & { gcBarrier?: WriteBarrier };
    patched.gcBarrier = b;
    patched.putMany = async (chunks: Iterable<Chunk>, options?: { sync?: boolean }): Promise<void> => {
      const list = Array.isArray(chunks) ? (chunks as Chunk[]) : [...chunks];
      let bytes = 0;
      if (b.active) {
        for (const c of list) {
          b.written.add(cidKey(c.cid));
          bytes += c.bytes.length;
        }
      } else for (const c of list) bytes += c.bytes?.length ?? 0;
      if (b.deleting !== undefined) await b.deleting;
      await putMany(list, options);
      b.bytesWritten += bytes;
      b.onWrite?.(b.bytesWritten);
    };
    patched.put = (cid: CID, bytes: Uint8Array): Promise<void> => patched.putMany([{ cid, bytes }]);
    return b;
  }

  private changed(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private waitChange(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }

  /**
   * Run `fn` (a transfer: chunks written before a ref reaches them) so that no collection
   * starts until it ends; waits while a collection is about to start (see the module comment).
   */
  async hold<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /**
   * `hold` for a transfer that is not one call — a push received by the sync server spans
   * several requests. Resolves (after any collection about to start) to a release function;
   * releasing twice is harmless.
   */
  async acquire(): Promise<() => void> {
    while (this.starting) await this.waitChange();
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      if (this.holds === 0) this.changed();
    };
  }

  /**
   * The store's `hasMany` as a transfer's has-check may count it: as it is outside a
   * collection; during one, a stored chunk counts only when written since it began (anything
   * else may be about to be swept).
   */
  async hasManyTrusted(cids: readonly CID[]): Promise<boolean[]> {
    const has = await this.store.hasMany(cids);
    return this.active ? has.map((h, i) => h && this.written.has(cidKey(cids[i] as CID))) : has;
  }

  /** A collection is about to start: wait for the transfers under `hold` (new ones wait for it). */
  async prepare(): Promise<void> {
    if (this.active || this.starting) throw new TypeError('A garbage collection is already running');
    this.starting = true;
    while (this.holds > 0) await this.waitChange();
  }

  /** Start recording writes (a collection begins). */
  begin(): void {
    this.written.clear();
    this.active = true;
    this.starting = false;
  }

  /** Stop recording (the collection ended or failed to start). */
  end(): void {
    this.active = false;
    this.starting = false;
    this.written.clear();
    this.changed();
  }

  get isActive(): boolean {
    return this.active || this.starting;
  }

  /** True when `key` (a `cidKey`) was written since `begin()`. */
  protects(key: string): boolean {
    return this.written.has(key);
  }

  /**
   * Delete `cids` (minus any written since `begin()`, checked now) with writes held back until
   * the delete is done. Returns the CIDs actually deleted.
   */
  async deleteMany(cids: readonly { cid: CID; key: string }[]): Promise<CID[]> {
    const doomed: CID[] = [];
    for (const c of cids) if (!this.written.has(c.key)) doomed.push(c.cid);
    if (doomed.length === 0) return doomed;
    const p = this.store.deleteMany(doomed);
    this.deleting = p.catch(() => undefined);
    try {
      await p;
    } finally {
      this.deleting = undefined;
    }
    return doomed;
  }
}
