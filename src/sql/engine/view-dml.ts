/**
 * INSERT / UPDATE / DELETE on a view that has INSTEAD OF triggers for that event: the rows
 * the statement would write are computed (INSERT: its VALUES or SELECT, mapped onto the view's
 * columns; UPDATE / DELETE: the view's rows matching WHERE, with the SET values) and each
 * fires the view's INSTEAD OF triggers with NEW / OLD — nothing is written by the statement
 * itself. `changes` counts the rows the triggers were fired for. RETURNING, upserts and
 * ORDER BY / LIMIT are refused on views.
 */
import { SqlError } from '../../errors/index.js';
import type { DeleteStmt, Expr, InsertStmt, Query, ResultColumn, UpdateStmt } from '../ast.js';
import type { SchemaSource } from '../catalog/catalog.js';
import type { ExplainLine, PlanNode, Row } from '../exec/types.js';
import type { Planner } from '../planner/planner.js';
import type { CompiledDml, DmlResult } from './dml.js';
import type { Transaction } from './transaction.js';
import { EngineHooks } from './write-hooks.js';

const ROOT = { nameParent: undefined, lexicalParent: undefined, depth: 0, ctes: undefined };

/** Whether `table` is a view with an INSTEAD OF trigger for `event`. */
export function hasInsteadOf(schema: SchemaSource, table: string, event: 'INSERT' | 'UPDATE' | 'DELETE'): boolean {
  const key = table.toLowerCase();
  if (!schema.view(key)) return false;
  const re = new RegExp(`\\bINSTEAD\\s+OF\\s+${event}\\b`, 'i');
  return schema.triggerList().some((t) => t.table === key && re.test(t.sql));
}

function selectFrom(view: string, alias: string | undefined, extra: Expr[], where: Expr | undefined): Query {
  const columns: ResultColumn[] = [{ kind: 'star' }, ...extra.map((e, i): ResultColumn => ({ kind: 'expr', expr: e, text: `_${i}` }))];
  const from = alias ? { kind: 'table' as const, name: view, alias } : { kind: 'table' as const, name: view };
  const body = where ? { kind: 'select' as const, distinct: false, columns, from, where } : { kind: 'select' as const, distinct: false, columns, from };
  return { kind: 'query', body };
}

function viewColumns(planner: Planner, view: string): string[] {
  return planner.planQuery(selectFrom(view, undefined, [], undefined), ROOT).plan.columns.map((c) => c.name);
}

function collect(plan: PlanNode): Row[] {
  const out: Row[] = [];
  const pull = plan.open();
  for (let r = pull(); r !== undefined; r = pull()) out.push(r.slice());
  return out;
}

export function compileViewDml(stmt: InsertStmt | UpdateStmt | DeleteStmt, planner: Planner): CompiledDml {
  if (stmt.returning?.length) throw new SqlError('NOT_SUPPORTED', 'RETURNING is not supported on a view');
  const view = stmt.table.toLowerCase();
  const names = viewColumns(planner, stmt.table);
  const n = names.length;
  const event = stmt.kind === 'insert' ? 'INSERT' : stmt.kind === 'update' ? 'UPDATE' : 'DELETE';
  let plan: PlanNode | undefined;
  let map: number[] = [];
  let setSlots: number[] = [];
  if (stmt.kind === 'insert') {
    if (stmt.upserts?.length) throw new SqlError('NOT_SUPPORTED', 'ON CONFLICT is not supported on a view');
    map = stmt.columns
      ? stmt.columns.map((c) => {
          const i = names.findIndex((x) => x.toLowerCase() === c.toLowerCase());
          if (i < 0) throw new SqlError('NO_SUCH_COLUMN', `table ${stmt.table} has no column named ${c}`);
          return i;
        })
      : names.map((_, i) => i);
    if (stmt.source.kind !== 'defaultValues') {
      const q: Query = stmt.source.kind === 'values' ? { kind: 'query', body: { kind: 'values', rows: stmt.source.rows } } : stmt.source.query;
      if (stmt.with && !q.with) q.with = stmt.with;
      plan = planner.planQuery(q, ROOT).plan;
      if (plan.columns.length !== map.length) throw new SqlError('COLUMN_COUNT_MISMATCH', `${plan.columns.length} values for ${map.length} columns`);
    }
  } else {
    if ((stmt.orderBy?.length ?? 0) > 0 || stmt.limit) throw new SqlError('NOT_SUPPORTED', 'ORDER BY / LIMIT are not supported on a view');
    const extra: Expr[] = [];
    if (stmt.kind === 'update') {
      if (stmt.from) throw new SqlError('NOT_SUPPORTED', 'UPDATE … FROM is not supported on a view');
      for (const sc of stmt.sets) {
        if (sc.columns.length !== 1) throw new SqlError('NOT_SUPPORTED', 'row-value SET is not supported on a view');
        const i = names.findIndex((x) => x.toLowerCase() === sc.columns[0]!.toLowerCase());
        if (i < 0) throw new SqlError('NO_SUCH_COLUMN', `no such column: ${sc.columns[0]}`);
        setSlots.push(i);
        extra.push(sc.expr);
      }
    }
    const q = selectFrom(stmt.table, stmt.alias, extra, stmt.where);
    if (stmt.with) q.with = stmt.with;
    plan = planner.planQuery(q, ROOT).plan;
  }
  return {
    table: view,
    returning: undefined,
    explain: (): ExplainLine => ({ detail: `${event} ON VIEW ${stmt.table} (INSTEAD OF triggers)`, children: plan ? [plan.explain()] : [] }),
    run(tx: Transaction): DmlResult {
      const hooks = tx.writer.hooks;
      if (!(hooks instanceof EngineHooks)) throw new SqlError('NOT_SUPPORTED', `cannot modify ${stmt.table} because it is a view`);
      const rows = plan ? collect(plan) : [[]];
      let changes = 0;
      for (const r of rows) {
        let oldRow: Row | undefined;
        let newRow: Row | undefined;
        if (stmt.kind === 'insert') {
          newRow = new Array(n).fill(null);
          map.forEach((slot, j) => (newRow![slot] = r[j] ?? null));
        } else {
          oldRow = r.slice(0, n);
          if (stmt.kind === 'update') {
            newRow = oldRow.slice();
            setSlots.forEach((slot, j) => (newRow![slot] = r[n + j] ?? null));
          }
        }
        if (hooks.triggers.fireInsteadOf(tx, view, event, names, oldRow, newRow)) changes++;
      }
      return { changes };
    },
  };
}
