/**
 * `sqlite_schema` (alias `sqlite_master`): one row per table, index, view and trigger of the
 * running transaction's schema, with SQLite's columns (type, name, tbl_name, rootpage, sql).
 * `rootpage` is 0: tables are prolly trees addressed by content id, not pages.
 */
import type { ExecEnv } from './env.js';
import { line, type ColumnMeta, type ExplainLine, type PlanNode, type Pull } from './types.js';

export const SCHEMA_TABLE_COLUMNS: ColumnMeta[] = [
  { name: 'type', affinity: 'TEXT', collation: 'BINARY', declType: 'TEXT' },
  { name: 'name', affinity: 'TEXT', collation: 'BINARY', declType: 'TEXT' },
  { name: 'tbl_name', affinity: 'TEXT', collation: 'BINARY', declType: 'TEXT' },
  { name: 'rootpage', affinity: 'INTEGER', collation: 'BINARY', declType: 'INT' },
  { name: 'sql', affinity: 'TEXT', collation: 'BINARY', declType: 'TEXT' },
];

export class SchemaTableNode implements PlanNode {
  readonly columns = SCHEMA_TABLE_COLUMNS;
  constructor(
    private readonly env: ExecEnv,
    private readonly temp: boolean,
  ) {}
  explain(): ExplainLine {
    return line('SCAN sqlite_schema');
  }
  open(): Pull {
    const rows = this.temp ? [] : this.env.tx.schemaRows();
    let i = 0;
    return () => (i < rows.length ? rows[i++]!.slice() : undefined);
  }
}
