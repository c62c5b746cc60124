/**
 * Binding and planning of window functions (`fn(…) OVER …`, the WINDOW clause).
 *
 * While a SELECT core's result columns and ORDER BY are bound, each window call is resolved
 * against the core's WINDOW clause (`OVER w`, `OVER (w ORDER BY …)` with SQLite's override
 * rules), checked (argument counts, FILTER/DISTINCT, frame shape and offsets) and recorded in
 * `scope.wins`; the call's value is a slot of the row after aggregation (`{k: 'agg', win:
 * true}`), numbered after the aggregates once binding is done (`finishWindows`). The planner
 * then places one `WindowNode` (exec/window.ts) after GROUP BY / HAVING and before the
 * projection. Misuse (a window function in WHERE, GROUP BY, HAVING, inside an aggregate or
 * another window function) raises `WindowError` with SQLite's messages.
 */
import { SqlError, WindowError, type SqlPosition } from '../../errors/index.js';
import type { Expr, FrameBound, OrderItem, WindowDef, WindowFrame } from '../ast.js';
import { aggregateFunctions, type AggregateFunction, type ScalarFunction } from '../functions/index.js';
import type { Collation } from '../values/index.js';
import type { ExprCompiler } from '../exec/compile-expr.js';
import type { AggregateImpl } from '../exec/aggregate.js';
import { WINDOW_ONLY_FUNCTIONS, WindowNode, type WinBound, type WinFn, type WinSort } from '../exec/window.js';
import type { ColumnMeta, PlanNode } from '../exec/types.js';
import { children, comparisonCollation, type BExpr, type WinBoundExpr, type WinCall, type WinFnKind } from './bound.js';
import { Scope } from './scope.js';

type BoundB = WinBoundExpr;

/** Binds sub-expressions for this module (the planner's `bindExpr` with window options). */
export type WinBind = (e: Expr, scope: Scope, o: { aggs: boolean; aliases: boolean; inWin?: boolean }) => BExpr;

const DEFAULT_FRAME: WindowFrame = { units: 'RANGE', start: { kind: 'unboundedPreceding' }, end: { kind: 'currentRow' } };

function posOf(e: { pos?: { line: number; column: number; offset: number } } | undefined, token?: string): SqlPosition | undefined {
  if (!e?.pos) return undefined;
  const p: SqlPosition = { line: e.pos.line, column: e.pos.column, offset: e.pos.offset };
  if (token !== undefined) p.token = token;
  return p;
}

/** The error for a window function where none may be. */
export function windowMisuse(e: Extract<Expr, { kind: 'function' }>): WindowError {
  return new WindowError('WINDOW_MISUSE', `misuse of window function ${e.name}()`, posOf(e, e.name));
}

/** The first window-result reference in `e`, if any. */
export function findWindowRef(e: BExpr): Extract<BExpr, { k: 'agg' }> | undefined {
  if (e.k === 'agg') return e.win ? e : undefined;
  for (const c of children(e)) {
    const r = findWindowRef(c);
    if (r) return r;
  }
  return undefined;
}

/** The misuse error for a window result reached where windows are not allowed. */
export function windowRefMisuse(scope: Scope, ref: Extract<BExpr, { k: 'agg' }>, alias?: string): WindowError {
  if (alias !== undefined) return new WindowError('WINDOW_MISUSE', `misuse of aliased window function ${alias}`);
  const call = scope.wins?.find((w) => w.ref === ref);
  return new WindowError('WINDOW_MISUSE', `misuse of window function ${call?.name ?? 'window'}()`);
}

/** Resolve `OVER name` / `OVER (base …)` against the WINDOW clause. */
function resolveWindow(over: string | WindowDef, defs: Map<string, WindowDef> | undefined, seen: Set<string>, at: SqlPosition | undefined): WindowDef {
  if (typeof over === 'string') {
    const k = over.toLowerCase();
    const d = defs?.get(k);
    if (!d) throw new WindowError('NO_SUCH_WINDOW', `no such window: ${over}`, at);
    if (seen.has(k)) return { ...d, base: undefined } as WindowDef;
    seen.add(k);
    return resolveWindow(d, defs, seen, at);
  }
  if (over.base === undefined) return over;
  const k = over.base.toLowerCase();
  if (seen.has(k)) {
    const own: WindowDef = { ...over };
    delete own.base;
    return own;
  }
  const base = resolveWindow(over.base, defs, seen, posOf(over, over.base) ?? at);
  const what = over.partitionBy ? 'PARTITION clause' : base.orderBy && over.orderBy ? 'ORDER BY clause' : base.frame ? 'frame specification' : undefined;
  if (what) throw new WindowError('WINDOW_OVERRIDE', `cannot override ${what} of window: ${over.base}`, posOf(over, over.base) ?? at);
  const out: WindowDef = {};
  if (base.partitionBy) out.partitionBy = base.partitionBy;
  const ob = over.orderBy ?? base.orderBy;
  if (ob) out.orderBy = ob;
  if (over.frame) out.frame = over.frame;
  return out;
}

/** JSON of an AST fragment without positions (equal text: the same sort). */
function astKey(x: unknown): string {
  return JSON.stringify(x, (k, v: unknown) => (k === 'pos' ? undefined : typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `x${Buffer.from(v).toString('hex')}` : v));
}

function hasColumnRef(x: unknown): boolean {
  if (Array.isArray(x)) return x.some(hasColumnRef);
  if (x === null || typeof x !== 'object' || x instanceof Uint8Array) return false;
  const o = x as Record<string, unknown>;
  if (o.kind === 'column' || o.kind === 'subquery' || o.kind === 'exists' || o.kind === 'in') return true;
  return Object.values(o).some(hasColumnRef);
}

/**
 * Bind a call with OVER. `scalar` is the scalar function of that name, if any (for the error
 * SQLite gives when one is used with OVER).
 */
export function bindWindowCall(
  e: Extract<Expr, { kind: 'function' }>,
  scope: Scope,
  allowed: boolean,
  bind: WinBind,
  scalar: ScalarFunction | undefined,
): BExpr {
  const name = e.name.toLowerCase();
  const at = posOf(e, e.name);
  const argc = e.args.length;
  const only = WINDOW_ONLY_FUNCTIONS.get(name);
  const adef = only ? undefined : aggregateFunctions.get(name);
  let kind: WinFnKind;
  if (only) {
    kind = only.kind;
    if (argc < only.minArgs || argc > only.maxArgs) throw new SqlError('WRONG_ARGUMENT_COUNT', `wrong number of arguments to function ${e.name}()`, at);
  } else if (e.star && name === 'count') {
    kind = 'agg';
  } else if (adef) {
    if (argc < adef.minArgs || (adef.maxArgs >= 0 && argc > adef.maxArgs)) {
      if (scalar) throw new WindowError('WINDOW_MISUSE', `${e.name}() may not be used as a window function`, at);
      throw new SqlError('WRONG_ARGUMENT_COUNT', `wrong number of arguments to function ${e.name}()`, at);
    }
    kind = 'agg';
  } else if (scalar) {
    throw new WindowError('WINDOW_MISUSE', `${e.name}() may not be used as a window function`, at);
  } else {
    throw new SqlError('NO_SUCH_FUNCTION', `no such function: ${e.name}`, at);
  }
  if (!allowed || !scope.wins) throw windowMisuse(e);
  if (e.filter && kind !== 'agg') throw new WindowError('WINDOW_MISUSE', 'FILTER clause may only be used with aggregate window functions', at);
  if (e.distinct) throw new WindowError('WINDOW_MISUSE', 'DISTINCT is not supported for window functions', at);
  if (e.orderBy?.length) throw new WindowError('WINDOW_MISUSE', `ORDER BY may not be used with non-aggregate ${e.name}()`, at);

  const def = resolveWindow(e.over!, scope.windowDefs, new Set(), at);
  const inner = { aggs: true, aliases: false, inWin: true };
  const args = e.star ? [] : e.args.map((a) => bind(a, scope, inner));
  const partition = (def.partitionBy ?? []).map((p) => bind(p, scope, inner));
  const order = (def.orderBy ?? []).map((o) => bindOrder(o, scope, bind));
  const frame = def.frame ?? DEFAULT_FRAME;
  const bframe: WinCall['frame'] = {
    units: frame.units,
    start: bindBound(frame.start, frame.units, 'starting', order.length, scope, bind),
    end: bindBound(frame.end, frame.units, 'ending', order.length, scope, bind),
    exclude: frame.exclude ?? 'NONE',
  };
  const sk = frame.start.kind;
  const ek = frame.end.kind;
  if ((sk === 'following' && (ek === 'preceding' || ek === 'currentRow')) || (sk === 'currentRow' && ek === 'preceding')) {
    throw new WindowError('WINDOW_FRAME', 'unsupported frame specification', posOf(def) ?? at);
  }
  const ref: Extract<BExpr, { k: 'agg' }> = { k: 'agg', depth: scope.depth, slot: -1, win: true };
  const call: WinCall = {
    name,
    kind,
    def: adef,
    star: e.star,
    args,
    partition,
    order,
    frame: bframe,
    sortKey: astKey([def.partitionBy ?? [], def.orderBy ?? []]),
    ref,
    collation: args[0] ? comparisonCollation(args[0], { k: 'lit', v: null }) : 'BINARY',
  };
  if (e.filter) call.filter = bind(e.filter, scope, inner);
  scope.wins.push(call);
  return ref;
}

function bindOrder(o: OrderItem, scope: Scope, bind: WinBind): WinCall['order'][number] {
  let e = o.expr;
  let coll: Collation | undefined = o.collate ? normColl(o.collate) : undefined;
  while (e.kind === 'collate') {
    coll ??= normColl(e.collation);
    e = e.expr;
  }
  const x = bind(e, scope, { aggs: true, aliases: false, inWin: true });
  const desc = o.direction === 'DESC';
  return { expr: x, desc, nullsFirst: o.nulls ? o.nulls === 'FIRST' : !desc, coll: coll ?? comparisonCollation(x, { k: 'lit', v: null }) };
}

function normColl(name: string): Collation {
  const c = name.toUpperCase();
  if (c !== 'BINARY' && c !== 'NOCASE' && c !== 'RTRIM') throw new SqlError('NO_SUCH_COLLATION', `no such collation sequence: ${name}`);
  return c;
}

function bindBound(b: FrameBound, units: WindowFrame['units'], which: 'starting' | 'ending', nOrder: number, scope: Scope, bind: WinBind): BoundB {
  if (b.kind !== 'preceding' && b.kind !== 'following') return { kind: b.kind };
  const what = units === 'RANGE' ? 'number' : 'integer';
  if (units === 'RANGE' && nOrder !== 1) throw new WindowError('WINDOW_FRAME', 'RANGE with offset PRECEDING/FOLLOWING requires one ORDER BY expression', posOf(b.expr));
  if (hasColumnRef(b.expr)) throw new WindowError('WINDOW_FRAME', `frame ${which} offset must be a non-negative ${what}`, posOf(b.expr));
  const empty = new Scope(scope.depth, undefined, undefined);
  return { kind: b.kind, offset: bind(b.expr, empty, { aggs: false, aliases: false }) };
}

/** Number the window results after the aggregates (call once binding of the core is done). */
export function finishWindows(scope: Scope): void {
  const wins = scope.wins;
  if (!wins) return;
  const base = scope.width + scope.aggs.length;
  wins.forEach((w, i) => (w.ref.slot = base + i));
}

/** Every expression the window node evaluates (for the aggregate's representative row). */
export function windowInputs(scope: Scope): BExpr[] {
  const out: BExpr[] = [];
  for (const w of scope.wins ?? []) {
    out.push(...w.args, ...w.partition, ...w.order.map((o) => o.expr));
    if (w.filter) out.push(w.filter);
  }
  return out;
}

/** The window operator over `input` (whose rows are the core's rows after aggregation). */
export function planWindows(input: PlanNode, scope: Scope, compiler: ExprCompiler, wrap: (def: AggregateFunction, coll: Collation) => AggregateImpl | 'count*'): PlanNode {
  const wins = scope.wins!;
  const sorts: WinSort[] = [];
  const sortIdx = new Map<string, number>();
  const fns: WinFn[] = wins.map((w) => {
    let s = sortIdx.get(w.sortKey);
    if (s === undefined) {
      s = sorts.length;
      sortIdx.set(w.sortKey, s);
      sorts.push({
        partition: w.partition.map((p) => compiler.compile(p)),
        partColls: w.partition.map((p) => comparisonCollation(p, { k: 'lit', v: null })),
        order: w.order.map((o) => compiler.compile(o.expr)),
        orderKeys: w.order.map((o) => ({ desc: o.desc, nullsFirst: o.nullsFirst, coll: o.coll })),
      });
    }
    const bound = (b: BoundB): WinBound => (b.kind === 'preceding' || b.kind === 'following' ? { kind: b.kind, offset: compiler.compile(b.offset) } : { kind: b.kind });
    const fn: WinFn = {
      sort: s,
      kind: w.kind,
      args: w.args.map((a) => compiler.compile(a)),
      frame: { units: w.frame.units, start: bound(w.frame.start), end: bound(w.frame.end), exclude: w.frame.exclude },
    };
    if (w.kind === 'agg') {
      fn.agg = { impl: w.star || !w.def ? 'count*' : wrap(w.def, w.collation), name: w.star ? 'count*' : w.name, coll: w.collation };
      if (w.filter) fn.agg.filter = compiler.predicate(w.filter);
    }
    return fn;
  });
  const width = scope.width + scope.aggs.length;
  const cols: ColumnMeta[] = [...input.columns.slice(0, width), ...wins.map((_, i) => ({ name: `win${i}`, affinity: undefined, collation: 'BINARY' as Collation }))];
  return new WindowNode(cols, input, width, sorts, fns);
}
