/**
 * Three-way merge of database schemas: tables (columns by stable tag, primary key, indexes and
 * UNIQUE constraints, CHECK, FOREIGN KEY), views and triggers. Pure: works on the value objects
 * of src/objects only and never reads rows — what needs the data is handed back to the caller
 * (the SQL merge driver) as a plan.
 *
 * Contract with the caller (`mergeSchemas(base, ours, theirs, options?)`):
 * - `tables` holds one `TableMergePlan` per table of the merged database (lower-cased key). A
 *   table of base missing from `tables` was dropped (see `droppedTables`: who dropped it, so
 *   the caller can refuse the drop when the other side changed the table's rows).
 * - Column tags. Tags below `base.nextTag` mean the same column on all three sides. Tags from
 *   `base.nextTag` up were handed out independently on each side, so new columns are matched by
 *   NAME: the same name with the same definition is one column (theirs' tag mapped onto ours');
 *   a theirs-only new column keeps its tag unless ours may have used that tag (any tag below
 *   `ours.nextTag`: ours' rows may still hold stale cells of a dropped column under it), in which
 *   case it gets a fresh tag. `theirsRetag` maps theirs' tag → merged tag for every tag that
 *   changes; apply it to theirs' rows. Cells under a tag that is not a column of that side's own
 *   schema are stale (a dropped column's leftovers) and must be ignored before merging: the
 *   ones that matter are listed in `theirsStaleTags` (theirs' tags from `base.nextTag` up that
 *   are no column of theirs — a tag ours handed out to a new column, or a retag target); strip
 *   them from theirs' rows BEFORE applying `theirsRetag`, or they read as ours' new column.
 *   (Ours' leftovers need nothing: theirs' new columns never take a tag below `ours.nextTag`,
 *   and tags below `base.nextTag` are never handed out again on either side.)
 * - `droppedTags`: tags of base/ours/theirs columns absent from the merged schema (in merged tag
 *   space); strip them from rows the merge writes.
 * - `validate`: merged tags whose type changed on one side in a way that may not hold for, or
 *   may change the stored form of, the other side's values (narrowing, affinity change,
 *   DECIMAL scale change). The caller converts/checks the other side's changed cells of these
 *   columns with the merged type; a value that does not fit is a conflict. Pure widenings
 *   (INT→BIGINT, REAL→DOUBLE, VARCHAR(n)→VARCHAR(m≥n)/TEXT, DECIMAL(p,s)→DECIMAL(q≥p,s)) are
 *   not listed: every old value fits unchanged.
 * - `validateBy`: for each tag of `validate`, the side that changed the type (the other side's
 *   rows are the ones to check).
 * - `constraintsAddedBy`: the sides that added a constraint (NOT NULL, UNIQUE, CHECK, FOREIGN
 *   KEY); the caller checks the other side's changed rows (or the merged table) against them.
 * - `pkChangedBy`: the primary key changed on exactly one side; both sides changing it the
 *   same way is not flagged, differently is a conflict.
 * - `indexRenames`: theirs' index name (lower-cased) → merged name, when both sides added an
 *   unnamed UNIQUE constraint that got the same `sqlite_autoindex_<t>_<n>` name.
 * - `schema.sql`: taken from base/ours/theirs when the merged schema equals that side's;
 *   otherwise rendered with `options.renderCreateTable` when given (the SQL layer owns the
 *   renderer; this layer may not import it), else kept from ours with `sqlStale: true` so the
 *   caller re-renders it.
 * - `conflicts` lists every incompatible concurrent change; base/ours/theirs show the
 *   definitions of both sides (column definitions as SQL text, `(absent)` for a missing one).
 *   When there are conflicts the plans are a best effort (ours wins the conflicting piece) and
 *   must not be committed.
 */
import type {
  CheckSchema,
  ColumnSchema,
  ForeignKeySchema,
  IndexSchema,
  KeyColumn,
  TableSchema,
  TriggerObject,
  ViewObject,
} from '../objects/index.js';
import { sameValue } from './cell-merge.js';

export interface SchemaConflict {
  /** Lower-cased table key (or view / trigger name for kinds `view` / `trigger`). */
  table: string;
  kind: string;
  column?: string;
  base?: string;
  ours?: string;
  theirs?: string;
  message: string;
}

export interface TableMergePlan {
  /** Lower-cased table key in the root. */
  name: string;
  /** The merged schema. */
  schema: TableSchema;
  /** theirs' column tag → merged tag (only tags that change). */
  theirsRetag: Map<number, number>;
  /** Tags no longer in the merged schema: their cells are stripped from merged rows. */
  droppedTags: number[];
  /** theirs' leftover tags (dropped columns of theirs, in theirs' tag space): strip before retagging. */
  theirsStaleTags: number[];
  /** Merged tags whose changed type must be checked against the other side's rows. */
  validate: number[];
  /** For each tag of `validate`, the side whose type change it is. */
  validateBy: Map<number, 'ours' | 'theirs'>;
  /** The primary key changed on one side (conflict if the other side changed rows). */
  pkChangedBy?: 'ours' | 'theirs';
  /** Sides that added NOT NULL / UNIQUE / CHECK / FOREIGN KEY constraints. */
  constraintsAddedBy: ('ours' | 'theirs')[];
  /** theirs' index name (lower-cased) → merged index name. */
  indexRenames: Map<string, string>;
  /** The table exists on this side only (added there), or on both but not in base. */
  addedBy?: 'ours' | 'theirs' | 'both';
  /** `schema.sql` could not be taken from a side and no renderer was given. */
  sqlStale: boolean;
}

export interface SchemaSide {
  tables: Map<string, TableSchema>;
  views: Record<string, ViewObject>;
  triggers: Record<string, TriggerObject>;
}

export interface SchemaMergeResult {
  tables: Map<string, TableMergePlan>;
  /** Tables of base absent from the merge, and who dropped them. */
  droppedTables: Map<string, 'ours' | 'theirs' | 'both'>;
  views: Record<string, ViewObject>;
  triggers: Record<string, TriggerObject>;
  conflicts: SchemaConflict[];
}

export interface SchemaMergeOptions {
  /** Renders the CREATE TABLE text of a merged schema (the SQL layer's renderer). */
  renderCreateTable?: (s: TableSchema) => string;
}

// ---- type classification ------------------------------------------------------------------------

type TypeChange = 'same' | 'widen' | 'convert' | 'narrow';

const INT_RANK: Record<string, number> = { TINYINT: 1, INT2: 2, SMALLINT: 2, MEDIUMINT: 3, INT: 4, INTEGER: 4, INT4: 4, BIGINT: 5, INT8: 5 };
const FLOAT_RANK: Record<string, number> = { REAL: 1, FLOAT4: 1, FLOAT: 2, DOUBLE: 2, 'DOUBLE PRECISION': 2, FLOAT8: 2 };
const TEXT_VAR = new Set(['VARCHAR', 'CHAR', 'CHARACTER', 'CHARACTER VARYING', 'NVARCHAR', 'NCHAR', 'VARYING CHARACTER', 'NATIVE CHARACTER']);
const TEXT_ANY = new Set(['TEXT', 'CLOB', 'STRING']);

interface ParsedType {
  base: string;
  args: number[];
}

function parseType(t: string): ParsedType {
  const s = t.trim().toUpperCase().replace(/\s+/g, ' ');
  const m = /^([A-Z0-9_ ]*?)\s*(?:\(\s*([^)]*)\))?$/.exec(s);
  if (!m) return { base: s, args: [] };
  const args = m[2] === undefined ? [] : m[2].split(',').map((a) => Number(a.trim()));
  return { base: m[1]!.trim(), args: args.every((a) => Number.isFinite(a)) ? args : [] };
}

/** How changing a column's declared type from `from` to `to` affects existing values. */
export function classifyTypeChange(from: string, to: string): TypeChange {
  const a = parseType(from);
  const b = parseType(to);
  if (a.base === b.base && a.args.join(',') === b.args.join(',')) return 'same';
  if (a.base in INT_RANK && b.base in INT_RANK) return INT_RANK[b.base]! >= INT_RANK[a.base]! ? 'widen' : 'narrow';
  if (a.base in FLOAT_RANK && b.base in FLOAT_RANK) return FLOAT_RANK[b.base]! >= FLOAT_RANK[a.base]! ? 'widen' : 'narrow';
  const isVar = (p: ParsedType): boolean => TEXT_VAR.has(p.base) && p.args.length === 1;
  const isText = (p: ParsedType): boolean => TEXT_ANY.has(p.base) || (TEXT_VAR.has(p.base) && p.args.length === 0);
  if (isVar(a) && isText(b)) return 'widen';
  if (isVar(a) && isVar(b)) return b.args[0]! >= a.args[0]! ? 'widen' : 'narrow';
  if (isText(a) && isVar(b)) return 'narrow';
  if (isText(a) && isText(b)) return 'widen';
  const isDec = (p: ParsedType): boolean => (p.base === 'DECIMAL' || p.base === 'NUMERIC') && p.args.length >= 1;
  if (isDec(a) && isDec(b)) {
    const [p1, s1 = 0] = a.args as [number, number?];
    const [p2, s2 = 0] = b.args as [number, number?];
    if (s1 === s2) return p2 >= p1 ? 'widen' : 'narrow';
    // A scale change rewrites stored decimals; more integer digits and more scale still holds every value.
    return s2 > s1 && p2 - s2 >= p1 - s1 ? 'convert' : 'narrow';
  }
  return 'narrow';
}

// ---- equality helpers ---------------------------------------------------------------------------

function sameKey(a: KeyColumn[], b: KeyColumn[]): boolean {
  return a.length === b.length && a.every((k, i) => k.tag === b[i]!.tag && k.desc === b[i]!.desc && k.collation === b[i]!.collation && k.expr === b[i]!.expr);
}

function sameColumnDef(a: ColumnSchema, b: ColumnSchema): boolean {
  return (
    a.name === b.name &&
    a.type === b.type &&
    a.affinity === b.affinity &&
    a.notNull === b.notNull &&
    a.default === b.default &&
    a.collation === b.collation &&
    a.generated?.expr === b.generated?.expr &&
    a.generated?.stored === b.generated?.stored &&
    (a.missingValue === undefined ? b.missingValue === undefined : b.missingValue !== undefined && sameValue(a.missingValue, b.missingValue))
  );
}

function sameColumn(a: ColumnSchema, b: ColumnSchema): boolean {
  return a.tag === b.tag && sameColumnDef(a, b);
}

function sameIndex(a: IndexSchema, b: IndexSchema): boolean {
  return a.name === b.name && sameKey(a.columns, b.columns) && a.unique === b.unique && a.where === b.where && a.origin === b.origin && a.constraintName === b.constraintName;
}

function sameCheck(a: CheckSchema, b: CheckSchema): boolean {
  return a.name === b.name && a.expr === b.expr;
}

function sameFk(a: ForeignKeySchema, b: ForeignKeySchema): boolean {
  return (
    a.name === b.name &&
    a.table.toLowerCase() === b.table.toLowerCase() &&
    a.columns.join(',') === b.columns.join(',') &&
    a.refColumns.map((c) => c.toLowerCase()).join(',') === b.refColumns.map((c) => c.toLowerCase()).join(',') &&
    a.onDelete === b.onDelete &&
    a.onUpdate === b.onUpdate
  );
}

/** Structural equality of two schemas, ignoring the `sql` text. */
export function sameTableSchema(a: TableSchema, b: TableSchema): boolean {
  return (
    a.name === b.name &&
    a.nextTag === b.nextTag &&
    a.autoincrement === b.autoincrement &&
    a.rowidAlias === b.rowidAlias &&
    a.primaryKeyName === b.primaryKeyName &&
    sameKey(a.primaryKey, b.primaryKey) &&
    a.columns.length === b.columns.length &&
    a.columns.every((c, i) => sameColumn(c, b.columns[i]!)) &&
    a.indexes.length === b.indexes.length &&
    a.indexes.every((x, i) => sameIndex(x, b.indexes[i]!)) &&
    a.checks.length === b.checks.length &&
    a.checks.every((x, i) => sameCheck(x, b.checks[i]!)) &&
    a.foreignKeys.length === b.foreignKeys.length &&
    a.foreignKeys.every((x, i) => sameFk(x, b.foreignKeys[i]!))
  );
}

// ---- display ------------------------------------------------------------------------------------

function showValue(v: ColumnSchema['missingValue']): string {
  if (v === undefined || v === null) return 'NULL';
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  if (v instanceof Uint8Array) return `X'${Buffer.from(v).toString('hex')}'`;
  return String(v);
}

/** A column definition as SQL text, for conflict reports. */
export function columnDefText(c: ColumnSchema | undefined): string {
  if (!c) return '(absent)';
  let d = c.name;
  if (c.type) d += ` ${c.type}`;
  if (c.notNull) d += ' NOT NULL';
  if (c.default !== undefined) d += ` DEFAULT ${c.default}`;
  if (c.collation && c.collation !== 'BINARY') d += ` COLLATE ${c.collation}`;
  if (c.generated) d += ` GENERATED ALWAYS AS (${c.generated.expr}) ${c.generated.stored ? 'STORED' : 'VIRTUAL'}`;
  if (c.missingValue !== undefined && c.default === undefined) d += ` /* missing ${showValue(c.missingValue)} */`;
  return d;
}

function keyText(cols: KeyColumn[], s: TableSchema | undefined): string {
  const byTag = new Map((s?.columns ?? []).map((c) => [c.tag, c.name] as const));
  return `(${cols.map((k) => `${k.expr ?? byTag.get(k.tag) ?? `#${k.tag}`}${k.desc ? ' DESC' : ''}`).join(', ')})`;
}

function indexText(i: IndexSchema | undefined, s: TableSchema | undefined): string {
  if (!i) return '(absent)';
  if (i.sql) return i.sql;
  return `${i.unique ? 'UNIQUE ' : ''}INDEX ${i.name} ${keyText(i.columns, s)}${i.where ? ` WHERE ${i.where}` : ''}`;
}

function checkText(c: CheckSchema | undefined): string {
  return c ? `${c.name ? `CONSTRAINT ${c.name} ` : ''}CHECK (${c.expr})` : '(absent)';
}

function fkText(f: ForeignKeySchema | undefined, s: TableSchema | undefined): string {
  if (!f) return '(absent)';
  const byTag = new Map((s?.columns ?? []).map((c) => [c.tag, c.name] as const));
  return `${f.name ? `CONSTRAINT ${f.name} ` : ''}FOREIGN KEY (${f.columns.map((t) => byTag.get(t) ?? `#${t}`).join(', ')}) REFERENCES ${f.table}${f.refColumns.length ? ` (${f.refColumns.join(', ')})` : ''}`;
}

/** Identifier tokens (lower-cased) of a SQL text, outside string literals. */
function identifiers(sql: string): Set<string> {
  const out = new Set<string>();
  const re = /'(?:[^']|'')*'|"((?:[^"]|"")*)"|`([^`]*)`|\[([^\]]*)\]|([A-Za-z_][A-Za-z0-9_$]*)/g;
  for (const m of sql.matchAll(re)) {
    const id = m[1]?.replace(/""/g, '"') ?? m[2] ?? m[3] ?? m[4];
    if (id !== undefined) out.add(id.toLowerCase());
  }
  return out;
}

// ---- generic three-way pick ---------------------------------------------------------------------

type Pick<T> = { ok: true; value: T } | { ok: false };

function pick3<T>(base: T, ours: T, theirs: T, eq: (a: T, b: T) => boolean): Pick<T> {
  if (eq(ours, theirs)) return { ok: true, value: ours };
  if (eq(base, ours)) return { ok: true, value: theirs };
  if (eq(base, theirs)) return { ok: true, value: ours };
  return { ok: false };
}

/**
 * Three-way merge of keyed items (absent = undefined). Items are emitted in ours' order, then
 * theirs-only ones in theirs' order. `onConflict` gets both sides; the merged value is ours'.
 */
function mergeKeyed<T>(
  base: Map<string, T>,
  ours: Map<string, T>,
  theirs: Map<string, T>,
  eq: (a: T, b: T) => boolean,
  onConflict: (key: string, b: T | undefined, o: T | undefined, t: T | undefined) => void,
): T[] {
  const out: T[] = [];
  const opt = (a: T | undefined, b: T | undefined): boolean => (a === undefined || b === undefined ? a === b : eq(a, b));
  const visit = (k: string): void => {
    const b = base.get(k);
    const o = ours.get(k);
    const t = theirs.get(k);
    const p = pick3(b, o, t, opt);
    if (p.ok) {
      if (p.value !== undefined) out.push(p.value);
    } else {
      onConflict(k, b, o, t);
      if (o !== undefined) out.push(o);
    }
  };
  const seen = new Set<string>();
  for (const k of ours.keys()) {
    seen.add(k);
    visit(k);
  }
  for (const k of theirs.keys()) {
    if (seen.has(k)) continue;
    seen.add(k);
    visit(k);
  }
  for (const k of base.keys()) if (!seen.has(k)) visit(k);
  return out;
}

// ---- table merge --------------------------------------------------------------------------------

function retagKey(k: KeyColumn, m: Map<number, number>): KeyColumn {
  const t = m.get(k.tag);
  return t === undefined ? k : { ...k, tag: t };
}

function retagSchema(s: TableSchema, m: Map<number, number>): TableSchema {
  if (m.size === 0) return s;
  const r = (t: number): number => m.get(t) ?? t;
  const out: TableSchema = {
    ...s,
    columns: s.columns.map((c) => (m.has(c.tag) ? { ...c, tag: r(c.tag) } : c)),
    primaryKey: s.primaryKey.map((k) => retagKey(k, m)),
    foreignKeys: s.foreignKeys.map((f) => ({ ...f, columns: f.columns.map(r) })),
    indexes: s.indexes.map((i) => ({ ...i, columns: i.columns.map((k) => retagKey(k, m)) })),
  };
  if (s.rowidAlias !== undefined) out.rowidAlias = r(s.rowidAlias);
  return out;
}

function indexIdentity(i: IndexSchema): string {
  // Unnamed UNIQUE constraints get positional autoindex names; match them by what they cover.
  if (i.origin === 'unique' && i.constraintName === undefined) return `unique:${i.columns.map((k) => `${k.tag}${k.desc ? 'd' : ''}${k.expr ?? ''}`).join(',')}`;
  return `name:${i.name.toLowerCase()}`;
}

function checkIdentity(c: CheckSchema): string {
  return c.name !== undefined ? `name:${c.name.toLowerCase()}` : `expr:${c.expr}`;
}

function fkIdentity(f: ForeignKeySchema): string {
  return f.name !== undefined ? `name:${f.name.toLowerCase()}` : `fk:${f.columns.join(',')}>${f.table.toLowerCase()}(${f.refColumns.join(',').toLowerCase()})`;
}

function byKey<T>(items: T[], key: (x: T) => string): Map<string, T> {
  return new Map(items.map((x) => [key(x), x] as const));
}

interface PlanDraft {
  plan: TableMergePlan;
  conflicts: SchemaConflict[];
}

function mergeTable(key: string, base: TableSchema, ours: TableSchema, theirsIn: TableSchema, options: SchemaMergeOptions): PlanDraft {
  const conflicts: SchemaConflict[] = [];
  const conflict = (c: Omit<SchemaConflict, 'table'>): void => {
    conflicts.push({ table: key, ...c });
  };

  // 1. Tags: columns new on both sides are matched by name.
  const baseTags = new Set(base.columns.map((c) => c.tag));
  const isNew = (c: ColumnSchema): boolean => c.tag >= base.nextTag && !baseTags.has(c.tag);
  const oursNew = new Map(ours.columns.filter(isNew).map((c) => [c.name.toLowerCase(), c] as const));
  const retag = new Map<number, number>();
  let fresh = Math.max(ours.nextTag, theirsIn.nextTag);
  for (const c of theirsIn.columns) {
    if (!isNew(c)) continue;
    const twin = oursNew.get(c.name.toLowerCase());
    if (twin && sameColumnDef(twin, c)) {
      if (twin.tag !== c.tag) retag.set(c.tag, twin.tag);
    } else if (c.tag < ours.nextTag) retag.set(c.tag, fresh++);
  }
  const theirs = retagSchema(theirsIn, retag);
  const nextTag = Math.max(ours.nextTag, theirs.nextTag, fresh);

  // 2. Columns by tag.
  const bCols = new Map(base.columns.map((c) => [String(c.tag), c] as const));
  const oCols = new Map(ours.columns.map((c) => [String(c.tag), c] as const));
  const tCols = new Map(theirs.columns.map((c) => [String(c.tag), c] as const));
  const validate: number[] = [];
  const validateBy = new Map<number, 'ours' | 'theirs'>();
  const added = new Set<'ours' | 'theirs'>();
  const columns: ColumnSchema[] = [];
  const colEq = (a: ColumnSchema, b: ColumnSchema): boolean => sameColumnDef(a, b);
  const visitCol = (k: string): void => {
    const b = bCols.get(k);
    const o = oCols.get(k);
    const t = tCols.get(k);
    if (o && t) {
      if (!b) {
        // Both sides added a column under this tag: only possible for the same-name twin (retagged).
        if (!sameColumnDef(o, t)) {
          conflict({ kind: 'column-added-differently', column: o.name, ours: columnDefText(o), theirs: columnDefText(t), message: `column ${o.name} added on both sides with different definitions` });
        }
        columns.push(o);
        return;
      }
      const merged: ColumnSchema = { ...o };
      const attr = <K extends keyof ColumnSchema>(name: K, eq: (x: ColumnSchema[K], y: ColumnSchema[K]) => boolean, kind: string): boolean => {
        const p = pick3(b[name], o[name], t[name], (x, y) => eq(x, y));
        if (p.ok) {
          if (p.value === undefined) delete merged[name];
          else merged[name] = p.value;
          return true;
        }
        conflict({ kind, column: o.name, base: columnDefText(b), ours: columnDefText(o), theirs: columnDefText(t), message: `column ${b.name} changed differently on both sides (${String(name)})` });
        return false;
      };
      const eqv = <V>(x: V, y: V): boolean => x === y;
      attr('name', eqv, 'column-renamed-differently');
      const typeOk = attr('type', eqv, 'column-type-changed-differently');
      if (typeOk) {
        attr('affinity', eqv, 'column-type-changed-differently');
        attr('missingValue', (x, y) => (x === undefined || y === undefined ? x === y : sameValue(x, y)), 'column-type-changed-differently');
        if (merged.type !== b.type && (o.type === b.type) !== (t.type === b.type)) {
          const side = o.type !== b.type ? 'ours' : 'theirs';
          const ch = classifyTypeChange(b.type, merged.type);
          if (ch === 'narrow' || ch === 'convert' || merged.affinity !== b.affinity) {
            validate.push(merged.tag);
            validateBy.set(merged.tag, side);
          }
        }
      }
      const nn = attr('notNull', eqv, 'column-not-null-changed-differently');
      if (nn && merged.notNull && !b.notNull) added.add(o.notNull ? 'ours' : 'theirs');
      attr('default', eqv, 'column-default-changed-differently');
      attr('collation', eqv, 'column-collation-changed-differently');
      attr('generated', (x, y) => x?.expr === y?.expr && x?.stored === y?.stored, 'column-generated-changed-differently');
      columns.push(merged);
      return;
    }
    if (b && (o || t)) {
      // Dropped on one side: clean when the other side left the definition alone.
      const kept = (o ?? t)!;
      if (!sameColumnDef(b, kept)) {
        conflict({ kind: 'column-dropped-and-changed', column: b.name, base: columnDefText(b), ours: columnDefText(o), theirs: columnDefText(t), message: `column ${b.name} dropped on one side and changed on the other` });
        columns.push(kept);
      }
      return;
    }
    if (!b && (o || t)) columns.push((o ?? t)!);
  };
  const seen = new Set<string>();
  for (const k of oCols.keys()) {
    seen.add(k);
    visitCol(k);
  }
  for (const k of tCols.keys()) if (!seen.has(k)) {
    seen.add(k);
    visitCol(k);
  }
  // Name clashes (a rename on one side onto a name the other side added, or two different adds).
  const byName = new Map<string, ColumnSchema>();
  for (const c of columns) {
    const n = c.name.toLowerCase();
    const prev = byName.get(n);
    if (prev) {
      conflict({ kind: 'column-name-clash', column: c.name, ours: columnDefText(oCols.get(String(prev.tag)) ?? oCols.get(String(c.tag))), theirs: columnDefText(tCols.get(String(c.tag)) ?? tCols.get(String(prev.tag))), message: `two different columns named ${c.name} after the merge` });
    } else byName.set(n, c);
  }
  const mergedTags = new Set(columns.map((c) => c.tag));
  const droppedTags = [...new Set([...base.columns, ...ours.columns, ...theirs.columns].map((c) => c.tag))].filter((t) => !mergedTags.has(t)).sort((a, b) => a - b);
  const colName = (t: number): string => columns.find((c) => c.tag === t)?.name ?? base.columns.find((c) => c.tag === t)?.name ?? `#${t}`;
  const renamedOrDropped = new Set<string>();
  for (const c of [...base.columns, ...ours.columns, ...theirs.columns]) {
    const m = columns.find((x) => x.tag === c.tag);
    if (!m || m.name.toLowerCase() !== c.name.toLowerCase()) renamedOrDropped.add(c.name.toLowerCase());
  }
  for (const c of columns) renamedOrDropped.delete(c.name.toLowerCase());

  // 3. Primary key.
  const pkEq = (x: TableSchema, y: TableSchema): boolean => sameKey(x.primaryKey, y.primaryKey) && x.rowidAlias === y.rowidAlias && x.autoincrement === y.autoincrement && x.primaryKeyName === y.primaryKeyName;
  let pkFrom: TableSchema = ours;
  let pkChangedBy: 'ours' | 'theirs' | undefined;
  if (!pkEq(ours, theirs)) {
    if (pkEq(base, ours)) {
      pkFrom = theirs;
      pkChangedBy = 'theirs';
    } else if (pkEq(base, theirs)) pkChangedBy = 'ours';
    else conflict({ kind: 'primary-key-changed-differently', base: `PRIMARY KEY ${keyText(base.primaryKey, base)}`, ours: `PRIMARY KEY ${keyText(ours.primaryKey, ours)}`, theirs: `PRIMARY KEY ${keyText(theirs.primaryKey, theirs)}`, message: 'primary key changed differently on both sides' });
  }

  // 4. Indexes / UNIQUE constraints.
  const indexRenames = new Map<string, string>();
  const bIx = byKey(base.indexes, indexIdentity);
  const oIx = byKey(ours.indexes, indexIdentity);
  const tIx = byKey(theirs.indexes, indexIdentity);
  const ixEq = (a: IndexSchema, b: IndexSchema): boolean => sameKey(a.columns, b.columns) && a.unique === b.unique && a.where === b.where && a.origin === b.origin && a.constraintName === b.constraintName && (a.origin === 'unique' && a.constraintName === undefined ? true : a.name === b.name);
  let indexes = mergeKeyed(bIx, oIx, tIx, ixEq, (_k, b, o, t) =>
    conflict({ kind: 'index-changed-differently', base: indexText(b, base), ours: indexText(o, ours), theirs: indexText(t, theirs), message: `index ${(o ?? t ?? b)!.name} changed differently on both sides` }),
  );
  // Autoindex names: two different unnamed UNIQUE constraints may carry the same positional name.
  const taken = new Set<string>();
  indexes = indexes.map((i) => {
    const n = i.name.toLowerCase();
    if (!taken.has(n)) {
      taken.add(n);
      return i;
    }
    if (i.origin === 'unique' && i.constraintName === undefined) {
      let k = 1;
      while (taken.has(`sqlite_autoindex_${ours.name}_${k}`.toLowerCase())) k++;
      const name = `sqlite_autoindex_${ours.name}_${k}`;
      taken.add(name.toLowerCase());
      indexRenames.set(n, name);
      return { ...i, name };
    }
    conflict({ kind: 'index-name-clash', ours: indexText(ours.indexes.find((x) => x.name.toLowerCase() === n), ours), theirs: indexText(i, theirs), message: `two different indexes named ${i.name} after the merge` });
    return i;
  });
  for (const i of indexes) {
    const missing = i.columns.filter((k) => k.tag >= 0 && !mergedTags.has(k.tag));
    const stale = [...identifiers(`${i.where ?? ''} ${i.columns.map((k) => k.expr ?? '').join(' ')}`)].filter((n) => renamedOrDropped.has(n));
    if (missing.length || stale.length) conflict({ kind: 'index-on-dropped-column', column: missing.length ? colName(missing[0]!.tag) : stale[0], ours: indexText(ours.indexes.find((x) => x.name === i.name), ours), theirs: indexText(theirs.indexes.find((x) => x.name === i.name), theirs), message: `index ${i.name} uses a column dropped or renamed on the other side` });
  }

  // 5. CHECK and FOREIGN KEY constraints.
  const checks = mergeKeyed(byKey(base.checks, checkIdentity), byKey(ours.checks, checkIdentity), byKey(theirs.checks, checkIdentity), sameCheck, (_k, b, o, t) =>
    conflict({ kind: 'check-changed-differently', base: checkText(b), ours: checkText(o), theirs: checkText(t), message: `CHECK constraint ${(o ?? t ?? b)!.name ?? ''} changed differently on both sides`.replace('  ', ' ') }),
  );
  for (const c of checks) {
    const stale = [...identifiers(c.expr)].filter((n) => renamedOrDropped.has(n));
    if (stale.length) conflict({ kind: 'check-on-dropped-column', column: stale[0], ours: checkText(ours.checks.find((x) => sameCheck(x, c))), theirs: checkText(theirs.checks.find((x) => sameCheck(x, c))), message: `CHECK (${c.expr}) uses a column dropped or renamed on the other side` });
  }
  const foreignKeys = mergeKeyed(byKey(base.foreignKeys, fkIdentity), byKey(ours.foreignKeys, fkIdentity), byKey(theirs.foreignKeys, fkIdentity), sameFk, (_k, b, o, t) =>
    conflict({ kind: 'foreign-key-changed-differently', base: fkText(b, base), ours: fkText(o, ours), theirs: fkText(t, theirs), message: 'FOREIGN KEY changed differently on both sides' }),
  );
  for (const f of foreignKeys) {
    const missing = f.columns.filter((t) => !mergedTags.has(t));
    if (missing.length) conflict({ kind: 'foreign-key-on-dropped-column', column: colName(missing[0]!), ours: fkText(ours.foreignKeys.find((x) => sameFk(x, f)), ours), theirs: fkText(theirs.foreignKeys.find((x) => sameFk(x, f)), theirs), message: 'FOREIGN KEY uses a column dropped on the other side' });
  }
  for (const k of pkFrom.primaryKey) {
    if (k.tag >= 0 && !mergedTags.has(k.tag)) conflict({ kind: 'primary-key-on-dropped-column', column: colName(k.tag), ours: `PRIMARY KEY ${keyText(ours.primaryKey, ours)}`, theirs: `PRIMARY KEY ${keyText(theirs.primaryKey, theirs)}`, message: 'the primary key uses a column dropped on the other side' });
  }

  // Constraints added on one side (the caller checks the other side's rows against them).
  const addedIn = (side: TableSchema): boolean =>
    side.indexes.some((i) => i.unique && !base.indexes.some((x) => indexIdentity(x) === indexIdentity(i))) ||
    side.checks.some((c) => !base.checks.some((x) => sameCheck(x, c))) ||
    side.foreignKeys.some((f) => !base.foreignKeys.some((x) => sameFk(x, f)));
  if (addedIn(ours)) added.add('ours');
  if (addedIn(theirs)) added.add('theirs');

  // 6. Table name (RENAME TO keeps the key only when the lower-cased name is unchanged).
  const nameP = pick3(base.name, ours.name, theirs.name, (x, y) => x === y);
  const schema: TableSchema = {
    name: nameP.ok ? nameP.value : ours.name,
    columns,
    primaryKey: pkFrom.primaryKey,
    autoincrement: pkFrom.autoincrement,
    checks,
    foreignKeys,
    indexes,
    nextTag,
    sql: ours.sql,
  };
  if (pkFrom.rowidAlias !== undefined) schema.rowidAlias = pkFrom.rowidAlias;
  if (pkFrom.primaryKeyName !== undefined) schema.primaryKeyName = pkFrom.primaryKeyName;
  const ordered: TableSchema = withSql(schema, base, ours, theirs, options);
  const sqlStale = ordered.sql === STALE;
  if (sqlStale) ordered.sql = ours.sql;
  return {
    plan: {
      name: key,
      schema: ordered,
      theirsRetag: retag,
      droppedTags,
      theirsStaleTags: staleTags(base, theirsIn),
      validate,
      validateBy,
      ...(pkChangedBy ? { pkChangedBy } : {}),
      constraintsAddedBy: (['ours', 'theirs'] as const).filter((s) => added.has(s)),
      indexRenames,
      sqlStale,
    },
    conflicts,
  };
}

/** Tags `side` handed out after the base and no longer uses (leftover cells of its dropped columns). */
function staleTags(base: TableSchema, side: TableSchema): number[] {
  const live = new Set(side.columns.map((c) => c.tag));
  const out: number[] = [];
  for (let t = base.nextTag; t < side.nextTag; t++) if (!live.has(t)) out.push(t);
  return out;
}

const STALE = '\u0000stale';

function withSql(s: TableSchema, base: TableSchema, ours: TableSchema, theirs: TableSchema, options: SchemaMergeOptions): TableSchema {
  if (sameTableSchema(s, ours) && (ours.sql !== base.sql || !sameTableSchema(s, theirs))) return { ...s, sql: ours.sql };
  if (sameTableSchema(s, theirs)) return { ...s, sql: theirs.sql };
  if (sameTableSchema(s, base)) return { ...s, sql: base.sql };
  if (options.renderCreateTable) return { ...s, sql: options.renderCreateTable(s) };
  return { ...s, sql: STALE };
}

function plainPlan(key: string, schema: TableSchema, addedBy?: 'ours' | 'theirs' | 'both'): TableMergePlan {
  return {
    name: key,
    schema,
    theirsRetag: new Map(),
    droppedTags: [],
    theirsStaleTags: [],
    validate: [],
    validateBy: new Map(),
    constraintsAddedBy: [],
    indexRenames: new Map(),
    ...(addedBy ? { addedBy } : {}),
    sqlStale: false,
  };
}

function tableText(s: TableSchema | undefined): string {
  return s ? s.sql : '(absent)';
}

// ---- the whole schema ---------------------------------------------------------------------------

/** Three-way merge of the schemas of `ours` and `theirs` against `base`. Pure; never throws on conflicts. */
export function mergeSchemas(base: SchemaSide, ours: SchemaSide, theirs: SchemaSide, options: SchemaMergeOptions = {}): SchemaMergeResult {
  const conflicts: SchemaConflict[] = [];
  const tables = new Map<string, TableMergePlan>();
  const droppedTables = new Map<string, 'ours' | 'theirs' | 'both'>();
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const m of [ours.tables, theirs.tables, base.tables]) for (const k of m.keys()) if (!seen.has(k)) {
    seen.add(k);
    keys.push(k);
  }
  for (const key of keys) {
    const b = base.tables.get(key);
    const o = ours.tables.get(key);
    const t = theirs.tables.get(key);
    if (b && o && t) {
      if (sameTableSchema(b, o) && sameTableSchema(b, t)) {
        tables.set(key, plainPlan(key, o.sql === b.sql ? t : o));
        continue;
      }
      const d = mergeTable(key, b, o, t, options);
      tables.set(key, d.plan);
      conflicts.push(...d.conflicts);
    } else if (b && !o && !t) {
      droppedTables.set(key, 'both');
    } else if (b && (o || t)) {
      const kept = (o ?? t)!;
      const dropper = o ? 'theirs' : 'ours';
      if (sameTableSchema(b, kept)) droppedTables.set(key, dropper);
      else {
        conflicts.push({ table: key, kind: 'table-dropped-and-changed', base: tableText(b), ours: tableText(o), theirs: tableText(t), message: `table ${kept.name} dropped on one side and its definition changed on the other` });
        tables.set(key, plainPlan(key, kept));
      }
    } else if (o && t) {
      // Added on both sides.
      if (sameTableSchema(o, t)) tables.set(key, plainPlan(key, o, 'both'));
      else {
        conflicts.push({ table: key, kind: 'table-added-differently', ours: tableText(o), theirs: tableText(t), message: `table ${o.name} added on both sides with different definitions` });
        tables.set(key, plainPlan(key, o, 'both'));
      }
    } else if (o) tables.set(key, plainPlan(key, o, 'ours'));
    else if (t) tables.set(key, plainPlan(key, t, 'theirs'));
  }

  // Foreign keys whose parent table is gone after the merge.
  for (const [key, p] of tables) {
    for (const f of p.schema.foreignKeys) {
      const parent = f.table.toLowerCase();
      if (!tables.has(parent) && droppedTables.has(parent)) {
        conflicts.push({ table: key, kind: 'foreign-key-parent-dropped', message: `FOREIGN KEY of ${p.schema.name} references table ${f.table}, dropped on the other side`, ours: fkText(f, p.schema) });
      }
    }
  }

  const viewEq = (a: ViewObject, b: ViewObject): boolean => a.name === b.name && a.sql === b.sql;
  const views: Record<string, ViewObject> = {};
  for (const v of mergeKeyed(new Map(Object.entries(base.views)), new Map(Object.entries(ours.views)), new Map(Object.entries(theirs.views)), viewEq, (k, b, o, t) =>
    conflicts.push({ table: k, kind: 'view-changed-differently', base: b?.sql ?? '(absent)', ours: o?.sql ?? '(absent)', theirs: t?.sql ?? '(absent)', message: `view ${k} changed differently on both sides` }),
  ))
    views[v.name.toLowerCase()] = v;
  const trigEq = (a: TriggerObject, b: TriggerObject): boolean => a.name === b.name && a.table === b.table && a.sql === b.sql;
  const triggers: Record<string, TriggerObject> = {};
  for (const tr of mergeKeyed(new Map(Object.entries(base.triggers)), new Map(Object.entries(ours.triggers)), new Map(Object.entries(theirs.triggers)), trigEq, (k, b, o, t) =>
    conflicts.push({ table: k, kind: 'trigger-changed-differently', base: b?.sql ?? '(absent)', ours: o?.sql ?? '(absent)', theirs: t?.sql ?? '(absent)', message: `trigger ${k} changed differently on both sides` }),
  )) {
    if (!tables.has(tr.table)) {
      conflicts.push({ table: tr.table, kind: 'trigger-on-dropped-table', ours: tr.sql, message: `trigger ${tr.name} is on table ${tr.table}, dropped on the other side` });
      continue;
    }
    triggers[tr.name.toLowerCase()] = tr;
  }
  return { tables, droppedTables, views, triggers, conflicts };
}
