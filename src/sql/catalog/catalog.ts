/**
 * `Catalog`: the decoded, immutable view of one database root — every table's `TableInfo`
 * and trees (as shared, editor-less `TableState`s), views and triggers — plus `schemaKey`, a
 * string that changes exactly when the schema (tables, indexes, views, triggers) changes.
 * Plans are cached per (SQL text, schemaKey), so data-only commits never invalidate them.
 *
 * `SchemaSource` is what the binder needs to resolve names; both a committed `Catalog` and a
 * transaction (which may have run DDL) implement it.
 */
import { cidKey, type CID } from '../../hash/index.js';
import {
  ProllyTree,
  decodeRootObject,
  decodeTableObject,
  decodeTableSchema,
  encodeTableObject,
  encodeTableSchema,
  type NodeStore,
  type Tree,
  type TriggerObject,
  type ViewObject,
} from '../../objects/index.js';
import { TableInfo, ORDER_INDEX } from '../storage/table-info.js';
import { TableState } from '../storage/table-state.js';
import type { TxnAccess } from '../exec/env.js';
import type { Row } from '../exec/types.js';
import { SqlError } from '../../errors/index.js';

/** Rows of `sqlite_schema` (type, name, tbl_name, rootpage, sql) for a schema. */
export function schemaRows(tables: Map<string, TableState>, views: Map<string, ViewObject>, triggers: Map<string, TriggerObject>): Row[] {
  const rows: Row[] = [];
  for (const t of tables.values()) {
    const s = t.info.schema;
    rows.push(['table', s.name, s.name, 0n, s.sql]);
    for (const ix of s.indexes) rows.push(['index', ix.name, s.name, 0n, ix.sql ?? null]);
  }
  for (const v of views.values()) rows.push(['view', v.name, v.name, 0n, v.sql]);
  for (const t of triggers.values()) rows.push(['trigger', t.name, tables.get(t.table)?.info.name ?? t.table, 0n, t.sql]);
  return rows;
}

export interface SchemaSource {
  readonly schemaKey: string;
  rowCount(key: string): number;
  tableInfo(key: string): TableInfo | undefined;
  view(key: string): ViewObject | undefined;
  /** Lower-cased names. */
  tableKeys(): string[];
  viewKeys(): string[];
  triggerList(): TriggerObject[];
}

/**
 * The insertion-order index of a keyless table written before that index existed: rowids
 * 1…n in hash order, one per copy.
 */
function buildOrderIndex(ns: NodeStore, info: TableInfo, rows: Tree): Tree {
  const entries: { key: Uint8Array; value: Uint8Array }[] = [];
  let rowid = 0n;
  for (const e of rows.entries()) {
    const n = info.keylessCount(e.value);
    for (let i = 0; i < n; i++) entries.push({ key: info.orderKey(++rowid), value: e.key });
  }
  return ProllyTree.build(ns, entries);
}

/** Decoded schemas shared between catalogs, keyed by schema CID. */
export class SchemaCache {
  private map = new Map<string, { info: TableInfo; text: string }>();
  get(ns: NodeStore, cid: CID): { info: TableInfo; text: string } {
    const k = cidKey(cid);
    let e = this.map.get(k);
    if (!e) {
      const bytes = ns.getBytes(cid);
      e = { info: new TableInfo(decodeTableSchema(bytes)), text: cid.toString() };
      this.map.set(k, e);
    }
    return e;
  }
  remember(cid: CID, info: TableInfo): void {
    this.map.set(cidKey(cid), { info, text: cid.toString() });
  }
}

/**
 * `ts` with its table object written (pending chunks in `ns`): editors flushed, the schema
 * encoded if it changed (and remembered in `cache`), then the table object. A state that
 * already has its table object is returned as it is.
 */
export function storedTable(ns: NodeStore, cache: SchemaCache, ts: TableState): TableState {
  if (ts.tableCid !== undefined) return ts;
  const trees = ts.flush();
  let schemaCid = ts.schemaCid;
  if (!schemaCid) {
    schemaCid = ns.putBytes(encodeTableSchema(ts.info.schema));
    cache.remember(schemaCid, ts.info);
  }
  const indexes: Record<string, CID> = {};
  for (const [k, t] of trees.indexes) indexes[k] = t.root;
  const tableCid = ns.putBytes(encodeTableObject({ schema: schemaCid, rows: trees.rows.root, indexes, autoIncrement: ts.autoIncrement }));
  return new TableState(ts.info, trees.rows, trees.indexes, ts.autoIncrement, schemaCid, tableCid);
}

export class Catalog implements SchemaSource, TxnAccess {
  readonly rootCid: CID | undefined;
  readonly tables: Map<string, TableState>;
  readonly views: Map<string, ViewObject>;
  readonly triggers: Map<string, TriggerObject>;
  readonly schemaKey: string;

  constructor(
    rootCid: CID | undefined,
    tables: Map<string, TableState>,
    views: Map<string, ViewObject>,
    triggers: Map<string, TriggerObject>,
    schemaKey: string,
  ) {
    this.rootCid = rootCid;
    this.tables = tables;
    this.views = views;
    this.triggers = triggers;
    this.schemaKey = schemaKey;
  }

  static empty(): Catalog {
    return new Catalog(undefined, new Map(), new Map(), new Map(), 'empty');
  }

  /** Decode the root `rootCid` (synchronous reads through the NodeStore). */
  static load(ns: NodeStore, rootCid: CID, cache: SchemaCache): Catalog {
    const bytes = ns.getBytes(rootCid);
    const root = decodeRootObject(bytes);
    const tables = new Map<string, TableState>();
    const keyParts: string[] = [];
    for (const [name, tcid] of Object.entries(root.tables)) {
      const tobj = decodeTableObject(ns.getBytes(tcid));
      const s = cache.get(ns, tobj.schema);
      const idx = new Map<string, Tree>();
      for (const [iname, icid] of Object.entries(tobj.indexes)) idx.set(iname, ProllyTree.load(ns, icid));
      if (s.info.orderIndex && !idx.has(ORDER_INDEX)) idx.set(ORDER_INDEX, buildOrderIndex(ns, s.info, ProllyTree.load(ns, tobj.rows)));
      tables.set(name, new TableState(s.info, ProllyTree.load(ns, tobj.rows), idx, tobj.autoIncrement, tobj.schema, tcid));
      keyParts.push(`${name}=${s.text}`);
    }
    const views = new Map(Object.entries(root.views));
    const triggers = new Map(Object.entries(root.triggers));
    return new Catalog(rootCid, tables, views, triggers, Catalog.computeKey(keyParts, views, triggers));
  }

  static computeKey(tableParts: string[], views: Map<string, ViewObject>, triggers: Map<string, TriggerObject>): string {
    const parts = [...tableParts].sort();
    for (const [k, v] of [...views].sort((a, b) => (a[0] < b[0] ? -1 : 1))) parts.push(`v:${k}=${v.sql}`);
    for (const [k, t] of [...triggers].sort((a, b) => (a[0] < b[0] ? -1 : 1))) parts.push(`t:${k}=${t.sql}`);
    return parts.join('\u0001');
  }

  tableInfo(key: string): TableInfo | undefined {
    return this.tables.get(key)?.info;
  }
  /** Read access for statements that run on the committed state directly (autocommit reads). */
  table(key: string): TableState {
    const t = this.tables.get(key);
    if (!t) throw new SqlError('NO_SUCH_TABLE', `no such table: ${key}`);
    return t;
  }
  rowCount(key: string): number {
    return this.tables.get(key)?.rows.count ?? 0;
  }
  schemaRows(): Row[] {
    return schemaRows(this.tables, this.views, this.triggers);
  }
  view(key: string): ViewObject | undefined {
    return this.views.get(key);
  }
  tableKeys(): string[] {
    return [...this.tables.keys()];
  }
  viewKeys(): string[] {
    return [...this.views.keys()];
  }
  triggerList(): TriggerObject[] {
    return [...this.triggers.values()];
  }
}
