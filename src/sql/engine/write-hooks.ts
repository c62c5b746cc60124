/**
 * `EngineHooks`: the `WriteHooks` a transaction's `RowWriter` runs around every row write —
 * triggers (`triggers.ts`) and FOREIGN KEY checks and actions (`foreign-keys.ts`). Order per
 * row, as in SQLite: BEFORE triggers → the write (UNIQUE checks) → FK check of the new row and
 * FK actions on the children of a changed/deleted parent → AFTER triggers.
 *
 * The statement compiler installs them before a writing statement runs; a table without
 * triggers and foreign keys pays one cached lookup per row. The first write to a table also
 * installs the evaluators of its partial / expression indexes (`index-compute.ts`).
 */
import type { SqlValue } from '../../objects/index.js';
import type { Statement } from '../ast.js';
import type { Row } from '../exec/types.js';
import type { WriteHooks } from '../storage/row-writer.js';
import type { TableState } from '../storage/table-state.js';
import type { TableInfo } from '../storage/table-info.js';
import { ForeignKeys } from './foreign-keys.js';
import { prepareIndexCompute } from './index-compute.js';
import type { Planner } from '../planner/planner.js';
import { TriggerRuntime, type StatementRunner } from './triggers.js';
import type { Transaction } from './transaction.js';

export class EngineHooks implements WriteHooks {
  readonly triggers: TriggerRuntime;
  readonly fks: ForeignKeys;
  private activeCache = new Map<TableInfo, { key: string; fk: boolean; trig: boolean }>();

  constructor(
    private readonly tx: Transaction,
    parse: (sql: string) => Statement,
    run: StatementRunner,
    defaultOf: (info: TableInfo, slot: number) => SqlValue,
    private readonly planner: () => Planner,
  ) {
    this.triggers = new TriggerRuntime(parse, run);
    this.fks = new ForeignKeys(defaultOf);
  }

  private state(ts: TableState): { fk: boolean; trig: boolean } {
    const key = this.tx.schemaKey;
    let e = this.activeCache.get(ts.info);
    if (!e || e.key !== key) {
      prepareIndexCompute(ts.info, this.planner);
      e = { key, fk: this.fks.involves(this.tx, ts.info), trig: this.triggers.hasTriggers(this.tx, ts.info.key) };
      this.activeCache.set(ts.info, e);
    }
    return e;
  }

  active(ts: TableState): boolean {
    const s = this.state(ts);
    return s.fk || s.trig;
  }

  beforeInsert(ts: TableState, row: Row): boolean {
    return !this.state(ts).trig || this.triggers.fire(this.tx, ts.info, 'BEFORE', 'INSERT', undefined, row);
  }
  afterInsert(ts: TableState, row: Row): void {
    const s = this.state(ts);
    if (s.fk) this.fks.checkChild(this.tx, ts.info, row);
    if (s.trig) this.triggers.fire(this.tx, ts.info, 'AFTER', 'INSERT', undefined, row);
  }
  beforeUpdate(ts: TableState, oldRow: Row, newRow: Row): boolean {
    return !this.state(ts).trig || this.triggers.fire(this.tx, ts.info, 'BEFORE', 'UPDATE', oldRow, newRow);
  }
  afterUpdate(ts: TableState, oldRow: Row, newRow: Row): void {
    const s = this.state(ts);
    if (s.fk) {
      this.fks.checkChild(this.tx, ts.info, newRow, oldRow);
      this.fks.parentUpdated(this.tx, this.tx.writer, ts.info, oldRow, newRow);
    }
    if (s.trig) this.triggers.fire(this.tx, ts.info, 'AFTER', 'UPDATE', oldRow, newRow);
  }
  beforeDelete(ts: TableState, row: Row): boolean {
    return !this.state(ts).trig || this.triggers.fire(this.tx, ts.info, 'BEFORE', 'DELETE', row, undefined);
  }
  afterDelete(ts: TableState, row: Row): void {
    const s = this.state(ts);
    if (s.fk) this.fks.parentDeleted(this.tx, this.tx.writer, ts.info, row);
    if (s.trig) this.triggers.fire(this.tx, ts.info, 'AFTER', 'DELETE', row, undefined);
  }
  removed(ts: TableState, row: Row): void {
    if (this.state(ts).fk) this.fks.parentDeleted(this.tx, this.tx.writer, ts.info, row);
  }
}
