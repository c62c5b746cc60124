/**
 * Schema statements run against a transaction: CREATE/DROP TABLE, CREATE/DROP INDEX (building
 * the index tree from the table's rows, checking UNIQUE), CREATE/DROP VIEW (validated by
 * planning its query), CREATE/DROP TRIGGER (stored; `triggers.ts` fires them); ALTER TABLE is
 * in `alter.ts`.
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
import { alterTableImpl, type AlterHelpers } from './alter.js';
import { prepareIndexCompute } from './index-compute.js';
import { EngineHooks } from './write-hooks.js';
import type { Transaction } from './transaction.js';

export type { DdlContext } from './ddl-context.js';
import type { DdlContext } from './ddl-context.js';

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

/** The error code of "an object named … already exists", by what holds the name. */
function existsCode(taken: string): string {
  return taken === 'index' ? 'INDEX_EXISTS' : taken === 'view' ? 'VIEW_EXISTS' : 'TABLE_EXISTS';
}

function reserved(name: string): void {
  if (/^sqlite_/i.test(name)) throw new SqlError('RESERVED_NAME', `object name reserved for internal use: ${name}`);
}

export function createTable(ctx: DdlContext, stmt: CreateTableStmt): void {
  const { tx } = ctx;
  const key = stmt.name.toLowerCase();
  if (stmt.schema && !['main', 'temp'].includes(stmt.schema.toLowerCase())) throw new SqlError('NO_SUCH_DATABASE', `unknown database ${stmt.schema}`);
  const taken = nameTaken(tx, key);
  if (taken) {
    if (stmt.ifNotExists && taken === 'table') return;
    if (stmt.ifNotExists && taken !== 'index') return;
    throw new SqlError(existsCode(taken), `${taken === 'index' ? 'there is already an index named' : taken + ''} ${stmt.name}${taken === 'index' ? '' : ' already exists'}`);
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

/**
 * Every stored row of `ts` decoded with `info` (a schema with the same row layout), with its
 * stored key; keyless tables yield one row per copy, in rowid order, with the rowid slot set.
 * The yielded row buffer is reused.
 */
export function* tableRows(ts: TableState, info: TableInfo): Generator<{ row: Row; key: Uint8Array }> {
  const row: Row = new Array(info.width).fill(null);
  const map = info.slotMapAt(0);
  if (info.keyless && ts.info.orderIndex) {
    const rows = ts.reader();
    for (const e of ts.indexReader(ts.info.orderIndex.key).entries()) {
      const v = rows.get(e.value);
      if (v === undefined) continue;
      info.decodeInto(e.value, v, row, 0, map);
      row[info.rowidSlot] = ts.info.rowidOfIndexKey(e.key);
      yield { row, key: e.value };
    }
    return;
  }
  for (const e of ts.reader().entries()) {
    info.decodeInto(e.key, e.value, row, 0, map);
    yield { row, key: e.key };
  }
}

/** Build an index tree over the rows of `ts`. Throws on a UNIQUE violation. */
function buildIndexTree(ctx: DdlContext, ts: TableState, info: TableInfo, ixKey: string): ProllyTree {
  const ix = info.index(ixKey)!;
  if (ix.computed) prepareIndexCompute(info, () => ctx.planner());
  const entries: (TreeEntry & { prefix?: Uint8Array; hasNull?: boolean })[] = [];
  for (const { row, key } of tableRows(ts, info)) {
    if (ix.computed && !info.inIndex(ix, row)) continue;
    const e: TreeEntry & { prefix?: Uint8Array; hasNull?: boolean } = { key: info.indexKey(ix, row, key), value: key };
    if (ix.unique) {
      // remember the prefix for the duplicate check below
      e.prefix = info.indexPrefix(ix, row);
      e.hasNull = info.indexHasNull(ix, row);
    }
    entries.push(e);
  }
  entries.sort((a, b) => compareBytes(a.key, b.key));
  if (ix.unique) {
    for (let i = 1; i < entries.length; i++) {
      const a = entries[i - 1]!;
      const b = entries[i]!;
      if (!a.hasNull && compareBytes(a.prefix!, b.prefix!) === 0) {
        if (ix.slots.includes(-1)) throw new ConstraintError('UNIQUE', `UNIQUE constraint failed: index '${ix.schema.name}'`);
        const cols = ix.slots.map((s) => `${info.name}.${info.columns[s]!.name}`).join(', ');
        throw new ConstraintError('UNIQUE', `UNIQUE constraint failed: ${cols}`);
      }
    }
  }
  return ProllyTree.build(ctx.ns, entries.map((e) => ({ key: e.key, value: e.value })));
}

/** A table's state after a schema change, with `rebuild` index trees built from its rows. */
function withSchema(ctx: DdlContext, ts: TableState, schema: TableSchema, rebuild: string[]): TableState {
  const info = new TableInfo(schema);
  const cur = ts.fork();
  const trees = new Map<string, ProllyTree | import('../../objects/index.js').Tree>();
  for (const ix of info.storedIndexes) {
    const old = cur.indexes.get(ix.key);
    if (old && !rebuild.includes(ix.key)) trees.set(ix.key, old.tree);
    else trees.set(ix.key, buildIndexTree(ctx, cur, info, ix.key));
  }
  return new TableState(info, cur.rows, trees, cur.autoIncrement, undefined, undefined);
}

export function createIndex(ctx: DdlContext, stmt: CreateIndexStmt): void {
  const { tx } = ctx;
  const key = stmt.name.toLowerCase();
  const taken = nameTaken(tx, key);
  if (taken) {
    if (stmt.ifNotExists && taken === 'index') return;
    throw new SqlError(existsCode(taken), taken === 'index' ? `index ${stmt.name} already exists` : `there is already a ${taken} named ${stmt.name}`);
  }
  reserved(stmt.name);
  const tkey = stmt.table.toLowerCase();
  const info = tx.tableInfo(tkey);
  if (!info) {
    if (tx.view(tkey)) throw new SqlError('VIEW_NOT_INDEXABLE', `views may not be indexed`);
    throw new SqlError('NO_SUCH_TABLE', `no such table: ${stmt.table}`);
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
        if (tx.view(key)) throw new SqlError('WRONG_OBJECT_TYPE', `use DROP VIEW to delete view ${stmt.name}`);
        throw new SqlError('NO_SUCH_TABLE', `no such table: ${stmt.name}`);
      }
      if (/^sqlite_/i.test(stmt.name)) throw new SqlError('RESERVED_NAME', `table ${stmt.name} may not be dropped`);
      // As SQLite with foreign keys on: an implicit DELETE of every row first, applying the
      // ON DELETE actions of other tables' foreign keys (no triggers fire).
      const hooks = tx.writer.hooks;
      if (hooks instanceof EngineHooks && hooks.fks.referencing(tx, key).some((r) => r.child !== key)) {
        const ts = tx.table(key);
        const rows: Row[] = [];
        for (const r of tableRows(ts, ts.info)) rows.push(r.row.slice());
        for (const row of rows) hooks.fks.parentDeleted(tx, tx.writer, ts.info, row, key);
      }
      tx.dropTable(key);
      return;
    }
    case 'index': {
      const owner = indexOwner(tx, key);
      if (!owner) {
        if (stmt.ifExists) return;
        throw new SqlError('NO_SUCH_INDEX', `no such index: ${stmt.name}`);
      }
      const ix = owner.info.index(key)!;
      if (ix.schema.origin !== 'create') {
        throw new SqlError('CANNOT_DROP_INDEX', 'index associated with UNIQUE or PRIMARY KEY constraint cannot be dropped');
      }
      const schema: TableSchema = { ...owner.info.schema, indexes: owner.info.schema.indexes.filter((i) => i.name.toLowerCase() !== key) };
      tx.replaceTable(owner.info.key, withSchema(ctx, owner, schema, []));
      return;
    }
    case 'view': {
      if (!tx.view(key)) {
        if (stmt.ifExists) return;
        if (tx.tableInfo(key)) throw new SqlError('WRONG_OBJECT_TYPE', `use DROP TABLE to delete table ${stmt.name}`);
        throw new SqlError('NO_SUCH_VIEW', `no such view: ${stmt.name}`);
      }
      tx.setView(key, undefined);
      for (const t of tx.triggerList()) if (t.table === key) tx.dropTrigger(t.name.toLowerCase());
      return;
    }
    case 'trigger': {
      if (!tx.trigger(key)) {
        if (stmt.ifExists) return;
        throw new SqlError('NO_SUCH_TRIGGER', `no such trigger: ${stmt.name}`);
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
    throw new SqlError(existsCode(taken), `${taken} ${stmt.name} already exists`);
  }
  reserved(stmt.name);
  // Validate: the query must plan against the current schema.
  const pq = ctx.planner().planQuery(stmt.query, { nameParent: undefined, lexicalParent: undefined, depth: 0, ctes: undefined });
  if (stmt.columns && stmt.columns.length !== pq.plan.columns.length) {
    throw new SqlError('COLUMN_COUNT_MISMATCH', `expected ${stmt.columns.length} columns for '${stmt.name}' but got ${pq.plan.columns.length}`);
  }
  tx.setView(key, { name: stmt.name, sql: stmt.sql });
}

export function createTrigger(ctx: DdlContext, stmt: CreateTriggerStmt): void {
  const { tx } = ctx;
  const key = stmt.name.toLowerCase();
  if (tx.trigger(key)) {
    if (stmt.ifNotExists) return;
    throw new SqlError('TRIGGER_EXISTS', `trigger ${stmt.name} already exists`);
  }
  const tkey = stmt.table.toLowerCase();
  if (!tx.tableInfo(tkey)) {
    if (tx.view(tkey) && stmt.timing !== 'INSTEAD OF') throw new SqlError('INVALID_TRIGGER', `cannot create ${stmt.timing} trigger on view: ${stmt.table}`);
    if (!tx.view(tkey)) throw new SqlError('NO_SUCH_TABLE', `no such table: main.${stmt.table}`);
  } else if (stmt.timing === 'INSTEAD OF') {
    throw new SqlError('INVALID_TRIGGER', `cannot create INSTEAD OF trigger on table: ${stmt.table}`);
  }
  tx.setTrigger(key, { name: stmt.name, table: tkey, sql: stmt.sql });
}

export function alterTable(ctx: DdlContext, stmt: AlterTableStmt): void {
  const helpers: AlterHelpers = {
    nameTaken: (k) => nameTaken(ctx.tx, k),
    reserved,
    withSchema: (ts, schema, rebuild) => withSchema(ctx, ts, schema, rebuild),
    buildIndex: (ts, info, ixKey) => buildIndexTree(ctx, ts, info, ixKey),
    tableRows,
  };
  alterTableImpl(ctx, helpers, stmt);
}
