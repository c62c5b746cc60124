/**
 * The merge system tables of a session's branch (empty when no merge is in progress):
 *
 * | name | arguments | columns |
 * | --- | --- | --- |
 * | heliosdb_conflicts | | table, data_conflicts, schema_conflicts |
 * | heliosdb_conflicts | table | <key columns>…, base_<col>, ours_<col>, theirs_<col> (every column), our_diff_type, their_diff_type, reason |
 * | heliosdb_schema_conflicts | | table, kind, column, base, ours, theirs, message |
 * | heliosdb_constraint_violations | | table, kind, key, columns, constraint_name, message |
 * | heliosdb_merge_status | | branch, source, ours, theirs, base, data_conflicts, schema_conflicts, constraint_violations |
 *
 * Rows are computed when the statement runs, from the branch's merge-in-progress record.
 */
import { SqlError } from '../../../errors/index.js';
import { CID } from '../../../hash/index.js';
import { encodeRow, type SqlValue } from '../../../objects/index.js';
import type { ColumnMeta, PlanNode, Row } from '../../exec/types.js';
import { I, RowsNode, T, col } from '../rows-node.js';
import type { TableInfo } from '../../storage/table-info.js';
import type { SessionState } from '../session-state.js';
import type { MergeState } from './merge-state.js';

const EMPTY_ROW = encodeRow([], []);

function state(sv: SessionState): MergeState | undefined {
  return sv.pinned ? undefined : sv.vc.merges.stateSync(sv.branch);
}

function checkArgs(name: string, values: SqlValue[], min: number, max: number): void {
  if (values.length < min || values.length > max) {
    throw new SqlError('SQL_ERROR', `wrong number of arguments to table function ${name}(): expected ${min === max ? min : `${min} to ${max}`}`);
  }
}

/** The table's info in the merge's working state (or theirs, when the working state lacks it). */
function tableInfo(sv: SessionState, s: MergeState | undefined, key: string): TableInfo | undefined {
  const cur = sv.engine.committed.tables.get(key)?.info;
  if (cur || !s) return cur;
  return sv.vc.catalogAt(sv.vc.rootOf(CID.parse(s.theirs))).tables.get(key)?.info;
}

function decode(info: TableInfo, key: Uint8Array, value: Uint8Array | null): Row {
  const row: Row = new Array(info.width).fill(null);
  if (value) info.decodeInto(key, value, row, 0, info.slotOfTag);
  else if (!info.keyless) {
    const tmp: Row = new Array(info.width).fill(null);
    // key columns of a missing row: decode the key with an empty value
    info.decodeInto(key, EMPTY_ROW, tmp, 0, info.slotOfTag);
    for (const s of info.pkSlots) row[s] = tmp[s]!;
  }
  return row;
}

export function mergeSystemTable(sv: SessionState, name: string, values: SqlValue[]): PlanNode | undefined {
  switch (name) {
    case 'heliosdb_conflicts': {
      checkArgs(name, values, 0, 1);
      const t = values[0];
      if (t === undefined || t === null) {
        return new RowsNode([T('table'), I('data_conflicts'), I('schema_conflicts')], name, function* () {
          const s = state(sv);
          if (!s) return;
          const counts = new Map<string, [number, number]>();
          for (const c of s.conflicts) {
            const e = counts.get(c.table) ?? [0, 0];
            e[0]++;
            counts.set(c.table, e);
          }
          for (const c of s.schemaConflicts) {
            const e = counts.get(c.table) ?? [0, 0];
            e[1]++;
            counts.set(c.table, e);
          }
          for (const [k, [d, sc]] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
            yield [tableInfo(sv, s, k)?.name ?? k, BigInt(d), BigInt(sc)];
          }
        });
      }
      if (typeof t !== 'string') throw new SqlError('SQL_ERROR', 'the table name must be text');
      const key = t.toLowerCase();
      const info0 = tableInfo(sv, state(sv), key);
      if (!info0) throw new SqlError('NO_SUCH_TABLE', `no such table: ${t}`);
      const cols: ColumnMeta[] = [];
      if (!info0.keyless) for (const sl of info0.pkSlots) cols.push(col(info0.columns[sl]!.name, undefined, info0.columns[sl]!.type));
      for (const c of info0.columns) for (const side of ['base', 'ours', 'theirs']) cols.push(col(`${side}_${c.name}`, undefined, c.type));
      cols.push(T('our_diff_type'), T('their_diff_type'), T('reason'));
      const width = cols.length;
      return new RowsNode(cols, name, function* () {
        const s = state(sv);
        if (!s) return;
        const info = tableInfo(sv, s, key) ?? info0;
        const n = (info.keyless ? 0 : info.pkSlots.length) + info.columns.length * 3 + 3;
        if (n !== width) throw new SqlError('SCHEMA_CHANGED', 'the table changed shape since the statement was prepared; prepare it again');
        for (const c of s.conflicts) {
          if (c.table !== key) continue;
          const b = decode(info, c.key, c.base);
          const o = decode(info, c.key, c.ours);
          const th = decode(info, c.key, c.theirs);
          const keyRow = c.ours ? o : c.theirs ? th : b;
          const row: Row = [];
          if (!info.keyless) for (const sl of info.pkSlots) row.push(keyRow[sl]!);
          for (let i = 0; i < info.columns.length; i++) {
            row.push(c.base ? b[i]! : null, c.ours ? o[i]! : null, c.theirs ? th[i]! : null);
          }
          row.push(c.oursChange, c.theirsChange, c.reason);
          yield row;
        }
      });
    }
    case 'heliosdb_schema_conflicts': {
      checkArgs(name, values, 0, 0);
      return new RowsNode([T('table'), T('kind'), T('column'), T('base'), T('ours'), T('theirs'), T('message')], name, function* () {
        const s = state(sv);
        if (!s) return;
        for (const c of s.schemaConflicts) yield [c.table, c.kind, c.column ?? null, c.base ?? null, c.ours ?? null, c.theirs ?? null, c.message];
      });
    }
    case 'heliosdb_constraint_violations': {
      checkArgs(name, values, 0, 0);
      return new RowsNode([T('table'), T('kind'), T('key'), T('columns'), T('constraint_name'), T('message')], name, function* () {
        const s = state(sv);
        if (!s) return;
        for (const v of s.violations) yield [v.table, v.kind, v.key, v.columns, v.constraint, v.message];
      });
    }
    case 'heliosdb_merge_status': {
      checkArgs(name, values, 0, 0);
      const cols = [T('branch'), T('source'), T('ours'), T('theirs'), T('base'), I('data_conflicts'), I('schema_conflicts'), I('constraint_violations')];
      return new RowsNode(cols, name, function* () {
        const s = state(sv);
        if (!s) return;
        yield [sv.branch, s.source, s.ours, s.theirs, s.base, BigInt(s.conflicts.length), BigInt(s.schemaConflicts.length), BigInt(s.violations.length)];
      });
    }
    default:
      return undefined;
  }
}
