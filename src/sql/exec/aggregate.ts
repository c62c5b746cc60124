/**
 * Grouped aggregation. Groups are hashed by their key values and emitted in ascending key
 * order (as SQLite's sorter does). The output row is the group's representative input row
 * followed by the aggregate results, so expressions after aggregation address plain columns by
 * the same slots as before it (SQLite's "bare columns": the last row of the group, or the row
 * holding the extreme when the only aggregate is min() or max()).
 *
 * count(*), DISTINCT, FILTER (WHERE …) and ORDER BY inside an aggregate are handled here; the
 * functions themselves (init/step/final) come from the functions module.
 */
import type { SqlValue } from '../../objects/index.js';
import { compareValues, type Collation } from '../values/index.js';
import type { Eval, Pred } from './compile-expr.js';
import { rowComparator, type SortKey } from './operators.js';
import { line, pullMaterialized, type ColumnMeta, type ExplainLine, type PlanNode, type Pull, type Row } from './types.js';
import { rowKey, valueKey } from './value-key.js';

export interface AggregateImpl {
  init(): unknown;
  step(state: unknown, args: SqlValue[]): unknown;
  final(state: unknown): SqlValue;
}

export interface AggSpec {
  impl: AggregateImpl | 'count*';
  args: Eval[];
  distinct: boolean;
  filter?: Pred;
  /** ORDER BY inside the call: evaluated keys and their order. */
  orderBy?: { exprs: Eval[]; keys: SortKey[] };
  coll: Collation;
  /** Reused argument array. */
  scratch?: SqlValue[];
}

/** How the representative row of a group is chosen. */
export type RepPolicy =
  | { kind: 'none' }
  | { kind: 'first' }
  | { kind: 'last' }
  | { kind: 'extreme'; agg: number; max: boolean; arg: Eval; coll: Collation };

interface Group {
  rep: Row | undefined;
  keys: SqlValue[];
  states: unknown[];
  seen?: (Set<string> | undefined)[];
  buffered?: (Row[] | undefined)[];
  extreme?: SqlValue;
}

export class AggregateNode implements PlanNode {
  constructor(
    readonly columns: ColumnMeta[],
    private readonly input: PlanNode,
    private readonly inputWidth: number,
    private readonly groupBy: Eval[],
    private readonly groupColls: Collation[],
    private readonly aggs: AggSpec[],
    private readonly rep: RepPolicy,
  ) {}

  explain(): ExplainLine {
    return line(this.groupBy.length ? 'USE TEMP B-TREE FOR GROUP BY' : 'AGGREGATE', this.input.explain());
  }

  private newGroup(keys: SqlValue[]): Group {
    const g: Group = { rep: undefined, keys, states: this.aggs.map((a) => (a.impl === 'count*' ? 0n : a.impl.init())) };
    if (this.aggs.some((a) => a.distinct)) g.seen = this.aggs.map((a) => (a.distinct ? new Set<string>() : undefined));
    if (this.aggs.some((a) => a.orderBy)) g.buffered = this.aggs.map((a) => (a.orderBy ? [] : undefined));
    return g;
  }

  private step(g: Group, row: Row): void {
    const aggs = this.aggs;
    for (let i = 0; i < aggs.length; i++) {
      const a = aggs[i]!;
      if (a.filter && !a.filter(row)) continue;
      if (a.impl === 'count*') {
        g.states[i] = (g.states[i] as bigint) + 1n;
        continue;
      }
      const n = a.args.length;
      // Aggregates never keep the argument array: reuse one per call site.
      const args = (a.scratch ??= new Array<SqlValue>(n));
      for (let j = 0; j < n; j++) args[j] = a.args[j]!(row);
      if (a.distinct) {
        const k = n === 1 ? valueKey(args[0]!, a.coll) : rowKey(args, undefined, n);
        const seen = g.seen![i]!;
        if (seen.has(k)) continue;
        seen.add(k);
      }
      if (a.orderBy) {
        const extra = a.orderBy.exprs.map((e) => e(row));
        g.buffered![i]!.push([...args.slice(0, n), ...extra]);
        continue;
      }
      g.states[i] = a.impl.step(g.states[i], args);
    }
    const rp = this.rep;
    switch (rp.kind) {
      case 'none':
        return;
      case 'first':
        if (g.rep === undefined) g.rep = row.slice(0, this.inputWidth);
        return;
      case 'last':
        g.rep = row.slice(0, this.inputWidth);
        return;
      case 'extreme': {
        const v = rp.arg(row);
        if (g.rep === undefined) g.rep = row.slice(0, this.inputWidth);
        if (v === null) return;
        if (g.extreme === undefined || g.extreme === null) {
          g.extreme = v;
          g.rep = row.slice(0, this.inputWidth);
          return;
        }
        const c = compareValues(v, g.extreme, rp.coll);
        if (rp.max ? c > 0 : c < 0) {
          g.extreme = v;
          g.rep = row.slice(0, this.inputWidth);
        }
      }
    }
  }

  private finish(g: Group): Row {
    const w = this.inputWidth;
    const out: Row = g.rep ? g.rep : new Array(w).fill(null);
    out.length = w + this.aggs.length;
    for (let i = 0; i < this.aggs.length; i++) {
      const a = this.aggs[i]!;
      if (a.impl === 'count*') {
        out[w + i] = g.states[i] as bigint;
        continue;
      }
      if (a.orderBy) {
        const buf = g.buffered![i]!;
        const n = a.args.length;
        buf.sort(rowComparator(a.orderBy.keys.map((k) => ({ ...k, idx: k.idx + n }))));
        let st = g.states[i];
        for (const r of buf) st = a.impl.step(st, r.slice(0, n));
        g.states[i] = st;
      }
      out[w + i] = a.impl.final(g.states[i]);
    }
    return out;
  }

  open(): Pull {
    return pullMaterialized(() => this.run());
  }

  private run(): Row[] {
    const pull = this.input.open();
    const nk = this.groupBy.length;
    if (nk === 0) {
      const g = this.newGroup([]);
      for (let r = pull(); r !== undefined; r = pull()) this.step(g, r);
      return [this.finish(g)];
    }
    const groups = new Map<string, Group>();
    const keys: SqlValue[] = new Array(nk);
    const colls = this.groupColls;
    for (let r = pull(); r !== undefined; r = pull()) {
      for (let j = 0; j < nk; j++) keys[j] = this.groupBy[j]!(r);
      const k = rowKey(keys, colls, nk);
      let g = groups.get(k);
      if (!g) {
        g = this.newGroup(keys.slice());
        groups.set(k, g);
      }
      this.step(g, r);
    }
    const list = [...groups.values()];
    if (list.length > 1) {
      list.sort((a, b) => {
        for (let j = 0; j < nk; j++) {
          const c = compareValues(a.keys[j]!, b.keys[j]!, colls[j]);
          if (c !== 0) return c;
        }
        return 0;
      });
    }
    return list.map((g) => this.finish(g));
  }
}
