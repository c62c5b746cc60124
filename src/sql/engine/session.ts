/**
 * `Session`: one connection's statement execution and transaction state.
 *
 * - Outside BEGIN every statement is its own transaction (autocommit): reads run on the
 *   committed catalog without any lock; writes take the writer lock, run, and commit.
 * - BEGIN [DEFERRED] snapshots the committed state; the first write takes the writer lock (and
 *   fails with BUSY if another writer committed since the snapshot). BEGIN IMMEDIATE takes the
 *   lock at once. COMMIT publishes, ROLLBACK discards.
 * - A failing statement inside a transaction is undone alone (statement-level rollback). That
 *   includes one stopped by its `StatementGuard` (time limit / cancellation, exec/interrupt.ts),
 *   which is active while the statement executes and on every pull of its rows.
 * - COMMIT first runs the deferred foreign-key checks; a violation fails COMMIT and leaves the
 *   transaction open (SQLite); in autocommit the statement fails and nothing is committed.
 * - SAVEPOINT / RELEASE / ROLLBACK TO are marks in the undo log; a SAVEPOINT outside BEGIN
 *   starts a transaction that its RELEASE commits.
 * - Prepared statements cache their compiled program per schema key (and, for statements that
 *   read AS OF, while the versions they read still resolve the same way).
 * - In a versioned database (`version` set) the session runs on its branch's engine (USE
 *   BRANCH swaps it), refuses writes on a read-only branch or pinned version before anything
 *   runs, stamps commits with its message/author, and hands version-control statements to
 *   src/sql/version. A statement whose AS OF needs an asynchronous lookup (a ref log not
 *   loaded, a commit-id prefix) is retried once after that lookup.
 */
import { SqlError } from '../../errors/index.js';
import type { SqlValue } from '../../objects/index.js';
import type { Statement } from '../ast.js';
import { parse, parseOne } from '../parser/index.js';
import type { SchemaSource } from '../catalog/catalog.js';
import type { SessionCounters, TxnAccess } from '../exec/env.js';
import type { ColumnMeta, Pull, Row } from '../exec/types.js';
import { ExecEnv } from '../exec/env.js';
import { guarded, guardPull, type StatementGuard } from '../exec/interrupt.js';
import { ParamMap } from '../planner/params.js';
import { compileStatement, type CompileContext, type Compiled, type Outcome } from './compile.js';
import { NeedsAsyncError } from '../version/as-of.js';
import { failedStatementResolution } from './dml.js';
import { ForeignKeys } from './foreign-keys.js';
import type { Engine } from './engine.js';
import type { Transaction } from './transaction.js';

/** A parsed statement with its compiled programs. */
export class Prepared {
  readonly sql: string;
  readonly stmt: Statement;
  private cache: Compiled | undefined;
  constructor(sql: string, stmt: Statement) {
    this.sql = sql;
    this.stmt = stmt;
  }
  /** The compiled program for `schema` (recompiled when the schema changed or it is in use). */
  compiled(schema: SchemaSource, session: Session): Compiled {
    const c = this.cache;
    if (c && !c.busy && c.schemaKey === schema.schemaKey && (c.valid === undefined || c.valid(session.execParams))) return c;
    const fresh = session.compile(this.stmt, schema);
    if (!c || !c.busy) this.cache = fresh;
    return fresh;
  }
  /** Whether the statement controls transactions (BEGIN, COMMIT, …). */
  get isControl(): boolean {
    const k = this.stmt.kind;
    return k === 'begin' || k === 'commit' || k === 'rollback' || k === 'savepoint' || k === 'release';
  }
}

export interface ExecResult {
  columns: ColumnMeta[];
  /** Rows for statements that return them (SELECT, RETURNING, PRAGMA, EXPLAIN). */
  rows: Pull | undefined;
  changes: number;
  lastInsertRowid: bigint;
  /** Call when done with `rows` (releases the program for reuse). */
  done(): void;
}

function emptyResult(counters: SessionCounters): ExecResult {
  return { columns: [], rows: undefined, changes: 0, lastInsertRowid: counters.lastInsertRowid, done() {} };
}

/**
 * What a versioned database adds to a session (src/sql/version/session-version.ts): AS OF and
 * system-table hooks for the compiler, the read-only guard, commit message/author, and the
 * version-control statements.
 */
export interface SessionVersionHooks {
  readonly hooks: CompileContext['hooks'];
  /** Throws `READ_ONLY_BRANCH` when the session may not write. */
  checkWritable(): void;
  /** Message and author for the commit being made (consumes a message set for it). */
  commitInfo(): { message?: string; author?: string };
  beginCompile(): void;
  endCompile(c: Compiled): void;
  isVersionStatement(stmt: Statement): boolean;
  execute(stmt: Statement, params: SqlValue[]): Promise<ExecResult>;
  /** Load what the statement's AS OF clauses need before a retry. */
  warm(stmt: Statement, params: readonly SqlValue[]): Promise<void>;
}

/** Give every parameter of a (version-control) statement its slot. */
function slotParams(node: unknown, params: ParamMap, depth: number): void {
  if (depth > 100 || node === null || typeof node !== 'object' || node instanceof Uint8Array) return;
  if (Array.isArray(node)) {
    for (const x of node) slotParams(x, params, depth + 1);
    return;
  }
  const o = node as Record<string, unknown>;
  if (o.kind === 'param') params.slot(o as { index?: number; name?: string });
  for (const k of Object.keys(o)) if (k !== 'pos') slotParams(o[k], params, depth + 1);
}

/** Execute a compiled statement, under its time limit / cancellation guard when it has one. */
function run(c: Compiled, tx: TxnAccess, params: SqlValue[], guard: StatementGuard | undefined): Outcome {
  return guard === undefined ? c.execute(tx, params) : guarded(guard, () => c.execute(tx, params));
}

/** Deferred foreign-key checks of a transaction about to commit (throws the FK error). */
function checkDeferredForeignKeys(tx: Transaction): void {
  if (tx.deferredFks.length > 0) new ForeignKeys(() => null).checkDeferred(tx);
}

export class Session {
  readonly counters: SessionCounters = { changes: 0, totalChanges: 0, lastInsertRowid: 0n };
  /** The engine (a branch of a versioned database) statements run on; USE BRANCH changes it. */
  engine: Engine;
  /** Versioning of this session (undefined for a plain engine). */
  version: SessionVersionHooks | undefined;
  /** Parameter values of the statement being executed (AS OF values are read from them). */
  execParams: SqlValue[] | undefined;
  private txn: Transaction | undefined;
  private holdsLock = false;
  private startedBySavepoint = false;
  private iterators = 0;
  private readonly prepCache = new Map<string, Prepared>();

  constructor(engine: Engine, version?: SessionVersionHooks) {
    this.engine = engine;
    this.version = version;
  }

  get inTransaction(): boolean {
    return this.txn !== undefined;
  }

  /** The schema statements are compiled against right now. */
  schema(): SchemaSource {
    return this.txn ?? this.engine.committed;
  }

  compile(stmt: Statement, schema: SchemaSource): Compiled {
    const v = this.version;
    if (!v) {
      return compileStatement(stmt, schema, {
        ns: this.engine.ns,
        counters: this.counters,
        parse: (sql) => this.engine.parseStored(sql),
      });
    }
    if (v.isVersionStatement(stmt)) {
      const params = new ParamMap();
      slotParams(stmt, params, 0);
      return { schemaKey: schema.schemaKey, params, columns: [], reader: stmt.kind === 'show' || stmt.kind === 'call', writes: false, env: new ExecEnv(this.counters), busy: false, execute: () => ({ kind: 'done', changes: 0 }) };
    }
    v.beginCompile();
    const c = compileStatement(stmt, schema, {
      ns: this.engine.ns,
      counters: this.counters,
      parse: (sql) => this.engine.parseStored(sql),
      hooks: v.hooks,
    });
    v.endCompile(c);
    return c;
  }

  /** Parse one statement (cached by text). */
  prepare(sql: string): Prepared {
    let p = this.prepCache.get(sql);
    if (!p) {
      p = new Prepared(sql, parseOne(sql));
      if (this.prepCache.size >= 500) this.prepCache.delete(this.prepCache.keys().next().value!);
      this.prepCache.set(sql, p);
    }
    return p;
  }

  /** Parse a script into prepared statements (not cached). */
  prepareAll(sql: string): Prepared[] {
    return parse(sql).map((s) => new Prepared(s.sql, s));
  }

  /** Scripts that are one transaction-control statement (BEGIN, COMMIT, …): parsed once. */
  private readonly controlScripts = new Map<string, Prepared[]>();

  /** Run every statement of a script, discarding rows (`guard`: time limit / cancellation of the whole script). */
  async exec(sql: string, guard?: StatementGuard): Promise<void> {
    let list = this.controlScripts.get(sql);
    if (list === undefined) {
      list = this.prepareAll(sql);
      if (list.length === 1 && list[0]!.isControl) {
        if (this.controlScripts.size >= 64) this.controlScripts.delete(this.controlScripts.keys().next().value!);
        this.controlScripts.set(sql, list);
      }
    }
    for (const p of list) {
      const r = await this.execute(p, [], guard);
      if (r.rows) while (r.rows() !== undefined);
      r.done();
    }
  }

  /** Note an open lazy iterator (writes in the same transaction are refused meanwhile). */
  iteratorOpened(): void {
    this.iterators++;
  }
  iteratorClosed(): void {
    this.iterators--;
  }

  /**
   * Execute without awaiting when nothing needs to wait: reads (autocommit or in a
   * transaction) and writes inside a transaction that already holds the writer lock. Returns
   * undefined when the statement needs `execute` (locks, commits, transaction control).
   */
  executeSync(prep: Prepared, params: SqlValue[], guard?: StatementGuard): ExecResult | undefined {
    if (this.engine.isClosed) throw new SqlError('DATABASE_CLOSED', 'The database is closed');
    if (prep.isControl) return undefined;
    if (this.version) {
      if (this.version.isVersionStatement(prep.stmt)) return undefined;
      this.execParams = params;
      try {
        return this.executeSyncInner(prep, params, guard);
      } catch (e) {
        if (e instanceof NeedsAsyncError) return undefined;
        throw e;
      } finally {
        this.execParams = undefined;
      }
    }
    return this.executeSyncInner(prep, params, guard);
  }

  private executeSyncInner(prep: Prepared, params: SqlValue[], guard: StatementGuard | undefined): ExecResult | undefined {
    const txn = this.txn;
    if (!txn) {
      const committed = this.engine.committed;
      const c = prep.compiled(committed, this);
      if (c.writes) return undefined;
      c.busy = true;
      try {
        return this.result(c, run(c, committed, params, guard), guard);
      } catch (e) {
        c.busy = false;
        throw e;
      }
    }
    const c = prep.compiled(txn, this);
    if (c.writes && !this.holdsLock) return undefined;
    return this.runInTransaction(txn, prep, c, params, guard);
  }

  async execute(prep: Prepared, params: SqlValue[], guard?: StatementGuard): Promise<ExecResult> {
    if (this.engine.isClosed) throw new SqlError('DATABASE_CLOSED', 'The database is closed');
    guard?.check();
    const v = this.version;
    if (!v) return this.executeInner(prep, params, guard);
    if (v.isVersionStatement(prep.stmt)) return v.execute(prep.stmt, params);
    this.execParams = params;
    try {
      try {
        return await this.executeInner(prep, params, guard);
      } catch (e) {
        if (!(e instanceof NeedsAsyncError)) throw e;
      }
      await v.warm(prep.stmt, params);
      this.execParams = params;
      return await this.executeInner(prep, params, guard);
    } finally {
      this.execParams = undefined;
    }
  }

  private async executeInner(prep: Prepared, params: SqlValue[], guard: StatementGuard | undefined): Promise<ExecResult> {
    const stmt = prep.stmt;
    switch (stmt.kind) {
      case 'begin':
        return this.begin(stmt.mode);
      case 'commit':
        return this.commit();
      case 'rollback':
        return stmt.savepoint !== undefined ? this.rollbackTo(stmt.savepoint) : this.rollback();
      case 'savepoint':
        return this.savepoint(stmt.name);
      case 'release':
        return this.release(stmt.name);
      default:
        break;
    }
    const txn = this.txn;
    if (!txn) return this.autocommit(prep, params, guard);
    let c = prep.compiled(txn, this);
    if (c.writes && !this.holdsLock) {
      if (this.iterators > 0) throw new TypeError('This database connection is busy executing a query');
      this.version?.checkWritable();
      await this.lockForWrite(txn);
      if (this.txn !== txn) throw new SqlError('SQL_ERROR', 'the transaction ended while this statement waited');
      c = prep.compiled(txn, this);
    }
    return this.runInTransaction(txn, prep, c, params, guard);
  }

  private runInTransaction(txn: Transaction, prep: Prepared, c: Compiled, params: SqlValue[], guard: StatementGuard | undefined): ExecResult {
    if (c.writes && this.iterators > 0) throw new TypeError('This database connection is busy executing a query');
    const mark = txn.undo.mark();
    let out: Outcome;
    c.busy = true;
    try {
      out = run(c, txn, params, guard);
    } catch (e) {
      c.busy = false;
      // OR FAIL keeps the statement's earlier changes; OR ROLLBACK ends the transaction.
      const how = failedStatementResolution(e);
      if (how === 'ROLLBACK') {
        this.engine.end(txn);
        this.txn = undefined;
        this.releaseLock();
      } else if (how === 'FAIL') txn.statements.push(prep.sql);
      else txn.undo.rollbackTo(mark);
      throw e;
    }
    if (c.writes && out.kind !== 'rows') txn.statements.push(prep.sql);
    if (txn.savepoints.length === 0) txn.undo.truncate(mark);
    return this.result(c, out, guard);
  }

  private result(c: Compiled, out: Outcome, guard: StatementGuard | undefined): ExecResult {
    const counters = this.counters;
    if (out.kind === 'rows') {
      return { columns: c.columns, rows: guardPull(guard, out.pull), changes: 0, lastInsertRowid: counters.lastInsertRowid, done: () => (c.busy = false) };
    }
    c.busy = false;
    if (out.kind === 'schema') return { ...emptyResult(counters), columns: c.columns };
    counters.changes = out.changes;
    counters.totalChanges += out.changes;
    if (out.lastInsertRowid !== undefined) counters.lastInsertRowid = out.lastInsertRowid;
    let rows: Pull | undefined;
    if (out.rows) {
      const list: Row[] = out.rows;
      let i = 0;
      rows = () => (i < list.length ? list[i++] : undefined);
    }
    return { columns: c.columns, rows, changes: out.changes, lastInsertRowid: counters.lastInsertRowid, done() {} };
  }

  private async autocommit(prep: Prepared, params: SqlValue[], guard: StatementGuard | undefined): Promise<ExecResult> {
    const engine = this.engine;
    let c = prep.compiled(engine.committed, this);
    if (!c.writes) {
      c.busy = true;
      try {
        return this.result(c, run(c, engine.committed, params, guard), guard);
      } catch (e) {
        c.busy = false;
        throw e;
      }
    }
    this.version?.checkWritable();
    await engine.writeLock.acquire();
    try {
      const tx = engine.newTransaction();
      c = prep.compiled(tx, this);
      c.busy = true;
      let out: Outcome;
      try {
        out = run(c, tx, params, guard);
      } catch (e) {
        if (failedStatementResolution(e) === 'FAIL' && tx.changed) {
          // OR FAIL: the rows written before the failing one stay (and commit).
          tx.statements.push(prep.sql);
          try {
            checkDeferredForeignKeys(tx);
            await engine.commit(tx);
          } finally {
            engine.end(tx);
          }
          throw e;
        }
        engine.end(tx);
        throw e;
      } finally {
        c.busy = false;
      }
      tx.statements.push(prep.sql);
      if (this.version) tx.commitInfo = this.version.commitInfo();
      try {
        checkDeferredForeignKeys(tx);
        await engine.commit(tx);
      } finally {
        engine.end(tx);
      }
      return this.result(c, out, guard);
    } finally {
      engine.writeLock.release();
    }
  }

  private async lockForWrite(txn: Transaction): Promise<void> {
    if (this.holdsLock) return;
    await this.engine.writeLock.acquire();
    if (this.engine.committed !== txn.base) {
      this.engine.writeLock.release();
      throw new SqlError('BUSY', 'database is locked: another connection committed since this transaction began; roll back and retry');
    }
    this.holdsLock = true;
  }

  private releaseLock(): void {
    if (this.holdsLock) {
      this.holdsLock = false;
      this.engine.writeLock.release();
    }
  }

  private async begin(mode: 'DEFERRED' | 'IMMEDIATE' | 'EXCLUSIVE' | undefined): Promise<ExecResult> {
    if (this.txn) throw new SqlError('SQL_ERROR', 'cannot start a transaction within a transaction');
    if (mode === 'IMMEDIATE' || mode === 'EXCLUSIVE') {
      await this.engine.writeLock.acquire();
      this.holdsLock = true;
    }
    this.txn = this.engine.newTransaction();
    this.startedBySavepoint = false;
    return emptyResult(this.counters);
  }

  private async commit(): Promise<ExecResult> {
    const txn = this.txn;
    if (!txn) throw new SqlError('SQL_ERROR', 'cannot commit - no transaction is active');
    if (this.iterators > 0) throw new TypeError('This database connection is busy executing a query');
    if (txn.changed) {
      // Deferred foreign keys: a violation fails COMMIT and the transaction stays open (SQLite).
      checkDeferredForeignKeys(txn);
      if (this.version) txn.commitInfo = this.version.commitInfo();
      await this.engine.commit(txn);
    }
    this.engine.end(txn);
    this.txn = undefined;
    this.releaseLock();
    return emptyResult(this.counters);
  }

  private rollback(): ExecResult {
    if (!this.txn) throw new SqlError('SQL_ERROR', 'cannot rollback - no transaction is active');
    this.engine.end(this.txn);
    this.txn = undefined;
    this.releaseLock();
    return emptyResult(this.counters);
  }

  private async savepoint(name: string): Promise<ExecResult> {
    if (!this.txn) {
      await this.begin(undefined);
      this.startedBySavepoint = true;
    }
    this.txn!.savepoints.push({ name, mark: this.txn!.undo.mark() });
    return emptyResult(this.counters);
  }

  private findSavepoint(name: string): number {
    const sps = this.txn?.savepoints ?? [];
    const k = name.toLowerCase();
    for (let i = sps.length - 1; i >= 0; i--) if (sps[i]!.name.toLowerCase() === k) return i;
    throw new SqlError('SQL_ERROR', `no such savepoint: ${name}`);
  }

  private async release(name: string): Promise<ExecResult> {
    const i = this.findSavepoint(name);
    const txn = this.txn!;
    txn.savepoints.length = i;
    if (i === 0 && this.startedBySavepoint) return this.commit();
    return emptyResult(this.counters);
  }

  private rollbackTo(name: string): ExecResult {
    const i = this.findSavepoint(name);
    const txn = this.txn!;
    txn.undo.rollbackTo(txn.savepoints[i]!.mark);
    txn.savepoints.length = i + 1;
    return emptyResult(this.counters);
  }
}
