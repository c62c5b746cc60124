/**
 * Trigger execution: CREATE TRIGGER … BEFORE | AFTER INSERT | UPDATE [OF cols] | DELETE ON t
 * [FOR EACH ROW] [WHEN cond] BEGIN … END fires once per written row.
 *
 * - A trigger's text is parsed once; each body statement (and WHEN) is compiled once per
 *   schema key with every `NEW.col` / `OLD.col` replaced by a parameter, then run with the
 *   row's values. (So NEW/OLD values carry no column affinity in comparisons — as a bound
 *   parameter would not.)
 * - `UPDATE OF cols`: fires when one of the columns' value changed (SQLite: when the column is
 *   named in the SET list — equal rewrites fire there, not here; documented difference).
 * - RAISE(IGNORE) in a BEFORE trigger skips the row; in an AFTER trigger it ends the trigger.
 *   RAISE(ABORT | FAIL | ROLLBACK, msg) fails the statement with code `CONSTRAINT_TRIGGER`
 *   and message msg: ABORT undoes the statement, FAIL keeps its changes made before the
 *   failure, ROLLBACK ends (undoes) the whole transaction — as SQLite (marked on the error,
 *   src/sql/exec/failure-resolution.ts).
 * - Recursion: as SQLite with recursive_triggers off, a trigger does not fire again while it
 *   is already running; nesting of different triggers is limited to `MAX_TRIGGER_DEPTH`
 *   (error `TRIGGER_DEPTH`).
 * - INSTEAD OF triggers on views are run by `fireInsteadOf` (the DML layer calls it).
 */
import { SqlError } from '../../errors/index.js';
import type { SqlValue } from '../../objects/index.js';
import type { CreateTriggerStmt, Expr, Statement } from '../ast.js';
import type { Row } from '../exec/types.js';
import { truthy } from '../values/index.js';
import type { TableInfo } from '../storage/table-info.js';
import type { Transaction } from './transaction.js';

export const MAX_TRIGGER_DEPTH = 100;

/**
 * Runs one statement with parameter values on the transaction (compiled once per cache key);
 * returns the first column of the first row a query yields (all rows are consumed).
 */
export type StatementRunner = (stmt: Statement, tx: Transaction, params: SqlValue[], cacheKey: string) => SqlValue | undefined;

interface Ref {
  which: 'new' | 'old';
  name: string;
}

interface CompiledTrigger {
  name: string;
  def: CreateTriggerStmt;
  /** Body statements and WHEN with NEW/OLD replaced by parameters 1…refs.length. */
  body: Statement[];
  when: Statement | undefined;
  refs: Ref[];
}

/** Deep copy of an AST value, replacing NEW.x / OLD.x column references by parameters. */
function substitute(v: unknown, refs: Ref[], index: Map<string, number>): unknown {
  if (Array.isArray(v)) return v.map((x) => substitute(x, refs, index));
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v;
  const o = v as Record<string, unknown>;
  if (o.kind === 'column' && typeof o.table === 'string' && o.schema === undefined) {
    const t = o.table.toLowerCase();
    if (t === 'new' || t === 'old') {
      const name = String(o.name);
      const k = `${t}.${name.toLowerCase()}`;
      let i = index.get(k);
      if (i === undefined) {
        refs.push({ which: t, name });
        i = refs.length;
        index.set(k, i);
      }
      return { kind: 'param', index: i };
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, x] of Object.entries(o)) out[key] = substitute(x, refs, index);
  return out;
}

function rowidName(n: string): boolean {
  return /^(rowid|oid|_rowid_)$/i.test(n);
}

/** Parsed triggers by name and text (shared: parsing is pure). */
const parsedTriggers = new Map<string, CompiledTrigger>();

export class TriggerRuntime {
  private compiled = parsedTriggers;
  private readonly active = new Set<string>();
  private depth = 0;

  constructor(
    private readonly parse: (sql: string) => Statement,
    private readonly run: StatementRunner,
  ) {}

  private compile(tx: Transaction, key: string): CompiledTrigger {
    const t = tx.trigger(key)!;
    const ck = `${key}\u0000${t.sql}`;
    let c = this.compiled.get(ck);
    if (c) return c;
    const def = this.parse(t.sql);
    if (def.kind !== 'createTrigger') throw new SqlError('INVALID_TRIGGER', `malformed trigger ${t.name}`);
    const refs: Ref[] = [];
    const index = new Map<string, number>();
    const body = def.body.map((s) => substitute(s, refs, index) as Statement);
    let when: Statement | undefined;
    if (def.when) {
      const w = substitute(def.when, refs, index) as Expr;
      when = {
        kind: 'select',
        sql: `SELECT (${t.sql})`,
        query: { kind: 'query', body: { kind: 'select', distinct: false, columns: [{ kind: 'expr', expr: w, text: 'when' }] } },
      } as unknown as Statement;
    }
    c = { name: t.name, def, body, when, refs };
    if (this.compiled.size > 1000) this.compiled.clear();
    this.compiled.set(ck, c);
    return c;
  }

  /** Names (keys) of the triggers on `table` for `timing` and `event`, in creation order. */
  triggersFor(tx: Transaction, table: string, timing: CreateTriggerStmt['timing'], event: CreateTriggerStmt['event']): string[] {
    const out: string[] = [];
    for (const t of tx.triggerList()) {
      if (t.table !== table) continue;
      const c = this.compile(tx, t.name.toLowerCase());
      if (c.def.timing === timing && c.def.event === event) out.push(t.name.toLowerCase());
    }
    return out;
  }

  /** Whether `table` has any trigger. */
  hasTriggers(tx: Transaction, table: string): boolean {
    return tx.triggerList().some((t) => t.table === table);
  }

  private values(c: CompiledTrigger, info: TableInfo, oldRow: Row | undefined, newRow: Row | undefined): SqlValue[] {
    return c.refs.map((r) => {
      const row = r.which === 'new' ? newRow : oldRow;
      if (!row) throw new SqlError('NO_SUCH_COLUMN', `no such column: ${r.which.toUpperCase()}.${r.name}`);
      let slot = info.columnSlot(r.name);
      if (slot < 0 && rowidName(r.name) && info.rowidSlot >= 0) slot = info.rowidSlot;
      if (slot < 0) throw new SqlError('NO_SUCH_COLUMN', `no such column: ${r.which.toUpperCase()}.${r.name}`);
      return row[slot] ?? null;
    });
  }

  /**
   * Fire the triggers of one row event. Returns false when a BEFORE trigger raised IGNORE
   * (skip the row).
   */
  fire(
    tx: Transaction,
    info: TableInfo,
    timing: CreateTriggerStmt['timing'],
    event: CreateTriggerStmt['event'],
    oldRow: Row | undefined,
    newRow: Row | undefined,
  ): boolean {
    const names = this.triggersFor(tx, info.key, timing, event);
    for (const key of names) {
      if (this.active.has(key)) continue;
      const c = this.compile(tx, key);
      if (event === 'UPDATE' && c.def.updateOf?.length && oldRow && newRow) {
        const changed = c.def.updateOf.some((n) => {
          const s = info.columnSlot(n);
          return s >= 0 && !sameValue(oldRow[s] ?? null, newRow[s] ?? null);
        });
        if (!changed) continue;
      }
      if (!this.runOne(tx, key, c, this.values(c, info, oldRow, newRow))) {
        if (timing !== 'AFTER') return false;
      }
    }
    return true;
  }

  /** Run one trigger body; false when it raised IGNORE. */
  private runOne(tx: Transaction, key: string, c: CompiledTrigger, params: SqlValue[]): boolean {
    if (this.depth >= MAX_TRIGGER_DEPTH) throw new SqlError('TRIGGER_DEPTH', 'too many levels of trigger recursion');
    this.depth++;
    this.active.add(key);
    try {
      if (c.when) {
        const v = this.run(c.when, tx, params, `${key}:when:${tx.schemaKey}`);
        if (truthy(v ?? null) !== true) return true;
      }
      c.body.forEach((s, i) => this.run(s, tx, params, `${key}:${i}:${tx.schemaKey}`));
      return true;
    } catch (err) {
      if (err instanceof SqlError && err.code === 'RAISE_IGNORE') return false;
      throw err;
    } finally {
      this.active.delete(key);
      this.depth--;
    }
  }

  /** Fire the INSTEAD OF triggers of a view for one row. Returns whether any trigger ran. */
  fireInsteadOf(tx: Transaction, view: string, event: CreateTriggerStmt['event'], columns: string[], oldRow: Row | undefined, newRow: Row | undefined): boolean {
    const names = this.triggersFor(tx, view, 'INSTEAD OF', event);
    let ran = false;
    for (const key of names) {
      if (this.active.has(key)) continue;
      const c = this.compile(tx, key);
      const params = c.refs.map((r) => {
        const row = r.which === 'new' ? newRow : oldRow;
        const slot = columns.findIndex((n) => n.toLowerCase() === r.name.toLowerCase());
        if (!row || slot < 0) throw new SqlError('NO_SUCH_COLUMN', `no such column: ${r.which.toUpperCase()}.${r.name}`);
        return row[slot] ?? null;
      });
      if (event === 'UPDATE' && c.def.updateOf?.length && oldRow && newRow) {
        const changed = c.def.updateOf.some((n) => {
          const s = columns.findIndex((x) => x.toLowerCase() === n.toLowerCase());
          return s >= 0 && !sameValue(oldRow[s] ?? null, newRow[s] ?? null);
        });
        if (!changed) continue;
      }
      this.runOne(tx, key, c, params);
      ran = true;
    }
    return ran;
  }
}

function sameValue(a: SqlValue, b: SqlValue): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i]);
  return typeof a === typeof b && String(a) === String(b);
}
