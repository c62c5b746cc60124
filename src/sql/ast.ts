/**
 * The abstract syntax tree of HeliosDB Nano's SQL dialect: the contract between the parser
 * (`parser/`, built on the antlr4ng grammar) and the binder/planner/executor.
 *
 * Conventions:
 * - Identifiers keep the spelling the user wrote (quotes removed); comparisons of names are
 *   case-insensitive, done by the binder.
 * - Integer literals are `bigint` (a literal too large for 64 bits becomes a REAL `number`, as in
 *   SQLite); real literals are `number`; X'..' blobs are `Uint8Array`.
 * - `pos` is the 1-based line/column and 0-based offset where the node starts.
 * - Every top-level statement keeps its own source text in `sql` (views and triggers are
 *   stored as text and re-parsed).
 */
import type { SqlValue } from '../objects/index.js';

export interface Pos {
  line: number;
  column: number;
  offset: number;
}

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%' | '||'
  | '=' | '!=' | '<' | '<=' | '>' | '>='
  | 'AND' | 'OR'
  | '&' | '|' | '<<' | '>>'
  /** `IS` and `IS NOT DISTINCT FROM` */
  | 'IS'
  /** `IS NOT` and `IS DISTINCT FROM` */
  | 'IS NOT'
  | '->' | '->>';

export type Expr =
  /** `text`: the source text of a numeric literal (added by the parser; lets DECIMAL columns read it exactly). */
  | { kind: 'literal'; value: SqlValue; text?: string; pos?: Pos }
  /**
   * `?` (index assigned left to right, 1-based), `?NNN` (index), `:name`, `@name`, `$name`, `#name`
   * (name includes the sigil). The parser numbers them as SQLite does, per statement in source
   * order: `?` takes the largest index so far + 1, and a named parameter takes the next index at
   * its first appearance, so named parameters carry `index` too.
   */
  | { kind: 'param'; index?: number; name?: string; pos?: Pos }
  /** `doubleQuoted`: a lone name written as "x" (SQLite reads it as the string 'x' when no column has that name). */
  | { kind: 'column'; table?: string; schema?: string; name: string; doubleQuoted?: boolean; pos?: Pos }
  | { kind: 'unary'; op: '-' | '+' | 'NOT' | '~'; operand: Expr; pos?: Pos }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; pos?: Pos }
  | { kind: 'like'; op: 'LIKE' | 'GLOB' | 'REGEXP' | 'MATCH'; not: boolean; left: Expr; pattern: Expr; escape?: Expr; pos?: Pos }
  | { kind: 'between'; not: boolean; expr: Expr; low: Expr; high: Expr; pos?: Pos }
  /** `x IN (list)`, `x IN (subquery)`, `x IN table`. */
  | { kind: 'in'; not: boolean; expr: Expr; list?: Expr[]; query?: Query; table?: string; schema?: string; pos?: Pos }
  /** `x IS NULL`, `x ISNULL`, `x NOTNULL`, `x IS NOT NULL`. */
  | { kind: 'isNull'; not: boolean; expr: Expr; pos?: Pos }
  | { kind: 'exists'; not: boolean; query: Query; pos?: Pos }
  /** A scalar subquery `(SELECT …)`. */
  | { kind: 'subquery'; query: Query; pos?: Pos }
  | { kind: 'case'; operand?: Expr; whens: { when: Expr; then: Expr }[]; else?: Expr; pos?: Pos }
  | { kind: 'cast'; expr: Expr; type: TypeName; pos?: Pos }
  /**
   * A function call. `star` is `count(*)`. Names are as written (lower-case them to look up).
   * `CURRENT_TIMESTAMP`, `CURRENT_DATE`, `CURRENT_TIME` parse as calls with no arguments.
   */
  | {
      kind: 'function';
      name: string;
      args: Expr[];
      distinct: boolean;
      star: boolean;
      filter?: Expr;
      orderBy?: OrderItem[];
      /** `OVER name` (a string) or `OVER (…)`: a window function call. */
      over?: string | WindowDef;
      pos?: Pos;
    }
  | { kind: 'collate'; expr: Expr; collation: string; pos?: Pos }
  /** `RAISE(IGNORE | ROLLBACK | ABORT | FAIL, 'message')` inside trigger bodies. */
  | { kind: 'raise'; action: 'IGNORE' | 'ROLLBACK' | 'ABORT' | 'FAIL'; message?: string; pos?: Pos }
  /** A row value `(a, b)` used in comparisons and IN. */
  | { kind: 'row'; items: Expr[]; pos?: Pos };

/** A declared type: `VARCHAR(20)` → `{ name: 'VARCHAR', args: [20] }`; name is upper-cased, words joined by one space. */
export interface TypeName {
  name: string;
  args: number[];
}

export interface OrderItem {
  expr: Expr;
  direction?: 'ASC' | 'DESC';
  nulls?: 'FIRST' | 'LAST';
  collate?: string;
}

/** A bound of a window frame; `expr` is the constant offset of `n PRECEDING` / `n FOLLOWING`. */
export type FrameBound =
  | { kind: 'unboundedPreceding' }
  | { kind: 'preceding'; expr: Expr }
  | { kind: 'currentRow' }
  | { kind: 'following'; expr: Expr }
  | { kind: 'unboundedFollowing' };

export interface WindowFrame {
  units: 'ROWS' | 'RANGE' | 'GROUPS';
  start: FrameBound;
  /** `ROWS n PRECEDING` (no BETWEEN) ends at CURRENT ROW. */
  end: FrameBound;
  /** Absent when no EXCLUDE clause was written (SQLite evaluates an explicit NO OTHERS frame by rescanning it). */
  exclude?: 'NO OTHERS' | 'CURRENT ROW' | 'GROUP' | 'TIES';
}

/** `(base PARTITION BY … ORDER BY … frame)` of OVER or of a WINDOW clause entry. */
export interface WindowDef {
  /** The name of a WINDOW-clause window this one extends. */
  base?: string;
  partitionBy?: Expr[];
  orderBy?: OrderItem[];
  frame?: WindowFrame;
  pos?: Pos;
}

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

/** `AS OF …` / `FOR SYSTEM_TIME AS OF …` on a table reference, `USE BRANCH`, `CREATE BRANCH`, … */
export type AsOf =
  | { kind: 'timestamp'; expr: Expr }
  | { kind: 'transaction'; expr: Expr }
  | { kind: 'scn'; expr: Expr }
  /** `AS OF 'ref'`: branch, tag, commit id (or prefix), `ref~k`, `ref^`. */
  | { kind: 'ref'; expr: Expr };

export interface CommonTableExpr {
  name: string;
  columns?: string[];
  query: Query;
  materialized?: boolean;
}

export interface With {
  recursive: boolean;
  ctes: CommonTableExpr[];
}

export interface Query {
  kind: 'query';
  with?: With;
  body: SetExpr;
  orderBy?: OrderItem[];
  limit?: Expr;
  offset?: Expr;
  pos?: Pos;
}

export type SetOp = 'UNION' | 'UNION ALL' | 'INTERSECT' | 'EXCEPT';

export type SetExpr =
  | SelectCore
  | { kind: 'values'; rows: Expr[][]; pos?: Pos }
  | { kind: 'setop'; op: SetOp; left: SetExpr; right: SetExpr; pos?: Pos };

export interface SelectCore {
  kind: 'select';
  distinct: boolean;
  columns: ResultColumn[];
  from?: FromItem;
  where?: Expr;
  groupBy?: Expr[];
  having?: Expr;
  /** `WINDOW name AS (…), …`, in source order. */
  windows?: { name: string; def: WindowDef; pos?: Pos }[];
  pos?: Pos;
}

export type ResultColumn =
  | { kind: 'star'; pos?: Pos }
  | { kind: 'tableStar'; table: string; pos?: Pos }
  /** `alias` is undefined when none was written; `text` is the expression's source text (the default column name). */
  | { kind: 'expr'; expr: Expr; alias?: string; text: string; pos?: Pos };

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS';

export type FromItem =
  | { kind: 'table'; schema?: string; name: string; alias?: string; asOf?: AsOf; indexedBy?: string; notIndexed?: boolean; pos?: Pos }
  | { kind: 'subquery'; query: Query; alias?: string; pos?: Pos }
  /** A table-valued function such as `heliosdb_diff('t', 'a', 'b')` or `json_each(x)`. */
  | { kind: 'tableFunction'; schema?: string; name: string; args: Expr[]; alias?: string; pos?: Pos }
  /** Comma joins parse as `CROSS` with `comma: true` (SQLite lets the planner reorder those). */
  | {
      kind: 'join';
      type: JoinType;
      natural: boolean;
      comma?: boolean;
      left: FromItem;
      right: FromItem;
      on?: Expr;
      using?: string[];
      pos?: Pos;
    };

// ---------------------------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------------------------

interface StatementBase {
  /** Source text of this statement, without the trailing `;`. */
  sql: string;
  pos?: Pos;
}

export type ConflictAction = 'ROLLBACK' | 'ABORT' | 'FAIL' | 'IGNORE' | 'REPLACE';

export interface SelectStmt extends StatementBase {
  kind: 'select';
  query: Query;
}

export interface SetClause {
  /** One column, or several for `(a, b) = (…)`. */
  columns: string[];
  expr: Expr;
}

export interface Upsert {
  target?: { columns: IndexedColumn[]; where?: Expr };
  action: { kind: 'nothing' } | { kind: 'update'; sets: SetClause[]; where?: Expr };
}

export interface InsertStmt extends StatementBase {
  kind: 'insert';
  with?: With;
  /** `INSERT OR …`; `REPLACE INTO` gives `REPLACE`. */
  orAction?: ConflictAction;
  schema?: string;
  table: string;
  alias?: string;
  columns?: string[];
  source: { kind: 'values'; rows: Expr[][] } | { kind: 'query'; query: Query } | { kind: 'defaultValues' };
  upserts?: Upsert[];
  returning?: ResultColumn[];
}

export interface UpdateStmt extends StatementBase {
  kind: 'update';
  with?: With;
  orAction?: ConflictAction;
  schema?: string;
  table: string;
  alias?: string;
  /** `INDEXED BY name` / `NOT INDEXED` after the table name. */
  indexedBy?: string;
  notIndexed?: boolean;
  sets: SetClause[];
  from?: FromItem;
  where?: Expr;
  returning?: ResultColumn[];
  orderBy?: OrderItem[];
  limit?: Expr;
  offset?: Expr;
}

export interface DeleteStmt extends StatementBase {
  kind: 'delete';
  with?: With;
  schema?: string;
  table: string;
  alias?: string;
  /** `INDEXED BY name` / `NOT INDEXED` after the table name. */
  indexedBy?: string;
  notIndexed?: boolean;
  where?: Expr;
  returning?: ResultColumn[];
  orderBy?: OrderItem[];
  limit?: Expr;
  offset?: Expr;
}

export type FkAction = 'CASCADE' | 'SET NULL' | 'SET DEFAULT' | 'RESTRICT' | 'NO ACTION';

export interface ForeignKeyRef {
  table: string;
  columns?: string[];
  onDelete?: FkAction;
  onUpdate?: FkAction;
  deferrable?: boolean;
}

export interface IndexedColumn {
  /** Usually `{ kind: 'column' }`; expression indexes are allowed by the grammar. */
  expr: Expr;
  /** Source text of the expression (with any COLLATE), for expression indexes. */
  text?: string;
  collate?: string;
  direction?: 'ASC' | 'DESC';
}

export type ColumnConstraint = { name?: string } & (
  | { kind: 'primaryKey'; direction?: 'ASC' | 'DESC'; autoincrement: boolean; onConflict?: ConflictAction }
  | { kind: 'notNull'; onConflict?: ConflictAction }
  | { kind: 'null' }
  | { kind: 'unique'; onConflict?: ConflictAction }
  | { kind: 'check'; expr: Expr; text: string }
  /** `text` is the source text of the default expression, as stored in the schema. */
  | { kind: 'default'; expr: Expr; text: string }
  | { kind: 'collate'; collation: string }
  | { kind: 'references'; ref: ForeignKeyRef }
  | { kind: 'generated'; expr: Expr; text: string; stored: boolean }
);

export interface ColumnDef {
  name: string;
  type?: TypeName;
  constraints: ColumnConstraint[];
}

export type TableConstraint = { name?: string } & (
  | { kind: 'primaryKey'; columns: IndexedColumn[]; autoincrement?: boolean; onConflict?: ConflictAction }
  | { kind: 'unique'; columns: IndexedColumn[]; onConflict?: ConflictAction }
  | { kind: 'check'; expr: Expr; text: string }
  | { kind: 'foreignKey'; columns: string[]; ref: ForeignKeyRef }
);

export interface CreateTableStmt extends StatementBase {
  kind: 'createTable';
  schema?: string;
  name: string;
  ifNotExists: boolean;
  temporary: boolean;
  columns: ColumnDef[];
  constraints: TableConstraint[];
  asSelect?: Query;
  withoutRowid: boolean;
  strict: boolean;
}

export type AlterAction =
  | { kind: 'addColumn'; column: ColumnDef }
  | { kind: 'dropColumn'; name: string; ifExists?: boolean }
  | { kind: 'renameColumn'; from: string; to: string }
  | { kind: 'renameTable'; to: string }
  | { kind: 'alterColumnType'; name: string; type: TypeName; using?: Expr }
  | { kind: 'setNotNull'; name: string }
  | { kind: 'dropNotNull'; name: string }
  | { kind: 'setDefault'; name: string; expr: Expr; text: string }
  | { kind: 'dropDefault'; name: string }
  | { kind: 'addConstraint'; constraint: TableConstraint }
  | { kind: 'dropConstraint'; name: string; ifExists?: boolean }
  | { kind: 'dropPrimaryKey' };

export interface AlterTableStmt extends StatementBase {
  kind: 'alterTable';
  schema?: string;
  table: string;
  action: AlterAction;
}

export interface CreateIndexStmt extends StatementBase {
  kind: 'createIndex';
  schema?: string;
  name: string;
  table: string;
  unique: boolean;
  ifNotExists: boolean;
  columns: IndexedColumn[];
  where?: Expr;
  /** Source text of `where` (stored for a partial index). */
  whereText?: string;
}

export interface CreateViewStmt extends StatementBase {
  kind: 'createView';
  schema?: string;
  name: string;
  ifNotExists: boolean;
  temporary: boolean;
  columns?: string[];
  query: Query;
}

export interface CreateTriggerStmt extends StatementBase {
  kind: 'createTrigger';
  schema?: string;
  name: string;
  ifNotExists: boolean;
  temporary: boolean;
  timing: 'BEFORE' | 'AFTER' | 'INSTEAD OF';
  event: 'INSERT' | 'UPDATE' | 'DELETE';
  updateOf?: string[];
  table: string;
  forEachRow: boolean;
  when?: Expr;
  /** INSERT / UPDATE / DELETE / SELECT statements of the body. */
  body: Statement[];
}

export interface DropStmt extends StatementBase {
  kind: 'drop';
  objectType: 'table' | 'index' | 'view' | 'trigger';
  schema?: string;
  name: string;
  ifExists: boolean;
}

export interface BeginStmt extends StatementBase {
  kind: 'begin';
  mode?: 'DEFERRED' | 'IMMEDIATE' | 'EXCLUSIVE';
}
export interface CommitStmt extends StatementBase {
  kind: 'commit';
}
export interface RollbackStmt extends StatementBase {
  kind: 'rollback';
  /** `ROLLBACK TO [SAVEPOINT] name`. */
  savepoint?: string;
}
export interface SavepointStmt extends StatementBase {
  kind: 'savepoint';
  name: string;
}
export interface ReleaseStmt extends StatementBase {
  kind: 'release';
  name: string;
}

export interface PragmaStmt extends StatementBase {
  kind: 'pragma';
  schema?: string;
  name: string;
  /** `PRAGMA x = v` or `PRAGMA x(v)`. */
  value?: Expr;
}

export interface ExplainStmt extends StatementBase {
  kind: 'explain';
  queryPlan: boolean;
  statement: Statement;
}

export interface AnalyzeStmt extends StatementBase {
  kind: 'analyze' | 'vacuum' | 'reindex';
  target?: string;
}

// ---- version control -------------------------------------------------------------------------

export interface UseBranchStmt extends StatementBase {
  kind: 'useBranch';
  name: string;
  asOf?: AsOf;
}

export interface CreateBranchStmt extends StatementBase {
  kind: 'createBranch';
  name: string;
  ifNotExists: boolean;
  /** `FROM ref` (a name or a string). */
  from?: string;
  asOf?: AsOf;
  readOnly: boolean;
  comment?: string;
}

export interface DropBranchStmt extends StatementBase {
  kind: 'dropBranch';
  name: string;
  ifExists: boolean;
}

export interface AlterBranchStmt extends StatementBase {
  kind: 'alterBranch';
  name: string;
  action: { kind: 'setReadOnly'; readOnly: boolean } | { kind: 'rename'; to: string } | { kind: 'setComment'; comment: string };
}

export interface ShowStmt extends StatementBase {
  kind: 'show';
  what: 'branches' | 'tags' | 'tables';
  asOf?: AsOf;
}

export interface CreateTagStmt extends StatementBase {
  kind: 'createTag';
  name: string;
  /** `CREATE TAG t FROM ref` */
  from?: string;
  asOf?: AsOf;
  message?: string;
}

export interface DropTagStmt extends StatementBase {
  kind: 'dropTag';
  name: string;
  ifExists: boolean;
}

export interface MergeBranchStmt extends StatementBase {
  kind: 'mergeBranch';
  source: string;
  into?: string;
  options: {
    noFastForward?: boolean;
    squash?: boolean;
    message?: string;
    strategy?: 'OURS' | 'THEIRS';
    force?: boolean;
    dryRun?: boolean;
  };
}

export interface MergeControlStmt extends StatementBase {
  kind: 'mergeContinue' | 'mergeAbort';
}

export interface ResolveConflictsStmt extends StatementBase {
  kind: 'resolveConflicts';
  table?: string;
  where?: Expr;
  using: 'OURS' | 'THEIRS';
}

/** `CALL heliosdb_commit('msg')` and other procedures. */
export interface CallStmt extends StatementBase {
  kind: 'call';
  name: string;
  args: Expr[];
}

export type Statement =
  | SelectStmt
  | InsertStmt
  | UpdateStmt
  | DeleteStmt
  | CreateTableStmt
  | AlterTableStmt
  | CreateIndexStmt
  | CreateViewStmt
  | CreateTriggerStmt
  | DropStmt
  | BeginStmt
  | CommitStmt
  | RollbackStmt
  | SavepointStmt
  | ReleaseStmt
  | PragmaStmt
  | ExplainStmt
  | AnalyzeStmt
  | UseBranchStmt
  | CreateBranchStmt
  | DropBranchStmt
  | AlterBranchStmt
  | ShowStmt
  | CreateTagStmt
  | DropTagStmt
  | MergeBranchStmt
  | MergeControlStmt
  | ResolveConflictsStmt
  | CallStmt;
