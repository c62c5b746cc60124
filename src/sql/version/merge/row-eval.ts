/**
 * Evaluating SQL expressions on one table's rows outside a statement (what the merge needs:
 * CHECK constraints on merged rows, the WHERE of `RESOLVE CONFLICTS`, partial / expression
 * index evaluators): compiled once with a planner over the catalog the rows belong to.
 */
import type { Expr } from '../../ast.js';
import type { Catalog } from '../../catalog/catalog.js';
import { ExprCompiler, type Eval } from '../../exec/compile-expr.js';
import { ExecEnv } from '../../exec/env.js';
import type { Row } from '../../exec/types.js';
import { prepareIndexCompute } from '../../engine/index-compute.js';
import type { SessionCounters } from '../../exec/env.js';
import { parseExpression, parseOne } from '../../parser/index.js';
import { ParamMap } from '../../planner/params.js';
import { Planner } from '../../planner/planner.js';
import type { TableInfo } from '../../storage/table-info.js';

export class RowEvaluator {
  private readonly env: ExecEnv;
  private readonly planner: Planner;

  constructor(
    readonly catalog: Catalog,
    counters: SessionCounters,
  ) {
    this.env = new ExecEnv(counters);
    this.planner = new Planner({ schema: catalog, env: this.env, params: new ParamMap(), parse: (sql) => parseOne(sql), rowCount: (k) => catalog.rowCount(k) });
  }

  /** Compile `expr` (text or AST) against a full row of `info`. */
  compile(info: TableInfo, expr: string | Expr): (row: Row) => Row[number] {
    const { scope } = this.planner.tableScope(info);
    const c = new ExprCompiler(this.env, 0);
    const f: Eval = c.compile(this.planner.bindExpr(typeof expr === 'string' ? parseExpression(expr) : expr, scope, { aggs: false, aliases: false }));
    return (row) => {
      this.env.begin(this.catalog, []);
      return f(row);
    };
  }

  /** Install the evaluators of partial / expression indexes on `info`. */
  prepare(info: TableInfo): void {
    prepareIndexCompute(info, () => this.planner);
  }
}
