/**
 * Shared benchmark helpers: timing with medians, result rows, ratio against SQLite.
 *
 * A suite is a module in `bench/suites/` whose default export is a `Suite`. `bench/run.ts`
 * runs every suite (or those named on the command line), prints one table and writes
 * `bench/results.json`.
 *
 * `ratio` is always "HeliosDB Nano cost ÷ SQLite cost" for the same work: below 1 means
 * HeliosDB Nano is faster. For throughput units (ops/s) it is sqlite/heliosdb so that the
 * meaning stays the same.
 */
export interface BenchResult {
  name: string;
  unit: string;
  heliosdb: number;
  sqlite?: number;
  ratio?: number;
  /** Target as text, e.g. "≥ 1M entries/s" or "≤ 3×", for the table. */
  target?: string;
  note?: string;
}

export interface SuiteContext {
  /** `--quick`: smaller sizes, for smoke runs. */
  quick: boolean;
  /** A fresh temporary directory for on-disk stores, removed after the suite. */
  tmpDir: string;
  log(message: string): void;
}

export interface Suite {
  name: string;
  run(ctx: SuiteContext): Promise<BenchResult[]>;
}

/** Median of the values. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/** Milliseconds since an arbitrary origin, high resolution. */
export function now(): number {
  return performance.now();
}

/** Run `fn` `runs` times (after `warmup` untimed runs) and return the median duration in ms. */
export async function timeMedian(fn: () => unknown | Promise<unknown>, runs = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = now();
    await fn();
    times.push(now() - t0);
  }
  return median(times);
}

/** A result row comparing two durations (ms) of the same work. */
export function timeRow(name: string, heliosMs: number, sqliteMs: number | undefined, target?: string, note?: string): BenchResult {
  const r: BenchResult = { name, unit: 'ms', heliosdb: round(heliosMs) };
  if (sqliteMs !== undefined) {
    r.sqlite = round(sqliteMs);
    r.ratio = round(heliosMs / sqliteMs);
  }
  if (target) r.target = target;
  if (note) r.note = note;
  return r;
}

/** A result row comparing two rates (per second) of the same work. */
export function rateRow(name: string, unit: string, helios: number, sqlite: number | undefined, target?: string, note?: string): BenchResult {
  const r: BenchResult = { name, unit, heliosdb: Math.round(helios) };
  if (sqlite !== undefined) {
    r.sqlite = Math.round(sqlite);
    r.ratio = round(sqlite / helios);
  }
  if (target) r.target = target;
  if (note) r.note = note;
  return r;
}

export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** Math.max(0, digits - Math.max(0, Math.floor(Math.log10(Math.abs(x) || 1)) + 1) + 2);
  return Math.round(x * f) / f;
}

/** Deterministic pseudo-random numbers (mulberry32) so runs are comparable. */
export function rng(seed = 42): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
