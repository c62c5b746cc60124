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
import { userInfo } from 'node:os';
import { CID } from '../hash/index.js';
import { RefStore } from '../refs/index.js';
import { SqlSession, SessionVersion, VersionControl, StatementGuard, type Prepared, type VersioningMode } from '../sql/index.js';
import { SqlError } from '../errors/index.js';
import { ROOT_KEY } from './root-pointer.js';
import { Statement, checkQueryOptions, type QueryOptions, type RunResult, type Row, type StatementHost } from './statement.js';
import { VersionApi } from './version-api.js';
import { attachGc, gcOf, snapshotOptionsOf, type FsckReport, type GcReport, type RetentionApi } from './gc-api.js';
import * as mergeApi from './merge-api.js';
import type { ConflictSummary, ConstraintViolationInfo, MergeOptions, MergeResult, ResolveOptions, RowConflictInfo, SchemaConflictInfo } from './merge-api.js';
import { SyncApi, cloneInto, type CloneOptions, type FetchOptions, type FetchResult, type PullResult, type PushOptions, type PushResult, type SyncCallOptions, type ServeOptions, type SyncServer } from './sync-api.js';
import type { RetentionOptions } from './config.js';

export interface OpenOptions {
  /** Bound of the decoded-node cache in bytes (default 64 MiB). */
  cacheBytes?: number;
  /** Re-hash chunks read from disk (default true). */
  verifyReads?: boolean;
  /**
   * `'transaction'` (default): every transaction that changes data is a commit on the
   * session's branch. `'manual'`: transactions change the branch's working state until
   * `db.commit()` / `CALL heliosdb_commit('msg')`.
   */
  versioning?: VersioningMode;
  /** Author recorded on commits (default: the OS user name). */
  author?: string;
  /** Branch the database's own session starts on (default: the default branch, `main`). */
  branch?: string;
  /**
   * The clock commits and ref-log entries are stamped with, in ms since the epoch (default
   * `Date.now`). For tests and for replaying history; it must not go backwards.
   */
  now?: () => number;
  /**
   * `'full'` (default): every commit is fsynced before the call returns (survives power loss).
   * `'normal'`: commits reach the OS before the call returns (survive a crash of the process,
   * not of the machine) — the durability of SQLite's WAL mode with `synchronous=NORMAL`.
   */
  synchronous?: 'full' | 'normal';
  /** Keep past versions for AS OF (`storage.time_travel_enabled`, default true); stored for GC. */
  timeTravel?: boolean;
  /** Retention of past versions (`[snapshot]` of heliosdb.toml); stored here, applied by GC. */
  retention?: RetentionOptions;
  /**
   * Default time limit of every statement in ms (`statement_timeout_ms` of heliosdb.toml;
   * 0 or unset: none): a statement running longer fails with `STATEMENT_TIMEOUT` and is
   * undone. Per call: `{ timeoutMs }`. Sessions opened from the database inherit it.
   */
  statementTimeoutMs?: number;
}

/** Options of `db.transaction(fn, options)`. */
export interface TransactionOptions {
  /** Commit message (default: generated from the statements). */
  message?: string;
  /** Commit author (default: the session's). */
  author?: string;
}

const owner = new AsyncLocalStorage<object>();
/** A quoted text that may be a commit-id prefix. */
const CID_PREFIX = /'b[a-z2-7]{10,}/;

/**
 * One connection: a SQL session on a branch, with the query API. `Database` is the default
 * connection; `db.session({branch})` opens more (see `Session`).
 */
export class Connection implements StatementHost {
  /** The directory, or undefined for an in-memory database. */
  readonly path: string | undefined;
  /** @internal the SQL session behind this connection */
  readonly sqlSession: SqlSession;
  /** @internal */
  readonly version: SessionVersion;
  protected closed = false;
  private holder: object | undefined;
  private released: Promise<void> | undefined;
  private spCounter = 0;
  /** Default time limit of each statement in ms (0 or undefined: none); `{ timeoutMs }` overrides it per call. */
  statementTimeoutMs: number | undefined;

  /** @internal use `open()` / `db.session()` */
  constructor(path: string | undefined, sqlSession: SqlSession, version: SessionVersion) {
    this.path = path;
    this.sqlSession = sqlSession;
    this.version = version;
  }

  /** The branch this connection reads and writes (`active_branch()`). */
  get branch(): string {
    return this.version.branch;
  }

  /** True when writes fail: a session pinned to a past version, or a read-only branch. */
  get readOnly(): boolean {
    try {
      this.version.checkWritable();
      return false;
    } catch {
      return true;
    }
  }

  /** Switch this connection to another branch (`USE BRANCH`), optionally pinned read-only to a past version. */
  async useBranch(name: string, options: { asOf?: string } = {}): Promise<void> {
    if (typeof name !== 'string') throw new TypeError('Expected the branch name as a string');
    const q = `"${name.replace(/"/g, '""')}"`;
    if (options.asOf === undefined) await this.exec(`USE BRANCH ${q}`);
    else await this.run(`USE BRANCH ${q} AS OF ?`, [options.asOf]);
  }

  /** True while a transaction is open on this connection. */
  get inTransaction(): boolean {
    return this.sqlSession.inTransaction;
  }

  // ── merge (src/api/merge-api.ts) ──

  /** Merge a ref (branch, tag, commit, `origin/main`) into this connection's branch (or `into`). */
  merge(source: string, options: MergeOptions = {}): Promise<MergeResult> {
    return mergeApi.merge(this, source, options);
  }

  /** Complete this branch's merge in progress as a commit (refused while conflicts or violations remain). */
  mergeContinue(options: { message?: string; author?: string } = {}): Promise<MergeResult> {
    return mergeApi.mergeContinue(this, options);
  }

  /** Drop this branch's merge in progress. */
  mergeAbort(): Promise<void> {
    return mergeApi.mergeAbort(this);
  }

  /** Conflicts left in this branch's merge in progress: per table, or the rows of one table. */
  conflicts(): ConflictSummary[];
  conflicts(table: string): RowConflictInfo[];
  conflicts(table?: string): ConflictSummary[] | RowConflictInfo[] {
    return table === undefined ? mergeApi.conflictSummary(this) : mergeApi.tableConflicts(this, table);
  }

  /** Schema conflicts left in this branch's merge in progress. */
  schemaConflicts(): SchemaConflictInfo[] {
    return mergeApi.schemaConflicts(this);
  }

  /** Constraint violations of this branch's merge in progress. */
  constraintViolations(): ConstraintViolationInfo[] {
    return mergeApi.constraintViolations(this);
  }

  /** A new commit on this branch undoing one commit (three-way: base = the commit, theirs = its parent). */
  revert(ref: string, options: { message?: string; author?: string } = {}): Promise<MergeResult> {
    return mergeApi.revert(this, ref, options);
  }

  /** Resolve conflicts of this branch's merge in progress to one side; returns how many. */
  resolveConflicts(options: ResolveOptions): Promise<number> {
    return mergeApi.resolveConflicts(this, options);
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
    return new Statement<R>(this, this.sqlSession.prepare(sql));
  }

  /** Run a script of `;`-separated statements (`timeoutMs` / `signal` bound the whole script). */
  async exec(sql: string, options?: QueryOptions): Promise<void> {
    this.checkOpen();
    if (typeof sql !== 'string') throw new TypeError('Expected the SQL text as a string');
    const o = checkQueryOptions(options);
    const guard = StatementGuard.of(o?.timeoutMs ?? this.statementTimeoutMs, o?.signal);
    const g = this.gate();
    if (g) await g;
    await this.sqlSession.exec(sql, guard);
  }

  /** Rows of a query as plain objects. */
  async query<R = Row>(sql: string, params?: unknown, options?: QueryOptions): Promise<R[]> {
    await this.warm(sql, params);
    return this.prepareWith<R>(sql, options).all(...argsOf(params));
  }

  /** The first row of a query, or undefined. */
  async get<R = Row>(sql: string, params?: unknown, options?: QueryOptions): Promise<R | undefined> {
    await this.warm(sql, params);
    return this.prepareWith<R>(sql, options).get(...argsOf(params));
  }

  /** Execute one statement for its effect. */
  async run(sql: string, params?: unknown, options?: QueryOptions): Promise<RunResult> {
    await this.warm(sql, params);
    return this.prepareWith(sql, options).run(...argsOf(params));
  }

  /** Rows of a query one at a time (`for await`); reads stay on the statement's snapshot. */
  async *iterate<R = Row>(sql: string, params?: unknown, options?: QueryOptions): AsyncGenerator<R, void, undefined> {
    await this.warm(sql, params);
    yield* this.prepareWith<R>(sql, options).iterate(...argsOf(params));
  }

  private prepareWith<R>(sql: string, options: QueryOptions | undefined): Statement<R> {
    const st = this.prepare<R>(sql);
    return options === undefined ? st : st.withOptions(options);
  }

  /** Look up commit-id prefixes the statement names (an asynchronous read) before it is compiled. */
  private async warm(sql: string, params: unknown): Promise<void> {
    if (typeof sql !== 'string' || !CID_PREFIX.test(sql) || this.closed) return;
    const values = Array.isArray(params) ? params.filter((p): p is string => typeof p === 'string') : [];
    await this.version.warm(this.sqlSession.prepare(sql).stmt, values);
  }

  /**
   * Wrap `fn` in a transaction: the returned function runs `fn` between BEGIN and COMMIT, and
   * rolls back if it throws (or its promise rejects). Nested calls use savepoints.
   */
  transaction<A extends unknown[], T>(fn: (...args: A) => T | Promise<T>, options: TransactionOptions = {}): TransactionFunction<A, T> {
    if (typeof fn !== 'function') throw new TypeError('Expected a function');
    const make = (mode: 'DEFERRED' | 'IMMEDIATE' | 'EXCLUSIVE') => async (...args: A): Promise<T> => this.runTransaction(mode, fn, args, options);
    const f = make('DEFERRED') as TransactionFunction<A, T>;
    f.deferred = f;
    f.immediate = make('IMMEDIATE');
    f.exclusive = make('EXCLUSIVE');
    return f;
  }

  private async runTransaction<A extends unknown[], T>(mode: string, fn: (...args: A) => T | Promise<T>, args: A, options: TransactionOptions): Promise<T> {
    this.checkOpen();
    if (this.holder !== undefined && owner.getStore() === this.holder) {
      // Nested: a savepoint inside the running transaction.
      const sp = `_hdb_sp_${++this.spCounter}`;
      await this.sqlSession.exec(`SAVEPOINT ${sp}`);
      try {
        const r = await fn(...args);
        await this.sqlSession.exec(`RELEASE ${sp}`);
        return r;
      } catch (e) {
        if (this.sqlSession.inTransaction) {
          await this.sqlSession.exec(`ROLLBACK TO ${sp}`);
          await this.sqlSession.exec(`RELEASE ${sp}`);
        }
        throw e;
      }
    }
    const g = this.gate();
    if (g) await g;
    if (this.sqlSession.inTransaction) throw new TypeError('A transaction is already open on this connection (explicit BEGIN); cannot start a transaction function');
    const token = {};
    let release!: () => void;
    this.holder = token;
    this.released = new Promise((r) => (release = r));
    try {
      return await owner.run(token, async () => {
        await this.sqlSession.exec(`BEGIN ${mode}`);
        try {
          const r = await fn(...args);
          const author = this.version.author;
          if (options.message !== undefined) this.version.nextMessage = options.message;
          if (options.author !== undefined) this.version.author = options.author;
          try {
            await this.sqlSession.exec('COMMIT');
          } finally {
            this.version.author = author;
            this.version.nextMessage = undefined;
          }
          return r;
        } catch (e) {
          if (this.sqlSession.inTransaction) await this.sqlSession.exec('ROLLBACK');
          throw e;
        }
      });
    } finally {
      this.holder = undefined;
      release();
    }
  }

  /** Close this connection (an open transaction is rolled back). Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.closed) return;
    const g = this.gate();
    if (g) await g;
    this.closed = true;
    if (this.sqlSession.inTransaction) await this.sqlSession.exec('ROLLBACK');
    this.version.detach();
  }
}

/** Options of `db.session()`. */
export interface SessionOptions {
  /** Branch to work on (default: the default branch). */
  branch?: string;
  /** Pin the session read-only to a past version of the branch: a time, `{transaction}`, `{scn}` or a ref. */
  asOf?: string | Date | { transaction: number } | { scn: number };
  /** Author of this session's commits. */
  author?: string;
}

/** Another connection to the same database, on its own branch (see `db.session()`). */
export class Session extends Connection {}

/**
 * A database: the default connection (on `main`, or `options.branch`) plus version control —
 * branches, tags, commits, log, diff, history, sessions on other branches.
 */
export class Database extends Connection {
  /** Branches: create, list, get, drop, rename, setReadOnly. */
  readonly branches: VersionApi['branches'];
  /** Tags: create, list, drop. */
  readonly tags: VersionApi['tags'];
  private readonly api: VersionApi;
  private readonly sessions = new Set<Session>();
  /** Remotes (sync): add, remove, list, get. */
  readonly remotes: SyncApi['remotes'];
  /** CAR bundle files (offline sync): create, import. */
  readonly bundle: SyncApi['bundle'];
  private readonly syncApi: SyncApi;
  /** The retention settings the database was opened with (`open()` options / heliosdb.toml), for GC. */
  retention: Readonly<RetentionOptions> & { readonly timeTravel: boolean } = { timeTravel: true };

  /** @internal use `open()` */
  constructor(
    path: string | undefined,
    private readonly storage: Storage,
    readonly vc: VersionControl,
    sqlSession: SqlSession,
    version: SessionVersion,
  ) {
    super(path, sqlSession, version);
    this.api = new VersionApi(vc, this);
    this.branches = this.api.branches;
    this.tags = this.api.tags;
    this.syncApi = new SyncApi({
      chunks: storage.chunks,
      meta: storage.meta,
      vc,
      currentBranch: () => this.branch,
      merge: (src, into) => this.mergeForPull(src, into),
    });
    this.remotes = this.syncApi.remotes;
    this.bundle = this.syncApi.bundle;
  }

  /** The versioning mode the database was opened with. */
  get versioning(): VersioningMode {
    return this.vc.mode;
  }

  /**
   * A new connection on a branch (default: the default branch), fully isolated from the
   * others; with `asOf`, read-only and pinned to that version.
   */
  async session(options: SessionOptions = {}): Promise<Session> {
    this.checkOpen();
    const branch = options.branch ?? this.vc.defaultBranch;
    const { sql, version } = await newSqlSession(this.vc, branch);
    if (options.author !== undefined) version.author = options.author;
    const s = new Session(this.path, sql, version);
    s.statementTimeoutMs = this.statementTimeoutMs;
    if (options.asOf !== undefined) {
      const a = options.asOf;
      const q = `"${branch.replace(/"/g, '""')}"`;
      if (typeof a === 'string') await s.run(looksLikeTime(a) ? `USE BRANCH ${q} AS OF TIMESTAMP ?` : `USE BRANCH ${q} AS OF ?`, [a]);
      else if (a instanceof Date) await s.run(`USE BRANCH ${q} AS OF TIMESTAMP ?`, [a.toISOString()]);
      else if ('transaction' in a) await s.run(`USE BRANCH ${q} AS OF TRANSACTION ${Number(a.transaction)}`);
      else await s.run(`USE BRANCH ${q} AS OF SCN ${Number(a.scn)}`);
    }
    this.sessions.add(s);
    return s;
  }

  /** Record the uncommitted work of the current branch as a commit (manual mode). Null: nothing to commit. */
  commit(options: { message?: string; author?: string } = {}): ReturnType<VersionApi['commit']> {
    return this.api.commit(this.branch, options);
  }

  /**
   * Like `git reset`. Without a ref: drop the uncommitted work of the current branch (manual
   * mode). With a ref (branch, tag, commit id or prefix, `~k`, `^`): move the current branch's
   * head to it, recorded in the ref log; in manual mode `{ hard: true }` also drops the
   * uncommitted work, soft (the default) keeps it. Refused on a read-only branch and while a
   * merge is in progress.
   */
  reset(ref?: string | { hard?: boolean }, options: { hard?: boolean } = {}): ReturnType<VersionApi['reset']> {
    if (typeof ref === 'object' && ref !== null) return this.api.reset(this.version, undefined, ref);
    return this.api.reset(this.version, ref, options);
  }

  /** Tables with uncommitted changes on the current branch (manual mode). */
  status(): ReturnType<VersionApi['status']> {
    return this.api.status(this.version);
  }

  /** Commits reachable from a ref (default: the current branch), newest first. */
  log(ref?: string, options: { limit?: number } = {}): ReturnType<VersionApi['log']> {
    return this.api.log(ref ?? this.branch, options);
  }

  /** Rows of `table` that differ between two versions (default `to`: the current state). */
  diff(table: string, from: string, to?: string): ReturnType<VersionApi['diff']> {
    return this.api.diff(this.version, table, from, to);
  }

  /** Every version of every row of `table` along a branch's history (newest first). */
  history(table: string, options: { ref?: string; where?: Record<string, unknown>; limit?: number } = {}): ReturnType<VersionApi['history']> {
    return this.api.history(this.version, table, options);
  }

  /** The commit a ref names: branch, tag, commit id or unique prefix, `ref~k`, `ref^`. */
  resolve(ref: string): ReturnType<VersionApi['resolve']> {
    return this.api.resolve(ref);
  }

  /** Fetch branches and tags of a remote (name or location) into remote-tracking refs (`origin/main`); `{ tags, prune }`. */
  fetch(remote?: string, branches?: string[], options?: FetchOptions): Promise<FetchResult> {
    return this.syncApi.fetch(remote, branches, options);
  }

  /** Fetch a branch (default: the current one) and fast-forward or merge the local branch to it. */
  pull(remote?: string, branch?: string, options?: SyncCallOptions): Promise<PullResult> {
    return this.syncApi.pull(remote, branch, options);
  }

  /** Send a branch (default: the current one) to a remote; fast-forward only unless `force`. */
  push(remote?: string, branch?: string, options?: PushOptions): Promise<PushResult> {
    return this.syncApi.push(remote, branch, options);
  }

  /** Serve this database to other nodes over HTTP (127.0.0.1 by default; `readOnly`, `token`). */
  serve(options?: ServeOptions): Promise<SyncServer> {
    return this.syncApi.serve(options);
  }

  /** The merge `pull` uses when histories diverged: the merge engine's API, else its SQL statement. */
  private async mergeForPull(src: string, into: string): Promise<unknown> {
    const m = (this as unknown as { merge?: (s: string, o: { into: string }) => Promise<unknown> }).merge;
    if (typeof m === 'function') return m.call(this, src, { into });
    const s = await this.session({ branch: into });
    try {
      return await s.exec(`MERGE BRANCH '${src.replace(/'/g, "''")}' INTO "${into.replace(/"/g, '""')}"`);
    } finally {
      await s.close();
    }
  }

  /**
   * Garbage collection: prune history outside the retention policy (commit metadata stays, the
   * log marks it pruned), sweep what only pruned history reached, and report sizes before and
   * after. `dryRun`: report only.
   */
  gc(options: { dryRun?: boolean } = {}): Promise<GcReport> {
    this.checkOpen();
    if (this.inTransaction) throw new TypeError('Cannot run garbage collection inside a transaction of this connection');
    return gcOf(this.vc).gc(options);
  }

  /** Walk everything reachable, re-hash every chunk, report missing or corrupt ones with the refs that reach them. */
  fsck(): Promise<FsckReport> {
    this.checkOpen();
    return gcOf(this.vc).fsck();
  }

  /** The stored retention policy (database-wide and per branch) that `gc()` applies; `set` changes it. */
  get retentionPolicy(): RetentionApi {
    return gcOf(this.vc).retention;
  }

  /** Close the database and every session opened from it. Closing twice is harmless. */
  override async close(): Promise<void> {
    if (this.closed) return;
    await gcOf(this.vc).close();
    await this.syncApi.closeServers();
    for (const s of this.sessions) await s.close();
    await super.close();
    await this.vc.close();
    await this.vc.refs.close();
    await this.storage.close();
  }
}

function looksLikeTime(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}/.test(s);
}

async function newSqlSession(vc: VersionControl, branch: string): Promise<{ sql: SqlSession; version: SessionVersion }> {
  const engine = await vc.engine(branch);
  const version = new SessionVersion(vc, branch);
  const sql = new SqlSession(engine, version);
  version.attach(sql);
  return { sql, version };
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
    const mode = options.versioning ?? 'transaction';
    if (mode !== 'transaction' && mode !== 'manual') throw new TypeError(`versioning must be 'transaction' or 'manual'`);
    if (options.synchronous !== undefined && options.synchronous !== 'full' && options.synchronous !== 'normal') {
      throw new TypeError(`synchronous must be 'full' or 'normal'`);
    }
    const timeout = options.statementTimeoutMs;
    if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout >= 0))) throw new TypeError('statementTimeoutMs must be a number ≥ 0');
    const sync = options.synchronous !== 'normal';
    const refs = await RefStore.open(storage.meta, storage.chunks, { sync, ...(options.now ? { now: options.now } : {}) });
    const legacy = await storage.meta.get(ROOT_KEY);
    const vc = await VersionControl.open(refs, ns, storage.meta, {
      mode,
      author: options.author ?? defaultAuthor(),
      sync,
      ...(options.now ? { now: options.now } : {}),
      ...(legacy ? { legacyRoot: CID.decode(legacy) } : {}),
    });
    await attachGc(dir, storage, vc, snapshotOptionsOf(options.retention, options.timeTravel));
    const { sql, version } = await newSqlSession(vc, options.branch ?? vc.defaultBranch);
    const db = new Database(dir, storage, vc, sql, version);
    db.retention = { ...options.retention, timeTravel: options.timeTravel ?? true };
    if (timeout) db.statementTimeoutMs = timeout;
    return db;
  } catch (e) {
    await storage.close();
    throw e;
  }
}

function defaultAuthor(): string {
  try {
    return userInfo().username || 'heliosdb';
  } catch {
    return 'heliosdb';
  }
}

export type { Prepared };

/**
 * Clone a remote — a database folder, an `http://` URL served by `serve`, or a `.car` bundle —
 * into the new folder `dir` (remote-tracking refs for every branch, the remote's default branch
 * as a local branch, its tags, the remote saved as `origin`) and open it.
 */
export async function clone(remote: string, dir: string, options: CloneOptions & OpenOptions = {}): Promise<Database> {
  await cloneInto(remote, dir, options);
  return open(dir, options);
}
