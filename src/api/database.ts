/**
 * The public `Database`: `open(dir?)` gives a database in a LevelDB directory (or in memory),
 * with an API shaped like better-sqlite3 / node:sqlite but async (commits are durable):
 * `exec`, `query`, `get`, `run`, `prepare`, `transaction`, `close`.
 *
 * One Database is one connection (one `Session`). `db.transaction(fn)` holds the connection
 * for the duration of `fn`: calls made inside `fn` (found through AsyncLocalStorage) run in the
 * transaction, calls from elsewhere wait until it ends. Statements issued with an explicit
 * `BEGIN` share the connection like any SQLite connection would.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { NodeStore } from '../objects/index.js';
import { openStorage, type Storage } from '../store/index.js';
import { Engine, Session, type Prepared } from '../sql/index.js';
import { SqlError } from '../errors/index.js';
import { MetaRootPointer } from './root-pointer.js';
import { Statement, type RunResult, type Row, type StatementHost } from './statement.js';

export interface OpenOptions {
  /** Bound of the decoded-node cache in bytes (default 64 MiB). */
  cacheBytes?: number;
  /** Re-hash chunks read from disk (default true). */
  verifyReads?: boolean;
}

const owner = new AsyncLocalStorage<object>();

export class Database implements StatementHost {
  /** The directory, or undefined for an in-memory database. */
  readonly path: string | undefined;
  readonly session: Session;
  private closed = false;
  private holder: object | undefined;
  private released: Promise<void> | undefined;
  private spCounter = 0;

  /** @internal use `open()` */
  constructor(
    path: string | undefined,
    private readonly storage: Storage,
    private readonly engine: Engine,
  ) {
    this.path = path;
    this.session = new Session(engine);
  }

  /** True while a transaction is open on this connection. */
  get inTransaction(): boolean {
    return this.session.inTransaction;
  }

  /** False once closed. */
  get open(): boolean {
    return !this.closed;
  }

  checkOpen(): void {
    if (this.closed) throw new SqlError('DATABASE_CLOSED', 'The database is closed');
  }

  gate(): Promise<void> | undefined {
    if (this.holder === undefined || owner.getStore() === this.holder) return undefined;
    return (async () => {
      while (this.holder !== undefined && owner.getStore() !== this.holder) await this.released;
    })();
  }

  /** Prepare a statement (parsed and planned now; errors are thrown here). */
  prepare<R = Row>(sql: string): Statement<R> {
    this.checkOpen();
    if (typeof sql !== 'string') throw new TypeError('Expected the SQL text as a string');
    return new Statement<R>(this, this.session.prepare(sql));
  }

  /** Run a script of `;`-separated statements. */
  async exec(sql: string): Promise<void> {
    this.checkOpen();
    if (typeof sql !== 'string') throw new TypeError('Expected the SQL text as a string');
    const g = this.gate();
    if (g) await g;
    await this.session.exec(sql);
  }

  /** Rows of a query as plain objects. */
  async query<R = Row>(sql: string, params?: unknown): Promise<R[]> {
    return this.prepare<R>(sql).all(...argsOf(params));
  }

  /** The first row of a query, or undefined. */
  async get<R = Row>(sql: string, params?: unknown): Promise<R | undefined> {
    return this.prepare<R>(sql).get(...argsOf(params));
  }

  /** Execute one statement for its effect. */
  async run(sql: string, params?: unknown): Promise<RunResult> {
    return this.prepare(sql).run(...argsOf(params));
  }

  /**
   * Wrap `fn` in a transaction: the returned function runs `fn` between BEGIN and COMMIT, and
   * rolls back if it throws (or its promise rejects). Nested calls use savepoints.
   */
  transaction<A extends unknown[], T>(fn: (...args: A) => T | Promise<T>): TransactionFunction<A, T> {
    if (typeof fn !== 'function') throw new TypeError('Expected a function');
    const make = (mode: 'DEFERRED' | 'IMMEDIATE' | 'EXCLUSIVE') => async (...args: A): Promise<T> => this.runTransaction(mode, fn, args);
    const f = make('DEFERRED') as TransactionFunction<A, T>;
    f.deferred = f;
    f.immediate = make('IMMEDIATE');
    f.exclusive = make('EXCLUSIVE');
    return f;
  }

  private async runTransaction<A extends unknown[], T>(mode: string, fn: (...args: A) => T | Promise<T>, args: A): Promise<T> {
    this.checkOpen();
    if (this.holder !== undefined && owner.getStore() === this.holder) {
      // Nested: a savepoint inside the running transaction.
      const sp = `_hdb_sp_${++this.spCounter}`;
      await this.session.exec(`SAVEPOINT ${sp}`);
      try {
        const r = await fn(...args);
        await this.session.exec(`RELEASE ${sp}`);
        return r;
      } catch (e) {
        if (this.session.inTransaction) {
          await this.session.exec(`ROLLBACK TO ${sp}`);
          await this.session.exec(`RELEASE ${sp}`);
        }
        throw e;
      }
    }
    const g = this.gate();
    if (g) await g;
    if (this.session.inTransaction) throw new TypeError('A transaction is already open on this connection (explicit BEGIN); cannot start a transaction function');
    const token = {};
    let release!: () => void;
    this.holder = token;
    this.released = new Promise((r) => (release = r));
    try {
      return await owner.run(token, async () => {
        await this.session.exec(`BEGIN ${mode}`);
        try {
          const r = await fn(...args);
          await this.session.exec('COMMIT');
          return r;
        } catch (e) {
          if (this.session.inTransaction) await this.session.exec('ROLLBACK');
          throw e;
        }
      });
    } finally {
      this.holder = undefined;
      release();
    }
  }

  /** Close the database (an open transaction is rolled back). Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.closed) return;
    const g = this.gate();
    if (g) await g;
    this.closed = true;
    if (this.session.inTransaction) await this.session.exec('ROLLBACK');
    this.engine.close();
    await this.storage.close();
  }
}

export interface TransactionFunction<A extends unknown[], T> {
  (...args: A): Promise<T>;
  deferred: (...args: A) => Promise<T>;
  immediate: (...args: A) => Promise<T>;
  exclusive: (...args: A) => Promise<T>;
}

function argsOf(params: unknown): unknown[] {
  if (params === undefined) return [];
  return [params];
}

/** Open a database stored in `dir` (created when missing), or in memory without `dir`. */
export async function open(dir?: string, options: OpenOptions = {}): Promise<Database> {
  if (dir !== undefined && typeof dir !== 'string') throw new TypeError('Expected the database directory as a string');
  const storage = await openStorage(dir);
  try {
    const nsOpts: { cacheBytes?: number; verify?: boolean } = {};
    if (options.cacheBytes !== undefined) nsOpts.cacheBytes = options.cacheBytes;
    if (options.verifyReads !== undefined) nsOpts.verify = options.verifyReads;
    const ns = new NodeStore(storage.chunks, nsOpts);
    const engine = await Engine.open({ ns, roots: new MetaRootPointer(storage.meta) });
    return new Database(dir, storage, engine);
  } catch (e) {
    await storage.close();
    throw e;
  }
}

export type { Prepared };
