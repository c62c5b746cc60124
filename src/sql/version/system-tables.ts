/**
 * The `heliosdb_*` system tables and table functions, as plan nodes whose rows are computed
 * when the statement runs (so a cached plan always shows the current refs):
 *
 * | name | arguments | columns |
 * | --- | --- | --- |
 * | heliosdb_log | [ref] | commit_id, parents, author, message, timestamp, timestamp_ms, transaction, scn, pruned |
 * | heliosdb_branches | | name, head, created_from, created_from_commit, created_at, read_only, description, scn, updated_at, active |
 * | heliosdb_tags | | name, commit_id, message, author, created_at, scn |
 * | heliosdb_reflog | [branch] | branch, scn, time, time_ms, old_head, new_head, transaction, message |
 * | heliosdb_status | | table_name, status, rows_added, rows_modified, rows_removed |
 * | heliosdb_diff | table, from_ref, [to_ref] | diff_type, from_<col>…, to_<col>… |
 * | heliosdb_schema_diff | from_ref, [to_ref] | name, kind, diff_type, from_sql, to_sql |
 * | heliosdb_history | table, [ref] | commit_id, commit_time, scn, transaction, author, message, change, <col>… |
 *
 * Refs default to the session's current state: its branch head, or its pinned version; `to`
 * of a diff defaults to the session's current (in manual mode: uncommitted) state. Times are
 * UTC text `YYYY-MM-DD HH:MM:SS.sss` (usable in `AS OF TIMESTAMP`).
 */
import type { CID } from '../../hash/index.js';
import { SqlError } from '../../errors/index.js';
import type { SqlValue } from '../../objects/index.js';
import type { PlanNode } from '../exec/types.js';
import { I, RowsNode, T, col } from './rows-node.js';
import { HistoryNode, fmtTime, rootObject, rootStatus, rowHistory, schemaDiff, tableAt, tableDiff } from './history.js';
import type { SessionState as SessionVersion } from './session-state.js';
import { mergeSystemTable } from './merge/conflicts-tables.js';

function argText(v: SqlValue | undefined, what: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new SqlError('SQL_ERROR', `${what} must be text`);
  return v;
}

function checkArgs(name: string, values: SqlValue[], min: number, max: number): void {
  if (values.length < min || values.length > max) {
    throw new SqlError('SQL_ERROR', `wrong number of arguments to table function ${name}(): expected ${min === max ? min : `${min} to ${max}`}`);
  }
}

function bool(b: boolean): bigint {
  return b ? 1n : 0n;
}

/** The root a ref (or, with none, the session's current state) reads. */
function rootFor(sv: SessionVersion, ref: string | undefined): CID {
  const vc = sv.vc;
  if (ref === undefined) {
    if (sv.pinned) return vc.rootOf(sv.pinned.commit);
    return sv.engine.committed.rootCid ?? vc.rootOf(sv.currentCommit());
  }
  if (ref.toUpperCase() === 'WORKING') return sv.engine.committed.rootCid ?? vc.rootOf(sv.currentCommit());
  if (ref.toUpperCase() === 'HEAD') return vc.rootOf(sv.currentCommit());
  return vc.rootOf(sv.resolveRef(ref));
}

function commitFor(sv: SessionVersion, ref: string | undefined): CID {
  if (ref === undefined || ref.toUpperCase() === 'HEAD') return sv.currentCommit();
  return sv.resolveRef(ref);
}

export function systemTable(sv: SessionVersion, name: string, values: SqlValue[]): PlanNode | undefined {
  const vc = sv.vc;
  const refs = vc.refs;
  switch (name) {
    case 'heliosdb_log': {
      checkArgs(name, values, 0, 1);
      const ref = argText(values[0], 'the ref');
      const cols = [T('commit_id'), T('parents'), T('author'), T('message'), T('timestamp'), I('timestamp_ms'), I('transaction'), I('scn'), I('pruned')];
      return new RowsNode(cols, name, function* () {
        for (const e of refs.log(commitFor(sv, ref))) {
          const c = e.commit;
          // pruned: 1 when GC swept this version's data (its metadata stays; AS OF it fails with VERSION_PRUNED)
          yield [e.cid.toString(), c.parents.map((p) => p.toString()).join(','), c.author, c.message, fmtTime(c.timestamp), BigInt(c.timestamp), BigInt(c.transaction), BigInt(c.scn), bool(vc.isPruned(e.cid))];
        }
      });
    }
    case 'heliosdb_branches': {
      checkArgs(name, values, 0, 0);
      const cols = [T('name'), T('head'), T('created_from'), T('created_from_commit'), T('created_at'), I('read_only'), T('description'), I('scn'), T('updated_at'), I('active')];
      return new RowsNode(cols, name, function* () {
        for (const b of refs.listBranches()) {
          yield [b.name, b.head.toString(), b.createdFrom.ref, b.createdFrom.commit.toString(), fmtTime(b.createdAt), bool(b.readOnly), b.description, BigInt(b.scn), fmtTime(b.updatedAt), bool(b.name === sv.branch)];
        }
      });
    }
    case 'heliosdb_tags': {
      checkArgs(name, values, 0, 0);
      const cols = [T('name'), T('commit_id'), T('message'), T('author'), T('created_at'), I('scn')];
      return new RowsNode(cols, name, function* () {
        for (const t of refs.listTags()) yield [t.name, t.commit.toString(), t.message, t.author, fmtTime(t.createdAt), BigInt(t.scn)];
      });
    }
    case 'heliosdb_reflog': {
      checkArgs(name, values, 0, 1);
      const branch = argText(values[0], 'the branch') ?? sv.branch;
      refs.requireBranch(branch);
      const cols = [T('branch'), I('scn'), T('time'), I('time_ms'), T('old_head'), T('new_head'), I('transaction'), T('message')];
      return new RowsNode(cols, name, function* () {
        // Every branch's ref log is loaded when the database opens (VersionControl.open).
        const entries = refs.reflogSync(branch) ?? [];
        for (const e of entries) yield [e.branch, BigInt(e.scn), fmtTime(e.time), BigInt(e.time), e.oldHead?.toString() ?? null, e.newHead.toString(), BigInt(e.txn), e.message];
      });
    }
    case 'heliosdb_status': {
      checkArgs(name, values, 0, 0);
      const cols = [T('table_name'), T('status'), I('rows_added'), I('rows_modified'), I('rows_removed')];
      return new RowsNode(cols, name, function* () {
        if (sv.pinned) return;
        const headRoot = vc.rootOf(refs.requireBranch(sv.branch).head);
        const working = sv.engine.committed.rootCid ?? headRoot;
        yield* rootStatus(vc.ns, vc.schemas, headRoot, working);
      });
    }
    case 'heliosdb_diff': {
      checkArgs(name, values, 2, 3);
      const table = argText(values[0], 'the table name');
      if (table === undefined) throw new SqlError('SQL_ERROR', 'heliosdb_diff needs a table name');
      const from = argText(values[1], 'the from ref');
      const to = argText(values[2], 'the to ref');
      const key = table.toLowerCase();
      const plan = (): ReturnType<typeof tableDiff> => {
        const fr = rootObject(vc.ns, from === undefined ? vc.rootOf(sv.currentCommit()) : rootFor(sv, from));
        const tr = rootObject(vc.ns, rootFor(sv, to));
        return tableDiff(vc.ns, tableAt(vc.ns, vc.schemas, fr, key), tableAt(vc.ns, vc.schemas, tr, key), table);
      };
      const shape = plan();
      const cols = [T('diff_type'), ...shape.columns.map((c) => col(`from_${c.name}`, undefined, c.type)), ...shape.columns.map((c) => col(`to_${c.name}`, undefined, c.type))];
      const width = shape.columns.length;
      return new RowsNode(cols, name, function* () {
        const d = plan();
        if (d.columns.length !== width) throw new SqlError('SCHEMA_CHANGED', 'the table changed shape since the statement was prepared; prepare it again');
        yield* d.rows();
      });
    }
    case 'heliosdb_schema_diff': {
      checkArgs(name, values, 1, 2);
      const from = argText(values[0], 'the from ref');
      const to = argText(values[1], 'the to ref');
      const cols = [T('name'), T('kind'), T('diff_type'), T('from_sql'), T('to_sql')];
      return new RowsNode(cols, name, function* () {
        yield* schemaDiff(vc.ns, vc.schemas, rootFor(sv, from), rootFor(sv, to));
      });
    }
    case 'heliosdb_history': {
      checkArgs(name, values, 1, 2);
      const table = argText(values[0], 'the table name');
      if (table === undefined) throw new SqlError('SQL_ERROR', 'heliosdb_history needs a table name');
      const ref = argText(values[1], 'the ref');
      const shape = rowHistory(vc.ns, vc.schemas, refs, commitFor(sv, ref), table, vc.pruned);
      const cols = [T('commit_id'), T('commit_time'), I('scn'), I('transaction'), T('author'), T('message'), T('change'), ...shape.columns.map((c) => col(c.name, undefined, c.type))];
      const width = shape.columns.length;
      // A HistoryNode: WHERE equalities on the key column are pushed into the walk (narrow).
      return new HistoryNode(cols, name, shape.columns.map((c) => c.tag), (filter) => {
        const h = rowHistory(vc.ns, vc.schemas, refs, commitFor(sv, ref), table, vc.pruned);
        if (h.columns.length !== width) throw new SqlError('SCHEMA_CHANGED', 'the table changed shape since the statement was prepared; prepare it again');
        // The filter names columns by their tags at prepare time: only when they still match.
        return h.rows(filter && h.columns.every((c, i) => c.tag === shape.columns[i]!.tag) ? filter : undefined);
      });
    }
    default:
      return mergeSystemTable(sv, name, values);
  }
}

