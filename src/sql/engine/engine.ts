/**
 * `Engine`: one open database as the SQL layer sees it — the NodeStore, the committed catalog
 * (the current root, decoded), the single-writer lock, and the commit path:
 *
 *   transaction state → new Table/Root chunks (pending) → one NodeStore flush (one batch)
 *   → RootStore.publish (compare-and-swap of the root pointer, synced) → new committed catalog;
 *   or, for a RootStore that `writesPending` (the versioning layer's branches), publish writes
 *   the pending chunks with the commit and the ref move in ONE batch, under the flush lock.
 *
 * Readers never wait: a statement or transaction reads the catalog that was committed when it
 * started, which never changes (trees are immutable).
 *
 * A versioned database has one Engine per branch in use (src/sql/version/control.ts), all on
 * one NodeStore: they share the schema cache and a flush lock, and their RootStore commits on
 * the branch.
 */
import { SqlError } from '../../errors/index.js';
import type { NodeStore } from '../../objects/index.js';
import type { CID } from '../../hash/index.js';
import type { Statement } from '../ast.js';
import { parseOne } from '../parser/index.js';
import { Catalog, SchemaCache } from '../catalog/catalog.js';
import { Mutex } from './mutex.js';
import type { RootStore } from './root-store.js';
import { Transaction } from './transaction.js';

export interface EngineOptions {
  ns: NodeStore;
  roots: RootStore;
  /** fsync each commit (default true). */
  syncCommits?: boolean;
  /** Decoded schemas shared with other engines over the same NodeStore (one per branch). */
  schemas?: SchemaCache;
  /** Serialises NodeStore flushes of engines sharing one NodeStore (one per branch). */
  flushLock?: Mutex;
}

export class Engine {
  readonly ns: NodeStore;
  readonly roots: RootStore;
  readonly schemas: SchemaCache;
  readonly writeLock = new Mutex();
  private readonly flushLock: Mutex;
  private current: Catalog;
  private readonly storedSql = new Map<string, Statement>();
  private closed = false;

  private constructor(opts: EngineOptions, catalog: Catalog) {
    this.ns = opts.ns;
    this.roots = opts.roots;
    this.schemas = opts.schemas ?? new SchemaCache();
    this.flushLock = opts.flushLock ?? new Mutex();
    this.current = catalog;
  }

  static async open(opts: EngineOptions): Promise<Engine> {
    const rootCid = await opts.roots.load();
    const cache = opts.schemas ?? new SchemaCache();
    const catalog = rootCid ? Catalog.load(opts.ns, rootCid, cache) : Catalog.empty();
    const e = new Engine(opts, catalog);
    for (const t of catalog.tables.values()) if (t.schemaCid) e.schemas.remember(t.schemaCid, t.info);
    return e;
  }

  /** The latest committed state. */
  get committed(): Catalog {
    return this.current;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
  }

  /**
   * Replace the committed state with `catalog` (a hard reset, or a branch moved by the
   * versioning layer). The caller holds the write lock; open transactions keep their snapshot
   * and fail with BUSY if they try to commit.
   */
  reset(catalog: Catalog): void {
    this.current = catalog;
  }

  private readonly open = new Set<Transaction>();

  /** A transaction on the latest committed state; `end()` it when it finishes. */
  newTransaction(): Transaction {
    const t = new Transaction(this.current, this.ns);
    this.open.add(t);
    return t;
  }

  /** Forget a finished transaction (its snapshot no longer needs to be kept). */
  end(tx: Transaction): void {
    this.open.delete(tx);
  }

  /** Roots that must stay readable: the committed one and every open transaction's snapshot (for GC). */
  liveRoots(): CID[] {
    const out: CID[] = [];
    if (this.current.rootCid) out.push(this.current.rootCid);
    for (const t of this.open) if (t.base.rootCid && !out.some((c) => c.equals(t.base.rootCid!))) out.push(t.base.rootCid);
    return out;
  }

  /** Parse SQL stored in the schema (views, triggers), cached by text. */
  parseStored(sql: string): Statement {
    let s = this.storedSql.get(sql);
    if (!s) {
      s = parseOne(sql);
      if (this.storedSql.size > 1000) this.storedSql.clear();
      this.storedSql.set(sql, s);
    }
    return s;
  }

  /**
   * Commit `tx` (the caller holds the write lock). Nothing is written when it changed nothing.
   * On failure the committed state is unchanged.
   */
  async commit(tx: Transaction): Promise<void> {
    if (this.closed) throw new SqlError('DATABASE_CLOSED', 'The database is closed');
    if (tx.base !== this.current) throw new SqlError('BUSY', 'database is locked: another transaction committed first; retry the transaction');
    const built = tx.buildRoot(this.schemas);
    if (!built) return;
    if (this.current.rootCid && built.rootCid.equals(this.current.rootCid)) return;
    const info = { statements: tx.statements, ...tx.commitInfo };
    await this.flushLock.acquire();
    try {
      if (this.roots.writesPending === true) {
        // The chunks go out in the commit's own batch (one LevelDB write per commit); the
        // flush lock keeps other flushes of the shared NodeStore out meanwhile.
        await this.roots.publish(this.current.rootCid, built.rootCid, info, this.ns);
      } else {
        await this.ns.flush({ sync: false });
      }
    } finally {
      this.flushLock.release();
    }
    if (this.roots.writesPending !== true) await this.roots.publish(this.current.rootCid, built.rootCid, info);
    this.current = built.catalog;
  }
}
