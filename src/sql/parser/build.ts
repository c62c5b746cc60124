/**
 * Turns the ANTLR parse tree of HeliosSQLParser.g4 into the AST of src/sql/ast.ts.
 *
 * The walk reads the generated contexts directly (children arrays, a few element labels,
 * `start`/`stop` tokens) instead of using a visitor, because it runs for every statement
 * parsed; the grammar has no labelled alternatives, so each alternative is recognised by its
 * first child. The builder also:
 * - gives each statement its own source text (`sql`) and each result column / CHECK / DEFAULT
 *   / generated expression its source text;
 * - applies AND/OR precedence to the flat `expr` rule;
 * - numbers parameters SQLite's way, per statement and in source order: `?` takes the largest
 *   index so far + 1, `?NNN` is NNN, and a named parameter takes the next index at its first
 *   appearance and keeps it (named parameters carry both `name` and `index`);
 * - folds what SQLite folds while parsing: `-9223372036854775808` (an integer), `IS [NOT] NULL`
 *   into `isNull`, `NOT EXISTS` into `exists {not: true}`, `LIMIT a, b` into offset a limit b,
 *   `(x)` into x, a top-level COLLATE of an ORDER BY term / indexed column into its `collate`
 *   field, and a trailing "GENERATED ALWAYS" out of a column's type name; `x IN f(args)`
 *   becomes `x IN (SELECT * FROM f(args))`;
 * - rejects what the grammar accepts but SQLite does not (unknown table options, unknown
 *   MERGE options, `?0`, hex literals over 64 bits, expression trees deeper than 1000).
 */
import { TerminalNode, type ParseTree, type ParserRuleContext, type Token } from 'antlr4ng';
import { SqlSyntaxError } from '../../errors/index.js';
import type {
  AlterAction,
  AlterTableStmt,
  AsOf,
  ColumnConstraint,
  ColumnDef,
  CommonTableExpr,
  ConflictAction,
  CreateIndexStmt,
  CreateTableStmt,
  CreateTriggerStmt,
  CreateViewStmt,
  DeleteStmt,
  DropStmt,
  Expr,
  FkAction,
  ForeignKeyRef,
  FrameBound,
  FromItem,
  IndexedColumn,
  InsertStmt,
  JoinType,
  MergeBranchStmt,
  OrderItem,
  Pos,
  PragmaStmt,
  Query,
  ResultColumn,
  SelectCore,
  SetClause,
  SetExpr,
  SetOp,
  Statement,
  TableConstraint,
  TypeName,
  UpdateStmt,
  Upsert,
  WindowDef,
  WindowFrame,
  With,
} from '../ast.js';
import * as P from '../grammar/generated/HeliosSQLParser.js';
import { decodeBlob, decodeHex, decodeIdentifier, decodeNumber, decodeString, tokenPosition } from './literals.js';

const T = P.HeliosSQLParser;

/** SQLite's SQLITE_MAX_EXPR_DEPTH: deeper expression trees are rejected. */
export const MAX_EXPR_DEPTH = 1000;
/** SQLite's SQLITE_MAX_VARIABLE_NUMBER. */
const MAX_PARAM_INDEX = 32766;

const INT64_MIN = -9223372036854775808n;

type Base = { sql: string; pos: Pos };
type BinaryOp = Extract<Expr, { kind: 'binary' }>['op'];

function pos(token: Token): Pos {
  return { line: token.line, column: token.column + 1, offset: token.start };
}

function tokenType(node: ParseTree | undefined): number {
  return node instanceof TerminalNode ? node.symbol.type : -1;
}

function hasToken(ctx: ParserRuleContext, type: number): boolean {
  const ch = ctx.children;
  for (let i = 0; i < ch.length; i++) {
    const c = ch[i]!;
    if (c instanceof TerminalNode && c.symbol.type === type) return true;
  }
  return false;
}

/** Index of the first child that is the token `type`, or -1. */
function indexOfToken(ctx: ParserRuleContext, type: number, from = 0): number {
  const ch = ctx.children;
  for (let i = from; i < ch.length; i++) {
    const c = ch[i]!;
    if (c instanceof TerminalNode && c.symbol.type === type) return i;
  }
  return -1;
}

/** The name a single-token name rule (identifier, anyName, implicitAlias, ...) stands for. */
function nameOf(ctx: ParseTree): string {
  return decodeIdentifier((ctx as ParserRuleContext).start!);
}

function conflictAction(ctx: P.ConflictActionContext): ConflictAction {
  return ctx.start!.text!.toUpperCase() as ConflictAction;
}

function binary(op: BinaryOp, left: Expr, right: Expr): Expr {
  return { kind: 'binary', op, left, right, pos: left.pos! };
}

const BINARY_OPS: Record<number, BinaryOp> = {
  [T.PIPE2]: '||',
  [T.PTR]: '->',
  [T.PTR2]: '->>',
  [T.STAR]: '*',
  [T.DIV]: '/',
  [T.MOD]: '%',
  [T.PLUS]: '+',
  [T.MINUS]: '-',
  [T.AMP]: '&',
  [T.PIPE]: '|',
  [T.LT2]: '<<',
  [T.GT2]: '>>',
  [T.LT]: '<',
  [T.LT_EQ]: '<=',
  [T.GT]: '>',
  [T.GT_EQ]: '>=',
  [T.EQ]: '=',
  [T.EQ2]: '=',
  [T.NOT_EQ1]: '!=',
  [T.NOT_EQ2]: '!=',
};

/** `-n` of a literal number; `-9223372036854775808` stays an integer. */
function negate(value: bigint | number, text: string): bigint | number {
  if (typeof value === 'bigint') return -value;
  if (text === '9223372036854775808') return INT64_MIN;
  return -value;
}

export class AstBuilder {
  private readonly src: string;
  private maxParam = 0;
  private readonly paramNames = new Map<string, number>();
  private depth = 0;

  constructor(src: string) {
    this.src = src;
  }

  // ---- helpers ------------------------------------------------------------------------------

  private text(ctx: ParserRuleContext): string {
    const start = ctx.start;
    const stop = ctx.stop;
    if (!start || !stop || stop.stop < start.start) return '';
    return this.src.slice(start.start, stop.stop + 1);
  }

  private base(ctx: ParserRuleContext): Base {
    return { sql: this.text(ctx), pos: pos(ctx.start!) };
  }

  private error(token: Token, message?: string): SqlSyntaxError {
    const text = this.src.slice(token.start, token.stop + 1);
    return new SqlSyntaxError(message ?? `near "${text}": syntax error`, tokenPosition(token, text));
  }

  private enter(token: Token): void {
    if (++this.depth > MAX_EXPR_DEPTH) {
      throw this.error(token, `Expression tree is too large (maximum depth ${MAX_EXPR_DEPTH})`);
    }
  }

  private exprList(ctx: ParserRuleContext): Expr[] {
    const out: Expr[] = [];
    for (const c of ctx.children) if (c instanceof P.ExprContext) out.push(this.expr(c));
    return out;
  }

  private names(ctx: ParserRuleContext): string[] {
    const out: string[] = [];
    for (const c of ctx.children) if (c instanceof P.AnyNameContext) out.push(nameOf(c));
    return out;
  }

  // ---- statements ---------------------------------------------------------------------------

  script(ctx: P.ScriptContext): Statement[] {
    const out: Statement[] = [];
    for (const c of ctx.children) if (c instanceof P.StatementContext) out.push(this.statement(c));
    return out;
  }

  statement(ctx: P.StatementContext): Statement {
    this.maxParam = 0;
    this.paramNames.clear();
    const ch = ctx.children;
    const inner = this.coreStatement(ch[ch.length - 1] as P.CoreStatementContext);
    if (ch.length === 1) return inner;
    return { kind: 'explain', queryPlan: hasToken(ctx, T.QUERY), statement: inner, ...this.base(ctx) };
  }

  private coreStatement(ctx: P.CoreStatementContext): Statement {
    const c = ctx.children[0]!;
    if (c instanceof P.DmlStatementContext) return this.dmlStatement(c);
    if (c instanceof P.CreateTableStmtContext) return this.createTable(c);
    if (c instanceof P.CreateIndexStmtContext) return this.createIndex(c);
    if (c instanceof P.CreateViewStmtContext) return this.createView(c);
    if (c instanceof P.CreateTriggerStmtContext) return this.createTrigger(c);
    if (c instanceof P.DropStmtContext) return this.drop(c);
    if (c instanceof P.AlterTableStmtContext) return this.alterTable(c);
    if (c instanceof P.BeginStmtContext) {
      const mode = tokenType(c.children[1]);
      return {
        kind: 'begin',
        ...(mode === T.DEFERRED ? { mode: 'DEFERRED' } : mode === T.IMMEDIATE ? { mode: 'IMMEDIATE' } : mode === T.EXCLUSIVE ? { mode: 'EXCLUSIVE' } : {}),
        ...this.base(c),
      };
    }
    if (c instanceof P.CommitStmtContext) return { kind: 'commit', ...this.base(c) };
    if (c instanceof P.RollbackStmtContext) {
      const name = c.anyName();
      return name ? { kind: 'rollback', savepoint: nameOf(name), ...this.base(c) } : { kind: 'rollback', ...this.base(c) };
    }
    if (c instanceof P.SavepointStmtContext) return { kind: 'savepoint', name: nameOf(c.anyName()), ...this.base(c) };
    if (c instanceof P.ReleaseStmtContext) return { kind: 'release', name: nameOf(c.anyName()), ...this.base(c) };
    if (c instanceof P.PragmaStmtContext) return this.pragma(c);
    if (c instanceof P.AnalyzeStmtContext || c instanceof P.ReindexStmtContext) {
      const q = c.qualifiedName();
      const kind = c instanceof P.AnalyzeStmtContext ? 'analyze' : 'reindex';
      return q ? { kind, target: this.qualifiedText(q), ...this.base(c) } : { kind, ...this.base(c) };
    }
    if (c instanceof P.VacuumStmtContext) {
      const n = c.anyName();
      return n ? { kind: 'vacuum', target: nameOf(n), ...this.base(c) } : { kind: 'vacuum', ...this.base(c) };
    }
    return this.versionControl(c as ParserRuleContext);
  }

  private qualifiedText(ctx: P.QualifiedNameContext): string {
    const schema = ctx._schema;
    return schema ? `${nameOf(schema)}.${nameOf(ctx._name_!)}` : nameOf(ctx._name_!);
  }

  private dmlStatement(ctx: P.DmlStatementContext): Statement {
    const ch = ctx.children;
    const w = ch.length > 1 ? this.withClause(ch[0] as P.WithClauseContext) : undefined;
    const body = ch[ch.length - 1]!;
    const base = this.base(ctx);
    if (body instanceof P.SelectNoWithContext) return { kind: 'select', query: this.selectNoWith(body, w, ctx.start!), ...base };
    if (body instanceof P.InsertBodyContext) return this.insert(body, w, base);
    if (body instanceof P.UpdateBodyContext) return this.update(body, w, base);
    return this.delete(body as P.DeleteBodyContext, w, base);
  }

  // ---- queries ------------------------------------------------------------------------------

  selectStmt(ctx: P.SelectStmtContext): Query {
    const ch = ctx.children;
    if (ch.length === 1) return this.selectNoWith(ch[0] as P.SelectNoWithContext, undefined, ctx.start!);
    return this.selectNoWith(ch[1] as P.SelectNoWithContext, this.withClause(ch[0] as P.WithClauseContext), ctx.start!);
  }

  private withClause(ctx: P.WithClauseContext): With {
    const ctes: CommonTableExpr[] = [];
    for (const c of ctx.children) if (c instanceof P.CommonTableExprContext) ctes.push(this.cte(c));
    return { recursive: hasToken(ctx, T.RECURSIVE), ctes };
  }

  private cte(ctx: P.CommonTableExprContext): CommonTableExpr {
    const names = this.names(ctx);
    let query: Query | undefined;
    for (const c of ctx.children) if (c instanceof P.SelectStmtContext) query = this.selectStmt(c);
    const cte: CommonTableExpr = { name: names[0]!, query: query! };
    if (names.length > 1) cte.columns = names.slice(1);
    if (hasToken(ctx, T.MATERIALIZED)) cte.materialized = !hasToken(ctx, T.NOT);
    return cte;
  }

  private selectNoWith(ctx: P.SelectNoWithContext, w: With | undefined, start: Token): Query {
    let body: SetExpr | undefined;
    let op: SetOp = 'UNION';
    let orderBy: OrderItem[] | undefined;
    const lim: { limit?: Expr; offset?: Expr } = {};
    for (const c of ctx.children) {
      if (c instanceof P.SelectCoreContext) {
        const core = this.selectCore(c);
        body = body === undefined ? core : { kind: 'setop', op, left: body, right: core, pos: body.pos! };
      } else if (c instanceof P.CompoundOperatorContext) {
        const t = c.start!.type;
        op = t === T.UNION ? (c.children.length > 1 ? 'UNION ALL' : 'UNION') : t === T.INTERSECT ? 'INTERSECT' : 'EXCEPT';
      } else if (c instanceof P.OrderByClauseContext) {
        orderBy = this.orderBy(c);
      } else if (c instanceof P.LimitClauseContext) {
        this.limit(c, lim);
      }
    }
    const query: Query = { kind: 'query', body: body!, pos: pos(start) };
    if (w) query.with = w;
    if (orderBy) query.orderBy = orderBy;
    if (lim.limit) query.limit = lim.limit;
    if (lim.offset) query.offset = lim.offset;
    return query;
  }

  private limit(ctx: P.LimitClauseContext, into: { limit?: Expr; offset?: Expr }): void {
    const first = this.expr(ctx._limit!);
    if (!ctx._offset) {
      into.limit = first;
      return;
    }
    const second = this.expr(ctx._offset);
    if (tokenType(ctx.children[2]) === T.COMMA) {
      into.limit = second;
      into.offset = first;
    } else {
      into.limit = first;
      into.offset = second;
    }
  }

  private selectCore(ctx: P.SelectCoreContext): SetExpr {
    const ch = ctx.children;
    if (ctx.start!.type === T.VALUES) {
      const rows: Expr[][] = [];
      for (let i = 1; i < ch.length; i += 2) rows.push(this.exprList(ch[i] as P.ValuesRowContext));
      return { kind: 'values', rows, pos: pos(ctx.start!) };
    }
    const columns: ResultColumn[] = [];
    const core: SelectCore = { kind: 'select', distinct: tokenType(ch[1]) === T.DISTINCT, columns, pos: pos(ctx.start!) };
    for (let i = 1; i < ch.length; i++) {
      const c = ch[i]!;
      if (c instanceof P.ResultColumnContext) columns.push(this.resultColumn(c));
      else if (c instanceof P.FromClauseContext) core.from = this.fromClause(c);
      else if (c instanceof P.WindowDefnContext) (core.windows ??= []).push(this.windowDefn(c));
    }
    if (ctx._where_) core.where = this.expr(ctx._where_);
    if (ctx._groupBy.length > 0) core.groupBy = ctx._groupBy.map((e) => this.expr(e));
    if (ctx._having) core.having = this.expr(ctx._having);
    return core;
  }

  private resultColumn(ctx: P.ResultColumnContext): ResultColumn {
    const ch = ctx.children;
    const first = ch[0]!;
    if (first instanceof TerminalNode) return { kind: 'star', pos: pos(first.symbol) };
    if (first instanceof P.IdentifierContext) return { kind: 'tableStar', table: nameOf(first), pos: pos(ctx.start!) };
    const exprCtx = first as P.ExprContext;
    const col: ResultColumn = { kind: 'expr', expr: this.expr(exprCtx), text: this.text(exprCtx), pos: pos(ctx.start!) };
    if (ch.length > 1) col.alias = nameOf(ch[ch.length - 1]!);
    return col;
  }

  private fromClause(ctx: P.FromClauseContext): FromItem {
    const ch = ctx.children;
    let acc = this.tableOrSubquery(ch[0] as P.TableOrSubqueryContext);
    let i = 1;
    while (i < ch.length) {
      const op = ch[i] as P.JoinOperatorContext;
      const right = this.tableOrSubquery(ch[i + 1] as P.TableOrSubqueryContext);
      i += 2;
      let constraint: P.JoinConstraintContext | undefined;
      if (i < ch.length && ch[i] instanceof P.JoinConstraintContext) constraint = ch[i++] as P.JoinConstraintContext;
      let type: JoinType = 'INNER';
      let natural = false;
      let comma = false;
      for (const t of op.children) {
        switch (tokenType(t)) {
          case T.COMMA:
            comma = true;
            type = 'CROSS';
            break;
          case T.NATURAL:
            natural = true;
            break;
          case T.LEFT:
            type = 'LEFT';
            break;
          case T.RIGHT:
            type = 'RIGHT';
            break;
          case T.FULL:
            type = 'FULL';
            break;
          case T.CROSS:
            type = 'CROSS';
            break;
          default:
            break;
        }
      }
      const join: FromItem = { kind: 'join', type, natural, left: acc, right, pos: acc.pos ?? pos(ctx.start!) };
      if (comma) join.comma = true;
      if (constraint) {
        if (constraint.start!.type === T.ON) join.on = this.expr(constraint.children[1] as P.ExprContext);
        else join.using = this.names(constraint);
      }
      acc = join;
    }
    return acc;
  }

  /** The alias at the end of a table reference (`AS name` or an implicit alias), if any. */
  private aliasAt(ch: ParseTree[], i: number): string | undefined {
    const c = ch[i];
    if (c instanceof P.ImplicitAliasContext) return nameOf(c);
    if (tokenType(c) === T.AS) return nameOf(ch[i + 1]!);
    return undefined;
  }

  private tableOrSubquery(ctx: P.TableOrSubqueryContext): FromItem {
    const ch = ctx.children;
    const first = ch[0]!;
    if (first instanceof P.QualifiedNameContext) {
      if (tokenType(ch[1]) === T.OPEN_PAR) {
        const item: FromItem = { kind: 'tableFunction', name: nameOf(first._name_!), args: this.exprList(ctx), pos: pos(ctx.start!) };
        if (first._schema) item.schema = nameOf(first._schema);
        const close = indexOfToken(ctx, T.CLOSE_PAR);
        const alias = this.aliasAt(ch, close + 1);
        if (alias !== undefined) item.alias = alias;
        return item;
      }
      const item: FromItem = { kind: 'table', name: nameOf(first._name_!), pos: pos(ctx.start!) };
      if (first._schema) item.schema = nameOf(first._schema);
      for (let i = 1; i < ch.length; i++) {
        const c = ch[i]!;
        if (c instanceof P.AsOfClauseContext) item.asOf = this.asOf(c);
        else if (c instanceof P.ImplicitAliasContext) item.alias = nameOf(c);
        else if (tokenType(c) === T.AS) item.alias = nameOf(ch[++i]!);
        else if (c instanceof P.IndexHintContext) {
          if (c.start!.type === T.NOT) item.notIndexed = true;
          else item.indexedBy = nameOf(c.children[2]!);
        }
      }
      return item;
    }
    const inner = ch[1]!;
    if (inner instanceof P.SelectStmtContext) {
      const item: FromItem = { kind: 'subquery', query: this.selectStmt(inner), pos: pos(ctx.start!) };
      const alias = this.aliasAt(ch, 3);
      if (alias !== undefined) item.alias = alias;
      return item;
    }
    return this.fromClause(inner as P.FromClauseContext);
  }

  private asOf(ctx: P.AsOfClauseContext): AsOf {
    const ch = ctx.children;
    const kindTok = (ch[indexOfToken(ctx, T.OF) + 1] as TerminalNode).symbol;
    switch (kindTok.type) {
      case T.TIMESTAMP:
        return { kind: 'timestamp', expr: this.expr(ch[ch.length - 1] as P.ExprContext) };
      case T.TRANSACTION:
        return { kind: 'transaction', expr: this.expr(ch[ch.length - 1] as P.ExprContext) };
      case T.SCN:
        return { kind: 'scn', expr: this.expr(ch[ch.length - 1] as P.ExprContext) };
      case T.STRING_LITERAL:
        return { kind: 'ref', expr: { kind: 'literal', value: decodeString(kindTok.text!), pos: pos(kindTok) } };
      default:
        return { kind: 'ref', expr: this.param(kindTok) };
    }
  }

  private orderBy(ctx: P.OrderByClauseContext): OrderItem[] {
    const out: OrderItem[] = [];
    for (const c of ctx.children) if (c instanceof P.OrderingTermContext) out.push(this.orderingTerm(c));
    return out;
  }

  private orderingTerm(ctx: P.OrderingTermContext): OrderItem {
    const ch = ctx.children;
    const expr = this.expr(ch[0] as P.ExprContext);
    const item: OrderItem = expr.kind === 'collate' ? { expr: expr.expr, collate: expr.collation } : { expr };
    for (let i = 1; i < ch.length; i++) {
      switch (tokenType(ch[i])) {
        case T.ASC:
          item.direction = 'ASC';
          break;
        case T.DESC:
          item.direction = 'DESC';
          break;
        case T.FIRST:
          item.nulls = 'FIRST';
          break;
        case T.LAST:
          item.nulls = 'LAST';
          break;
        default:
          break;
      }
    }
    return item;
  }

  // ---- DML ----------------------------------------------------------------------------------

  private insert(ctx: P.InsertBodyContext, w: With | undefined, base: Base): Statement {
    const stmt: InsertStmt = { kind: 'insert', table: '', source: { kind: 'defaultValues' }, ...base };
    if (w) stmt.with = w;
    if (ctx.start!.type === T.REPLACE) stmt.orAction = 'REPLACE';
    const upserts: Upsert[] = [];
    for (const c of ctx.children) {
      if (c instanceof TerminalNode) continue;
      if (c instanceof P.ConflictActionContext) stmt.orAction = conflictAction(c);
      else if (c instanceof P.QualifiedNameContext) {
        stmt.table = nameOf(c._name_!);
        if (c._schema) stmt.schema = nameOf(c._schema);
      } else if (c instanceof P.AnyNameContext) {
        if (c === ctx._alias) stmt.alias = nameOf(c);
        else (stmt.columns ??= []).push(nameOf(c));
      } else if (c instanceof P.SelectStmtContext) {
        const query = this.selectStmt(c);
        stmt.source =
          query.body.kind === 'values' && !query.with && !query.orderBy && !query.limit
            ? { kind: 'values', rows: query.body.rows }
            : { kind: 'query', query };
      } else if (c instanceof P.UpsertClauseContext) upserts.push(this.upsert(c));
      else if (c instanceof P.ReturningClauseContext) stmt.returning = this.returning(c);
    }
    if (upserts.length > 0) stmt.upserts = upserts;
    return stmt;
  }

  private upsert(ctx: P.UpsertClauseContext): Upsert {
    const upsert: Upsert = { action: { kind: 'nothing' } };
    const columns: IndexedColumn[] = [];
    const sets: SetClause[] = [];
    for (const c of ctx.children) {
      if (c instanceof P.IndexedColumnContext) columns.push(this.indexedColumn(c));
      else if (c instanceof P.SetClauseContext) sets.push(this.setClause(c));
    }
    if (columns.length > 0) {
      upsert.target = { columns };
      if (ctx._targetWhere) upsert.target.where = this.expr(ctx._targetWhere);
    }
    if (sets.length > 0) {
      upsert.action = ctx._where_ ? { kind: 'update', sets, where: this.expr(ctx._where_) } : { kind: 'update', sets };
    }
    return upsert;
  }

  private setClause(ctx: P.SetClauseContext): SetClause {
    const ch = ctx.children;
    return { columns: this.names(ctx), expr: this.expr(ch[ch.length - 1] as P.ExprContext) };
  }

  private returning(ctx: P.ReturningClauseContext): ResultColumn[] {
    const out: ResultColumn[] = [];
    for (const c of ctx.children) if (c instanceof P.ResultColumnContext) out.push(this.resultColumn(c));
    return out;
  }

  /** The parts UPDATE and DELETE share: target table, alias, index hint, RETURNING, ORDER BY, LIMIT. */
  private dmlTail(ctx: ParserRuleContext, stmt: UpdateStmt | DeleteStmt): void {
    for (const c of ctx.children) {
      if (c instanceof TerminalNode) continue;
      if (c instanceof P.QualifiedNameContext) {
        stmt.table = nameOf(c._name_!);
        if (c._schema) stmt.schema = nameOf(c._schema);
      } else if (c instanceof P.AnyNameContext) stmt.alias = nameOf(c);
      else if (c instanceof P.IndexHintContext) {
        if (c.start!.type === T.NOT) stmt.notIndexed = true;
        else stmt.indexedBy = nameOf(c.children[2]!);
      } else if (c instanceof P.ReturningClauseContext) stmt.returning = this.returning(c);
      else if (c instanceof P.OrderByClauseContext) stmt.orderBy = this.orderBy(c);
      else if (c instanceof P.LimitClauseContext) this.limit(c, stmt);
    }
  }

  private update(ctx: P.UpdateBodyContext, w: With | undefined, base: Base): Statement {
    const sets: SetClause[] = [];
    const stmt: UpdateStmt = { kind: 'update', table: '', sets, ...base };
    if (w) stmt.with = w;
    this.dmlTail(ctx, stmt);
    for (const c of ctx.children) {
      if (c instanceof P.SetClauseContext) sets.push(this.setClause(c));
      else if (c instanceof P.ConflictActionContext) stmt.orAction = conflictAction(c);
      else if (c instanceof P.FromClauseContext) stmt.from = this.fromClause(c);
    }
    if (ctx._where_) stmt.where = this.expr(ctx._where_);
    return stmt;
  }

  private delete(ctx: P.DeleteBodyContext, w: With | undefined, base: Base): Statement {
    const stmt: DeleteStmt = { kind: 'delete', table: '', ...base };
    if (w) stmt.with = w;
    this.dmlTail(ctx, stmt);
    if (ctx._where_) stmt.where = this.expr(ctx._where_);
    return stmt;
  }

  // ---- DDL ----------------------------------------------------------------------------------

  private createTable(ctx: P.CreateTableStmtContext): Statement {
    const q = ctx.qualifiedName();
    const stmt: CreateTableStmt = {
      kind: 'createTable',
      name: nameOf(q._name_!),
      ifNotExists: hasToken(ctx, T.EXISTS),
      temporary: hasToken(ctx, T.TEMP) || hasToken(ctx, T.TEMPORARY),
      columns: [],
      constraints: [],
      withoutRowid: false,
      strict: false,
      ...this.base(ctx),
    };
    if (q._schema) stmt.schema = nameOf(q._schema);
    for (const c of ctx.children) {
      if (c instanceof P.ColumnDefContext) stmt.columns.push(this.columnDef(c));
      else if (c instanceof P.TableConstraintContext) stmt.constraints.push(this.tableConstraint(c));
      else if (c instanceof P.SelectStmtContext) stmt.asSelect = this.selectStmt(c);
      else if (c instanceof P.TableOptionContext) {
        const nameCtx = c.children[c.children.length - 1] as P.AnyNameContext;
        const word = nameOf(nameCtx).toLowerCase();
        if (c.start!.type === T.WITHOUT && c.children.length === 2) {
          if (word !== 'rowid') throw this.error(nameCtx.start!, `unknown table option: ${nameOf(nameCtx)}`);
          stmt.withoutRowid = true;
        } else if (word === 'strict') {
          stmt.strict = true;
        } else {
          throw this.error(nameCtx.start!, `unknown table option: ${nameOf(nameCtx)}`);
        }
      }
    }
    return stmt;
  }

  private columnDef(ctx: P.ColumnDefContext): ColumnDef {
    const ch = ctx.children;
    const def: ColumnDef = { name: nameOf(ch[0]!), constraints: [] };
    for (let i = 1; i < ch.length; i++) {
      const c = ch[i]!;
      if (c instanceof P.TypeNameContext) {
        const type = this.typeName(c, true);
        if (type) def.type = type;
      } else if (c instanceof P.ColumnConstraintContext) {
        def.constraints.push(this.columnConstraint(c));
      }
    }
    return def;
  }

  /** `stripGenerated`: drop a trailing "GENERATED ALWAYS" / "ALWAYS" the way SQLite does. */
  private typeName(ctx: P.TypeNameContext, stripGenerated = false): TypeName | undefined {
    const words: string[] = [];
    const args: number[] = [];
    for (const c of ctx.children) {
      if (c instanceof P.AnyNameContext) words.push(nameOf(c).toUpperCase());
      else if (c instanceof P.SignedNumberContext) args.push(Number(this.text(c).replace(/\s+/g, '')));
    }
    if (stripGenerated && args.length === 0 && words[words.length - 1] === 'ALWAYS') {
      words.pop();
      if (words[words.length - 1] === 'GENERATED') words.pop();
      if (words.length === 0) return undefined;
    }
    return { name: words.join(' '), args };
  }

  private onConflict(ctx: ParserRuleContext): { onConflict?: ConflictAction } {
    for (const c of ctx.children) {
      if (c instanceof P.ConflictClauseContext) return { onConflict: conflictAction(c.children[2] as P.ConflictActionContext) };
    }
    return {};
  }

  private columnConstraint(ctx: P.ColumnConstraintContext): ColumnConstraint {
    const ch = ctx.children;
    const named = tokenType(ch[0]) === T.CONSTRAINT;
    const at = named ? 2 : 0;
    const c = this.columnConstraintBody(ctx, at);
    if (named) c.name = nameOf(ch[1]!);
    return c;
  }

  private columnConstraintBody(ctx: P.ColumnConstraintContext, at: number): ColumnConstraint {
    const ch = ctx.children;
    const first = ch[at]!;
    if (first instanceof P.ForeignKeyClauseContext) return { kind: 'references', ref: this.foreignKey(first) };
    switch (tokenType(first)) {
      case T.PRIMARY: {
        const dir = hasToken(ctx, T.DESC) ? 'DESC' : hasToken(ctx, T.ASC) ? 'ASC' : undefined;
        return {
          kind: 'primaryKey',
          ...(dir ? { direction: dir } : {}),
          autoincrement: hasToken(ctx, T.AUTOINCREMENT),
          ...this.onConflict(ctx),
        };
      }
      case T.NOT:
        return { kind: 'notNull', ...this.onConflict(ctx) };
      case T.NULL:
        return { kind: 'null' };
      case T.UNIQUE:
        return { kind: 'unique', ...this.onConflict(ctx) };
      case T.CHECK: {
        const e = ch[at + 2] as P.ExprContext;
        return { kind: 'check', expr: this.expr(e), text: this.text(e) };
      }
      case T.DEFAULT:
        return { kind: 'default', ...this.defaultValue(ch[at + 1] as P.DefaultValueContext) };
      case T.COLLATE:
        return { kind: 'collate', collation: nameOf(ch[at + 1]!) };
      default: {
        // (GENERATED ALWAYS)? AS ( expr ) (STORED | VIRTUAL)?
        let e: P.ExprContext | undefined;
        for (const c of ch) if (c instanceof P.ExprContext) e = c;
        return { kind: 'generated', expr: this.expr(e!), text: this.text(e!), stored: hasToken(ctx, T.STORED) };
      }
    }
  }

  private signedNumber(ctx: ParserRuleContext, from: number): Expr {
    const ch = ctx.children;
    const numTok = (ch[ch.length - 1] as TerminalNode).symbol;
    let value = this.numberValue(numTok);
    if (tokenType(ch[from]) === T.MINUS) value = negate(value, numTok.text!);
    return { kind: 'literal', value, text: this.src.slice((ch[from] as TerminalNode).symbol.start, numTok.stop + 1), pos: pos(ctx.start!) };
  }

  private defaultValue(ctx: P.DefaultValueContext): { expr: Expr; text: string } {
    const first = ctx.children[0]!;
    if (first instanceof P.IdentifierContext) {
      const name = nameOf(first);
      return { expr: { kind: 'literal', value: name, pos: pos(ctx.start!) }, text: `'${name.replaceAll("'", "''")}'` };
    }
    const t = tokenType(first);
    if (t === T.OPEN_PAR) {
      const e = ctx.children[1] as P.ExprContext;
      return { expr: this.expr(e), text: this.text(e) };
    }
    if (t === T.PLUS || t === T.MINUS || t === T.NUMERIC_LITERAL || t === T.HEX_LITERAL) {
      return { expr: this.signedNumber(ctx, 0), text: this.text(ctx) };
    }
    return { expr: this.literalToken((first as TerminalNode).symbol), text: this.text(ctx) };
  }

  private foreignKey(ctx: P.ForeignKeyClauseContext): ForeignKeyRef {
    const names = this.names(ctx);
    const ref: ForeignKeyRef = { table: names[0]! };
    if (names.length > 1) ref.columns = names.slice(1);
    for (const c of ctx.children) {
      if (c instanceof P.ForeignKeyOptionContext) {
        const action = c.children[2];
        if (!(action instanceof P.ForeignKeyActionContext)) continue; // MATCH name: ignored, as in SQLite
        const a = action.children.map((t) => (t as TerminalNode).symbol.text!.toUpperCase()).join(' ') as FkAction;
        if (tokenType(c.children[1]) === T.DELETE) ref.onDelete = a;
        else ref.onUpdate = a;
      } else if (c instanceof P.DeferrableClauseContext) {
        ref.deferrable = !hasToken(c, T.NOT) && hasToken(c, T.DEFERRED);
      }
    }
    return ref;
  }

  private tableConstraint(ctx: P.TableConstraintContext): TableConstraint {
    const ch = ctx.children;
    const named = tokenType(ch[0]) === T.CONSTRAINT;
    const at = named ? 2 : 0;
    let c: TableConstraint;
    const indexed = (): IndexedColumn[] => {
      const out: IndexedColumn[] = [];
      for (const x of ch) if (x instanceof P.IndexedColumnContext) out.push(this.indexedColumn(x));
      return out;
    };
    switch (tokenType(ch[at])) {
      case T.PRIMARY:
        c = {
          kind: 'primaryKey',
          columns: indexed(),
          ...(hasToken(ctx, T.AUTOINCREMENT) ? { autoincrement: true } : {}),
          ...this.onConflict(ctx),
        };
        break;
      case T.UNIQUE:
        c = { kind: 'unique', columns: indexed(), ...this.onConflict(ctx) };
        break;
      case T.CHECK: {
        const e = ch[at + 2] as P.ExprContext;
        c = { kind: 'check', expr: this.expr(e), text: this.text(e) };
        break;
      }
      default: {
        const columns = this.names(ctx).slice(named ? 1 : 0);
        c = { kind: 'foreignKey', columns, ref: this.foreignKey(ch[ch.length - 1] as P.ForeignKeyClauseContext) };
      }
    }
    if (named) c.name = nameOf(ch[1]!);
    return c;
  }

  private indexedColumn(ctx: P.IndexedColumnContext): IndexedColumn {
    const ch = ctx.children;
    const expr = this.expr(ch[0] as P.ExprContext);
    const col: IndexedColumn = expr.kind === 'collate' ? { expr: expr.expr, collate: expr.collation } : { expr };
    if (col.expr.kind !== 'column') col.text = this.text(ch[0] as P.ExprContext);
    if (ch.length > 1) col.direction = tokenType(ch[1]) === T.DESC ? 'DESC' : 'ASC';
    return col;
  }

  private createIndex(ctx: P.CreateIndexStmtContext): Statement {
    const q = ctx.qualifiedName();
    const columns: IndexedColumn[] = [];
    for (const c of ctx.children) if (c instanceof P.IndexedColumnContext) columns.push(this.indexedColumn(c));
    const stmt: CreateIndexStmt = {
      kind: 'createIndex',
      name: nameOf(q._name_!),
      table: nameOf(ctx.anyName()),
      unique: hasToken(ctx, T.UNIQUE),
      ifNotExists: hasToken(ctx, T.EXISTS),
      columns,
      ...this.base(ctx),
    };
    if (q._schema) stmt.schema = nameOf(q._schema);
    if (ctx._where_) {
      stmt.where = this.expr(ctx._where_);
      stmt.whereText = this.text(ctx._where_);
    }
    return stmt;
  }

  private createView(ctx: P.CreateViewStmtContext): Statement {
    const q = ctx.qualifiedName();
    const names = this.names(ctx);
    const stmt: CreateViewStmt = {
      kind: 'createView',
      name: nameOf(q._name_!),
      ifNotExists: hasToken(ctx, T.EXISTS),
      temporary: hasToken(ctx, T.TEMP) || hasToken(ctx, T.TEMPORARY),
      query: this.selectStmt(ctx.selectStmt()),
      ...this.base(ctx),
    };
    if (q._schema) stmt.schema = nameOf(q._schema);
    if (names.length > 0) stmt.columns = names;
    return stmt;
  }

  private createTrigger(ctx: P.CreateTriggerStmtContext): Statement {
    const [nameQ, tableQ] = ctx.qualifiedName();
    const stmt: CreateTriggerStmt = {
      kind: 'createTrigger',
      name: nameOf(nameQ!._name_!),
      ifNotExists: hasToken(ctx, T.EXISTS),
      temporary: hasToken(ctx, T.TEMP) || hasToken(ctx, T.TEMPORARY),
      timing: 'BEFORE',
      event: 'INSERT',
      table: nameOf(tableQ!._name_!),
      forEachRow: hasToken(ctx, T.EACH),
      body: [],
      ...this.base(ctx),
    };
    if (nameQ!._schema) stmt.schema = nameOf(nameQ!._schema);
    for (const c of ctx.children) {
      if (c instanceof TerminalNode) {
        switch (c.symbol.type) {
          case T.AFTER:
            stmt.timing = 'AFTER';
            break;
          case T.INSTEAD:
            stmt.timing = 'INSTEAD OF';
            break;
          case T.INSERT:
            stmt.event = 'INSERT';
            break;
          case T.UPDATE:
            stmt.event = 'UPDATE';
            break;
          case T.DELETE:
            stmt.event = 'DELETE';
            break;
          default:
            break;
        }
      } else if (c instanceof P.AnyNameContext) (stmt.updateOf ??= []).push(nameOf(c));
      else if (c instanceof P.DmlStatementContext) stmt.body.push(this.dmlStatement(c));
    }
    if (ctx._when) stmt.when = this.expr(ctx._when);
    return stmt;
  }

  private drop(ctx: P.DropStmtContext): Statement {
    const q = ctx.qualifiedName();
    const t = tokenType(ctx.children[1]);
    const objectType = t === T.TABLE ? 'table' : t === T.INDEX ? 'index' : t === T.VIEW ? 'view' : 'trigger';
    const stmt: DropStmt = { kind: 'drop', objectType, name: nameOf(q._name_!), ifExists: hasToken(ctx, T.EXISTS), ...this.base(ctx) };
    if (q._schema) stmt.schema = nameOf(q._schema);
    return stmt;
  }

  private alterTable(ctx: P.AlterTableStmtContext): Statement {
    const q = ctx.qualifiedName();
    const stmt: AlterTableStmt = { kind: 'alterTable', table: nameOf(q._name_!), action: this.alterAction(ctx), ...this.base(ctx) };
    if (q._schema) stmt.schema = nameOf(q._schema);
    return stmt;
  }

  private alterAction(ctx: P.AlterTableStmtContext): AlterAction {
    const ch = ctx.children;
    const verb = tokenType(ch[3]);
    const names = this.names(ctx);
    const ifExists = hasToken(ctx, T.EXISTS);
    switch (verb) {
      case T.RENAME:
        if (tokenType(ch[4]) === T.TO) return { kind: 'renameTable', to: names[0]! };
        return { kind: 'renameColumn', from: names[0]!, to: names[1]! };
      case T.ADD: {
        const last = ch[ch.length - 1]!;
        if (last instanceof P.ColumnDefContext) return { kind: 'addColumn', column: this.columnDef(last) };
        return { kind: 'addConstraint', constraint: this.tableConstraint(last as P.TableConstraintContext) };
      }
      case T.DROP: {
        const what = tokenType(ch[4]);
        if (what === T.PRIMARY) return { kind: 'dropPrimaryKey' };
        if (what === T.CONSTRAINT) {
          return ifExists ? { kind: 'dropConstraint', name: names[0]!, ifExists } : { kind: 'dropConstraint', name: names[0]! };
        }
        return ifExists ? { kind: 'dropColumn', name: names[0]!, ifExists } : { kind: 'dropColumn', name: names[0]! };
      }
      default:
        return this.alterColumn(names[0]!, ch[ch.length - 1] as P.AlterColumnActionContext);
    }
  }

  private alterColumn(name: string, ctx: P.AlterColumnActionContext): AlterAction {
    const ch = ctx.children;
    const first = tokenType(ch[0]);
    const second = tokenType(ch[1]);
    if (first === T.TYPE || second === T.DATA) {
      let type: TypeName | undefined;
      let using: Expr | undefined;
      for (const c of ch) {
        if (c instanceof P.TypeNameContext) type = this.typeName(c);
        else if (c instanceof P.ExprContext) using = this.expr(c);
      }
      return using ? { kind: 'alterColumnType', name, type: type!, using } : { kind: 'alterColumnType', name, type: type! };
    }
    if (first === T.SET) {
      if (second === T.NOT) return { kind: 'setNotNull', name };
      return { kind: 'setDefault', name, ...this.defaultValue(ch[2] as P.DefaultValueContext) };
    }
    return second === T.NOT ? { kind: 'dropNotNull', name } : { kind: 'dropDefault', name };
  }

  private pragma(ctx: P.PragmaStmtContext): Statement {
    const q = ctx.qualifiedName();
    const stmt: PragmaStmt = { kind: 'pragma', name: nameOf(q._name_!), ...this.base(ctx) };
    if (q._schema) stmt.schema = nameOf(q._schema);
    const v = ctx.pragmaValue();
    if (v) {
      const first = v.children[0]!;
      stmt.value =
        first instanceof P.SignedNumberContext
          ? this.signedNumber(first, 0)
          : { kind: 'literal', value: decodeIdentifier(v.start!), pos: pos(v.start!) };
    }
    return stmt;
  }

  // ---- version control ----------------------------------------------------------------------

  private optionalAsOf(ctx: ParserRuleContext): { asOf?: AsOf } {
    for (const c of ctx.children) if (c instanceof P.AsOfClauseContext) return { asOf: this.asOf(c) };
    return {};
  }

  private versionControl(c: ParserRuleContext): Statement {
    const base = this.base(c);
    if (c instanceof P.UseBranchStmtContext) {
      return { kind: 'useBranch', name: nameOf(c.children[2]!), ...this.optionalAsOf(c), ...base };
    }
    if (c instanceof P.CreateBranchStmtContext) {
      return {
        kind: 'createBranch',
        name: nameOf(c._name_!),
        ifNotExists: hasToken(c, T.EXISTS),
        ...(c._from_ ? { from: nameOf(c._from_) } : {}),
        ...this.optionalAsOf(c),
        readOnly: hasToken(c, T.READ),
        ...(c._comment ? { comment: decodeString(c._comment.text!) } : {}),
        ...base,
      };
    }
    if (c instanceof P.DropBranchStmtContext) {
      return { kind: 'dropBranch', name: nameOf(c.children[c.children.length - 1]!), ifExists: hasToken(c, T.EXISTS), ...base };
    }
    if (c instanceof P.AlterBranchStmtContext) {
      const name = nameOf(c._name_!);
      if (c._to) return { kind: 'alterBranch', name, action: { kind: 'rename', to: nameOf(c._to) }, ...base };
      if (c._comment) return { kind: 'alterBranch', name, action: { kind: 'setComment', comment: decodeString(c._comment.text!) }, ...base };
      return { kind: 'alterBranch', name, action: { kind: 'setReadOnly', readOnly: hasToken(c, T.ONLY) }, ...base };
    }
    if (c instanceof P.ShowStmtContext) {
      const t = tokenType(c.children[1]);
      return { kind: 'show', what: t === T.BRANCHES ? 'branches' : t === T.TAGS ? 'tags' : 'tables', ...this.optionalAsOf(c), ...base };
    }
    if (c instanceof P.CreateTagStmtContext) {
      return {
        kind: 'createTag',
        name: nameOf(c._name_!),
        ...(c._from_ ? { from: nameOf(c._from_) } : {}),
        ...this.optionalAsOf(c),
        ...(c._message ? { message: decodeString(c._message.text!) } : {}),
        ...base,
      };
    }
    if (c instanceof P.DropTagStmtContext) {
      return { kind: 'dropTag', name: nameOf(c.children[c.children.length - 1]!), ifExists: hasToken(c, T.EXISTS), ...base };
    }
    if (c instanceof P.MergeBranchStmtContext) {
      const options: MergeBranchStmt['options'] = {};
      for (const o of c.children) if (o instanceof P.MergeOptionContext) this.mergeOption(o, options);
      return { kind: 'mergeBranch', source: nameOf(c._source!), ...(c._into ? { into: nameOf(c._into) } : {}), options, ...base };
    }
    if (c instanceof P.MergeControlStmtContext) {
      return { kind: tokenType(c.children[1]) === T.CONTINUE ? 'mergeContinue' : 'mergeAbort', ...base };
    }
    if (c instanceof P.ResolveStmtContext) {
      const q = c.qualifiedName();
      return {
        kind: 'resolveConflicts',
        ...(q ? { table: nameOf(q._name_!) } : {}),
        ...(c._where_ ? { where: this.expr(c._where_) } : {}),
        using: hasToken(c, T.OURS) ? 'OURS' : 'THEIRS',
        ...base,
      };
    }
    const call = c as P.CallStmtContext;
    return { kind: 'call', name: this.qualifiedText(call.qualifiedName()), args: this.exprList(call), ...base };
  }

  private mergeOption(ctx: P.MergeOptionContext, options: MergeBranchStmt['options']): void {
    const ch = ctx.children;
    const keyTok = ctx.start!;
    const key = decodeIdentifier(keyTok).toUpperCase();
    const valueTok = ch.length > 1 ? ctx.stop! : undefined;
    const flag = (): true => {
      if (valueTok) throw this.error(valueTok);
      return true;
    };
    switch (key) {
      case 'NO_FF':
        options.noFastForward = flag();
        return;
      case 'SQUASH':
        options.squash = flag();
        return;
      case 'FORCE':
        options.force = flag();
        return;
      case 'DRY_RUN':
        options.dryRun = flag();
        return;
      case 'MESSAGE':
        if (!valueTok) throw this.error(keyTok, 'MERGE option MESSAGE needs a string');
        if (valueTok.type !== T.STRING_LITERAL) throw this.error(valueTok);
        options.message = decodeString(valueTok.text!);
        return;
      case 'STRATEGY': {
        if (!valueTok) throw this.error(keyTok, 'MERGE option STRATEGY needs OURS or THEIRS');
        const v = decodeIdentifier(valueTok).toUpperCase();
        if (v !== 'OURS' && v !== 'THEIRS') throw this.error(valueTok);
        options.strategy = v;
        return;
      }
      default:
        throw this.error(keyTok, `unknown MERGE option: ${decodeIdentifier(keyTok)}`);
    }
  }

  // ---- expressions --------------------------------------------------------------------------

  /** `valueExpr ((AND | OR) valueExpr)*`: AND binds tighter than OR; both are left-associative. */
  expr(ctx: P.ExprContext): Expr {
    this.enter(ctx.start!);
    const ch = ctx.children;
    let cur = this.valueExpr(ch[0] as P.ValueExprContext);
    if (ch.length > 1) {
      // the chain is built without recursion: count its height against the depth limit
      if (this.depth + (ch.length >> 1) > MAX_EXPR_DEPTH) {
        throw this.error(ctx.start!, `Expression tree is too large (maximum depth ${MAX_EXPR_DEPTH})`);
      }
      let and: Expr | undefined;
      let or: Expr | undefined;
      for (let i = 1; i < ch.length; i += 2) {
        and = and ? binary('AND', and, cur) : cur;
        if ((ch[i] as TerminalNode).symbol.type === T.OR) {
          or = or ? binary('OR', or, and) : and;
          and = undefined;
        }
        cur = this.valueExpr(ch[i + 1] as P.ValueExprContext);
      }
      if (and) cur = binary('AND', and, cur);
      if (or) cur = binary('OR', or, cur);
    }
    this.depth--;
    return cur;
  }

  private valueExpr(ctx: P.ValueExprContext): Expr {
    const ch = ctx.children;
    const first = ch[0]!;
    if (first instanceof TerminalNode) return this.primaryToken(ctx, first.symbol);
    if (first instanceof P.IdentifierContext) return this.columnRef(ctx);
    if (first instanceof P.FunctionNameContext) return this.functionCall(ctx);
    // an operator applied to a left operand
    this.enter(ctx.start!);
    const left = this.valueExpr(first as P.ValueExprContext);
    const second = ch[1]!;
    let result: Expr;
    if (second instanceof P.EqOperatorContext) {
      result = this.comparison(left, second, ch[2] as P.ValueExprContext);
    } else {
      const t = (second as TerminalNode).symbol.type;
      const p = left.pos!;
      switch (t) {
        case T.COLLATE:
          result = { kind: 'collate', expr: left, collation: nameOf(ch[2]!), pos: p };
          break;
        case T.ESCAPE:
          // only valid as the pattern of LIKE / GLOB / ..., which take it apart
          throw this.error((second as TerminalNode).symbol);
        case T.ISNULL:
          result = { kind: 'isNull', not: false, expr: left, pos: p };
          break;
        case T.NOTNULL:
          result = { kind: 'isNull', not: true, expr: left, pos: p };
          break;
        case T.NOT:
        case T.BETWEEN:
        case T.IN: {
          const not = t === T.NOT;
          const op = not ? tokenType(ch[2]) : t;
          const at = not ? 3 : 2; // first child after the operator
          if (op === T.NULL) result = { kind: 'isNull', not: true, expr: left, pos: p };
          else if (op === T.IN) result = this.inTarget(left, not, ch[at] as P.InTargetContext);
          else {
            result = {
              kind: 'between',
              not,
              expr: left,
              low: this.valueExpr(ch[at] as P.ValueExprContext),
              high: this.valueExpr(ch[at + 2] as P.ValueExprContext),
              pos: p,
            };
          }
          break;
        }
        default:
          result = binary(BINARY_OPS[t]!, left, this.valueExpr(ch[2] as P.ValueExprContext));
      }
    }
    this.depth--;
    return result;
  }

  /** `left <eqOperator> right`: = == != <> IS [NOT] [DISTINCT FROM] [NOT] LIKE/GLOB/REGEXP/MATCH. */
  private comparison(left: Expr, opCtx: P.EqOperatorContext, rightCtx: P.ValueExprContext): Expr {
    const och = opCtx.children;
    const p = left.pos!;
    let t = (och[0] as TerminalNode).symbol.type;
    if (t === T.IS) {
      const isNot = hasToken(opCtx, T.NOT);
      const negated = hasToken(opCtx, T.DISTINCT) ? !isNot : isNot;
      if (rightCtx.children.length === 1 && rightCtx.start!.type === T.NULL) return { kind: 'isNull', not: negated, expr: left, pos: p };
      return binary(negated ? 'IS NOT' : 'IS', left, this.valueExpr(rightCtx));
    }
    const not = t === T.NOT;
    if (not) t = (och[1] as TerminalNode).symbol.type;
    if (t === T.LIKE || t === T.GLOB || t === T.REGEXP || t === T.MATCH) {
      const op = t === T.LIKE ? 'LIKE' : t === T.GLOB ? 'GLOB' : t === T.REGEXP ? 'REGEXP' : 'MATCH';
      // `x LIKE p ESCAPE e` parses as x LIKE (p ESCAPE e): ESCAPE binds tighter than LIKE
      const rch = rightCtx.children;
      if (rch.length === 3 && tokenType(rch[1]) === T.ESCAPE) {
        return {
          kind: 'like',
          op,
          not,
          left,
          pattern: this.valueExpr(rch[0] as P.ValueExprContext),
          escape: this.valueExpr(rch[2] as P.ValueExprContext),
          pos: p,
        };
      }
      return { kind: 'like', op, not, left, pattern: this.valueExpr(rightCtx), pos: p };
    }
    return binary(BINARY_OPS[t]!, left, this.valueExpr(rightCtx));
  }

  private inTarget(left: Expr, not: boolean, ctx: P.InTargetContext): Expr {
    const p = left.pos!;
    const ch = ctx.children;
    const first = ch[0]!;
    if (!(first instanceof P.QualifiedNameContext)) {
      if (ch[1] instanceof P.SelectStmtContext) return { kind: 'in', not, expr: left, query: this.selectStmt(ch[1]), pos: p };
      return { kind: 'in', not, expr: left, list: this.exprList(ctx), pos: p };
    }
    if (ch.length > 1) {
      // x IN tableFunction(args) ≡ x IN (SELECT * FROM tableFunction(args))
      const start = pos(ctx.start!);
      const fn: FromItem = { kind: 'tableFunction', name: nameOf(first._name_!), args: this.exprList(ctx), pos: start };
      if (first._schema) fn.schema = nameOf(first._schema);
      const query: Query = {
        kind: 'query',
        body: { kind: 'select', distinct: false, columns: [{ kind: 'star', pos: start }], from: fn, pos: start },
        pos: start,
      };
      return { kind: 'in', not, expr: left, query, pos: p };
    }
    const e: Expr = { kind: 'in', not, expr: left, table: nameOf(first._name_!), pos: p };
    if (first._schema) e.schema = nameOf(first._schema);
    return e;
  }

  /** valueExpr alternatives that start with a token. */
  private primaryToken(ctx: P.ValueExprContext, token: Token): Expr {
    const ch = ctx.children;
    switch (token.type) {
      case T.BIND_PARAMETER:
        return this.param(token);
      case T.OPEN_PAR: {
        if (ch[1] instanceof P.SelectStmtContext) return { kind: 'subquery', query: this.selectStmt(ch[1]), pos: pos(token) };
        if (ch.length === 3) {
          // (x) makes no AST node, so it does not count towards the expression depth (as in SQLite)
          this.depth--;
          const inner = this.expr(ch[1] as P.ExprContext);
          this.depth++;
          return inner;
        }
        return { kind: 'row', items: this.exprList(ctx), pos: pos(token) };
      }
      case T.MINUS:
      case T.PLUS:
      case T.TILDE: {
        this.enter(token);
        const operand = this.valueExpr(ch[1] as P.ValueExprContext);
        this.depth--;
        if (token.type === T.MINUS && operand.kind === 'literal' && operand.text === '9223372036854775808') {
          // SQLite reads -9223372036854775808 as the smallest 64-bit integer, not as a REAL.
          return { kind: 'literal', value: INT64_MIN, text: '-9223372036854775808', pos: pos(token) };
        }
        return { kind: 'unary', op: token.type === T.MINUS ? '-' : token.type === T.PLUS ? '+' : '~', operand, pos: pos(token) };
      }
      case T.NOT: {
        this.enter(token);
        const operand = this.valueExpr(ch[1] as P.ValueExprContext);
        this.depth--;
        if (operand.kind === 'exists' && !operand.not) return { kind: 'exists', not: true, query: operand.query, pos: pos(token) };
        return { kind: 'unary', op: 'NOT', operand, pos: pos(token) };
      }
      case T.CAST: {
        // CAST(x AS) is valid SQLite: an empty type name (BLOB affinity, no conversion)
        const typeCtx = ch[4];
        const type = typeCtx instanceof P.TypeNameContext ? this.typeName(typeCtx)! : { name: '', args: [] };
        return { kind: 'cast', expr: this.expr(ch[2] as P.ExprContext), type, pos: pos(token) };
      }
      case T.CASE:
        return this.caseExpr(ctx, token);
      case T.EXISTS:
        return { kind: 'exists', not: false, query: this.selectStmt(ch[2] as P.SelectStmtContext), pos: pos(token) };
      case T.RAISE: {
        const a = tokenType(ch[2]);
        const e: Expr = {
          kind: 'raise',
          action: a === T.IGNORE ? 'IGNORE' : a === T.ROLLBACK ? 'ROLLBACK' : a === T.ABORT ? 'ABORT' : 'FAIL',
          pos: pos(token),
        };
        if (ch.length > 4) e.message = decodeString((ch[4] as TerminalNode).symbol.text!);
        return e;
      }
      default:
        return this.literalToken(token);
    }
  }

  private columnRef(ctx: P.ValueExprContext): Expr {
    const ch = ctx.children;
    const first = (ch[0] as ParserRuleContext).start!;
    if (ch.length === 1) {
      const e: Expr = { kind: 'column', name: decodeIdentifier(first), pos: pos(first) };
      if (first.type === T.QUOTED_IDENTIFIER) e.doubleQuoted = true;
      return e;
    }
    if (ch.length === 3) return { kind: 'column', table: decodeIdentifier(first), name: nameOf(ch[2]!), pos: pos(first) };
    return { kind: 'column', schema: decodeIdentifier(first), table: nameOf(ch[2]!), name: nameOf(ch[4]!), pos: pos(first) };
  }

  private literalToken(token: Token): Expr {
    const p = pos(token);
    switch (token.type) {
      case T.NUMERIC_LITERAL: {
        const text = token.text!;
        return { kind: 'literal', value: decodeNumber(text), text, pos: p };
      }
      case T.STRING_LITERAL:
        return { kind: 'literal', value: decodeString(token.text!), pos: p };
      case T.NULL:
        return { kind: 'literal', value: null, pos: p };
      case T.HEX_LITERAL: {
        const text = token.text!;
        return { kind: 'literal', value: decodeHex(token, text), text, pos: p };
      }
      case T.BLOB_LITERAL:
        return { kind: 'literal', value: decodeBlob(token.text!), pos: p };
      case T.TRUE:
        return { kind: 'literal', value: 1n, pos: p };
      case T.FALSE:
        return { kind: 'literal', value: 0n, pos: p };
      default:
        // CURRENT_TIME, CURRENT_DATE, CURRENT_TIMESTAMP
        return { kind: 'function', name: token.text!.toUpperCase(), args: [], distinct: false, star: false, pos: p };
    }
  }

  private numberValue(token: Token): bigint | number {
    return token.type === T.HEX_LITERAL ? decodeHex(token, token.text!) : decodeNumber(token.text!);
  }

  private param(token: Token): Expr {
    const text = token.text!;
    if (text.charCodeAt(0) !== 63 /* ? */) {
      // a named parameter takes the next index at its first appearance, as in SQLite
      let index = this.paramNames.get(text);
      if (index === undefined) {
        index = ++this.maxParam;
        this.paramNames.set(text, index);
      }
      return { kind: 'param', index, name: text, pos: pos(token) };
    }
    let index: number;
    if (text.length === 1) {
      index = ++this.maxParam;
    } else {
      index = Number(text.slice(1));
      if (!(index >= 1 && index <= MAX_PARAM_INDEX)) {
        throw this.error(token, `variable number must be between ?1 and ?${MAX_PARAM_INDEX}`);
      }
      if (index > this.maxParam) this.maxParam = index;
    }
    return { kind: 'param', index, pos: pos(token) };
  }

  private functionCall(ctx: P.ValueExprContext): Expr {
    const ch = ctx.children;
    const nameTok = ctx.start!;
    const e: Expr = { kind: 'function', name: decodeIdentifier(nameTok), args: [], distinct: false, star: false, pos: pos(nameTok) };
    const argsCtx = ch[2];
    if (argsCtx instanceof P.FunctionArgsContext) {
      for (const c of argsCtx.children) {
        if (c instanceof P.ExprContext) e.args.push(this.expr(c));
        else if (c instanceof P.OrderByClauseContext) e.orderBy = this.orderBy(c);
        else {
          const t = tokenType(c);
          if (t === T.STAR) e.star = true;
          else if (t === T.DISTINCT) e.distinct = true;
        }
      }
    }
    for (let i = 3; i < ch.length; i++) {
      const c = ch[i];
      if (c instanceof P.FilterClauseContext) e.filter = this.expr(c.children[3] as P.ExprContext);
      else if (c instanceof P.OverClauseContext) {
        const spec = c.windowSpec();
        e.over = spec ? this.windowSpec(spec) : nameOf(c.anyName()!);
      }
    }
    return e;
  }

  // ---- window functions ----------------------------------------------------------------------

  private windowDefn(ctx: P.WindowDefnContext): { name: string; def: WindowDef; pos: Pos } {
    return { name: nameOf(ctx.anyName()), def: this.windowSpec(ctx.windowSpec()), pos: pos(ctx.start!) };
  }

  private windowSpec(ctx: P.WindowSpecContext): WindowDef {
    const def: WindowDef = { pos: pos(ctx.start!) };
    if (ctx._base) def.base = nameOf(ctx._base);
    const parts = ctx.expr();
    if (parts.length) def.partitionBy = parts.map((x) => this.expr(x));
    const ob = ctx.orderByClause();
    if (ob) def.orderBy = this.orderBy(ob);
    const fr = ctx.frameSpec();
    if (fr) {
      const units = fr.ROWS() ? 'ROWS' : fr.GROUPS() ? 'GROUPS' : 'RANGE';
      const start = this.frameBound(fr.frameStart()!);
      const endCtx = fr.frameEnd();
      const end: FrameBound = endCtx ? this.frameBound(endCtx) : { kind: 'currentRow' };
      const frame: WindowFrame = { units, start, end };
      const ex = fr.frameExclude();
      if (ex) {
        const t = tokenType(ex.children[1]);
        frame.exclude = t === T.NO ? 'NO OTHERS' : t === T.CURRENT ? 'CURRENT ROW' : t === T.GROUP ? 'GROUP' : 'TIES';
      }
      def.frame = frame;
    }
    return def;
  }

  private frameBound(ctx: P.FrameStartContext | P.FrameEndContext): FrameBound {
    const ch = ctx.children;
    const first = ch[0];
    if (first instanceof P.ExprContext) {
      // `UNBOUNDED PRECEDING` as an end / `UNBOUNDED FOLLOWING` as a start: SQLite's grammar has
      // no such bound (here it would read as a column named "unbounded").
      if (first.start === first.stop && first.start!.type === T.UNBOUNDED) throw this.error((ch[1] as TerminalNode).symbol);
      const expr = this.expr(first);
      return tokenType(ch[1]) === T.PRECEDING ? { kind: 'preceding', expr } : { kind: 'following', expr };
    }
    const t = tokenType(first);
    if (t === T.CURRENT) return { kind: 'currentRow' };
    return tokenType(ch[1]) === T.PRECEDING ? { kind: 'unboundedPreceding' } : { kind: 'unboundedFollowing' };
  }

  private caseExpr(ctx: P.ValueExprContext, token: Token): Expr {
    const e: Expr = { kind: 'case', whens: [], pos: pos(token) };
    let prev = -1;
    let when: Expr | undefined;
    for (const c of ctx.children) {
      if (c instanceof TerminalNode) {
        prev = c.symbol.type;
        continue;
      }
      const x = this.expr(c as P.ExprContext);
      if (prev === T.CASE) e.operand = x;
      else if (prev === T.WHEN) when = x;
      else if (prev === T.THEN) e.whens.push({ when: when!, then: x });
      else e.else = x;
    }
    return e;
  }
}
