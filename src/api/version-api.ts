/**
 * The version-control half of the public API, behind `Database`: `db.branches.*`,
 * `db.tags.*`, `db.commit`, `db.reset` (also to a ref), `db.status`, `db.log`, `db.diff`, `db.history`,
 * `db.resolve`. Values come back as plain objects with ids as text and times as `Date`s.
 */
import { ReadOnlyBranchError } from '../errors/index.js';
import type { SqlValue } from '../objects/index.js';
import type { BranchInfo as RefBranchInfo } from '../refs/index.js';
import { rootStatus, rowHistory, tableAt, tableDiff, rootObject, type SessionVersion, type VersionControl, type CommitRecord } from '../sql/index.js';
import { toResultValue, toSqlValue, type ResultValue } from './values.js';
import type { Row } from './statement.js';

export interface BranchInfo {
  name: string;
  /** Commit id of the head. */
  head: string;
  createdFrom: { ref: string; commit: string };
  createdAt: Date;
  readOnly: boolean;
  description: string;
  /** Time of the latest move of the head. */
  updatedAt: Date;
}

export interface TagInfo {
  name: string;
  commit: string;
  message: string;
  author: string;
  createdAt: Date;
}

/** A remote-tracking branch (`origin/main`): where a remote's branch was at the last fetch or push. */
export interface RemoteBranchInfo {
  /** `<remote>/<branch>` */
  name: string;
  remote: string;
  branch: string;
  head: string;
  updatedAt: Date;
}

export interface CommitInfo {
  id: string;
  parents: string[];
  author: string;
  message: string;
  timestamp: Date;
  transaction: number;
  scn: number;
  /** True when GC swept this version's data (`log` only; its metadata stays, AS OF it fails with VERSION_PRUNED). */
  pruned?: boolean;
}

export interface CreateBranchOptions {
  /** Where the branch starts: a ref (default: the current branch's head). */
  from?: string;
  /** A past point of `from` (a branch): a time, `{transaction}` or `{scn}`. */
  asOf?: string | Date | { transaction: number } | { scn: number };
  readOnly?: boolean;
  description?: string;
}

export interface DiffRow {
  type: 'added' | 'removed' | 'modified';
  /** The row before (null when added). */
  from: Row | null;
  /** The row after (null when removed). */
  to: Row | null;
}

export interface HistoryRow {
  commit: string;
  timestamp: Date;
  scn: number;
  transaction: number;
  author: string;
  message: string;
  change: 'added' | 'modified' | 'removed';
  /** The row as this commit left it (for `removed`: as it was before). */
  row: Row;
}

/** What `db.reset(ref)` did: the branch and its head before and after (commit ids). */
export interface ResetResult {
  branch: string;
  from: string;
  to: string;
  /** A hard reset dropped the branch's merge in progress (like `git reset --hard` during a merge): the ref it merged. */
  mergeAborted?: string;
}

export interface StatusEntry {
  table: string;
  status: string;
  added: number;
  modified: number;
  removed: number;
}

/** What the version API needs from the default connection. */
export interface VersionApiHost {
  readonly branch: string;
  readonly version: SessionVersion;
  checkOpen(): void;
}

function branchInfo(b: RefBranchInfo): BranchInfo {
  return {
    name: b.name,
    head: b.head.toString(),
    createdFrom: { ref: b.createdFrom.ref, commit: b.createdFrom.commit.toString() },
    createdAt: new Date(b.createdAt),
    readOnly: b.readOnly,
    description: b.description,
    updatedAt: new Date(b.updatedAt),
  };
}

function commitInfo(r: CommitRecord): CommitInfo {
  return { id: r.id, parents: r.parents, author: r.author, message: r.message, timestamp: new Date(r.timestamp), transaction: r.transaction, scn: r.scn };
}

function toRow(names: readonly string[], values: readonly SqlValue[], off: number): Row {
  const o: Row = {};
  for (let i = 0; i < names.length; i++) o[names[i]!] = toResultValue(values[off + i] ?? null, false);
  return o;
}

function matches(row: Row, where: Record<string, unknown> | undefined): boolean {
  if (!where) return true;
  for (const [k, v] of Object.entries(where)) {
    const x: ResultValue | undefined = row[k];
    if (typeof x === 'bigint' || typeof v === 'bigint') {
      if (String(x) !== String(v)) return false;
    } else if (x !== v) return false;
  }
  return true;
}

export class VersionApi {
  readonly branches: {
    create(name: string, options?: CreateBranchOptions): Promise<BranchInfo>;
    list(): BranchInfo[];
    get(name: string): BranchInfo | undefined;
    drop(name: string, options?: { ifExists?: boolean }): Promise<void>;
    rename(name: string, to: string): Promise<BranchInfo>;
    setReadOnly(name: string, readOnly: boolean): Promise<BranchInfo>;
    setDescription(name: string, description: string): Promise<BranchInfo>;
    /** Remote-tracking branches (`origin/main`), of one remote or all. */
    remote(remote?: string): RemoteBranchInfo[];
  };
  readonly tags: {
    create(name: string, options?: { ref?: string; message?: string }): Promise<TagInfo>;
    list(): TagInfo[];
    drop(name: string): Promise<void>;
  };

  constructor(
    private readonly vc: VersionControl,
    private readonly host: VersionApiHost,
  ) {
    const refs = vc.refs;
    this.branches = {
      create: async (name, o = {}) => {
        host.checkOpen();
        if (typeof name !== 'string') throw new TypeError('Expected the branch name as a string');
        const from = o.from ?? host.branch;
        let commit;
        let label = from;
        if (o.asOf !== undefined) {
          const a = o.asOf;
          const at = typeof a === 'string' || a instanceof Date ? { time: new Date(a).getTime() } : 'transaction' in a ? { txn: a.transaction } : { scn: a.scn };
          if ('time' in at && Number.isNaN(at.time)) throw new TypeError(`asOf: not a time: ${String(a)}`);
          commit = (await refs.headAt(from, at)).newHead;
          label = `${from} AS OF ${typeof a === 'string' ? a : a instanceof Date ? a.toISOString() : JSON.stringify(a)}`;
        } else commit = (await refs.resolve(from)).commit;
        return branchInfo(
          await vc.createBranch(name, commit, {
            from: label,
            ...(o.readOnly !== undefined ? { readOnly: o.readOnly } : {}),
            ...(o.description !== undefined ? { description: o.description } : {}),
          }),
        );
      },
      list: () => refs.listBranches().map(branchInfo),
      get: (name) => {
        const b = refs.getBranch(name);
        return b ? branchInfo(b) : undefined;
      },
      drop: async (name, o = {}) => {
        host.checkOpen();
        if (o.ifExists && !refs.getBranch(name)) return;
        await vc.dropBranch(name);
      },
      rename: async (name, to) => {
        host.checkOpen();
        return branchInfo(await vc.renameBranch(name, to));
      },
      setReadOnly: async (name, readOnly) => branchInfo(await refs.setBranchReadOnly(name, readOnly)),
      setDescription: async (name, description) => branchInfo(await refs.setBranchDescription(name, description)),
      remote: (remote) => refs.listRemoteRefs(remote).map((r) => ({ name: r.name, remote: r.remote, branch: r.branch, head: r.head.toString(), updatedAt: new Date(r.updatedAt) })),
    };
    this.tags = {
      create: async (name, o = {}) => {
        host.checkOpen();
        const commit = o.ref === undefined ? host.version.currentCommit() : (await refs.resolve(o.ref)).commit;
        const t = await refs.createTag(name, commit, { message: o.message ?? '', author: host.version.author ?? vc.author });
        return { name: t.name, commit: t.commit.toString(), message: t.message, author: t.author, createdAt: new Date(t.createdAt) };
      },
      list: () => refs.listTags().map((t) => ({ name: t.name, commit: t.commit.toString(), message: t.message, author: t.author, createdAt: new Date(t.createdAt) })),
      drop: async (name) => {
        host.checkOpen();
        await refs.dropTag(name);
      },
    };
  }

  async commit(branch: string, o: { message?: string; author?: string }): Promise<CommitInfo | null> {
    this.host.checkOpen();
    const rec = await this.vc.commit(branch, { ...(o.message !== undefined ? { message: o.message } : {}), ...(o.author !== undefined ? { author: o.author } : {}) });
    return rec ? commitInfo(rec) : null;
  }

  /**
   * Without a ref: drop the uncommitted work (manual mode). With a ref (resolved like AS OF
   * refs): move the branch head there, recorded in the ref log (`VersionControl.resetTo`);
   * `hard` also drops uncommitted work in manual mode, soft keeps it.
   */
  async reset(sv: SessionVersion, ref: string | undefined, o: { hard?: boolean }): Promise<ResetResult> {
    this.host.checkOpen();
    const vc = this.vc;
    const branch = sv.branch;
    if (ref !== undefined && typeof ref !== 'string') throw new TypeError('Expected the ref to reset to as a string');
    if (sv.pinned) throw new ReadOnlyBranchError(branch);
    const hard = ref === undefined ? o.hard !== false : o.hard === true;
    // Like git: a hard reset during a merge aborts the merge (a soft one is refused by resetTo).
    let mergeAborted: string | undefined;
    if (hard) {
      const m = await vc.merges.state(branch);
      if (m) {
        if (vc.refs.requireBranch(branch).readOnly) throw new ReadOnlyBranchError(branch);
        await vc.merges.abort(branch);
        mergeAborted = m.source;
      }
    }
    const aborted = mergeAborted !== undefined ? { mergeAborted } : {};
    if (ref === undefined) {
      const head = vc.refs.requireBranch(branch).head.toString();
      if (hard) await vc.resetHard(branch);
      return { branch, from: head, to: head, ...aborted };
    }
    const to = (await vc.refs.resolve(ref)).commit;
    const r = await vc.resetTo(branch, to, { hard: o.hard === true, message: `reset: moving to ${ref}` });
    return { branch, from: r.oldHead.toString(), to: r.newHead.toString(), ...aborted };
  }

  async status(sv: SessionVersion): Promise<StatusEntry[]> {
    this.host.checkOpen();
    const vc = this.vc;
    if (sv.pinned) return [];
    const headRoot = vc.rootOf(vc.refs.requireBranch(sv.branch).head);
    const rows = rootStatus(vc.ns, vc.schemas, headRoot, sv.engine.committed.rootCid ?? headRoot);
    return rows.map((r) => ({ table: String(r[0]), status: String(r[1]), added: Number(r[2]), modified: Number(r[3]), removed: Number(r[4]) }));
  }

  async log(ref: string, o: { limit?: number }): Promise<CommitInfo[]> {
    this.host.checkOpen();
    const refs = this.vc.refs;
    const head = (await refs.resolve(ref)).commit;
    const out: CommitInfo[] = [];
    for (const e of refs.log(head, o.limit !== undefined ? { limit: o.limit } : {})) {
      const c = e.commit;
      out.push({ id: e.cid.toString(), parents: c.parents.map((p) => p.toString()), author: c.author, message: c.message, timestamp: new Date(c.timestamp), transaction: c.transaction, scn: c.scn, pruned: this.vc.isPruned(e.cid) });
    }
    return out;
  }

  async diff(sv: SessionVersion, table: string, from: string, to?: string): Promise<DiffRow[]> {
    this.host.checkOpen();
    const vc = this.vc;
    const refs = vc.refs;
    const fromRoot = vc.rootOf((await refs.resolve(from)).commit);
    const toRoot = to === undefined ? (sv.engine.committed.rootCid ?? vc.rootOf(sv.currentCommit())) : vc.rootOf((await refs.resolve(to)).commit);
    const key = table.toLowerCase();
    const d = tableDiff(vc.ns, tableAt(vc.ns, vc.schemas, rootObject(vc.ns, fromRoot), key), tableAt(vc.ns, vc.schemas, rootObject(vc.ns, toRoot), key), table);
    const names = d.columns.map((c) => c.name);
    const n = names.length;
    const out: DiffRow[] = [];
    for (const r of d.rows()) {
      const type = r[0] as DiffRow['type'];
      out.push({ type, from: type === 'added' ? null : toRow(names, r, 1), to: type === 'removed' ? null : toRow(names, r, 1 + n) });
    }
    return out;
  }

  async history(sv: SessionVersion, table: string, o: { ref?: string; where?: Record<string, unknown>; limit?: number }): Promise<HistoryRow[]> {
    this.host.checkOpen();
    const vc = this.vc;
    const head = o.ref === undefined ? sv.currentCommit() : (await vc.refs.resolve(o.ref)).commit;
    const h = rowHistory(vc.ns, vc.schemas, vc.refs, head, table, vc.pruned);
    const names = h.columns.map((c) => c.name);
    // `where` on the leading primary-key column is pushed into the walk (only those keys are
    // probed per version); every entry is still checked on the rows below.
    const filter = Object.entries(o.where ?? {}).flatMap(([k, v]) => {
      const c = h.columns.find((x) => x.name === k);
      return c === undefined || v === null || v === undefined ? [] : [{ tag: c.tag, values: [toSqlValue(v, `where.${k}`)] }];
    });
    const out: HistoryRow[] = [];
    for (const r of h.rows(filter)) {
      const row = toRow(names, r, 7);
      if (!matches(row, o.where)) continue;
      out.push({
        commit: r[0] as string,
        timestamp: new Date(`${r[1] as string}Z`),
        scn: Number(r[2]),
        transaction: Number(r[3]),
        author: r[4] as string,
        message: r[5] as string,
        change: r[6] as HistoryRow['change'],
        row,
      });
      if (o.limit !== undefined && out.length >= o.limit) break;
    }
    return out;
  }

  async resolve(ref: string): Promise<{ id: string; kind: 'branch' | 'tag' | 'commit' | 'remote'; name?: string }> {
    this.host.checkOpen();
    const r = await this.vc.refs.resolve(ref);
    return { id: r.commit.toString(), kind: r.kind, ...(r.name !== undefined ? { name: r.name } : {}) };
  }
}
