/**
 * The SQL engine: grammar, AST, binder/planner, executor, built-in functions, catalog.
 */
export type * from './ast.js';
export * from './parser/index.js';
export { Engine, type EngineOptions } from './engine/engine.js';
export { Session, Prepared, type ExecResult } from './engine/session.js';
export type { RootStore, CommitInfo } from './engine/root-store.js';
export type { ColumnMeta, Row as SqlRow } from './exec/types.js';
