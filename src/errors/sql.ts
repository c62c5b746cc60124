/**
 * Errors of the SQL layer: parsing, binding, execution and constraints.
 *
 * `SqlError` carries an optional position (1-based line and column, and the offending token)
 * so tools can point at the place in the statement.
 */
import { HeliosError } from './base.js';

export interface SqlPosition {
  /** 1-based line in the statement text. */
  line: number;
  /** 1-based column in that line. */
  column: number;
  /** 0-based offset into the statement text. */
  offset?: number;
  /** The token at the position, when known. */
  token?: string;
}

/** Any error raised while preparing or running SQL. */
export class SqlError extends HeliosError {
  readonly position: SqlPosition | undefined;
  constructor(code: string, message: string, position?: SqlPosition, options?: { cause?: unknown }) {
    super(code, position ? `${message} (at line ${position.line}, column ${position.column})` : message, options);
    this.position = position;
  }
}

/** The statement text is not valid SQL. Code `SQL_SYNTAX`. */
export class SqlSyntaxError extends SqlError {
  constructor(message: string, position: SqlPosition) {
    super('SQL_SYNTAX', message, position);
  }
}

/** A constraint (UNIQUE, PRIMARY KEY, NOT NULL, CHECK, FOREIGN KEY) was violated. */
export class ConstraintError extends SqlError {
  readonly constraint: 'UNIQUE' | 'PRIMARY KEY' | 'NOT NULL' | 'CHECK' | 'FOREIGN KEY' | 'TYPE';
  constructor(constraint: ConstraintError['constraint'], message: string) {
    super(`CONSTRAINT_${constraint.replace(' ', '_')}`, message);
    this.constraint = constraint;
  }
}

/**
 * A statement ran longer than its time limit (`timeoutMs`, `statement_timeout_ms`) and was
 * stopped; its changes were undone and the transaction stays usable. Code `STATEMENT_TIMEOUT`.
 */
export class StatementTimeoutError extends SqlError {
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super('STATEMENT_TIMEOUT', `statement timeout: the statement ran longer than ${timeoutMs} ms and was stopped (its changes were undone); raise timeoutMs or statement_timeout_ms, or narrow the query`);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A statement was cancelled (its `AbortSignal` aborted, or Ctrl-C in the shell); its changes
 * were undone and the transaction stays usable. Code `INTERRUPTED`.
 */
export class InterruptedError extends SqlError {
  constructor(reason?: unknown) {
    const why = reason instanceof Error ? `: ${reason.message}` : typeof reason === 'string' ? `: ${reason}` : '';
    super('INTERRUPTED', `interrupted: the statement was cancelled${why} (its changes were undone)`, undefined, reason !== undefined ? { cause: reason } : undefined);
  }
}

/**
 * A window function or window definition was misused (SQLite's messages). Codes:
 * `WINDOW_MISUSE` (a window function where none is allowed: WHERE, GROUP BY, HAVING, inside
 * an aggregate or another window function; FILTER or DISTINCT on a non-aggregate window
 * function; a scalar function with OVER), `NO_SUCH_WINDOW` (OVER names no WINDOW-clause
 * entry), `WINDOW_OVERRIDE` (`OVER (w …)` redefines w's PARTITION BY, ORDER BY or frame),
 * `WINDOW_FRAME` (an unsupported frame or a bad frame offset), `WINDOW_ARGUMENT` (a bad
 * argument of ntile() or nth_value()).
 */
export class WindowError extends SqlError {
  constructor(code: 'WINDOW_MISUSE' | 'NO_SUCH_WINDOW' | 'WINDOW_OVERRIDE' | 'WINDOW_FRAME' | 'WINDOW_ARGUMENT', message: string, position?: SqlPosition) {
    super(code, message, position);
  }
}
