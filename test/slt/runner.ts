/**
 * sqllogictest runner: executes the records of one .test file against a fresh engine and
 * compares results the way the reference runner does when it acts as engine `sqlite`
 * (FORMAT.md): skipif/onlyif, halt, hash-threshold (default 8), nosort/rowsort/valuesort,
 * labels, value rendering (./render.ts), MD5 result hashes.
 *
 * Tallies count `statement` and `query` records only: passed, failed, or skipped (condition
 * excludes it, or it comes after a `halt`). Process isolation and the watchdog for engines
 * that block the thread live in ./pool.ts; here a per-record timeout only catches engines whose
 * promises never settle.
 */
import { readFile } from 'node:fs/promises';
import type { EngineFactory, SltEngine, SltQueryResult } from './engine.js';
import { appliesTo, parseSlt, type QueryRecord, type SltRecord } from './parser.js';
import { hashLine, hashValues, renderValue } from './render.js';

export interface Failure {
  /** Line of the record's first (non-condition) line. */
  line: number;
  sql: string;
  /** Expected outcome: value lines joined by `\n`, a hash line, `ok` or `error`. */
  expected: string;
  /** Actual outcome in the same form, or the error message. */
  actual: string;
  reason: string;
}

export interface FileResult {
  file: string;
  passed: number;
  failed: number;
  skipped: number;
  failures: Failure[];
  /** Wall time in milliseconds. */
  ms: number;
}

export type Outcome = 'passed' | 'failed' | 'skipped';

export interface RunOptions {
  /** Engine name for skipif/onlyif (default `sqlite`). */
  engineName?: string;
  /** Fail a record whose engine call has not settled after this many ms (default: no limit). */
  timeoutMs?: number;
  /** Stop the file at its first failure. */
  failFast?: boolean;
  /** Keep at most this many failure details (counts are always complete). Default 10000. */
  maxFailureDetails?: number;
  /** Called before each statement/query record is executed, replayed ones included (`index` into the records). */
  onRecordStart?: (index: number, line: number) => void;
  /** Called after each counted record; `failure` is set for failures. */
  onRecordEnd?: (index: number, outcome: Outcome, failure?: Failure) => void;
  /** Called once before the engine is closed. */
  onClosing?: () => void;
  /**
   * Resume support for the pool's watchdog: records with index < `replayBefore` run silently
   * (to rebuild database, label and hash-threshold state) and are not counted, except that
   * indices in `skip` are neither run nor counted.
   */
  resume?: { replayBefore: number; skip: readonly number[] };
}

const DEFAULT_HASH_THRESHOLD = 8;

/** Parse and run one file against a fresh database from `factory`. */
export async function runFile(path: string, factory: EngineFactory, options: RunOptions = {}): Promise<FileResult> {
  const text = await readFile(path, 'utf8');
  return runScript(text, path, factory, options);
}

/** Run already-read file text; `file` only names it in the result. */
export async function runScript(
  text: string,
  file: string,
  factory: EngineFactory,
  options: RunOptions = {},
): Promise<FileResult> {
  return runRecords(parseSlt(text), file, factory, options);
}

class TimeoutError extends Error {}

/** Run parsed records against a fresh database from `factory`. */
export async function runRecords(
  records: readonly SltRecord[],
  file: string,
  factory: EngineFactory,
  options: RunOptions = {},
): Promise<FileResult> {
  const t0 = performance.now();
  const engineName = (options.engineName ?? 'sqlite').toLowerCase();
  const maxDetails = options.maxFailureDetails ?? 10_000;
  const replayBefore = options.resume?.replayBefore ?? 0;
  const skipSet = new Set(options.resume?.skip ?? []);
  const result: FileResult = { file, passed: 0, failed: 0, skipped: 0, failures: [], ms: 0 };
  const state: RunState = { hashThreshold: DEFAULT_HASH_THRESHOLD, labels: new Map() };
  const timeoutMs = options.timeoutMs;
  const guard = <T>(p: Promise<T>): Promise<T> => (timeoutMs === undefined ? p : withTimeout(p, timeoutMs));

  const engine = await factory();
  let halted = false;
  try {
    for (let index = 0; index < records.length; index++) {
      const rec = records[index]!;
      const counted = rec.kind === 'statement' || rec.kind === 'query' || rec.kind === 'invalid';
      const replay = index < replayBefore;
      if (skipSet.has(index)) continue;
      if (halted || !appliesTo(rec, engineName)) {
        if (counted && !replay) {
          result.skipped++;
          options.onRecordEnd?.(index, 'skipped');
        }
        continue;
      }
      if (rec.kind === 'hash-threshold') {
        state.hashThreshold = rec.threshold;
        continue;
      }
      if (rec.kind === 'halt') {
        halted = true;
        continue;
      }
      options.onRecordStart?.(index, rec.line);
      let failure: Failure | undefined;
      try {
        failure = await runRecord(rec, engine, state, guard);
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        failure = { line: rec.line, sql: recordSql(rec), expected: '', actual: '', reason: e.message };
      }
      if (replay) continue;
      if (failure) {
        result.failed++;
        if (result.failures.length < maxDetails) result.failures.push(failure);
        options.onRecordEnd?.(index, 'failed', failure);
        if (options.failFast) break;
      } else {
        result.passed++;
        options.onRecordEnd?.(index, 'passed');
      }
    }
  } finally {
    options.onClosing?.();
    await engine.close();
  }
  result.ms = performance.now() - t0;
  return result;
}

interface RunState {
  hashThreshold: number;
  /** label → hash of the first query carrying it, and that query's line. */
  labels: Map<string, { hash: string; line: number }>;
}

function recordSql(rec: SltRecord): string {
  return rec.kind === 'statement' || rec.kind === 'query' ? rec.sql : rec.kind === 'invalid' ? rec.text : '';
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

function message(e: unknown): string {
  return e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
}

type Guard = <T>(p: Promise<T>) => Promise<T>;

/** Run one statement/query/invalid record; returns its failure, if any. */
async function runRecord(
  rec: SltRecord,
  engine: SltEngine,
  state: RunState,
  guard: Guard,
): Promise<Failure | undefined> {
  if (rec.kind === 'invalid') {
    return { line: rec.line, sql: rec.text, expected: '', actual: '', reason: rec.reason };
  }
  if (rec.kind === 'statement') {
    let error: unknown;
    let ok = true;
    try {
      await guard(engine.exec(rec.sql));
    } catch (e) {
      if (e instanceof TimeoutError) throw e;
      ok = false;
      error = e;
    }
    if (ok === !rec.expectError) return undefined;
    return {
      line: rec.line,
      sql: rec.sql,
      expected: rec.expectError ? 'error' : 'ok',
      actual: ok ? 'ok' : message(error),
      reason: ok ? 'statement succeeded but an error was expected' : 'statement failed',
    };
  }
  if (rec.kind === 'query') return runQuery(rec, engine, state, guard);
  return undefined;
}

async function runQuery(rec: QueryRecord, engine: SltEngine, state: RunState, guard: Guard): Promise<Failure | undefined> {
  const fail = (reason: string, actual: string): Failure => ({
    line: rec.line,
    sql: rec.sql,
    expected: rec.expected.join('\n'),
    actual,
    reason,
  });
  const types = rec.types;
  if (!/^[IRT]+$/.test(types)) return fail(`unknown character in type string '${types}'`, '');
  let res: SltQueryResult;
  try {
    res = await guard(engine.query(rec.sql));
  } catch (e) {
    if (e instanceof TimeoutError) throw e;
    return fail('query failed to prepare', message(e));
  }
  // An error raised while stepping ends the result set (FORMAT.md "Errors inside queries").
  const nCol = types.length;
  if (res.columns !== undefined && res.columns !== nCol) {
    return fail(`wrong column count: type string has ${nCol}, query returns ${res.columns}`, '');
  }
  const values: string[] = [];
  for (const row of res.rows) {
    if (row.length !== nCol) {
      return fail(`wrong column count: type string has ${nCol}, query returns ${row.length}`, '');
    }
    for (let c = 0; c < nCol; c++) values.push(renderValue(row[c]!, types[c]!));
  }
  if (rec.sort === 'rowsort') sortRows(values, nCol);
  else if (rec.sort === 'valuesort') values.sort(strcmp);

  const hashed = state.hashThreshold > 0 && values.length > state.hashThreshold;
  let failure: Failure | undefined;
  if (hashed) {
    const actual = hashLine(values);
    if (rec.expected.length !== 1 || rec.expected[0] !== actual) failure = fail('wrong result hash', actual);
  } else if (!sameLines(values, rec.expected)) {
    failure = fail(values.length === rec.expected.length ? 'wrong result' : 'wrong result size', values.join('\n'));
  }
  if (rec.label !== undefined) {
    const hash = hashValues(values);
    const prior = state.labels.get(rec.label);
    if (prior === undefined) state.labels.set(rec.label, { hash, line: rec.line });
    else if (prior.hash !== hash && failure === undefined) {
      failure = {
        line: rec.line,
        sql: rec.sql,
        expected: `${prior.hash} (label ${rec.label}, line ${prior.line})`,
        actual: hash,
        reason: `label ${rec.label}: result hash differs from line ${prior.line}`,
      };
    }
  }
  return failure;
}

/** strcmp on rendered values (all ASCII after rendering, so UTF-16 order is byte order). */
function strcmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Sort the flat value list as rows of `nCol` values, comparing column by column. */
function sortRows(values: string[], nCol: number): void {
  if (nCol === 1) {
    values.sort(strcmp);
    return;
  }
  const rows: string[][] = [];
  for (let i = 0; i < values.length; i += nCol) rows.push(values.slice(i, i + nCol));
  rows.sort((x, y) => {
    for (let c = 0; c < nCol; c++) {
      const d = strcmp(x[c]!, y[c]!);
      if (d !== 0) return d;
    }
    return 0;
  });
  let k = 0;
  for (const r of rows) for (const v of r) values[k++] = v;
}
