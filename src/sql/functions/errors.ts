/**
 * Runtime errors of built-in functions: `SqlError`s with stable codes and SQLite's messages.
 */
import { SqlError } from '../../errors/index.js';

/** SQLite's SQLITE_MAX_LENGTH: the largest string or blob a function may produce. */
export const MAX_LENGTH = 1_000_000_000;

export function integerOverflow(): SqlError {
  return new SqlError('INTEGER_OVERFLOW', 'integer overflow');
}

export function tooBig(): SqlError {
  return new SqlError('TOO_BIG', 'string or blob too big');
}

export function jsonMalformed(): SqlError {
  return new SqlError('JSON_MALFORMED', 'malformed JSON');
}

export function functionError(code: string, message: string): SqlError {
  return new SqlError(code, message);
}
