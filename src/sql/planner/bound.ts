/**
 * Bound expressions: the AST after name resolution. Column references point at a slot of the
 * row of a given scope depth; aggregates at a slot of the aggregate row; subqueries carry their
 * plan. Each node knows its affinity and collation where SQLite gives it one (column
 * references, CAST, COLLATE), which decides comparison conversions and index usability.
 */
import type { SqlValue } from '../../objects/index.js';
import type { BinaryOp, TypeName } from '../ast.js';
import type { Affinity, Collation } from '../values/index.js';
import type { PlanNode } from '../exec/types.js';
import type { AggregateFunction, ScalarFunction } from '../functions/index.js';

export type ScalarFnDef = ScalarFunction;

export interface AggCall {
  /** Lower-case function name; `def` is undefined for count(*). */
  name: string;
  def: AggregateFunction | undefined;
  args: BExpr[];
  star: boolean;
  distinct: boolean;
  filter?: BExpr;
  orderBy?: { expr: BExpr; desc: boolean; nullsFirst: boolean; collation: Collation }[];
  /** Collation of the first argument (min/max/group_concat DISTINCT compare under it). */
  collation: Collation;
}

/** What a window function computes: a ranking/offset/value function, or an aggregate. */
export type WinFnKind =
  | 'row_number'
  | 'rank'
  | 'dense_rank'
  | 'percent_rank'
  | 'cume_dist'
  | 'ntile'
  | 'lag'
  | 'lead'
  | 'first_value'
  | 'last_value'
  | 'nth_value'
  | 'agg';

/** A window function call bound in a SELECT core (planner/window.ts). */
export interface WinCall {
  name: string;
  kind: WinFnKind;
  def: AggregateFunction | undefined;
  star: boolean;
  args: BExpr[];
  filter?: BExpr;
  partition: BExpr[];
  order: { expr: BExpr; desc: boolean; nullsFirst: boolean; coll: Collation }[];
  frame: { units: 'ROWS' | 'RANGE' | 'GROUPS'; start: WinBoundExpr; end: WinBoundExpr; exclude: 'NONE' | 'NO OTHERS' | 'CURRENT ROW' | 'GROUP' | 'TIES' };
  /** Calls with equal keys share one sort. */
  sortKey: string;
  /** The call's value in expressions; `slot` is set once the core is bound. */
  ref: Extract<BExpr, { k: 'agg' }>;
  collation: Collation;
}

export type WinBoundExpr = { kind: 'unboundedPreceding' | 'currentRow' | 'unboundedFollowing' } | { kind: 'preceding' | 'following'; offset: BExpr };

export type BExpr =
  | { k: 'lit'; v: SqlValue }
  /** `slot` is the 0-based position in the statement's parameter array. */
  | { k: 'param'; slot: number }
  | { k: 'col'; depth: number; slot: number; aff: Affinity | undefined; coll: Collation; name: string; rel: number; col: number }
  /** Aggregate result `slot` of the aggregate row at `depth` (`win`: a window function's result, planner/window.ts). */
  | { k: 'agg'; depth: number; slot: number; win?: boolean }
  | { k: 'unary'; op: '-' | '+' | 'NOT' | '~'; e: BExpr }
  | { k: 'binary'; op: BinaryOp; l: BExpr; r: BExpr; coll: Collation }
  | { k: 'and' | 'or'; l: BExpr; r: BExpr }
  | { k: 'fn'; def: ScalarFnDef; args: BExpr[]; coll: Collation }
  | { k: 'case'; operand?: BExpr; whens: { when: BExpr; then: BExpr }[]; else?: BExpr; coll: Collation }
  | { k: 'cast'; e: BExpr; type: TypeName; aff: Affinity }
  | { k: 'collate'; e: BExpr; coll: Collation }
  | { k: 'like'; op: 'LIKE' | 'GLOB' | 'REGEXP' | 'MATCH'; not: boolean; l: BExpr; pattern: BExpr; escape?: BExpr }
  | { k: 'between'; not: boolean; e: BExpr; lo: BExpr; hi: BExpr; coll: Collation }
  | { k: 'isNull'; not: boolean; e: BExpr }
  | { k: 'inList'; not: boolean; e: BExpr; list: BExpr[]; coll: Collation }
  /**
   * Subqueries: `correlated` when the subquery reads any outer row; `rels` lists the relations
   * of the enclosing scope it reads (so a WHERE term is placed after them in a join).
   */
  | { k: 'inSub'; not: boolean; e: BExpr; plan: PlanNode; correlated: boolean; rels: number[]; coll: Collation }
  | { k: 'exists'; not: boolean; plan: PlanNode; correlated: boolean; rels: number[] }
  | { k: 'scalarSub'; plan: PlanNode; correlated: boolean; rels: number[] }
  | { k: 'row'; items: BExpr[] }
  | { k: 'raise'; action: 'IGNORE' | 'ROLLBACK' | 'ABORT' | 'FAIL'; message?: string };

/** Affinity of an expression for comparisons (SQLite §4.2: only columns, CAST and subqueries have one). */
export function affinityOf(e: BExpr): Affinity | undefined {
  switch (e.k) {
    case 'col':
      return e.aff;
    case 'cast':
      return e.aff;
    case 'collate':
      return affinityOf(e.e);
    case 'scalarSub':
      return e.plan.columns[0]?.affinity;
    default:
      return undefined;
  }
}

/** Collation of an expression and whether it was explicit (COLLATE) — explicit wins. */
export function collationOf(e: BExpr): { coll: Collation; explicit: boolean } | undefined {
  switch (e.k) {
    case 'collate':
      return { coll: e.coll, explicit: true };
    case 'col':
      return e.coll === 'BINARY' ? undefined : { coll: e.coll, explicit: false };
    case 'scalarSub': {
      const c = e.plan.columns[0]?.collation;
      return c && c !== 'BINARY' ? { coll: c, explicit: false } : undefined;
    }
    default:
      return undefined;
  }
}

/** The collation of a binary comparison of `l` and `r` (SQLite §7.1). */
export function comparisonCollation(l: BExpr, r: BExpr): Collation {
  const a = collationOf(l);
  const b = collationOf(r);
  if (a?.explicit) return a.coll;
  if (b?.explicit) return b.coll;
  if (a) return a.coll;
  if (b) return b.coll;
  return 'BINARY';
}

/** Walk the direct children of an expression (not into subquery plans). */
export function children(e: BExpr): BExpr[] {
  switch (e.k) {
    case 'unary':
    case 'cast':
    case 'collate':
    case 'isNull':
      return [e.e];
    case 'binary':
    case 'and':
    case 'or':
      return [e.l, e.r];
    case 'fn':
      return e.args;
    case 'case': {
      const out: BExpr[] = [];
      if (e.operand) out.push(e.operand);
      for (const w of e.whens) out.push(w.when, w.then);
      if (e.else) out.push(e.else);
      return out;
    }
    case 'like':
      return e.escape ? [e.l, e.pattern, e.escape] : [e.l, e.pattern];
    case 'between':
      return [e.e, e.lo, e.hi];
    case 'inList':
      return [e.e, ...e.list];
    case 'inSub':
      return [e.e];
    case 'row':
      return e.items;
    default:
      return [];
  }
}

/** Ids of the relations of scope `depth` that `e` reads (including through subqueries). */
export function relsOf(e: BExpr, depth: number, out: Set<number> = new Set()): Set<number> {
  switch (e.k) {
    case 'col':
      if (e.depth === depth) out.add(e.rel);
      return out;
    case 'inSub':
      relsOf(e.e, depth, out);
      for (const r of e.rels) out.add(r);
      return out;
    case 'exists':
    case 'scalarSub':
      for (const r of e.rels) out.add(r);
      return out;
    default:
      for (const c of children(e)) relsOf(c, depth, out);
      return out;
  }
}

/** True when `e` contains an aggregate reference of scope `depth`. */
export function hasAgg(e: BExpr, depth: number): boolean {
  if (e.k === 'agg') return e.depth === depth;
  return children(e).some((c) => hasAgg(c, depth));
}

/** Split a condition into its AND-ed terms. */
export function conjuncts(e: BExpr | undefined, out: BExpr[] = []): BExpr[] {
  if (!e) return out;
  if (e.k === 'and') {
    conjuncts(e.l, out);
    conjuncts(e.r, out);
  } else out.push(e);
  return out;
}
