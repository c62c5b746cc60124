/**
 * `ExecEnv`: the per-statement runtime state that compiled expressions and operators close
 * over — bound parameters, the outer-row frames of correlated subqueries, the transaction the
 * statement reads and writes, the statement clock and the session counters behind
 * `changes()`, `total_changes()` and `last_insert_rowid()`.
 *
 * A compiled plan is bound to one `ExecEnv`; each execution sets `params`/`tx` and bumps
 * `execId` (which invalidates cached uncorrelated subquery results).
 */
import type { SqlValue } from '../../objects/index.js';
import type { FunctionContext } from '../functions/index.js';
import type { TableState } from '../storage/table-state.js';
import type { Row } from './types.js';
import { SqlError } from '../../errors/index.js';

/** Table access of the running transaction. */
export interface TxnAccess {
  /** The state of table `key` (lower-cased name); throws when it does not exist. */
  table(key: string): TableState;
  /** Rows of `sqlite_schema` for the transaction's current schema. */
  schemaRows(): Row[];
}

export interface SessionCounters {
  changes: number;
  totalChanges: number;
  lastInsertRowid: bigint;
}

export class ExecEnv implements FunctionContext {
  params: SqlValue[] = [];
  frames: Row[] = [];
  execId = 0;
  private txAccess: TxnAccess | undefined;
  private clock: Date | undefined;
  counters: SessionCounters;

  constructor(counters: SessionCounters) {
    this.counters = counters;
  }

  get tx(): TxnAccess {
    if (!this.txAccess) throw new SqlError('INTERNAL', 'statement executed outside a transaction');
    return this.txAccess;
  }

  /** Prepare for one execution. */
  begin(tx: TxnAccess, params: SqlValue[]): void {
    this.txAccess = tx;
    this.params = params;
    this.clock = undefined;
    this.execId++;
  }

  end(): void {
    this.txAccess = undefined;
  }

  now(): Date {
    return (this.clock ??= new Date());
  }
  changes(): bigint {
    return BigInt(this.counters.changes);
  }
  totalChanges(): bigint {
    return BigInt(this.counters.totalChanges);
  }
  lastInsertRowid(): bigint {
    return this.counters.lastInsertRowid;
  }
}
