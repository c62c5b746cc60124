/**
 * WITH RECURSIVE: `RecursiveCteNode` runs the initial select, then repeatedly runs the
 * recursive select with the CTE name bound to a `WorkingTable` holding one row taken from a
 * FIFO queue (SQLite's algorithm). Rows stream out as they are produced, so an outer LIMIT
 * ends an infinite recursion. UNION (not ALL) drops rows already produced.
 */
import { line, type ColumnMeta, type ExplainLine, type PlanNode, type Pull, type Row } from './types.js';
import { rowKey } from './value-key.js';
import { tick } from './interrupt.js';

/** The current row(s) of the recursive CTE as the recursive select sees them. */
export class WorkingTable implements PlanNode {
  rows: Row[] = [];
  constructor(readonly columns: ColumnMeta[]) {}
  explain(): ExplainLine {
    return line('SCAN RECURSIVE WORKING TABLE');
  }
  open(): Pull {
    const rows = this.rows;
    let i = 0;
    return () => (i < rows.length ? rows[i++] : undefined);
  }
}

export class RecursiveCteNode implements PlanNode {
  constructor(
    readonly columns: ColumnMeta[],
    private readonly initial: PlanNode,
    private readonly recursive: PlanNode,
    private readonly working: WorkingTable,
    private readonly distinct: boolean,
  ) {}

  explain(): ExplainLine {
    return line('RECURSIVE CTE', this.initial.explain(), this.recursive.explain());
  }

  open(): Pull {
    const n = this.columns.length;
    const colls = this.columns.map((c) => c.collation);
    const seen = this.distinct ? new Set<string>() : undefined;
    const queue: Row[] = [];
    let qi = 0;
    let init: Pull | undefined = this.initial.open();
    let rec: Pull | undefined;
    let curRows: Row[] = [];
    const admit = (r: Row): Row | undefined => {
      const row = r.length === n ? r.slice() : r.slice(0, n);
      if (seen) {
        const k = rowKey(row, colls, n);
        if (seen.has(k)) return undefined;
        seen.add(k);
      }
      queue.push(row);
      return row;
    };
    return () => {
      for (;;) {
        tick();
        if (init) {
          const r = init();
          if (r === undefined) {
            init = undefined;
            continue;
          }
          const a = admit(r);
          if (a) return a;
          continue;
        }
        if (rec) {
          this.working.rows = curRows;
          const r = rec();
          if (r !== undefined) {
            const a = admit(r);
            if (a) return a;
            continue;
          }
          rec = undefined;
        }
        if (qi >= queue.length) return undefined;
        const cur = queue[qi++]!;
        if (qi > 1024 && qi * 2 > queue.length) {
          queue.splice(0, qi);
          qi = 0;
        }
        curRows = [cur];
        this.working.rows = curRows;
        rec = this.recursive.open();
      }
    };
  }
}
