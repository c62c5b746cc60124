/**
 * The public library API: `open`, `Database`, `Statement` and their types.
 */
export { open, Database, Connection, Session, type OpenOptions, type SessionOptions, type TransactionOptions, type TransactionFunction } from './database.js';
export type { BranchInfo, RemoteBranchInfo, TagInfo, CommitInfo, CreateBranchOptions, DiffRow, HistoryRow, StatusEntry, ResetResult } from './version-api.js';
export type { MergeStatus, MergeOptions, MergeResult, ConflictSummary, RowConflictInfo, SchemaConflictInfo, ConstraintViolationInfo, ResolveOptions } from './merge-api.js';
export { clone } from './database.js';
export type { CloneOptions, FetchOptions, FetchResult, PullResult, PushOptions, PushResult, SyncCallOptions, TransferStats, RefChange, BundleCreateOptions, BundleResult, RemoteInfo, ServeOptions, SyncServer, TransferProgress } from './sync-api.js';
export type { VersioningMode } from '../sql/index.js';
export { Statement, type RunResult, type Row, type ColumnInfo, type BindParameters, type StatementHost } from './statement.js';
export type { QueryOptions } from './statement.js';
export type { InterruptSignal } from '../sql/index.js';
export type { BindValue, ResultValue } from './values.js';
export { MetaRootPointer, ROOT_KEY } from './root-pointer.js';
export { ConfigError, CONFIG_KEYS, defaultConfig, loadConfigFile, parseConfigObject, configToOpenOptions, validateConfigValue, parseConfigValueText, setConfigValue, getConfigValue, type HeliosConfig, type LoadedConfig, type RetentionOptions } from './config.js';
export type { GcReport, FsckReport, RetentionPolicy, RetentionApi, SnapshotOptions } from './gc-api.js';
export type { FsckProblem } from '../gc/index.js';
