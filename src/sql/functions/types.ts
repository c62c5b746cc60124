/**
 * The contract between built-in functions and the executor: the per-statement context, the
 * scalar and aggregate function shapes, and the optional per-call information (collation,
 * SQLite's JSON "subtype" flowing between JSON functions).
 */
import type { SqlValue } from '../../objects/index.js';
import type { Collation } from '../values/index.js';

export interface FunctionContext {
  /** Fixed for one statement: 'now' is stable within a statement, as in SQLite. */
  now(): Date;
  changes(): bigint;
  totalChanges(): bigint;
  lastInsertRowid(): bigint;
}

/**
 * Optional information for one call. JSON functions tell JSON text produced by another JSON
 * function (or `->`) apart from a plain string, as SQLite does with value subtypes:
 * `json_array(json('[1]'))` is `[[1]]` but `json_array('[1]')` is `["[1]"]`.
 */
export interface CallOptions {
  /** Collation for functions that compare text (min, max, nullif). */
  collation?: Collation;
  /** Bit i set: args[i] carries the JSON subtype (came directly from a JSON function or `->`). */
  jsonArgs?: number;
  /** Set by the function when its result carries the JSON subtype. */
  jsonResult?: boolean;
}

export interface ScalarFunction {
  name: string;
  minArgs: number;
  /** -1 = any number */
  maxArgs: number;
  /** Same arguments → same result, and no dependence on 'now' or the connection. */
  deterministic: boolean;
  /** Reads `CallOptions.jsonArgs`. */
  subtypeArgs?: boolean;
  /** May set `CallOptions.jsonResult`. */
  subtypeResult?: boolean;
  /**
   * SQLite evaluates these arguments lazily (coalesce, ifnull, iif, if): the executor should
   * short-circuit them; `call` gives the same result when all arguments are evaluated.
   */
  lazy?: boolean;
  call(args: SqlValue[], ctx: FunctionContext, opts?: CallOptions): SqlValue;
}

export interface AggregateFunction<S = unknown> {
  name: string;
  minArgs: number;
  maxArgs: number;
  /** Reads `CallOptions.jsonArgs` in `step`. */
  subtypeArgs?: boolean;
  /** The result carries the JSON subtype. */
  subtypeResult?: boolean;
  init(): S;
  step(state: S, args: SqlValue[], opts?: CallOptions): S;
  final(state: S): SqlValue;
}
