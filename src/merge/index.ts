/**
 * Three-way merge at the storage level: row trees merged cell by cell (JSON key by key,
 * keyless tables by count), the ordered row diff, and the conflict records. No SQL here:
 * what only SQL knows comes in as options or function parameters.
 */
export { mergeRows, type RowMergeOptions, type RowMergeResult, type MergeStrategy } from './row-merge.js';
export { diffRows, type RowChange } from './row-diff.js';
export { mergeCells, sameValue, type Cells, type CellMergeOptions, type CellMergeResult } from './cell-merge.js';
export { mergeJsonText, isMergeableJson, type JsonMergeResult } from './json-merge.js';
export { mergeKeylessEntry, type KeylessMergeResult } from './keyless-merge.js';
export {
  mirrorConflict,
  type ChangeKind,
  type ConflictReason,
  type JsonConflictPath,
  type RowConflict,
  type RowEdit,
  type RowMergeStats,
} from './conflicts.js';
export {
  mergeSchemas,
  classifyTypeChange,
  sameTableSchema,
  columnDefText,
  type SchemaConflict,
  type SchemaMergeOptions,
  type SchemaMergeResult,
  type SchemaSide,
  type TableMergePlan,
} from './schema-merge.js';
