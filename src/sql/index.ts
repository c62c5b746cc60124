/**
 * The SQL engine: grammar, AST, binder/planner, executor, built-in functions, catalog.
 */
export type * from './ast.js';
export * from './parser/index.js';
export { Engine, type EngineOptions } from './engine/engine.js';
export { Session, Prepared, type ExecResult } from './engine/session.js';
export type { RootStore, CommitInfo } from './engine/root-store.js';
export type { ColumnMeta, Row as SqlRow } from './exec/types.js';
export { Session as SqlSession, type SessionVersionHooks } from './engine/session.js';
export { VersionControl, generatedMessage, type VersioningMode, type VersionControlOptions, type CommitRecord } from './version/control.js';
export { SessionVersion } from './version/session-version.js';
export { tableDiff, rowHistory, rootStatus, tableAt, rootObject, fmtTime, type OutColumn } from './version/history.js';
export { toMillis } from './version/as-of.js';
export { MergeManager, type MergeOutcome, type MergeRequest, type MergeStatus } from './version/merge/merge-driver.js';
export type { MergeState, DataConflict, SchemaConflictRecord, ConstraintViolation, ViolationKind } from './version/merge/merge-state.js';
export { StatementGuard, type InterruptSignal } from './exec/interrupt.js';
