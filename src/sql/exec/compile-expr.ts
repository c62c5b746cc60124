/**
 * Compiles bound expressions (`BExpr`) into JavaScript closures `(row) => value`.
 *
 * - Column references of the current scope read `row[slot]`; references to an outer scope read
 *   `env.frames[depth][slot]` (a correlated subquery sets its frame before running).
 * - Comparisons use SQLite's affinity rules (`compareOp`), with an inline fast path for two
 *   INTEGERs. AND/OR/CASE/COALESCE short-circuit.
 * - Uncorrelated subqueries run once per execution (cached by `env.execId`); IN lists of
 *   constants become a hash set.
 */
import { Decimal, type SqlValue } from '../../objects/index.js';
import { SqlError } from '../../errors/index.js';
import {
  add,
  bitAnd,
  bitNot,
  bitOr,
  castValue,
  compareOp,
  comparisonAffinity,
  concat,
  div,
  globMatch,
  isOp,
  likeMatch,
  mod,
  mul,
  negate,
  shiftLeft,
  shiftRight,
  sub,
  textNumericAffinity,
  toText,
  truthy,
  type Affinity,
  type Collation,
  type CompareOperator,
} from '../values/index.js';
import { isValidJson, jsonArrow } from '../functions/index.js';
import { affinityOf, comparisonCollation, type BExpr } from '../planner/bound.js';
import type { ExecEnv } from './env.js';
import type { Row } from './types.js';
import { rowKey, valueKey } from './value-key.js';
import { markResolution } from './failure-resolution.js';

export type Eval = (row: Row) => SqlValue;
export type Pred = (row: Row) => boolean;

const T = 1n;
const F = 0n;

/** Convert a value the way a comparison under affinity `aff` converts an operand. */
export function convertForCompare(v: SqlValue, aff: Affinity | undefined): SqlValue {
  if (aff === undefined || v === null) return v;
  if (aff === 'TEXT') {
    if (typeof v === 'bigint' || typeof v === 'number' || v instanceof Decimal) return toText(v);
    return v;
  }
  if (aff === 'BLOB') return v;
  if (typeof v === 'string') return textNumericAffinity(v, false);
  return v;
}

/** Affinity as the values module wants it: undefined for "no affinity". */
export function exprAffinity(e: BExpr): Affinity | undefined {
  return affinityOf(e);
}

export class ExprCompiler {
  constructor(
    readonly env: ExecEnv,
    /** Depth of the scope whose rows the compiled closures receive. */
    readonly depth: number,
  ) {}

  compile(e: BExpr): Eval {
    const env = this.env;
    switch (e.k) {
      case 'lit': {
        const v = e.v;
        return () => v;
      }
      case 'param': {
        const s = e.slot;
        return () => {
          const v = env.params[s];
          return v === undefined ? null : v;
        };
      }
      case 'col':
      case 'agg': {
        const s = e.slot;
        if (e.depth === this.depth) return (row) => row[s]!;
        const d = e.depth;
        return () => {
          const f = env.frames[d];
          return f === undefined ? null : f[s]!;
        };
      }
      case 'unary':
        return this.unary(e.op, this.compile(e.e));
      case 'binary':
        return this.binary(e);
      case 'and': {
        const l = this.compile(e.l);
        const r = this.compile(e.r);
        return (row) => {
          const a = truthy(l(row));
          if (a === false) return F;
          const b = truthy(r(row));
          if (b === false) return F;
          return a === null || b === null ? null : T;
        };
      }
      case 'or': {
        const l = this.compile(e.l);
        const r = this.compile(e.r);
        return (row) => {
          const a = truthy(l(row));
          if (a === true) return T;
          const b = truthy(r(row));
          if (b === true) return T;
          return a === null || b === null ? null : F;
        };
      }
      case 'fn':
        return this.call(e);
      case 'case':
        return this.caseExpr(e);
      case 'cast': {
        const x = this.compile(e.e);
        const type = e.type.args.length ? `${e.type.name}(${e.type.args.join(',')})` : e.type.name;
        return (row) => castValue(x(row), type, isValidJson);
      }
      case 'collate':
        return this.compile(e.e);
      case 'like':
        return this.like(e);
      case 'between': {
        const x = this.compile(e.e);
        const lo = this.compile(e.lo);
        const hi = this.compile(e.hi);
        const xa = affinityOf(e.e);
        const la = affinityOf(e.lo);
        const ha = affinityOf(e.hi);
        const coll = e.coll;
        const not = e.not;
        return (row) => {
          const v = x(row);
          const a = compareOp('>=', v, xa, lo(row), la, coll);
          if (a === F) return not ? T : F;
          const b = compareOp('<=', v, xa, hi(row), ha, coll);
          if (b === F) return not ? T : F;
          if (a === null || b === null) return null;
          return not ? F : T;
        };
      }
      case 'isNull': {
        const x = this.compile(e.e);
        return e.not ? (row) => (x(row) !== null ? T : F) : (row) => (x(row) === null ? T : F);
      }
      case 'inList':
        return this.inList(e);
      case 'inSub':
        return this.inSub(e);
      case 'exists': {
        const plan = e.plan;
        const d = this.depth;
        const not = e.not;
        const run = (): SqlValue => (plan.open()() !== undefined ? (not ? F : T) : not ? T : F);
        if (!e.correlated) {
          let id = -1;
          let cached: SqlValue = null;
          return () => {
            if (id !== env.execId) {
              cached = run();
              id = env.execId;
            }
            return cached;
          };
        }
        return (row) => {
          env.frames[d] = row;
          return run();
        };
      }
      case 'scalarSub': {
        const plan = e.plan;
        const d = this.depth;
        const run = (): SqlValue => {
          const r = plan.open()();
          return r === undefined ? null : r[0]!;
        };
        if (!e.correlated) {
          let id = -1;
          let cached: SqlValue = null;
          return () => {
            if (id !== env.execId) {
              cached = run();
              id = env.execId;
            }
            return cached;
          };
        }
        return (row) => {
          env.frames[d] = row;
          return run();
        };
      }
      case 'row':
        throw new SqlError('ROW_VALUE_MISUSED', 'row value misused');
      case 'raise': {
        const msg = e.message ?? '';
        const action = e.action;
        return () => {
          const err = new SqlError(action === 'IGNORE' ? 'RAISE_IGNORE' : 'CONSTRAINT_TRIGGER', msg);
          // RAISE(FAIL) keeps the statement's earlier changes, RAISE(ROLLBACK) ends the transaction.
          if (action === 'FAIL' || action === 'ROLLBACK') markResolution(err, action);
          throw err;
        };
      }
    }
  }

  /** A predicate: true only when the expression is true (NULL and false reject). */
  predicate(e: BExpr): Pred {
    if (e.k === 'binary' && isCmp(e.op) && e.l.k !== 'row' && e.r.k !== 'row') {
      const f = this.binary(e);
      return (row) => f(row) === T;
    }
    if (e.k === 'and') {
      const l = this.predicate(e.l);
      const r = this.predicate(e.r);
      return (row) => l(row) && r(row);
    }
    const f = this.compile(e);
    return (row) => {
      const v = f(row);
      if (typeof v === 'bigint') return v !== 0n;
      return truthy(v) === true;
    };
  }

  private unary(op: '-' | '+' | 'NOT' | '~', x: Eval): Eval {
    switch (op) {
      case '-':
        return (row) => negate(x(row));
      case '+':
        return x;
      case '~':
        return (row) => bitNot(x(row));
      case 'NOT':
        return (row) => {
          const t = truthy(x(row));
          return t === null ? null : t ? F : T;
        };
    }
  }

  private binary(e: Extract<BExpr, { k: 'binary' }>): Eval {
    const op = e.op;
    if (e.l.k === 'row' || e.r.k === 'row') return this.rowCompare(e);
    const l = this.compile(e.l);
    const r = this.compile(e.r);
    switch (op) {
      case '+':
        return (row) => add(l(row), r(row));
      case '-':
        return (row) => sub(l(row), r(row));
      case '*':
        return (row) => mul(l(row), r(row));
      case '/':
        return (row) => div(l(row), r(row));
      case '%':
        return (row) => mod(l(row), r(row));
      case '||':
        return (row) => concat(l(row), r(row));
      case '&':
        return (row) => bitAnd(l(row), r(row));
      case '|':
        return (row) => bitOr(l(row), r(row));
      case '<<':
        return (row) => shiftLeft(l(row), r(row));
      case '>>':
        return (row) => shiftRight(l(row), r(row));
      case 'AND':
      case 'OR':
        return this.compile({ k: op === 'AND' ? 'and' : 'or', l: e.l, r: e.r });
      case 'IS':
      case 'IS NOT': {
        const la = affinityOf(e.l);
        const ra = affinityOf(e.r);
        const coll = e.coll;
        const not = op === 'IS NOT';
        return (row) => {
          const v = isOp(l(row), r(row), la, ra, coll);
          return not ? (v === T ? F : T) : v;
        };
      }
      case '->':
      case '->>': {
        const asText = op === '->>';
        return (row) => jsonArrow(l(row), r(row), asText);
      }
      default: {
        const cop = op as CompareOperator;
        const la = affinityOf(e.l);
        const ra = affinityOf(e.r);
        const coll = e.coll;
        switch (cop) {
          case '=':
            return (row) => {
              const a = l(row);
              const b = r(row);
              if (typeof a === 'bigint' && typeof b === 'bigint') return a === b ? T : F;
              return compareOp('=', a, la, b, ra, coll);
            };
          case '<':
            return (row) => {
              const a = l(row);
              const b = r(row);
              if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? T : F;
              return compareOp('<', a, la, b, ra, coll);
            };
          case '>':
            return (row) => {
              const a = l(row);
              const b = r(row);
              if (typeof a === 'bigint' && typeof b === 'bigint') return a > b ? T : F;
              return compareOp('>', a, la, b, ra, coll);
            };
          default:
            return (row) => compareOp(cop, l(row), la, r(row), ra, coll);
        }
      }
    }
  }

  /** Row-value comparisons: `(a, b) = (c, d)`, `<`, `IS`, …, lexicographic like SQLite. */
  private rowCompare(e: Extract<BExpr, { k: 'binary' }>): Eval {
    const li = e.l.k === 'row' ? e.l.items : [e.l];
    const ri = e.r.k === 'row' ? e.r.items : [e.r];
    if (li.length !== ri.length) throw new SqlError('ROW_VALUE_MISUSED', 'row value misused');
    const ls = li.map((x) => this.compile(x));
    const rs = ri.map((x) => this.compile(x));
    const affs = li.map((x, i) => [affinityOf(x), affinityOf(ri[i]!)] as const);
    const colls = li.map((x, i) => comparisonCollation(x, ri[i]!));
    const op = e.op;
    const n = ls.length;
    return (row) => {
      if (op === 'IS' || op === 'IS NOT') {
        let same = true;
        for (let i = 0; i < n && same; i++) same = isOp(ls[i]!(row), rs[i]!(row), affs[i]![0], affs[i]![1], colls[i]) === T;
        return same === (op === 'IS') ? T : F;
      }
      let sawNull = false;
      for (let i = 0; i < n; i++) {
        const a = ls[i]!(row);
        const b = rs[i]!(row);
        const eq = compareOp('=', a, affs[i]![0], b, affs[i]![1], colls[i]);
        if (eq === null) {
          if (op === '=' || op === '!=') {
            sawNull = true;
            continue;
          }
          return null;
        }
        if (eq === T) continue;
        if (op === '=') return F;
        if (op === '!=') return T;
        const lt = compareOp('<', a, affs[i]![0], b, affs[i]![1], colls[i]);
        const less = lt === T;
        if (op === '<' || op === '<=') return less ? T : F;
        return less ? F : T;
      }
      if (sawNull) return null;
      return op === '=' || op === '<=' || op === '>=' ? T : F;
    };
  }

  private call(e: Extract<BExpr, { k: 'fn' }>): Eval {
    const env = this.env;
    const name = e.def.name.toLowerCase();
    const args = e.args.map((a) => this.compile(a));
    // Short-circuiting forms.
    if (name === 'coalesce' || name === 'ifnull') {
      return (row) => {
        for (const a of args) {
          const v = a(row);
          if (v !== null) return v;
        }
        return null;
      };
    }
    if (name === 'iif' || name === 'if') {
      const [c, a, b] = args as [Eval, Eval, Eval | undefined];
      return (row) => (truthy(c(row)) === true ? a(row) : b ? b(row) : null);
    }
    const def = e.def;
    const n = args.length;
    if (n === 0) return () => def.call([], env);
    if (n === 1) {
      const a0 = args[0]!;
      return (row) => def.call([a0(row)], env);
    }
    if (n === 2) {
      const a0 = args[0]!;
      const a1 = args[1]!;
      return (row) => def.call([a0(row), a1(row)], env);
    }
    return (row) => {
      const vals: SqlValue[] = new Array(n);
      for (let i = 0; i < n; i++) vals[i] = args[i]!(row);
      return def.call(vals, env);
    };
  }

  private caseExpr(e: Extract<BExpr, { k: 'case' }>): Eval {
    const whens = e.whens.map((w) => ({ when: this.compile(w.when), then: this.compile(w.then), aff: affinityOf(w.when) }));
    const els = e.else ? this.compile(e.else) : undefined;
    if (e.operand) {
      const op = this.compile(e.operand);
      const oa = affinityOf(e.operand);
      const coll = e.coll;
      return (row) => {
        const v = op(row);
        for (const w of whens) if (compareOp('=', v, oa, w.when(row), w.aff, coll) === T) return w.then(row);
        return els ? els(row) : null;
      };
    }
    return (row) => {
      for (const w of whens) if (truthy(w.when(row)) === true) return w.then(row);
      return els ? els(row) : null;
    };
  }

  private like(e: Extract<BExpr, { k: 'like' }>): Eval {
    const l = this.compile(e.l);
    const p = this.compile(e.pattern);
    const esc = e.escape ? this.compile(e.escape) : undefined;
    const not = e.not;
    const op = e.op;
    if (op === 'REGEXP' || op === 'MATCH') {
      return () => {
        throw new SqlError('NO_SUCH_FUNCTION', `no such function: ${op.toLowerCase()}`);
      };
    }
    return (row) => {
      const x = l(row);
      const pat = p(row);
      if (x === null || pat === null) return null;
      let escape: string | undefined;
      if (esc) {
        const ev = esc(row);
        if (ev === null) return null;
        escape = toText(ev)!;
        if ([...escape].length !== 1) throw new SqlError('BAD_ESCAPE', 'ESCAPE expression must be a single character');
      }
      const m = op === 'GLOB' ? globMatch(toText(pat)!, toText(x)!) : likeMatch(toText(pat)!, toText(x)!, escape);
      return m !== not ? T : F;
    };
  }

  private inList(e: Extract<BExpr, { k: 'inList' }>): Eval {
    const not = e.not;
    if (e.list.length === 0) return () => (not ? T : F);
    if (e.e.k === 'row') return this.inRowList(e);
    const x = this.compile(e.e);
    const xa = affinityOf(e.e);
    const coll = e.coll;
    const constant = e.list.every((i) => i.k === 'lit' || i.k === 'param');
    if (constant && e.list.length > 2) {
      const items = e.list.map((i) => this.compile(i));
      // With no item affinity, the comparison affinity is the left side's (or none).
      const aff = comparisonAffinity(xa, undefined);
      const env = this.env;
      let id = -1;
      let set = new Set<string>();
      let hasNull = false;
      return (row) => {
        if (id !== env.execId) {
          set = new Set();
          hasNull = false;
          for (const it of items) {
            const v = convertForCompare(it(row), aff);
            if (v === null) hasNull = true;
            else set.add(valueKey(v, coll));
          }
          id = env.execId;
        }
        const v = x(row);
        if (v === null) return null;
        if (set.has(valueKey(convertForCompare(v, aff), coll))) return not ? F : T;
        return hasNull ? null : not ? T : F;
      };
    }
    const items = e.list.map((i) => ({ f: this.compile(i), aff: affinityOf(i) }));
    return (row) => {
      const v = x(row);
      if (v === null) return null;
      let sawNull = false;
      for (const it of items) {
        const r = compareOp('=', v, xa, it.f(row), it.aff, coll);
        if (r === T) return not ? F : T;
        if (r === null) sawNull = true;
      }
      return sawNull ? null : not ? T : F;
    };
  }

  private inRowList(e: Extract<BExpr, { k: 'inList' }>): Eval {
    const not = e.not;
    const cmps = e.list.map((item) => this.rowCompare({ k: 'binary', op: '=', l: e.e, r: item, coll: e.coll }));
    return (row) => {
      let sawNull = false;
      for (const c of cmps) {
        const r = c(row);
        if (r === T) return not ? F : T;
        if (r === null) sawNull = true;
      }
      return sawNull ? null : not ? T : F;
    };
  }

  private inSub(e: Extract<BExpr, { k: 'inSub' }>): Eval {
    const env = this.env;
    const not = e.not;
    const plan = e.plan;
    const d = this.depth;
    const lhs = e.e.k === 'row' ? e.e.items : [e.e];
    const n = lhs.length;
    if (plan.columns.length !== n) {
      throw new SqlError('COLUMN_COUNT_MISMATCH', `sub-select returns ${plan.columns.length} columns - expected ${n}`);
    }
    const xs = lhs.map((x) => this.compile(x));
    const affs = lhs.map((x, i) => comparisonAffinity(affinityOf(x), plan.columns[i]!.affinity));
    const colls: Collation[] = lhs.map((x, i) => {
      const c = comparisonCollation(x, { k: 'lit', v: null });
      return c !== 'BINARY' ? c : plan.columns[i]!.collation;
    });
    const build = (): { set: Set<string>; hasNull: boolean; empty: boolean } => {
      const set = new Set<string>();
      let hasNull = false;
      let empty = true;
      const pull = plan.open();
      const vals: SqlValue[] = new Array(n);
      for (let r = pull(); r !== undefined; r = pull()) {
        empty = false;
        let nul = false;
        for (let i = 0; i < n; i++) {
          const v = convertForCompare(r[i]!, affs[i]);
          if (v === null) nul = true;
          vals[i] = v;
        }
        if (nul) hasNull = true;
        else set.add(rowKey(vals, colls, n));
      }
      return { set, hasNull, empty };
    };
    const probe = (row: Row, s: { set: Set<string>; hasNull: boolean; empty: boolean }): SqlValue => {
      if (s.empty) return not ? T : F;
      const vals: SqlValue[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const v = xs[i]!(row);
        if (v === null) return null;
        vals[i] = convertForCompare(v, affs[i]);
      }
      if (s.set.has(rowKey(vals, colls, n))) return not ? F : T;
      return s.hasNull ? null : not ? T : F;
    };
    if (!e.correlated) {
      let id = -1;
      let s: ReturnType<typeof build> | undefined;
      return (row) => {
        if (id !== env.execId || !s) {
          s = build();
          id = env.execId;
        }
        return probe(row, s);
      };
    }
    return (row) => {
      env.frames[d] = row;
      return probe(row, build());
    };
  }
}

function isCmp(op: string): boolean {
  return op === '=' || op === '!=' || op === '<' || op === '<=' || op === '>' || op === '>=' || op === 'IS' || op === 'IS NOT';
}
