/**
 * Builds `TableSchema` / `IndexSchema` objects from CREATE TABLE and CREATE INDEX statements,
 * with SQLite's rules: column affinity from the declared type, `INTEGER PRIMARY KEY` (exactly
 * that type, not DESC) as the rowid alias, AUTOINCREMENT only there, UNIQUE constraints as
 * unique indexes named `sqlite_autoindex_<table>_<n>`, one PRIMARY KEY at most.
 *
 * Column tags start at 1 and `nextTag` only grows. Primary-key columns are NOT NULL (SQLite
 * allows NULL in non-INTEGER keys for historical reasons; HeliosDB does not — documented).
 */
import { SqlError } from '../../errors/index.js';
import type { ColumnSchema, ForeignKeySchema, IndexSchema, KeyColumn, TableSchema } from '../../objects/index.js';
import type { ColumnDef, CreateIndexStmt, CreateTableStmt, IndexedColumn, TypeName } from '../ast.js';
import { affinityOf } from '../values/index.js';

export function typeNameText(t: TypeName | undefined): string {
  if (!t) return '';
  return t.args.length ? `${t.name}(${t.args.join(',')})` : t.name;
}

function collationName(name: string): string {
  const c = name.toUpperCase();
  if (c !== 'BINARY' && c !== 'NOCASE' && c !== 'RTRIM') throw new SqlError('NO_SUCH_COLLATION', `no such collation sequence: ${name}`);
  return c;
}

function indexedColumnName(ic: IndexedColumn, what: string): string {
  let e = ic.expr;
  while (e.kind === 'collate') e = e.expr;
  if (e.kind !== 'column' || e.table !== undefined) {
    throw new SqlError('NOT_SUPPORTED', `expressions are not supported in ${what} yet`);
  }
  return e.name;
}

function indexedCollation(ic: IndexedColumn): string | undefined {
  if (ic.collate) return collationName(ic.collate);
  if (ic.expr.kind === 'collate') return collationName(ic.expr.collation);
  return undefined;
}

export function buildTableSchema(stmt: CreateTableStmt): TableSchema {
  const name = stmt.name;
  const columns: ColumnSchema[] = [];
  const seen = new Set<string>();
  let tag = 1;
  let primaryKey: KeyColumn[] | undefined;
  let pkName: string | undefined;
  let autoincrement = false;
  const uniques: { cols: KeyColumn[]; name?: string }[] = [];
  const checks: TableSchema['checks'] = [];
  const foreignKeys: ForeignKeySchema[] = [];

  const colTag = (n: string): number => {
    const c = columns.find((x) => x.name.toLowerCase() === n.toLowerCase());
    if (!c) throw new SqlError('NO_SUCH_COLUMN', `no such column: ${n}`);
    return c.tag;
  };
  const setPk = (cols: KeyColumn[], cname: string | undefined): void => {
    if (primaryKey) throw new SqlError('INVALID_PRIMARY_KEY', `table "${name}" has more than one primary key`);
    primaryKey = cols;
    pkName = cname;
  };

  const defs: ColumnDef[] = stmt.columns;
  for (const def of defs) {
    const k = def.name.toLowerCase();
    if (seen.has(k)) throw new SqlError('DUPLICATE_COLUMN', `duplicate column name: ${def.name}`);
    seen.add(k);
    const type = typeNameText(def.type);
    const col: ColumnSchema = { tag: tag++, name: def.name, type, affinity: affinityOf(type), notNull: false };
    columns.push(col);
    for (const c of def.constraints) {
      switch (c.kind) {
        case 'primaryKey':
          setPk([{ tag: col.tag, desc: c.direction === 'DESC' }], c.name);
          if (c.autoincrement) autoincrement = true;
          break;
        case 'notNull':
          col.notNull = true;
          break;
        case 'null':
          break;
        case 'unique':
          uniques.push(c.name ? { cols: [{ tag: col.tag, desc: false }], name: c.name } : { cols: [{ tag: col.tag, desc: false }] });
          break;
        case 'check':
          checks.push(c.name ? { name: c.name, expr: c.text } : { expr: c.text });
          break;
        case 'default':
          col.default = c.text;
          break;
        case 'collate':
          col.collation = collationName(c.collation);
          break;
        case 'references': {
          const fk: ForeignKeySchema = {
            columns: [col.tag],
            table: c.ref.table,
            refColumns: c.ref.columns ?? [],
            onDelete: c.ref.onDelete ?? 'NO ACTION',
            onUpdate: c.ref.onUpdate ?? 'NO ACTION',
          };
          if (c.name) fk.name = c.name;
          if (c.ref.deferrable) fk.deferred = true;
          foreignKeys.push(fk);
          break;
        }
        case 'generated':
          throw new SqlError('NOT_SUPPORTED', 'generated columns are not supported yet');
      }
    }
  }
  for (const tc of stmt.constraints) {
    switch (tc.kind) {
      case 'primaryKey': {
        const cols = tc.columns.map((ic) => {
          const kc: KeyColumn = { tag: colTag(indexedColumnName(ic, 'PRIMARY KEY')), desc: ic.direction === 'DESC' };
          const coll = indexedCollation(ic);
          if (coll) kc.collation = coll;
          return kc;
        });
        setPk(cols, tc.name);
        if (tc.autoincrement) autoincrement = true;
        break;
      }
      case 'unique': {
        const cols = tc.columns.map((ic) => ({ tag: colTag(indexedColumnName(ic, 'UNIQUE constraints')), desc: false }));
        uniques.push(tc.name ? { cols, name: tc.name } : { cols });
        break;
      }
      case 'check':
        checks.push(tc.name ? { name: tc.name, expr: tc.text } : { expr: tc.text });
        break;
      case 'foreignKey': {
        const fk: ForeignKeySchema = {
          columns: tc.columns.map(colTag),
          table: tc.ref.table,
          refColumns: tc.ref.columns ?? [],
          onDelete: tc.ref.onDelete ?? 'NO ACTION',
          onUpdate: tc.ref.onUpdate ?? 'NO ACTION',
        };
        if (tc.name) fk.name = tc.name;
        if (tc.ref.deferrable) fk.deferred = true;
        foreignKeys.push(fk);
        break;
      }
    }
  }
  if (columns.length === 0) throw new SqlError('INVALID_TABLE', `table ${name} has no columns`);
  if (stmt.withoutRowid && !primaryKey) throw new SqlError('INVALID_PRIMARY_KEY', `PRIMARY KEY missing on table ${name}`);
  const pk: KeyColumn[] = primaryKey ?? [];
  // Check duplicate columns in the key.
  if (new Set(pk.map((k) => k.tag)).size !== pk.length) throw new SqlError('INVALID_PRIMARY_KEY', `duplicate column in PRIMARY KEY of ${name}`);
  let rowidAlias: number | undefined;
  if (pk.length === 1 && !pk[0]!.desc) {
    const c = columns.find((x) => x.tag === pk[0]!.tag)!;
    if (c.type.toUpperCase() === 'INTEGER') rowidAlias = c.tag;
  }
  if (autoincrement && rowidAlias === undefined) {
    throw new SqlError('INVALID_AUTOINCREMENT', 'AUTOINCREMENT is only allowed on an INTEGER PRIMARY KEY');
  }
  for (const k of pk) {
    const c = columns.find((x) => x.tag === k.tag)!;
    if (k.tag !== rowidAlias) c.notNull = true;
  }
  const indexes: IndexSchema[] = [];
  let n = 1;
  const pkTags = pk.map((k) => k.tag).join(',');
  for (const u of uniques) {
    const tags = u.cols.map((c) => c.tag).join(',');
    if (tags === pkTags) continue;
    if (indexes.some((i) => i.columns.map((c) => c.tag).join(',') === tags)) continue;
    const ix: IndexSchema = { name: `sqlite_autoindex_${name}_${n++}`, columns: u.cols, unique: true, origin: 'unique' };
    if (u.name) ix.constraintName = u.name;
    indexes.push(ix);
  }
  const schema: TableSchema = {
    name,
    columns,
    primaryKey: pk,
    autoincrement,
    checks,
    foreignKeys,
    indexes,
    nextTag: tag,
    sql: stmt.sql,
  };
  if (rowidAlias !== undefined) schema.rowidAlias = rowidAlias;
  if (pkName !== undefined) schema.primaryKeyName = pkName;
  return schema;
}

/**
 * The index schema of a CREATE INDEX on `table`. An indexed expression that is not a plain
 * column becomes an expression column (`expr` text, tag -1); `WHERE` makes a partial index.
 * Both are maintained by the engine's evaluators (`engine/index-compute.ts`).
 */
export function buildIndexSchema(stmt: CreateIndexStmt, table: TableSchema): IndexSchema {
  const columns: KeyColumn[] = stmt.columns.map((ic) => {
    let e = ic.expr;
    while (e.kind === 'collate') e = e.expr;
    const coll = indexedCollation(ic);
    if (e.kind !== 'column' || e.table !== undefined) {
      if (!ic.text) throw new SqlError('NOT_SUPPORTED', 'expression index without source text');
      if (e.kind === 'literal') throw new SqlError('INVALID_INDEX', 'constant expressions are not allowed in an index');
      const kc: KeyColumn = { tag: -1, desc: ic.direction === 'DESC', expr: ic.text };
      if (coll) kc.collation = coll;
      return kc;
    }
    const n = e.name;
    const c = table.columns.find((x) => x.name.toLowerCase() === n.toLowerCase());
    if (!c) throw new SqlError('NO_SUCH_COLUMN', `no such column: ${n}`);
    const kc: KeyColumn = { tag: c.tag, desc: ic.direction === 'DESC' };
    if (coll) kc.collation = coll;
    return kc;
  });
  const ix: IndexSchema = { name: stmt.name, columns, unique: stmt.unique, origin: 'create', sql: stmt.sql };
  if (stmt.where) {
    if (!stmt.whereText) throw new SqlError('NOT_SUPPORTED', 'partial index without source text');
    ix.where = stmt.whereText;
  }
  return ix;
}
