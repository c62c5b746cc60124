/**
 * INSERT, UPDATE and DELETE: compiled once per schema, run against a transaction.
 *
 * - INSERT: VALUES rows, a SELECT (materialised first, so `INSERT INTO t SELECT … FROM t` sees
 *   the table as it was) or DEFAULT VALUES; column defaults (stored SQL text, compiled);
 *   affinity; NOT NULL and CHECK; conflict actions (OR ABORT / FAIL / ROLLBACK / IGNORE /
 *   REPLACE, REPLACE INTO); upserts `ON CONFLICT [(cols)] DO NOTHING | DO UPDATE SET … [WHERE]`
 *   (several clauses, tried in order against the first uniqueness conflict — primary key,
 *   then UNIQUE indexes; `excluded.col` is the proposed row).
 * - UPDATE / DELETE: the matching rows are collected first through the best access path
 *   (no Halloween problem), then changed; every SET expression reads the old row.
 *   `UPDATE … FROM` joins the target with the FROM items (first match per target row);
 *   `SET (a, b) = (…)` takes a row value or a subquery; `ORDER BY … LIMIT … OFFSET` picks
 *   which rows change.
 * - OR FAIL / OR ROLLBACK mark the error they raise (`failedStatementResolution`) so the
 *   session keeps the statement's earlier changes, or ends the transaction.
 * - DELETE without WHERE empties the table's trees in O(1).
 * - RETURNING evaluates its expressions on each written row.
 */
import { ConstraintError, SqlError } from '../../errors/index.js';
import { ProllyTree, compareBytes, prefixUpperBound, type NodeStore, type SqlValue } from '../../objects/index.js';
import type { DeleteStmt, InsertStmt, Pos, UpdateStmt } from '../ast.js';
import { parseExpression } from '../parser/index.js';
import { truthy } from '../values/index.js';
import type { SchemaSource } from '../catalog/catalog.js';
import { ExprCompiler, type Eval, type Pred } from '../exec/compile-expr.js';
import type { ExecEnv } from '../exec/env.js';
import { tick } from '../exec/interrupt.js';
import { failedStatementResolution, markResolution } from '../exec/failure-resolution.js';
import { line, type ColumnMeta, type ExplainLine, type PlanNode, type Row } from '../exec/types.js';
import { posOf, type Planner } from '../planner/planner.js';
import type { TableInfo } from '../storage/table-info.js';
import { sameCell, type OnConflict } from '../storage/row-writer.js';
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
  /** The plan for EXPLAIN: the statement, then the rows it reads. */
  explain(): ExplainLine;
  run(tx: Transaction): DmlResult;
}

function targetInfo(schema: SchemaSource, name: string, pos: Pos | undefined): TableInfo {
  const key = name.toLowerCase();
  const info = schema.tableInfo(key);
  if (info) {
    return info;
  }
  if (schema.view(key)) throw new SqlError('READONLY_TABLE', `cannot modify ${name} because it is a view`, posOf({ pos }, name));
  if (key === 'sqlite_schema' || key === 'sqlite_master') throw new SqlError('READONLY_TABLE', `table ${name} may not be modified`, posOf({ pos }, name));
  throw new SqlError('NO_SUCH_TABLE', `no such table: ${name}`, posOf({ pos }, name));
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

/**
 * Statement-level conflict resolution of a failed statement: `OR FAIL` keeps the changes the
 * statement made before the failing row; `OR ROLLBACK` ends the whole transaction. The
 * session asks for it when a statement throws (ABORT, the default, undoes the statement).
 */
export { failedStatementResolution };

function noteResolution(e: unknown, onConflict: OnConflict): void {
  if ((onConflict === 'FAIL' || onConflict === 'ROLLBACK') && e instanceof ConstraintError) markResolution(e, onConflict);
}

/** Table slot of a column named in INSERT / SET (rowid aliases included), or a typed error. */
function slotOf(info: TableInfo, n: string, insert: boolean): number {
  let s = info.columnSlot(n);
  if (s < 0 && /^(rowid|oid|_rowid_)$/i.test(n) && info.rowidSlot >= 0) s = info.rowidSlot;
  if (s < 0) {
    if (insert) throw new SqlError('NO_SUCH_COLUMN', `table ${info.name} has no column named ${n}`);
    throw new SqlError('NO_SUCH_COLUMN', `no such column: ${n}`);
  }
  return s;
}

/** One compiled ON CONFLICT clause. */
interface CompiledUpsert {
  /** 'pk', an index key, or undefined (any uniqueness constraint). */
  target: string | undefined;
  action: { kind: 'nothing' } | { kind: 'update'; sets: { slot: number; f: Eval }[]; where: Pred | undefined };
}

function compileUpserts(stmt: InsertStmt, info: TableInfo, planner: Planner, env: ExecEnv): CompiledUpsert[] {
  const list = stmt.upserts ?? [];
  return list.map((u, i) => {
    let target: string | undefined;
    if (u.target) {
      const slots = u.target.columns.map((c) => {
        let e = c.expr;
        while (e.kind === 'collate') e = e.expr;
        if (e.kind !== 'column') throw new SqlError('UPSERT_TARGET_MISMATCH', 'ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint', posOf(c.expr));
        return slotOf(info, e.name, false);
      });
      const same = (a: number[]): boolean => a.length === slots.length && a.every((x) => slots.includes(x)) && slots.every((x) => a.includes(x));
      // As SQLite: a partial unique index matches only a target whose WHERE is the index's
      // WHERE (compared as expressions); a full one matches with or without a target WHERE.
      const tw = u.target.where;
      if (!info.keyless && same(info.pkSlots)) target = 'pk';
      else target = info.indexes.find((ix) => ix.unique && same(ix.slots) && (ix.schema.where === undefined || (tw !== undefined && sameExpr(tw, parseExpression(ix.schema.where)))))?.key;
      if (target === undefined) {
        throw new SqlError('UPSERT_TARGET_MISMATCH', 'ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint', posOf(u.target.columns[0]?.expr));
      }
    } else if (i < list.length - 1) {
      throw new SqlError('UPSERT_TARGET_MISSING', 'an ON CONFLICT clause without a conflict target must be the last one');
    }
    if (u.action.kind === 'nothing') return { target, action: { kind: 'nothing' } };
    const scope = planner.upsertScope(info, stmt.alias);
    const c = new ExprCompiler(env, 0);
    const sets: { slot: number; f: Eval }[] = [];
    for (const sc of u.action.sets) {
      const slots = sc.columns.map((n) => slotOf(info, n, false));
      const exprs = planner.bindRowValue(sc.expr, slots.length, scope);
      slots.forEach((slot, j) => sets.push({ slot, f: c.compile(exprs[j]!) }));
    }
    const where = u.action.where ? c.predicate(planner.bindExpr(u.action.where, scope, { aggs: false, aliases: false })) : undefined;
    return { target, action: { kind: 'update', sets, where } };
  });
}

/** Whether two expressions are the same (positions and the case of names ignored). */
function sameExpr(a: unknown, b: unknown): boolean {
  return canonicalExpr(a) === canonicalExpr(b);
}

function canonicalExpr(e: unknown): string {
  return JSON.stringify(e, function (this: Record<string, unknown>, k, v: unknown) {
    if (k === 'pos') return undefined;
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'string' && (k === 'name' || k === 'table') && (this.kind === 'column' || this.kind === 'function')) return v.toLowerCase();
    return v;
  });
}

/** The uniqueness conflicts of `row` (primary key first, then UNIQUE indexes). */
function findConflicts(ts: TableState, row: Row): { target: string; key: Uint8Array }[] {
  const info = ts.info;
  const out: { target: string; key: Uint8Array }[] = [];
  if (!info.keyless) {
    const key = info.encodeKey(row);
    if (ts.reader().get(key) !== undefined) out.push({ target: 'pk', key });
  }
  for (const ix of info.indexes) {
    if (!ix.unique) continue;
    if (ix.slots.some((s) => row[s] === null)) continue;
    if (!info.inIndex(ix, row)) continue;
    const prefix = info.indexPrefix(ix, row);
    const end = prefixUpperBound(prefix);
    for (const e of ts.indexReader(ix.key).entries(end ? { start: prefix, end } : { start: prefix })) {
      out.push({ target: ix.key, key: e.value });
      break;
    }
  }
  return out;
}

export function compileInsert(stmt: InsertStmt, planner: Planner, schema: SchemaSource, env: ExecEnv): CompiledDml {
  const info = targetInfo(schema, stmt.table, stmt.pos);
  const width = info.width;
  const onConflict: OnConflict = stmt.orAction ?? 'ABORT';
  // Target slots in source order.
  let slots: number[];
  if (stmt.columns) {
    slots = stmt.columns.map((n) => slotOf(info, n, true));
    if (new Set(slots).size !== slots.length) throw new SqlError('DUPLICATE_COLUMN', 'duplicate column name in INSERT column list');
  } else slots = info.columns.map((_, i) => i);

  const compiler = new ExprCompiler(env, 0);
  const ctes = planner.withCtes(stmt.with);
  const countError = (n: number): SqlError =>
    new SqlError(
      'COLUMN_COUNT_MISMATCH',
      stmt.columns ? `${n} values for ${slots.length} columns` : `table ${info.name} has ${slots.length} columns but ${n} values were supplied`,
    );
  let source: { kind: 'values'; rows: Eval[][] } | { kind: 'query'; plan: PlanNode } | { kind: 'default' };
  if (stmt.source.kind === 'values') {
    const scope = planner.emptyScope();
    const rows = stmt.source.rows.map((r) => {
      if (r.length !== slots.length) throw countError(r.length);
      return r.map((e) => compiler.compile(planner.bindExpr(e, scope, { aggs: false, aliases: false })));
    });
    source = { kind: 'values', rows };
  } else if (stmt.source.kind === 'query') {
    const pq = planner.planQuery(stmt.source.query, { nameParent: undefined, lexicalParent: undefined, depth: 0, ctes });
    if (pq.plan.columns.length !== slots.length) throw countError(pq.plan.columns.length);
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
  const upserts = compileUpserts(stmt, info, planner, env);
  const empty: Row = [];

  /** Apply an upsert's DO UPDATE to the existing row under `key`; false when its WHERE skipped it. */
  const upsertUpdate = (tx: Transaction, ts: TableState, u: Extract<CompiledUpsert['action'], { kind: 'update' }>, key: Uint8Array, proposed: Row, out: Row[] | undefined): boolean => {
    const existing = tx.writer.readRow(ts, key);
    if (!existing) return false;
    const buf = existing.concat(proposed);
    if (u.where && !u.where(buf)) return false;
    const vals = u.sets.map((s) => s.f(buf));
    const row = existing.slice();
    u.sets.forEach((s, i) => (row[s.slot] = coerceValue(info, s.slot, vals[i]!)));
    if (info.rowidSlot >= 0 && row[info.rowidSlot] === null) tx.writer.assignRowid(ts, row);
    checks.notNullOk(row, 'ABORT');
    checks.checkOk(row, 'ABORT');
    if (!tx.writer.update(ts, key, existing, row, 'ABORT')) return false;
    if (out) out.push(returning!.exprs.map((f) => f(row)));
    return true;
  };

  /** Insert one source row: the rowid (or 0n) when inserted, 'updated' by an upsert, undefined when skipped. */
  const insertOne = (tx: Transaction, ts: TableState, src: Row, out: Row[] | undefined): bigint | 'updated' | undefined => {
    const row: Row = new Array(width);
    for (const i of missing) row[i] = defaults[i] ? defaults[i]!(empty) : null;
    for (let j = 0; j < slots.length; j++) row[slots[j]!] = src[j]!;
    coerceRow(info, row);
    if (!checks.notNullOk(row, onConflict, defaults)) return undefined;
    if (info.rowidSlot >= 0 && row[info.rowidSlot] === null) tx.writer.assignRowid(ts, row);
    if (!checks.checkOk(row, onConflict)) return undefined;
    if (upserts.length) {
      // As in SQLite, the constraints named by ON CONFLICT clauses are checked first, clause
      // by clause; a clause without a target takes any remaining conflict.
      const cs = findConflicts(ts, row);
      if (cs.length) {
        for (const u of upserts) {
          const c = u.target === undefined ? cs[0] : cs.find((x) => x.target === u.target);
          if (!c) continue;
          if (u.action.kind === 'nothing') return undefined;
          return upsertUpdate(tx, ts, u.action, c.key, row, out) ? 'updated' : undefined;
        }
      }
    }
    const o = tx.writer.insert(ts, row, onConflict);
    if (!o.inserted) return undefined;
    if (out) out.push(returning!.exprs.map((f) => f(row)));
    return o.rowid ?? 0n;
  };
  const single = source.kind === 'values' && source.rows.length === 1 ? source.rows[0]! : undefined;
  const conflictText = upserts.length ? ` (UPSERT: ${upserts.map((u) => (u.target ?? 'ANY').toUpperCase() + ' ' + (u.action.kind === 'nothing' ? 'DO NOTHING' : 'DO UPDATE')).join(', ')})` : '';

  return {
    table: info.key,
    returning: returning?.cols,
    explain: () =>
      line(
        `${onConflict === 'ABORT' ? 'INSERT' : `INSERT OR ${onConflict}`} INTO ${info.name}${conflictText}`,
        source.kind === 'query' ? source.plan.explain() : line(source.kind === 'values' ? `SCAN ${source.rows.length} CONSTANT ROW${source.rows.length === 1 ? '' : 'S'}` : 'DEFAULT VALUES'),
      ),
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
      try {
        for (const r of rows) {
          tick();
          const id = insertOne(tx, ts, r, out);
          if (id === undefined) continue;
          changes++;
          if (id !== 'updated' && info.rowidSlot >= 0) lastRowid = id;
        }
      } catch (e) {
        noteResolution(e, onConflict);
        throw e;
      }
      const res: DmlResult = { changes };
      if (lastRowid !== undefined) res.lastInsertRowid = lastRowid;
      if (out) res.rows = out;
      return res;
    },
  };
}

function rowKeyOf(info: TableInfo, row: Row): Uint8Array {
  return info.keyless ? info.keylessKey(row) : info.encodeKey(row);
}

/** Latin-1 text of key bytes (a Map key). */
function keyText(k: Uint8Array): string {
  let s = '';
  for (let i = 0; i < k.length; i++) s += String.fromCharCode(k[i]!);
  return s;
}

/**
 * Collect the target rows of an UPDATE / DELETE (full joined rows). With UPDATE … FROM a
 * target row may match several FROM rows: only the first is used (as SQLite does). Keyless
 * tables keep duplicates (each stored copy is one row).
 */
function collectTargets(plan: PlanNode, info: TableInfo, joined: boolean, width: number, keyOrder: boolean): Row[] {
  const rows: Row[] = [];
  const pull = plan.open();
  const seen = joined ? new Set<string>() : undefined;
  for (let p = pull(); p !== undefined; p = pull()) {
    const r = p.slice(0, width);
    if (seen) {
      const k = keyText(rowKeyOf(info, r));
      if (seen.has(k)) continue;
      seen.add(k);
    }
    rows.push(r);
  }
  if (keyOrder && rows.length > 1) {
    // ORDER BY … LIMIT only chooses the rows; SQLite then changes them in table order.
    const keyed = rows.map((r) => ({ r, k: rowKeyOf(info, r) }));
    keyed.sort((a, b) => compareBytes(a.k, b.k));
    return keyed.map((x) => x.r);
  }
  return rows;
}

export function compileUpdate(stmt: UpdateStmt, planner: Planner, schema: SchemaSource, env: ExecEnv): CompiledDml {
  const info = targetInfo(schema, stmt.table, stmt.pos);
  const onConflict: OnConflict = stmt.orAction ?? 'ABORT';
  const ctes = planner.withCtes(stmt.with);
  const compiler = new ExprCompiler(env, 0);
  const sets: { slot: number; f: Eval }[] = [];
  const src: Parameters<Planner['planDmlRows']>[0] = {
    info,
    alias: stmt.alias,
    ctes,
    bind: (scope) => {
      for (const sc of stmt.sets) {
        const slots = sc.columns.map((n) => slotOf(info, n, false));
        const exprs = planner.bindRowValue(sc.expr, slots.length, scope);
        slots.forEach((slot, j) => sets.push({ slot, f: compiler.compile(exprs[j]!) }));
      }
    },
  };
  if (stmt.from) src.from = stmt.from;
  if (stmt.where) src.where = stmt.where;
  if (stmt.orderBy?.length) src.orderBy = stmt.orderBy;
  if (stmt.limit) src.limit = stmt.limit;
  if (stmt.offset) src.offset = stmt.offset;
  const { plan, scope } = planner.planDmlRows(src);
  const fullWidth = scope.width;
  const checks = new RowChecks(info, planner, env);
  const returning = compileReturning(planner, info, stmt.alias, stmt, env);
  const width = info.width;
  const joined = stmt.from !== undefined;
  const limited = !!stmt.orderBy?.length || stmt.limit !== undefined;
  return {
    table: info.key,
    returning: returning?.cols,
    explain: () => line(`UPDATE ${info.name}`, plan.explain()),
    run(tx: Transaction): DmlResult {
      const ts = tx.tableForWrite(info.key);
      const rows = collectTargets(plan, info, joined, fullWidth, limited);
      let changes = 0;
      const out: Row[] | undefined = returning ? [] : undefined;
      const vals: SqlValue[] = new Array(sets.length);
      // Once a write may have touched another collected row (REPLACE deleted one, a key moved
      // onto one), each row is re-read by key and skipped when gone, as SQLite does.
      let recheck = false;
      try {
        for (const full of rows) {
          tick();
          let old = full.length === width ? full : full.slice(0, width);
          if (recheck) {
            const cur = tx.writer.readRow(ts, rowKeyOf(info, old));
            if (!cur) continue;
            for (let i = 0; i < width; i++) full[i] = cur[i]!;
            old = cur;
          }
          for (let i = 0; i < sets.length; i++) vals[i] = sets[i]!.f(full);
          const row = old.slice();
          for (let i = 0; i < sets.length; i++) row[sets[i]!.slot] = coerceValue(info, sets[i]!.slot, vals[i]!);
          if (info.rowidSlot >= 0 && row[info.rowidSlot] === null) tx.writer.assignRowid(ts, row);
          if (!checks.notNullOk(row, onConflict)) continue;
          if (!checks.checkOk(row, onConflict)) continue;
          if (!tx.writer.update(ts, rowKeyOf(info, old), old, row, onConflict)) continue;
          if (!recheck && (onConflict === 'REPLACE' || info.keyless || info.pkSlots.some((s) => !sameCell(old[s]!, row[s]!)))) recheck = true;
          changes++;
          if (out) out.push(returning!.exprs.map((f) => f(row)));
        }
      } catch (e) {
        noteResolution(e, onConflict);
        throw e;
      }
      const res: DmlResult = { changes };
      if (out) res.rows = out;
      return res;
    },
  };
}

export function compileDelete(stmt: DeleteStmt, planner: Planner, schema: SchemaSource, env: ExecEnv, ns: NodeStore): CompiledDml {
  const info = targetInfo(schema, stmt.table, stmt.pos);
  const ctes = planner.withCtes(stmt.with);
  const src: Parameters<Planner['planDmlRows']>[0] = { info, alias: stmt.alias, ctes };
  if (stmt.where) src.where = stmt.where;
  if (stmt.orderBy?.length) src.orderBy = stmt.orderBy;
  if (stmt.limit) src.limit = stmt.limit;
  if (stmt.offset) src.offset = stmt.offset;
  const { plan } = planner.planDmlRows(src);
  const returning = compileReturning(planner, info, stmt.alias, stmt, env);
  const width = info.width;
  const truncate = !stmt.where && !returning && !stmt.limit;
  const limited = !!stmt.orderBy?.length || stmt.limit !== undefined;
  return {
    table: info.key,
    returning: returning?.cols,
    explain: () => (truncate ? line(`DELETE FROM ${info.name} (CLEAR TABLE)`) : line(`DELETE FROM ${info.name}`, plan.explain())),
    run(tx: Transaction): DmlResult {
      const ts: TableState = tx.tableForWrite(info.key);
      if (truncate) return { changes: tx.writer.truncate(ts, ProllyTree.empty(ns)) };
      const rows = collectTargets(plan, info, false, width, limited);
      let changes = 0;
      const out: Row[] | undefined = returning ? [] : undefined;
      for (const full of rows) {
        tick();
        const old = full.length === width ? full : full.slice(0, width);
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
