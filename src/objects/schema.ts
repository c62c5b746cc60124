/**
 * The table schema value object: columns (identified by stable tags), primary key, indexes,
 * CHECK and FOREIGN KEY constraints. Encoded with dag-cbor and stored as a chunk; a `Table`
 * object points at it by CID.
 *
 * Decisions recorded here:
 * - A column's `tag` is a small integer given when the column is created and never reused
 *   (`nextTag` only grows), so ADD / RENAME / DROP COLUMN rewrite no rows: row values are keyed
 *   by tag.
 * - `primaryKey` lists key columns in key order. An empty list makes the table keyless: its rows
 *   are keyed by a hash of the row with a duplicate count in the value (DESIGN.md).
 * - `INTEGER PRIMARY KEY` (a single-column key whose declared type is exactly INTEGER) is the
 *   rowid alias: `rowidAlias` names its tag; a NULL inserted there gets max+1 (or the
 *   AUTOINCREMENT counter of the Table object when `autoincrement`).
 * - UNIQUE constraints are unique indexes with `origin: 'unique'` (named
 *   `sqlite_autoindex_<table>_<n>` unless the constraint is named), so one code path enforces
 *   both.
 * - Expressions (DEFAULT, CHECK, partial-index WHERE, generated columns) are stored as SQL text
 *   and parsed again by the SQL layer; this layer never interprets SQL.
 * - Every optional field is omitted (not `undefined`) so the encoding is canonical.
 * - `missingValue`: a column added by `ALTER TABLE … ADD COLUMN … DEFAULT <constant>` records
 *   the default's value (evaluated once, at ALTER time); rows
 *   written before the column existed lack its cell and read as this value, so the ALTER rewrites
 *   no row. It is fixed for the life of the column (SET/DROP DEFAULT do not change it; RENAME keeps
 *   it; it goes with the column on DROP; ALTER COLUMN TYPE converts it), so every branch that has
 *   the column reads an absent cell the same way and three-way merge can compare stored cells
 *   as they are (`row-codec.ts` explains the canonical encoding: a value equal to it is stored
 *   absent, NULL as an explicit NULL cell). Never NULL. Stored as the row codec's encoding of one
 *   cell (tag 0), which keeps its storage class exact (INTEGER 1 vs REAL 1.0, DECIMAL scale,
 *   BLOB); a schema with such a column is written as version 2, so a reader that does not know
 *   the field fails instead of reading NULL for those cells. Schemas without it stay version 1,
 *   byte for byte.
 */
import * as dagCbor from '@ipld/dag-cbor';
import { DecodeError } from '../errors/index.js';
import { decodeRow, encodeRow } from './row-codec.js';
import type { SqlValue } from './value.js';

/** SQLite type affinity of a column (`affinityOf(declared type)`). */
export type ColumnAffinity = 'INTEGER' | 'REAL' | 'NUMERIC' | 'TEXT' | 'BLOB';

export type ForeignKeyAction = 'CASCADE' | 'SET NULL' | 'SET DEFAULT' | 'RESTRICT' | 'NO ACTION';

export interface ColumnSchema {
  /** Stable id of the column, never reused within the table. */
  tag: number;
  name: string;
  /** Declared type as written (normalised), e.g. `VARCHAR(20)`; `''` when none. */
  type: string;
  affinity: ColumnAffinity;
  notNull: boolean;
  /** SQL text of the DEFAULT expression. */
  default?: string;
  /** Declared collation (`BINARY` when omitted). */
  collation?: string;
  /** Generated column: expression text, stored or virtual. */
  generated?: { expr: string; stored: boolean };
  /**
   * What rows written before the column was added read as (see the module header): set only for
   * a column added by ALTER TABLE ADD COLUMN with a constant non-NULL DEFAULT. Never null.
   */
  missingValue?: SqlValue;
}

export interface KeyColumn {
  /** Column tag; -1 for an expression column of an index (`expr`). */
  tag: number;
  desc: boolean;
  collation?: string;
  /** Expression indexes: SQL text of the indexed expression (`tag` is -1). */
  expr?: string;
}

export interface IndexSchema {
  name: string;
  columns: KeyColumn[];
  unique: boolean;
  /** Partial index condition, SQL text. */
  where?: string;
  /** `create`: CREATE INDEX; `unique`: a UNIQUE constraint of the table. */
  origin: 'create' | 'unique';
  /** The CREATE INDEX text shown by `sqlite_schema` (absent for constraint indexes). */
  sql?: string;
  /** The constraint name of a named UNIQUE constraint. */
  constraintName?: string;
}

export interface CheckSchema {
  name?: string;
  /** SQL text of the condition. */
  expr: string;
}

export interface ForeignKeySchema {
  name?: string;
  /** Tags of the child columns, in order. */
  columns: number[];
  /** Parent table name. */
  table: string;
  /** Parent column names; empty means the parent's primary key. */
  refColumns: string[];
  onDelete: ForeignKeyAction;
  onUpdate: ForeignKeyAction;
  /** `DEFERRABLE INITIALLY DEFERRED`: checked at COMMIT (absent: immediate). */
  deferred?: boolean;
}

export interface TableSchema {
  name: string;
  columns: ColumnSchema[];
  /** Key columns in key order; empty ⇒ keyless table. */
  primaryKey: KeyColumn[];
  /** Tag of the INTEGER PRIMARY KEY column (rowid alias), when there is one. */
  rowidAlias?: number;
  autoincrement: boolean;
  /** Name of the PRIMARY KEY constraint when it was named. */
  primaryKeyName?: string;
  checks: CheckSchema[];
  foreignKeys: ForeignKeySchema[];
  indexes: IndexSchema[];
  /** The next unused column tag. */
  nextTag: number;
  /** CREATE TABLE text shown by `sqlite_schema`. */
  sql: string;
}

const SCHEMA_VERSION = 1;
/** The version of a schema with a column that has a `missingValue`. */
const SCHEMA_VERSION_MISSING = 2;

function encodeMissing(v: SqlValue | undefined): Uint8Array | undefined {
  if (v === undefined) return undefined;
  if (v === null) throw new TypeError('A column missingValue cannot be NULL');
  return encodeRow([0], [v]);
}

function decodeMissing(v: unknown): SqlValue | undefined {
  if (v === undefined) return undefined;
  if (!(v instanceof Uint8Array)) fail('missing is not bytes');
  let d: { tags: number[]; values: SqlValue[]; nullTags?: number[] };
  try {
    d = decodeRow(v);
  } catch (err) {
    fail(`missing: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (d.tags.length !== 1 || d.tags[0] !== 0 || d.nullTags !== undefined) fail('missing is not one non-NULL cell');
  return d.values[0]!;
}

function strip<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

function fail(detail: string): never {
  throw new DecodeError('table schema', detail);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}
function str(v: unknown, what: string): string {
  if (typeof v !== 'string') fail(`${what} is not a string`);
  return v;
}
function optStr(v: unknown, what: string): string | undefined {
  return v === undefined ? undefined : str(v, what);
}
function int(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(`${what} is not an integer`);
  return v;
}
function bool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') fail(`${what} is not a boolean`);
  return v;
}
function arr(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) fail(`${what} is not a list`);
  return v;
}

const AFFINITIES = new Set<ColumnAffinity>(['INTEGER', 'REAL', 'NUMERIC', 'TEXT', 'BLOB']);
const FK_ACTIONS = new Set<ForeignKeyAction>(['CASCADE', 'SET NULL', 'SET DEFAULT', 'RESTRICT', 'NO ACTION']);

function encodeKeyColumn(k: KeyColumn): KeyColumn {
  return strip({ tag: k.tag, desc: k.desc, collation: k.collation, expr: k.expr });
}

/** The canonical dag-cbor bytes of a schema. */
export function encodeTableSchema(s: TableSchema): Uint8Array {
  const obj = strip({
    v: s.columns.some((c) => c.missingValue !== undefined) ? SCHEMA_VERSION_MISSING : SCHEMA_VERSION,
    name: s.name,
    columns: s.columns.map((c) =>
      strip({
        tag: c.tag,
        name: c.name,
        type: c.type,
        affinity: c.affinity,
        notNull: c.notNull,
        default: c.default,
        collation: c.collation,
        generated: c.generated ? { expr: c.generated.expr, stored: c.generated.stored } : undefined,
        missing: encodeMissing(c.missingValue),
      }),
    ),
    primaryKey: s.primaryKey.map(encodeKeyColumn),
    rowidAlias: s.rowidAlias,
    autoincrement: s.autoincrement,
    primaryKeyName: s.primaryKeyName,
    checks: s.checks.map((c) => strip({ name: c.name, expr: c.expr })),
    foreignKeys: s.foreignKeys.map((f) =>
      strip({
        name: f.name,
        columns: f.columns,
        table: f.table,
        refColumns: f.refColumns,
        onDelete: f.onDelete,
        onUpdate: f.onUpdate,
        deferred: f.deferred === true ? true : undefined,
      }),
    ),
    indexes: s.indexes.map((i) =>
      strip({
        name: i.name,
        columns: i.columns.map(encodeKeyColumn),
        unique: i.unique,
        where: i.where,
        origin: i.origin,
        sql: i.sql,
        constraintName: i.constraintName,
      }),
    ),
    nextTag: s.nextTag,
    sql: s.sql,
  });
  return dagCbor.encode(obj);
}

function decodeKeyColumn(v: unknown): KeyColumn {
  if (!isObj(v)) fail('key column is not a map');
  return strip({ tag: int(v.tag, 'key tag'), desc: bool(v.desc, 'key desc'), collation: optStr(v.collation, 'key collation'), expr: optStr(v.expr, 'key expr') });
}

/** Decode and validate a schema. Throws `DecodeError` on malformed bytes. */
export function decodeTableSchema(bytes: Uint8Array): TableSchema {
  let o: unknown;
  try {
    o = dagCbor.decode(bytes);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (!isObj(o)) fail('not a map');
  if (o.v !== SCHEMA_VERSION && o.v !== SCHEMA_VERSION_MISSING) fail(`unknown version ${String(o.v)}`);
  const columns = arr(o.columns, 'columns').map((c): ColumnSchema => {
    if (!isObj(c)) fail('column is not a map');
    const affinity = str(c.affinity, 'affinity') as ColumnAffinity;
    if (!AFFINITIES.has(affinity)) fail(`bad affinity ${affinity}`);
    let generated: ColumnSchema['generated'];
    if (c.generated !== undefined) {
      if (!isObj(c.generated)) fail('generated is not a map');
      generated = { expr: str(c.generated.expr, 'generated expr'), stored: bool(c.generated.stored, 'generated stored') };
    }
    return strip({
      tag: int(c.tag, 'column tag'),
      name: str(c.name, 'column name'),
      type: str(c.type, 'column type'),
      affinity,
      notNull: bool(c.notNull, 'notNull'),
      default: optStr(c.default, 'default'),
      collation: optStr(c.collation, 'collation'),
      generated,
      missingValue: decodeMissing(c.missing),
    });
  });
  const fkAction = (v: unknown): ForeignKeyAction => {
    const a = str(v, 'fk action') as ForeignKeyAction;
    if (!FK_ACTIONS.has(a)) fail(`bad fk action ${a}`);
    return a;
  };
  return strip({
    name: str(o.name, 'name'),
    columns,
    primaryKey: arr(o.primaryKey, 'primaryKey').map(decodeKeyColumn),
    rowidAlias: o.rowidAlias === undefined ? undefined : int(o.rowidAlias, 'rowidAlias'),
    autoincrement: bool(o.autoincrement, 'autoincrement'),
    primaryKeyName: optStr(o.primaryKeyName, 'primaryKeyName'),
    checks: arr(o.checks, 'checks').map((c): CheckSchema => {
      if (!isObj(c)) fail('check is not a map');
      return strip({ name: optStr(c.name, 'check name'), expr: str(c.expr, 'check expr') });
    }),
    foreignKeys: arr(o.foreignKeys, 'foreignKeys').map((f): ForeignKeySchema => {
      if (!isObj(f)) fail('foreign key is not a map');
      return strip({
        name: optStr(f.name, 'fk name'),
        columns: arr(f.columns, 'fk columns').map((t) => int(t, 'fk column')),
        table: str(f.table, 'fk table'),
        refColumns: arr(f.refColumns, 'fk refColumns').map((t) => str(t, 'fk ref column')),
        onDelete: fkAction(f.onDelete),
        onUpdate: fkAction(f.onUpdate),
        deferred: f.deferred === true ? true : undefined,
      });
    }),
    indexes: arr(o.indexes, 'indexes').map((i): IndexSchema => {
      if (!isObj(i)) fail('index is not a map');
      const origin = str(i.origin, 'index origin');
      if (origin !== 'create' && origin !== 'unique') fail(`bad index origin ${origin}`);
      return strip({
        name: str(i.name, 'index name'),
        columns: arr(i.columns, 'index columns').map(decodeKeyColumn),
        unique: bool(i.unique, 'index unique'),
        where: optStr(i.where, 'index where'),
        origin,
        sql: optStr(i.sql, 'index sql'),
        constraintName: optStr(i.constraintName, 'index constraintName'),
      });
    }),
    nextTag: int(o.nextTag, 'nextTag'),
    sql: str(o.sql, 'sql'),
  });
}
