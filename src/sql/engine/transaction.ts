/**
 * `Transaction`: one snapshot of the database plus this transaction's changes.
 *
 * - Reads see the snapshot root the transaction started from (snapshot isolation) and the
 *   transaction's own writes (TreeEditor overlays on private copies of the touched tables).
 * - DDL changes the transaction's private catalog (tables, views, triggers); `schemaKey`
 *   changes with it so cached plans are recompiled.
 * - Every change is recorded in the undo log: a failed statement is rolled back to the mark
 *   taken before it, and savepoints are marks too.
 * - `buildRoot()` turns the final state into new Table/Root objects (pending chunks in the
 *   NodeStore); the engine flushes and publishes it.
 */
import { SqlError } from '../../errors/index.js';
import type { CID } from '../../hash/index.js';
import {
  encodeRootObject,
  ProllyTree,
  type NodeStore,
  type TableSchema,
  type TriggerObject,
  type ViewObject,
} from '../../objects/index.js';
import { Catalog, schemaRows, storedTable, type SchemaCache, type SchemaSource } from '../catalog/catalog.js';
import type { TxnAccess } from '../exec/env.js';
import type { Row } from '../exec/types.js';
import { TableInfo } from '../storage/table-info.js';
import { TableState } from '../storage/table-state.js';
import { UndoLog } from '../storage/undo-log.js';
import { RowWriter } from '../storage/row-writer.js';

let nextTxnId = 1;

export class Transaction implements TxnAccess, SchemaSource {
  readonly id = nextTxnId++;
  readonly base: Catalog;
  readonly undo = new UndoLog();
  readonly writer: RowWriter;
  /** Tables forked for writing (private TableStates); others are read from `base`. */
  private tables: Map<string, TableState> | undefined;
  private views: Map<string, ViewObject> | undefined;
  private triggers: Map<string, TriggerObject> | undefined;
  private ddl = 0;
  /** Something was written (rows or schema). */
  changed = false;
  /** SQL text of the statements that changed something (for commit messages). */
  readonly statements: string[] = [];
  /** Message and author for the commit this transaction becomes (versioned databases). */
  commitInfo: { message?: string; author?: string } = {};
  readonly savepoints: { name: string; mark: number }[] = [];
  /** `PRAGMA defer_foreign_keys = ON`: every FK is checked at COMMIT (cleared when it ends). */
  deferForeignKeys = false;
  /**
   * Foreign-key checks postponed to COMMIT (deferred FKs): the FK and the parent-key values
   * that lacked a parent row when written. Candidates only — COMMIT re-checks each against
   * the final state, so rolled-back statements and savepoints leave nothing wrong behind.
   */
  readonly deferredFks: { child: string; fk: import('../../objects/index.js').ForeignKeySchema; vals: import('../../objects/index.js').SqlValue[] }[] = [];

  constructor(
    base: Catalog,
    private readonly ns: NodeStore,
  ) {
    this.base = base;
    this.writer = new RowWriter(this.undo);
  }

  // ---- SchemaSource ------------------------------------------------------------------------

  get schemaKey(): string {
    return this.ddl === 0 ? this.base.schemaKey : `${this.base.schemaKey}\u0002tx${this.id}.${this.ddl}`;
  }

  private tableMap(): Map<string, TableState> {
    return this.tables ?? this.base.tables;
  }

  tableInfo(key: string): TableInfo | undefined {
    return this.tableMap().get(key)?.info;
  }
  view(key: string): ViewObject | undefined {
    return (this.views ?? this.base.views).get(key);
  }
  tableKeys(): string[] {
    return [...this.tableMap().keys()];
  }
  viewKeys(): string[] {
    return [...(this.views ?? this.base.views).keys()];
  }
  triggerList(): TriggerObject[] {
    return [...(this.triggers ?? this.base.triggers).values()];
  }
  rowCount(key: string): number {
    return this.tableMap().get(key)?.reader().count ?? 0;
  }

  // ---- TxnAccess -----------------------------------------------------------------------------

  table(key: string): TableState {
    const t = this.tableMap().get(key);
    if (!t) throw new SqlError('NO_SUCH_TABLE', `no such table: ${key}`);
    return t;
  }

  schemaRows(): Row[] {
    return schemaRows(this.tableMap(), this.views ?? this.base.views, this.triggers ?? this.base.triggers);
  }

  // ---- writes --------------------------------------------------------------------------------

  private ownTables(): Map<string, TableState> {
    if (!this.tables) this.tables = new Map(this.base.tables);
    return this.tables;
  }

  /** The table's private, writable state (forked from the snapshot on first use). */
  tableForWrite(key: string): TableState {
    const tables = this.ownTables();
    const t = tables.get(key);
    if (!t) throw new SqlError('NO_SUCH_TABLE', `no such table: ${key}`);
    if (this.base.tables.get(key) === t) {
      const f = t.fork();
      tables.set(key, f);
      this.undo.action(() => {
        if (tables.get(key) === f) tables.set(key, t);
      });
      this.changed = true;
      return f;
    }
    this.changed = true;
    return t;
  }

  private schemaChanged(): void {
    const prev = this.ddl;
    this.ddl++;
    this.changed = true;
    this.undo.action(() => {
      // Restoring state makes the old schema valid again, but plans compiled in between must
      // not be reused: keep the key moving forward.
      void prev;
      this.ddl++;
    });
  }

  createTable(schema: TableSchema): TableState {
    const tables = this.ownTables();
    const key = schema.name.toLowerCase();
    const info = new TableInfo(schema);
    const empty = ProllyTree.empty(this.ns);
    const idx = new Map(info.storedIndexes.map((i) => [i.key, empty] as const));
    const ts = new TableState(info, empty, idx, 0n, undefined, undefined);
    tables.set(key, ts);
    this.undo.action(() => tables.delete(key));
    this.schemaChanged();
    return ts;
  }

  /** Replace a table's state (schema change with rebuilt trees). */
  replaceTable(key: string, ts: TableState): void {
    const tables = this.ownTables();
    const prev = tables.get(key);
    tables.set(key, ts);
    this.undo.action(() => {
      if (prev) tables.set(key, prev);
      else tables.delete(key);
    });
    this.schemaChanged();
  }

  dropTable(key: string): void {
    const tables = this.ownTables();
    const prev = tables.get(key);
    if (!prev) return;
    tables.delete(key);
    this.undo.action(() => tables.set(key, prev));
    const triggers = this.ownTriggers();
    for (const [k, t] of [...triggers]) if (t.table === key) this.dropTrigger(k);
    this.schemaChanged();
  }

  private ownViews(): Map<string, ViewObject> {
    if (!this.views) this.views = new Map(this.base.views);
    return this.views;
  }
  private ownTriggers(): Map<string, TriggerObject> {
    if (!this.triggers) this.triggers = new Map(this.base.triggers);
    return this.triggers;
  }

  setView(key: string, v: ViewObject | undefined): void {
    const views = this.ownViews();
    const prev = views.get(key);
    if (v) views.set(key, v);
    else views.delete(key);
    this.undo.action(() => {
      if (prev) views.set(key, prev);
      else views.delete(key);
    });
    this.schemaChanged();
  }

  trigger(key: string): TriggerObject | undefined {
    return (this.triggers ?? this.base.triggers).get(key);
  }

  setTrigger(key: string, t: TriggerObject): void {
    const triggers = this.ownTriggers();
    const prev = triggers.get(key);
    triggers.set(key, t);
    this.undo.action(() => {
      if (prev) triggers.set(key, prev);
      else triggers.delete(key);
    });
    this.schemaChanged();
  }

  dropTrigger(key: string): void {
    const triggers = this.ownTriggers();
    const prev = triggers.get(key);
    if (!prev) return;
    triggers.delete(key);
    this.undo.action(() => triggers.set(key, prev));
    this.schemaChanged();
  }

  // ---- commit --------------------------------------------------------------------------------

  /**
   * Encode the transaction's final state as a new root (chunks pending in the NodeStore) and
   * the catalog that describes it. `undefined` when nothing changed.
   */
  buildRoot(cache: SchemaCache): { rootCid: CID; catalog: Catalog } | undefined {
    if (!this.changed) return undefined;
    const tables = this.tableMap();
    const rootTables: Record<string, CID> = {};
    const committed = new Map<string, TableState>();
    const keyParts: string[] = [];
    for (const [key, ts] of tables) {
      const state = storedTable(this.ns, cache, ts);
      rootTables[key] = state.tableCid!;
      committed.set(key, state);
      keyParts.push(`${key}=${state.schemaCid!.toString()}`);
    }
    const views = this.views ?? this.base.views;
    const triggers = this.triggers ?? this.base.triggers;
    const rootCid = this.ns.putBytes(
      encodeRootObject({ tables: rootTables, views: Object.fromEntries(views), triggers: Object.fromEntries(triggers) }),
    );
    const schemaKey = this.ddl === 0 ? this.base.schemaKey : Catalog.computeKey(keyParts, views, triggers);
    return { rootCid, catalog: new Catalog(rootCid, committed, new Map(views), new Map(triggers), schemaKey) };
  }
}
