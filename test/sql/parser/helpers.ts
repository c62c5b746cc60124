/**
 * Helpers for the parser tests: parse and strip positions, and a compact rendering of
 * expressions that makes precedence visible, e.g. `1 + 2 * 3` → `(+ 1 (* 2 3))`.
 */
import { expect } from 'vitest';
import { SqlSyntaxError } from '../../../src/errors/index.js';
import type { Expr, Query, Statement } from '../../../src/sql/ast.js';
import { parse, parseExpression, parseOne } from '../../../src/sql/parser/index.js';

/** Deep copy without `pos` fields (keeps everything else, including `sql` and `text`). */
export function noPos<T>(value: T): T {
  if (Array.isArray(value)) return value.map(noPos) as T;
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== 'pos') out[k] = noPos(v);
  return out as T;
}

export function one(sql: string): Statement {
  return noPos(parseOne(sql));
}

export function all(sql: string): Statement[] {
  return noPos(parse(sql));
}

export function expr(text: string): Expr {
  return noPos(parseExpression(text));
}

/** The query of a SELECT statement. */
export function query(sql: string): Query {
  const s = one(sql);
  if (s.kind !== 'select') throw new Error(`not a SELECT: ${s.kind}`);
  return s.query;
}

/** The expression of the first result column of `SELECT <text>`. */
export function col(text: string): Expr {
  const q = query(`SELECT ${text}`);
  if (q.body.kind !== 'select' || q.body.columns[0]!.kind !== 'expr') throw new Error('no expression column');
  return q.body.columns[0]!.expr;
}

/** Fully parenthesised prefix rendering of an expression. */
export function render(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      if (e.value === null) return 'NULL';
      if (typeof e.value === 'string') return `'${e.value}'`;
      if (e.value instanceof Uint8Array) return `x'${Buffer.from(e.value).toString('hex')}'`;
      return String(e.value);
    case 'param':
      return e.name ?? `?${e.index}`;
    case 'column':
      return [e.schema, e.table, e.name].filter((x) => x !== undefined).join('.');
    case 'unary':
      return `(${e.op} ${render(e.operand)})`;
    case 'binary':
      return `(${e.op} ${render(e.left)} ${render(e.right)})`;
    case 'like':
      return `(${e.not ? 'NOT ' : ''}${e.op} ${render(e.left)} ${render(e.pattern)}${e.escape ? ` ESCAPE ${render(e.escape)}` : ''})`;
    case 'between':
      return `(${e.not ? 'NOT ' : ''}BETWEEN ${render(e.expr)} ${render(e.low)} ${render(e.high)})`;
    case 'in':
      if (e.list) return `(${e.not ? 'NOT ' : ''}IN ${render(e.expr)} [${e.list.map(render).join(' ')}])`;
      if (e.table) return `(${e.not ? 'NOT ' : ''}IN ${render(e.expr)} table:${e.table})`;
      return `(${e.not ? 'NOT ' : ''}IN ${render(e.expr)} <query>)`;
    case 'isNull':
      return `(${e.not ? 'NOTNULL' : 'ISNULL'} ${render(e.expr)})`;
    case 'exists':
      return `(${e.not ? 'NOT ' : ''}EXISTS <query>)`;
    case 'subquery':
      return '<subquery>';
    case 'case':
      return `(CASE${e.operand ? ` ${render(e.operand)}` : ''}${e.whens.map((w) => ` [${render(w.when)} ${render(w.then)}]`).join('')}${e.else ? ` ELSE ${render(e.else)}` : ''})`;
    case 'cast':
      return `(CAST ${render(e.expr)} ${e.type.name}${e.type.args.length ? `(${e.type.args.join(',')})` : ''})`;
    case 'function':
      return `${e.name}(${e.distinct ? 'DISTINCT ' : ''}${e.star ? '*' : e.args.map(render).join(' ')})`;
    case 'collate':
      return `(COLLATE ${render(e.expr)} ${e.collation})`;
    case 'raise':
      return `RAISE(${e.action}${e.message !== undefined ? ` '${e.message}'` : ''})`;
    case 'row':
      return `[${e.items.map(render).join(' ')}]`;
  }
}

/** `render` of the expression of `SELECT <text>`. */
export function tree(text: string): string {
  return render(col(text));
}

/** Runs `fn`, expects a SqlSyntaxError, and returns it. */
export function syntaxError(fn: () => unknown): SqlSyntaxError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SqlSyntaxError);
    return e as SqlSyntaxError;
  }
  throw new Error('expected a SqlSyntaxError, but parsing succeeded');
}

export function parseError(sql: string): SqlSyntaxError {
  return syntaxError(() => parse(sql));
}
