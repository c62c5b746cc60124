/**
 * The public library API: `open`, `Database`, `Statement` and their types.
 */
export { open, Database, Connection, Session, type OpenOptions, type SessionOptions, type TransactionOptions, type TransactionFunction } from './database.js';
export type { BranchInfo, TagInfo, CommitInfo, CreateBranchOptions, DiffRow, HistoryRow, StatusEntry } from './version-api.js';
export type { VersioningMode } from '../sql/index.js';
export { Statement, type RunResult, type Row, type ColumnInfo, type BindParameters, type StatementHost } from './statement.js';
export type { BindValue, ResultValue } from './values.js';
export { MetaRootPointer, ROOT_KEY } from './root-pointer.js';
