/**
 * Access paths and join order for one SELECT core's FROM clause.
 *
 * For every relation the planner considers: a full scan; the primary key (point lookup when
 * equalities cover the whole key, else a prefix/range scan); each secondary index (equality on
 * leading columns, IN lists and IN subqueries, then one range); and, for an inner relation of a
 * join with an equality against earlier relations but no usable key, a hash join. A term is
 * usable on a key column only when SQLite's comparison rules would not convert the stored
 * column value (its affinity) and the collation is BINARY (keys are BINARY-ordered).
 *
 * Costs are crude row estimates from tree counts (O(1)). Inner joins are reordered: all orders
 * are costed for up to 6 relations, greedily beyond; LEFT JOINs keep the written order. The
 * result is a `JoinPipeline` whose levels carry the remaining conditions at the first level
 * where all they read is bound.
 */
import { comparisonAffinity, type Affinity } from '../values/index.js';
import { parseDecimalType } from '../values/index.js';
import type { IndexInfo, TableInfo } from '../storage/table-info.js';
import { ExprCompiler, type Pred } from '../exec/compile-expr.js';
import type { ExecEnv } from '../exec/env.js';
import { JoinPipeline, type Level } from '../exec/pipeline.js';
import {
  HashSource,
  MaterializedSource,
  StreamSource,
  TableSource,
  isNarrowable,
  type Bound,
  type ColumnEquality,
  type EqTerm,
  type KeyKind,
  type KeyProbe,
  type Source,
} from '../exec/sources.js';
import type { ColumnMeta, PlanNode } from '../exec/types.js';
import { FunctionSource } from '../exec/table-functions.js';
import { affinityOf, children as childrenOf, relsOf, type BExpr } from './bound.js';
import type { Relation, Scope } from './scope.js';

/** One FROM entry in written order. */
export interface JoinEntry {
  rel: Relation;
  /** LEFT JOIN: `on` are its match conditions. */
  left: boolean;
  on: BExpr[];
  /**
   * RIGHT or FULL JOIN (FULL also sets `left`): `on` are its match conditions, and after the
   * nested loop the rows of this relation that matched nothing are emitted with every earlier
   * relation NULL. WHERE terms are then not used to restrict the earlier relations (of the
   * last such entry).
   */
  outer?: boolean;
  /** Set on the entries left of a RIGHT / FULL JOIN. */
  beforeOuter?: boolean;
}

interface Term {
  e: BExpr;
  rels: Set<number>;
  consumed: boolean;
  /** A WHERE term (not an inner join's ON term). */
  where?: boolean;
}

/** What ORDER BY wants from the first relation (if anything), to avoid a sort. */
export interface OrderWish {
  rel: number;
  cols: { col: number; desc: boolean; nullsFirst: boolean }[];
}

interface KeyTermMatch {
  eq?: { term: Term; spec: EqTerm; size: number; exactKind: boolean };
  lo?: { term: Term; bound: Bound };
  hi?: { term: Term; bound: Bound };
}

interface Path {
  kind: 'scan' | 'pk' | 'index' | 'hash' | 'plan';
  index?: IndexInfo;
  probe?: KeyProbe;
  consumed: Term[];
  /** Cost per execution of this level. */
  cost: number;
  /** Rows produced per execution. */
  rows: number;
  /** Whether the path delivers the wished order (and in which direction). */
  ordered?: { reverse: boolean };
  hashKeys?: { build: BExpr[]; probe: BExpr[]; convs: (Affinity | undefined)[][]; colls: ('BINARY' | 'NOCASE' | 'RTRIM')[] };
  /** Terms local to this relation used to filter the hash build side. */
  hashLocal?: Term[];
  /** Every term the key probe represents (equalities and range bounds). */
  probeTerms?: Term[];
}

export interface FromPlanInput {
  env: ExecEnv;
  scope: Scope;
  entries: JoinEntry[];
  where: BExpr[];
  rowCount(tableKey: string): number;
  order?: OrderWish;
  /** LIMIT without aggregation: prefer an order-giving path. */
  limit?: number;
}

export interface FromPlan {
  pipeline: JoinPipeline;
  /** The first relation's path delivers the wished ORDER BY. */
  ordered: boolean;
  /** Relation ids in execution order. */
  order: number[];
}

function isNumeric(a: Affinity | undefined): boolean {
  return a === 'INTEGER' || a === 'REAL' || a === 'NUMERIC';
}

/** The comparison affinity when a key column can be compared without converting it, else null. */
export function usableAffinity(colAff: Affinity | undefined, otherAff: Affinity | undefined): Affinity | undefined | null {
  const a = comparisonAffinity(colAff, otherAff);
  if (a === undefined) return undefined;
  if (isNumeric(a)) return isNumeric(colAff) ? a : null;
  if (a === 'TEXT') return colAff === 'TEXT' ? a : null;
  return undefined;
}

export function keyKind(info: TableInfo, slot: number): KeyKind {
  if (slot === info.rowidSlot) return 'rowid';
  const c = info.columns[slot]!;
  if (parseDecimalType(c.type)) return 'any';
  switch (c.affinity) {
    case 'INTEGER':
    case 'NUMERIC':
      return 'int';
    case 'REAL':
      return 'real';
    case 'TEXT':
      return 'text';
    default:
      return 'any';
  }
}

function subset(a: Set<number>, b: Set<number>): boolean {
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function colOf(e: BExpr, depth: number, rel: number): number {
  if (e.k === 'col' && e.depth === depth && e.rel === rel) return e.col;
  return -1;
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' };

export class AccessPlanner {
  private readonly depth: number;
  private readonly compiler: ExprCompiler;
  private readonly terms: Term[];
  private readonly onTerms: Map<number, Term[]>;
  /** Index (in written order) of the last RIGHT / FULL JOIN entry, or -1. */
  private readonly outerIdx: number;

  constructor(private readonly input: FromPlanInput) {
    this.depth = input.scope.depth;
    this.compiler = new ExprCompiler(input.env, this.depth);
    this.terms = input.where.map((e) => ({ e, rels: relsOf(e, this.depth), consumed: false, where: true }));
    let last = -1;
    input.entries.forEach((en, i) => en.outer && (last = i));
    this.outerIdx = last;
    this.onTerms = new Map();
    for (const en of input.entries) {
      if (en.left || en.outer) this.onTerms.set(en.rel.id, en.on.map((e) => ({ e, rels: relsOf(e, this.depth), consumed: false })));
      else for (const e of en.on) this.terms.push({ e, rels: relsOf(e, this.depth), consumed: false });
    }
  }

  /**
   * Estimated rows of a relation. Plans are cached across data changes, so a table is never
   * assumed smaller than 1,000 rows (an empty table at prepare time must still get keyed
   * paths); above that the live count orders joins.
   */
  private relRows(rel: Relation): number {
    if (rel.source.kind === 'table') return Math.max(1000, this.input.rowCount(rel.source.tableKey));
    return 1000;
  }

  /** Terms usable to restrict `rel` given the bound relations. */
  private candidateTerms(rel: Relation, bound: Set<number>): Term[] {
    const own = this.onTerms.get(rel.id);
    if (own) return own.filter((t) => !t.consumed);
    const lhs = this.isBeforeOuter(rel);
    return this.terms.filter((t) => !t.consumed && t.rels.has(rel.id) && !(lhs && t.where));
  }

  /** True for a relation left of a RIGHT / FULL JOIN (WHERE terms must not restrict it). */
  private isBeforeOuter(rel: Relation): boolean {
    return this.outerIdx >= 0 && this.input.entries.findIndex((e) => e.rel.id === rel.id) < this.outerIdx;
  }

  /** Match terms against key column `col` of `rel`. */
  private matchColumn(rel: Relation, col: number, info: TableInfo, terms: Term[], bound: Set<number>): KeyTermMatch {
    const m: KeyTermMatch = {};
    const colAff = col === info.ncols ? 'INTEGER' : info.columns[col]!.affinity;
    const kind = keyKind(info, col);
    const exactKind = kind === 'rowid' || kind === 'text';
    const d = this.depth;
    const otherOk = (x: BExpr): boolean => {
      const r = relsOf(x, d);
      return !r.has(rel.id) && subset(r, bound);
    };
    for (const t of terms) {
      const e = t.e;
      if (e.k === 'binary' && (e.op === '=' || e.op === '<' || e.op === '<=' || e.op === '>' || e.op === '>=')) {
        if (e.l.k === 'row' || e.r.k === 'row') continue;
        let op: string = e.op;
        let other: BExpr;
        if (colOf(e.l, d, rel.id) === col) other = e.r;
        else if (colOf(e.r, d, rel.id) === col) {
          other = e.l;
          op = FLIP[op]!;
        } else continue;
        if (e.coll !== 'BINARY' || !otherOk(other)) continue;
        const conv = usableAffinity(colAff, affinityOf(other));
        if (conv === null) continue;
        const f = this.compiler.compile(other);
        if (op === '=') {
          if (!m.eq || m.eq.size > 1) m.eq = { term: t, spec: { kind: 'value', f, conv }, size: 1, exactKind };
        } else if (op === '>' || op === '>=') {
          m.lo ??= { term: t, bound: { f, incl: op === '>=', conv } };
        } else {
          m.hi ??= { term: t, bound: { f, incl: op === '<=', conv } };
        }
      } else if (e.k === 'between' && !e.not && colOf(e.e, d, rel.id) === col) {
        if (e.coll !== 'BINARY' || !otherOk(e.lo) || !otherOk(e.hi)) continue;
        const c1 = usableAffinity(colAff, affinityOf(e.lo));
        const c2 = usableAffinity(colAff, affinityOf(e.hi));
        if (c1 === null || c2 === null) continue;
        if (!m.lo && !m.hi) {
          m.lo = { term: t, bound: { f: this.compiler.compile(e.lo), incl: true, conv: c1 } };
          m.hi = { term: t, bound: { f: this.compiler.compile(e.hi), incl: true, conv: c2 } };
        }
      } else if (e.k === 'inList' && !e.not && colOf(e.e, d, rel.id) === col && e.list.length > 0) {
        if (e.coll !== 'BINARY' || !e.list.every(otherOk)) continue;
        const convs = e.list.map((x) => usableAffinity(colAff, affinityOf(x)));
        if (convs.some((c) => c === null) || new Set(convs).size > 1) continue;
        if (m.eq && m.eq.size <= e.list.length) continue;
        const items = e.list.map((x) => this.compiler.compile(x));
        m.eq = { term: t, spec: { kind: 'list', items, conv: convs[0] as Affinity | undefined }, size: e.list.length, exactKind };
      } else if (e.k === 'inSub' && !e.not && colOf(e.e, d, rel.id) === col && e.plan.columns.length === 1) {
        if (e.coll !== 'BINARY' || e.rels.includes(rel.id) || !subset(new Set(e.rels), bound)) continue;
        const conv = usableAffinity(colAff, e.plan.columns[0]!.affinity);
        if (conv === null) continue;
        if (m.eq) continue;
        m.eq = { term: t, spec: { kind: 'sub', plan: e.plan, correlated: e.correlated, conv }, size: 10, exactKind };
      }
    }
    return m;
  }

  /** Best keyed path over a list of key columns (primary key or index). */
  private keyPath(rel: Relation, info: TableInfo, slots: number[], desc: boolean[], kind: 'pk' | 'index', index: IndexInfo | undefined, bound: Set<number>): Path | undefined {
    const terms = this.candidateTerms(rel, bound);
    const eq: EqTerm[] = [];
    const consumed: Term[] = [];
    let size = 1;
    let i = 0;
    let lo: Bound | undefined;
    let hi: Bound | undefined;
    const probeTerms: Term[] = [];
    for (; i < slots.length; i++) {
      const m = this.matchColumn(rel, slots[i]!, info, terms, bound);
      if (m.eq) {
        probeTerms.push(m.eq.term);
        eq.push(m.eq.spec);
        size *= m.eq.size;
        if (m.eq.exactKind && m.eq.spec.kind !== 'sub') consumed.push(m.eq.term);
        else if (m.eq.exactKind) consumed.push(m.eq.term);
        continue;
      }
      if (m.lo || m.hi) {
        lo = m.lo?.bound;
        hi = m.hi?.bound;
        if (m.lo) probeTerms.push(m.lo.term);
        if (m.hi && m.hi.term !== m.lo?.term) probeTerms.push(m.hi.term);
      }
      break;
    }
    if (eq.length === 0 && !lo && !hi) return undefined;
    const n = this.relRows(rel);
    const kinds = slots.map((s) => keyKind(info, s));
    const point = kind === 'pk' && eq.length === slots.length;
    const unique = point || (index?.unique === true && eq.length === slots.length);
    let rows: number;
    if (unique) rows = size;
    else {
      // Like SQLite without statistics: an equality on an index column finds about 10 rows.
      rows = eq.length ? Math.min(n / Math.pow(10, eq.length), 10) : n;
      if (lo && hi) rows *= 0.1;
      else if (lo || hi) rows *= 0.3;
      rows = Math.max(rows, eq.length ? 2 : 1) * size;
    }
    const perRow = kind === 'index' ? 2 : 1;
    const cost = Math.log2(n + 1) * size + rows * perRow;
    const probe: KeyProbe = { eq, desc, kinds, point };
    if (lo) probe.lo = lo;
    if (hi) probe.hi = hi;
    const p: Path = { kind, probe, consumed, cost, rows, probeTerms };
    if (index) p.index = index;
    return p;
  }

  /** Order delivered by scanning `slots` after `eqCount` equality columns. */
  private orderOf(wish: OrderWish | undefined, rel: Relation, slots: number[], desc: boolean[], eqCount: number, probe: KeyProbe | undefined): { reverse: boolean } | undefined {
    if (!wish || wish.rel !== rel.id) return undefined;
    if (probe && probe.eq.some((t) => t.kind !== 'value')) return undefined;
    let k = eqCount;
    let dir: boolean | undefined;
    for (const w of wish.cols) {
      const idx = slots.indexOf(w.col);
      if (idx >= 0 && idx < eqCount) continue; // pinned by equality
      if (k >= slots.length || slots[k] !== w.col) return undefined;
      const effDesc = w.desc !== desc[k];
      // Default NULL placement only: ASC → NULLs first, DESC → NULLs last.
      if (w.nullsFirst === w.desc) return undefined;
      if (dir === undefined) dir = effDesc;
      else if (dir !== effDesc) return undefined;
      k++;
    }
    return { reverse: dir ?? false };
  }

  private tablePaths(rel: Relation, info: TableInfo, bound: Set<number>): Path[] {
    const n = this.relRows(rel);
    const wish = this.input.order;
    const paths: Path[] = [];
    const scan: Path = { kind: 'scan', consumed: [], cost: n, rows: n };
    {
      // A keyless table's full scan runs in rowid order (its insertion-order index).
      const o = info.keyless ? this.orderOf(wish, rel, [info.rowidSlot], [false], 0, undefined) : this.orderOf(wish, rel, info.pkSlots, info.pkDesc, 0, undefined);
      if (o) scan.ordered = o;
    }
    paths.push(scan);
    if (!info.keyless) {
      const p = this.keyPath(rel, info, info.pkSlots, info.pkDesc, 'pk', undefined, bound);
      if (p) {
        const o = this.orderOf(wish, rel, info.pkSlots, info.pkDesc, p.probe!.eq.length, p.probe);
        if (o) p.ordered = o;
        paths.push(p);
      }
    }
    for (const ix of info.orderIndex ? [...info.indexes, info.orderIndex] : info.indexes) {
      if (ix.computed) continue; // partial / expression indexes are not used for lookups yet
      const slots = ix.slots;
      const p = this.keyPath(rel, info, slots, ix.keyDesc, 'index', ix, bound);
      if (p) {
        const o = this.orderOf(wish, rel, slots, ix.desc, p.probe!.eq.length, p.probe);
        if (o) p.ordered = o;
        paths.push(p);
      } else if (wish && wish.rel === rel.id) {
        const o = this.orderOf(wish, rel, slots, ix.desc, 0, undefined);
        if (o) paths.push({ kind: 'index', index: ix, consumed: [], cost: n * 2, rows: n, ordered: o });
      }
    }
    return paths;
  }

  /** Hash-join keys for `rel` against the bound relations, if any equality links them. */
  private hashPath(rel: Relation, bound: Set<number>): Path | undefined {
    if (bound.size === 0) return undefined;
    const terms = this.candidateTerms(rel, bound);
    const build: BExpr[] = [];
    const probe: BExpr[] = [];
    const convs: (Affinity | undefined)[][] = [];
    const colls: ('BINARY' | 'NOCASE' | 'RTRIM')[] = [];
    const used: Term[] = [];
    const d = this.depth;
    for (const t of terms) {
      const e = t.e;
      if (e.k !== 'binary' || e.op !== '=' || e.l.k === 'row' || e.r.k === 'row') continue;
      const lr = relsOf(e.l, d);
      const rr = relsOf(e.r, d);
      let mine: BExpr;
      let other: BExpr;
      if (lr.size === 1 && lr.has(rel.id) && !rr.has(rel.id) && subset(rr, bound)) {
        mine = e.l;
        other = e.r;
      } else if (rr.size === 1 && rr.has(rel.id) && !lr.has(rel.id) && subset(lr, bound)) {
        mine = e.r;
        other = e.l;
      } else continue;
      if (hasSubquery(mine) || hasSubquery(other)) continue;
      const a = comparisonAffinity(affinityOf(mine), affinityOf(other));
      build.push(mine);
      probe.push(other);
      convs.push([a, a]);
      colls.push(e.coll);
      used.push(t);
    }
    const n = this.relRows(rel);
    const lhs = this.isBeforeOuter(rel);
    const local = this.onTerms.has(rel.id) ? [] : this.terms.filter((t) => !t.consumed && !(lhs && t.where) && t.rels.size === 1 && t.rels.has(rel.id) && !hasOuterOrSub(t.e, d));
    // Without an equality this is a cached, pre-filtered scan: built once, replayed per outer row.
    const sel = Math.pow(0.25, local.length);
    return {
      kind: 'hash',
      consumed: [],
      cost: n,
      rows: Math.max(1, build.length ? (n * sel) / 10 : n * sel),
      hashKeys: { build, probe, convs, colls },
      hashLocal: local,
    };
  }

  private bestPath(rel: Relation, bound: Set<number>, first: boolean): Path {
    if (rel.source.kind === 'function') {
      const n = this.relRows(rel);
      return { kind: 'plan', consumed: [], cost: n, rows: n };
    }
    if (rel.source.kind !== 'table') {
      const n = this.relRows(rel);
      const plan: Path = { kind: 'plan', consumed: [], cost: n, rows: n };
      if (!first) {
        const h = this.hashPath(rel, bound);
        if (h) return h;
      }
      return plan;
    }
    const info = rel.source.info;
    const paths = this.tablePaths(rel, info, bound);
    let best: Path | undefined;
    let bestCost = Infinity;
    const localTerms = this.candidateTerms(rel, bound).filter((t) => subset(t.rels, new Set([...bound, rel.id])));
    for (const p of paths) {
      const unconsumed = localTerms.filter((t) => !p.consumed.includes(t)).length;
      p.rows = Math.max(1, p.rows * Math.pow(0.25, unconsumed));
      let c = p.cost;
      if (first && this.input.order && this.input.order.rel === rel.id) {
        if (p.ordered) {
          if (this.input.limit !== undefined) c = Math.min(c, this.input.limit * (p.kind === 'index' ? 2 : 1) + Math.log2(p.rows + 1));
        } else c += p.rows * Math.log2(p.rows + 1) * 0.1;
      }
      if (c < bestCost) {
        best = p;
        bestCost = c;
      }
    }
    if (!first && best!.kind === 'scan') {
      const h = this.hashPath(rel, bound);
      if (h && (h.hashKeys!.build.length > 0 || h.hashLocal!.length > 0 || this.relRows(rel) > 8)) return h;
    }
    return best!;
  }

  /**
   * `SELECT count(*) FROM t WHERE …` over one table: the cheapest primary-key or index probe
   * that represents every WHERE term (equalities on leading key columns, then one range), so
   * the count is the number of entries in its key ranges (subtree counts, O(log n)).
   */
  countProbe(): { probe: KeyProbe; index?: IndexInfo } | undefined {
    const en = this.input.entries;
    if (en.length !== 1 || en[0]!.left || en[0]!.rel.source.kind !== 'table') return undefined;
    const rel = en[0]!.rel;
    const info = (rel.source as { info: TableInfo }).info;
    if (info.keyless || this.terms.length === 0) return undefined;
    let best: Path | undefined;
    for (const p of this.tablePaths(rel, info, new Set())) {
      if (!p.probe || !p.probeTerms) continue;
      if (!this.terms.every((t) => p.probeTerms!.includes(t))) continue;
      if (p.probe.eq.some((t) => t.kind === 'sub')) continue;
      if (!best || p.cost < best.cost) best = p;
    }
    if (!best) return undefined;
    return best.index ? { probe: best.probe!, index: best.index } : { probe: best.probe! };
  }

  /** Total estimated cost of running the relations in `order`. */
  private costOf(order: Relation[]): number {
    let outer = 1;
    let total = 0;
    const bound = new Set<number>();
    order.forEach((rel, i) => {
      const p = this.bestPath(rel, bound, i === 0);
      // Path costs assume at least 1,000 rows (plans outlive data changes); join order uses
      // the live size: scale whole-relation paths by it.
      const live = rel.source.kind === 'table' ? Math.max(1, this.input.rowCount(rel.source.tableKey)) : this.relRows(rel);
      const ratio = Math.min(1, live / this.relRows(rel));
      const whole = p.kind === 'scan' || p.kind === 'hash' || p.kind === 'plan';
      const cost = whole ? p.cost * ratio : p.cost;
      const rows = whole ? p.rows * ratio : p.rows;
      total += p.kind === 'hash' ? cost + outer : outer * cost;
      outer = Math.max(1, outer * rows * (p.kind === 'hash' ? 1 : 0.5));
      bound.add(rel.id);
    });
    return total;
  }

  private chooseOrder(): Relation[] {
    const entries = this.input.entries;
    const rels = entries.map((e) => e.rel);
    if (rels.length <= 1 || entries.some((e) => e.left || e.outer || (e.rel.source.kind === 'function' && e.rel.source.deps.size > 0))) return rels;
    if (rels.length <= 6) {
      let best = rels;
      let bestCost = this.costOf(rels);
      const perm = (prefix: Relation[], rest: Relation[]): void => {
        if (rest.length === 0) {
          const c = this.costOf(prefix);
          if (c < bestCost * 0.999) {
            best = prefix;
            bestCost = c;
          }
          return;
        }
        for (let i = 0; i < rest.length; i++) perm([...prefix, rest[i]!], [...rest.slice(0, i), ...rest.slice(i + 1)]);
      };
      perm([], rels);
      return best;
    }
    const order: Relation[] = [];
    const bound = new Set<number>();
    const left = [...rels];
    while (left.length) {
      let bi = 0;
      let bc = Infinity;
      left.forEach((r, i) => {
        const c = this.bestPath(r, bound, order.length === 0).cost;
        if (c < bc) {
          bc = c;
          bi = i;
        }
      });
      const r = left.splice(bi, 1)[0]!;
      order.push(r);
      bound.add(r.id);
    }
    return order;
  }

  plan(columns: ColumnMeta[]): FromPlan {
    const order = this.chooseOrder();
    const env = this.input.env;
    const scope = this.input.scope;
    const pos = new Map<number, number>();
    order.forEach((r, i) => pos.set(r.id, i));
    const bound = new Set<number>();
    const levels: Level[] = [];
    let ordered = false;
    order.forEach((rel, i) => {
      const entry = this.input.entries.find((e) => e.rel.id === rel.id)!;
      const path = this.bestPath(rel, bound, i === 0);
      for (const t of path.consumed) t.consumed = true;
      if (i === 0 && path.ordered) ordered = true;
      let source: Source;
      const alias = rel.name;
      if (rel.source.kind === 'table') {
        const info = rel.source.info;
        const base = new TableSource(env, rel.source.tableKey, info, rel.offset, {
          ...(path.probe ? { probe: path.probe } : {}),
          ...(path.index ? { index: path.index } : {}),
          reverse: path.ordered?.reverse ?? false,
          used: rel.used,
          ...(rel.source.snapshot ? { snapshot: rel.source.snapshot } : {}),
        }, alias);
        source = base;
        if (path.kind === 'hash') source = this.hashSource(base, rel, path);
      } else if (rel.source.kind === 'function') {
        source = this.functionSource(rel);
      } else {
        const src = rel.source;
        const sub = this.narrowed(src.plan, rel, entry);
        const base: Source = i === 0 && !src.correlated ? new StreamSource(sub, rel.offset, src.label) : new MaterializedSource(env, sub, rel.offset, src.correlated, src.label);
        source = path.kind === 'hash' ? this.hashSource(base, rel, path) : base;
      }
      bound.add(rel.id);
      const level: Level = { source, left: entry.left };
      if (entry.outer) level.unmatched = this.scanSource(rel);
      const on = this.onTerms.get(rel.id);
      if (on) {
        const rest = on.filter((t) => !t.consumed);
        for (const t of rest) {
          for (const r of t.rels) if (!bound.has(r)) throw new Error(`ON clause of ${rel.name} refers to a later table`);
          t.consumed = true;
        }
        if (rest.length) level.on = this.andPred(rest.map((t) => t.e));
      }
      levels.push(level);
    });
    // Remaining WHERE terms: at the level where their last relation is bound.
    const byLevel: BExpr[][] = order.map(() => []);
    const constTerms: BExpr[] = [];
    for (const t of this.terms) {
      if (t.consumed) continue;
      let at = -1;
      for (const r of t.rels) at = Math.max(at, pos.get(r) ?? -1);
      // WHERE must also see the unmatched rows of a RIGHT / FULL JOIN (earlier relations NULL).
      if (t.where && this.outerIdx >= 0 && at < this.outerIdx) at = this.outerIdx;
      if (at < 0) constTerms.push(t.e);
      else byLevel[at]!.push(t.e);
    }
    byLevel.forEach((es, i) => {
      if (es.length) levels[i]!.filter = this.andPred(es);
    });
    const pipeline = new JoinPipeline(columns, scope.width, levels, constTerms.length ? this.andPred(constTerms) : undefined);
    return { pipeline, ordered, order: order.map((r) => r.id) };
  }

  /**
   * A narrowable sub-plan (`heliosdb_history`) told the equalities of WHERE / inner-join terms
   * on its columns against literals or parameters (no affinity conversion, BINARY). The terms
   * still run as filters; only plain inner relations of joins without RIGHT / FULL qualify.
   */
  private narrowed(plan: PlanNode, rel: Relation, entry: JoinEntry): PlanNode {
    if (!isNarrowable(plan) || entry.left || entry.outer || this.outerIdx >= 0) return plan;
    const eqs: ColumnEquality[] = [];
    const mine = (e: BExpr): e is Extract<BExpr, { k: 'col' }> => e.k === 'col' && e.rel === rel.id && e.depth === this.depth && e.aff === undefined;
    const constant = (e: BExpr): boolean => e.k === 'lit' || e.k === 'param';
    for (const t of this.terms) {
      if (t.rels.size !== 1 || !t.rels.has(rel.id)) continue;
      const e = t.e;
      if (e.k === 'binary' && e.op === '=' && e.coll === 'BINARY') {
        if (mine(e.l) && constant(e.r)) eqs.push({ col: e.l.col, values: [this.compiler.compile(e.r)] });
        else if (mine(e.r) && constant(e.l)) eqs.push({ col: e.r.col, values: [this.compiler.compile(e.l)] });
      } else if (e.k === 'inList' && !e.not && e.coll === 'BINARY' && mine(e.e) && e.list.every(constant)) {
        eqs.push({ col: e.e.col, values: e.list.map((x) => this.compiler.compile(x)) });
      }
    }
    return eqs.length ? plan.narrow(eqs) : plan;
  }

  /** A plain scan of `rel` (the unmatched-row pass of a RIGHT / FULL JOIN). */
  private scanSource(rel: Relation): Source {
    const env = this.input.env;
    if (rel.source.kind === 'table') {
      const snap = rel.source.snapshot;
      return new TableSource(env, rel.source.tableKey, rel.source.info, rel.offset, { reverse: false, used: rel.used, ...(snap ? { snapshot: snap } : {}) }, rel.name);
    }
    if (rel.source.kind === 'function') return this.functionSource(rel);
    return new MaterializedSource(env, rel.source.plan, rel.offset, rel.source.correlated, rel.source.label);
  }

  private functionSource(rel: Relation): Source {
    const src = rel.source as Extract<Relation['source'], { kind: 'function' }>;
    return new FunctionSource(this.input.env, src.def, src.args.map((a) => this.compiler.compile(a)), rel.offset, rel.columns.length, src.label);
  }

  private hashSource(inner: Source, rel: Relation, path: Path): Source {
    const hk = path.hashKeys!;
    const local = path.hashLocal ?? [];
    for (const t of local) t.consumed = true;
    const innerFilter = local.length ? this.andPred(local.map((t) => t.e)) : undefined;
    const d = this.depth;
    const correlated = hk.build.some((e) => readsOuter(e, d)) || local.some((t) => readsOuter(t.e, d)) || (rel.source.kind === 'plan' && rel.source.correlated);
    return new HashSource(
      this.input.env,
      inner,
      innerFilter,
      hk.build.map((e) => this.compiler.compile(e)),
      hk.probe.map((e) => this.compiler.compile(e)),
      hk.convs,
      hk.colls,
      correlated,
    );
  }

  private andPred(es: BExpr[]): Pred {
    const preds = es.map((e) => this.compiler.predicate(e));
    if (preds.length === 1) return preds[0]!;
    if (preds.length === 2) {
      const [a, b] = preds as [Pred, Pred];
      return (row) => a(row) && b(row);
    }
    return (row) => {
      for (const p of preds) if (!p(row)) return false;
      return true;
    };
  }
}

function hasSubquery(e: BExpr): boolean {
  if (e.k === 'inSub' || e.k === 'exists' || e.k === 'scalarSub') return true;
  switch (e.k) {
    case 'lit':
    case 'param':
    case 'col':
    case 'agg':
      return false;
    default:
      return childrenOf(e).some(hasSubquery);
  }
}

/** True when `e` reads a row of an enclosing query (so its value changes between opens). */
function readsOuter(e: BExpr, depth: number): boolean {
  if (e.k === 'col' || e.k === 'agg') return e.depth < depth;
  if ((e.k === 'inSub' || e.k === 'exists' || e.k === 'scalarSub') && e.correlated) return true;
  return childrenOf(e).some((c) => readsOuter(c, depth));
}

function hasOuterOrSub(e: BExpr, depth: number): boolean {
  return hasSubquery(e) || readsOuter(e, depth);
}
