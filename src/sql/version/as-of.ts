/**
 * AS OF values: evaluating the (constant) expression of an AS OF clause, reading it as a time,
 * transaction id, SCN or ref text, and resolving it to a commit synchronously where the
 * answer is already in memory (branch and tag records, loaded ref logs, decoded commits).
 *
 * - `AS OF TIMESTAMP x`: text in SQLite's or ISO-8601 form (`'2024-12-31'`,
 *   `'2024-12-31 23:59:59'`, `'2024-12-31T23:59:59.5Z'`, `'…+02:00'`); without a zone it is
 *   UTC, as SQLite's date functions are. A number is Unix seconds (SQLite's `unixepoch()`).
 *   The state the session's branch showed at that time (its ref log).
 * - `AS OF TRANSACTION n`, `AS OF SCN n`: integers, on the session's branch.
 * - `AS OF 'ref'`: a branch, tag, remote-tracking ref, commit id or unique prefix, `~k`, `^n`.
 *
 * The expression may use literals, parameters and built-in scalar functions
 * (`datetime('now', '-1 day')`); it may not read columns.
 */
import { parseCid, type CID } from '../../hash/index.js';
import { InvalidAsOfError, RefNotFoundError } from '../../errors/index.js';
import type { SqlValue } from '../../objects/index.js';
import { Decimal } from '../../objects/index.js';
import { looksLikeCidPrefix, parseRefExpression, type AsOf as RefAsOf, type RefStore } from '../../refs/index.js';
import type { AsOf, Expr } from '../ast.js';
import { scalarFunctions, type FunctionContext } from '../functions/index.js';
import type { ParamMap } from '../planner/params.js';

/** Thrown when an answer needs an asynchronous read first (the caller warms up and retries). */
export class NeedsAsyncError extends Error {
  constructor(what: string) {
    super(`needs an asynchronous lookup: ${what}`);
  }
}

/** A parameter whose value is not known yet (compiling at prepare time). */
export const UNKNOWN = Symbol('unknown parameter');

const constCtx: FunctionContext = {
  now: () => new Date(),
  changes: () => 0n,
  totalChanges: () => 0n,
  lastInsertRowid: () => 0n,
};

/** Whether an expression refers to a parameter. */
export function hasParam(e: Expr): boolean {
  switch (e.kind) {
    case 'param':
      return true;
    case 'unary':
      return hasParam(e.operand);
    case 'binary':
      return hasParam(e.left) || hasParam(e.right);
    case 'function':
      return e.args.some(hasParam);
    case 'cast':
      return hasParam(e.expr);
    default:
      return false;
  }
}

/**
 * Evaluate a constant expression. `params`: the statement's values (undefined at prepare
 * time: a parameter then gives `UNKNOWN`). `map` assigns parameter slots.
 */
export function evalConst(e: Expr, map: ParamMap | undefined, params: readonly SqlValue[] | undefined): SqlValue | typeof UNKNOWN {
  switch (e.kind) {
    case 'literal':
      return e.value;
    case 'param': {
      const slot = map ? map.slot(e) : (e.index ?? 1) - 1;
      if (params === undefined) return UNKNOWN;
      return params[slot] ?? null;
    }
    case 'unary': {
      const v = evalConst(e.operand, map, params);
      if (v === UNKNOWN) return v;
      if (e.op === '+') return v;
      if (e.op === '-') {
        if (typeof v === 'bigint') return -v;
        if (typeof v === 'number') return -v;
        if (v instanceof Decimal) return Number(v.toString()) * -1;
      }
      throw new InvalidAsOfError(`unsupported operator ${e.op}`);
    }
    case 'binary': {
      const l = evalConst(e.left, map, params);
      const r = evalConst(e.right, map, params);
      if (l === UNKNOWN || r === UNKNOWN) return UNKNOWN;
      if (e.op === '||') return `${l ?? ''}${r ?? ''}`;
      if ((e.op === '+' || e.op === '-') && (typeof l === 'bigint' || typeof l === 'number') && (typeof r === 'bigint' || typeof r === 'number')) {
        if (typeof l === 'bigint' && typeof r === 'bigint') return e.op === '+' ? l + r : l - r;
        return e.op === '+' ? Number(l) + Number(r) : Number(l) - Number(r);
      }
      throw new InvalidAsOfError(`unsupported operator ${e.op} in the AS OF value`);
    }
    case 'function': {
      const f = scalarFunctions.get(e.name.toLowerCase());
      if (!f) throw new InvalidAsOfError(`no such function: ${e.name}`);
      const args: SqlValue[] = [];
      for (const a of e.args) {
        const v = evalConst(a, map, params);
        if (v === UNKNOWN) return UNKNOWN;
        args.push(v);
      }
      return f.call(args, constCtx);
    }
    case 'column':
      // `AS OF main` (an unquoted ref name) reads as a name.
      if (e.table === undefined) return e.name;
      throw new InvalidAsOfError('the value must be a constant (columns cannot be used)');
    default:
      throw new InvalidAsOfError('the value must be a constant: a literal, a parameter or a function of them');
  }
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** A time value (text or Unix seconds) in ms since the epoch. */
export function toMillis(v: SqlValue): number {
  if (typeof v === 'bigint') return Number(v) * 1000;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new InvalidAsOfError(`${v} is not a time`);
    return Math.round(v * 1000);
  }
  if (v instanceof Decimal) return Math.round(Number(v.toString()) * 1000);
  if (typeof v === 'string') {
    const s = v.trim();
    const m = DATE_RE.exec(s);
    if (m) {
      const [, y, mo, d, h, mi, se, frac, zone] = m;
      const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
      let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(se ?? 0), ms);
      if (zone && zone.toUpperCase() !== 'Z') {
        const sign = zone.startsWith('-') ? -1 : 1;
        const digits = zone.slice(1).replace(':', '');
        t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
      }
      if (!Number.isNaN(t)) return t;
    }
    if (/^-?\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
    const p = Date.parse(s);
    if (!Number.isNaN(p)) return p;
    throw new InvalidAsOfError(`${JSON.stringify(v)} is not a date or time (use 'YYYY-MM-DD HH:MM:SS', UTC)`);
  }
  throw new InvalidAsOfError(`${v === null ? 'NULL' : typeof v} is not a time`);
}

function toCount(v: SqlValue, what: string): number {
  let n: number;
  if (typeof v === 'bigint') n = Number(v);
  else if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) n = Number(v);
  else throw new InvalidAsOfError(`${what} must be an integer`);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidAsOfError(`${what} must be a non-negative integer`);
  return n;
}

/** The ref-log point an AS OF value names on a branch; undefined for `'ref'`. */
export function refAsOf(kind: AsOf['kind'], v: SqlValue): RefAsOf | undefined {
  switch (kind) {
    case 'timestamp':
      return { time: toMillis(v) };
    case 'transaction':
      return { txn: toCount(v, 'a transaction id') };
    case 'scn':
      return { scn: toCount(v, 'an SCN') };
    default:
      return undefined;
  }
}

export function refText(v: SqlValue): string {
  if (typeof v !== 'string') throw new InvalidAsOfError(`a ref must be text, not ${v === null ? 'NULL' : typeof v}`);
  return v;
}

export interface Resolution {
  commit: CID;
  /** The same value can never resolve to another commit later (a past time, an SCN, a commit id). */
  stable: boolean;
}

/** Commits found for CID prefixes (prefix lookups are asynchronous). */
export class PrefixCache {
  private readonly map = new Map<string, CID>();
  get(p: string): CID | undefined {
    return this.map.get(p);
  }
  set(p: string, c: CID): void {
    if (this.map.size > 1000) this.map.clear();
    this.map.set(p, c);
  }
}

/** Resolve ref text synchronously (NeedsAsyncError for an unknown commit-id prefix). */
export function resolveRefSync(refs: RefStore, text: string, prefixes: PrefixCache): Resolution {
  const { base, steps } = parseRefExpression(text);
  let commit: CID;
  let stable = false;
  const b = refs.getBranch(base);
  if (b) commit = b.head;
  else {
    const t = refs.getTag(base);
    if (t) commit = t.commit;
    else {
      const r = refs.getRemoteRef(base);
      if (r) commit = r.head;
      else {
        let cid: CID | undefined;
        if (looksLikeCidPrefix(base)) {
          try {
            cid = parseCid(base);
          } catch {
            cid = prefixes.get(base);
            if (!cid) throw new NeedsAsyncError(`commit id prefix ${base}`);
          }
        }
        if (!cid) throw new NeedsAsyncError(`ref ${base}`);
        if (!refs.hasCommit(cid)) throw new RefNotFoundError(base, 'no commit with this id');
        commit = cid;
        stable = true;
      }
    }
  }
  for (const step of steps) {
    if (step.op === '~') {
      for (let k = 0; k < step.n; k++) {
        const p = refs.readCommit(commit).parents[0];
        if (p === undefined) throw new RefNotFoundError(text, `${commit.toString()} has no parent (history is shorter)`);
        commit = p;
      }
    } else if (step.n > 0) {
      const p = refs.readCommit(commit).parents[step.n - 1];
      if (p === undefined) throw new RefNotFoundError(text, `${commit.toString()} has no parent number ${step.n}`);
      commit = p;
    }
  }
  return { commit, stable };
}

/** Resolve an AS OF value synchronously on `branch` (NeedsAsyncError when a read is needed). */
export function resolveAsOfSync(refs: RefStore, branch: string, kind: AsOf['kind'], v: SqlValue, prefixes: PrefixCache): Resolution {
  const at = refAsOf(kind, v);
  if (!at) return resolveRefSync(refs, refText(v), prefixes);
  const e = refs.headAtSync(branch, at);
  if (!e) throw new NeedsAsyncError(`ref log of ${branch}`);
  const stable = 'time' in at ? at.time < refs.requireBranch(branch).updatedAt : true;
  return { commit: e.newHead, stable };
}

/** Resolve an AS OF value, reading what is needed (and filling the caches). */
export async function resolveAsOf(refs: RefStore, branch: string, kind: AsOf['kind'], v: SqlValue, prefixes: PrefixCache): Promise<Resolution> {
  const at = refAsOf(kind, v);
  if (!at) {
    const text = refText(v);
    try {
      return resolveRefSync(refs, text, prefixes);
    } catch (e) {
      if (!(e instanceof NeedsAsyncError)) throw e;
    }
    const { base } = parseRefExpression(text);
    const r = await refs.resolve(base);
    if (r.kind === 'commit' && looksLikeCidPrefix(base)) prefixes.set(base, r.commit);
    return resolveRefSync(refs, text, prefixes);
  }
  const e = await refs.headAt(branch, at);
  // A later move has a time at or after the branch's latest one: earlier times never change.
  const stable = 'time' in at ? at.time < refs.requireBranch(branch).updatedAt : true;
  return { commit: e.newHead, stable };
}
