/**
 * INSERT, UPDATE and DELETE: compiled once per schema, run against a transaction.
 *
 * - INSERT: VALUES rows, a SELECT (materialised first, so `INSERT INTO t SELECT … FROM t` sees
 *   the table as it was) or DEFAULT VALUES; column defaults (stored SQL text, compiled);
 *   affinity; NOT NULL and CHECK; conflict actions (OR IGNORE / OR REPLACE / REPLACE INTO).
 * - UPDATE / DELETE: the matching rows are collected first through the best access path
 *   (no Halloween problem), then changed; every SET expression reads the old row.
 * - DELETE without WHERE empties the table's trees in O(1).
 * - RETURNING evaluates its expressions on each written row.
 */
import { ConstraintError, SqlError } from '../../errors/index.js';
import { ProllyTree, type NodeStore, type SqlValue } from '../../objects/index.js';
import type { DeleteStmt, InsertStmt, UpdateStmt } from '../ast.js';
import { parseExpression } from '../parser/index.js';
import { truthy } from '../values/index.js';
import type { SchemaSource } from '../catalog/catalog.js';
import { ExprCompiler, type Eval } from '../exec/compile-expr.js';
import type { ExecEnv } from '../exec/env.js';
import type { ColumnMeta, PlanNode, Row } from '../exec/types.js';
import type { Planner } from '../planner/planner.js';
import type { TableInfo } from '../storage/table-info.js';
import type { OnConflict } from '../storage/row-writer.js';
import type { TableState } from '../storage/table-state.js';
import { coerceRow, coerceValue } from './coerce.js';
import type { Transaction } from './transaction.js';

export interface DmlResult {
  changes: number;
  lastInsertRowid?: bigint;
  /** RETURNING rows. */
  rows?: Row[];
}

export interface CompiledDml {
  readonly table: string;
  readonly returning: ColumnMeta[] | undefined;
  run(tx: Transaction): DmlResult;
}

function targetInfo(schema: SchemaSource, name: string): TableInfo {
  const key = name.toLowerCase();
  const info = schema.tableInfo(key);
  if (info) {
    // Triggers are stored but do not fire yet: refuse rather than silently skip them.
    const trig = schema.triggerList().find((t) => t.table === key);
    if (trig) throw new SqlError('NOT_SUPPORTED', `table ${info.name} has trigger ${trig.name}; triggers do not fire yet, so writes to it are refused`);
    return info;
  }
  if (schema.view(key)) throw new SqlError('SQL_ERROR', `cannot modify ${name} because it is a view`);
  if (key === 'sqlite_schema' || key === 'sqlite_master') throw new SqlError('SQL_ERROR', `table ${name} may not be modified`);
  throw new SqlError('SQL_ERROR', `no such table: ${name}`);
}

/** Compiled CHECK constraints and NOT NULL columns of a table, evaluated on a full row. */
class RowChecks {
  private readonly checks: { name: string; f: Eval }[];
  private readonly notNull: number[];
  constructor(
    private readonly info: TableInfo,
    planner: Planner,
    env: ExecEnv,
  ) {
    const { scope } = planner.tableScope(info);
    const c = new ExprCompiler(env, 0);
    this.checks = info.schema.checks.map((ch) => ({
      name: ch.name ?? ch.expr,
      f: c.compile(planner.bindExpr(parseExpression(ch.expr), scope, { aggs: false, aliases: false })),
    }));
    this.notNull = info.columns.flatMap((col, i) => (col.notNull ? [i] : []));
  }

  /** Throws on a violated NOT NULL; returns false (skip) under IGNORE. */
  notNullOk(row: Row, onConflict: OnConflict, defaults?: (Eval | undefined)[]): boolean {
    for (const i of this.notNull) {
      if (row[i] !== null) continue;
      if (onConflict === 'IGNORE') return false;
      if (onConflict === 'REPLACE' && defaults?.[i]) {
        row[i] = coerceValue(this.info, i, defaults[i]!(row));
        if (row[i] !== null) continue;
      }
      throw new ConstraintError('NOT NULL', `NOT NULL constraint failed: ${this.info.name}.${this.info.columns[i]!.name}`);
    }
    return true;
  }

  checkOk(row: Row, onConflict: OnConflict): boolean {
    for (const ch of this.checks) {
      if (truthy(ch.f(row)) === false) {
        if (onConflict === 'IGNORE') return false;
        throw new ConstraintError('CHECK', `CHECK constraint failed: ${ch.name}`);
      }
    }
    return true;
  }
}

function compileReturning(planner: Planner, info: TableInfo, alias: string | undefined, stmt: { returning?: import('../ast.js').ResultColumn[] }, env: ExecEnv): { cols: ColumnMeta[]; exprs: Eval[] } | undefined {
  if (!stmt.returning?.length) return undefined;
  const { scope } = planner.tableScope(info, alias);
  const b = planner.bindResultColumns(stmt.returning, scope);
  const c = new ExprCompiler(env, 0);
  return { cols: b.columns, exprs: b.exprs.map((e) => c.compile(e)) };
}

export function compileInsert(stmt: InsertStmt, planner: Planner, schema: SchemaSource, env: ExecEnv): CompiledDml {
  const info = targetInfo(schema, stmt.table);
  const width = info.width;
  const onConflict: OnConflict = stmt.orAction ?? 'ABORT';
  if (stmt.upserts?.length) throw new SqlError('SQL_ERROR', 'ON CONFLICT clauses are not supported yet');
  // Target slots in source order.
  let slots: number[];
  if (stmt.columns) {
    slots = stmt.columns.map((n) => {
      let s = info.columnSlot(n);
      if (s < 0 && /^(rowid|oid|_rowid_)$/i.test(n) && info.rowidSlot >= 0) s = info.rowidSlot;
      if (s < 0) throw new SqlError('SQL_ERROR', `table ${info.name} has no column named ${n}`);
      return s;
    });
    if (new Set(slots).size !== slots.length) throw new SqlError('SQL_ERROR', 'duplicate column name in INSERT column list');
  } else slots = info.columns.map((_, i) => i);

  const compiler = new ExprCompiler(env, 0);
  const ctes = planner.withCtes(stmt.with);
  let source: { kind: 'values'; rows: Eval[][] } | { kind: 'query'; plan: PlanNode } | { kind: 'default' };
  if (stmt.source.kind === 'values') {
    const scope = planner.emptyScope();
    const rows = stmt.source.rows.map((r) => {
      if (r.length !== slots.length) {
        throw new SqlError(
          'SQL_ERROR',
          stmt.columns ? `${r.length} values for ${slots.length} columns` : `table ${info.name} has ${slots.length} columns but ${r.length} values were supplied`,
        );
      }
      return r.map((e) => compiler.compile(planner.bindExpr(e, scope, { aggs: false, aliases: false })));
    });
    source = { kind: 'values', rows };
  } else if (stmt.source.kind === 'query') {
    const pq = planner.planQuery(stmt.source.query, { nameParent: undefined, lexicalParent: undefined, depth: 0, ctes });
    if (pq.plan.columns.length !== slots.length) {
      throw new SqlError(
        'SQL_ERROR',
        stmt.columns ? `${pq.plan.columns.length} values for ${slots.length} columns` : `table ${info.name} has ${slots.length} columns but ${pq.plan.columns.length} values were supplied`,
      );
    }
    source = { kind: 'query', plan: pq.plan };
  } else {
    slots = [];
    source = { kind: 'default' };
  }
  const provided = new Set(slots);
  const defScope = planner.emptyScope();
  const defaults: (Eval | undefined)[] = info.columns.map((c) =>
    c.default !== undefined ? compiler.compile(planner.bindExpr(parseExpression(c.default), defScope, { aggs: false, aliases: false })) : undefined,
  );
  const missing = info.columns.map((_, i) => i).filter((i) => !provided.has(i));
  const checks = new RowChecks(info, planner, env);
  const returning = compileReturning(planner, info, stmt.alias, stmt, env);
  const empty: Row = [];

  /** Insert one source row; returns the rowid (or 0n) when written, undefined when skipped. */
  const insertOne = (tx: Transaction, ts: TableState, src: Row, out: Row[] | undefined): bigint | undefined => {
    const row: Row = new Array(width);
    for (const i of missing) row[i] = defaults[i] ? defaults[i]!(empty) : null;
    for (let j = 0; j < slots.length; j++) row[slots[j]!] = src[j]!;
    coerceRow(info, row);
    if (!checks.notNullOk(row, onConflict, defaults)) return undefined;
    if (info.rowidSlot >= 0 && row[info.rowidSlot] === null) tx.writer.assignRowid(ts, row);
    if (!checks.checkOk(row, onConflict)) return undefined;
    const o = tx.writer.insert(ts, row, onConflict);
    if (!o.inserted) return undefined;
    if (out) out.push(returning!.exprs.map((f) => f(row)));
    return o.rowid ?? 0n;
  };
  const single = source.kind === 'values' && source.rows.length === 1 ? source.rows[0]! : undefined;

  return {
    table: info.key,
    returning: returning?.cols,
    run(tx: Transaction): DmlResult {
      const ts = tx.tableForWrite(info.key);
      const out: Row[] | undefined = returning ? [] : undefined;
      let changes = 0;
      let lastRowid: bigint | undefined;
      let rows: Row[];
      if (single) {
        const vals: Row = new Array(single.length);
        for (let j = 0; j < single.length; j++) vals[j] = single[j]!(empty);
        rows = [vals];
      } else if (source.kind === 'values') {
        rows = source.rows.map((r) => {
          const vals: Row = new Array(r.length);
          for (let j = 0; j < r.length; j++) vals[j] = r[j]!(empty);
          return vals;
        });
      } else if (source.kind === 'query') {
        rows = [];
        const pull = source.plan.open();
        for (let r = pull(); r !== undefined; r = pull()) rows.push(r.slice());
      } else rows = [[]];
      for (const r of rows) {
        const id = insertOne(tx, ts, r, out);
        if (id === undefined) continue;
        changes++;
        if (info.rowidSlot >= 0) lastRowid = id;
      }
      const res: DmlResult = { changes };
      if (lastRowid !== undefined) res.lastInsertRowid = lastRowid;
      if (out) res.rows = out;
      return res;
    },
  };
}

/** Collect the rows a pipeline yields (copies of the table's slots). */
function collectRows(plan: PlanNode, width: number): Row[] {
  const rows: Row[] = [];
  const pull = plan.open();
  for (let r = pull(); r !== undefined; r = pull()) rows.push(r.slice(0, width));
  return rows;
}

function rowKeyOf(info: TableInfo, row: Row): Uint8Array {
  return info.keyless ? info.keylessKey(row) : info.encodeKey(row);
}

export function compileUpdate(stmt: UpdateStmt, planner: Planner, schema: SchemaSource, env: ExecEnv): CompiledDml {
  const info = targetInfo(schema, stmt.table);
  if (stmt.from) throw new SqlError('SQL_ERROR', 'UPDATE … FROM is not supported yet');
  if (stmt.orderBy?.length || stmt.limit) throw new SqlError('SQL_ERROR', 'UPDATE with ORDER BY/LIMIT is not supported yet');
  const onConflict: OnConflict = stmt.orAction ?? 'ABORT';
  const ctes = planner.withCtes(stmt.with);
  const { scope, pipeline } = planner.planTableAccess(info, stmt.alias, stmt.where, ctes);
  const compiler = new ExprCompiler(env, 0);
  const sets: { slot: number; f: Eval }[] = [];
  for (const sc of stmt.sets) {
    if (sc.columns.length !== 1) throw new SqlError('SQL_ERROR', 'row-value SET is not supported yet');
    const n = sc.columns[0]!;
    let s = info.columnSlot(n);
    if (s < 0 && /^(rowid|oid|_rowid_)$/i.test(n) && info.rowidSlot >= 0) s = info.rowidSlot;
    if (s < 0) throw new SqlError('SQL_ERROR', `no such column: ${n}`);
    sets.push({ slot: s, f: compiler.compile(planner.bindExpr(sc.expr, scope, { aggs: false, aliases: false })) });
  }
  const checks = new RowChecks(info, planner, env);
  const returning = compileReturning(planner, info, stmt.alias, stmt, env);
  const width = info.width;
  return {
    table: info.key,
    returning: returning?.cols,
    run(tx: Transaction): DmlResult {
      const ts = tx.tableForWrite(info.key);
      const rows = collectRows(pipeline, width);
      let changes = 0;
      const out: Row[] | undefined = returning ? [] : undefined;
      const vals: SqlValue[] = new Array(sets.length);
      for (const old of rows) {
        for (let i = 0; i < sets.length; i++) vals[i] = sets[i]!.f(old);
        const row = old.slice();
        for (let i = 0; i < sets.length; i++) row[sets[i]!.slot] = coerceValue(info, sets[i]!.slot, vals[i]!);
        if (info.rowidSlot >= 0 && row[info.rowidSlot] === null) tx.writer.assignRowid(ts, row);
        if (!checks.notNullOk(row, onConflict)) continue;
        if (!checks.checkOk(row, onConflict)) continue;
        if (!tx.writer.update(ts, rowKeyOf(info, old), old, row, onConflict)) continue;
        changes++;
        if (out) out.push(returning!.exprs.map((f) => f(row)));
      }
      const res: DmlResult = { changes };
      if (out) res.rows = out;
      return res;
    },
  };
}

export function compileDelete(stmt: DeleteStmt, planner: Planner, schema: SchemaSource, env: ExecEnv, ns: NodeStore): CompiledDml {
  const info = targetInfo(schema, stmt.table);
  if (stmt.orderBy?.length || stmt.limit) throw new SqlError('SQL_ERROR', 'DELETE with ORDER BY/LIMIT is not supported yet');
  const ctes = planner.withCtes(stmt.with);
  const { pipeline } = planner.planTableAccess(info, stmt.alias, stmt.where, ctes);
  const returning = compileReturning(planner, info, stmt.alias, stmt, env);
  const width = info.width;
  const truncate = !stmt.where && !returning;
  return {
    table: info.key,
    returning: returning?.cols,
    run(tx: Transaction): DmlResult {
      const ts: TableState = tx.tableForWrite(info.key);
      if (truncate) return { changes: tx.writer.truncate(ts, ProllyTree.empty(ns)) };
      const rows = collectRows(pipeline, width);
      let changes = 0;
      const out: Row[] | undefined = returning ? [] : undefined;
      for (const old of rows) {
        if (!tx.writer.deleteRow(ts, rowKeyOf(info, old), old)) continue;
        changes++;
        if (out) out.push(returning!.exprs.map((f) => f(old)));
      }
      const res: DmlResult = { changes };
      if (out) res.rows = out;
      return res;
    },
  };
}
