/**
 * The plan node behind the version-control system tables (`heliosdb_log`, `heliosdb_conflicts`,
 * …): rows produced by a generator each time the node is opened, and the column helpers those
 * tables declare their columns with.
 */
import type { Affinity } from '../values/index.js';
import { line, type ColumnMeta, type ExplainLine, type PlanNode, type Pull, type Row } from '../exec/types.js';

export function col(name: string, affinity: Affinity | undefined, declType?: string): ColumnMeta {
  const c: ColumnMeta = { name, affinity, collation: 'BINARY' };
  if (declType) c.declType = declType;
  return c;
}
/** A TEXT column. */
export const T = (n: string): ColumnMeta => col(n, 'TEXT', 'TEXT');
/** An INTEGER column. */
export const I = (n: string): ColumnMeta => col(n, 'INTEGER', 'INTEGER');

/** A plan node that runs `produce` each time it is opened. */
export class RowsNode implements PlanNode {
  constructor(
    readonly columns: ColumnMeta[],
    private readonly label: string,
    private readonly produce: () => Iterator<Row>,
  ) {}
  explain(): ExplainLine {
    return line(`SCAN ${this.label}`);
  }
  open(): Pull {
    let it: Iterator<Row> | undefined;
    return () => {
      it ??= this.produce();
      const r = it.next();
      return r.done ? undefined : r.value;
    };
  }
}
