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
