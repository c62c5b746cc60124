/**
 * The query planner: binds a query's names (tables, views, CTEs, derived tables, columns,
 * functions, parameters) and builds its physical plan in one pass per SELECT core:
 *
 *   FROM + WHERE  → JoinPipeline (access paths and join order: access-path.ts)
 *   GROUP BY / aggregates → AggregateNode, HAVING → FilterNode
 *   result columns (+ ORDER BY keys) → ProjectNode → DistinctNode → SortNode → LimitNode
 *
 * Compound selects combine cores with SetOpNode; ORDER BY of a compound refers to its output
 * columns. A sort is skipped when the first relation's access path already delivers the
 * order; LIMIT stops the pull-based pipeline early; `SELECT count(*) FROM t` reads the tree's
 * count. Expressions are compiled to closures as they are planned (exec/compile-expr.ts).
 */
import { SqlError, type SqlPosition } from '../../errors/index.js';
import type { SqlValue } from '../../objects/index.js';
import type {
  CommonTableExpr,
  Expr,
  FromItem,
  OrderItem,
  Query,
  ResultColumn,
  SelectCore,
  SetExpr,
  Statement,
} from '../ast.js';
import { affinityOf as typeAffinity, type Affinity, type Collation } from '../values/index.js';
import { aggregateFunctions, scalarFunctions } from '../functions/index.js';
import type { SchemaSource } from '../catalog/catalog.js';
import type { AsOf } from '../ast.js';
import type { ScalarFunction } from '../functions/index.js';
import type { TxnAccess } from '../exec/env.js';
import type { TableInfo } from '../storage/table-info.js';
import type { ExecEnv } from '../exec/env.js';
import { ExprCompiler, type Eval } from '../exec/compile-expr.js';
import { AggregateNode, type AggSpec, type RepPolicy } from '../exec/aggregate.js';
import {
  CountRangeNode,
  CountStarNode,
  DistinctNode,
  FilterNode,
  LimitNode,
  ProjectNode,
  SetOpNode,
  SortNode,
  TrimNode,
  ValuesNode,
  type SortKey,
} from '../exec/operators.js';
import { RecursiveCteNode, WorkingTable } from '../exec/recursive.js';
import { TableSource } from '../exec/sources.js';
import { SchemaTableNode } from '../exec/schema-table.js';
import type { ColumnMeta, PlanNode, Row } from '../exec/types.js';
import { AccessPlanner, type JoinEntry, type OrderWish } from './access-path.js';
import { affinityOf, children, comparisonCollation, conjuncts, hasAgg, relsOf, type AggCall, type BExpr } from './bound.js';
import { tableFunctions, type TableFunctionDef } from '../exec/table-functions.js';
import type { ParamMap } from './params.js';
import { Scope, type RelColumn, type Relation } from './scope.js';
import { CteEnv, type CteDef } from './cte.js';
import { bindWindowCall, findWindowRef, finishWindows, planWindows, windowInputs, windowMisuse, windowRefMisuse } from './window.js';
import { WINDOW_ONLY_FUNCTIONS } from '../exec/window.js';

export interface PlannerContext {
  schema: SchemaSource;
  env: ExecEnv;
  params: ParamMap;
  /** Parse stored SQL (views), cached by the engine. */
  parse(sql: string): Statement;
  rowCount(tableKey: string): number;
  /**
   * Versioning hooks (absent: AS OF and heliosdb_* are unknown). `asOf` resolves a table
   * reference's AS OF clause to the schema and data of that version.
   */
  asOf?: (spec: AsOf, params: ParamMap) => SchemaSource & TxnAccess;
  /** Table-valued functions and system tables (`heliosdb_log`, …); undefined when unknown. */
  tableFunction?: (name: string, args: Expr[], params: ParamMap) => PlanNode | undefined;
  /** Scalar functions looked up before the built-ins (session functions such as active_branch()). */
  functions?: ReadonlyMap<string, ScalarFunction>;
}

export interface QueryCtx {
  nameParent: Scope | undefined;
  lexicalParent: Scope | undefined;
  depth: number;
  ctes: CteEnv | undefined;
}

export interface PlannedQuery {
  plan: PlanNode;
  /** depth → relation ids read from enclosing scopes (empty: uncorrelated). */
  outerRefs: Map<number, Set<number>>;
}

interface BindOpts {
  aggs: boolean;
  aliases: boolean;
  inAgg?: boolean;
  /** Inside a window call's arguments / PARTITION BY / ORDER BY (planner/window.ts). */
  inWin?: boolean;
  /** Window functions are not allowed (HAVING). */
  noWin?: boolean;
}

const COLLATIONS = new Set(['BINARY', 'NOCASE', 'RTRIM']);

export function normalizeCollation(name: string): Collation {
  const c = name.toUpperCase();
  if (!COLLATIONS.has(c)) throw new SqlError('NO_SUCH_COLLATION', `no such collation sequence: ${name}`);
  return c as Collation;
}

function typeText(t: { name: string; args: number[] }): string {
  return t.args.length ? `${t.name}(${t.args.join(',')})` : t.name;
}

interface ResultItem {
  expr: BExpr;
  name: string;
  /** An explicit AS alias. */
  alias?: string;
  meta: ColumnMeta;
}

/** ORDER BY item after binding: an output column or an extra sort expression. */
interface SortItem {
  output?: number;
  expr?: BExpr;
  desc: boolean;
  nullsFirst: boolean;
  coll: Collation;
}

export class Planner {
  private viewStack = new Set<string>();
  /** The version that unqualified table references read (inside a view read AS OF). */
  private snapshot: (SchemaSource & TxnAccess) | undefined;

  constructor(private readonly ctx: PlannerContext) {}

  get env(): ExecEnv {
    return this.ctx.env;
  }

  // -------------------------------------------------------------------------------------------
  // Queries

  planQuery(q: Query, qc: QueryCtx): PlannedQuery {
    const outerRefs = new Map<number, Set<number>>();
    const collect = (s: Scope): void => {
      for (const [d, set] of s.outerRefs) {
        if (d >= qc.depth) continue;
        let t = outerRefs.get(d);
        if (!t) outerRefs.set(d, (t = new Set()));
        for (const r of set) t.add(r);
      }
    };
    let ctes = qc.ctes;
    if (q.with) ctes = this.defineCtes(q.with.ctes, q.with.recursive, ctes);
    const inner: QueryCtx = { ...qc, ctes };
    let plan: PlanNode;
    if (q.body.kind === 'select') {
      plan = this.planCore(q.body, inner, collect, q.orderBy, q.limit, q.offset);
    } else {
      plan = this.planSetExpr(q.body, inner, collect);
      plan = this.applyOrderLimit(plan, q, inner, collect);
    }
    return { plan, outerRefs };
  }

  defineCtes(list: CommonTableExpr[], recursive: boolean, parent: CteEnv | undefined): CteEnv {
    const defs = new Map<string, CteDef>();
    const env = new CteEnv(parent, defs);
    for (const c of list) {
      const k = c.name.toLowerCase();
      if (defs.has(k)) throw new SqlError('DUPLICATE_CTE', `duplicate WITH table name: ${c.name}`);
      // A CTE sees the ones before it (and itself when recursive).
      const visible = new CteEnv(parent, new Map(defs));
      const d: CteDef = { name: c.name, def: c, env: visible, recursive };
      if (recursive) visible.defs.set(k, d);
      defs.set(k, d);
    }
    return env;
  }

  private planSetExpr(body: SetExpr, qc: QueryCtx, collect: (s: Scope) => void): PlanNode {
    switch (body.kind) {
      case 'select':
        return this.planCore(body, qc, collect);
      case 'values':
        return this.planValues(body.rows, qc, collect);
      case 'setop': {
        const left = this.planSetExpr(body.left, qc, collect);
        const right = this.planSetExpr(body.right, qc, collect);
        if (left.columns.length !== right.columns.length) {
          throw new SqlError('COLUMN_COUNT_MISMATCH', `SELECTs to the left and right of ${body.op} do not have the same number of result columns`, posOf(body));
        }
        const cols = left.columns.map((c) => ({ ...c }));
        return new SetOpNode(cols, body.op, left, right);
      }
    }
  }

  private planValues(rows: Expr[][], qc: QueryCtx, collect: (s: Scope) => void): PlanNode {
    const scope = new Scope(qc.depth, qc.nameParent, qc.lexicalParent, qc.ctes);
    const n = rows[0]?.length ?? 0;
    const compiler = new ExprCompiler(this.env, qc.depth);
    const evals = rows.map((r) => {
      if (r.length !== n) throw new SqlError('COLUMN_COUNT_MISMATCH', 'all VALUES must have the same number of terms', posOf(r[0]));
      return r.map((e) => compiler.compile(this.bindExpr(e, scope, { aggs: false, aliases: false })));
    });
    collect(scope);
    const cols: ColumnMeta[] = [];
    for (let i = 0; i < n; i++) cols.push({ name: `column${i + 1}`, affinity: undefined, collation: 'BINARY' });
    return new ValuesNode(cols, evals);
  }

  /** ORDER BY / LIMIT over a compound select or VALUES: terms refer to output columns. */
  private applyOrderLimit(plan: PlanNode, q: Query, qc: QueryCtx, collect: (s: Scope) => void): PlanNode {
    if (q.orderBy?.length) {
      const keys: SortKey[] = q.orderBy.map((o, i) => {
        let e = o.expr;
        let coll: Collation | undefined = o.collate ? normalizeCollation(o.collate) : undefined;
        while (e.kind === 'collate') {
          coll ??= normalizeCollation(e.collation);
          e = e.expr;
        }
        let idx = -1;
        if (e.kind === 'literal' && typeof e.value === 'bigint') {
          idx = Number(e.value) - 1;
          if (idx < 0 || idx >= plan.columns.length) {
            throw new SqlError('TERM_OUT_OF_RANGE', `${ordinal(i + 1)} ORDER BY term out of range - should be between 1 and ${plan.columns.length}`, posOf(e));
          }
        } else if (e.kind === 'column') {
          const n = e.name.toLowerCase();
          idx = plan.columns.findIndex((c) => c.name.toLowerCase() === n);
        }
        if (idx < 0) throw new SqlError('ORDER_BY_NO_MATCH', `${ordinal(i + 1)} ORDER BY term does not match any column in the result set`, posOf(e));
        const desc = o.direction === 'DESC';
        return { idx, desc, nullsFirst: o.nulls ? o.nulls === 'FIRST' : !desc, coll: coll ?? plan.columns[idx]!.collation };
      });
      plan = new SortNode(plan, keys);
    }
    return this.applyLimit(plan, q.limit, q.offset, qc, collect);
  }

  private applyLimit(plan: PlanNode, limit: Expr | undefined, offset: Expr | undefined, qc: QueryCtx, collect: (s: Scope) => void): PlanNode {
    if (!limit && !offset) return plan;
    const scope = new Scope(qc.depth, qc.nameParent, qc.lexicalParent, qc.ctes);
    const compiler = new ExprCompiler(this.env, qc.depth);
    const l = limit ? compiler.compile(this.bindExpr(limit, scope, { aggs: false, aliases: false })) : undefined;
    const o = offset ? compiler.compile(this.bindExpr(offset, scope, { aggs: false, aliases: false })) : undefined;
    collect(scope);
    return new LimitNode(plan, l, o);
  }

  // -------------------------------------------------------------------------------------------
  // SELECT core

  private planCore(
    core: SelectCore,
    qc: QueryCtx,
    collect: (s: Scope) => void,
    orderBy?: OrderItem[],
    limit?: Expr,
    offset?: Expr,
  ): PlanNode {
    const scope = new Scope(qc.depth, qc.nameParent, qc.lexicalParent, qc.ctes);
    scope.wins = [];
    if (core.windows) scope.windowDefs = new Map(core.windows.map((w) => [w.name.toLowerCase(), w.def]));
    const entries: JoinEntry[] = core.from ? this.planFrom(core.from, scope, qc) : [];
    const env = this.env;
    const compiler = new ExprCompiler(env, scope.depth);

    // Result columns (aggregates allowed).
    const results = this.bindResults(core.columns, scope);
    scope.aliases = results.filter((r) => r.alias !== undefined).map((r) => ({ name: r.alias!, expr: r.expr }));

    const where = core.where ? this.bindExpr(core.where, scope, { aggs: false, aliases: true }) : undefined;
    const groupBy = core.groupBy?.map((g) => {
      if (g.kind === 'literal' && typeof g.value === 'bigint') {
        const i = Number(g.value);
        if (i < 1 || i > results.length) throw new SqlError('TERM_OUT_OF_RANGE', `GROUP BY term out of range - should be between 1 and ${results.length}`, posOf(g));
        const e = results[i - 1]!.expr;
        const wr = findWindowRef(e);
        if (wr) throw windowRefMisuse(scope, wr);
        if (hasAgg(e, scope.depth)) throw new SqlError('MISUSE_OF_AGGREGATE', 'aggregate functions are not allowed in the GROUP BY clause', posOf(g));
        return e;
      }
      const e = this.bindExpr(g, scope, { aggs: false, aliases: true });
      if (hasAgg(e, scope.depth)) throw new SqlError('MISUSE_OF_AGGREGATE', 'aggregate functions are not allowed in the GROUP BY clause', posOf(g));
      return e;
    });
    const having = core.having ? this.bindExpr(core.having, scope, { aggs: true, aliases: true, noWin: true }) : undefined;
    const sorts = orderBy ? this.bindOrderBy(orderBy, results, scope) : [];
    finishWindows(scope);
    const hasWin = scope.wins.length > 0;
    const isAgg = (groupBy !== undefined && groupBy.length > 0) || scope.aggs.length > 0 || having !== undefined;
    if (having && !groupBy?.length && scope.aggs.length === 0) {
      throw new SqlError('HAVING_WITHOUT_GROUP_BY', 'a GROUP BY clause is required before HAVING', posOf(core.having));
    }
    collect(scope);

    const n = results.length;
    const outCols = results.map((r) => r.meta);

    // COUNT(*) of a whole table from the tree.
    if (
      isAgg &&
      !hasWin &&
      !where &&
      !groupBy?.length &&
      !having &&
      entries.length === 1 &&
      entries[0]!.rel.source.kind === 'table' &&
      scope.aggs.length === 1 &&
      scope.aggs[0]!.star &&
      !scope.aggs[0]!.filter &&
      n === 1 &&
      results[0]!.expr.k === 'agg' &&
      sorts.length === 0 &&
      !core.distinct
    ) {
      const src = entries[0]!.rel.source;
      let plan: PlanNode = new CountStarNode(env, outCols, src.tableKey, src.info.name, src.snapshot);
      plan = this.applyLimit(plan, limit, offset, qc, collect);
      return plan;
    }
    // COUNT(*) with a WHERE that a key or index probe represents: subtree counts of its ranges.
    if (
      isAgg &&
      !hasWin &&
      where &&
      !groupBy?.length &&
      !having &&
      entries.length === 1 &&
      !entries[0]!.left &&
      entries[0]!.rel.source.kind === 'table' &&
      scope.aggs.length === 1 &&
      scope.aggs[0]!.star &&
      !scope.aggs[0]!.filter &&
      n === 1 &&
      results[0]!.expr.k === 'agg' &&
      sorts.length === 0 &&
      !core.distinct &&
      scope.outerRefs.size === 0
    ) {
      const rel = entries[0]!.rel;
      const src = rel.source as Extract<Relation['source'], { kind: 'table' }>;
      const cp = new AccessPlanner({ env, scope, entries, where: conjuncts(where), rowCount: (k) => this.ctx.rowCount(k) }).countProbe();
      if (cp) {
        rel.used.fill(true);
        const label = new TableSource(env, src.tableKey, src.info, 0, { reverse: false, probe: cp.probe, ...(cp.index ? { index: cp.index } : {}) }, rel.name).explain();
        let plan: PlanNode = new CountRangeNode(env, outCols, src.tableKey, cp.probe, cp.index, compiler.predicate(where), label, src.snapshot);
        plan = this.applyLimit(plan, limit, offset, qc, collect);
        return plan;
      }
    }

    // Can the first relation's order serve ORDER BY?
    let wish: OrderWish | undefined;
    if (!isAgg && !hasWin && sorts.length && entries.length) {
      const cols: OrderWish['cols'] = [];
      let rel = -1;
      for (const s of sorts) {
        const e = s.output !== undefined ? results[s.output]!.expr : s.expr!;
        if (e.k !== 'col' || e.depth !== scope.depth || s.coll !== 'BINARY') {
          rel = -2;
          break;
        }
        if (rel === -1) rel = e.rel;
        else if (rel !== e.rel) {
          rel = -2;
          break;
        }
        cols.push({ col: e.col, desc: s.desc, nullsFirst: s.nullsFirst });
      }
      if (rel >= 0) wish = { rel, cols };
    }
    const limitHint = !isAgg && !hasWin && !core.distinct && limit?.kind === 'literal' && typeof limit.value === 'bigint' && (!offset || offset.kind === 'literal') ? Number(limit.value) + (offset && offset.kind === 'literal' && typeof offset.value === 'bigint' ? Number(offset.value) : 0) : undefined;

    const fromCols: ColumnMeta[] = [];
    for (const r of scope.relations) for (const c of r.columns) fromCols.push({ name: c.name, affinity: c.aff, collation: c.coll });
    const ap = new AccessPlanner({
      env,
      scope,
      entries,
      where: conjuncts(where),
      rowCount: (k) => this.ctx.rowCount(k),
      ...(wish ? { order: wish } : {}),
      ...(limitHint !== undefined ? { limit: limitHint } : {}),
    });
    const from = ap.plan(fromCols);
    let plan: PlanNode = from.pipeline;
    const ordered = wish !== undefined && from.ordered && from.order[0] === wish.rel;

    if (isAgg) {
      const post: BExpr[] = [...results.map((r) => r.expr), ...sorts.filter((s) => s.expr).map((s) => s.expr!)];
      if (having) post.push(having);
      post.push(...windowInputs(scope));
      plan = this.planAggregate(plan, scope, groupBy ?? [], post, compiler);
      if (having) plan = new FilterNode(plan, compiler.predicate(having), 'HAVING');
    }
    if (hasWin) plan = planWindows(plan, scope, compiler, wrapAggregate);

    // Projection: outputs then extra sort keys.
    const extra = sorts.filter((s) => s.output === undefined);
    const exprs = [...results.map((r) => compiler.compile(r.expr)), ...extra.map((s) => compiler.compile(s.expr!))];
    const projCols = [...outCols, ...extra.map((_, i) => ({ name: `_sort${i}`, affinity: undefined, collation: 'BINARY' as Collation }))];
    plan = new ProjectNode(plan, projCols, exprs);
    if (core.distinct) plan = new DistinctNode(plan, n, outCols.map((c) => c.collation));
    if (sorts.length && !ordered) {
      let e = 0;
      const keys: SortKey[] = sorts.map((s) => ({
        idx: s.output !== undefined ? s.output : n + e++,
        desc: s.desc,
        nullsFirst: s.nullsFirst,
        coll: s.coll,
      }));
      plan = new SortNode(plan, keys);
    }
    plan = this.applyLimit(plan, limit, offset, qc, collect);
    if (extra.length) plan = new TrimNode(plan, n);
    return plan;
  }

  private planAggregate(input: PlanNode, scope: Scope, groupBy: BExpr[], post: BExpr[], compiler: ExprCompiler): PlanNode {
    const d = scope.depth;
    const specs: AggSpec[] = scope.aggs.map((a) => this.aggSpec(a, compiler));
    // Which representative row do post-aggregation expressions need?
    const readsCols = post.some((e) => readsScopeColumns(e, d));
    let rep: RepPolicy = { kind: 'none' };
    if (readsCols) {
      const only = scope.aggs.length === 1 ? scope.aggs[0]! : undefined;
      if (only && (only.name === 'min' || only.name === 'max') && only.args.length === 1 && !only.filter) {
        rep = { kind: 'extreme', agg: 0, max: only.name === 'max', arg: compiler.compile(only.args[0]!), coll: only.collation };
      } else {
        const groupCols = new Set(groupBy.filter((g) => g.k === 'col' && g.depth === d && g.coll === 'BINARY').map((g) => (g as { slot: number }).slot));
        const onlyGroupCols = post.every((e) => colsWithin(e, d, groupCols));
        rep = { kind: onlyGroupCols ? 'first' : 'last' };
      }
    }
    const cols: ColumnMeta[] = [...input.columns, ...specs.map((_, i) => ({ name: `agg${i}`, affinity: undefined, collation: 'BINARY' as Collation }))];
    return new AggregateNode(
      cols,
      input,
      scope.width,
      groupBy.map((g) => compiler.compile(g)),
      groupBy.map((g) => comparisonCollation(g, { k: 'lit', v: null })),
      specs,
      rep,
    );
  }

  private aggSpec(a: AggCall, compiler: ExprCompiler): AggSpec {
    const spec: AggSpec = {
      impl: a.star || !a.def ? 'count*' : wrapAggregate(a.def, a.collation),
      args: a.args.map((x) => compiler.compile(x)),
      distinct: a.distinct,
      coll: a.collation,
    };
    if (a.filter) spec.filter = compiler.predicate(a.filter);
    if (a.orderBy?.length) {
      spec.orderBy = {
        exprs: a.orderBy.map((o) => compiler.compile(o.expr)),
        keys: a.orderBy.map((o, i) => ({ idx: i, desc: o.desc, nullsFirst: o.nullsFirst, coll: o.collation })),
      };
    }
    return spec;
  }

  private bindResults(cols: ResultColumn[], scope: Scope): ResultItem[] {
    const out: ResultItem[] = [];
    const d = scope.depth;
    const addRelCols = (rel: Relation, all: boolean, from = 0, to = rel.columns.length): void => {
      rel.columns.forEach((c, i) => {
        if (i < from || i >= to) return;
        if ((!all && c.hidden) || c.starHidden) return;
        rel.used[i] = true;
        let expr: BExpr = { k: 'col', depth: d, slot: rel.offset + i, aff: c.aff, coll: c.coll, name: c.name, rel: rel.id, col: i };
        if (c.coalesceWith && !all) expr = this.coalesced(scope, expr, c.coalesceWith);
        const meta: ColumnMeta = { name: c.name, affinity: c.aff, collation: c.coll, column: c.name };
        if (c.declType !== undefined) meta.declType = c.declType;
        if (rel.tableName) meta.table = rel.tableName;
        out.push({ expr, name: c.name, meta });
      });
    };
    for (const rc of cols) {
      if (rc.kind === 'star') {
        if (scope.relations.length === 0) throw new SqlError('NO_TABLES_SPECIFIED', 'no tables specified', posOf(rc));
        for (const rel of scope.relations) addRelCols(rel, false);
      } else if (rc.kind === 'tableStar') {
        const rel = scope.findRelation(rc.table);
        const m = rel ? undefined : scope.findMember(rc.table);
        if (m) addRelCols(m.rel, true, m.start, m.start + m.columns.length);
        else if (!rel) throw new SqlError('NO_SUCH_TABLE', `no such table: ${rc.table}`, posOf(rc, rc.table));
        else addRelCols(rel, true);
      } else {
        const expr = this.bindExpr(rc.expr, scope, { aggs: true, aliases: false });
        let name: string;
        if (rc.alias !== undefined) name = rc.alias;
        else if (rc.expr.kind === 'column') name = rc.expr.name;
        else name = rc.text;
        const meta: ColumnMeta = { name, affinity: affinityOf(expr), collation: collationOfResult(expr) };
        if (expr.k === 'col' && expr.depth === d) {
          const rel = scope.relations[expr.rel]!;
          const c = rel.columns[expr.col]!;
          if (c.declType !== undefined) meta.declType = c.declType;
          if (rel.tableName) meta.table = rel.tableName;
          meta.column = c.name;
        }
        const item: ResultItem = { expr, name, meta };
        if (rc.alias !== undefined) item.alias = rc.alias;
        out.push(item);
      }
    }
    return out;
  }

  private bindOrderBy(items: OrderItem[], results: ResultItem[], scope: Scope): SortItem[] {
    return items.map((o, i) => {
      let e = o.expr;
      let coll: Collation | undefined = o.collate ? normalizeCollation(o.collate) : undefined;
      while (e.kind === 'collate') {
        coll ??= normalizeCollation(e.collation);
        e = e.expr;
      }
      const desc = o.direction === 'DESC';
      const nullsFirst = o.nulls ? o.nulls === 'FIRST' : !desc;
      // 1. A bare name matching an AS alias.
      if (e.kind === 'column' && e.table === undefined) {
        const n = e.name.toLowerCase();
        const idx = results.findIndex((r) => r.alias !== undefined && r.alias.toLowerCase() === n);
        if (idx >= 0) return { output: idx, desc, nullsFirst, coll: coll ?? results[idx]!.meta.collation };
      }
      // 2. An integer: the result column.
      if (e.kind === 'literal' && typeof e.value === 'bigint') {
        const idx = Number(e.value) - 1;
        if (idx < 0 || idx >= results.length) {
          throw new SqlError('TERM_OUT_OF_RANGE', `${ordinal(i + 1)} ORDER BY term out of range - should be between 1 and ${results.length}`, posOf(e));
        }
        return { output: idx, desc, nullsFirst, coll: coll ?? results[idx]!.meta.collation };
      }
      // 3. Any expression.
      const be = this.bindExpr(e, scope, { aggs: true, aliases: true });
      const c = coll ?? comparisonCollation(be, { k: 'lit', v: null });
      return { expr: be, desc, nullsFirst, coll: c };
    });
  }

  // -------------------------------------------------------------------------------------------
  // FROM

  private planFrom(item: FromItem, scope: Scope, qc: QueryCtx): JoinEntry[] {
    switch (item.kind) {
      case 'table':
        return [{ rel: this.tableRelation(item, scope, qc), left: false, on: [] }];
      case 'subquery': {
        const pq = this.planQuery(item.query, { nameParent: scope.nameParent, lexicalParent: scope, depth: scope.depth + 1, ctes: qc.ctes });
        const name = item.alias ?? `(subquery-${scope.relations.length + 1})`;
        const rel = scope.addRelation({
          name,
          key: name.toLowerCase(),
          columns: relColumns(pq.plan.columns),
          rowidCol: -1,
          source: { kind: 'plan', plan: pq.plan, correlated: pq.outerRefs.size > 0, label: `SUBQUERY ${name}` },
        });
        return [{ rel, left: false, on: [] }];
      }
      case 'tableFunction': {
        const def = tableFunctions.lookup(item.name);
        if (def) return [{ rel: this.functionRelation(def, item, scope), left: false, on: [] }];
        const node = this.ctx.tableFunction?.(item.name.toLowerCase(), item.args, this.ctx.params);
        if (!node) throw new SqlError('NO_SUCH_FUNCTION', `no such table-valued function: ${item.name}`, posOf(item, item.name));
        const alias = item.alias ?? item.name;
        const rel = scope.addRelation({
          name: alias,
          key: alias.toLowerCase(),
          tableName: item.name,
          columns: relColumns(node.columns),
          rowidCol: -1,
          source: { kind: 'plan', plan: node, correlated: false, label: item.name },
        });
        return [{ rel, left: false, on: [] }];
      }
      case 'join': {
        const left = this.planFrom(item.left, scope, qc);
        const leftRels = scope.relations.slice();
        const outer = item.type === 'RIGHT' || item.type === 'FULL';
        const isLeft = item.type === 'LEFT' || item.type === 'FULL';
        // A parenthesised join on the right of an outer join: one relation (planJoinGroup).
        const right = (isLeft || outer) && item.right.kind === 'join' ? [this.planJoinGroup(item.right, scope, qc)] : this.planFrom(item.right, scope, qc);
        if ((isLeft || outer) && right.length !== 1) {
          throw new SqlError('NOT_SUPPORTED', `${item.type} JOIN with a parenthesised join on its right is not supported`, posOf(item));
        }
        const conds: BExpr[] = [];
        const rightRel = right[right.length - 1]!.rel;
        let using = item.using;
        if (item.natural) {
          if (using) throw new SqlError('JOIN_CLAUSE', 'a NATURAL join may not have an ON or USING clause', posOf(item));
          using = [];
          for (const c of rightRel.columns) {
            if (c.hidden) continue;
            if (leftRels.some((r) => r.columns.some((x) => !x.hidden && x.name.toLowerCase() === c.name.toLowerCase()))) using.push(c.name);
          }
        }
        if (using) {
          if (item.on) throw new SqlError('JOIN_CLAUSE', 'cannot have both ON and USING clauses in the same join', posOf(item));
          for (const name of using) {
            const n = name.toLowerCase();
            const rc = rightRel.columns.findIndex((c) => c.name.toLowerCase() === n);
            let lhit: { rel: Relation; col: number } | undefined;
            for (const r of leftRels) {
              const lc = r.columns.findIndex((c) => !c.hidden && c.name.toLowerCase() === n);
              if (lc >= 0) {
                lhit = { rel: r, col: lc };
                break;
              }
            }
            if (rc < 0 || !lhit) throw new SqlError('JOIN_CLAUSE', `cannot join using column ${name} - column not present in both tables`, posOf(item, name));
            const lcm = lhit.rel.columns[lhit.col]!;
            const rcm = rightRel.columns[rc]!;
            let l: BExpr = { k: 'col', depth: scope.depth, slot: lhit.rel.offset + lhit.col, aff: lcm.aff, coll: lcm.coll, name: lcm.name, rel: lhit.rel.id, col: lhit.col };
            // After a RIGHT / FULL JOIN … USING, the left-hand value is the merged column.
            if (lcm.coalesceWith) l = this.coalesced(scope, l, lcm.coalesceWith);
            const r: BExpr = { k: 'col', depth: scope.depth, slot: rightRel.offset + rc, aff: rcm.aff, coll: rcm.coll, name: rcm.name, rel: rightRel.id, col: rc };
            conds.push({ k: 'binary', op: '=', l, r, coll: comparisonCollation(l, r) });
            lhit.rel.used[lhit.col] = true;
            rightRel.used[rc] = true;
            rcm.hidden = true;
            if (outer) lcm.coalesceWith = [...(lcm.coalesceWith ?? []), { rel: rightRel.id, col: rc }];
          }
        }
        if (item.on) conds.push(...conjuncts(this.bindExpr(item.on, scope, { aggs: false, aliases: false })));
        if (isLeft || outer) {
          right[0]!.left = isLeft;
          right[0]!.on.push(...conds);
          if (outer) right[0]!.outer = true;
          // ON terms of earlier inner joins hold in the first phase only (see access-path.ts).
          if (outer) for (const l of left) l.beforeOuter = true;
        } else right[right.length - 1]!.on.push(...conds);
        return [...left, ...right];
      }
    }
  }

  /**
   * `x LEFT | RIGHT | FULL JOIN (a JOIN b …) ON …`: the group is planned as a subquery that
   * returns every column of its relations, added to `scope` as one relation; `a.col` / `a.*`
   * still name its columns (Scope members). The group's ON clauses see only its own relations
   * (and outer queries), not the relations to its left.
   */
  private planJoinGroup(group: FromItem, scope: Scope, qc: QueryCtx): JoinEntry {
    const probe = new Scope(scope.depth, scope.nameParent, scope.lexicalParent, scope.ctes);
    this.planFrom(group, probe, qc);
    const members = probe.relations;
    if (members.some((r) => r.columns.some((c) => c.coalesceWith))) {
      throw new SqlError('NOT_SUPPORTED', 'a RIGHT or FULL JOIN … USING inside a parenthesised join on the right of an outer join is not supported', posOf(group));
    }
    const columns: ResultColumn[] = [];
    for (const r of members) {
      r.columns.forEach((c, j) => columns.push({ kind: 'expr', expr: { kind: 'column', table: r.name, name: c.name }, alias: `${r.name}.${j}`, text: `${r.name}.${c.name}` }));
    }
    const query: Query = { kind: 'query', body: { kind: 'select', distinct: false, columns, from: group } };
    const pq = this.planQuery(query, { nameParent: scope.nameParent, lexicalParent: scope, depth: scope.depth + 1, ctes: qc.ctes });
    const name = `(join-${scope.relations.length + 1})`;
    const rel = scope.addRelation({
      name,
      key: name.toLowerCase(),
      columns: members.flatMap((r) =>
        r.columns.map((c): RelColumn => {
          const rc: RelColumn = { name: c.name, aff: c.aff, coll: c.coll, hidden: c.hidden };
          if (c.declType !== undefined) rc.declType = c.declType;
          if (c.starHidden) rc.starHidden = true;
          return rc;
        }),
      ),
      rowidCol: -1,
      source: { kind: 'plan', plan: pq.plan, correlated: pq.outerRefs.size > 0, label: `JOIN GROUP (${members.map((r) => r.name).join(', ')})` },
      group: true,
    });
    let start = 0;
    for (const r of members) {
      scope.addMember(r.name, { rel, start, columns: rel.columns.slice(start, start + r.columns.length), rowidCol: r.rowidCol });
      start += r.columns.length;
    }
    return { rel, left: false, on: [] };
  }

  /** A registered table-valued function in FROM: arguments may read the tables to its left. */
  private functionRelation(def: TableFunctionDef, item: Extract<FromItem, { kind: 'tableFunction' }>, scope: Scope): Relation {
    const argc = item.args.length;
    if (argc < def.minArgs || (def.maxArgs >= 0 && argc > def.maxArgs)) {
      const msg = argc > def.maxArgs && def.maxArgs >= 0 ? `too many arguments on ${item.name}() - max ${def.maxArgs}` : `too few arguments on ${item.name}() - min ${def.minArgs}`;
      throw new SqlError('WRONG_ARGUMENT_COUNT', msg, posOf(item, item.name));
    }
    const args = item.args.map((a) => this.bindExpr(a, scope, { aggs: false, aliases: false }));
    const deps = new Set<number>();
    for (const a of args) relsOf(a, scope.depth, deps);
    const consts = args.map((a) => (a.k === 'lit' ? a.v : undefined));
    const cols = def.columns(consts, this.ctx.schema);
    const alias = item.alias ?? item.name;
    return scope.addRelation({
      name: alias,
      key: alias.toLowerCase(),
      columns: cols.map((c) => {
        const rc: RelColumn = { name: c.name, aff: c.affinity, coll: 'BINARY', hidden: false };
        if (c.hidden) rc.starHidden = true;
        return rc;
      }),
      rowidCol: -1,
      source: { kind: 'function', def, args, deps, label: item.alias ? `${item.name} AS ${item.alias}` : item.name },
    });
  }

  private tableRelation(item: Extract<FromItem, { kind: 'table' }>, scope: Scope, qc: QueryCtx): Relation {
    let snap = this.snapshot;
    if (item.asOf) {
      if (!this.ctx.asOf) throw new SqlError('SQL_ERROR', 'AS OF needs a versioned database');
      snap = this.ctx.asOf(item.asOf, this.ctx.params);
    }
    const schema: SchemaSource = snap ?? this.ctx.schema;
    const alias = item.alias ?? item.name;
    const key = item.name.toLowerCase();
    if (!item.asOf && (item.schema === undefined || item.schema.toLowerCase() === 'main')) {
      const cte = qc.ctes?.lookup(item.name);
      if (cte) return this.cteRelation(cte, alias, scope);
    }
    const info = schema.tableInfo(key);
    if (info) {
      if (item.indexedBy && !info.index(item.indexedBy)) throw new SqlError('NO_SUCH_INDEX', `no such index: ${item.indexedBy}`, posOf(item, item.indexedBy));
      return this.addTable(scope, info, alias, snap);
    }
    const view = schema.view(key);
    if (view) {
      if (this.viewStack.has(key)) throw new SqlError('CIRCULAR_VIEW', `view ${item.name} is circularly defined`, posOf(item, item.name));
      const stmt = this.ctx.parse(view.sql);
      if (stmt.kind !== 'createView') throw new SqlError('CORRUPT', `view ${item.name} has bad SQL`);
      this.viewStack.add(key);
      const outerSnap = this.snapshot;
      this.snapshot = snap;
      let pq: PlannedQuery;
      try {
        pq = this.planQuery(stmt.query, { nameParent: undefined, lexicalParent: scope, depth: scope.depth + 1, ctes: undefined });
      } finally {
        this.viewStack.delete(key);
        this.snapshot = outerSnap;
      }
      const cols = relColumns(pq.plan.columns);
      if (stmt.columns) {
        if (stmt.columns.length !== cols.length) {
          throw new SqlError('COLUMN_COUNT_MISMATCH', `expected ${stmt.columns.length} columns for '${view.name}' but got ${cols.length}`, posOf(item, item.name));
        }
        stmt.columns.forEach((n, i) => (cols[i]!.name = n));
      }
      return scope.addRelation({
        name: alias,
        key: alias.toLowerCase(),
        tableName: view.name,
        columns: cols,
        rowidCol: -1,
        source: { kind: 'plan', plan: pq.plan, correlated: false, label: `VIEW ${view.name}` },
      });
    }
    if (!item.asOf && key.startsWith('heliosdb_')) {
      const node = this.ctx.tableFunction?.(key, [], this.ctx.params);
      if (node) {
        return scope.addRelation({
          name: alias,
          key: alias.toLowerCase(),
          tableName: item.name,
          columns: relColumns(node.columns),
          rowidCol: -1,
          source: { kind: 'plan', plan: node, correlated: false, label: item.name },
        });
      }
    }
    if (key === 'sqlite_schema' || key === 'sqlite_master' || key === 'sqlite_temp_master' || key === 'sqlite_temp_schema') {
      const node = new SchemaTableNode(this.env, key.includes('temp'));
      return scope.addRelation({
        name: alias,
        key: alias.toLowerCase(),
        tableName: item.name,
        columns: relColumns(node.columns),
        rowidCol: -1,
        source: { kind: 'plan', plan: node, correlated: false, label: item.name },
      });
    }
    throw new SqlError(
      'NO_SUCH_TABLE',
      `no such table: ${item.schema ? item.schema + '.' : ''}${item.name}`,
      item.pos ? { line: item.pos.line, column: item.pos.column, offset: item.pos.offset, token: item.name } : undefined,
    );
  }

  private cteRelation(cte: CteDef, alias: string, scope: Scope): Relation {
    if (cte.working) {
      // A reference to the recursive CTE inside its own recursive part.
      const w = cte.working;
      return scope.addRelation({
        name: alias,
        key: alias.toLowerCase(),
        columns: w.columns.map((c) => ({ ...c, hidden: false })),
        rowidCol: -1,
        source: { kind: 'plan', plan: w.table, correlated: true, label: `RECURSIVE ${cte.name}` },
      });
    }
    const qc: QueryCtx = { nameParent: scope.nameParent, lexicalParent: scope, depth: scope.depth + 1, ctes: cte.env };
    let pq: PlannedQuery;
    if (cte.recursive && cte.def.query.body.kind === 'setop' && refersTo(cte.def.query.body.right, cte.name)) {
      pq = this.planRecursiveCte(cte, qc);
    } else {
      const env = cte.recursive ? cte.env?.without(cte.name) : cte.env;
      pq = this.planQuery(cte.def.query, { ...qc, ctes: env });
    }
    const cols = relColumns(pq.plan.columns);
    if (cte.def.columns) {
      if (cte.def.columns.length !== cols.length) {
        throw new SqlError('COLUMN_COUNT_MISMATCH', `table ${cte.name} has ${cols.length} values for ${cte.def.columns.length} columns`);
      }
      cte.def.columns.forEach((n, i) => (cols[i]!.name = n));
    }
    return scope.addRelation({
      name: alias,
      key: alias.toLowerCase(),
      columns: cols,
      rowidCol: -1,
      source: { kind: 'plan', plan: pq.plan, correlated: pq.outerRefs.size > 0, label: `CTE ${cte.name}` },
    });
  }

  private planRecursiveCte(cte: CteDef, qc: QueryCtx): PlannedQuery {
    const body = cte.def.query.body as Extract<SetExpr, { kind: 'setop' }>;
    if (body.op !== 'UNION' && body.op !== 'UNION ALL') {
      throw new SqlError('RECURSIVE_CTE', `recursive CTE ${cte.name} must use UNION or UNION ALL`, posOf(body));
    }
    const outer = new Map<number, Set<number>>();
    const collect = (s: Scope): void => {
      for (const [d, set] of s.outerRefs) {
        if (d >= qc.depth) continue;
        let t = outer.get(d);
        if (!t) outer.set(d, (t = new Set()));
        for (const r of set) t.add(r);
      }
    };
    const nonRec = cte.env?.without(cte.name);
    const initial = this.planSetExpr(body.left, { ...qc, ctes: nonRec }, collect);
    const cols = relColumns(initial.columns);
    if (cte.def.columns) cte.def.columns.forEach((n, i) => cols[i] && (cols[i]!.name = n));
    const working = new WorkingTable(initial.columns.map((c, i) => ({ ...c, name: cols[i]!.name })));
    cte.working = { table: working, columns: cols };
    let recursive: PlanNode;
    try {
      recursive = this.planSetExpr(body.right, qc, collect);
    } finally {
      delete cte.working;
    }
    if (recursive.columns.length !== initial.columns.length) {
      throw new SqlError('COLUMN_COUNT_MISMATCH', `SELECTs to the left and right of ${body.op} do not have the same number of result columns`, posOf(body));
    }
    let plan: PlanNode = new RecursiveCteNode(initial.columns, initial, recursive, working, body.op === 'UNION');
    const q = cte.def.query;
    if (q.orderBy?.length || q.limit) plan = this.applyOrderLimit(plan, q, qc, collect);
    return { plan, outerRefs: outer };
  }

  // -------------------------------------------------------------------------------------------
  // Helpers for DML and DDL planning

  /** A scope with no relations (INSERT values, defaults). */
  emptyScope(): Scope {
    return new Scope(0, undefined, undefined);
  }

  /** A scope holding one table at offset 0 (CHECK constraints, RETURNING, SET expressions). */
  tableScope(info: TableInfo, alias?: string): { scope: Scope; rel: Relation } {
    const scope = new Scope(0, undefined, undefined);
    const rel = this.addTable(scope, info, alias ?? info.name);
    return { scope, rel };
  }

  /**
   * The rows of `table` matching `where` (UPDATE, DELETE): a pipeline over the table alone,
   * with the best access path. The pipeline's rows are the table's columns at offset 0.
   */
  planTableAccess(info: TableInfo, alias: string | undefined, where: Expr | undefined, ctes?: CteEnv): { scope: Scope; pipeline: PlanNode } {
    const scope = new Scope(0, undefined, undefined, ctes);
    const rel = this.addTable(scope, info, alias ?? info.name);
    rel.used.fill(true);
    const w = where ? this.bindExpr(where, scope, { aggs: false, aliases: false }) : undefined;
    const cols: ColumnMeta[] = rel.columns.map((c) => ({ name: c.name, affinity: c.aff, collation: c.coll }));
    const ap = new AccessPlanner({ env: this.env, scope, entries: [{ rel, left: false, on: [] }], where: conjuncts(w), rowCount: (k) => this.ctx.rowCount(k) });
    return { scope, pipeline: ap.plan(cols).pipeline };
  }

  /**
   * The scope of an upsert's DO UPDATE: the target table (offset 0) and the proposed row as
   * `excluded` (offset `info.width`; its columns are reachable only as `excluded.col`).
   */
  upsertScope(info: TableInfo, alias?: string): Scope {
    const scope = new Scope(0, undefined, undefined);
    this.addTable(scope, info, alias ?? info.name).used.fill(true);
    const ex = this.addTable(scope, info, 'excluded');
    ex.used.fill(true);
    for (const c of ex.columns) c.hidden = true;
    return scope;
  }

  /**
   * The rows an UPDATE or DELETE changes: the target table at offset 0, joined with the FROM
   * items of `UPDATE … FROM` (their columns follow), filtered by WHERE, then ordered and
   * limited by `ORDER BY … LIMIT … OFFSET`. `bind` runs after FROM is in scope and before the
   * access paths are chosen (SET expressions mark the columns they read). The first
   * `scope.width` slots of the plan's rows are the joined row (copy them: without ORDER BY the
   * rows are the pipeline's shared buffer).
   */
  planDmlRows(o: {
    info: TableInfo;
    alias: string | undefined;
    from?: FromItem;
    where?: Expr;
    ctes?: CteEnv | undefined;
    orderBy?: OrderItem[];
    limit?: Expr;
    offset?: Expr;
    bind?: (scope: Scope) => void;
  }): { scope: Scope; plan: PlanNode } {
    const scope = new Scope(0, undefined, undefined, o.ctes);
    const qc: QueryCtx = { nameParent: undefined, lexicalParent: undefined, depth: 0, ctes: o.ctes };
    const rel = this.addTable(scope, o.info, o.alias ?? o.info.name);
    rel.used.fill(true);
    const entries: JoinEntry[] = [{ rel, left: false, on: [] }];
    if (o.from) entries.push(...this.planFrom(o.from, scope, qc));
    const w = o.where ? this.bindExpr(o.where, scope, { aggs: false, aliases: false }) : undefined;
    const sorts = (o.orderBy ?? []).map((ob) => {
      let e = ob.expr;
      let coll: Collation | undefined = ob.collate ? normalizeCollation(ob.collate) : undefined;
      while (e.kind === 'collate') {
        coll ??= normalizeCollation(e.collation);
        e = e.expr;
      }
      const be = this.bindExpr(e, scope, { aggs: false, aliases: false });
      const desc = ob.direction === 'DESC';
      return { be, desc, nullsFirst: ob.nulls ? ob.nulls === 'FIRST' : !desc, coll: coll ?? comparisonCollation(be, { k: 'lit', v: null }) };
    });
    o.bind?.(scope);
    const cols: ColumnMeta[] = [];
    for (const r of scope.relations) for (const c of r.columns) cols.push({ name: c.name, affinity: c.aff, collation: c.coll });
    // ORDER BY on target columns can be served by the key or an index (then LIMIT stops early).
    let wish: OrderWish | undefined;
    if (sorts.length && sorts.every((s) => s.be.k === 'col' && s.be.depth === 0 && s.be.rel === rel.id && s.coll === 'BINARY')) {
      wish = { rel: rel.id, cols: sorts.map((s) => ({ col: (s.be as { col: number }).col, desc: s.desc, nullsFirst: s.nullsFirst })) };
    }
    const lim = o.limit?.kind === 'literal' && typeof o.limit.value === 'bigint' && !o.offset ? Number(o.limit.value) : undefined;
    const ap = new AccessPlanner({
      env: this.env,
      scope,
      entries,
      where: conjuncts(w),
      rowCount: (k) => this.ctx.rowCount(k),
      ...(wish ? { order: wish } : {}),
      ...(wish && lim !== undefined ? { limit: lim } : {}),
    });
    const from = ap.plan(cols);
    const pipeline = from.pipeline;
    const width = scope.width;
    let plan: PlanNode = pipeline;
    const ordered = wish !== undefined && from.ordered && from.order[0] === wish.rel;
    if (sorts.length && !ordered) {
      const compiler = new ExprCompiler(this.env, 0);
      const copies: Eval[] = [];
      for (let i = 0; i < width; i++) copies.push((r) => r[i]!);
      for (const s of sorts) copies.push(compiler.compile(s.be));
      const extra = sorts.map((_, i) => ({ name: `_sort${i}`, affinity: undefined, collation: 'BINARY' as Collation }));
      plan = new ProjectNode(pipeline, [...cols, ...extra], copies);
      plan = new SortNode(plan, sorts.map((s, i) => ({ idx: width + i, desc: s.desc, nullsFirst: s.nullsFirst, coll: s.coll })));
    }
    plan = this.applyLimit(plan, o.limit, o.offset, qc, () => undefined);
    return { scope, plan };
  }

  /**
   * The right-hand side of a multi-column SET `(a, b) = (…)`: a row value of `n` items or a
   * subquery of `n` columns (its first row; NULLs when it has none).
   */
  bindRowValue(e: Expr, n: number, scope: Scope): BExpr[] {
    if (e.kind === 'row') {
      if (e.items.length !== n) throw new SqlError('ROW_VALUE_MISUSED', `${n} columns assigned ${e.items.length} values`, posOf(e));
      return e.items.map((i) => this.bindExpr(i, scope, { aggs: false, aliases: false }));
    }
    if (e.kind === 'subquery') {
      const sub = this.planSubquery(e.query, scope);
      const w = sub.plan.columns.length;
      if (w !== n) throw new SqlError('ROW_VALUE_MISUSED', `${n} columns assigned ${w} values`, posOf(e));
      return sub.plan.columns.map((c, i) => ({
        k: 'scalarSub' as const,
        plan: new ProjectNode(sub.plan, [c], [(r: Row) => r[i]!]),
        correlated: sub.correlated,
        rels: sub.rels,
      }));
    }
    if (n === 1) return [this.bindExpr(e, scope, { aggs: false, aliases: false })];
    throw new SqlError('ROW_VALUE_MISUSED', `${n} columns assigned 1 value`, posOf(e));
  }

  /** Bind RETURNING / result columns in a scope. */
  bindResultColumns(cols: ResultColumn[], scope: Scope): { exprs: BExpr[]; columns: ColumnMeta[] } {
    const items = this.bindResults(cols, scope);
    if (scope.aggs.length) throw new SqlError('MISUSE_OF_AGGREGATE', 'aggregate functions are not allowed in RETURNING');
    return { exprs: items.map((i) => i.expr), columns: items.map((i) => i.meta) };
  }

  /** Define the CTEs of a DML statement's WITH clause. */
  withCtes(w: { recursive: boolean; ctes: CommonTableExpr[] } | undefined): CteEnv | undefined {
    return w ? this.defineCtes(w.ctes, w.recursive, undefined) : undefined;
  }

  private addTable(scope: Scope, info: TableInfo, alias: string, snapshot?: TxnAccess): Relation {
    return scope.addRelation({
      name: alias,
      key: alias.toLowerCase(),
      tableName: info.name,
      columns: info.columns.map((c) => ({
        name: c.name,
        aff: c.affinity,
        coll: (c.collation as Collation | undefined) ?? 'BINARY',
        declType: c.type,
        hidden: false,
      })).concat(info.keyless ? [{ name: 'rowid', aff: 'INTEGER', coll: 'BINARY', declType: 'INTEGER', hidden: true }] : []),
      rowidCol: info.rowidSlot,
      source: snapshot ? { kind: 'table', tableKey: info.key, info, snapshot } : { kind: 'table', tableKey: info.key, info },
    });
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  /** Bind an expression in `scope` (public for DML and DDL planning). */
  bindExpr(e: Expr, scope: Scope, o: BindOpts): BExpr {
    switch (e.kind) {
      case 'literal':
        return { k: 'lit', v: e.value };
      case 'param':
        return { k: 'param', slot: this.ctx.params.slot(e) };
      case 'column':
        return this.resolveColumn(e, scope, o);
      case 'unary': {
        if (e.op === '-' && e.operand.kind === 'literal') {
          const v = e.operand.value;
          if (typeof v === 'bigint') return { k: 'lit', v: -v };
          if (typeof v === 'number') return { k: 'lit', v: v === 9223372036854775808 ? -(2n ** 63n) : -v };
        }
        return { k: 'unary', op: e.op, e: this.bindExpr(e.operand, scope, o) };
      }
      case 'binary': {
        const l = this.bindExpr(e.left, scope, o);
        const r = this.bindExpr(e.right, scope, o);
        if (e.op === 'AND') return { k: 'and', l, r };
        if (e.op === 'OR') return { k: 'or', l, r };
        const cmp = e.op === '=' || e.op === '!=' || e.op === '<' || e.op === '<=' || e.op === '>' || e.op === '>=' || e.op === 'IS' || e.op === 'IS NOT';
        if (cmp && (l.k === 'row') !== (r.k === 'row')) throw new SqlError('ROW_VALUE_MISUSED', 'row value misused', posOf(e));
        if (cmp && l.k === 'row' && r.k === 'row' && l.items.length !== r.items.length) throw new SqlError('ROW_VALUE_MISUSED', 'row value misused', posOf(e));
        return { k: 'binary', op: e.op, l, r, coll: cmp ? comparisonCollation(l, r) : 'BINARY' };
      }
      case 'like': {
        const b: BExpr = { k: 'like', op: e.op, not: e.not, l: this.bindExpr(e.left, scope, o), pattern: this.bindExpr(e.pattern, scope, o) };
        if (e.escape) b.escape = this.bindExpr(e.escape, scope, o);
        return b;
      }
      case 'between': {
        const x = this.bindExpr(e.expr, scope, o);
        const lo = this.bindExpr(e.low, scope, o);
        const hi = this.bindExpr(e.high, scope, o);
        return { k: 'between', not: e.not, e: x, lo, hi, coll: comparisonCollation(x, lo) };
      }
      case 'in': {
        const x = this.bindExpr(e.expr, scope, o);
        const coll = comparisonCollation(x, { k: 'lit', v: null });
        if (e.list) {
          const list = e.list.map((i) => this.bindExpr(i, scope, o));
          if (x.k === 'row' && list.some((i) => i.k !== 'row' || i.items.length !== x.items.length)) throw new SqlError('ROW_VALUE_MISUSED', 'row value misused', posOf(e));
          return { k: 'inList', not: e.not, e: x, list, coll };
        }
        let query = e.query;
        if (!query && e.table) {
          query = {
            kind: 'query',
            body: { kind: 'select', distinct: false, columns: [{ kind: 'star' }], from: { kind: 'table', name: e.table } },
          };
        }
        const sub = this.planSubquery(query!, scope);
        const width = x.k === 'row' ? x.items.length : 1;
        if (sub.plan.columns.length !== width) {
          throw new SqlError('COLUMN_COUNT_MISMATCH', `sub-select returns ${sub.plan.columns.length} columns - expected ${width}`, posOf(e));
        }
        return { k: 'inSub', not: e.not, e: x, plan: sub.plan, correlated: sub.correlated, rels: sub.rels, coll };
      }
      case 'isNull':
        return { k: 'isNull', not: e.not, e: this.bindExpr(e.expr, scope, o) };
      case 'exists': {
        const sub = this.planSubquery(e.query, scope);
        return { k: 'exists', not: e.not, plan: sub.plan, correlated: sub.correlated, rels: sub.rels };
      }
      case 'subquery': {
        const sub = this.planSubquery(e.query, scope);
        if (sub.plan.columns.length !== 1) {
          throw new SqlError('COLUMN_COUNT_MISMATCH', `sub-select returns ${sub.plan.columns.length} columns - expected 1`, posOf(e));
        }
        return { k: 'scalarSub', plan: sub.plan, correlated: sub.correlated, rels: sub.rels };
      }
      case 'case': {
        const b: BExpr = {
          k: 'case',
          whens: e.whens.map((w) => ({ when: this.bindExpr(w.when, scope, o), then: this.bindExpr(w.then, scope, o) })),
          coll: 'BINARY',
        };
        if (e.operand) {
          b.operand = this.bindExpr(e.operand, scope, o);
          b.coll = comparisonCollation(b.operand, b.whens[0]?.when ?? { k: 'lit', v: null });
        }
        if (e.else) b.else = this.bindExpr(e.else, scope, o);
        return b;
      }
      case 'cast':
        return { k: 'cast', e: this.bindExpr(e.expr, scope, o), type: e.type, aff: typeAffinity(typeText(e.type)) };
      case 'function':
        return this.bindFunction(e, scope, o);
      case 'collate':
        return { k: 'collate', e: this.bindExpr(e.expr, scope, o), coll: normalizeCollation(e.collation) };
      case 'raise': {
        const b: BExpr = { k: 'raise', action: e.action };
        if (e.message !== undefined) b.message = e.message;
        return b;
      }
      case 'row':
        return { k: 'row', items: e.items.map((i) => this.bindExpr(i, scope, o)) };
    }
  }

  /** `coalesce(left, right)` for the merged USING column of a RIGHT / FULL JOIN. */
  private coalesced(scope: Scope, left: BExpr, others: { rel: number; col: number }[]): BExpr {
    const rights = others.map((o) => colRef(scope, scope.relations[o.rel]!, o.col));
    return { k: 'fn', def: scalarFunctions.get('coalesce')!, args: [left, ...rights], coll: comparisonCollation(left, rights[0]!) };
  }

  private planSubquery(q: Query, scope: Scope): { plan: PlanNode; correlated: boolean; rels: number[] } {
    const pq = this.planQuery(q, { nameParent: scope, lexicalParent: scope, depth: scope.depth + 1, ctes: scope.ctes as CteEnv | undefined });
    const rels = [...(pq.outerRefs.get(scope.depth) ?? [])];
    return { plan: pq.plan, correlated: pq.outerRefs.size > 0, rels };
  }

  private resolveColumn(e: Extract<Expr, { kind: 'column' }>, scope: Scope, o: BindOpts): BExpr {
    if (e.schema !== undefined && e.schema.toLowerCase() !== 'main') {
      throw new SqlError('NO_SUCH_COLUMN', `no such column: ${e.schema}.${e.table}.${e.name}`, posOf(e, e.name));
    }
    const local = scope.lookupLocal(e.table, e.name, e.pos);
    if (local) {
      const ref = colRef(local.scope, local.rel, local.col);
      const cw = local.rel.columns[local.col]!.coalesceWith;
      return cw && e.table === undefined ? this.coalesced(local.scope, ref, cw) : ref;
    }
    if (e.table === undefined && o.aliases) {
      const n = e.name.toLowerCase();
      const a = scope.aliases.find((x) => x.name.toLowerCase() === n);
      if (a) {
        const wr = findWindowRef(a.expr);
        if (wr && (!o.aggs || o.inAgg || o.inWin || o.noWin)) throw windowRefMisuse(scope, wr, e.name);
        if (!o.aggs && hasAgg(a.expr, scope.depth)) throw new SqlError('MISUSE_OF_AGGREGATE', `misuse of aliased aggregate ${e.name}`, posOf(e, e.name));
        return a.expr;
      }
    }
    for (let p = scope.nameParent; p; p = p.nameParent) {
      const r = p.lookupLocal(e.table, e.name, e.pos);
      if (r) {
        scope.noteOuterRef(p.depth, r.rel.id);
        return colRef(p, r.rel, r.col);
      }
    }
    const full = e.table ? `${e.table}.${e.name}` : e.name;
    throw new SqlError('NO_SUCH_COLUMN', `no such column: ${full}`, posOf(e, full));
  }

  private bindFunction(e: Extract<Expr, { kind: 'function' }>, scope: Scope, o: BindOpts): BExpr {
    const name = e.name.toLowerCase();
    const sdef = this.ctx.functions?.get(name) ?? scalarFunctions.get(name);
    if (e.over !== undefined) return bindWindowCall(e, scope, o.aggs && !o.inAgg && !o.inWin && !o.noWin, (x, s, oo) => this.bindExpr(x, s, oo), sdef);
    const adef = aggregateFunctions.get(name);
    const argc = e.args.length;
    const wantsAgg = e.star || e.distinct || e.filter !== undefined || (e.orderBy !== undefined && e.orderBy.length > 0);
    let isAgg = false;
    if (e.star) {
      if (name !== 'count') throw new SqlError('WRONG_ARGUMENT_COUNT', `wrong number of arguments to function ${e.name}()`, posOf(e, e.name));
      isAgg = true;
    } else if (adef && (!sdef || wantsAgg || argc < sdef.minArgs || (sdef.maxArgs >= 0 && argc > sdef.maxArgs))) {
      isAgg = true;
    }
    if (isAgg) {
      if (!o.aggs || o.inAgg) throw new SqlError('MISUSE_OF_AGGREGATE', `misuse of aggregate function ${e.name}()`, posOf(e, e.name));
      if (adef && !e.star && (argc < adef.minArgs || (adef.maxArgs >= 0 && argc > adef.maxArgs))) {
        throw new SqlError('WRONG_ARGUMENT_COUNT', `wrong number of arguments to function ${e.name}()`, posOf(e, e.name));
      }
      if (e.distinct && argc !== 1) throw new SqlError('WRONG_ARGUMENT_COUNT', 'DISTINCT aggregates must have exactly one argument', posOf(e, e.name));
      const inner: BindOpts = { aggs: true, aliases: o.aliases, inAgg: true };
      const args = e.args.map((a) => this.bindExpr(a, scope, inner));
      const call: AggCall = {
        name: e.star ? 'count' : name,
        def: e.star ? undefined : adef,
        args,
        star: e.star,
        distinct: e.distinct,
        collation: args[0] ? comparisonCollation(args[0], { k: 'lit', v: null }) : 'BINARY',
      };
      if (e.filter) call.filter = this.bindExpr(e.filter, scope, { aggs: false, aliases: o.aliases });
      if (e.orderBy?.length) {
        call.orderBy = e.orderBy.map((ob) => {
          const x = this.bindExpr(ob.expr, scope, { aggs: false, aliases: o.aliases });
          const desc = ob.direction === 'DESC';
          return {
            expr: x,
            desc,
            nullsFirst: ob.nulls ? ob.nulls === 'FIRST' : !desc,
            collation: ob.collate ? normalizeCollation(ob.collate) : comparisonCollation(x, { k: 'lit', v: null }),
          };
        });
      }
      scope.aggs.push(call);
      return { k: 'agg', depth: scope.depth, slot: scope.width + scope.aggs.length - 1 };
    }
    if (!sdef) {
      if (WINDOW_ONLY_FUNCTIONS.has(name)) throw windowMisuse(e);
      if (wantsAgg) throw new SqlError('MISUSE_OF_AGGREGATE', `${e.name}() may not be used as an aggregate`, posOf(e, e.name));
      throw new SqlError('NO_SUCH_FUNCTION', `no such function: ${e.name}`, posOf(e, e.name));
    }
    if (wantsAgg) throw new SqlError('MISUSE_OF_AGGREGATE', `DISTINCT or FILTER used with non-aggregate function ${e.name}()`, posOf(e, e.name));
    if (argc < sdef.minArgs || (sdef.maxArgs >= 0 && argc > sdef.maxArgs)) {
      throw new SqlError('WRONG_ARGUMENT_COUNT', `wrong number of arguments to function ${e.name}()`, posOf(e, e.name));
    }
    const args = e.args.map((a) => this.bindExpr(a, scope, o));
    let coll: Collation = 'BINARY';
    for (const a of args) {
      const c = comparisonCollation(a, { k: 'lit', v: null });
      if (c !== 'BINARY') {
        coll = c;
        break;
      }
    }
    return { k: 'fn', def: sdef, args, coll };
  }
}

/** The position of an AST node as an error position. */
export function posOf(e: { pos?: { line: number; column: number; offset: number } } | undefined, token?: string): SqlPosition | undefined {
  if (!e?.pos) return undefined;
  const p: SqlPosition = { line: e.pos.line, column: e.pos.column, offset: e.pos.offset };
  if (token !== undefined) p.token = token;
  return p;
}

function colRef(scope: Scope, rel: Relation, col: number): BExpr {
  const c = rel.columns[col]!;
  rel.used[col] = true;
  return { k: 'col', depth: scope.depth, slot: rel.offset + col, aff: c.aff, coll: c.coll, name: c.name, rel: rel.id, col };
}

function relColumns(cols: ColumnMeta[]): RelColumn[] {
  const seen = new Map<string, number>();
  return cols.map((c) => {
    let name = c.name;
    const k = name.toLowerCase();
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    if (n > 0) name = `${name}:${n}`;
    const rc: RelColumn = { name, aff: c.affinity, coll: c.collation, hidden: false };
    if (c.declType !== undefined) rc.declType = c.declType;
    return rc;
  });
}

function collationOfResult(e: BExpr): Collation {
  return comparisonCollation(e, { k: 'lit', v: null });
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${s}`;
}

/** True when `e` reads a column of scope `depth` outside aggregate calls (or via a subquery). */
function readsScopeColumns(e: BExpr, depth: number): boolean {
  if (e.k === 'col') return e.depth === depth;
  if ((e.k === 'inSub' || e.k === 'exists' || e.k === 'scalarSub') && e.rels.length > 0) return true;
  if (e.k === 'inSub' && readsScopeColumns(e.e, depth)) return true;
  return children(e).some((c) => readsScopeColumns(c, depth));
}

/** True when every column of scope `depth` that `e` reads is one of `slots`. */
function colsWithin(e: BExpr, depth: number, slots: Set<number>): boolean {
  if (e.k === 'col') return e.depth !== depth || slots.has(e.slot);
  if ((e.k === 'inSub' || e.k === 'exists' || e.k === 'scalarSub') && e.rels.length > 0) return false;
  return children(e).every((c) => colsWithin(c, depth, slots));
}

function refersTo(body: SetExpr, name: string): boolean {
  const n = name.toLowerCase();
  const inFrom = (f: FromItem | undefined): boolean => {
    if (!f) return false;
    if (f.kind === 'table') return f.name.toLowerCase() === n;
    if (f.kind === 'join') return inFrom(f.left) || inFrom(f.right);
    return false;
  };
  switch (body.kind) {
    case 'select':
      return inFrom(body.from);
    case 'values':
      return false;
    case 'setop':
      return refersTo(body.left, name) || refersTo(body.right, name);
  }
}

/** Adapts a functions-module aggregate (passing the collation where it matters). */
function wrapAggregate(def: import('../functions/index.js').AggregateFunction, coll: Collation): AggSpec['impl'] {
  if (coll === 'BINARY') return def as AggSpec['impl'];
  const opts = { collation: coll };
  return {
    init: () => def.init(),
    step: (s: unknown, args: SqlValue[]) => def.step(s, args, opts),
    final: (s: unknown) => def.final(s),
  };
}

export type { Affinity };
