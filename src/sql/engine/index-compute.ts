/**
 * Evaluators of partial indexes (`CREATE INDEX … WHERE cond`) and expression indexes
 * (`CREATE INDEX … ON t(lower(name))`): the storage layer keeps their trees up to date on every
 * write but cannot interpret SQL, so the engine compiles the stored expression texts once per
 * `TableInfo` and installs them (`IndexInfo.compute`). Such indexes are maintained and enforce
 * UNIQUE (a partial UNIQUE index only among the rows it holds), but the planner does not use
 * them for lookups yet.
 */
import { parseExpression } from '../parser/index.js';
import { ExprCompiler } from '../exec/compile-expr.js';
import type { Planner } from '../planner/planner.js';
import type { TableInfo } from '../storage/table-info.js';
import { truthy } from '../values/index.js';
import type { Row } from '../exec/types.js';

/** Install the evaluators of every computed index of `info` that has none yet. */
export function prepareIndexCompute(info: TableInfo, planner: () => Planner): void {
  let p: Planner | undefined;
  for (const ix of info.indexes) {
    if (!ix.computed || ix.compute) continue;
    p ??= planner();
    const { scope } = p.tableScope(info);
    const c = new ExprCompiler(p.env, 0);
    const compile = (text: string): ((row: readonly unknown[]) => unknown) => c.compile(p!.bindExpr(parseExpression(text), scope, { aggs: false, aliases: false })) as never;
    const exprs = ix.schema.columns.map((k) => (k.expr !== undefined ? (compile(k.expr) as (row: Row) => Row[number]) : undefined));
    const where = ix.schema.where !== undefined ? compile(ix.schema.where) : undefined;
    ix.compute = where ? { exprs: exprs as never, where: (row) => truthy((where as (r: unknown) => Row[number])(row)) === true } : { exprs: exprs as never };
  }
}
