/**
 * Row-level comparisons between versions, computed with the prolly-tree diff (cost follows the
 * change, shared subtrees are skipped by CID):
 *
 * - `tableDiff`: the rows of one table that differ between two roots, with `diff_type` and the
 *   `from_`/`to_` value of every column (columns matched by tag, so renamed and added columns
 *   line up);
 * - `rowHistory`: every version of every row of a table along a branch's first-parent history,
 *   newest first — commits whose table object did not change are skipped by CID; with a key
 *   filter (equalities on the leading primary-key column, pushed down from WHERE by
 *   `HistoryNode.narrow`) each changed version is probed for those keys only, instead of
 *   diffed whole;
 * - `schemaDiff`: tables and views added, removed or changed between two roots;
 * - `rootStatus`: per-table change counts between two roots (manual mode's uncommitted work).
 */
import { cidKey, type CID } from '../../hash/index.js';
import { SqlError } from '../../errors/index.js';
import {
  Decimal,
  ProllyTree,
  compareBytes,
  decodeRootObject,
  decodeTableObject,
  encodeKey,
  prefixUpperBound,
  type DiffEntry,
  type NodeStore,
  type RootObject,
  type SqlValue,
  type Tree,
  type TreeEntry,
} from '../../objects/index.js';
import type { RefStore } from '../../refs/index.js';
import type { SchemaCache } from '../catalog/catalog.js';
import type { TableInfo } from '../storage/table-info.js';
import { line, type ColumnMeta, type ExplainLine, type PlanNode, type Pull, type Row } from '../exec/types.js';
import type { ColumnEquality, NarrowablePlan } from '../exec/sources.js';

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
  const x = a.bytes;
  const y = b.bytes;
  const n = x.length;
  if (n !== y.length) return false;
  for (let i = n - 1; i >= 0; i--) if (x[i] !== y[i]) return false;
  return true;
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
 * A hint pushed down from WHERE: only rows whose column `tag` equals (SQL `=`, no affinity
 * conversion, BINARY) one of `values` are wanted. Rows outside it may still be produced (the
 * caller keeps filtering); rows inside it are never lost.
 */
export interface KeyFilter {
  tag: number;
  values: readonly SqlValue[];
}

/**
 * Every version of every row of `table` along the first-parent history from `head`, newest
 * first. Row layout: commit_id, commit_time, scn, transaction, author, message, change, then
 * the table's columns (`columns`). With `pruned`, the walk stops at the first version GC
 * pruned (its data is gone): the oldest kept version's own change is not shown. With a
 * `filter` given to `rows`, versions whose leading primary-key column is a filtered tag are probed for the
 * wanted keys instead of diffed whole (the same rows for those keys, in the same order).
 */
export function rowHistory(
  ns: NodeStore,
  schemas: SchemaCache,
  refs: RefStore,
  head: CID,
  table: string,
  pruned?: PrunedVersions,
): { columns: OutColumn[]; rows(filter?: readonly KeyFilter[]): Generator<Row> } {
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
    *rows(filter?: readonly KeyFilter[]) {
      const decoders = new Map<TableInfo, RowDecoder>();
      const dec = (info: TableInfo): RowDecoder => {
        let d = decoders.get(info);
        if (!d) decoders.set(info, (d = new RowDecoder(info, cols)));
        return d;
      };
      const probe = filter && filter.length > 0 ? new KeyProbe(filter) : undefined;
      const width = 7 + cols.length;
      const spine = spineOf(ns, head, key);
      // The parent's table of one step is the next step's own: each version is loaded once.
      for (let i = 0; ; i++) {
        const st = stepAt(spine, i, ns, refs, key, isPruned);
        if (st === undefined) break;
        let p = stepAt(spine, i + 1, ns, refs, key, isPruned);
        if (p !== undefined && isPruned(p.cid)) p = undefined;
        if (p === undefined && st.commit.parents.length > 0) break; // the parent's data is gone
        const tcid = st.tcid;
        const ptcid = p?.tcid;
        const same = tcid === undefined ? ptcid === undefined : ptcid !== undefined && sameCid(tcid, ptcid);
        if (same) continue;
        const to = tcid ? (st.table ??= tableOf(ns, schemas, tcid)) : undefined;
        const from = ptcid ? (p!.table ??= tableOf(ns, schemas, ptcid)) : undefined;
        const changes = probe?.diff(from, to) ?? treeDiff(ns, from?.rows, to?.rows);
        let prefix: Row | undefined;
        for (const e of changes) {
          prefix ??= st.head ??= commitHead(st.cid, st.commit);
          const row: Row = new Array<SqlValue>(width);
          for (let j = 0; j < 6; j++) row[j] = prefix[j]!;
          row[6] = e.kind;
          if (e.kind === 'removed') dec(from!.info).decode(e.key, e.from, row, 7);
          else dec(to!.info).decode(e.key, e.to, row, 7);
          yield row;
        }
      }
    },
  };
}

/** One commit of a first-parent history and its version of one table (loaded when first needed). */
interface Step {
  cid: CID;
  commit: CommitRecord;
  tcid: CID | undefined;
  table?: TableVersion;
  head?: Row;
}

/**
 * The first-parent history of one table from a head commit, newest first, built as far as a
 * walk has gone and kept for the next query from the same head (history is immutable; a GC
 * that prunes later is checked on every use). About `SPINE_STEPS` steps are kept in all,
 * least recently used histories dropped first.
 */
interface Spine {
  steps: Step[];
  /** The commit the next step is read from (undefined: the history is complete). */
  next: CID | undefined;
}

const spines = new WeakMap<NodeStore, Map<string, Spine>>();
const SPINE_STEPS = 200_000;

function spineOf(ns: NodeStore, head: CID, key: string): Spine {
  let m = spines.get(ns);
  if (!m) spines.set(ns, (m = new Map()));
  const k = `${cidKey(head)}/${key}`;
  let spine = m.get(k);
  if (spine !== undefined) {
    m.delete(k);
    m.set(k, spine);
    return spine;
  }
  let total = 0;
  for (const s of m.values()) total += s.steps.length;
  for (const [old, s] of m) {
    if (total <= SPINE_STEPS) break;
    m.delete(old);
    total -= s.steps.length;
  }
  m.set(k, (spine = { steps: [], next: head }));
  return spine;
}

/** Step `i` of a history (read on first use), or undefined past its end or at a pruned commit. */
function stepAt(sp: Spine, i: number, ns: NodeStore, refs: RefStore, key: string, isPruned: (c: CID) => boolean): Step | undefined {
  const steps = sp.steps;
  while (steps.length <= i) {
    const cid = sp.next;
    if (cid === undefined) return undefined;
    if (steps.length > 0 && isPruned(cid)) {
      sp.next = undefined; // its data is gone: the walk stops before it
      return undefined;
    }
    const commit = commitAt(refs, cid);
    steps.push({ cid, commit, tcid: rootObject(ns, commit.root).tables[key] });
    sp.next = commit.parents[0];
  }
  return steps[i];
}

type CommitRecord = ReturnType<RefStore['readCommit']>;

/** commit_id, commit_time, scn, transaction, author, message of a commit (immutable, so kept). */
const heads = new WeakMap<CommitRecord, Row>();

function commitHead(cid: CID, c: CommitRecord): Row {
  let h = heads.get(c);
  if (h === undefined) heads.set(c, (h = [cid.toString(), fmtTime(c.timestamp), BigInt(c.scn), BigInt(c.transaction), c.author, c.message]));
  return h;
}

/**
 * The key-filtered replacement of a version-to-version diff. For a table whose leading
 * primary-key column is filtered, each wanted value selects the keys whose first element
 * equals it: one exact key (INTEGER PRIMARY KEY, or a one-column key holding text or a blob),
 * else a key-prefix range — every number numerically equal to the value starts with the same
 * element tag and rounded double (key-codec.ts), text and blobs with their whole element.
 * The entries found in the two versions are merged by key into added / removed / modified,
 * which is exactly the full diff restricted to those keys.
 */
class KeyProbe {
  private readonly plans = new Map<TableInfo, ProbePlan | null>();
  /** The last version probed (a step's `from` is the next step's `to`). */
  private last: { root: CID; plan: ProbePlan; entries: TreeEntry[] } | undefined;

  constructor(private readonly filter: readonly KeyFilter[]) {}

  /** The changes between two versions for the wanted keys, or undefined when they cannot be probed. */
  diff(from: TableVersion | undefined, to: TableVersion | undefined): DiffEntry[] | undefined {
    const pf = from ? this.plan(from.info) : undefined;
    const pt = to ? this.plan(to.info) : undefined;
    if (pf === null || pt === null) return undefined;
    if (pf && pt && pf !== pt && !sameLayout(from!.info, to!.info)) return undefined;
    if (from && to && sameCid(from.rows.root, to.rows.root)) return NO_CHANGE;
    const a = from ? this.entries(from.rows, pf!) : NONE;
    const b = to ? this.entries(to.rows, pt!) : NONE;
    if (a.length === 1 && b.length === 1) {
      // The common case: one wanted row in both versions.
      const x = a[0]!;
      const y = b[0]!;
      if (compareBytes(x.key, y.key) === 0) return compareBytes(x.value, y.value) === 0 ? NO_CHANGE : [{ kind: 'modified', key: y.key, from: x.value, to: y.value }];
    }
    const out: DiffEntry[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      const c = i >= a.length ? 1 : j >= b.length ? -1 : compareBytes(a[i]!.key, b[j]!.key);
      if (c < 0) {
        out.push({ kind: 'removed', key: a[i]!.key, from: a[i]!.value });
        i++;
      } else if (c > 0) {
        out.push({ kind: 'added', key: b[j]!.key, to: b[j]!.value });
        j++;
      } else {
        const x = a[i++]!;
        const y = b[j++]!;
        if (compareBytes(x.value, y.value) !== 0) out.push({ kind: 'modified', key: y.key, from: x.value, to: y.value });
      }
    }
    return out;
  }

  private entries(tree: Tree, plan: ProbePlan): TreeEntry[] {
    const l = this.last;
    const root = tree.root;
    if (l !== undefined && l.plan === plan && sameCid(l.root, root)) return l.entries;
    let out: TreeEntry[] = NONE;
    for (const k of plan.keys) {
      const v = tree.get(k);
      if (v !== undefined) {
        if (out === NONE) out = [];
        out.push({ key: k, value: v });
      }
    }
    for (const r of plan.ranges) {
      for (const e of tree.entries(r.end ? { start: r.start, end: r.end } : { start: r.start })) {
        if (out === NONE) out = [];
        out.push(e);
      }
    }
    if (plan.ranges.length > 0 && out.length > 1) {
      out.sort((x, y) => compareBytes(x.key, y.key));
      out = out.filter((e, n) => n === 0 || compareBytes(out[n - 1]!.key, e.key) !== 0);
    }
    if (l !== undefined) {
      l.root = root;
      l.plan = plan;
      l.entries = out;
    } else this.last = { root, plan, entries: out };
    return out;
  }

  /** The keys and ranges to read in a version with this schema (null: not probeable). */
  private plan(info: TableInfo): ProbePlan | null {
    let p = this.plans.get(info);
    if (p === undefined) this.plans.set(info, (p = probePlan(info, this.filter)));
    return p;
  }
}

const NONE: TreeEntry[] = [];
const NO_CHANGE: DiffEntry[] = [];

interface ProbePlan {
  /** Exact keys, sorted, distinct. */
  keys: Uint8Array[];
  /** Key ranges [start, end) (no end: to the last key). */
  ranges: { start: Uint8Array; end: Uint8Array | undefined }[];
}

function probePlan(info: TableInfo, filter: readonly KeyFilter[]): ProbePlan | null {
  const pk = info.schema.primaryKey;
  if (info.keyless || pk.length === 0) return null;
  const lead = pk[0]!;
  const f = filter.find((x) => x.tag === lead.tag);
  if (f === undefined) return null;
  const desc = lead.desc ? [true] : undefined;
  const single = pk.length === 1;
  const intKey = single && info.rowidSlot >= 0 && info.rowidSlot === info.pkSlots[0];
  const keys: Uint8Array[] = [];
  const ranges: ProbePlan['ranges'] = [];
  try {
    for (const v of f.values) {
      if (v === null) continue; // `= NULL` is never true
      if (intKey) {
        // An INTEGER PRIMARY KEY holds integers only: one exact key, or none.
        if (typeof v === 'bigint') keys.push(encodeKey([v], desc));
        else if (typeof v === 'number') {
          if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) keys.push(encodeKey([BigInt(v)], desc));
        } else if (v instanceof Decimal) ranges.push(prefixRange(encodeKey([v], desc).subarray(0, 9)));
        continue;
      }
      const enc = encodeKey([v], desc);
      if (typeof v === 'string' || v instanceof Uint8Array) {
        if (single) keys.push(enc);
        else ranges.push(prefixRange(enc));
      } else ranges.push(prefixRange(enc.subarray(0, 9)));
    }
  } catch {
    return null; // a value no key can hold (e.g. an INTEGER beyond 64 bits): do not narrow
  }
  keys.sort(compareBytes);
  return { keys: keys.filter((k, i) => i === 0 || compareBytes(keys[i - 1]!, k) !== 0), ranges };
}

function prefixRange(prefix: Uint8Array): { start: Uint8Array; end: Uint8Array | undefined } {
  const start = prefix.slice();
  return { start, end: prefixUpperBound(start) };
}

/** Two schemas whose row keys mean the same thing (same key columns, same directions). */
function sameLayout(a: TableInfo, b: TableInfo): boolean {
  const x = a.schema.primaryKey;
  const y = b.schema.primaryKey;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i]!.tag !== y[i]!.tag || x[i]!.desc !== y[i]!.desc) return false;
  return true;
}

/**
 * The plan node of `heliosdb_history`: rows computed at each open; `narrow` takes WHERE
 * equalities on the table's columns (evaluated at open: literals and parameters) and pushes
 * them into the walk as a `KeyFilter`.
 */
export class HistoryNode implements PlanNode, NarrowablePlan {
  constructor(
    readonly columns: ColumnMeta[],
    private readonly label: string,
    /** Tags of the table columns (result columns from the 8th on). */
    private readonly tags: readonly number[],
    private readonly produce: (filter: KeyFilter[] | undefined) => Iterator<Row>,
    private readonly eqs: readonly ColumnEquality[] = [],
  ) {}
  explain(): ExplainLine {
    return line(`SCAN ${this.label}${this.eqs.length ? ' (key filter)' : ''}`);
  }
  narrow(eqs: readonly ColumnEquality[]): PlanNode {
    const mine = eqs.filter((e) => e.col >= 7 && e.col < 7 + this.tags.length);
    if (mine.length === 0) return this;
    return new HistoryNode(this.columns, this.label, this.tags, this.produce, [...this.eqs, ...mine]);
  }
  open(): Pull {
    let it: Iterator<Row> | undefined;
    return () => {
      if (it === undefined) {
        let filter: KeyFilter[] | undefined;
        if (this.eqs.length) {
          const none: Row = [];
          filter = this.eqs.map((e) => ({ tag: this.tags[e.col - 7]!, values: e.values.map((f) => f(none)) }));
        }
        it = this.produce(filter);
      }
      const r = it.next();
      return r.done ? undefined : r.value;
    };
  }
}

/** Commits by CID identity (immutable; parent links of cached commits are the same objects). */
const commitsById = new WeakMap<CID, CommitRecord>();

function commitAt(refs: RefStore, cid: CID): CommitRecord {
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
