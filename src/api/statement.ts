/**
 * `Statement`: a prepared statement, in the style of better-sqlite3 (but async, because a write
 * commits durably): `all`, `get`, `run`, `iterate`, `raw()`, `pluck()`, `safeIntegers()`,
 * `columns()`. Parameters are given as positional values, one array, or one object of named
 * values (keys with or without the `:`/`@`/`$` sigil).
 */
import type { SqlValue } from '../objects/index.js';
import { Decimal } from '../objects/index.js';
import type { ColumnMeta, ExecResult, Prepared, Session, SqlRow, InterruptSignal } from '../sql/index.js';
import { StatementGuard } from '../sql/index.js';
import { toResultValue, toSqlValue, type BindValue, type ResultValue } from './values.js';

/** What `run()` reports. */
export interface RunResult {
  /** Rows inserted, updated or deleted by the statement. */
  changes: number;
  /** Rowid of the last row inserted into an INTEGER PRIMARY KEY table by this connection. */
  lastInsertRowid: number | bigint;
}

/** Column description returned by `Statement.columns()`. */
export interface ColumnInfo {
  name: string;
  /** Source column, when the result column is a plain column reference. */
  column: string | null;
  table: string | null;
  database: string | null;
  /** Declared type of the source column, or null. */
  type: string | null;
}

/** A result row as a plain object keyed by column name. */
export type Row = Record<string, ResultValue>;

/** Per-call options of the query functions (`db.exec/query/get/run`, `stmt.withOptions`). */
export interface QueryOptions {
  /**
   * Stop the statement with `STATEMENT_TIMEOUT` once it has run this many ms (checked while it
   * produces rows; for `iterate` the time between rows counts). Its changes are undone; the
   * transaction stays open. 0: no limit. Default: the database's `statementTimeoutMs`.
   */
  timeoutMs?: number;
  /** Cancel the statement with `INTERRUPTED` when this signal (e.g. an `AbortSignal`) is aborted. */
  signal?: InterruptSignal;
}

/** Check `QueryOptions` given by a caller (TypeError on misuse). */
export function checkQueryOptions(o: unknown): QueryOptions | undefined {
  if (o === undefined) return undefined;
  if (typeof o !== 'object' || o === null) throw new TypeError('Expected the options as an object ({ timeoutMs, signal })');
  const { timeoutMs, signal } = o as QueryOptions;
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !(timeoutMs >= 0))) throw new TypeError('timeoutMs must be a number ≥ 0');
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || !('aborted' in signal))) throw new TypeError('signal must be an AbortSignal');
  return o as QueryOptions;
}

/** Parameters: positional values, one array, or one object of named values. */
export type BindParameters = BindValue[] | [Record<string, BindValue>] | [BindValue[]];

/** What a Statement needs from its Database. */
export interface StatementHost {
  readonly sqlSession: Session;
  /** Wait until the caller may use the connection (a transaction function may hold it). */
  gate(): Promise<void> | undefined;
  checkOpen(): void;
  /** Default time limit of a statement in ms (0 or undefined: none). */
  readonly statementTimeoutMs?: number | undefined;
}

function isNamedObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date) && !(v instanceof Decimal);
}

export class Statement<R = Row> {
  /** The SQL text. */
  readonly source: string;
  private rawMode = false;
  private pluckMode = false;
  private safe = false;
  private opts: QueryOptions | undefined;

  constructor(
    private readonly host: StatementHost,
    private readonly prep: Prepared,
  ) {
    this.source = prep.sql;
    // Compile now so that errors (syntax, unknown table) surface at prepare time.
    if (!prep.isControl) prep.compiled(host.sqlSession.schema(), host.sqlSession);
  }

  /** True when the statement returns rows. */
  get reader(): boolean {
    if (this.prep.isControl) return false;
    return this.prep.compiled(this.host.sqlSession.schema(), this.host.sqlSession).reader;
  }

  /** Return rows as arrays instead of objects. */
  raw(on = true): this {
    this.rawMode = on;
    if (on) this.pluckMode = false;
    return this;
  }

  /** Return only the first column's value of each row. */
  pluck(on = true): this {
    this.pluckMode = on;
    if (on) this.rawMode = false;
    return this;
  }

  /**
   * This statement with a time limit and/or cancellation signal for its calls:
   * `await stmt.withOptions({ timeoutMs: 100 }).all(x)`. Returns a new Statement (same modes).
   */
  withOptions(options: QueryOptions): Statement<R> {
    const o = checkQueryOptions(options);
    const s = new Statement<R>(this.host, this.prep);
    s.rawMode = this.rawMode;
    s.pluckMode = this.pluckMode;
    s.safe = this.safe;
    s.opts = o;
    return s;
  }

  /** Return every INTEGER as a bigint (default: number when it is a safe integer). */
  safeIntegers(on = true): this {
    this.safe = on;
    return this;
  }

  columns(): ColumnInfo[] {
    if (this.prep.isControl) return [];
    const cols = this.prep.compiled(this.host.sqlSession.schema(), this.host.sqlSession).columns;
    return cols.map((c: ColumnMeta) => ({
      name: c.name,
      column: c.column ?? null,
      table: c.table ?? null,
      database: c.table ? 'main' : null,
      type: c.declType ?? null,
    }));
  }

  private bind(args: unknown[]): SqlValue[] {
    if (this.prep.isControl) {
      if (args.length && !(args.length === 1 && Array.isArray(args[0]) && args[0].length === 0)) throw new RangeError('Too many parameter values were provided');
      return [];
    }
    const params = this.prep.compiled(this.host.sqlSession.schema(), this.host.sqlSession).params;
    const values: SqlValue[] = new Array(params.count).fill(null);
    if (args.length === 1 && isNamedObject(args[0])) {
      const obj = args[0];
      if (params.count > params.names.size) throw new RangeError('Too few parameter values were provided (the statement has positional parameters)');
      for (const [name, idx] of params.names) {
        const bare = name.slice(1);
        let v: unknown;
        if (Object.prototype.hasOwnProperty.call(obj, bare)) v = obj[bare];
        else if (Object.prototype.hasOwnProperty.call(obj, name)) v = obj[name];
        else throw new RangeError(`Missing named parameter "${bare}"`);
        values[idx - 1] = toSqlValue(v, `parameter ${name}`);
      }
      return values;
    }
    const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
    if (list.length > params.count) throw new RangeError('Too many parameter values were provided');
    if (list.length < params.count) throw new RangeError('Too few parameter values were provided');
    for (let i = 0; i < list.length; i++) {
      const v = list[i];
      // Common cases inline (no per-value message string); everything else via toSqlValue.
      if (typeof v === 'string') values[i] = v;
      else if (typeof v === 'number' && !Number.isInteger(v) && v === v) values[i] = v;
      else values[i] = toSqlValue(v, `parameter ${i + 1}`);
    }
    return values;
  }

  /** The last shape built, reused while the columns and modes stay the same. */
  private shaped: { cols: ColumnMeta[]; safe: boolean; raw: boolean; pluck: boolean; fn: (row: SqlRow) => unknown } | undefined;

  private shape(cols: ColumnMeta[]): (row: SqlRow) => unknown {
    const s = this.shaped;
    if (s !== undefined && s.cols === cols && s.safe === this.safe && s.raw === this.rawMode && s.pluck === this.pluckMode) return s.fn;
    const fn = this.buildShape(cols);
    this.shaped = { cols, safe: this.safe, raw: this.rawMode, pluck: this.pluckMode, fn };
    return fn;
  }

  private buildShape(cols: ColumnMeta[]): (row: SqlRow) => unknown {
    const safe = this.safe;
    if (this.pluckMode) return (row) => toResultValue(row[0] ?? null, safe);
    if (this.rawMode) return (row) => row.map((v) => toResultValue(v, safe));
    const names = cols.map((c) => c.name);
    const n = names.length;
    return (row) => {
      const o: Row = {};
      for (let i = 0; i < n; i++) o[names[i]!] = toResultValue(row[i]!, safe);
      return o;
    };
  }

  /** Execute: synchronously when nothing has to wait (the common case), else through the async path. */
  private exec(args: unknown[]): ExecResult | Promise<ExecResult> {
    this.host.checkOpen();
    const values = this.bind(args);
    const o = this.opts;
    const guard = o === undefined && !this.host.statementTimeoutMs ? undefined : StatementGuard.of(o?.timeoutMs ?? this.host.statementTimeoutMs, o?.signal);
    const g = this.host.gate();
    if (g) return g.then(() => this.host.sqlSession.execute(this.prep, values, guard));
    return this.host.sqlSession.executeSync(this.prep, values, guard) ?? this.host.sqlSession.execute(this.prep, values, guard);
  }

  /** Every result row. */
  async all(...params: unknown[]): Promise<R[]> {
    const r = await this.exec(params);
    const out: R[] = [];
    if (r.rows) {
      const shape = this.shape(r.columns);
      try {
        for (let row = r.rows(); row !== undefined; row = r.rows()) out.push(shape(row) as R);
      } finally {
        r.done();
      }
    }
    return out;
  }

  /** The first result row, or undefined. */
  get(...params: unknown[]): Promise<R | undefined> {
    // Not an async function: a statement that ran synchronously settles with one promise.
    try {
      const r = this.exec(params);
      return r instanceof Promise ? r.then((x) => this.firstRow(x)) : Promise.resolve(this.firstRow(r));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private firstRow(r: ExecResult): R | undefined {
    if (!r.rows) return undefined;
    try {
      const row = r.rows();
      return row === undefined ? undefined : (this.shape(r.columns)(row) as R);
    } finally {
      r.done();
    }
  }

  /** Execute for its effect. */
  run(...params: unknown[]): Promise<RunResult> {
    // Not an async function: a statement that ran synchronously settles with one promise.
    try {
      const r = this.exec(params);
      return r instanceof Promise ? r.then((x) => this.runResult(x)) : Promise.resolve(this.runResult(r));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private runResult(r: ExecResult): RunResult {
    if (r.rows) {
      try {
        while (r.rows() !== undefined);
      } finally {
        r.done();
      }
    }
    const id = r.lastInsertRowid;
    return { changes: r.changes, lastInsertRowid: this.safe ? id : id >= -9007199254740991n && id <= 9007199254740991n ? Number(id) : id };
  }

  /** Rows one at a time (reads stay on the statement's snapshot). */
  async *iterate(...params: unknown[]): AsyncGenerator<R, void, undefined> {
    const r = await this.exec(params);
    if (!r.rows) return;
    const shape = this.shape(r.columns);
    const session = this.host.sqlSession;
    const tracked = session.inTransaction;
    if (tracked) session.iteratorOpened();
    try {
      for (let row = r.rows(); row !== undefined; row = r.rows()) yield shape(row) as R;
    } finally {
      if (tracked) session.iteratorClosed();
      r.done();
    }
  }
}
