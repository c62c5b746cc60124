/**
 * The public library API: `open`, `Database`, `Statement` and their types.
 */
export { open, Database, type OpenOptions, type TransactionFunction } from './database.js';
export { Statement, type RunResult, type Row, type ColumnInfo, type BindParameters, type StatementHost } from './statement.js';
export type { BindValue, ResultValue } from './values.js';
export { MetaRootPointer, ROOT_KEY } from './root-pointer.js';
