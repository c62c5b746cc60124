/**
 * Running SQL text for the CLI: one statement at a time through the public API (rows for
 * queries, change counts for writes), SQL quoting helpers, and error text that points at the
 * position in the statement (line, column, a caret under the offending token).
 */
import { HeliosError, type Connection, type QueryOptions } from '../src/index.js';

/** What one statement produced. */
export interface StatementResult {
  reader: boolean;
  columns: string[];
  rows: Record<string, unknown>[];
  changes: number;
}

const ROW_STATEMENTS = /^\s*(SHOW|MERGE|CALL|RESOLVE|PRAGMA|EXPLAIN|VALUES|WITH|SELECT)\b/i;

/** Run one statement: a query gives rows, a write its change count (`options`: time limit, cancellation). */
export async function runStatement(db: Connection, sql: string, options?: QueryOptions): Promise<StatementResult> {
  const stmt = db.prepare(sql);
  const reader = stmt.reader;
  if (reader || ROW_STATEMENTS.test(sql)) {
    const rows = await db.query<Record<string, unknown>>(sql, undefined, options);
    let columns = reader ? stmt.columns().map((c) => c.name) : [];
    if (columns.length === 0) columns = unionKeys(rows);
    return { reader: reader || rows.length > 0 || columns.length > 0, columns, rows, changes: 0 };
  }
  const r = await db.run(sql, undefined, options);
  return { reader: false, columns: [], rows: [], changes: r.changes };
}

function unionKeys(rows: readonly Record<string, unknown>[]): string[] {
  const s = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) s.add(k);
  return [...s];
}

/** Quote an identifier for SQL. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quote a string literal for SQL. */
export function lit(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

interface Positioned {
  line: number;
  column: number;
  token?: string;
}

function positionOf(e: unknown): Positioned | undefined {
  if (typeof e !== 'object' || e === null || !('position' in e)) return undefined;
  const p = (e as { position?: unknown }).position;
  if (typeof p !== 'object' || p === null) return undefined;
  const { line, column, token } = p as { line?: unknown; column?: unknown; token?: unknown };
  if (typeof line !== 'number' || typeof column !== 'number') return undefined;
  return { line, column, ...(typeof token === 'string' ? { token } : {}) };
}

/**
 * Error text for a failed statement: the message (with code), then the statement line at fault
 * with a caret under the position. `firstLine` is the statement's line in its file, for scripts.
 */
export function describeSqlError(e: unknown, sql: string, options: { firstLine?: number; source?: string } = {}): string {
  const msg = e instanceof Error ? e.message : String(e);
  const code = e instanceof HeliosError ? ` [${e.code}]` : '';
  const pos = positionOf(e);
  let out = `${msg}${code}`;
  if (pos) {
    const lines = sql.split('\n');
    const text = lines[pos.line - 1];
    if (text !== undefined) {
      const fileLine = (options.firstLine ?? 1) + pos.line - 1;
      const where = options.source ? `${options.source}:${fileLine}:${pos.column}` : `line ${fileLine}`;
      const gutter = `${where} | `;
      const caretLen = Math.max(1, Math.min(pos.token?.length ?? 1, Math.max(1, text.length - pos.column + 1)));
      out += `\n  ${gutter}${text}\n  ${' '.repeat(gutter.length + pos.column - 1)}${'^'.repeat(caretLen)}`;
    }
  }
  return out;
}

/** `{code, message}` of an error for JSON output. */
export function errorJson(e: unknown): { code: string; message: string; position?: { line: number; column: number; token?: string } } {
  const code = e instanceof HeliosError ? e.code : typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string' ? (e as { code: string }).code : 'ERROR';
  const pos = positionOf(e);
  return { code, message: e instanceof Error ? e.message : String(e), ...(pos ? { position: pos } : {}) };
}
