/**
 * Row-level comparisons between versions, computed with the prolly-tree diff (cost follows the
 * change, shared subtrees are skipped by CID):
 *
 * - `tableDiff`: the rows of one table that differ between two roots, with `diff_type` and the
 *   `from_`/`to_` value of every column (columns matched by tag, so renamed and added columns
 *   line up);
 * - `rowHistory`: every version of every row of a table along a branch's first-parent history,
 *   newest first — commits whose table object did not change are skipped by CID;
 * - `schemaDiff`: tables and views added, removed or changed between two roots;
 * - `rootStatus`: per-table change counts between two roots (manual mode's uncommitted work).
 */
import { cidKey, type CID } from '../../hash/index.js';
import { SqlError } from '../../errors/index.js';
import {
  ProllyTree,
  decodeRootObject,
  decodeTableObject,
  type DiffEntry,
  type NodeStore,
  type RootObject,
  type SqlValue,
  type Tree,
} from '../../objects/index.js';
import type { RefStore } from '../../refs/index.js';
import type { SchemaCache } from '../catalog/catalog.js';
import type { TableInfo } from '../storage/table-info.js';
import type { Row } from '../exec/types.js';

export interface OutColumn {
  name: string;
  tag: number;
  type: string | undefined;
}

/** A table of one version: its schema and rows tree (undefined: no such table). */
export interface TableVersion {
  info: TableInfo;
  rows: Tree;
  tableCid: CID;
}

/** Decoded root and table objects by CID (immutable, so cached; bounded). */
const decoded = new WeakMap<NodeStore, Map<string, unknown>>();
/** The same, by CID object identity: a history walk meets the same (cached) commit objects again. */
const byIdentity = new WeakMap<NodeStore, WeakMap<CID, unknown>>();
const DECODED_MAX = 200_000;

function cached<T>(ns: NodeStore, cid: CID, decode: (b: Uint8Array) => T): T {
  let w = byIdentity.get(ns);
  if (!w) byIdentity.set(ns, (w = new WeakMap()));
  let v = w.get(cid) as T | undefined;
  if (v !== undefined) return v;
  let m = decoded.get(ns);
  if (!m) decoded.set(ns, (m = new Map()));
  const k = cidKey(cid);
  v = m.get(k) as T | undefined;
  if (v === undefined) {
    v = decode(ns.getBytes(cid));
    if (m.size >= DECODED_MAX) m.clear();
    m.set(k, v);
  }
  w.set(cid, v);
  return v;
}

/** CID equality, identity first (cheap), then the digest bytes from the end (where they differ). */
function sameCid(a: CID, b: CID): boolean {
  if (a === b) return true;
  const x = a.multihash.digest;
  const y = b.multihash.digest;
  if (x.length !== y.length) return false;
  for (let i = x.length - 1; i >= 0; i--) if (x[i] !== y[i]) return false;
  return a.code === b.code && a.multihash.code === b.multihash.code;
}

export function rootObject(ns: NodeStore, root: CID): RootObject {
  return cached(ns, root, decodeRootObject);
}

/** Table `key` (lower-cased name) of a root, or undefined. */
export function tableAt(ns: NodeStore, schemas: SchemaCache, root: RootObject, key: string): TableVersion | undefined {
  const tcid = root.tables[key];
  if (!tcid) return undefined;
  const t = cached(ns, tcid, decodeTableObject);
  return { info: schemas.get(ns, t.schema).info, rows: ProllyTree.load(ns, t.rows), tableCid: tcid };
}

function columnsOf(info: TableInfo): OutColumn[] {
  return info.columns.map((c) => ({ name: c.name, tag: c.tag, type: c.type }));
}

/** The union of two versions' columns (the newer first), matched by tag. */
export function unionColumns(a: TableInfo | undefined, b: TableInfo | undefined): OutColumn[] {
  const out = b ? columnsOf(b) : [];
  if (a) for (const c of columnsOf(a)) if (!out.some((o) => o.tag === c.tag)) out.push(c);
  return out;
}

/** Decodes stored entries of one version into values ordered as `cols`. */
export class RowDecoder {
  private readonly scratch: Row;
  private readonly map: Int32Array;
  private readonly pick: number[];
  constructor(
    private readonly info: TableInfo,
    cols: readonly OutColumn[],
  ) {
    this.scratch = new Array<SqlValue>(info.width).fill(null);
    this.map = info.slotMapAt(0);
    this.pick = cols.map((c) => info.columns.findIndex((x) => x.tag === c.tag));
  }
  /** Values (into `out` at `off`); returns the duplicate count (keyless tables). */
  decode(key: Uint8Array, value: Uint8Array, out: Row, off: number): number {
    const n = this.info.decodeInto(key, value, this.scratch, 0, this.map, true);
    for (let i = 0; i < this.pick.length; i++) {
      const s = this.pick[i]!;
      out[off + i] = s < 0 ? null : this.scratch[s]!;
    }
    return n;
  }
  nulls(out: Row, off: number): void {
    for (let i = 0; i < this.pick.length; i++) out[off + i] = null;
  }
}

const EMPTY: Tree | undefined = undefined;

/** Diff entries between two trees (an absent tree is empty). */
function* treeDiff(ns: NodeStore, from: Tree | undefined, to: Tree | undefined): Generator<DiffEntry> {
  const a = from ?? ProllyTree.empty(ns);
  const b = to ?? ProllyTree.empty(ns);
  if (sameCid(a.root, b.root)) return;
  yield* a.diff(b);
}

export interface TableDiff {
  columns: OutColumn[];
  /** Rows: diff_type, from_ values…, to_ values…. */
  rows(): Generator<Row>;
}

export function tableDiff(ns: NodeStore, from: TableVersion | undefined, to: TableVersion | undefined, table: string): TableDiff {
  if (!from && !to) throw new SqlError('SQL_ERROR', `no such table: ${table} (in neither version)`);
  const columns = unionColumns(from?.info, to?.info);
  const n = columns.length;
  const fd = from ? new RowDecoder(from.info, columns) : undefined;
  const td = to ? new RowDecoder(to.info, columns) : undefined;
  return {
    columns,
    *rows() {
      for (const e of treeDiff(ns, from?.rows ?? EMPTY, to?.rows ?? EMPTY)) {
        const row: Row = new Array<SqlValue>(1 + 2 * n).fill(null);
        row[0] = e.kind;
        if (e.kind !== 'added' && fd) fd.decode(e.key, e.from, row, 1);
        if (e.kind !== 'removed' && td) td.decode(e.key, e.to, row, 1 + n);
        yield row;
      }
    },
  };
}

export function fmtTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  // 'YYYY-MM-DDTHH:mm:ss.sssZ' (years 0–9999); other years carry a sign and more digits
  if (iso.length === 24) return iso.slice(0, 10) + ' ' + iso.slice(11, 23);
  return iso.replace('T', ' ').replace('Z', '');
}

/** Which commits GC pruned (their data swept; `VersionControl` is one). */
export interface PrunedVersions {
  isPruned(commit: CID): boolean;
  prunedError(commit: CID, timestamp?: number): Error;
}

export interface HistoryOptions {
  /** Stop after this many commits. */
  limit?: number;
}

/**
 * Every version of every row of `table` along the first-parent history from `head`, newest
 * first. Row layout: commit_id, commit_time, scn, transaction, author, message, change, then
 * the table's columns (`columns`). With `pruned`, the walk stops at the first version GC
 * pruned (its data is gone): the oldest kept version's own change is not shown.
 */
export function rowHistory(
  ns: NodeStore,
  schemas: SchemaCache,
  refs: RefStore,
  head: CID,
  table: string,
  pruned?: PrunedVersions,
): { columns: OutColumn[]; rows(): Generator<Row> } {
  const key = table.toLowerCase();
  const isPruned = (c: CID): boolean => pruned !== undefined && pruned.isPruned(c);
  if (pruned !== undefined && isPruned(head)) throw pruned.prunedError(head, refs.readCommit(head).timestamp);
  // The columns: the newest version of the table along the history.
  let columns: OutColumn[] | undefined;
  for (const e of refs.log(head, { firstParent: true })) {
    if (isPruned(e.cid)) break;
    const t = tableAt(ns, schemas, rootObject(ns, e.commit.root), key);
    if (t) {
      columns = columnsOf(t.info);
      break;
    }
  }
  if (!columns) throw new SqlError('SQL_ERROR', `no such table: ${table} (in any version of this branch)`);
  const cols = columns;
  return {
    columns: cols,
    *rows() {
      const decoders = new Map<TableInfo, RowDecoder>();
      const dec = (info: TableInfo): RowDecoder => {
        let d = decoders.get(info);
        if (!d) decoders.set(info, (d = new RowDecoder(info, cols)));
        return d;
      };
      let cid: CID | undefined = head;
      let commit = commitAt(refs, head);
      let tcid: CID | undefined = rootObject(ns, commit.root).tables[key];
      // The parent's table of one step is the next step's own: decode each version once.
      let carried: { cid: CID; t: TableVersion } | undefined;
      while (cid) {
        let parent: CID | undefined = commit.parents[0];
        if (parent !== undefined && isPruned(parent)) parent = undefined;
        if (parent === undefined && commit.parents.length > 0) break; // the parent's data is gone
        const pcommit = parent ? commitAt(refs, parent) : undefined;
        const ptcid = pcommit ? rootObject(ns, pcommit.root).tables[key] : undefined;
        const same = tcid === undefined ? ptcid === undefined : ptcid !== undefined && sameCid(tcid, ptcid);
        if (!same) {
          const to = tcid ? (carried && sameCid(carried.cid, tcid) ? carried.t : tableOf(ns, schemas, tcid)) : undefined;
          const from = ptcid ? tableOf(ns, schemas, ptcid) : undefined;
          carried = from && ptcid ? { cid: ptcid, t: from } : undefined;
          let id: string | undefined;
          let time: string | undefined;
          for (const e of treeDiff(ns, from?.rows, to?.rows)) {
            id ??= cid.toString();
            time ??= fmtTime(commit.timestamp);
            const row: Row = [id, time, BigInt(commit.scn), BigInt(commit.transaction), commit.author, commit.message, e.kind === 'added' ? 'added' : e.kind === 'removed' ? 'removed' : 'modified'];
            if (e.kind === 'removed') dec(from!.info).decode(e.key, e.from, row, 7);
            else dec(to!.info).decode(e.key, e.to, row, 7);
            yield row;
          }
        }
        cid = parent;
        if (pcommit) commit = pcommit;
        tcid = ptcid;
      }
    },
  };
}

/** Commits by CID identity (immutable; parent links of cached commits are the same objects). */
const commitsById = new WeakMap<CID, ReturnType<RefStore['readCommit']>>();

function commitAt(refs: RefStore, cid: CID): ReturnType<RefStore['readCommit']> {
  let c = commitsById.get(cid);
  if (c === undefined) commitsById.set(cid, (c = refs.readCommit(cid)));
  return c;
}

/** Loaded table versions by table-object CID identity (immutable; the walk meets them again). */
const tables = new WeakMap<NodeStore, WeakMap<CID, TableVersion>>();

function tableOf(ns: NodeStore, schemas: SchemaCache, tcid: CID): TableVersion {
  let w = tables.get(ns);
  if (!w) tables.set(ns, (w = new WeakMap()));
  let v = w.get(tcid);
  if (v === undefined) {
    const t = cached(ns, tcid, decodeTableObject);
    v = { info: schemas.get(ns, t.schema).info, rows: ProllyTree.load(ns, t.rows), tableCid: tcid };
    w.set(tcid, v);
  }
  return v;
}

/** Rows: name, kind ('table'|'view'), diff_type, from_sql, to_sql. */
export function schemaDiff(ns: NodeStore, schemas: SchemaCache, from: CID, to: CID): Row[] {
  const a = rootObject(ns, from);
  const b = rootObject(ns, to);
  const out: Row[] = [];
  const names = [...new Set([...Object.keys(a.tables), ...Object.keys(b.tables)])].sort();
  for (const n of names) {
    const ta = a.tables[n] ? tableOf(ns, schemas, a.tables[n]!) : undefined;
    const tb = b.tables[n] ? tableOf(ns, schemas, b.tables[n]!) : undefined;
    const sa = ta?.info.schema.sql ?? null;
    const sb = tb?.info.schema.sql ?? null;
    const name = tb?.info.name ?? ta?.info.name ?? n;
    if (!ta) out.push([name, 'table', 'added', null, sb]);
    else if (!tb) out.push([name, 'table', 'removed', sa, null]);
    else if (schemaText(ta.info) !== schemaText(tb.info)) out.push([name, 'table', 'modified', sa, sb]);
  }
  const views = [...new Set([...Object.keys(a.views), ...Object.keys(b.views)])].sort();
  for (const n of views) {
    const va = a.views[n];
    const vb = b.views[n];
    if (!va) out.push([vb!.name, 'view', 'added', null, vb!.sql]);
    else if (!vb) out.push([va.name, 'view', 'removed', va.sql, null]);
    else if (va.sql !== vb.sql) out.push([vb.name, 'view', 'modified', va.sql, vb.sql]);
  }
  return out;
}

function schemaText(info: TableInfo): string {
  const s = info.schema;
  return JSON.stringify({ sql: s.sql, cols: s.columns.map((c) => [c.tag, c.name, c.type ?? null]), ix: s.indexes.map((i) => i.sql ?? i.name) });
}

/** Rows: table_name, status, rows_added, rows_modified, rows_removed. */
export function rootStatus(ns: NodeStore, schemas: SchemaCache, from: CID, to: CID): Row[] {
  if (from.equals(to)) return [];
  const a = rootObject(ns, from);
  const b = rootObject(ns, to);
  const out: Row[] = [];
  const names = [...new Set([...Object.keys(a.tables), ...Object.keys(b.tables)])].sort();
  for (const n of names) {
    const ca = a.tables[n];
    const cb = b.tables[n];
    if (ca && cb && ca.equals(cb)) continue;
    const ta = ca ? tableOf(ns, schemas, ca) : undefined;
    const tb = cb ? tableOf(ns, schemas, cb) : undefined;
    let added = 0;
    let modified = 0;
    let removed = 0;
    for (const e of treeDiff(ns, ta?.rows, tb?.rows)) {
      if (e.kind === 'added') added++;
      else if (e.kind === 'removed') removed++;
      else modified++;
    }
    const status = !ta ? 'new table' : !tb ? 'deleted' : schemaText(ta.info) !== schemaText(tb.info) ? 'schema modified' : 'modified';
    out.push([tb?.info.name ?? ta?.info.name ?? n, status, BigInt(added), BigInt(modified), BigInt(removed)]);
  }
  for (const n of new Set([...Object.keys(a.views), ...Object.keys(b.views)])) {
    const va = a.views[n];
    const vb = b.views[n];
    if (va?.sql === vb?.sql) continue;
    out.push([vb?.name ?? va?.name ?? n, !va ? 'new view' : !vb ? 'deleted view' : 'modified view', 0n, 0n, 0n]);
  }
  return out;
}
