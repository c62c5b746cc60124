/**
 * Built-in SQL functions: SQLite's core scalar, math, date/time and JSON functions and its
 * aggregates, looked up by lower-case name. Argument counts are checked by the executor at
 * bind time from `minArgs`/`maxArgs`; runtime errors are `SqlError`s with stable codes.
 */
import { aggregateList } from './aggregates.js';
import { coreFunctions } from './core.js';
import { dateTimeFunctions } from './datetime.js';
import { jsonFunctions } from './json.js';
import { mathFunctions } from './math.js';
import type { AggregateFunction, ScalarFunction } from './types.js';

export type { AggregateFunction, CallOptions, FunctionContext, ScalarFunction } from './types.js';
export { isValidJson, jsonArrow, jsonEach, jsonTree, type JsonEachRow } from './json.js';
export { sqlPrintf } from './printf.js';

function byName<T extends { name: string }>(list: readonly T[]): ReadonlyMap<string, T> {
  const m = new Map<string, T>();
  for (const f of list) {
    if (m.has(f.name)) throw new Error(`duplicate built-in function ${f.name}`);
    m.set(f.name, f);
  }
  return m;
}

/** Scalar functions by lower-case name. */
export const scalarFunctions: ReadonlyMap<string, ScalarFunction> = byName([
  ...coreFunctions,
  ...mathFunctions,
  ...dateTimeFunctions,
  ...jsonFunctions,
]);

/** Aggregate functions by lower-case name (count(*) is the executor's). */
export const aggregateFunctions: ReadonlyMap<string, AggregateFunction> = byName(aggregateList);
