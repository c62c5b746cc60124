/**
 * The three-way merge of whole database roots, table by table, as the SQL layer stores them:
 *
 * - a table whose Table object is the same on two of the three sides takes the third side's
 *   object wholesale (no row is read);
 * - a table changed on both sides: schema plan (`schema-plan.ts`), then the storage-level row
 *   merge (`mergeRows`: base→theirs applied onto ours, cell by cell), and the derived trees
 *   (secondary indexes, the keyless insertion-order index) updated from the ours→merged row
 *   diff with `updateDerived` — an index only theirs has is updated from theirs→merged instead,
 *   so index cost follows the diff and nothing is rebuilt;
 * - a table dropped on one side and changed on the other, or created on both sides with
 *   different definitions: schema conflict (ours' table stays in the working state);
 * - views and triggers merge by name (one-sided changes win; different definitions conflict).
 *
 * The result is the merged table states (not yet encoded), the data conflicts (conflicting rows
 * keep ours' row), the schema conflicts, and per table the ours→merged row changes that the
 * constraint check needs.
 */
import type { CID } from '../../../hash/index.js';
import {
  ProllyTree,
  compareBytes,
  decodeKeylessValue,
  decodeRow,
  encodeKeylessValue,
  encodeRow,
  encodeRootObject,
  keylessKey,
  type NodeStore,
  type SqlValue,
  type TableSchema,
  type Tree,
  type TreeEdit,
  type TriggerObject,
  type ViewObject,
} from '../../../objects/index.js';
import { columnDefText, diffRows, mergeRows, type MergeStrategy } from '../../../merge/index.js';
import { Catalog, storedTable, type SchemaCache } from '../../catalog/catalog.js';
import { updateDerived, type RowChangeBytes } from '../../storage/derived.js';
import { coerceValue } from '../../engine/coerce.js';
import { TableInfo } from '../../storage/table-info.js';
import { TableState } from '../../storage/table-state.js';
import type { Row } from '../../exec/types.js';
import type { DataConflict, SchemaConflictRecord } from './merge-state.js';
import { planTable, sameSchema, type TablePlan } from './schema-plan.js';

export interface RootMergeResult {
  rootCid: CID;
  catalog: Catalog;
  conflicts: DataConflict[];
  schemaConflicts: SchemaConflictRecord[];
  /** Tables whose rows differ from ours (lower-cased keys). */
  changedTables: string[];
  /** Tables whose constraint check starts from this rows tree (the base: a side added constraints) instead of ours'. */
  checkFrom: Map<string, Tree>;
  /** Data conflicts resolved by the strategy. */
  resolved: number;
}

export interface RootMergeOptions {
  strategy?: MergeStrategy;
  /** Installs evaluators of partial / expression indexes on a TableInfo before index maintenance. */
  prepareInfo?: (info: TableInfo) => void;
}

function eq(a: CID | undefined, b: CID | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.equals(b);
}

const JSON_TYPE = /^JSONB?$/i;

function rowOptions(info: TableInfo, strategy: MergeStrategy | undefined): Parameters<typeof mergeRows>[3] {
  const jsonTags = new Set<number>();
  const missing = new Map<number, SqlValue>();
  for (const c of info.columns) {
    if (JSON_TYPE.test(c.type.trim())) jsonTags.add(c.tag);
    if (c.missingValue !== undefined) missing.set(c.tag, c.missingValue);
  }
  return { jsonTags, missing, keyless: info.keyless, ...(strategy !== undefined ? { strategy } : {}) };
}

function idxKeyOf(s: TableSchema, name: string): string | undefined {
  const ix = s.indexes.find((i) => i.name.toLowerCase() === name);
  return ix === undefined ? undefined : JSON.stringify(ix);
}

/** Cells of `d` without the `stale` tags, the rest renamed by `retag`, sorted by tag again. */
function retagCells(d: { tags: number[]; values: SqlValue[]; nullTags?: number[] }, retag: ReadonlyMap<number, number>, stale: ReadonlySet<number>): { tags: number[]; values: SqlValue[]; nullTags: number[] | undefined } {
  const keep: number[] = [];
  for (let i = 0; i < d.tags.length; i++) if (!stale.has(d.tags[i]!)) keep.push(i);
  const tags = keep.map((i) => retag.get(d.tags[i]!) ?? d.tags[i]!);
  const order = tags.map((_, i) => i).sort((a, b) => tags[a]! - tags[b]!);
  const nulls = d.nullTags?.filter((t) => !stale.has(t)).map((t) => retag.get(t) ?? t).sort((a, b) => a - b);
  return { tags: order.map((i) => tags[i]!), values: order.map((i) => d.values[keep[i]!]!), nullTags: nulls && nulls.length > 0 ? nulls : undefined };
}

function touches(d: { tags: number[]; nullTags?: number[] }, retag: ReadonlyMap<number, number>, stale: ReadonlySet<number>): boolean {
  for (const t of d.tags) if (retag.has(t) || stale.has(t)) return true;
  if (d.nullTags) for (const t of d.nullTags) if (retag.has(t) || stale.has(t)) return true;
  return false;
}

/**
 * Theirs' rows in the merged schema's tag space: a tree equal to theirs, except that theirs'
 * changed rows (base→theirs diff; unchanged rows are base rows, which carry neither kind of
 * tag) lose the cells of `stale` tags (theirs' dropped columns' leftovers under tags ours may
 * have handed out) and have `retag` applied. Returns theirs itself when there is nothing to do
 * (the usual case: no row is read).
 *
 * Keyless tables: the key is the hash of the cells, so a rewritten row moves to a new key, where
 * it may meet an identical row (say, a stripped stale cell makes it equal to a base row): the
 * counts of all theirs' rows landing on one key add up.
 */
export function retagTheirs(base: Tree, theirs: Tree, retag: ReadonlyMap<number, number>, staleTags: readonly number[], keyless: boolean): Tree {
  if (retag.size === 0 && staleTags.length === 0) return theirs;
  const stale = new Set(staleTags);
  const edits: TreeEdit[] = [];
  if (!keyless) {
    for (const c of diffRows(base, theirs)) {
      if (c.to === null) continue; // removed by theirs: the base row carries no such tag
      const d = decodeRow(c.to);
      if (!touches(d, retag, stale)) continue;
      const r = retagCells(d, retag, stale);
      edits.push({ key: c.key.slice(), value: encodeRow(r.tags, r.values, r.nullTags) });
    }
    return edits.length === 0 ? theirs : theirs.mutate(edits);
  }
  // keyless: key → [cells value, count] of every key a rewritten row leaves or lands on
  const moved = new Map<string, { key: Uint8Array; cells: ReturnType<typeof retagCells> | null; count: number }>();
  const slot = (key: Uint8Array): { key: Uint8Array; cells: ReturnType<typeof retagCells> | null; count: number } => {
    const h = Buffer.from(key).toString('hex');
    let e = moved.get(h);
    if (!e) {
      // start from what theirs holds there (rows that do not move)
      const v = theirs.get(key);
      let cells: ReturnType<typeof retagCells> | null = null;
      let count = 0;
      if (v !== undefined) {
        const d = decodeKeylessValue(v);
        if (!touches(d, retag, stale)) {
          cells = { tags: d.tags, values: d.values, nullTags: d.nullTags };
          count = d.count;
        }
      }
      moved.set(h, (e = { key: key.slice(), cells, count }));
    }
    return e;
  };
  for (const c of diffRows(base, theirs)) {
    if (c.to === null) continue;
    const d = decodeKeylessValue(c.to);
    if (!touches(d, retag, stale)) continue;
    slot(c.key); // the row leaves its key (its count is not taken there: see `slot`)
    const r = retagCells(d, retag, stale);
    const to = slot(keylessKey(r.tags, r.values, r.nullTags));
    to.cells ??= r;
    to.count += d.count;
  }
  const sorted = [...moved.values()].sort((a, b) => compareBytes(a.key, b.key));
  for (const e of sorted) {
    edits.push({ key: e.key, value: e.count > 0 && e.cells ? encodeKeylessValue(e.cells.tags, e.cells.values, e.count, e.cells.nullTags) : null });
  }
  return theirs.mutate(edits);
}

class RootMerger {
  readonly tables = new Map<string, TableState>();
  readonly conflicts: DataConflict[] = [];
  readonly schemaConflicts: SchemaConflictRecord[] = [];
  readonly changed: string[] = [];
  /** Tables whose constraints are checked from this rows tree (a side added constraints) instead of ours'. */
  readonly checkFrom = new Map<string, Tree>();
  resolved = 0;

  constructor(
    private readonly ns: NodeStore,
    private readonly base: Catalog,
    private readonly ours: Catalog,
    private readonly theirs: Catalog,
    private readonly options: RootMergeOptions,
  ) {}

  run(): void {
    const keys = new Set<string>([...this.ours.tables.keys(), ...this.theirs.tables.keys(), ...this.base.tables.keys()]);
    for (const key of [...keys].sort()) this.table(key);
  }

  private table(key: string): void {
    const b = this.base.tables.get(key);
    const o = this.ours.tables.get(key);
    const t = this.theirs.tables.get(key);
    const bc = b?.tableCid;
    const oc = o?.tableCid;
    const tc = t?.tableCid;
    if (eq(oc, tc) || eq(tc, bc)) {
      if (o) this.tables.set(key, o);
      return;
    }
    if (eq(oc, bc)) {
      // only theirs changed: take theirs wholesale
      if (t) this.tables.set(key, t);
      this.changed.push(key);
      return;
    }
    if (!o || !t) {
      const name = (o ?? t ?? b)!.info.name;
      this.schemaConflicts.push({
        table: key,
        kind: 'drop-modify',
        ...(b ? { base: b.info.schema.sql } : {}),
        ...(o ? { ours: o.info.schema.sql } : {}),
        ...(t ? { theirs: t.info.schema.sql } : {}),
        message: `table ${name} was dropped on ${o ? 'their' : 'our'} side and changed on the other`,
      });
      if (o) this.tables.set(key, o);
      return;
    }
    const oSchema = o.info.schema;
    const tSchema = t.info.schema;
    let plan: TablePlan;
    if (!b) {
      if (!sameSchema(oSchema, tSchema)) {
        this.schemaConflicts.push({ table: key, kind: 'add-add', ours: oSchema.sql, theirs: tSchema.sql, message: `table ${o.info.name} was created on both sides with different definitions` });
        this.tables.set(key, o);
        return;
      }
      plan = { schema: oSchema, theirsRetag: new Map() };
    } else if (eq(o.schemaCid, t.schemaCid) && eq(o.schemaCid, b.schemaCid)) {
      plan = { schema: oSchema, theirsRetag: new Map() };
    } else {
      const r = planTable(key, b.info.schema, oSchema, tSchema, !o.rows.root.equals(b.rows.root), !t.rows.root.equals(b.rows.root));
      if (r.conflicts) {
        this.schemaConflicts.push(...r.conflicts);
        this.tables.set(key, o);
        return;
      }
      plan = r.plan;
    }
    this.mergeTable(key, b, o, t, plan);
  }

  private mergeTable(key: string, b: TableState | undefined, o: TableState, t: TableState, plan: TablePlan): void {
    const ns = this.ns;
    const baseRows = b ? b.rows : ProllyTree.empty(ns);
    const sameAsOurs = sameSchema(plan.schema, o.info.schema);
    const info = sameAsOurs ? o.info : new TableInfo(plan.schema);
    this.options.prepareInfo?.(info);
    const theirsRows = retagTheirs(baseRows, t.rows, plan.theirsRetag, plan.theirsStaleTags ?? [], info.keyless);
    const bad = this.validate(key, info, plan, baseRows, o.rows, theirsRows);
    if (bad) {
      const def = (s: TableSchema | undefined): string => columnDefText(s?.columns.find((c) => c.name.toLowerCase() === bad.column?.toLowerCase()));
      bad.base = def(b?.info.schema);
      bad.ours = def(o.info.schema);
      bad.theirs = def(t.info.schema);
      this.schemaConflicts.push(bad);
      this.tables.set(key, o);
      return;
    }
    if (plan.constraintsAddedBy?.length) this.checkFrom.set(key, baseRows);
    const r = mergeRows(baseRows, o.rows, theirsRows, rowOptions(info, this.options.strategy));
    if (plan.droppedTags?.length) stripTags(r.edits, new Set(plan.droppedTags));
    this.resolved += r.stats.resolved;
    for (const c of r.conflicts) {
      this.conflicts.push({ table: key, key: c.key, base: c.base, ours: c.ours, theirs: c.theirs, oursChange: c.oursChange, theirsChange: c.theirsChange, reason: c.reason, tags: c.tags });
    }
    const ai = o.autoIncrement > t.autoIncrement ? o.autoIncrement : t.autoIncrement;
    const schemaCid = sameAsOurs ? o.schemaCid : eq(t.schemaCid, undefined) || !sameSchema(plan.schema, t.info.schema) ? undefined : t.schemaCid;
    if (r.edits.length === 0 && sameAsOurs) {
      if (ai === o.autoIncrement) this.tables.set(key, o);
      else this.tables.set(key, new TableState(o.info, o.rows, this.treesOf(o), ai, o.schemaCid, undefined));
      return;
    }
    this.changed.push(key);
    const merged = o.rows.mutate(r.edits);
    const changes: RowChangeBytes[] = r.edits.map((e) => {
      const c: RowChangeBytes = { key: e.key };
      if (e.old !== null) c.before = e.old;
      if (e.value !== null) c.after = e.value;
      return c;
    });
    // Group the merged schema's stored indexes by where their current tree comes from.
    const fromOurs: TableSchema['indexes'] = [];
    const fromTheirs: TableSchema['indexes'] = [];
    const fresh: TableSchema['indexes'] = [];
    // an index tree is keyed by (columns…, primary key…): reusable only under the same primary key
    const pkText = JSON.stringify(plan.schema.primaryKey);
    const oursPk = JSON.stringify(o.info.schema.primaryKey) === pkText;
    const theirsPk = JSON.stringify(t.info.schema.primaryKey) === pkText;
    for (const ix of plan.schema.indexes) {
      const k = ix.name.toLowerCase();
      const j = JSON.stringify(ix);
      const tk = [...(plan.indexRenames ?? [])].find(([, to]) => to.toLowerCase() === k)?.[0] ?? k;
      if (oursPk && o.indexes.has(k) && idxKeyOf(o.info.schema, k) === j) fromOurs.push(ix);
      else if (theirsPk && !info.keyless && tk === k && t.indexes.has(k) && idxKeyOf(t.info.schema, k) === j) fromTheirs.push(ix);
      else fresh.push(ix);
    }
    const trees = new Map<string, Tree>();
    const group = (list: TableSchema['indexes'], src: TableState | undefined, rows: Tree, ch: Iterable<RowChangeBytes>, withOrder: boolean): void => {
      if (list.length === 0 && !(withOrder && info.keyless)) return;
      const gInfo = list.length === plan.schema.indexes.length ? info : new TableInfo({ ...plan.schema, indexes: list });
      if (gInfo !== info) this.options.prepareInfo?.(gInfo);
      const idx = new Map<string, Tree>();
      for (const ix of gInfo.storedIndexes) idx.set(ix.key, src?.indexes.get(ix.key)?.tree ?? ProllyTree.empty(ns));
      const ts = new TableState(gInfo, rows, idx, ai, undefined, undefined);
      if (gInfo.keyless) updateDerived(ts, ch);
      else updateKeyedIndexes(ts, ch);
      const f = ts.flush();
      for (const ix of gInfo.storedIndexes) {
        if (ix.key === gInfo.orderIndex?.key && !withOrder) continue;
        trees.set(ix.key, f.indexes.get(ix.key)!);
      }
    };
    group(fromOurs, o, merged, changes, true);
    if (fromTheirs.length > 0) group(fromTheirs, t, merged, theirsToMerged(theirsRows, merged), false);
    if (fresh.length > 0 && !info.keyless) group(fresh, undefined, merged, allRows(merged), false);
    if (fresh.length > 0 && info.keyless) {
      // keyless: index keys carry the rowid of the merged order index (from ours' group)
      const gInfo = new TableInfo({ ...plan.schema, indexes: fresh });
      this.options.prepareInfo?.(gInfo);
      const order = trees.get(gInfo.orderIndex!.key)!;
      const idx = new Map<string, Tree>();
      for (const ix of gInfo.storedIndexes) idx.set(ix.key, ix.key === gInfo.orderIndex!.key ? order : ProllyTree.empty(ns));
      const ts = new TableState(gInfo, merged, idx, ai, undefined, undefined);
      const row: Row = new Array(gInfo.width).fill(null);
      for (const e of order.entries()) {
        const v = merged.get(e.value);
        if (v === undefined) continue;
        gInfo.decodeInto(e.value, v, row, 0, gInfo.slotOfTag);
        row[gInfo.rowidSlot] = gInfo.rowidOfIndexKey(e.key);
        for (const ix of gInfo.indexes) {
          if (ix.computed && !gInfo.inIndex(ix, row)) continue;
          ts.indexWriter(ix.key).put(gInfo.indexKey(ix, row, e.value), e.value);
        }
      }
      const f = ts.flush();
      for (const ix of gInfo.indexes) trees.set(ix.key, f.indexes.get(ix.key)!);
    }
    this.tables.set(key, new TableState(info, merged, trees, ai, schemaCid, undefined));
  }

  /** A type change of one side checked against the other side's changed cells (`plan.validate`). */
  private validate(key: string, info: TableInfo, plan: TablePlan, base: Tree, ours: Tree, theirs: Tree): SchemaConflictRecord | undefined {
    if (!plan.validate?.length) return undefined;
    for (const tag of plan.validate) {
      const slot = info.slotOfTag[tag] ?? -1;
      if (slot < 0) continue;
      const by = plan.validateBy?.get(tag) ?? 'ours';
      const rows = by === 'ours' ? theirs : ours;
      for (const c of diffRows(base, rows)) {
        if (c.to === null) continue;
        const d = decodeRow(c.to);
        const i = d.tags.indexOf(tag);
        if (i < 0) continue;
        const v = d.values[i]!;
        let ok = true;
        try {
          coerceValue(info, slot, v);
        } catch {
          ok = false;
        }
        if (!ok) {
          const col = info.columns[slot]!;
          return {
            table: key,
            kind: 'type',
            column: col.name,
            message: `table ${info.name}: ${by === 'ours' ? 'our' : 'their'} side changed column ${col.name} to ${col.type}, which a value written on the other side does not fit`,
          };
        }
      }
    }
    return undefined;
  }

  private treesOf(ts: TableState): Map<string, Tree> {
    const m = new Map<string, Tree>();
    for (const [k, s] of ts.indexes) m.set(k, s.tree);
    return m;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * `updateDerived` for a table with a primary key, skipping index entries a change leaves as
 * they were (a row whose indexed columns did not change costs no index write).
 */
function updateKeyedIndexes(ts: TableState, changes: Iterable<RowChangeBytes>): void {
  const info = ts.info;
  if (info.indexes.length === 0) return;
  const before: Row = new Array(info.width).fill(null);
  const after: Row = new Array(info.width).fill(null);
  for (const c of changes) {
    if (c.before) info.decodeInto(c.key, c.before, before, 0, info.slotOfTag);
    if (c.after) info.decodeInto(c.key, c.after, after, 0, info.slotOfTag);
    for (const ix of info.indexes) {
      const kb = c.before && (!ix.computed || info.inIndex(ix, before)) ? info.indexKey(ix, before, c.key) : undefined;
      const ka = c.after && (!ix.computed || info.inIndex(ix, after)) ? info.indexKey(ix, after, c.key) : undefined;
      if (kb !== undefined && ka !== undefined && sameBytes(kb, ka)) continue;
      if (kb !== undefined) ts.indexWriter(ix.key).delete(kb);
      if (ka !== undefined) ts.indexWriter(ix.key).put(ka, c.key);
    }
  }
}

function stripTags(edits: { value: Uint8Array | null }[], dropped: Set<number>): void {
  for (const e of edits) {
    if (e.value === null) continue;
    const d = decodeRow(e.value);
    if (!d.tags.some((t) => dropped.has(t)) && !d.nullTags?.some((t) => dropped.has(t))) continue;
    const keep = d.tags.map((t, i) => i).filter((i) => !dropped.has(d.tags[i]!));
    const nulls = d.nullTags?.filter((t) => !dropped.has(t));
    e.value = encodeRow(keep.map((i) => d.tags[i]!), keep.map((i) => d.values[i]!), nulls && nulls.length > 0 ? nulls : undefined);
  }
}

function* theirsToMerged(theirs: Tree, merged: Tree): Generator<RowChangeBytes> {
  for (const c of diffRows(theirs, merged)) {
    const out: RowChangeBytes = { key: c.key };
    if (c.from !== null) out.before = c.from;
    if (c.to !== null) out.after = c.to;
    yield out;
  }
}

function* allRows(t: Tree): Generator<RowChangeBytes> {
  for (const e of t.entries()) yield { key: e.key, after: e.value };
}

function mergeNamed<T extends { sql: string }>(
  kind: 'view' | 'trigger',
  base: Map<string, T>,
  ours: Map<string, T>,
  theirs: Map<string, T>,
  conflicts: SchemaConflictRecord[],
): Map<string, T> {
  const out = new Map<string, T>();
  const keys = new Set([...base.keys(), ...ours.keys(), ...theirs.keys()]);
  for (const k of [...keys].sort()) {
    const b = base.get(k)?.sql;
    const o = ours.get(k);
    const t = theirs.get(k);
    if (o?.sql === t?.sql || t?.sql === b) {
      if (o) out.set(k, o);
    } else if (o?.sql === b) {
      if (t) out.set(k, t);
    } else {
      conflicts.push({ table: k, kind, ...(b !== undefined ? { base: b } : {}), ...(o ? { ours: o.sql } : {}), ...(t ? { theirs: t.sql } : {}), message: `${kind} ${k} was changed differently on both sides` });
      if (o) out.set(k, o);
    }
  }
  return out;
}

/** Encode merged table states as a new root (chunks pending in the NodeStore) and its catalog. */
export function buildRoot(
  ns: NodeStore,
  cache: SchemaCache,
  tables: Map<string, TableState>,
  views: Map<string, ViewObject>,
  triggers: Map<string, TriggerObject>,
): { rootCid: CID; catalog: Catalog } {
  const rootTables: Record<string, CID> = {};
  const committed = new Map<string, TableState>();
  const parts: string[] = [];
  for (const [key, ts] of tables) {
    const state = storedTable(ns, cache, ts);
    rootTables[key] = state.tableCid!;
    committed.set(key, state);
    parts.push(`${key}=${cache.get(ns, state.schemaCid!).text}`);
  }
  const rootCid = ns.putBytes(encodeRootObject({ tables: rootTables, views: Object.fromEntries(views), triggers: Object.fromEntries(triggers) }));
  return { rootCid, catalog: new Catalog(rootCid, committed, new Map(views), new Map(triggers), Catalog.computeKey(parts, views, triggers)) };
}

/** Three-way merge of the catalogs `base`, `ours`, `theirs` (see the module header). */
export function mergeRoots(ns: NodeStore, cache: SchemaCache, base: Catalog, ours: Catalog, theirs: Catalog, options: RootMergeOptions = {}): RootMergeResult {
  const m = new RootMerger(ns, base, ours, theirs, options);
  m.run();
  const views = mergeNamed('view', base.views, ours.views, theirs.views, m.schemaConflicts);
  const triggers = mergeNamed('trigger', base.triggers, ours.triggers, theirs.triggers, m.schemaConflicts);
  for (const [k, tr] of [...triggers]) {
    if (m.tables.has(tr.table)) continue;
    triggers.delete(k);
    // a trigger added or changed on one side, on a table the other side dropped
    if (base.triggers.get(k)?.sql !== tr.sql) {
      m.schemaConflicts.push({ table: k, kind: 'trigger', ...(base.triggers.get(k) ? { base: base.triggers.get(k)!.sql } : {}), ours: ours.triggers.get(k)?.sql ?? `(absent: table ${tr.table} dropped)`, theirs: theirs.triggers.get(k)?.sql ?? `(absent: table ${tr.table} dropped)`, message: `trigger ${tr.name} was changed on one side while its table ${tr.table} was dropped on the other` });
    }
  }
  const built = buildRoot(ns, cache, m.tables, views, triggers);
  return { ...built, conflicts: m.conflicts, schemaConflicts: m.schemaConflicts, changedTables: m.changed, checkFrom: m.checkFrom, resolved: m.resolved };
}

