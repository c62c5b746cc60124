/**
 * ALTER TABLE: every form of the dialect, each atomic (a failure leaves the table as it was —
 * the statement's undo log restores the previous TableState).
 *
 * What rewrites rows and what does not:
 * - RENAME TO, RENAME COLUMN, ADD COLUMN (NULL default), SET/DROP NOT NULL, SET/DROP DEFAULT,
 *   ADD/DROP CHECK and FOREIGN KEY, DROP COLUMN on a table with a primary key: schema only (rows
 *   are keyed by column tag). SET NOT NULL and ADD CHECK / FOREIGN KEY / UNIQUE scan the rows to
 *   validate them first. A dropped column's cells stay in old rows under an unused tag (never
 *   read, gone when the row is next written).
 * - ADD COLUMN with a non-NULL DEFAULT on a non-empty table: schema only too. The default is
 *   evaluated ONCE, at ALTER time, and stored as INSERT would store it (affinity, type checks:
 *   a default the column cannot hold is refused now) in the column's `missingValue`
 *   (objects/schema.ts); rows written before the column existed have no cell and read as it.
 *   As in SQLite, only a constant default is allowed then (a literal, possibly signed, CAST or
 *   COLLATE; `(1+2)`, CURRENT_TIMESTAMP, `(strftime('%s','now'))` fail with "Cannot add a column
 *   with non-constant default"), a REFERENCES column must default to NULL, NOT NULL needs a
 *   non-NULL default, and a CHECK given with the column is tested on the existing rows. On an
 *   empty table any default works (evaluated per INSERT); a constant one is recorded all the
 *   same, so that rows another branch wrote meanwhile without the column read the default once
 *   merged, as the branch's own old rows do (a non-constant one cannot be: such rows read NULL).
 *   Writes afterwards follow the canonical rule of storage/table-info.ts: a value identical to the
 *   missing value is stored absent, NULL as an explicit NULL cell (objects/row-codec.ts).
 *   The missing value belongs to the column for its life: SET/DROP DEFAULT change only what new
 *   INSERTs get, RENAME COLUMN keeps it, DROP COLUMN drops it with the column (a re-added column
 *   gets a new tag and its own), a rewrite (primary-key change, keyless DROP COLUMN) keeps it.
 *   ALTER COLUMN TYPE converts it like the rows; when that changes it (INT 5 → TEXT '5') or it
 *   cannot be converted, every row is rewritten under the converted one. Three-way merge
 *   compares stored cells; merge/cell-merge.ts says why absent and the missing value never need
 *   to compare equal (a schema merge must carry `missingValue` with the column, and two
 *   different ones for one tag would be a schema conflict).
 * - ALTER COLUMN … TYPE: every row is converted with the new type's rules (exact checks of
 *   `coerce.ts`; `USING expr` supplies the value); when no stored value changes (a widening such
 *   as INT → BIGINT, VARCHAR(n) → VARCHAR(m>n) or TEXT) the trees are kept as they are.
 * - DROP COLUMN on a keyless table, primary-key changes (DROP PRIMARY KEY, ADD [CONSTRAINT n]
 *   PRIMARY KEY (…)): rows are re-keyed into new trees and every index is rebuilt, in one step.
 *
 * Names inside stored SQL text (CHECK, partial-index WHERE, views, triggers) are renamed with a
 * token-level identifier replacement outside string literals; the CREATE TABLE text shown by
 * sqlite_schema is regenerated from the schema after any change but ADD COLUMN / RENAME TO.
 * Foreign keys of other tables follow a renamed table or referenced column.
 */
import { ConstraintError, SqlError } from '../../errors/index.js';
import {
  compareBytes,
  ProllyTree,
  type ColumnSchema,
  type ForeignKeySchema,
  type IndexSchema,
  type KeyColumn,
  type SqlValue,
  type TableSchema,
  type Tree,
} from '../../objects/index.js';
import type { AlterTableStmt, Expr, TableConstraint } from '../ast.js';
import { typeNameText } from '../catalog/schema-builder.js';
import { ExprCompiler } from '../exec/compile-expr.js';
import type { Row } from '../exec/types.js';
import { parseExpression } from '../parser/index.js';
import { TableInfo } from '../storage/table-info.js';
import { TableState } from '../storage/table-state.js';
import { sameCell } from '../storage/row-writer.js';
import { affinityOf, truthy } from '../values/index.js';
import { coerceRow, coerceValue } from './coerce.js';
import { ForeignKeys } from './foreign-keys.js';
import type { DdlContext } from './ddl-context.js';

/** Hooks into ddl.ts (which owns name checks and index building) to avoid an import cycle. */
export interface AlterHelpers {
  nameTaken(key: string): string | undefined;
  reserved(name: string): void;
  withSchema(ts: TableState, schema: TableSchema, rebuild: string[]): TableState;
  buildIndex(ts: TableState, info: TableInfo, ixKey: string): Tree;
  tableRows(ts: TableState, info: TableInfo): Generator<{ row: Row; key: Uint8Array }>;
}

// ---- SQL text helpers ---------------------------------------------------------------------------

const SIMPLE_IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYWORDS = new Set(['select', 'from', 'where', 'table', 'index', 'order', 'group', 'by', 'key', 'primary', 'check', 'default', 'unique', 'references', 'on', 'and', 'or', 'not', 'null', 'is', 'in', 'as', 'values', 'collate', 'constraint', 'foreign', 'desc', 'asc']);

export function quoteIdent(n: string): string {
  return SIMPLE_IDENT.test(n) && !KEYWORDS.has(n.toLowerCase()) ? n : `"${n.replace(/"/g, '""')}"`;
}

/** Replace identifier `from` (any quoting, case-insensitive) by `to` outside string literals. */
export function renameIdent(sql: string, from: string, to: string): string {
  const f = from.toLowerCase();
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === "'") {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === "'" && sql[j + 1] === "'") j += 2;
        else if (sql[j] === "'") break;
        else j++;
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === '"' || ch === '`' || ch === '[') {
      const close = ch === '[' ? ']' : ch;
      let j = i + 1;
      let name = '';
      while (j < sql.length) {
        if (sql[j] === close && sql[j + 1] === close && close !== ']') {
          name += close;
          j += 2;
        } else if (sql[j] === close) break;
        else name += sql[j++];
      }
      out += name.toLowerCase() === f ? `"${to.replace(/"/g, '""')}"` : sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_$]/.test(sql[j]!)) j++;
      const word = sql.slice(i, j);
      out += word.toLowerCase() === f ? quoteIdent(to) : word;
      i = j;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

/** The CREATE TABLE text of a schema (after an ALTER that changes more than one column). */
export function renderCreateTable(s: TableSchema): string {
  const byTag = new Map(s.columns.map((c) => [c.tag, c] as const));
  const name = (t: number): string => quoteIdent(byTag.get(t)?.name ?? `#${t}`);
  const parts: string[] = [];
  const inlinePk = s.rowidAlias !== undefined && s.primaryKey.length === 1;
  for (const c of s.columns) {
    let d = quoteIdent(c.name);
    if (c.type) d += ` ${c.type}`;
    if (inlinePk && c.tag === s.rowidAlias) d += ` PRIMARY KEY${s.autoincrement ? ' AUTOINCREMENT' : ''}`;
    else if (c.notNull) d += ' NOT NULL';
    if (c.default !== undefined) d += ` DEFAULT ${/^[\w.'+-]+$/.test(c.default.trim()) ? c.default.trim() : `(${c.default})`}`;
    if (c.collation && c.collation !== 'BINARY') d += ` COLLATE ${c.collation}`;
    parts.push(d);
  }
  const kc = (k: KeyColumn): string => `${name(k.tag)}${k.collation ? ` COLLATE ${k.collation}` : ''}${k.desc ? ' DESC' : ''}`;
  if (s.primaryKey.length && !inlinePk) parts.push(`${s.primaryKeyName ? `CONSTRAINT ${quoteIdent(s.primaryKeyName)} ` : ''}PRIMARY KEY (${s.primaryKey.map(kc).join(', ')})`);
  for (const ix of s.indexes) {
    if (ix.origin !== 'unique') continue;
    parts.push(`${ix.constraintName ? `CONSTRAINT ${quoteIdent(ix.constraintName)} ` : ''}UNIQUE (${ix.columns.map(kc).join(', ')})`);
  }
  for (const c of s.checks) parts.push(`${c.name ? `CONSTRAINT ${quoteIdent(c.name)} ` : ''}CHECK (${c.expr})`);
  for (const f of s.foreignKeys) {
    let t = `${f.name ? `CONSTRAINT ${quoteIdent(f.name)} ` : ''}FOREIGN KEY (${f.columns.map(name).join(', ')}) REFERENCES ${quoteIdent(f.table)}`;
    if (f.refColumns.length) t += ` (${f.refColumns.map(quoteIdent).join(', ')})`;
    if (f.onDelete !== 'NO ACTION') t += ` ON DELETE ${f.onDelete}`;
    if (f.onUpdate !== 'NO ACTION') t += ` ON UPDATE ${f.onUpdate}`;
    if (f.deferred) t += ' DEFERRABLE INITIALLY DEFERRED';
    parts.push(t);
  }
  return `CREATE TABLE ${quoteIdent(s.name)} (${parts.join(', ')})`;
}

// ---- row rewriting ------------------------------------------------------------------------------

/**
 * A new TableState for `schema` holding the rows of `ts` (matched by column tag), each passed
 * through `transform` and the new schema's coercion and NOT NULL rules, re-keyed, with every
 * index rebuilt. Throws on a duplicate key or a violated constraint.
 */
export function rewriteTable(ctx: DdlContext, h: AlterHelpers, ts: TableState, schema: TableSchema, transform?: (row: Row, old: Row) => void): TableState {
  const oldInfo = ts.info;
  const info = new TableInfo(schema);
  const map = info.columns.map((c) => (c.tag < oldInfo.slotOfTag.length ? oldInfo.slotOfTag[c.tag]! : -1));
  const entries: { key: Uint8Array; value: Uint8Array }[] = [];
  const order: { key: Uint8Array; value: Uint8Array }[] = [];
  const keyless = new Map<string, { key: Uint8Array; row: Row; count: number }>();
  const seen = new Set<string>();
  let nextRowid = 0n;
  for (const { row } of h.tableRows(ts, oldInfo)) {
    const nr: Row = new Array(info.width).fill(null);
    map.forEach((o, i) => {
      if (o >= 0) nr[i] = row[o] ?? null;
    });
    if (info.keyless) {
      const r = oldInfo.rowidSlot >= 0 ? row[oldInfo.rowidSlot] : null;
      nr[info.rowidSlot] = typeof r === 'bigint' ? r : null;
    }
    transform?.(nr, row);
    coerceRow(info, nr);
    info.columns.forEach((c, i) => {
      if (c.notNull && nr[i] === null && i !== info.rowidSlot) throw new ConstraintError('NOT NULL', `NOT NULL constraint failed: ${info.name}.${c.name}`);
    });
    if (info.keyless) {
      let rowid = nr[info.rowidSlot] as bigint | null;
      if (rowid === null || seen.has(String(rowid))) rowid = null;
      if (rowid === null) {
        rowid = ++nextRowid;
        while (seen.has(String(rowid))) rowid = ++nextRowid;
      } else if (rowid > nextRowid) nextRowid = rowid;
      nr[info.rowidSlot] = rowid;
      seen.add(String(rowid));
      const hk = info.keylessKey(nr);
      const hx = Buffer.from(hk).toString('hex');
      const e = keyless.get(hx);
      if (e) e.count++;
      else keyless.set(hx, { key: hk, row: nr, count: 1 });
      order.push({ key: info.orderKey(rowid), value: hk });
      continue;
    }
    if (info.rowidSlot >= 0 && nr[info.rowidSlot] === null) throw new ConstraintError('NOT NULL', `NOT NULL constraint failed: ${info.name}.${info.columns[info.rowidSlot]!.name}`);
    const key = info.encodeKey(nr);
    const kx = Buffer.from(key).toString('hex');
    if (seen.has(kx)) {
      const cols = info.pkSlots.map((s) => `${info.name}.${info.columns[s]!.name}`).join(', ');
      throw new ConstraintError(info.rowidSlot >= 0 ? 'PRIMARY KEY' : 'UNIQUE', `UNIQUE constraint failed: ${cols}`);
    }
    seen.add(kx);
    entries.push({ key, value: info.encodeValue(nr) });
  }
  if (info.keyless) for (const e of keyless.values()) entries.push({ key: e.key, value: info.keylessValue(e.row, e.count) });
  entries.sort((a, b) => compareBytes(a.key, b.key));
  order.sort((a, b) => compareBytes(a.key, b.key));
  const rows = ProllyTree.build(ctx.ns, entries);
  const empty = ProllyTree.empty(ctx.ns);
  const trees = new Map<string, Tree>();
  for (const ix of info.indexes) trees.set(ix.key, empty);
  if (info.orderIndex) trees.set(info.orderIndex.key, ProllyTree.build(ctx.ns, order));
  let autoInc = ts.autoIncrement;
  if (schema.autoincrement && info.rowidSlot >= 0) {
    for (const e of entries) {
      const row: Row = new Array(info.width).fill(null);
      info.decodeInto(e.key, e.value, row, 0, info.slotOfTag);
      const v = row[info.rowidSlot];
      if (typeof v === 'bigint' && v > autoInc) autoInc = v;
    }
  }
  const interim = new TableState(info, rows, trees, autoInc, undefined, undefined);
  for (const ix of info.indexes) trees.set(ix.key, h.buildIndex(interim, info, ix.key));
  return new TableState(info, rows, trees, autoInc, undefined, undefined);
}

/** Evaluate CHECK text on rows of `info` (true / false / NULL). */
function checkEvaluator(ctx: DdlContext, info: TableInfo, expr: string): (row: Row) => SqlValue {
  const planner = ctx.planner();
  const { scope } = planner.tableScope(info);
  return new ExprCompiler(planner.env, 0).compile(planner.bindExpr(parseExpression(expr), scope, { aggs: false, aliases: false }));
}

/**
 * Whether a DEFAULT expression is constant in SQLite's sense for ADD COLUMN on a table with rows:
 * a literal (TRUE/FALSE included), optionally signed, cast or collated. Anything else (an
 * operator, a function, CURRENT_TIMESTAMP) is "non-constant", as sqlite3ValueFromExpr decides.
 */
function constantDefault(e: Expr): boolean {
  switch (e.kind) {
    case 'literal':
      return true;
    case 'unary':
      return (e.op === '-' || e.op === '+') && constantDefault(e.operand);
    case 'cast':
    case 'collate':
      return constantDefault(e.expr);
    default:
      return false;
  }
}

/**
 * The value rows written before column `slot` of `info` existed read as: its DEFAULT evaluated
 * once and stored as an INSERT would store it (affinity and the column type's checks). Refuses a
 * non-constant default (SQLite: "Cannot add a column with non-constant default").
 */
function missingValueOf(ctx: DdlContext, info: TableInfo, slot: number, text: string): SqlValue {
  const e = parseExpression(text);
  if (!constantDefault(e)) throw new SqlError('CANNOT_ADD_COLUMN', 'Cannot add a column with non-constant default');
  const planner = ctx.planner();
  const f = new ExprCompiler(planner.env, 0).compile(planner.bindExpr(e, planner.emptyScope(), { aggs: false, aliases: false }));
  return coerceValue(info, slot, f([]));
}

/**
 * The missing value of column `slot` after ALTER COLUMN TYPE to `newInfo`: the old one converted
 * as a stored value would be; undefined when it has none or cannot be converted (the caller then
 * rewrites every row, so none needs it). `changed` when the conversion changed it.
 */
function convertedMissing(info: TableInfo, newInfo: TableInfo, slot: number): { value: SqlValue | undefined; changed: boolean } {
  const m = info.columns[slot]!.missingValue;
  if (m === undefined) return { value: undefined, changed: false };
  try {
    const row: Row = new Array<SqlValue>(newInfo.width).fill(null);
    row[slot] = m;
    coerceRow(newInfo, row);
    const v = row[slot] ?? null;
    if (v === null) return { value: undefined, changed: true };
    return { value: v, changed: !sameCell(v, m) || (typeof v === 'number' && !Object.is(v, m)) };
  } catch {
    return { value: undefined, changed: true };
  }
}

function colSlot(info: TableInfo, name: string): number {
  const s = info.columnSlot(name);
  if (s < 0) throw new SqlError('NO_SUCH_COLUMN', `no such column: "${name}"`);
  return s;
}

function keyCols(info: TableInfo, cols: { expr: { kind: string; name?: string }; direction?: 'ASC' | 'DESC'; collate?: string }[]): KeyColumn[] {
  return cols.map((ic) => {
    let e = ic.expr as { kind: string; name?: string; expr?: unknown; collation?: string };
    let coll = ic.collate;
    while (e.kind === 'collate') {
      coll ??= e.collation;
      e = e.expr as typeof e;
    }
    if (e.kind !== 'column' || !e.name) throw new SqlError('NOT_SUPPORTED', 'expressions are not allowed in a PRIMARY KEY or UNIQUE constraint');
    const k: KeyColumn = { tag: info.columns[colSlot(info, e.name)]!.tag, desc: ic.direction === 'DESC' };
    if (coll) k.collation = coll.toUpperCase();
    return k;
  });
}

// ---- ALTER TABLE ---------------------------------------------------------------------------------

export function alterTableImpl(ctx: DdlContext, h: AlterHelpers, stmt: AlterTableStmt): void {
  const { tx } = ctx;
  const key = stmt.table.toLowerCase();
  const info = tx.tableInfo(key);
  if (!info) {
    if (tx.view(key)) throw new SqlError('WRONG_OBJECT_TYPE', `cannot alter ${stmt.table}: it is a view`);
    throw new SqlError('NO_SUCH_TABLE', `no such table: ${stmt.table}`);
  }
  const ts = tx.table(key);
  const s = info.schema;
  const a = stmt.action;
  const replace = (schema: TableSchema, regen = true): void => {
    const next = regen ? { ...schema, sql: renderCreateTable(schema) } : schema;
    tx.replaceTable(key, h.withSchema(ts, next, []));
  };
  switch (a.kind) {
    case 'renameTable': {
      const nk = a.to.toLowerCase();
      if (nk !== key && h.nameTaken(nk)) throw new SqlError('NAME_EXISTS', `there is already another table or index with this name: ${a.to}`);
      h.reserved(a.to);
      const schema: TableSchema = {
        ...s,
        name: a.to,
        sql: s.sql.replace(/^(\s*CREATE\s+(?:TEMP\w*\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?)("(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|[^\s(]+)/i, `$1${quoteIdent(a.to)}`),
        foreignKeys: s.foreignKeys.map((f) => (f.table.toLowerCase() === key ? { ...f, table: a.to } : f)),
      };
      const moved = h.withSchema(ts, schema, []);
      // Triggers move with the table (dropTable drops them); re-add them renamed.
      const trigs = tx.triggerList().filter((t) => t.table === key);
      tx.dropTable(key);
      tx.replaceTable(nk, moved);
      for (const t of trigs) tx.setTrigger(t.name.toLowerCase(), { name: t.name, table: nk, sql: renameIdent(t.sql, stmt.table, a.to) });
      for (const other of tx.tableKeys()) {
        if (other === nk) continue;
        const oi = tx.tableInfo(other)!;
        if (!oi.schema.foreignKeys.some((f) => f.table.toLowerCase() === key)) continue;
        const os: TableSchema = { ...oi.schema, foreignKeys: oi.schema.foreignKeys.map((f) => (f.table.toLowerCase() === key ? { ...f, table: a.to } : f)) };
        tx.replaceTable(other, h.withSchema(tx.table(other), { ...os, sql: renderCreateTable(os) }, []));
      }
      for (const vk of tx.viewKeys()) {
        const v = tx.view(vk)!;
        const sql = renameIdent(v.sql, stmt.table, a.to);
        if (sql !== v.sql) tx.setView(vk, { name: v.name, sql });
      }
      for (const t of tx.triggerList()) {
        if (t.table === nk) continue;
        const sql = renameIdent(t.sql, stmt.table, a.to);
        if (sql !== t.sql) tx.setTrigger(t.name.toLowerCase(), { ...t, sql });
      }
      return;
    }
    case 'addColumn': {
      const def = a.column;
      if (info.columnSlot(def.name) >= 0) throw new SqlError('DUPLICATE_COLUMN', `duplicate column name: ${def.name}`);
      const type = typeNameText(def.type);
      const col: ColumnSchema = { tag: s.nextTag, name: def.name, type, affinity: affinityOf(type), notNull: false };
      const checks = [...s.checks];
      const fks = [...s.foreignKeys];
      for (const c of def.constraints) {
        if (c.kind === 'primaryKey' || c.kind === 'unique') throw new SqlError('CANNOT_ADD_COLUMN', `Cannot add a ${c.kind === 'primaryKey' ? 'PRIMARY KEY' : 'UNIQUE'} column`);
        if (c.kind === 'notNull') col.notNull = true;
        if (c.kind === 'default') col.default = c.text;
        if (c.kind === 'collate') col.collation = c.collation.toUpperCase();
        if (c.kind === 'check') checks.push(c.name ? { name: c.name, expr: c.text } : { expr: c.text });
        if (c.kind === 'references') {
          const fk: ForeignKeySchema = { columns: [col.tag], table: c.ref.table, refColumns: c.ref.columns ?? [], onDelete: c.ref.onDelete ?? 'NO ACTION', onUpdate: c.ref.onUpdate ?? 'NO ACTION' };
          if (c.name) fk.name = c.name;
          if (c.ref.deferrable) fk.deferred = true;
          fks.push(fk);
        }
        if (c.kind === 'generated') throw new SqlError('NOT_SUPPORTED', 'generated columns are not supported yet');
      }
      const nonEmpty = ts.reader().count > 0;
      const nullDefault = col.default === undefined || /^\s*\(*\s*null\s*\)*\s*$/i.test(col.default);
      if (nonEmpty && !nullDefault && fks.length > s.foreignKeys.length) throw new SqlError('CANNOT_ADD_COLUMN', 'Cannot add a REFERENCES column with non-NULL default value');
      if (col.notNull && nullDefault && nonEmpty) throw new SqlError('CANNOT_ADD_COLUMN', 'Cannot add a NOT NULL column with default value NULL');
      const schema: TableSchema = {
        ...s,
        columns: [...s.columns, col],
        checks,
        foreignKeys: fks,
        nextTag: s.nextTag + 1,
        sql: s.sql.replace(/\)\s*$/, `, ${stmt.sql.replace(/^[\s\S]*?\bADD\s+(?:COLUMN\s+)?/i, '')})`),
      };
      if (!nullDefault) {
        // Existing rows read the default without being rewritten: record its value once. Also on
        // an empty table when the default is constant, so that rows another branch wrote without
        // the column read it too once merged; there a default that cannot be recorded (not
        // constant, or not storable) is simply evaluated per INSERT, as before.
        let m: SqlValue | undefined;
        try {
          m = missingValueOf(ctx, new TableInfo(schema), s.columns.length, col.default!);
        } catch (e) {
          if (nonEmpty) throw e;
        }
        if (m === null) {
          if (col.notNull && nonEmpty) throw new SqlError('CANNOT_ADD_COLUMN', 'Cannot add a NOT NULL column with default value NULL');
        } else if (m !== undefined) col.missingValue = m;
      }
      if (nonEmpty && checks.length > s.checks.length) {
        const next = h.withSchema(ts, schema, []);
        for (const c of checks.slice(s.checks.length)) {
          const f = checkEvaluator(ctx, next.info, c.expr);
          for (const { row } of h.tableRows(next, next.info)) {
            if (truthy(f(row)) === false) throw new ConstraintError('CHECK', `CHECK constraint failed: ${c.name ?? c.expr}`);
          }
        }
      }
      replace(schema, false);
      return;
    }
    case 'renameColumn': {
      const slot = colSlot(info, a.from);
      const old = s.columns[slot]!.name;
      if (info.columnSlot(a.to) >= 0 && a.to.toLowerCase() !== a.from.toLowerCase()) throw new SqlError('DUPLICATE_COLUMN', `duplicate column name: ${a.to}`);
      const columns = s.columns.map((c, i) => (i === slot ? { ...c, name: a.to } : c));
      const schema: TableSchema = {
        ...s,
        columns,
        checks: s.checks.map((c) => ({ ...c, expr: renameIdent(c.expr, old, a.to) })),
        foreignKeys: s.foreignKeys.map((f) => (f.table.toLowerCase() === key ? { ...f, refColumns: f.refColumns.map((n) => (n.toLowerCase() === old.toLowerCase() ? a.to : n)) } : f)),
        indexes: s.indexes.map((ix) => {
          const n: IndexSchema = { ...ix, columns: ix.columns.map((k) => (k.expr !== undefined ? { ...k, expr: renameIdent(k.expr, old, a.to) } : k)) };
          if (ix.where) n.where = renameIdent(ix.where, old, a.to);
          if (ix.sql) n.sql = renameIdent(ix.sql, old, a.to);
          return n;
        }),
      };
      replace(schema);
      for (const other of tx.tableKeys()) {
        if (other === key) continue;
        const oi = tx.tableInfo(other)!;
        if (!oi.schema.foreignKeys.some((f) => f.table.toLowerCase() === key && f.refColumns.some((n) => n.toLowerCase() === old.toLowerCase()))) continue;
        const os: TableSchema = {
          ...oi.schema,
          foreignKeys: oi.schema.foreignKeys.map((f) => (f.table.toLowerCase() === key ? { ...f, refColumns: f.refColumns.map((n) => (n.toLowerCase() === old.toLowerCase() ? a.to : n)) } : f)),
        };
        tx.replaceTable(other, h.withSchema(tx.table(other), { ...os, sql: renderCreateTable(os) }, []));
      }
      for (const t of tx.triggerList()) {
        if (t.table !== key) continue;
        const sql = renameIdent(t.sql, old, a.to);
        if (sql !== t.sql) tx.setTrigger(t.name.toLowerCase(), { ...t, sql });
      }
      return;
    }
    case 'dropColumn': {
      const slot = info.columnSlot(a.name);
      if (slot < 0) {
        if (a.ifExists) return;
        throw new SqlError('NO_SUCH_COLUMN', `no such column: "${a.name}"`);
      }
      const col = s.columns[slot]!;
      const tag = col.tag;
      const uses = (text: string): boolean => renameIdent(text, col.name, '\u0000') !== text;
      if (s.columns.length === 1) throw new SqlError('CANNOT_DROP_COLUMN', `cannot drop column "${a.name}": no other columns exist`);
      if (s.primaryKey.some((k) => k.tag === tag)) throw new SqlError('CANNOT_DROP_COLUMN', `cannot drop PRIMARY KEY column: "${a.name}"`);
      const ix = s.indexes.find((i) => i.columns.some((k) => k.tag === tag || (k.expr !== undefined && uses(k.expr))) || (i.where !== undefined && uses(i.where)));
      if (ix) throw new SqlError('CANNOT_DROP_COLUMN', `cannot drop column "${a.name}": it is used by ${ix.origin === 'unique' ? 'UNIQUE constraint' : 'index'} ${ix.constraintName ?? ix.name}`);
      const ck = s.checks.find((c) => uses(c.expr));
      if (ck) throw new SqlError('CANNOT_DROP_COLUMN', `cannot drop column "${a.name}": it is used by CHECK constraint ${ck.name ?? ck.expr}`);
      if (s.foreignKeys.some((f) => f.columns.includes(tag))) throw new SqlError('CANNOT_DROP_COLUMN', `cannot drop column "${a.name}": it is used by a FOREIGN KEY`);
      for (const other of tx.tableKeys()) {
        const oi = tx.tableInfo(other)!;
        for (const f of oi.schema.foreignKeys) {
          if (f.table.toLowerCase() === key && f.refColumns.some((n) => n.toLowerCase() === col.name.toLowerCase())) {
            throw new SqlError('CANNOT_DROP_COLUMN', `cannot drop column "${a.name}": table ${oi.name} references it`);
          }
        }
      }
      const schema: TableSchema = { ...s, columns: s.columns.filter((_, i) => i !== slot) };
      if (info.keyless) {
        tx.replaceTable(key, rewriteTable(ctx, h, ts, { ...schema, sql: renderCreateTable(schema) }));
        return;
      }
      replace(schema);
      return;
    }
    case 'alterColumnType': {
      const slot = colSlot(info, a.name);
      const type = typeNameText(a.type);
      const col = s.columns[slot]!;
      if (s.primaryKey.some((k) => k.tag === col.tag) && s.rowidAlias === col.tag && type.toUpperCase() !== 'INTEGER') {
        throw new SqlError('NOT_SUPPORTED', `cannot change the type of INTEGER PRIMARY KEY column "${col.name}"`);
      }
      const columns = s.columns.map((c, i) => (i === slot ? { ...c, type, affinity: affinityOf(type) } : c));
      let schema: TableSchema = { ...s, columns };
      let newInfo = new TableInfo(schema);
      // A missing value is converted like the rows that read it; if that changes it, every row
      // is rewritten under the new one (so no stored cell depends on the old one).
      const mc = convertedMissing(info, newInfo, slot);
      if (mc.changed) {
        schema = { ...s, columns: columns.map((c, i) => (i === slot ? withMissing(c, mc.value) : c)) };
        newInfo = new TableInfo(schema);
      }
      const using = a.using ? checkEvaluator(ctx, info, exprText(stmt.sql, a.using)) : undefined;
      // Convert every row; keep the trees when nothing changes (widening).
      let changed = mc.changed;
      for (const { row } of h.tableRows(ts, info)) {
        const nr = row.slice();
        if (using) nr[slot] = using(row);
        coerceRow(newInfo, nr);
        if (!sameCell(nr[slot] ?? null, row[slot] ?? null)) changed = true;
      }
      const next = { ...schema, sql: renderCreateTable(schema) };
      if (!changed) tx.replaceTable(key, h.withSchema(ts, next, info.indexes.filter((i) => i.slots.includes(slot)).map((i) => i.key)));
      else tx.replaceTable(key, rewriteTable(ctx, h, ts, next, using ? (nr, old) => (nr[slot] = using(old)) : undefined));
      return;
    }
    case 'setNotNull': {
      const slot = colSlot(info, a.name);
      for (const { row } of h.tableRows(ts, info)) {
        if (row[slot] === null) throw new ConstraintError('NOT NULL', `NOT NULL constraint failed: ${info.name}.${s.columns[slot]!.name}`);
      }
      replace({ ...s, columns: s.columns.map((c, i) => (i === slot ? { ...c, notNull: true } : c)) });
      return;
    }
    case 'dropNotNull': {
      const slot = colSlot(info, a.name);
      const tag = s.columns[slot]!.tag;
      if (s.primaryKey.some((k) => k.tag === tag)) throw new SqlError('CANNOT_ALTER_COLUMN', `column "${a.name}" is in a primary key`);
      replace({ ...s, columns: s.columns.map((c, i) => (i === slot ? { ...c, notNull: false } : c)) });
      return;
    }
    case 'setDefault': {
      const slot = colSlot(info, a.name);
      replace({ ...s, columns: s.columns.map((c, i) => (i === slot ? { ...c, default: a.text } : c)) });
      return;
    }
    case 'dropDefault': {
      const slot = colSlot(info, a.name);
      replace({
        ...s,
        columns: s.columns.map((c, i) => {
          if (i !== slot) return c;
          const { default: _d, ...rest } = c;
          return rest;
        }),
      });
      return;
    }
    case 'addConstraint':
      addConstraint(ctx, h, ts, a.constraint);
      return;
    case 'dropConstraint': {
      const n = a.name.toLowerCase();
      const ck = s.checks.findIndex((c) => c.name?.toLowerCase() === n);
      if (ck >= 0) return replace({ ...s, checks: s.checks.filter((_, i) => i !== ck) });
      const fk = s.foreignKeys.findIndex((f) => f.name?.toLowerCase() === n);
      if (fk >= 0) return replace({ ...s, foreignKeys: s.foreignKeys.filter((_, i) => i !== fk) });
      const ux = s.indexes.find((i) => i.origin === 'unique' && (i.constraintName?.toLowerCase() === n || i.name.toLowerCase() === n));
      if (ux) return replace({ ...s, indexes: s.indexes.filter((i) => i !== ux) });
      if (s.primaryKeyName?.toLowerCase() === n) return dropPrimaryKey(ctx, h, ts);
      if (a.ifExists) return;
      throw new SqlError('NO_SUCH_CONSTRAINT', `no such constraint: ${a.name} on table ${info.name}`);
    }
    case 'dropPrimaryKey':
      dropPrimaryKey(ctx, h, ts);
      return;
  }
}

/** `c` with missing value `m` (undefined: none). */
function withMissing(c: ColumnSchema, m: SqlValue | undefined): ColumnSchema {
  const { missingValue: _m, ...rest } = c;
  return m === undefined ? rest : { ...rest, missingValue: m };
}

/** The source text of an expression node inside `sql` (its offset to the end of the statement). */
function exprText(sql: string, e: { pos?: { offset: number } }): string {
  if (e.pos) return sql.slice(e.pos.offset);
  throw new SqlError('NOT_SUPPORTED', 'USING expression without a source position');
}

function referencedBy(ctx: DdlContext, key: string): string | undefined {
  for (const other of ctx.tx.tableKeys()) {
    const oi = ctx.tx.tableInfo(other)!;
    if (oi.schema.foreignKeys.some((f) => f.table.toLowerCase() === key && f.refColumns.length === 0)) return oi.name;
  }
  return undefined;
}

function dropPrimaryKey(ctx: DdlContext, h: AlterHelpers, ts: TableState): void {
  const s = ts.info.schema;
  if (s.primaryKey.length === 0) throw new SqlError('NO_SUCH_CONSTRAINT', `table ${s.name} has no primary key`);
  const child = referencedBy(ctx, ts.info.key);
  if (child) throw new SqlError('CANNOT_DROP_CONSTRAINT', `cannot drop the primary key of ${s.name}: table ${child} references it`);
  const { rowidAlias: _r, primaryKeyName: _n, ...rest } = s;
  const schema: TableSchema = { ...rest, primaryKey: [], autoincrement: false };
  ctx.tx.replaceTable(ts.info.key, rewriteTable(ctx, h, ts, { ...schema, sql: renderCreateTable(schema) }));
}

function addConstraint(ctx: DdlContext, h: AlterHelpers, ts: TableState, c: TableConstraint): void {
  const { tx } = ctx;
  const info = ts.info;
  const s = info.schema;
  const key = info.key;
  const taken = (n: string | undefined): void => {
    if (!n) return;
    const l = n.toLowerCase();
    if (s.checks.some((x) => x.name?.toLowerCase() === l) || s.foreignKeys.some((x) => x.name?.toLowerCase() === l) || s.indexes.some((x) => x.constraintName?.toLowerCase() === l) || s.primaryKeyName?.toLowerCase() === l) {
      throw new SqlError('CONSTRAINT_EXISTS', `constraint ${n} already exists on table ${info.name}`);
    }
  };
  taken(c.name);
  switch (c.kind) {
    case 'check': {
      const f = checkEvaluator(ctx, info, c.text);
      for (const { row } of h.tableRows(ts, info)) {
        if (truthy(f(row)) === false) throw new ConstraintError('CHECK', `CHECK constraint failed: ${c.name ?? c.text}`);
      }
      const schema: TableSchema = { ...s, checks: [...s.checks, c.name ? { name: c.name, expr: c.text } : { expr: c.text }] };
      tx.replaceTable(key, h.withSchema(ts, { ...schema, sql: renderCreateTable(schema) }, []));
      return;
    }
    case 'unique': {
      const cols = keyCols(info, c.columns);
      let n = 1;
      while (s.indexes.some((i) => i.name.toLowerCase() === `sqlite_autoindex_${info.name}_${n}`.toLowerCase())) n++;
      const ix: IndexSchema = { name: `sqlite_autoindex_${info.name}_${n}`, columns: cols, unique: true, origin: 'unique' };
      if (c.name) ix.constraintName = c.name;
      const schema: TableSchema = { ...s, indexes: [...s.indexes, ix] };
      tx.replaceTable(key, h.withSchema(ts, { ...schema, sql: renderCreateTable(schema) }, [ix.name.toLowerCase()]));
      return;
    }
    case 'foreignKey': {
      const fk: ForeignKeySchema = {
        columns: c.columns.map((n) => info.columns[colSlot(info, n)]!.tag),
        table: c.ref.table,
        refColumns: c.ref.columns ?? [],
        onDelete: c.ref.onDelete ?? 'NO ACTION',
        onUpdate: c.ref.onUpdate ?? 'NO ACTION',
      };
      if (c.name) fk.name = c.name;
      if (c.ref.deferrable) fk.deferred = true;
      const schema: TableSchema = { ...s, foreignKeys: [...s.foreignKeys, fk] };
      const next = h.withSchema(ts, { ...schema, sql: renderCreateTable(schema) }, []);
      tx.replaceTable(key, next);
      const fks = new ForeignKeys(() => null);
      const only: TableInfo = new TableInfo({ ...schema, foreignKeys: [fk] });
      for (const { row } of h.tableRows(next, next.info)) fks.checkChild(tx, only, row);
      return;
    }
    case 'primaryKey': {
      if (s.primaryKey.length) throw new SqlError('INVALID_PRIMARY_KEY', `table ${info.name} already has a primary key: drop it first`);
      const pk = keyCols(info, c.columns);
      const columns = s.columns.map((col) => (pk.some((k) => k.tag === col.tag) ? { ...col, notNull: true } : col));
      const schema: TableSchema = { ...s, columns, primaryKey: pk, autoincrement: false };
      if (c.name) schema.primaryKeyName = c.name;
      if (pk.length === 1 && !pk[0]!.desc && columns.find((x) => x.tag === pk[0]!.tag)!.type.toUpperCase() === 'INTEGER') {
        schema.rowidAlias = pk[0]!.tag;
        schema.columns = schema.columns.map((x) => (x.tag === pk[0]!.tag ? { ...x, notNull: false } : x));
      }
      // Key columns must be non-NULL (checked while re-keying: NOT NULL is set on them).
      const checkNull = schema.rowidAlias === undefined ? undefined : (nr: Row): void => {
        const slot = new TableInfo(schema).rowidSlot;
        if (nr[slot] === null) throw new ConstraintError('NOT NULL', `NOT NULL constraint failed: ${info.name}.${schema.columns[slot]!.name}`);
      };
      tx.replaceTable(key, rewriteTable(ctx, h, ts, { ...schema, sql: renderCreateTable(schema) }, checkNull));
      return;
    }
  }
}
