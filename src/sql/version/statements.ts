/**
 * The version-control statements of one session: USE BRANCH [AS OF], CREATE/DROP/ALTER BRANCH,
 * SHOW BRANCHES/TAGS/TABLES [AS OF], CREATE/DROP TAG, and the procedures
 *
 * - `CALL heliosdb_commit('message' [, 'author'])` — record the uncommitted work (manual
 *   mode) as a commit; returns the commit id (NULL when there was nothing to commit);
 * - `CALL heliosdb_reset()` / `CALL heliosdb_reset('hard')` — drop uncommitted work;
 *   `CALL heliosdb_reset('ref' [, 'hard'|'soft'])` — move the branch head to a ref (like
 *   `git reset`; recorded in the ref log); manual mode: 'hard' also drops uncommitted work,
 *   'soft' (the default) keeps it; returns the old and new head;
 * - `CALL heliosdb_commit_message('message')` — the message of this session's next commit
 *   (transaction mode);
 * - `CALL heliosdb_author('name')` — the author of this session's commits.
 *
 * Branch and tag statements are not transactional (like Git ref updates): they take effect at
 * once and cannot run inside BEGIN … COMMIT where they would change what the session reads.
 */
import { BranchInUseError, ReadOnlyBranchError, SqlError } from '../../errors/index.js';
import type { SqlValue } from '../../objects/index.js';
import type { AsOf, Statement } from '../ast.js';
import type { ColumnMeta, Row } from '../exec/types.js';
import type { ExecResult } from '../engine/session.js';
import { evalConst, UNKNOWN } from './as-of.js';
import { fmtTime } from './history.js';
import type { SessionState as SessionVersion } from './session-state.js';
import { runMergeStatement } from './merge/merge-statements.js';

function result(sv: SessionVersion, columns: ColumnMeta[], rows: Row[] | undefined): ExecResult {
  let i = 0;
  return {
    columns,
    rows: rows ? () => (i < rows.length ? rows[i++] : undefined) : undefined,
    changes: 0,
    lastInsertRowid: sv.sqlSession.counters.lastInsertRowid,
    done() {},
  };
}

const text = (name: string): ColumnMeta => ({ name, affinity: 'TEXT', collation: 'BINARY', declType: 'TEXT' });
const int = (name: string): ColumnMeta => ({ name, affinity: 'INTEGER', collation: 'BINARY', declType: 'INTEGER' });

function value(e: Parameters<typeof evalConst>[0], params: readonly SqlValue[]): SqlValue {
  const v = evalConst(e, undefined, params);
  return v === UNKNOWN ? null : v;
}

function notInTransaction(sv: SessionVersion, what: string): void {
  if (sv.sqlSession.inTransaction) throw new SqlError('SQL_ERROR', `cannot ${what} within a transaction; COMMIT or ROLLBACK first`);
}

/** The commit `from` [AS OF …] names (default: the session's current commit). */
async function target(sv: SessionVersion, from: string | undefined, asOf: AsOf | undefined, params: readonly SqlValue[]): Promise<{ commit: import('../../hash/index.js').CID; label: string }> {
  const refs = sv.vc.refs;
  if (asOf) {
    if (asOf.kind === 'ref') {
      const r = await sv.resolve(asOf, params);
      return { commit: r.commit, label: String(value(asOf.expr, params)) };
    }
    const branch = from ?? sv.branch;
    if (!refs.getBranch(branch)) throw new SqlError('SQL_ERROR', `AS OF ${asOf.kind.toUpperCase()} needs a branch to read the history of; ${branch} is not a branch`);
    const r = await sv.resolve(asOf, params, branch);
    return { commit: r.commit, label: `${branch} AS OF ${asOf.kind.toUpperCase()} ${String(value(asOf.expr, params))}` };
  }
  if (from === undefined) return { commit: sv.currentCommit(), label: sv.label };
  const r = await refs.resolve(from);
  return { commit: r.commit, label: from };
}

/** `target`, refusing a version whose data GC pruned (a branch or tag must not point at one). */
async function keptTarget(sv: SessionVersion, from: string | undefined, asOf: AsOf | undefined, params: readonly SqlValue[]): Promise<{ commit: import('../../hash/index.js').CID; label: string }> {
  const t = await target(sv, from, asOf, params);
  sv.vc.rootOf(t.commit);
  return t;
}

export async function runVersionStatement(sv: SessionVersion, stmt: Statement, params: SqlValue[]): Promise<ExecResult> {
  const vc = sv.vc;
  const refs = vc.refs;
  switch (stmt.kind) {
    case 'useBranch': {
      notInTransaction(sv, 'switch branches');
      refs.requireBranch(stmt.name);
      if (stmt.asOf) {
        const r = await sv.resolve(stmt.asOf, params, stmt.name);
        const engine = await vc.pinnedEngine(stmt.name, vc.rootOf(r.commit));
        sv.sqlSession.engine = engine;
        sv.branch = stmt.name;
        sv.pinned = { commit: r.commit, label: `${stmt.name} AS OF ${String(value(stmt.asOf.expr, params))}` };
      } else {
        const engine = await vc.engine(stmt.name);
        sv.sqlSession.engine = engine;
        sv.branch = stmt.name;
        sv.pinned = undefined;
      }
      return result(sv, [], undefined);
    }
    case 'createBranch': {
      if (stmt.ifNotExists && refs.getBranch(stmt.name)) return result(sv, [], undefined);
      const t = await keptTarget(sv, stmt.from, stmt.asOf, params);
      await vc.createBranch(stmt.name, t.commit, {
        from: t.label,
        readOnly: stmt.readOnly,
        ...(stmt.comment !== undefined ? { description: stmt.comment } : {}),
      });
      return result(sv, [], undefined);
    }
    case 'dropBranch': {
      if (!refs.getBranch(stmt.name)) {
        if (stmt.ifExists) return result(sv, [], undefined);
        refs.requireBranch(stmt.name);
      }
      if (stmt.name === sv.branch) throw new BranchInUseError(stmt.name, 'it is the current branch of this session; USE BRANCH another one first');
      await vc.dropBranch(stmt.name);
      return result(sv, [], undefined);
    }
    case 'alterBranch': {
      const a = stmt.action;
      if (a.kind === 'setReadOnly') await refs.setBranchReadOnly(stmt.name, a.readOnly);
      else if (a.kind === 'setComment') await refs.setBranchDescription(stmt.name, a.comment);
      else {
        await vc.renameBranch(stmt.name, a.to);
      }
      return result(sv, [], undefined);
    }
    case 'show': {
      if (stmt.what === 'branches') {
        const cols = [text('name'), text('head'), int('read_only'), text('description'), text('created_from'), text('created_at'), int('active')];
        const rows: Row[] = refs.listBranches().map((b) => [b.name, b.head.toString(), b.readOnly ? 1n : 0n, b.description, b.createdFrom.ref, fmtTime(b.createdAt), b.name === sv.branch ? 1n : 0n]);
        return result(sv, cols, rows);
      }
      if (stmt.what === 'tags') {
        const cols = [text('name'), text('commit_id'), text('message'), text('author'), text('created_at')];
        return result(sv, cols, refs.listTags().map((t) => [t.name, t.commit.toString(), t.message, t.author, fmtTime(t.createdAt)]));
      }
      let names: string[];
      if (stmt.asOf) {
        const r = await sv.resolve(stmt.asOf, params);
        const cat = vc.catalogAt(vc.rootOf(r.commit));
        names = [...cat.tables.values()].map((t) => t.info.name);
      } else {
        const schema = sv.sqlSession.schema();
        names = schema.tableKeys().map((k) => schema.tableInfo(k)?.name ?? k);
      }
      names.sort();
      return result(sv, [text('name')], names.map((n) => [n]));
    }
    case 'createTag': {
      const t = await keptTarget(sv, stmt.from, stmt.asOf, params);
      await refs.createTag(stmt.name, t.commit, { message: stmt.message ?? '', author: sv.author ?? vc.author });
      return result(sv, [], undefined);
    }
    case 'dropTag': {
      if (stmt.ifExists && !refs.getTag(stmt.name)) return result(sv, [], undefined);
      await refs.dropTag(stmt.name);
      return result(sv, [], undefined);
    }
    case 'call':
      return call(sv, stmt.name.toLowerCase(), stmt.args.map((a) => value(a, params)));
    case 'mergeBranch':
    case 'mergeContinue':
    case 'mergeAbort':
    case 'resolveConflicts':
      return runMergeStatement(sv, stmt, params);
    default:
      throw new SqlError('INTERNAL', `not a version-control statement: ${stmt.kind}`);
  }
}

function str(v: SqlValue | undefined, what: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new SqlError('SQL_ERROR', `${what} must be text`);
  return v;
}

async function call(sv: SessionVersion, name: string, args: SqlValue[]): Promise<ExecResult> {
  const vc = sv.vc;
  switch (name) {
    case 'heliosdb_commit': {
      notInTransaction(sv, 'commit a version');
      if (sv.pinned) throw new ReadOnlyBranchError(sv.branch);
      const message = str(args[0], 'the commit message');
      const author = str(args[1], 'the author') ?? sv.author;
      const rec = await vc.commit(sv.branch, { ...(message !== undefined ? { message } : {}), ...(author !== undefined ? { author } : {}) });
      return result(sv, [text('commit_id')], [[rec ? rec.id : null]]);
    }
    case 'heliosdb_reset': {
      notInTransaction(sv, 'reset');
      const first = str(args[0], 'the reset target');
      const isMode = first === undefined || /^(hard|soft)$/i.test(first);
      const ref = isMode ? undefined : first;
      const mode = ((isMode ? first : str(args[1], 'the reset mode')) ?? (ref === undefined ? 'hard' : 'soft')).toLowerCase();
      if (mode !== 'hard' && mode !== 'soft') throw new SqlError('SQL_ERROR', `unknown reset mode ${mode} (expected 'hard' or 'soft')`);
      if (sv.pinned) throw new ReadOnlyBranchError(sv.branch);
      if (ref === undefined) {
        if (mode === 'hard') await vc.resetHard(sv.branch);
        return result(sv, [], undefined);
      }
      const to = (await vc.refs.resolve(ref)).commit;
      const r = await vc.resetTo(sv.branch, to, { hard: mode === 'hard', message: `reset: moving to ${ref}` });
      return result(sv, [text('old_head'), text('new_head')], [[r.oldHead.toString(), r.newHead.toString()]]);
    }
    case 'heliosdb_commit_message': {
      sv.nextMessage = str(args[0], 'the commit message');
      return result(sv, [], undefined);
    }
    case 'heliosdb_revert': {
      // CALL heliosdb_revert('ref' [, 'message']): a new commit undoing one commit (src/sql/version/merge).
      notInTransaction(sv, 'revert a commit');
      if (sv.pinned) throw new ReadOnlyBranchError(sv.branch);
      const ref = str(args[0], 'the commit to revert');
      if (ref === undefined) throw new SqlError('SQL_ERROR', 'heliosdb_revert needs the commit to revert');
      const message = str(args[1], 'the commit message');
      const r = await vc.merges.revert(sv.branch, ref, { ...(message !== undefined ? { message } : {}), ...(sv.author !== undefined ? { author: sv.author } : {}) });
      return result(sv, [text('commit_id')], [[r.commit]]);
    }
    case 'heliosdb_author': {
      sv.author = str(args[0], 'the author');
      return result(sv, [], undefined);
    }
    case 'heliosdb_gc': {
      // CALL heliosdb_gc() / heliosdb_gc('dry-run') / heliosdb_gc(1): one garbage collection; one row of figures.
      notInTransaction(sv, 'run garbage collection');
      if (!vc.gcRunner) throw new SqlError('NOT_SUPPORTED', 'garbage collection is not available on this database');
      const a = args[0];
      const dryRun = a === 1n || a === 1 || (typeof a === 'string' && /^(dry[-_ ]?run|true|1)$/i.test(a));
      const rep = await vc.gcRunner({ dryRun });
      const keys = Object.keys(rep);
      const cols = keys.map((k) => (typeof rep[k] === 'string' ? text(k) : int(k)));
      const row = keys.map((k) => {
        const v = rep[k];
        return typeof v === 'number' ? BigInt(Math.round(v)) : typeof v === 'boolean' ? (v ? 1n : 0n) : (v ?? null);
      });
      return result(sv, cols, [row]);
    }
    default:
      throw new SqlError('SQL_ERROR', `no such procedure: ${name}`);
  }
}
