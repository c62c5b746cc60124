/**
 * The SQL parser's public functions: SQL text → AST (src/sql/ast.ts).
 *
 * - `parse(sql)`: a script of `;`-separated statements (empty statements are skipped; each
 *   statement's `sql` is its own text; trigger bodies keep their inner `;`).
 * - `parseOne(sql)`: exactly one statement.
 * - `parseExpression(text)`: one expression (stored DEFAULT / CHECK / generated-column text).
 *
 * Every failure is a `SqlSyntaxError` with 1-based line/column, 0-based offset and the
 * offending token; messages follow SQLite (`near "FORM": syntax error`, `incomplete input`,
 * `unrecognized token: "'abc"`). Positions are relative to the text passed in.
 */
import { SqlSyntaxError } from '../../errors/index.js';
import type { Expr, Statement } from '../ast.js';
import { AstBuilder } from './build.js';
import { lineColumnAt, recognize } from './recognizer.js';

export { MAX_EXPR_DEPTH } from './build.js';

function guarded<T>(text: string, run: () => T): T {
  if (typeof text !== 'string') throw new TypeError('SQL text must be a string');
  try {
    return run();
  } catch (e) {
    if (e instanceof SqlSyntaxError) throw e;
    if (e instanceof RangeError) {
      throw new SqlSyntaxError('parser stack overflow (statement nested too deeply)', { line: 1, column: 1, offset: 0 });
    }
    const message = e instanceof Error ? e.message : String(e);
    throw new SqlSyntaxError(`internal parser error: ${message}`, { line: 1, column: 1, offset: 0 });
  }
}

/** Parses a script of `;`-separated statements. */
export function parse(sql: string): Statement[] {
  return guarded(sql, () => new AstBuilder(sql).script(recognize(sql, (p) => p.script())));
}

/** Parses exactly one statement (a trailing `;` is allowed). */
export function parseOne(sql: string): Statement {
  const statements = parse(sql);
  if (statements.length === 1) return statements[0]!;
  if (statements.length === 0) {
    const { line, column } = lineColumnAt(sql, sql.length);
    throw new SqlSyntaxError('The supplied SQL string contains no statements', { line, column, offset: sql.length });
  }
  const second = statements[1]!;
  const p = second.pos ?? { line: 1, column: 1, offset: 0 };
  throw new SqlSyntaxError('The supplied SQL string contains more than one statement', {
    ...p,
    token: second.sql.split(/\s/, 1)[0] ?? '',
  });
}

/** Parses a single expression, e.g. the stored text of a DEFAULT or CHECK clause. */
export function parseExpression(text: string): Expr {
  return guarded(text, () => new AstBuilder(text).expr(recognize(text, (p) => p.singleExpression()).expr()));
}
