/**
 * Name scopes of the binder. One `Scope` per SELECT core: its FROM relations laid out side by
 * side in one row (each at an offset), the result-column aliases usable as a fallback, the
 * aggregate calls collected while binding, and the outer references seen inside it (which
 * make a subquery correlated).
 *
 * Resolution (case-insensitive, SQLite rules): `t.c` finds relation `t` (alias or table name);
 * a bare `c` must match exactly one visible column of the scope (USING/NATURAL merge the
 * right-hand copy away), then a result alias when the clause allows it, then the enclosing
 * scopes outward. `rowid`/`oid`/`_rowid_` name the INTEGER PRIMARY KEY column.
 *
 * A parenthesised join group on the right of a LEFT / RIGHT / FULL JOIN is one relation (a
 * subquery over the group, `group: true`) whose columns are its members' columns side by side;
 * the members' names stay usable (`a.x`, `a.*`) through `members`, and a bare name found in two
 * members of the group is ambiguous.
 */
import { SqlError } from '../../errors/index.js';
import type { Affinity, Collation } from '../values/index.js';
import type { TableInfo } from '../storage/table-info.js';
import type { PlanNode } from '../exec/types.js';
import type { TableFunctionDef } from '../exec/table-functions.js';
import type { TxnAccess } from '../exec/env.js';
import type { AggCall, BExpr, WinCall } from './bound.js';
import type { WindowDef } from '../ast.js';

export interface RelColumn {
  name: string;
  aff: Affinity | undefined;
  coll: Collation;
  declType?: string;
  /** Merged away by USING / NATURAL: invisible to bare names and `*`. */
  hidden: boolean;
  /**
   * The USING / NATURAL column of a RIGHT or FULL JOIN: a bare name (and `*`) means
   * `coalesce(this, right-hand columns…)` — the right-hand copies are the hidden ones.
   */
  coalesceWith?: { rel: number; col: number }[];
  /** A hidden column of a table-valued function: left out of `*`, selectable by name. */
  starHidden?: boolean;
}

export type RelSource =
  /** `snapshot`: an AS OF version the table is read from (absent: the running transaction). */
  | { kind: 'table'; tableKey: string; info: TableInfo; snapshot?: TxnAccess }
  | { kind: 'plan'; plan: PlanNode; correlated: boolean; label: string }
  /** A table-valued function call; `deps`: relations of this scope its arguments read. */
  | { kind: 'function'; def: TableFunctionDef; args: BExpr[]; deps: Set<number>; label: string };

export interface Relation {
  id: number;
  /** Name used to qualify columns (alias, else table name), as written. */
  name: string;
  key: string;
  /** Underlying table name for column metadata. */
  tableName?: string;
  columns: RelColumn[];
  offset: number;
  /** Column index of the rowid alias, or -1. */
  rowidCol: number;
  source: RelSource;
  /** Columns some expression reads (the scan decodes only these). */
  used: boolean[];
  /** A parenthesised join group planned as one relation (see the module comment). */
  group?: boolean;
}

/** A relation inside a join group: its columns are `rel.columns[start …]`. */
export interface GroupMember {
  rel: Relation;
  start: number;
  columns: RelColumn[];
  rowidCol: number;
}

const ROWID_NAMES = new Set(['rowid', 'oid', '_rowid_']);

export interface Resolved {
  scope: Scope;
  rel: Relation;
  col: number;
}

export class Scope {
  readonly depth: number;
  readonly nameParent: Scope | undefined;
  readonly lexicalParent: Scope | undefined;
  readonly relations: Relation[] = [];
  width = 0;
  /** depth → ids of relations at that depth referenced from inside this scope. */
  readonly outerRefs = new Map<number, Set<number>>();
  /** Result aliases usable as a fallback (WHERE, GROUP BY, HAVING, ORDER BY). */
  aliases: { name: string; expr: BExpr }[] = [];
  /** Aggregate calls bound in this scope. */
  readonly aggs: AggCall[] = [];
  /** Window calls bound in this scope (undefined: window functions are not allowed here). */
  wins: WinCall[] | undefined;
  /** The WINDOW clause of the SELECT core, by lower-case name. */
  windowDefs: Map<string, WindowDef> | undefined;

  /** Relations of join groups, by lower-case name. */
  private readonly members = new Map<string, GroupMember>();

  /** The WITH clauses visible here (a `CteEnv`; opaque to this module). */
  readonly ctes: unknown;

  constructor(depth: number, nameParent: Scope | undefined, lexicalParent: Scope | undefined, ctes?: unknown) {
    this.depth = depth;
    this.ctes = ctes;
    this.nameParent = nameParent;
    this.lexicalParent = lexicalParent;
  }

  addRelation(r: Omit<Relation, 'id' | 'offset' | 'used'>): Relation {
    const rel: Relation = { ...r, id: this.relations.length, offset: this.width, used: r.columns.map(() => false) };
    this.relations.push(rel);
    this.width += rel.columns.length;
    return rel;
  }

  /** Make `name` (a relation inside join group `rel`) resolve to `rel`'s columns from `start`. */
  addMember(name: string, m: GroupMember): void {
    const k = name.toLowerCase();
    if (!this.members.has(k)) this.members.set(k, m);
  }

  /** A relation of a join group, by name (when no relation of the scope has that name). */
  findMember(name: string): GroupMember | undefined {
    return this.findRelation(name) ? undefined : this.members.get(name.toLowerCase());
  }

  findRelation(name: string): Relation | undefined {
    const k = name.toLowerCase();
    let found: Relation | undefined;
    for (const r of this.relations) if (r.key === k) found ??= r;
    if (found) return found;
    // A table name also qualifies when the relation has an alias? (SQLite: no.) Only aliases/names.
    return undefined;
  }

  /** Look a column up in this scope only. Throws on ambiguity. */
  lookupLocal(table: string | undefined, name: string, pos?: { line: number; column: number; offset: number }): Resolved | undefined {
    const at = pos ? { line: pos.line, column: pos.column, offset: pos.offset, token: name } : undefined;
    const n = name.toLowerCase();
    if (table !== undefined) {
      const rel = this.findRelation(table);
      if (!rel) {
        const m = this.members.get(table.toLowerCase());
        if (!m) return undefined;
        const c = m.columns.findIndex((x) => x.name.toLowerCase() === n);
        if (c >= 0) return { scope: this, rel: m.rel, col: m.start + c };
        if (ROWID_NAMES.has(n) && m.rowidCol >= 0) return { scope: this, rel: m.rel, col: m.start + m.rowidCol };
        return undefined;
      }
      const c = rel.columns.findIndex((x) => x.name.toLowerCase() === n);
      if (c >= 0) return { scope: this, rel, col: c };
      if (ROWID_NAMES.has(n) && rel.rowidCol >= 0) return { scope: this, rel, col: rel.rowidCol };
      return undefined;
    }
    let hit: Resolved | undefined;
    for (const rel of this.relations) {
      const c = rel.columns.findIndex((x) => !x.hidden && x.name.toLowerCase() === n);
      if (c < 0) continue;
      if (hit || (rel.group && rel.columns.some((x, i) => i > c && !x.hidden && x.name.toLowerCase() === n))) throw new SqlError('AMBIGUOUS_COLUMN', `ambiguous column name: ${name}`, at);
      hit = { scope: this, rel, col: c };
    }
    if (hit) return hit;
    if (ROWID_NAMES.has(n)) {
      for (const rel of this.relations) {
        if (rel.rowidCol >= 0) {
          if (hit) throw new SqlError('AMBIGUOUS_COLUMN', `ambiguous column name: ${name}`, at);
          hit = { scope: this, rel, col: rel.rowidCol };
        }
      }
    }
    return hit;
  }

  hasRelationNamed(table: string): boolean {
    return this.findRelation(table) !== undefined || this.members.has(table.toLowerCase());
  }

  /** Record that this scope (and every scope between it and depth `depth`) reads `rel` there. */
  noteOuterRef(depth: number, rel: number): void {
    for (let s: Scope | undefined = this; s && s.depth > depth; s = s.lexicalParent) {
      let set = s.outerRefs.get(depth);
      if (!set) s.outerRefs.set(depth, (set = new Set()));
      set.add(rel);
    }
  }
}
