/**
 * Core runtime types of the executor: rows, pull-based operators and the plan-node contract.
 *
 * Operators are pull-based: `open()` returns a `Pull` closure that yields the next row or
 * `undefined` at the end. All state of one execution lives in the closure, so a node can be
 * opened again (correlated subqueries) or several times at once. A row returned by a `Pull`
 * is only valid until the next call (the FROM pipeline reuses one buffer); operators that keep
 * rows (sort, aggregate, materialise) copy them.
 */
import type { SqlValue } from '../../objects/index.js';
import type { Affinity, Collation } from '../values/index.js';

export type Row = SqlValue[];
export type Pull = () => Row | undefined;

/** A `Pull` over the rows `run` materializes on the first pull (blocking operators: aggregate, window). */
export function pullMaterialized(run: () => Row[]): Pull {
  let out: Row[] | undefined;
  let i = 0;
  return () => {
    out ??= run();
    return i < out.length ? out[i++] : undefined;
  };
}

/** Metadata of one output column of a plan node. */
export interface ColumnMeta {
  name: string;
  /** Affinity when the column is a column reference or CAST (undefined: none). */
  affinity: Affinity | undefined;
  collation: Collation;
  /** Declared type of the source column, when the column is a plain column reference. */
  declType?: string;
  /** Source table and column, when known. */
  table?: string;
  column?: string;
}

/** One line of EXPLAIN output, with children. */
export interface ExplainLine {
  detail: string;
  children: ExplainLine[];
}

export interface PlanNode {
  readonly columns: ColumnMeta[];
  open(): Pull;
  explain(): ExplainLine;
}

export function line(detail: string, ...children: (ExplainLine | undefined)[]): ExplainLine {
  return { detail, children: children.filter((c): c is ExplainLine => c !== undefined) };
}
