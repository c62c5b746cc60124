/**
 * Common table expressions in scope: a chain of WITH clauses, innermost first. A CTE sees the
 * CTEs defined before it in the same WITH (and itself under WITH RECURSIVE); while the
 * recursive part of a recursive CTE is planned, its name resolves to the working table.
 */
import type { CommonTableExpr } from '../ast.js';
import type { WorkingTable } from '../exec/recursive.js';
import type { RelColumn } from './scope.js';

export interface CteDef {
  name: string;
  def: CommonTableExpr;
  /** CTEs visible inside this one's body. */
  env: CteEnv | undefined;
  recursive: boolean;
  /** Set while planning the recursive part: the working table. */
  working?: { table: WorkingTable; columns: RelColumn[] };
}

export class CteEnv {
  constructor(
    readonly parent: CteEnv | undefined,
    readonly defs: Map<string, CteDef>,
  ) {}
  lookup(name: string): CteDef | undefined {
    const k = name.toLowerCase();
    for (let e: CteEnv | undefined = this; e; e = e.parent) {
      const d = e.defs.get(k);
      if (d) return d;
    }
    return undefined;
  }
  /** This environment without `name` (the non-recursive view of a CTE's own body). */
  without(name: string): CteEnv {
    const k = name.toLowerCase();
    return new CteEnv(this.parent?.without(name), new Map([...this.defs].filter(([n]) => n !== k)));
  }
}
