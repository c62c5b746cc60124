/**
 * Row sources of the FROM pipeline: each fills the slots of one relation in the shared row
 * buffer. `start()` positions the source using values already bound in the row (the outer
 * levels of a nested-loop join), `next()` fills the next row and says whether there was one.
 *
 * - `TableSource`: full scan, primary-key point/range/IN lookups and secondary-index scans
 *   (`KeyProbe` turns bound values into key ranges), forward or reverse. Keyless tables emit
 *   each stored row as many times as its duplicate count. Range scans of a clean tree decode
 *   row values in place in the leaf's bytes, only up to the last column the query reads.
 * - `HashSource`: hash join build side — runs an inner source once per pipeline execution
 *   into a hash table keyed by the join values, then probes it per outer row.
 * - `MaterializedSource`: derived tables, views, CTEs: runs a sub-plan (once per execution,
 *   or per outer row when correlated) and replays its rows.
 */
import { encodeKey, prefixUpperBound, compareBytes, decodeRowRangeInto, ROW_FORMAT_V1, type RangeOptions, type RawEntry, type SqlValue } from '../../objects/index.js';
import type { Affinity, Collation } from '../values/index.js';
import type { IndexInfo, TableInfo } from '../storage/table-info.js';
import type { TreeReader } from '../storage/table-state.js';
import type { ExecEnv, TxnAccess } from './env.js';
import { convertForCompare, type Eval, type Pred } from './compile-expr.js';
import type { PlanNode, Row } from './types.js';
import { rowKey } from './value-key.js';
import { tick } from './interrupt.js';

/** A row value with no cells (decodes the key alone through `TableInfo.decodeInto`). */
const EMPTY_ROW = Uint8Array.of(ROW_FORMAT_V1);

/** A prolly range iterator that can also step without allocating (`ForwardIter.nextRaw`). */
interface RawIter {
  nextRaw(out: RawEntry): boolean;
}

export interface Cursor {
  start(): void;
  next(): boolean;
}

export interface Source {
  readonly offset: number;
  readonly width: number;
  cursor(row: Row): Cursor;
  explain(): string;
}

/**
 * A WHERE equality on output column `col` of a sub-plan: `col = values[0]` (or IN the list),
 * compared without affinity conversion under BINARY; each value reads no row (a literal or a
 * parameter, evaluated when the plan opens).
 */
export interface ColumnEquality {
  col: number;
  values: readonly Eval[];
}

/**
 * A sub-plan that can produce fewer rows when told about equalities the caller will apply
 * anyway (`heliosdb_history` probes only the wanted keys). `narrow` returns the plan to run; it
 * may still produce rows the equalities reject, never lose one they accept.
 */
export interface NarrowablePlan {
  narrow(eqs: readonly ColumnEquality[]): PlanNode;
}

export function isNarrowable(p: PlanNode): p is PlanNode & NarrowablePlan {
  return typeof (p as Partial<NarrowablePlan>).narrow === 'function';
}

/**
 * How values of a key column are stored, which decides whether a probe value has exactly one
 * key encoding. The key codec keeps numerically equal values of different types apart (2,
 * 2.0 and DECIMAL 2.00 are adjacent but distinct keys), so a probe is exact only when the
 * column's affinity pins the stored form: `rowid` (always INTEGER), `int` (INTEGER/NUMERIC:
 * integral values below 2^51 are stored as INTEGER), `real` (always REAL), `text` (numbers
 * stored as text). `any` (no affinity, DECIMAL) may hold several forms: numeric probes then
 * scan every key whose rounded double equals the probe's (a superset; the filter decides).
 */
export type KeyKind = 'rowid' | 'int' | 'real' | 'text' | 'any';

/** One leading key column constrained by equality: a single value or a list (IN). */
export type EqTerm =
  | { kind: 'value'; f: Eval; conv: Affinity | undefined }
  | { kind: 'list'; items: Eval[]; conv: Affinity | undefined }
  | { kind: 'sub'; plan: PlanNode; correlated: boolean; conv: Affinity | undefined };

export interface Bound {
  f: Eval;
  incl: boolean;
  conv: Affinity | undefined;
}

/** Equality on leading key columns, then optionally a range on the next one. */
export interface KeyProbe {
  eq: EqTerm[];
  lo?: Bound;
  hi?: Bound;
  /** DESC flags and storage kinds of the key's columns (at least eq.length + 1 with a range). */
  desc: boolean[];
  kinds: KeyKind[];
  /** True when `eq` covers every column of a primary key (a point lookup when exact). */
  point: boolean;
}

export interface KeyRange {
  start?: Uint8Array;
  end?: Uint8Array;
  /** Point lookup key. */
  point?: Uint8Array;
  /**
   * The range holds exactly the keys whose values satisfy the probe's terms (no number
   * superset from a column that may store several forms of a value): its entry count is the
   * row count.
   */
  exact?: boolean;
}

const SMALL_INT = 2n ** 51n;
const EMPTY_BYTES = new Uint8Array(0);

/** The single stored form of `v` in a column of `kind`; `undefined`: several forms possible; `null`: can never match. */
function exactForm(v: Exclude<SqlValue, null>, kind: KeyKind): SqlValue | undefined {
  if (typeof v === 'string' || v instanceof Uint8Array) return v;
  switch (kind) {
    case 'rowid':
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 9.2e18 ? BigInt(v) : null;
      if (v.isInteger()) return v.toBigInt();
      return null;
    case 'int':
      if (typeof v === 'bigint') return v < SMALL_INT && v > -SMALL_INT ? v : undefined;
      if (typeof v === 'number') {
        if (!Number.isInteger(v)) return v;
        return Math.abs(v) < 2 ** 51 ? BigInt(v) : undefined;
      }
      return undefined;
    case 'real':
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint') {
        const n = Number(v);
        return BigInt(n) === v ? n : undefined;
      }
      return undefined;
    case 'text':
      return v;
    default:
      return undefined;
  }
}

function elem(v: SqlValue, desc: boolean): Uint8Array {
  return encodeKey([v], desc ? [true] : undefined);
}

/** The bytes shared by every number that rounds to the same double as `v` (tag + 8 bytes). */
function numberPrefix(v: SqlValue, desc: boolean): Uint8Array {
  return elem(v, desc).subarray(0, 9);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function upper(prefix: Uint8Array): Uint8Array | undefined {
  return prefix.length === 0 ? undefined : prefixUpperBound(prefix);
}

function rangeOver(prefix: Uint8Array): KeyRange {
  if (prefix.length === 0) return {};
  const end = prefixUpperBound(prefix);
  return end ? { start: prefix, end } : { start: prefix };
}

/** Lower-side or upper-side boundary of a range column: exact element or number superset. */
function boundBytes(v: Exclude<SqlValue, null>, kind: KeyKind, desc: boolean): { bytes: Uint8Array; exact: boolean } {
  const x = exactForm(v, kind);
  if (x !== undefined && x !== null) return { bytes: elem(x, desc), exact: true };
  return { bytes: numberPrefix(v, desc), exact: false };
}

/** Compute the key ranges of a probe for the current row (none when a NULL makes it empty). */
export function probeRanges(p: KeyProbe, row: Row, env: ExecEnv, subCache: Map<EqTerm, { id: number; vals: SqlValue[] }>, reverse: boolean): KeyRange[] {
  // Candidate prefixes: byte prefix plus whether it is still exact (can be extended).
  let prefixes: { bytes: Uint8Array; exact: boolean }[] = [{ bytes: EMPTY_BYTES, exact: true }];
  let allExact = true;
  for (let i = 0; i < p.eq.length; i++) {
    const t = p.eq[i]!;
    let vals: SqlValue[];
    if (t.kind === 'value') {
      const v = convertForCompare(t.f(row), t.conv);
      if (v === null) return [];
      vals = [v];
    } else if (t.kind === 'list') {
      vals = [];
      for (const it of t.items) {
        const v = convertForCompare(it(row), t.conv);
        if (v !== null) vals.push(v);
      }
    } else {
      const c = subCache.get(t);
      if (!t.correlated && c && c.id === env.execId) vals = c.vals;
      else {
        vals = [];
        const pull = t.plan.open();
        for (let r = pull(); r !== undefined; r = pull()) {
          const v = convertForCompare(r[0]!, t.conv);
          if (v !== null) vals.push(v);
        }
        if (!t.correlated) subCache.set(t, { id: env.execId, vals });
      }
    }
    if (vals.length === 0) return [];
    const desc = p.desc[i] ?? false;
    const kind = p.kinds[i] ?? 'any';
    const next: { bytes: Uint8Array; exact: boolean }[] = [];
    for (const pr of prefixes) {
      if (!pr.exact) {
        next.push(pr);
        continue;
      }
      for (const v of vals) {
        const x = exactForm(v as Exclude<SqlValue, null>, kind);
        if (x === null) continue;
        if (x === undefined) {
          allExact = false;
          next.push({ bytes: concat(pr.bytes, numberPrefix(v, desc)), exact: false });
        } else next.push({ bytes: concat(pr.bytes, elem(x, desc)), exact: true });
      }
    }
    prefixes = next;
    if (prefixes.length === 0) return [];
  }
  const k = p.eq.length;
  let lo: SqlValue | undefined;
  let hi: SqlValue | undefined;
  if (p.lo) {
    lo = convertForCompare(p.lo.f(row), p.lo.conv);
    if (lo === null) return [];
  }
  if (p.hi) {
    hi = convertForCompare(p.hi.f(row), p.hi.conv);
    if (hi === null) return [];
  }
  const ranges: KeyRange[] = [];
  const desc = p.desc[k] ?? false;
  const kind = p.kinds[k] ?? 'any';
  for (const pr of prefixes) {
    if (p.point && allExact) {
      ranges.push({ point: pr.bytes, exact: true });
      continue;
    }
    if (!pr.exact || (lo === undefined && hi === undefined)) {
      const r = rangeOver(pr.bytes);
      if (pr.exact) r.exact = true;
      ranges.push(r);
      continue;
    }
    let exact = true;
    // In key order the first boundary comes from the low value (ascending) or the high one (DESC).
    const firstV = desc ? hi : lo;
    const firstIncl = desc ? p.hi?.incl : p.lo?.incl;
    const lastV = desc ? lo : hi;
    const lastIncl = desc ? p.lo?.incl : p.hi?.incl;
    const r: KeyRange = {};
    if (firstV !== undefined && firstV !== null) {
      const b = boundBytes(firstV, kind, desc);
      if (!b.exact) exact = false;
      const key = concat(pr.bytes, b.bytes);
      if (!b.exact || firstIncl) r.start = key;
      else {
        const ub = prefixUpperBound(key);
        if (!ub) continue;
        r.start = ub;
      }
    } else if (!desc) {
      // NULLs sort first in an ascending column and never satisfy a range: skip them.
      r.start = prefixUpperBound(concat(pr.bytes, elem(null, false)));
    } else if (pr.bytes.length) r.start = pr.bytes;
    if (lastV !== undefined && lastV !== null) {
      const b = boundBytes(lastV, kind, desc);
      if (!b.exact) exact = false;
      const key = concat(pr.bytes, b.bytes);
      if (!b.exact || lastIncl) {
        const ub = prefixUpperBound(key);
        if (ub) r.end = ub;
        else {
          const pu = upper(pr.bytes);
          if (pu) r.end = pu;
        }
      } else r.end = key;
    } else if (desc) {
      // NULLs sort last in a DESC column: stop before them.
      r.end = concat(pr.bytes, elem(null, true));
    } else {
      const pu = upper(pr.bytes);
      if (pu) r.end = pu;
    }
    if (r.start && r.end && compareBytes(r.start, r.end) >= 0) continue;
    if (exact) r.exact = true;
    ranges.push(r);
  }
  if (ranges.length > 1) {
    const keyOf = (r: KeyRange): Uint8Array => r.point ?? r.start ?? EMPTY_BYTES;
    ranges.sort((a, b) => compareBytes(keyOf(a), keyOf(b)));
    const dedup: KeyRange[] = [];
    for (const r of ranges) {
      const prev = dedup[dedup.length - 1];
      if (prev && compareBytes(keyOf(prev), keyOf(r)) === 0 && !!prev.point === !!r.point) continue;
      // A range inside the previous one (an exact value next to a number superset) adds nothing.
      if (prev && !prev.point && (prev.end === undefined || compareBytes(keyOf(r), prev.end) < 0)) {
        const rEnd = r.point ? undefined : r.end;
        if (r.point || (prev.end === undefined || (rEnd !== undefined && compareBytes(rEnd, prev.end) <= 0))) continue;
      }
      dedup.push(r);
    }
    if (reverse) dedup.reverse();
    return dedup;
  }
  return ranges;
}

function describeProbe(p: KeyProbe, names: string[]): string {
  const parts: string[] = [];
  p.eq.forEach((t, i) => {
    parts.push(t.kind === 'value' ? `${names[i]}=?` : `${names[i]} IN (…)`);
  });
  const k = p.eq.length;
  if (p.lo) parts.push(`${names[k]}${p.lo.incl ? '>=' : '>'}?`);
  if (p.hi) parts.push(`${names[k]}${p.hi.incl ? '<=' : '<'}?`);
  return parts.join(' AND ');
}

export interface TableSourceOptions {
  probe?: KeyProbe;
  index?: IndexInfo;
  reverse: boolean;
  /** Columns to decode (others stay NULL); all when absent. */
  used?: boolean[];
  /** Read this version (AS OF) instead of the running transaction. */
  snapshot?: TxnAccess;
}

/** Scans or searches one stored table (by primary key or through a secondary index). */
export class TableSource implements Source {
  readonly width: number;
  constructor(
    private readonly env: ExecEnv,
    readonly tableKey: string,
    readonly info: TableInfo,
    readonly offset: number,
    private readonly opts: TableSourceOptions,
    private readonly alias: string,
  ) {
    this.width = info.width;
  }

  explain(): string {
    const name = this.alias.toLowerCase() === this.info.name.toLowerCase() ? this.info.name : `${this.info.name} AS ${this.alias}`;
    const p = this.opts.probe;
    const ix = this.opts.index;
    if (!p || (p.eq.length === 0 && !p.lo && !p.hi)) {
      return ix && ix !== this.info.orderIndex ? `SCAN ${name} USING INDEX ${ix.schema.name}` : `SCAN ${name}`;
    }
    if (ix !== undefined && ix === this.info.orderIndex) return `SEARCH ${name} USING ROWID (${describeProbe(p, ['rowid'])})`;
    if (ix) {
      const names = ix.slots.map((s) => this.info.columns[s]!.name);
      return `SEARCH ${name} USING INDEX ${ix.schema.name} (${describeProbe(p, names)})`;
    }
    const names = this.info.pkSlots.map((s) => this.info.columns[s]!.name);
    if (this.info.rowidSlot >= 0) return `SEARCH ${name} USING INTEGER PRIMARY KEY (${describeProbe(p, ['rowid'])})`;
    return `SEARCH ${name} USING PRIMARY KEY (${describeProbe(p, names)})`;
  }

  private slotMap: Int32Array | undefined;
  private needKey: boolean | undefined;

  cursor(row: Row): Cursor {
    const env = this.env;
    const info = this.info;
    const off = this.offset;
    const { probe, reverse } = this.opts;
    // A keyless table scans its insertion-order index (rowid → row hash key).
    const index = this.opts.index ?? info.orderIndex;
    const keyless = info.keyless;
    const used = this.opts.used;
    const snapshot = this.opts.snapshot;
    const needRowid = keyless && (!used || used[info.rowidSlot] === true);
    // Fixed for this source: computed on the first cursor, shared by the later ones.
    const slotMap = (this.slotMap ??= info.slotMapAt(off, used));
    const needKey = (this.needKey ??= !used || info.pkSlots.some((s) => used[s]));
    // Raw scans of a table without missing-value columns decode values in place (see next()).
    const inPlace = !keyless && info.fill === undefined;
    const w = info.width;
    let lastTag = -1;
    for (let t = 0; t < slotMap.length; t++) if (slotMap[t]! >= 0) lastTag = t;
    const subCache = new Map<EqTerm, { id: number; vals: SqlValue[] }>();
    let rows: TreeReader;
    let tree: TreeReader;
    let ranges: KeyRange[] = [];
    let ri = 0;
    let it: Iterator<{ key: Uint8Array; value: Uint8Array }> | undefined;
    // the same iterator when it can scan without allocating (a clean prolly tree, no index)
    let raw: RawIter | undefined;
    const re: RawEntry = { bytes: EMPTY_BYTES, ks: 0, ke: 0, vs: 0, ve: 0 };
    let dup = 0;
    const decode = (key: Uint8Array, value: Uint8Array, ixKey?: Uint8Array): void => {
      dup = info.decodeInto(key, value, row, off, slotMap, needKey) - 1;
      if (keyless) {
        dup = 0;
        if (needRowid && ixKey) row[off + info.rowidSlot] = info.rowidOfIndexKey(ixKey);
      }
    };
    const openRange = (r: KeyRange): void => {
      const o: RangeOptions = { reverse };
      if (r.start) o.start = r.start;
      if (r.end) o.end = r.end;
      it = tree.entries(o);
      raw = index === undefined && typeof (it as Partial<RawIter>).nextRaw === 'function' ? (it as unknown as RawIter) : undefined;
    };
    return {
      start(): void {
        const ts = (snapshot ?? env.tx).table(info.key);
        rows = ts.reader();
        tree = index ? ts.indexReader(index.key) : rows;
        ranges = probe ? probeRanges(probe, row, env, subCache, reverse) : [{}];
        ri = 0;
        it = raw = undefined;
        dup = 0;
      },
      next(): boolean {
        if (dup > 0) {
          dup--;
          return true;
        }
        for (;;) {
          if (it === undefined) {
            if (ri >= ranges.length) return false;
            const r = ranges[ri++]!;
            if (r.point) {
              const v = tree.get(r.point);
              if (v === undefined) continue;
              if (index) {
                const rv = rows.get(v);
                if (rv === undefined) continue;
                decode(v, rv);
              } else decode(r.point, v);
              return true;
            }
            openRange(r);
          }
          if (raw !== undefined) {
            if (!raw.nextRaw(re)) {
              it = raw = undefined;
              continue;
            }
            const b = re.bytes;
            if (inPlace) {
              // The value is decoded in the leaf's buffer (no view per row), up to the last used tag.
              if (needKey) info.decodeInto(new Uint8Array(b.buffer, b.byteOffset + re.ks, re.ke - re.ks), EMPTY_ROW, row, off, slotMap, true);
              else for (let i = 0; i < w; i++) row[off + i] = null;
              decodeRowRangeInto(b, re.vs, re.ve, slotMap, row, lastTag);
              return true;
            }
            const key = needKey ? new Uint8Array(b.buffer, b.byteOffset + re.ks, re.ke - re.ks) : EMPTY_BYTES;
            decode(key, new Uint8Array(b.buffer, b.byteOffset + re.vs, re.ve - re.vs));
            return true;
          }
          const n = it!.next();
          if (n.done) {
            it = undefined;
            continue;
          }
          const e = n.value;
          if (index) {
            const rv = rows.get(e.value);
            if (rv === undefined) continue;
            decode(e.value, rv, e.key);
          } else decode(e.key, e.value);
          return true;
        }
      },
    };
  }
}

/** The build side of a hash join. */
export class HashSource implements Source {
  readonly offset: number;
  readonly width: number;
  constructor(
    private readonly env: ExecEnv,
    private readonly inner: Source,
    /** Filter on the inner rows alone (conditions local to this relation). */
    private readonly innerFilter: Pred | undefined,
    private readonly buildKeys: Eval[],
    private readonly probeKeys: Eval[],
    private readonly convs: (Affinity | undefined)[][],
    private readonly colls: Collation[],
    /** The build side reads outer-query values: rebuild per pipeline open. */
    private readonly correlated: boolean,
  ) {
    this.offset = inner.offset;
    this.width = inner.width;
  }
  private cache: { id: number; table: Map<string, Row[]> } | undefined;

  explain(): string {
    return `${this.inner.explain()} (HASH JOIN on ${this.buildKeys.length} key${this.buildKeys.length > 1 ? 's' : ''})`;
  }

  cursor(row: Row): Cursor {
    const env = this.env;
    const off = this.offset;
    const w = this.width;
    const n = this.buildKeys.length;
    let table: Map<string, Row[]> | undefined;
    let matches: Row[] | undefined;
    let mi = 0;
    const keyVals: SqlValue[] = new Array(n);
    const build = (): Map<string, Row[]> => {
      const m = new Map<string, Row[]>();
      const c = this.inner.cursor(row);
      c.start();
      outer: while (c.next()) {
        tick();
        if (this.innerFilter && !this.innerFilter(row)) continue;
        for (let i = 0; i < n; i++) {
          const v = convertForCompare(this.buildKeys[i]!(row), this.convs[i]![1]);
          if (v === null) continue outer;
          keyVals[i] = v;
        }
        const k = rowKey(keyVals, this.colls, n);
        const copy = row.slice(off, off + w);
        const list = m.get(k);
        if (list) list.push(copy);
        else m.set(k, [copy]);
      }
      return m;
    };
    return {
      start: (): void => {
        if (!table) {
          if (this.correlated) table = build();
          else {
            if (!this.cache || this.cache.id !== env.execId) this.cache = { id: env.execId, table: build() };
            table = this.cache.table;
          }
        }
        matches = undefined;
        mi = 0;
        for (let i = 0; i < n; i++) {
          const v = convertForCompare(this.probeKeys[i]!(row), this.convs[i]![0]);
          if (v === null) return;
          keyVals[i] = v;
        }
        matches = table.get(rowKey(keyVals, this.colls, n));
      },
      next: (): boolean => {
        if (!matches || mi >= matches.length) return false;
        const r = matches[mi++]!;
        for (let i = 0; i < w; i++) row[off + i] = r[i]!;
        return true;
      },
    };
  }
}

/** Replays the rows of a sub-plan (derived table, view, CTE). */
export class MaterializedSource implements Source {
  readonly width: number;
  constructor(
    private readonly env: ExecEnv,
    private readonly plan: PlanNode,
    readonly offset: number,
    private readonly correlated: boolean,
    private readonly label: string,
  ) {
    this.width = plan.columns.length;
  }
  private cache: { id: number; rows: Row[] } | undefined;

  explain(): string {
    return `SCAN ${this.label}`;
  }

  cursor(row: Row): Cursor {
    const env = this.env;
    const off = this.offset;
    const w = this.width;
    let rows: Row[] | undefined;
    let i = 0;
    const run = (): Row[] => {
      const out: Row[] = [];
      const pull = this.plan.open();
      for (let r = pull(); r !== undefined; r = pull()) out.push(r.length === w ? r.slice() : r.slice(0, w));
      return out;
    };
    return {
      start: (): void => {
        if (this.correlated) rows = run();
        else {
          if (!this.cache || this.cache.id !== env.execId) this.cache = { id: env.execId, rows: run() };
          rows = this.cache.rows;
        }
        i = 0;
      },
      next: (): boolean => {
        if (i >= rows!.length) return false;
        const r = rows![i++]!;
        for (let j = 0; j < w; j++) row[off + j] = r[j]!;
        return true;
      },
    };
  }
}

/** Streams a sub-plan's rows (a derived table or CTE at the first join level: keeps LIMIT lazy). */
export class StreamSource implements Source {
  readonly width: number;
  constructor(
    private readonly plan: PlanNode,
    readonly offset: number,
    private readonly label: string,
  ) {
    this.width = plan.columns.length;
  }

  explain(): string {
    return `SCAN ${this.label}`;
  }

  cursor(row: Row): Cursor {
    const off = this.offset;
    const w = this.width;
    let pull: (() => Row | undefined) | undefined;
    return {
      start: (): void => {
        pull = this.plan.open();
      },
      next: (): boolean => {
        const r = pull!();
        if (r === undefined) return false;
        for (let j = 0; j < w; j++) row[off + j] = r[j]!;
        return true;
      },
    };
  }
}
