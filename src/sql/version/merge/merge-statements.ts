/**
 * The merge statements of one session:
 *
 * - `MERGE BRANCH src [INTO dst] [WITH (NO_FF, SQUASH, MESSAGE '…', STRATEGY OURS|THEIRS,
 *   FORCE, DRY_RUN)]` → one row (status, commit_id, data_conflicts, schema_conflicts,
 *   constraint_violations); dst defaults to the session's branch;
 * - `MERGE CONTINUE` / `MERGE ABORT` on the session's branch;
 * - `RESOLVE CONFLICTS [ON t] [WHERE …] USING OURS|THEIRS` → one row (resolved).
 *
 * Like the branch statements they are not transactional and refuse to run inside BEGIN … COMMIT.
 */
import { ReadOnlyBranchError, SqlError } from '../../../errors/index.js';
import type { SqlValue } from '../../../objects/index.js';
import type { MergeBranchStmt, MergeControlStmt, ResolveConflictsStmt } from '../../ast.js';
import type { ColumnMeta, Row } from '../../exec/types.js';
import type { ExecResult } from '../../engine/session.js';
import type { SessionState } from '../session-state.js';
import type { MergeOutcome } from './merge-driver.js';

function result(sv: SessionState, columns: ColumnMeta[], rows: Row[]): ExecResult {
  let i = 0;
  return {
    columns,
    rows: () => (i < rows.length ? rows[i++] : undefined),
    changes: 0,
    lastInsertRowid: sv.sqlSession.counters.lastInsertRowid,
    done() {},
  };
}

const text = (name: string): ColumnMeta => ({ name, affinity: 'TEXT', collation: 'BINARY', declType: 'TEXT' });
const int = (name: string): ColumnMeta => ({ name, affinity: 'INTEGER', collation: 'BINARY', declType: 'INTEGER' });

export const MERGE_COLUMNS: ColumnMeta[] = [text('status'), text('commit_id'), int('data_conflicts'), int('schema_conflicts'), int('constraint_violations')];

function outcomeRow(o: MergeOutcome): Row {
  return [o.status, o.commit, BigInt(o.dataConflicts), BigInt(o.schemaConflicts), BigInt(o.constraintViolations)];
}

function notInTransaction(sv: SessionState, what: string): void {
  if (sv.sqlSession.inTransaction) throw new SqlError('SQL_ERROR', `cannot ${what} within a transaction; COMMIT or ROLLBACK first`);
}

function writableBranch(sv: SessionState): string {
  if (sv.pinned) throw new ReadOnlyBranchError(sv.branch);
  return sv.branch;
}

export async function runMergeStatement(sv: SessionState, stmt: MergeBranchStmt | MergeControlStmt | ResolveConflictsStmt, _params: SqlValue[]): Promise<ExecResult> {
  const merges = sv.vc.merges;
  switch (stmt.kind) {
    case 'mergeBranch': {
      notInTransaction(sv, 'merge');
      const into = stmt.into ?? writableBranch(sv);
      const o = stmt.options;
      const r = await merges.merge({
        source: stmt.source,
        into,
        ...(o.noFastForward ? { noFf: true } : {}),
        ...(o.squash ? { squash: true } : {}),
        ...(o.message !== undefined ? { message: o.message } : {}),
        ...(o.strategy !== undefined ? { strategy: o.strategy === 'OURS' ? 'ours' : 'theirs' } : {}),
        ...(o.force ? { force: true } : {}),
        ...(o.dryRun ? { dryRun: true } : {}),
        ...(sv.author !== undefined ? { author: sv.author } : {}),
      });
      return result(sv, MERGE_COLUMNS, [outcomeRow(r)]);
    }
    case 'mergeContinue': {
      notInTransaction(sv, 'continue a merge');
      const message = sv.nextMessage;
      sv.nextMessage = undefined;
      const r = await merges.continue(writableBranch(sv), { ...(message !== undefined ? { message } : {}), ...(sv.author !== undefined ? { author: sv.author } : {}) });
      return result(sv, MERGE_COLUMNS, [outcomeRow(r)]);
    }
    case 'mergeAbort': {
      notInTransaction(sv, 'abort a merge');
      await merges.abort(writableBranch(sv));
      return result(sv, [], []);
    }
    case 'resolveConflicts': {
      notInTransaction(sv, 'resolve conflicts');
      const n = await merges.resolve(writableBranch(sv), {
        ...(stmt.table !== undefined ? { table: stmt.table } : {}),
        ...(stmt.where !== undefined ? { where: stmt.where } : {}),
        using: stmt.using === 'OURS' ? 'ours' : 'theirs',
      });
      return result(sv, [int('resolved')], [[BigInt(n)]]);
    }
  }
}
