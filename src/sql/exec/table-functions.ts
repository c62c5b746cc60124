/**
 * Table-valued functions: the registry the planner looks names up in when a FROM item is a
 * call (`FROM json_each(t.doc)`, `FROM heliosdb_diff('t', 'a', 'b')`), and the built-ins
 * `json_each` / `json_tree`.
 *
 * Interface (`TableFunctionDef`), for anyone adding functions (e.g. `heliosdb_*` from
 * src/sql/version):
 * - `name` (lower case), `minArgs` / `maxArgs` (-1: any number).
 * - `columns(constArgs, schema)`: the output columns, decided at plan time. `constArgs[i]` is
 *   the value of argument i when it is a literal (or a bound-free constant), `undefined`
 *   otherwise, so a function whose columns depend on an argument (a table name) can read it.
 *   A column with `hidden: true` is left out of `*` but can be named (json_each's `json`,
 *   `root`).
 * - `rows(args, env)`: the rows of one call, as arrays in column order. Called each time the
 *   FROM item is (re)opened — once per outer row when an argument reads an earlier table of
 *   the FROM clause (a lateral call). `env` is the statement's ExecEnv (`env.tx` is the
 *   running transaction).
 * - `register(def)` adds or replaces a function; `lookup(name)` finds one.
 *
 * The planner (planner.ts) tries this registry first, then the session's `tableFunction`
 * hook (PlannerContext).
 */
import { SqlError } from '../../errors/index.js';
import type { SqlValue } from '../../objects/index.js';
import type { Affinity } from '../values/index.js';
import { jsonEach, jsonTree, type JsonEachRow } from '../functions/index.js';
import type { SchemaSource } from '../catalog/catalog.js';
import type { ExecEnv } from './env.js';
import type { Eval } from './compile-expr.js';
import type { Cursor, Source } from './sources.js';
import type { Row } from './types.js';

export interface TableFunctionColumn {
  name: string;
  affinity?: Affinity;
  /** Not part of `*` (still selectable by name). */
  hidden?: boolean;
}

export interface TableFunctionDef {
  readonly name: string;
  readonly minArgs: number;
  /** -1: no maximum. */
  readonly maxArgs: number;
  columns(constArgs: readonly (SqlValue | undefined)[], schema: SchemaSource): TableFunctionColumn[];
  rows(args: SqlValue[], env: ExecEnv): Iterable<SqlValue[]>;
}

const registry = new Map<string, TableFunctionDef>();

export const tableFunctions = {
  register(def: TableFunctionDef): void {
    registry.set(def.name.toLowerCase(), def);
  },
  lookup(name: string): TableFunctionDef | undefined {
    return registry.get(name.toLowerCase());
  },
  names(): string[] {
    return [...registry.keys()];
  },
};

// ---- json_each / json_tree -------------------------------------------------------------------

const JSON_COLUMNS: TableFunctionColumn[] = [
  { name: 'key' },
  { name: 'value' },
  { name: 'type' },
  { name: 'atom' },
  { name: 'id' },
  { name: 'parent' },
  { name: 'fullkey' },
  { name: 'path' },
  { name: 'json', hidden: true },
  { name: 'root', hidden: true },
];

function jsonRows(gen: (json: SqlValue, path?: SqlValue) => Generator<JsonEachRow, void, undefined>): TableFunctionDef['rows'] {
  return function* (args) {
    const json = args[0] ?? null;
    const root = args.length > 1 ? args[1]! : undefined;
    if (args.length > 1 && root === null) return;
    const rootText = root === undefined ? '$' : root;
    for (const r of gen(json, root)) yield [r.key, r.value, r.type, r.atom, r.id, r.parent, r.fullkey, r.path, json, rootText];
  };
}

tableFunctions.register({ name: 'json_each', minArgs: 0, maxArgs: 2, columns: () => JSON_COLUMNS, rows: jsonRows(jsonEach) });
tableFunctions.register({ name: 'json_tree', minArgs: 0, maxArgs: 2, columns: () => JSON_COLUMNS, rows: jsonRows(jsonTree) });

// ---- the row source --------------------------------------------------------------------------

/** A FROM-clause call: evaluates its arguments on the current row at each start(). */
export class FunctionSource implements Source {
  constructor(
    private readonly env: ExecEnv,
    private readonly def: TableFunctionDef,
    private readonly args: Eval[],
    readonly offset: number,
    readonly width: number,
    private readonly label: string,
  ) {}

  explain(): string {
    return `SCAN ${this.label} VIRTUAL TABLE`;
  }

  cursor(row: Row): Cursor {
    const off = this.offset;
    const w = this.width;
    let it: Iterator<SqlValue[]> | undefined;
    return {
      start: (): void => {
        const vals = this.args.map((f) => f(row));
        it = this.def.rows(vals, this.env)[Symbol.iterator]();
      },
      next: (): boolean => {
        const n = it!.next();
        if (n.done) return false;
        const r = n.value;
        if (r.length < w) throw new SqlError('INTERNAL', `table function ${this.def.name} returned ${r.length} columns, expected ${w}`);
        for (let j = 0; j < w; j++) row[off + j] = r[j]!;
        return true;
      },
    };
  }
}
