/**
 * Aggregate functions with SQLite's semantics (func.c): count(x), sum, total, avg (with
 * SQLite's Kahan–Babuska–Neumaier summation, integer sums that stay INTEGER and raise
 * "integer overflow"), min, max (NULLs ignored, collation-aware), group_concat, string_agg,
 * and median / percentile / percentile_cont / percentile_disc. DECIMAL inputs sum exactly.
 * DISTINCT, FILTER and ORDER BY inside aggregates are applied by the executor.
 */
import { Decimal, INT64_MAX, INT64_MIN, type SqlValue } from '../../objects/index.js';
import { compareValues, realToText, realValue, toText } from '../values/index.js';
import { functionError, integerOverflow } from './errors.js';
import { numericArg } from './core.js';
import { jsonAggregates } from './json.js';
import type { AggregateFunction, CallOptions } from './types.js';

interface SumState {
  cnt: number;
  approx: boolean;
  ovrfl: boolean;
  iSum: bigint;
  rSum: number;
  rErr: number;
  /** exact sum once a DECIMAL was seen (and no REAL) */
  dec: Decimal | null;
}

function kbnStep(p: SumState, r: number): void {
  const s = p.rSum;
  const t = s + r;
  if (Math.abs(s) > Math.abs(r)) p.rErr += s - t + r;
  else p.rErr += r - t + s;
  p.rSum = t;
}

function kbnStepInt64(p: SumState, iVal: bigint): void {
  if (iVal <= -4503599627370496n || iVal >= 4503599627370496n) {
    const iSm = iVal % 16384n;
    const iBig = iVal - iSm;
    kbnStep(p, Number(iBig));
    kbnStep(p, Number(iSm));
  } else {
    kbnStep(p, Number(iVal));
  }
}

function kbnInit(p: SumState, iVal: bigint): void {
  if (iVal <= -4503599627370496n || iVal >= 4503599627370496n) {
    const iSm = iVal % 16384n;
    p.rSum = Number(iVal - iSm);
    p.rErr = Number(iSm);
  } else {
    p.rSum = Number(iVal);
    p.rErr = 0;
  }
}

function sumInit(): SumState {
  return { cnt: 0, approx: false, ovrfl: false, iSum: 0n, rSum: 0, rErr: 0, dec: null };
}

function sumStep(p: SumState, args: SqlValue[]): SumState {
  const x = args[0]!;
  if (x === null) return p;
  const v = numericArg(x);
  p.cnt++;
  if (v instanceof Decimal && !p.approx) {
    p.dec = (p.dec ?? new Decimal(p.iSum, 0)).add(v);
    return p;
  }
  if (!p.approx) {
    if (typeof v === 'bigint') {
      if (p.dec) {
        p.dec = p.dec.add(v);
        return p;
      }
      const s = p.iSum + v;
      if (s >= INT64_MIN && s <= INT64_MAX) {
        p.iSum = s;
      } else {
        p.ovrfl = true;
        kbnInit(p, p.iSum);
        p.approx = true;
        kbnStepInt64(p, v);
      }
    } else {
      // REAL, or text/blob that is not a well-formed number (counts as its numeric prefix)
      if (p.dec) {
        p.rSum = p.dec.toNumber();
        p.rErr = 0;
        p.dec = null;
      } else {
        kbnInit(p, p.iSum);
      }
      p.approx = true;
      kbnStep(p, v === undefined ? realValue(x) : realOf(v));
    }
  } else if (typeof v === 'bigint') {
    kbnStepInt64(p, v);
  } else {
    p.ovrfl = false;
    kbnStep(p, v === undefined ? realValue(x) : realOf(v));
  }
  return p;
}

function realOf(v: bigint | number | Decimal): number {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : v.toNumber();
}

function approxResult(p: SumState): number {
  return Number.isFinite(p.rErr) ? p.rSum + p.rErr : p.rSum;
}

/** sqlite3_result_double turns NaN into NULL. */
function real(r: number): SqlValue {
  return r !== r ? null : r;
}

const sum: AggregateFunction<SumState> = {
  name: 'sum',
  minArgs: 1,
  maxArgs: 1,
  init: sumInit,
  step: sumStep,
  final(p) {
    if (p.cnt === 0) return null;
    if (p.approx) {
      if (p.ovrfl) throw integerOverflow();
      return real(approxResult(p));
    }
    return p.dec ?? p.iSum;
  },
};

const total: AggregateFunction<SumState> = {
  name: 'total',
  minArgs: 1,
  maxArgs: 1,
  init: sumInit,
  step: sumStep,
  final(p) {
    if (p.approx) return real(approxResult(p));
    if (p.dec) return p.dec.toNumber();
    return Number(p.iSum);
  },
};

const avg: AggregateFunction<SumState> = {
  name: 'avg',
  minArgs: 1,
  maxArgs: 1,
  init: sumInit,
  step: sumStep,
  final(p) {
    if (p.cnt === 0) return null;
    if (p.dec && !p.approx) return p.dec.div(BigInt(p.cnt), Math.max(16, p.dec.scale));
    const r = p.approx ? approxResult(p) : Number(p.iSum);
    return real(r / p.cnt);
  },
};

const count: AggregateFunction<{ n: bigint }> = {
  name: 'count',
  minArgs: 0,
  maxArgs: 1,
  init: () => ({ n: 0n }),
  step(s, args) {
    if (args.length === 0 || args[0] !== null) s.n++;
    return s;
  },
  final: (s) => s.n,
};

interface BestState {
  best: SqlValue | undefined;
}

function minmax(name: string, max: boolean): AggregateFunction<BestState> {
  return {
    name,
    minArgs: 1,
    maxArgs: 1,
    init: () => ({ best: undefined }),
    step(s, args, opts?: CallOptions) {
      const x = args[0]!;
      if (x === null) return s;
      if (s.best === undefined) {
        s.best = x;
      } else {
        const c = compareValues(s.best, x, opts?.collation);
        if (max ? c < 0 : c > 0) s.best = x;
      }
      return s;
    },
    final: (s) => (s.best === undefined ? null : s.best),
  };
}

interface ConcatState {
  text: string;
  any: boolean;
}

function groupConcat(name: string, minArgs: number): AggregateFunction<ConcatState> {
  return {
    name,
    minArgs,
    maxArgs: 2,
    init: () => ({ text: '', any: false }),
    step(s, args) {
      const x = args[0]!;
      if (x === null) return s;
      if (s.any) {
        if (args.length === 1) s.text += ',';
        else {
          const sep = args[1]!;
          if (sep !== null) s.text += toText(sep)!;
        }
      }
      s.text += toText(x)!;
      s.any = true;
      return s;
    },
    final: (s) => (s.any ? s.text : null),
  };
}

/** SQLite's percentSort quicksort (its order of equal values, e.g. 0.0 and -0.0, is kept). */
function percentSort(a: number[], base: number, n: number): void {
  const swap = (i: number, j: number) => {
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  };
  while (n >= 2) {
    if (a[base]! > a[base + n - 1]!) swap(base, base + n - 1);
    if (n === 2) return;
    let iGt = n - 1;
    let i = n >> 1;
    if (a[base]! > a[base + i]!) swap(base, base + i);
    else if (a[base + i]! > a[base + iGt]!) swap(base + i, base + iGt);
    if (n === 3) return;
    const rPivot = a[base + i]!;
    let iLt = 1;
    i = 1;
    do {
      if (a[base + i]! < rPivot) {
        if (i > iLt) swap(base + i, base + iLt);
        iLt++;
        i++;
      } else if (a[base + i]! > rPivot) {
        do {
          iGt--;
        } while (iGt > i && a[base + iGt]! > rPivot);
        swap(base + i, base + iGt);
      } else {
        i++;
      }
    } while (i < iGt);
    if (iLt > n >> 1) {
      if (n - iGt >= 2) percentSort(a, base + iGt, n - iGt);
      n = iLt;
    } else {
      if (iLt >= 2) percentSort(a, base, iLt);
      base += iGt;
      n -= iGt;
    }
  }
}

interface PercentState {
  values: number[];
  pct: number | undefined;
  /** values arrived in ascending order (then SQLite does not sort them) */
  sorted: boolean;
}

function percentile(name: string, argc: number, mxFrac: number, discrete: boolean): AggregateFunction<PercentState> {
  const fail = (msg: string) => functionError('PERCENTILE', msg.replace('%s', name));
  return {
    name,
    minArgs: argc,
    maxArgs: argc,
    init: () => ({ values: [], pct: undefined, sorted: true }),
    step(s, args) {
      let rPct: number;
      if (argc === 1) {
        rPct = 0.5;
      } else {
        const p = numericArg(args[1]!);
        rPct = realValue(args[1]!) / mxFrac;
        if (p === undefined || !(rPct >= 0 && rPct <= 1)) {
          throw fail(`the fraction argument to %s() is not between 0.0 and ${realToText(mxFrac)}`);
        }
      }
      if (s.pct === undefined) s.pct = rPct;
      else if (!(Math.abs(s.pct - rPct) <= 0.001)) throw fail('the fraction argument to %s() is not the same for all input rows');
      const y = args[0]!;
      if (y === null) return s;
      if (typeof y !== 'bigint' && typeof y !== 'number' && !(y instanceof Decimal)) throw fail('input to %s() is not numeric');
      const r = realValue(y);
      if (!Number.isFinite(r)) throw fail('Inf input to %s()');
      if (s.values.length > 0 && r < s.values[s.values.length - 1]!) s.sorted = false;
      s.values.push(r);
      return s;
    },
    final(s) {
      const a = s.values;
      if (a.length === 0) return null;
      if (!s.sorted) percentSort(a, 0, a.length);
      const ix = s.pct! * (a.length - 1);
      const i1 = Math.trunc(ix);
      if (discrete) return a[i1]!;
      const i2 = ix === i1 || i1 === a.length - 1 ? i1 : i1 + 1;
      const v1 = a[i1]!;
      const v2 = a[i2]!;
      return v1 + (v2 - v1) * (ix - i1);
    },
  };
}

export const aggregateList: AggregateFunction[] = [
  count as AggregateFunction,
  sum as AggregateFunction,
  total as AggregateFunction,
  avg as AggregateFunction,
  minmax('min', false) as AggregateFunction,
  minmax('max', true) as AggregateFunction,
  groupConcat('group_concat', 1) as AggregateFunction,
  groupConcat('string_agg', 2) as AggregateFunction,
  percentile('median', 1, 1, false) as AggregateFunction,
  percentile('percentile', 2, 100, false) as AggregateFunction,
  percentile('percentile_cont', 2, 1, false) as AggregateFunction,
  percentile('percentile_disc', 2, 1, true) as AggregateFunction,
  ...jsonAggregates,
];
