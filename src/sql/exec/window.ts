/**
 * The window operator: evaluates window functions (`fn(…) OVER (PARTITION BY … ORDER BY …
 * frame)`) with SQLite's semantics, after FROM/WHERE/GROUP BY/HAVING and before the
 * projection. Its output row is its input row followed by one slot per window function.
 *
 * All input rows are buffered. For each distinct (PARTITION BY, ORDER BY) the rows are sorted
 * once (stable, O(n log n)); partitions and peer groups (rows equal under ORDER BY) are found
 * in one pass, and every function sharing that ordering is evaluated partition by partition:
 * - ranking functions (row_number, rank, dense_rank, percent_rank, cume_dist, ntile) and
 *   lag/lead ignore the frame;
 * - first_value, last_value, nth_value and aggregates read the frame: ROWS, RANGE or GROUPS
 *   between UNBOUNDED PRECEDING / n PRECEDING / CURRENT ROW / n FOLLOWING / UNBOUNDED
 *   FOLLOWING, with EXCLUDE NO OTHERS / CURRENT ROW / GROUP / TIES. The default frame is
 *   RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW (peers included); without ORDER BY every
 *   row of the partition is a peer, so it is the whole partition.
 * Aggregates are evaluated incrementally where that is cheap: a frame that starts at
 * UNBOUNDED PRECEDING runs one aggregate forward (O(n)); a moving frame uses an invertible
 * sum/total/avg/count (SQLite's own step/inverse arithmetic) or a monotonic deque for min/max
 * (O(n)); any other aggregate, and any frame with an EXCLUDE clause, is recomputed per distinct
 * frame. Rows are emitted in the order of the first window's sort (as SQLite does).
 */
import { SqlError, WindowError } from '../../errors/index.js';
import { Decimal, INT64_MAX, INT64_MIN, type SqlValue } from '../../objects/index.js';
import { add, compareValues, realValue, sub, textNumericAffinity, type Collation } from '../values/index.js';
import type { AggregateImpl } from './aggregate.js';
import type { Eval, Pred } from './compile-expr.js';
import type { WinFnKind } from '../planner/bound.js';
import { line, pullMaterialized, type ColumnMeta, type ExplainLine, type PlanNode, type Pull, type Row } from './types.js';

export type WinBound =
  | { kind: 'unboundedPreceding' | 'currentRow' | 'unboundedFollowing' }
  | { kind: 'preceding' | 'following'; offset: Eval };

export interface WinFrame {
  units: 'ROWS' | 'RANGE' | 'GROUPS';
  start: WinBound;
  end: WinBound;
  /** 'NONE': no EXCLUDE clause; an explicit 'NO OTHERS' has the same rows but, as in SQLite, the frame is rescanned for each row. */
  exclude: 'NONE' | 'NO OTHERS' | 'CURRENT ROW' | 'GROUP' | 'TIES';
}

export interface WinOrderKey {
  desc: boolean;
  nullsFirst: boolean;
  coll: Collation;
}

/** One (PARTITION BY, ORDER BY) sort shared by window functions. */
export interface WinSort {
  partition: Eval[];
  partColls: Collation[];
  order: Eval[];
  orderKeys: WinOrderKey[];
}

export interface WinFn {
  /** Index into the node's sorts. */
  sort: number;
  kind: WinFnKind;
  args: Eval[];
  frame: WinFrame;
  /** Aggregates: the implementation, its lower-case name (picks the incremental strategy). */
  agg?: { impl: AggregateImpl | 'count*'; name: string; coll: Collation; filter?: Pred };
}

/** Window-function names that are not aggregates. */
export const WINDOW_ONLY_FUNCTIONS: ReadonlyMap<string, { kind: Exclude<WinFnKind, 'agg'>; minArgs: number; maxArgs: number }> = new Map([
  ['row_number', { kind: 'row_number', minArgs: 0, maxArgs: 0 }],
  ['rank', { kind: 'rank', minArgs: 0, maxArgs: 0 }],
  ['dense_rank', { kind: 'dense_rank', minArgs: 0, maxArgs: 0 }],
  ['percent_rank', { kind: 'percent_rank', minArgs: 0, maxArgs: 0 }],
  ['cume_dist', { kind: 'cume_dist', minArgs: 0, maxArgs: 0 }],
  ['ntile', { kind: 'ntile', minArgs: 1, maxArgs: 1 }],
  ['lag', { kind: 'lag', minArgs: 1, maxArgs: 3 }],
  ['lead', { kind: 'lead', minArgs: 1, maxArgs: 3 }],
  ['first_value', { kind: 'first_value', minArgs: 1, maxArgs: 1 }],
  ['last_value', { kind: 'last_value', minArgs: 1, maxArgs: 1 }],
  ['nth_value', { kind: 'nth_value', minArgs: 2, maxArgs: 2 }],
] as const);

const EMPTY_ROW: Row = [];

/** Rows of one partition in sort order, with peer groups. */
interface Part {
  rows: Row[];
  /** Per position: index of its peer group. */
  group: Int32Array;
  /** Per group: first position and end (exclusive). */
  gStart: Int32Array;
  gEnd: Int32Array;
  /** ORDER BY values of the single ORDER BY term (RANGE with an offset). */
  orderVals: SqlValue[] | undefined;
}

export class WindowNode implements PlanNode {
  constructor(
    readonly columns: ColumnMeta[],
    private readonly input: PlanNode,
    private readonly inputWidth: number,
    private readonly sorts: WinSort[],
    private readonly fns: WinFn[],
  ) {}

  explain(): ExplainLine {
    return line(`WINDOW (${this.fns.length} function${this.fns.length === 1 ? '' : 's'}, ${this.sorts.length} sort${this.sorts.length === 1 ? '' : 's'})`, this.input.explain());
  }

  open(): Pull {
    return pullMaterialized(() => this.run());
  }

  private run(): Row[] {
    const w = this.inputWidth;
    const total = w + this.fns.length;
    const pull = this.input.open();
    let rows: Row[] = [];
    for (let r = pull(); r !== undefined; r = pull()) {
      const row = r.slice(0, w);
      for (let k = w; k < total; k++) row.push(null);
      rows.push(row);
    }
    // Sort 0 last, so the output is in the first window's order.
    for (let s = this.sorts.length - 1; s >= 0; s--) {
      const fns: number[] = [];
      this.fns.forEach((f, i) => f.sort === s && fns.push(i));
      if (fns.length === 0) continue;
      rows = this.runSort(rows, this.sorts[s]!, fns);
    }
    return rows;
  }

  private runSort(input: Row[], sort: WinSort, fnIdx: number[]): Row[] {
    const np = sort.partition.length;
    const no = sort.order.length;
    const nk = np + no;
    const n = input.length;
    // Evaluate the sort keys once per row, into one flat array.
    const keys: SqlValue[] = new Array(n * nk);
    for (let i = 0, o = 0; i < n; i++) {
      const row = input[i]!;
      for (let j = 0; j < np; j++) keys[o++] = sort.partition[j]!(row);
      for (let j = 0; j < no; j++) keys[o++] = sort.order[j]!(row);
    }
    // Partition keys sort ascending, NULLs first (any order groups them).
    const specs: WinOrderKey[] = [...sort.partColls.map((coll) => ({ desc: false, nullsFirst: true, coll })), ...sort.orderKeys];
    const cmpRange = (a: number, b: number, from: number, to: number): number => {
      const ao = a * nk;
      const bo = b * nk;
      for (let j = from; j < to; j++) {
        const x = keys[ao + j]!;
        const y = keys[bo + j]!;
        if (typeof x === 'bigint' && typeof y === 'bigint') {
          if (x !== y) return (x < y) !== specs[j]!.desc ? -1 : 1;
          continue;
        }
        const c = cmpKey(x, y, specs[j]!);
        if (c !== 0) return c;
      }
      return 0;
    };
    const order: number[] = new Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (nk > 0 && n > 1) order.sort((a, b) => cmpRange(a, b, 0, nk) || a - b);
    const sorted: Row[] = new Array(n);
    for (let i = 0; i < n; i++) sorted[i] = input[order[i]!]!;
    const cmpPart = (a: number, b: number): number => cmpRange(order[a]!, order[b]!, 0, np);
    const cmpOrder = (a: number, b: number): number => cmpRange(order[a]!, order[b]!, np, nk);
    const fns = fnIdx.map((i) => this.fns[i]!);
    const slots = fnIdx.map((i) => this.inputWidth + i);
    const needVals = fns.some((f) => f.frame.units === 'RANGE' && (f.frame.start.kind === 'preceding' || f.frame.start.kind === 'following' || f.frame.end.kind === 'preceding' || f.frame.end.kind === 'following'));
    let lo = 0;
    while (lo < n) {
      let hi = lo + 1;
      while (hi < n && cmpPart(lo, hi) === 0) hi++;
      const m = hi - lo;
      const group = new Int32Array(m);
      const gs: number[] = [0];
      for (let i = 1; i < m; i++) {
        if (cmpOrder(lo + i - 1, lo + i) !== 0) gs.push(i);
        group[i] = gs.length - 1;
      }
      const gStart = Int32Array.from(gs);
      const gEnd = new Int32Array(gs.length);
      for (let g = 0; g < gs.length; g++) gEnd[g] = g + 1 < gs.length ? gs[g + 1]! : m;
      const part: Part = {
        rows: sorted.slice(lo, hi),
        group,
        gStart,
        gEnd,
        orderVals: needVals && no === 1 ? order.slice(lo, hi).map((r) => keys[r * nk + np]!) : undefined,
      };
      for (let f = 0; f < fns.length; f++) this.evalFn(fns[f]!, slots[f]!, part, sort.orderKeys[0]);
      lo = hi;
    }
    return sorted;
  }

  private evalFn(fn: WinFn, slot: number, p: Part, orderKey: WinOrderKey | undefined): void {
    const rows = p.rows;
    const m = rows.length;
    switch (fn.kind) {
      case 'row_number':
        for (let i = 0; i < m; i++) rows[i]![slot] = BigInt(i + 1);
        return;
      case 'rank':
        for (let i = 0; i < m; i++) rows[i]![slot] = BigInt(p.gStart[p.group[i]!]! + 1);
        return;
      case 'dense_rank':
        for (let i = 0; i < m; i++) rows[i]![slot] = BigInt(p.group[i]! + 1);
        return;
      case 'percent_rank':
        for (let i = 0; i < m; i++) rows[i]![slot] = m > 1 ? p.gStart[p.group[i]!]! / (m - 1) : 0;
        return;
      case 'cume_dist':
        for (let i = 0; i < m; i++) rows[i]![slot] = p.gEnd[p.group[i]!]! / m;
        return;
      case 'ntile': {
        const v = fn.args[0]!(rows[0]!);
        const nParam = ntileArg(v);
        const size = Math.floor(m / nParam);
        if (size === 0) {
          for (let i = 0; i < m; i++) rows[i]![slot] = BigInt(i + 1);
          return;
        }
        const nLarge = m - nParam * size;
        const iSmall = nLarge * (size + 1);
        for (let i = 0; i < m; i++) {
          rows[i]![slot] = BigInt(i < iSmall ? 1 + Math.floor(i / (size + 1)) : 1 + nLarge + Math.floor((i - iSmall) / size));
        }
        return;
      }
      case 'lag':
      case 'lead': {
        const [val, off, def] = fn.args as [Eval, Eval | undefined, Eval | undefined];
        const sign = fn.kind === 'lag' ? -1 : 1;
        const vals = new Array<SqlValue>(m);
        // The argument is read at other rows: evaluate it first (slots are written below).
        for (let i = 0; i < m; i++) vals[i] = val(rows[i]!);
        const res = new Array<SqlValue>(m);
        for (let i = 0; i < m; i++) {
          const row = rows[i]!;
          const k = off ? lagOffset(off(row)) : 1;
          const t = k === undefined ? -1 : i + sign * k;
          res[i] = t >= 0 && t < m ? vals[t]! : def ? def(row) : null;
        }
        for (let i = 0; i < m; i++) rows[i]![slot] = res[i]!;
        return;
      }
      default:
        this.evalFramed(fn, slot, p, orderKey);
    }
  }

  // ---- frames --------------------------------------------------------------------------------

  private evalFramed(fn: WinFn, slot: number, p: Part, orderKey: WinOrderKey | undefined): void {
    const rows = p.rows;
    const m = rows.length;
    const frame = fn.frame;
    const bounds = frameBounds(frame, p, orderKey);
    const res = new Array<SqlValue>(m);
    if (fn.kind === 'first_value' || fn.kind === 'last_value' || fn.kind === 'nth_value') {
      const val = fn.args[0]!;
      const vals = new Array<SqlValue>(m);
      for (let i = 0; i < m; i++) vals[i] = val(rows[i]!);
      const segs: number[] = [];
      for (let i = 0; i < m; i++) {
        bounds(i);
        let nth = 1;
        if (fn.kind === 'nth_value') nth = nthArg(fn.args[1]!(rows[i]!));
        frameSegments(frame.exclude, i, fs, fe, p, segs);
        let size = 0;
        for (let s = 0; s < segs.length; s += 2) size += segs[s + 1]! - segs[s]!;
        let want = fn.kind === 'last_value' ? size : nth;
        let v: SqlValue = null;
        if (want >= 1 && want <= size) {
          for (let s = 0; s < segs.length; s += 2) {
            const len = segs[s + 1]! - segs[s]!;
            if (want <= len) {
              v = vals[segs[s]! + want - 1]!;
              break;
            }
            want -= len;
          }
        }
        res[i] = v;
      }
    } else {
      this.evalAggregate(fn, p, bounds, res);
    }
    for (let i = 0; i < m; i++) rows[i]![slot] = res[i]!;
  }

  private evalAggregate(fn: WinFn, p: Part, bounds: (i: number) => void, res: SqlValue[]): void {
    const a = fn.agg!;
    const rows = p.rows;
    const m = rows.length;
    // Arguments and FILTER, once per row.
    const nargs = fn.args.length;
    const argv: SqlValue[][] = new Array(m);
    const pass = new Uint8Array(m);
    for (let i = 0; i < m; i++) {
      const row = rows[i]!;
      pass[i] = !a.filter || a.filter(row) ? 1 : 0;
      const args = new Array<SqlValue>(nargs);
      for (let j = 0; j < nargs; j++) args[j] = fn.args[j]!(row);
      argv[i] = args;
    }
    const impl = a.impl;
    const exclude = fn.frame.exclude !== 'NONE';
    const fromStart = fn.frame.start.kind === 'unboundedPreceding';
    if (!exclude && fromStart) return runningAggregate(impl, argv, pass, bounds, res, m);
    if (!exclude) {
      const inv = invertible(a.name, impl, argv, pass);
      if (inv) return slidingAggregate(inv, argv, pass, bounds, res, m);
      if ((a.name === 'min' || a.name === 'max') && nargs === 1) return dequeMinMax(a.name === 'max', a.coll, argv, pass, bounds, res, m);
    }
    // Recompute per distinct frame.
    const segs: number[] = [];
    let lastKey = '';
    let last: SqlValue = null;
    for (let i = 0; i < m; i++) {
      bounds(i);
      frameSegments(fn.frame.exclude, i, fs, fe, p, segs);
      const key = segs.join(',');
      if (i > 0 && key === lastKey) {
        res[i] = last;
        continue;
      }
      let st: unknown = impl === 'count*' ? 0n : impl.init();
      for (let s = 0; s < segs.length; s += 2) {
        for (let j = segs[s]!; j < segs[s + 1]!; j++) {
          if (!pass[j]) continue;
          st = impl === 'count*' ? (st as bigint) + 1n : impl.step(st, argv[j]!);
        }
      }
      last = impl === 'count*' ? (st as bigint) : impl.final(st);
      lastKey = key;
      res[i] = last;
    }
  }
}

// Frame of the row being evaluated: [fs, fe), positions in the partition (set by `bounds`).
let fs = 0;
let fe = 0;

/** Returns a function that sets `fs`/`fe` to the frame of position i. */
function frameBounds(frame: WinFrame, p: Part, orderKey: WinOrderKey | undefined): (i: number) => void {
  const m = p.rows.length;
  const ng = p.gStart.length;
  const { units, start, end } = frame;
  const startOff = offsetOf(start, units, 'starting');
  const endOff = offsetOf(end, units, 'ending');
  const vals = p.orderVals;
  return (i) => {
    const g = p.group[i]!;
    // Start.
    switch (start.kind) {
      case 'unboundedPreceding':
        fs = 0;
        break;
      case 'currentRow':
        fs = units === 'ROWS' ? i : p.gStart[g]!;
        break;
      case 'preceding':
      case 'following': {
        const k = startOff!.n;
        const dir = start.kind === 'preceding' ? -1 : 1;
        if (units === 'ROWS') fs = clamp(i + dir * k, 0, m);
        else if (units === 'GROUPS') {
          const t = g + dir * k;
          fs = t < 0 ? 0 : t >= ng ? m : p.gStart[t]!;
        } else fs = rangeBound(vals!, orderKey!, i, dir, startOff!.v, p, false);
        break;
      }
      default:
        fs = m;
    }
    switch (end.kind) {
      case 'unboundedFollowing':
        fe = m;
        break;
      case 'currentRow':
        fe = units === 'ROWS' ? i + 1 : p.gEnd[g]!;
        break;
      case 'preceding':
      case 'following': {
        const k = endOff!.n;
        const dir = end.kind === 'preceding' ? -1 : 1;
        if (units === 'ROWS') fe = clamp(i + dir * k + 1, 0, m);
        else if (units === 'GROUPS') {
          const t = g + dir * k;
          fe = t < 0 ? 0 : t >= ng ? m : p.gEnd[t]!;
        } else fe = rangeBound(vals!, orderKey!, i, dir, endOff!.v, p, true);
        break;
      }
      default:
        fe = 0;
    }
    if (fe < fs) fe = fs;
  };
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** The evaluated offset of `n PRECEDING` / `n FOLLOWING` (checked as SQLite checks it). */
function offsetOf(b: WinBound, units: WinFrame['units'], which: 'starting' | 'ending'): { n: number; v: SqlValue } | undefined {
  if (b.kind !== 'preceding' && b.kind !== 'following') return undefined;
  let v = b.offset(EMPTY_ROW);
  if (typeof v === 'string') v = textNumericAffinity(v, false);
  if (units === 'RANGE') {
    if ((typeof v === 'bigint' && v >= 0n) || (typeof v === 'number' && v >= 0) || (v instanceof Decimal && v.sign() >= 0)) return { n: 0, v };
    throw new WindowError('WINDOW_FRAME', `frame ${which} offset must be a non-negative number`);
  }
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return { n: v, v };
  if (typeof v === 'bigint' && v >= 0n) return { n: v > 2n ** 52n ? 2 ** 52 : Number(v), v };
  throw new WindowError('WINDOW_FRAME', `frame ${which} offset must be a non-negative integer`);
}

/**
 * RANGE n PRECEDING / n FOLLOWING: the first position whose ORDER BY value is not before
 * (`after` false) / is after (`after` true) the current value moved by n in the frame's
 * direction. A NULL current value bounds at its NULL peers; text and blobs are not moved.
 */
function rangeBound(vals: SqlValue[], key: WinOrderKey, i: number, dir: number, off: SqlValue, p: Part, after: boolean): number {
  const cur = vals[i]!;
  if (cur === null) {
    const g = p.group[i]!;
    return after ? p.gEnd[g]! : p.gStart[g]!;
  }
  let target: SqlValue = cur;
  if (typeof cur !== 'string' && !(cur instanceof Uint8Array)) {
    const d = key.desc ? -dir : dir;
    target = d < 0 ? sub(cur, off) : add(cur, off);
    if (target === null) target = cur;
  }
  // Binary search over the sorted partition.
  let lo = 0;
  let hi = vals.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = cmpKey(vals[mid]!, target, key);
    if (after ? c <= 0 : c < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The frame minus the EXCLUDE rows as [start, end) pairs in `out`. */
function frameSegments(exclude: WinFrame['exclude'], i: number, s: number, e: number, p: Part, out: number[]): void {
  out.length = 0;
  if (s >= e) return;
  if (exclude === 'NONE' || exclude === 'NO OTHERS') {
    out.push(s, e);
    return;
  }
  const g = p.group[i]!;
  const ps = p.gStart[g]!;
  const pe = p.gEnd[g]!;
  const cut = (a: number, b: number): void => {
    const x = Math.max(a, s);
    const y = Math.min(b, e);
    if (x < y) out.push(x, y);
  };
  if (exclude === 'CURRENT ROW') {
    cut(s, i);
    cut(i + 1, e);
  } else if (exclude === 'GROUP') {
    cut(s, ps);
    cut(pe, e);
  } else {
    cut(s, ps);
    cut(i, i + 1);
    cut(pe, e);
  }
}

// ---- argument checks ---------------------------------------------------------------------------

function ntileArg(v: SqlValue): number {
  let n = 0;
  if (typeof v === 'bigint') n = v > 2n ** 52n ? 2 ** 52 : Number(v);
  else if (typeof v === 'number') n = Math.trunc(v);
  else if (typeof v === 'string') {
    const t = textNumericAffinity(v, false);
    n = typeof t === 'bigint' ? Number(t) : typeof t === 'number' ? Math.trunc(t) : 0;
  } else if (v instanceof Decimal) n = Number(v.toBigInt());
  if (!(n > 0)) throw new WindowError('WINDOW_ARGUMENT', 'argument of ntile must be a positive integer');
  return n;
}

function nthArg(v: SqlValue): number {
  if (typeof v === 'string') v = textNumericAffinity(v, false);
  if (typeof v === 'bigint' && v > 0n) return v > 2n ** 52n ? 2 ** 52 : Number(v);
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  throw new WindowError('WINDOW_ARGUMENT', 'second argument to nth_value must be a positive integer');
}

/** The row offset of lag/lead (undefined: not an integer, so the default applies). */
function lagOffset(v: SqlValue): number | undefined {
  if (typeof v === 'string') v = textNumericAffinity(v, false);
  if (typeof v === 'bigint') return v > 2n ** 52n ? 2 ** 52 : v < -(2n ** 52n) ? -(2 ** 52) : Number(v);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  return undefined;
}

// ---- comparisons ---------------------------------------------------------------------------

function cmpKey(x: SqlValue, y: SqlValue, k: WinOrderKey): number {
  if (x === null || y === null) {
    if (x === y) return 0;
    return (x === null) === k.nullsFirst ? -1 : 1;
  }
  const c = compareValues(x, y, k.coll);
  return k.desc ? -c : c;
}

// ---- aggregate strategies ---------------------------------------------------------------------

/** Frames that start at UNBOUNDED PRECEDING: one aggregate, stepped forward. */
function runningAggregate(impl: AggregateImpl | 'count*', argv: SqlValue[][], pass: Uint8Array, bounds: (i: number) => void, res: SqlValue[], m: number): void {
  let st: unknown = impl === 'count*' ? 0n : impl.init();
  let added = 0;
  let lastEnd = -1;
  let last: SqlValue = null;
  for (let i = 0; i < m; i++) {
    bounds(i);
    if (fe !== lastEnd || i === 0) {
      for (; added < fe; added++) {
        if (!pass[added]) continue;
        st = impl === 'count*' ? (st as bigint) + 1n : impl.step(st, argv[added]!);
      }
      last = impl === 'count*' ? (st as bigint) : impl.final(st);
      lastEnd = fe;
    }
    res[i] = last;
  }
}

interface Invertible {
  init(): void;
  step(args: SqlValue[]): void;
  inverse(args: SqlValue[]): void;
  value(): SqlValue;
}

/**
 * Moving frames of count, sum, total, avg: add rows entering, remove rows leaving. The state is
 * never reset (as in SQLite, a REAL once seen keeps sum() REAL, even after it left the frame).
 */
function slidingAggregate(agg: Invertible, argv: SqlValue[][], pass: Uint8Array, bounds: (i: number) => void, res: SqlValue[], m: number): void {
  agg.init();
  let a = 0;
  let b = 0;
  for (let i = 0; i < m; i++) {
    bounds(i);
    // Rows before the frame that were never added (a frame starting n FOLLOWING): SQLite adds
    // them and removes them again, which can leave sum() REAL.
    for (; b < fs; b++) if (pass[b]) agg.step(argv[b]!);
    // Rows leaving are removed before rows entering are added, as SQLite does (the order
    // matters only when a partial sum overflows 64 bits).
    for (; a < fs; a++) if (pass[a]) agg.inverse(argv[a]!);
    for (; b < fe; b++) if (pass[b]) agg.step(argv[b]!);
    res[i] = agg.value();
  }
}

/** min/max over moving frames: a deque of candidate positions (O(n) per partition). */
function dequeMinMax(max: boolean, coll: Collation, argv: SqlValue[][], pass: Uint8Array, bounds: (i: number) => void, res: SqlValue[], m: number): void {
  const dq = new Int32Array(m);
  let head = 0;
  let tail = 0;
  let b = 0;
  for (let i = 0; i < m; i++) {
    bounds(i);
    if (b < fs) b = fs;
    for (; b < fe; b++) {
      if (!pass[b]) continue;
      const x = argv[b]![0]!;
      if (x === null) continue;
      while (tail > head) {
        const c = compareValues(argv[dq[tail - 1]!]![0]!, x, coll);
        if (max ? c < 0 : c > 0) tail--;
        else break;
      }
      dq[tail++] = b;
    }
    while (head < tail && dq[head]! < fs) head++;
    res[i] = head < tail && fs < fe ? argv[dq[head]!]![0]! : null;
  }
}

/** count/sum/total/avg with an inverse, or undefined when a value needs the general path. */
function invertible(name: string, impl: AggregateImpl | 'count*', argv: SqlValue[][], pass: Uint8Array): Invertible | undefined {
  if (impl === 'count*') {
    let n = 0n;
    return { init: () => void (n = 0n), step: () => void n++, inverse: () => void n--, value: () => n };
  }
  if (name === 'count' && argv.every((a) => a.length === 1)) {
    let n = 0n;
    return {
      init: () => void (n = 0n),
      step: (a) => void (a[0] !== null && n++),
      inverse: (a) => void (a[0] !== null && n--),
      value: () => n,
    };
  }
  if (name !== 'sum' && name !== 'total' && name !== 'avg') return undefined;
  for (let i = 0; i < argv.length; i++) {
    if (!pass[i]) continue;
    const x = argv[i]![0]!;
    if (x instanceof Decimal) return undefined;
    if (typeof x === 'string' && textNumericAffinity(x, false) instanceof Decimal) return undefined;
  }
  const s = new WinSum();
  return {
    init: () => s.reset(),
    step: (a) => s.step(a[0]!),
    inverse: (a) => s.inverse(a[0]!),
    value: () => (name === 'sum' ? s.sum() : name === 'total' ? s.total() : s.avg()),
  };
}

/** sqlite3_value_numeric_type: INTEGER or REAL, else undefined (text that is no number, blob). */
function numeric(v: SqlValue): bigint | number | undefined {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = textNumericAffinity(v, false);
    return typeof t === 'bigint' || typeof t === 'number' ? t : undefined;
  }
  return undefined;
}

const BIG = 4503599627370496n;

/** SQLite's SumCtx with sumStep / sumInverse and Kahan–Babuska–Neumaier summation (func.c). */
class WinSum {
  cnt = 0;
  approx = false;
  ovrfl = false;
  iSum = 0n;
  rSum = 0;
  rErr = 0;

  reset(): void {
    this.cnt = 0;
    this.approx = false;
    this.ovrfl = false;
    this.iSum = 0n;
    this.rSum = 0;
    this.rErr = 0;
  }

  private kbn(r: number): void {
    const s = this.rSum;
    const t = s + r;
    if (Math.abs(s) > Math.abs(r)) this.rErr += s - t + r;
    else this.rErr += r - t + s;
    this.rSum = t;
  }

  private kbnInt(v: bigint): void {
    if (v <= -BIG || v >= BIG) {
      const sm = v % 16384n;
      this.kbn(Number(v - sm));
      this.kbn(Number(sm));
    } else this.kbn(Number(v));
  }

  private kbnInit(v: bigint): void {
    if (v <= -BIG || v >= BIG) {
      const sm = v % 16384n;
      this.rSum = Number(v - sm);
      this.rErr = Number(sm);
    } else {
      this.rSum = Number(v);
      this.rErr = 0;
    }
  }

  step(x: SqlValue): void {
    if (x === null) return;
    const v = numeric(x);
    this.cnt++;
    if (!this.approx) {
      if (typeof v === 'bigint') {
        const s = this.iSum + v;
        if (s >= INT64_MIN && s <= INT64_MAX) this.iSum = s;
        else {
          this.ovrfl = true;
          this.kbnInit(this.iSum);
          this.approx = true;
          this.kbnInt(v);
        }
      } else {
        this.kbnInit(this.iSum);
        this.approx = true;
        this.kbn(v === undefined ? realValue(x) : v);
      }
    } else if (typeof v === 'bigint') this.kbnInt(v);
    else {
      this.ovrfl = false;
      this.kbn(v === undefined ? realValue(x) : v);
    }
  }

  inverse(x: SqlValue): void {
    if (x === null) return;
    const v = numeric(x);
    this.cnt--;
    if (!this.approx) {
      const iv = typeof v === 'bigint' ? v : BigInt(Math.trunc(v ?? 0));
      const s = this.iSum - iv;
      if (s >= INT64_MIN && s <= INT64_MAX) {
        this.iSum = s;
        return;
      }
      this.ovrfl = true;
      this.approx = true;
      this.kbnInit(this.iSum);
    }
    if (typeof v === 'bigint') {
      if (v !== INT64_MIN) this.kbnInt(-v);
      else {
        this.kbnInt(INT64_MAX);
        this.kbnInt(1n);
      }
    } else this.kbn(-(v === undefined ? realValue(x) : v));
  }

  private approxResult(): number {
    return Number.isFinite(this.rErr) ? this.rSum + this.rErr : this.rSum;
  }

  sum(): SqlValue {
    if (this.cnt === 0) return null;
    if (this.approx) {
      if (this.ovrfl) throw new SqlError('INTEGER_OVERFLOW', 'integer overflow');
      return nanNull(this.approxResult());
    }
    return this.iSum;
  }

  total(): SqlValue {
    return this.approx ? nanNull(this.approxResult()) : Number(this.iSum);
  }

  avg(): SqlValue {
    if (this.cnt === 0) return null;
    return nanNull((this.approx ? this.approxResult() : Number(this.iSum)) / this.cnt);
  }
}

function nanNull(r: number): SqlValue {
  return r !== r ? null : r;
}
