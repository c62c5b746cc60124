/**
 * Compiles one parsed statement against a schema into a `Compiled` program: a query plan, a DML
 * program, or a deferred schema/pragma/explain action. Compiled programs are cached per
 * prepared statement and schema key; each owns its `ExecEnv` (parameters, frames).
 */
import { SqlError } from '../../errors/index.js';
import type { NodeStore, SqlValue } from '../../objects/index.js';
import type { Statement } from '../ast.js';
import type { SchemaSource } from '../catalog/catalog.js';
import { ExecEnv, type SessionCounters, type TxnAccess } from '../exec/env.js';
import type { ColumnMeta, ExplainLine, PlanNode, Pull, Row } from '../exec/types.js';
import { ParamMap } from '../planner/params.js';
import { Planner, type PlannerContext } from '../planner/planner.js';
import { compileDelete, compileInsert, compileUpdate, type CompiledDml } from './dml.js';
import { alterTable, createIndex, createTable, createTrigger, createView, drop, type DdlContext } from './ddl.js';
import { pragma } from './pragma.js';
import type { Transaction } from './transaction.js';
import { EngineHooks } from './write-hooks.js';
import { compileViewDml, hasInsteadOf } from './view-dml.js';
import { prepareIndexCompute } from './index-compute.js';
import type { StatementRunner } from './triggers.js';
import type { TableInfo } from '../storage/table-info.js';
import { coerceValue } from './coerce.js';

export type Outcome =
  | { kind: 'rows'; pull: Pull }
  | { kind: 'done'; changes: number; lastInsertRowid?: bigint; rows?: Row[] }
  | { kind: 'schema' };

export interface Compiled {
  readonly schemaKey: string;
  readonly params: ParamMap;
  /** Result columns; empty when the statement returns no rows. */
  readonly columns: ColumnMeta[];
  /** Returns rows (SELECT, EXPLAIN, PRAGMA, RETURNING). */
  readonly reader: boolean;
  /** Needs a write transaction. */
  readonly writes: boolean;
  readonly env: ExecEnv;
  busy: boolean;
  /**
   * Set by the versioning layer for statements that read AS OF: false when the versions the
   * plan was compiled against would now resolve differently (recompile).
   */
  valid?: (params: SqlValue[] | undefined) => boolean;
  execute(tx: TxnAccess, params: SqlValue[]): Outcome;
}

export interface CompileContext {
  ns: NodeStore;
  counters: SessionCounters;
  parse(sql: string): Statement;
  /** Versioning hooks handed to the planner (see PlannerContext). */
  hooks?: Pick<PlannerContext, 'asOf' | 'tableFunction' | 'functions'>;
}

const EQP_COLUMNS: ColumnMeta[] = [
  { name: 'id', affinity: 'INTEGER', collation: 'BINARY' },
  { name: 'parent', affinity: 'INTEGER', collation: 'BINARY' },
  { name: 'notused', affinity: 'INTEGER', collation: 'BINARY' },
  { name: 'detail', affinity: 'TEXT', collation: 'BINARY' },
];

function explainRows(root: ExplainLine): Row[] {
  const rows: Row[] = [];
  let id = 0;
  const walk = (l: ExplainLine, parent: number): void => {
    const me = ++id;
    rows.push([BigInt(me), BigInt(parent), 0n, l.detail]);
    for (const c of l.children) walk(c, me);
  };
  walk(root, 0);
  return rows;
}

const EXPLAIN_COLUMNS: ColumnMeta[] = [{ name: 'plan', affinity: 'TEXT', collation: 'BINARY' }];

/** One row per plan step, indented two spaces per level of nesting. */
function explainText(root: ExplainLine): Row[] {
  const rows: Row[] = [];
  const walk = (l: ExplainLine, depth: number): void => {
    rows.push(['  '.repeat(depth) + l.detail]);
    for (const c of l.children) walk(c, depth + 1);
  };
  walk(root, 0);
  return rows;
}

function rowsPull(rows: Row[]): Pull {
  let i = 0;
  return () => (i < rows.length ? rows[i++] : undefined);
}

/**
 * Give the transaction's row writer the engine's write hooks (triggers, foreign keys) once:
 * trigger bodies and SET DEFAULT expressions are compiled with `ctx` and cached by key.
 */
const hookCaches = new WeakMap<CompileContext, Map<string, Compiled>>();

function installHooks(tx: Transaction, ctx: CompileContext): void {
  if (tx.writer.hooks) return;
  // Compiled trigger bodies are reused by later transactions of the session: their keys hold
  // the schema key, which changes with any schema change.
  let cache = hookCaches.get(ctx);
  if (!cache) hookCaches.set(ctx, (cache = new Map()));
  if (cache.size > 2000) cache.clear();
  const programs = cache;
  const run: StatementRunner = (stmt, t, params, key) => {
    let c = programs.get(key);
    if (!c) programs.set(key, (c = compileStatement(stmt, t, ctx)));
    const o = c.execute(t, params);
    if (o.kind !== 'rows') return undefined;
    let first: SqlValue | undefined;
    for (let r = o.pull(); r !== undefined; r = o.pull()) if (first === undefined) first = r[0] ?? null;
    return first;
  };
  const defaultOf = (info: TableInfo, slot: number): SqlValue => {
    const text = info.columns[slot]?.default;
    if (text === undefined) return null;
    const v = run(ctx.parse(`SELECT (${text})`), tx, [], `default:${info.key}:${slot}:${text}`);
    return coerceValue(info, slot, v ?? null);
  };
  const planner = (): Planner => new Planner({ schema: tx, env: new ExecEnv(ctx.counters), params: new ParamMap(), parse: ctx.parse, rowCount: (k) => tx.rowCount(k), ...ctx.hooks });
  tx.writer.hooks = new EngineHooks(tx, ctx.parse, run, defaultOf, planner);
}

export function compileStatement(stmt: Statement, schema: SchemaSource, ctx: CompileContext): Compiled {
  const env = new ExecEnv(ctx.counters);
  const params = new ParamMap();
  const planner = new Planner({ schema, env, params, parse: ctx.parse, rowCount: (k) => schema.rowCount(k), ...ctx.hooks });
  const base = { schemaKey: schema.schemaKey, params, env, busy: false };
  const run = <T>(tx: TxnAccess, values: SqlValue[], f: () => T): T => {
    env.begin(tx, values);
    return f();
  };
  switch (stmt.kind) {
    case 'select': {
      const pq = planner.planQuery(stmt.query, { nameParent: undefined, lexicalParent: undefined, depth: 0, ctes: undefined });
      const plan = pq.plan;
      return {
        ...base,
        columns: plan.columns,
        reader: true,
        writes: false,
        execute: (tx, values) => run(tx, values, () => ({ kind: 'rows', pull: plan.open() })),
      };
    }
    case 'insert':
    case 'update':
    case 'delete': {
      let dml: CompiledDml;
      const target = schema.tableInfo(stmt.table.toLowerCase());
      if (target) prepareIndexCompute(target, () => planner);
      if (hasInsteadOf(schema, stmt.table, stmt.kind === 'insert' ? 'INSERT' : stmt.kind === 'update' ? 'UPDATE' : 'DELETE')) dml = compileViewDml(stmt, planner);
      else if (stmt.kind === 'insert') dml = compileInsert(stmt, planner, schema, env);
      else if (stmt.kind === 'update') dml = compileUpdate(stmt, planner, schema, env);
      else dml = compileDelete(stmt, planner, schema, env, ctx.ns);
      return {
        ...base,
        columns: dml.returning ?? [],
        reader: dml.returning !== undefined,
        writes: true,
        execute: (tx, values) =>
          run(tx, values, () => {
            installHooks(tx as Transaction, ctx);
            const r = dml.run(tx as Transaction);
            const o: Outcome = { kind: 'done', changes: r.changes };
            if (r.lastInsertRowid !== undefined) o.lastInsertRowid = r.lastInsertRowid;
            if (r.rows) o.rows = r.rows;
            return o;
          }),
      };
    }
    case 'createTable':
    case 'createIndex':
    case 'createView':
    case 'createTrigger':
    case 'drop':
    case 'alterTable': {
      if (stmt.kind === 'createTable' && stmt.temporary) throw new SqlError('SQL_ERROR', 'TEMP tables are not supported yet');
      return {
        ...base,
        columns: [],
        reader: false,
        writes: true,
        execute: (tx, values) =>
          run(tx, values, () => {
            const t = tx as Transaction;
            installHooks(t, ctx);
            const dctx: DdlContext = {
              tx: t,
              ns: ctx.ns,
              planner: () => new Planner({ schema: t, env, params: new ParamMap(), parse: ctx.parse, rowCount: (k) => t.rowCount(k), ...ctx.hooks }),
            };
            switch (stmt.kind) {
              case 'createTable':
                createTable(dctx, stmt);
                break;
              case 'createIndex':
                createIndex(dctx, stmt);
                break;
              case 'createView':
                createView(dctx, stmt);
                break;
              case 'createTrigger':
                createTrigger(dctx, stmt);
                break;
              case 'drop':
                drop(dctx, stmt);
                break;
              case 'alterTable':
                alterTable(dctx, stmt);
                break;
            }
            return { kind: 'schema' };
          }),
      };
    }
    case 'explain': {
      const inner = stmt.statement;
      let lines: ExplainLine | undefined;
      if (inner.kind === 'select') lines = planner.planQuery(inner.query, { nameParent: undefined, lexicalParent: undefined, depth: 0, ctes: undefined }).plan.explain();
      else if (inner.kind === 'explain') throw new SqlError('SQL_ERROR', 'EXPLAIN of EXPLAIN is not allowed');
      else if (inner.kind === 'insert') lines = compileInsert(inner, planner, schema, env).explain();
      else if (inner.kind === 'update') lines = compileUpdate(inner, planner, schema, env).explain();
      else if (inner.kind === 'delete') lines = compileDelete(inner, planner, schema, env, ctx.ns).explain();
      else {
        // Plan DDL for validation.
        const c = compileStatement(inner, schema, ctx);
        void c;
      }
      lines ??= { detail: `${inner.kind.toUpperCase()} (no query plan)`, children: [] };
      // EXPLAIN QUERY PLAN: SQLite's (id, parent, notused, detail) rows; EXPLAIN: one indented line per step.
      const rows = stmt.queryPlan ? explainRows(lines) : explainText(lines);
      return {
        ...base,
        columns: stmt.queryPlan ? EQP_COLUMNS : EXPLAIN_COLUMNS,
        reader: true,
        writes: false,
        execute: () => ({ kind: 'rows', pull: rowsPull(rows) }),
      };
    }
    case 'pragma': {
      const p = pragma(stmt, schema);
      return {
        ...base,
        columns: p.columns,
        reader: p.columns.length > 0,
        writes: false,
        execute: (tx, values) => run(tx, values, () => ({ kind: 'rows', pull: rowsPull(p.rows(tx)) })),
      };
    }
    case 'analyze':
      return { ...base, columns: [], reader: false, writes: false, execute: () => ({ kind: 'done', changes: 0 }) };
    default:
      throw new SqlError('NOT_SUPPORTED', `${stmt.kind} statements are not supported yet`);
  }
}
