/**
 * Schema statements run against a transaction: CREATE/DROP TABLE, CREATE/DROP INDEX (building
 * the index tree from the table's rows, checking UNIQUE), CREATE/DROP VIEW (validated by
 * planning its query), CREATE/DROP TRIGGER (stored; firing is not implemented yet) and the
 * ALTER TABLE forms that only touch the schema (RENAME TO, ADD / RENAME / DROP COLUMN).
 *
 * Names of tables, views and indexes share one namespace, as in SQLite.
 */
import { ConstraintError, SqlError } from '../../errors/index.js';
import { compareBytes, ProllyTree, type IndexSchema, type NodeStore, type TableSchema, type TreeEntry } from '../../objects/index.js';
import type { AlterTableStmt, CreateIndexStmt, CreateTableStmt, CreateTriggerStmt, CreateViewStmt, DropStmt } from '../ast.js';
import { buildIndexSchema, buildTableSchema, typeNameText } from '../catalog/schema-builder.js';
import { affinityOf } from '../values/index.js';
import type { Row } from '../exec/types.js';
import type { Planner } from '../planner/planner.js';
import { TableInfo } from '../storage/table-info.js';
import { TableState } from '../storage/table-state.js';
import { coerceRow } from './coerce.js';
import type { Transaction } from './transaction.js';

export interface DdlContext {
  tx: Transaction;
  ns: NodeStore;
  /** A planner bound to the transaction's schema (for views and CREATE TABLE … AS). */
  planner(): Planner;
}

function indexOwner(tx: Transaction, key: string): TableState | undefined {
  for (const k of tx.tableKeys()) {
    const ts = tx.table(k);
    if (ts.info.indexes.some((i) => i.key === key)) return ts;
  }
  return undefined;
}

function nameTaken(tx: Transaction, key: string): string | undefined {
  if (tx.tableInfo(key)) return 'table';
  if (tx.view(key)) return 'view';
  if (indexOwner(tx, key)) return 'index';
  return undefined;
}

function reserved(name: string): void {
  if (/^sqlite_/i.test(name)) throw new SqlError('SQL_ERROR', `object name reserved for internal use: ${name}`);
}

export function createTable(ctx: DdlContext, stmt: CreateTableStmt): void {
  const { tx } = ctx;
  const key = stmt.name.toLowerCase();
  if (stmt.schema && !['main', 'temp'].includes(stmt.schema.toLowerCase())) throw new SqlError('SQL_ERROR', `unknown database ${stmt.schema}`);
  const taken = nameTaken(tx, key);
  if (taken) {
    if (stmt.ifNotExists && taken === 'table') return;
    if (stmt.ifNotExists && taken !== 'index') return;
    throw new SqlError('SQL_ERROR', `${taken === 'index' ? 'there is already an index named' : taken + ''} ${stmt.name}${taken === 'index' ? '' : ' already exists'}`);
  }
  reserved(stmt.name);
  if (stmt.asSelect) {
    const planner = ctx.planner();
    const pq = planner.planQuery(stmt.asSelect, { nameParent: undefined, lexicalParent: undefined, depth: 0, ctes: undefined });
    const rows: Row[] = [];
    const pull = pq.plan.open();
    for (let r = pull(); r !== undefined; r = pull()) rows.push(r.slice());
    const seen = new Set<string>();
    const columns = pq.plan.columns.map((c, i) => {
      let name = c.name;
      while (seen.has(name.toLowerCase())) name = `${c.name}:${i}`;
      seen.add(name.toLowerCase());
      const type = c.affinity === 'INTEGER' ? 'INT' : c.affinity === 'REAL' ? 'REAL' : c.affinity === 'TEXT' ? 'TEXT' : c.affinity === 'NUMERIC' ? 'NUM' : '';
      return { tag: i + 1, name, type, affinity: affinityOf(type), notNull: false };
    });
    const quoted = columns.map((c) => `"${c.name.replace(/"/g, '""')}"${c.type ? ' ' + c.type : ''}`).join(', ');
    const schema: TableSchema = {
      name: stmt.name,
      columns,
      primaryKey: [],
      autoincrement: false,
      checks: [],
      foreignKeys: [],
      indexes: [],
      nextTag: columns.length + 1,
      sql: `CREATE TABLE "${stmt.name.replace(/"/g, '""')}"(${quoted})`,
    };
    const ts = tx.createTable(schema);
    const w = tx.tableForWrite(ts.info.key);
    for (const r of rows) {
      coerceRow(w.info, r);
      tx.writer.insert(w, r, 'ABORT');
    }
    return;
  }
  tx.createTable(buildTableSchema(stmt));
}

/** Build an index tree over the rows of `ts`. Throws on a UNIQUE violation. */
function buildIndexTree(ns: NodeStore, ts: TableState, info: TableInfo, ixKey: string): ProllyTree {
  const ix = info.index(ixKey)!;
  const entries: TreeEntry[] = [];
  const row: Row = new Array(info.width).fill(null);
  const map = info.slotMapAt(0);
  for (const e of ts.reader().entries()) {
    info.decodeInto(e.key, e.value, row, 0, map);
    entries.push({ key: info.indexKey(ix, row, e.key), value: e.key });
    if (ix.unique) {
      // remember the prefix for the duplicate check below
      (entries[entries.length - 1] as TreeEntry & { prefix?: Uint8Array; hasNull?: boolean }).prefix = info.indexPrefix(ix, row);
      (entries[entries.length - 1] as TreeEntry & { hasNull?: boolean }).hasNull = ix.slots.some((s) => row[s] === null);
    }
  }
  entries.sort((a, b) => compareBytes(a.key, b.key));
  if (ix.unique) {
    for (let i = 1; i < entries.length; i++) {
      const a = entries[i - 1] as TreeEntry & { prefix: Uint8Array; hasNull: boolean };
      const b = entries[i] as TreeEntry & { prefix: Uint8Array; hasNull: boolean };
      if (!a.hasNull && compareBytes(a.prefix, b.prefix) === 0) {
        const cols = ix.slots.map((s) => `${info.name}.${info.columns[s]!.name}`).join(', ');
        throw new ConstraintError('UNIQUE', `UNIQUE constraint failed: ${cols}`);
      }
    }
  }
  return ProllyTree.build(ns, entries.map((e) => ({ key: e.key, value: e.value })));
}

/** A table's state after a schema change, with `rebuild` index trees built from its rows. */
function withSchema(ctx: DdlContext, ts: TableState, schema: TableSchema, rebuild: string[]): TableState {
  const info = new TableInfo(schema);
  const cur = ts.fork();
  const trees = new Map<string, ProllyTree | import('../../objects/index.js').Tree>();
  for (const ix of info.indexes) {
    const old = cur.indexes.get(ix.key);
    if (old && !rebuild.includes(ix.key)) trees.set(ix.key, old.tree);
    else trees.set(ix.key, buildIndexTree(ctx.ns, cur, info, ix.key));
  }
  return new TableState(info, cur.rows, trees, cur.autoIncrement, undefined, undefined);
}

export function createIndex(ctx: DdlContext, stmt: CreateIndexStmt): void {
  const { tx } = ctx;
  const key = stmt.name.toLowerCase();
  const taken = nameTaken(tx, key);
  if (taken) {
    if (stmt.ifNotExists && taken === 'index') return;
    throw new SqlError('SQL_ERROR', taken === 'index' ? `index ${stmt.name} already exists` : `there is already a ${taken} named ${stmt.name}`);
  }
  reserved(stmt.name);
  const tkey = stmt.table.toLowerCase();
  const info = tx.tableInfo(tkey);
  if (!info) {
    if (tx.view(tkey)) throw new SqlError('SQL_ERROR', `views may not be indexed`);
    throw new SqlError('SQL_ERROR', `no such table: ${stmt.table}`);
  }
  const ix: IndexSchema = buildIndexSchema(stmt, info.schema);
  const schema: TableSchema = { ...info.schema, indexes: [...info.schema.indexes, ix] };
  const ts = tx.table(tkey);
  tx.replaceTable(tkey, withSchema(ctx, ts, schema, [key]));
}

export function drop(ctx: DdlContext, stmt: DropStmt): void {
  const { tx } = ctx;
  const key = stmt.name.toLowerCase();
  switch (stmt.objectType) {
    case 'table': {
      if (!tx.tableInfo(key)) {
        if (stmt.ifExists) return;
        if (tx.view(key)) throw new SqlError('SQL_ERROR', `use DROP VIEW to delete view ${stmt.name}`);
        throw new SqlError('SQL_ERROR', `no such table: ${stmt.name}`);
      }
      if (/^sqlite_/i.test(stmt.name)) throw new SqlError('SQL_ERROR', `table ${stmt.name} may not be dropped`);
      tx.dropTable(key);
      return;
    }
    case 'index': {
      const owner = indexOwner(tx, key);
      if (!owner) {
        if (stmt.ifExists) return;
        throw new SqlError('SQL_ERROR', `no such index: ${stmt.name}`);
      }
      const ix = owner.info.index(key)!;
      if (ix.schema.origin !== 'create') {
        throw new SqlError('SQL_ERROR', 'index associated with UNIQUE or PRIMARY KEY constraint cannot be dropped');
      }
      const schema: TableSchema = { ...owner.info.schema, indexes: owner.info.schema.indexes.filter((i) => i.name.toLowerCase() !== key) };
      tx.replaceTable(owner.info.key, withSchema(ctx, owner, schema, []));
      return;
    }
    case 'view': {
      if (!tx.view(key)) {
        if (stmt.ifExists) return;
        if (tx.tableInfo(key)) throw new SqlError('SQL_ERROR', `use DROP TABLE to delete table ${stmt.name}`);
        throw new SqlError('SQL_ERROR', `no such view: ${stmt.name}`);
      }
      tx.setView(key, undefined);
      return;
    }
    case 'trigger': {
      if (!tx.trigger(key)) {
        if (stmt.ifExists) return;
        throw new SqlError('SQL_ERROR', `no such trigger: ${stmt.name}`);
      }
      tx.dropTrigger(key);
      return;
    }
  }
}

export function createView(ctx: DdlContext, stmt: CreateViewStmt): void {
  const { tx } = ctx;
  const key = stmt.name.toLowerCase();
  const taken = nameTaken(tx, key);
  if (taken) {
    if (stmt.ifNotExists) return;
    throw new SqlError('SQL_ERROR', `${taken} ${stmt.name} already exists`);
  }
  reserved(stmt.name);
  // Validate: the query must plan against the current schema.
  const pq = ctx.planner().planQuery(stmt.query, { nameParent: undefined, lexicalParent: undefined, depth: 0, ctes: undefined });
  if (stmt.columns && stmt.columns.length !== pq.plan.columns.length) {
    throw new SqlError('SQL_ERROR', `expected ${stmt.columns.length} columns for '${stmt.name}' but got ${pq.plan.columns.length}`);
  }
  tx.setView(key, { name: stmt.name, sql: stmt.sql });
}

export function createTrigger(ctx: DdlContext, stmt: CreateTriggerStmt): void {
  const { tx } = ctx;
  const key = stmt.name.toLowerCase();
  if (tx.trigger(key)) {
    if (stmt.ifNotExists) return;
    throw new SqlError('SQL_ERROR', `trigger ${stmt.name} already exists`);
  }
  const tkey = stmt.table.toLowerCase();
  if (!tx.tableInfo(tkey)) {
    if (tx.view(tkey) && stmt.timing !== 'INSTEAD OF') throw new SqlError('SQL_ERROR', `cannot create ${stmt.timing} trigger on view: ${stmt.table}`);
    if (!tx.view(tkey)) throw new SqlError('SQL_ERROR', `no such table: main.${stmt.table}`);
  } else if (stmt.timing === 'INSTEAD OF') {
    throw new SqlError('SQL_ERROR', `cannot create INSTEAD OF trigger on table: ${stmt.table}`);
  }
  tx.setTrigger(key, { name: stmt.name, table: tkey, sql: stmt.sql });
}

export function alterTable(ctx: DdlContext, stmt: AlterTableStmt): void {
  const { tx } = ctx;
  const key = stmt.table.toLowerCase();
  const info = tx.tableInfo(key);
  if (!info) throw new SqlError('SQL_ERROR', `no such table: ${stmt.table}`);
  const ts = tx.table(key);
  const s = info.schema;
  const a = stmt.action;
  switch (a.kind) {
    case 'renameTable': {
      const nk = a.to.toLowerCase();
      if (nk !== key && nameTaken(tx, nk)) throw new SqlError('SQL_ERROR', `there is already another table or index with this name: ${a.to}`);
      reserved(a.to);
      const schema: TableSchema = { ...s, name: a.to, sql: s.sql.replace(/^(\s*CREATE\s+(?:TEMP\w*\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?)("(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|[^\s(]+)/i, `$1"${a.to.replace(/"/g, '""')}"`) };
      const moved = withSchema(ctx, ts, schema, []);
      tx.dropTable(key);
      tx.replaceTable(nk, moved);
      return;
    }
    case 'addColumn': {
      const def = a.column;
      if (info.columnSlot(def.name) >= 0) throw new SqlError('SQL_ERROR', `duplicate column name: ${def.name}`);
      const type = typeNameText(def.type);
      const col: TableSchema['columns'][number] = { tag: s.nextTag, name: def.name, type, affinity: affinityOf(type), notNull: false };
      for (const c of def.constraints) {
        if (c.kind === 'primaryKey' || c.kind === 'unique') throw new SqlError('SQL_ERROR', `Cannot add a ${c.kind === 'primaryKey' ? 'PRIMARY KEY' : 'UNIQUE'} column`);
        if (c.kind === 'notNull') col.notNull = true;
        if (c.kind === 'default') col.default = c.text;
        if (c.kind === 'collate') col.collation = c.collation.toUpperCase();
        if (c.kind === 'generated') throw new SqlError('SQL_ERROR', 'generated columns are not supported yet');
      }
      if (col.notNull && col.default === undefined && ts.reader().count > 0) throw new SqlError('SQL_ERROR', 'Cannot add a NOT NULL column with default value NULL');
      if (col.default !== undefined && ts.reader().count > 0 && !/^\s*null\s*$/i.test(col.default)) {
        throw new SqlError('SQL_ERROR', 'ADD COLUMN with a non-NULL DEFAULT on a non-empty table is not supported yet');
      }
      const schema: TableSchema = { ...s, columns: [...s.columns, col], nextTag: s.nextTag + 1, sql: s.sql.replace(/\)\s*$/, `, ${stmt.sql.replace(/^[\s\S]*?\bADD\s+(?:COLUMN\s+)?/i, '')})`) };
      tx.replaceTable(key, withSchema(ctx, ts, schema, []));
      return;
    }
    case 'renameColumn': {
      const slot = info.columnSlot(a.from);
      if (slot < 0) throw new SqlError('SQL_ERROR', `no such column: "${a.from}"`);
      if (info.columnSlot(a.to) >= 0 && a.to.toLowerCase() !== a.from.toLowerCase()) throw new SqlError('SQL_ERROR', `duplicate column name: ${a.to}`);
      const columns = s.columns.map((c, i) => (i === slot ? { ...c, name: a.to } : c));
      tx.replaceTable(key, withSchema(ctx, ts, { ...s, columns }, []));
      return;
    }
    case 'dropColumn': {
      const slot = info.columnSlot(a.name);
      if (slot < 0) {
        if (a.ifExists) return;
        throw new SqlError('SQL_ERROR', `no such column: "${a.name}"`);
      }
      const tag = s.columns[slot]!.tag;
      if (s.primaryKey.some((k) => k.tag === tag)) throw new SqlError('SQL_ERROR', `cannot drop PRIMARY KEY column: "${a.name}"`);
      if (s.indexes.some((i) => i.columns.some((k) => k.tag === tag))) throw new SqlError('SQL_ERROR', `cannot drop indexed column: "${a.name}"`);
      if (info.keyless) throw new SqlError('SQL_ERROR', 'DROP COLUMN on a table without a primary key is not supported yet');
      const columns = s.columns.filter((_, i) => i !== slot);
      tx.replaceTable(key, withSchema(ctx, ts, { ...s, columns }, []));
      return;
    }
    default:
      throw new SqlError('SQL_ERROR', `ALTER TABLE ${a.kind} is not supported yet`);
  }
}
