/**
 * `RefStore`: branches, tags, remote-tracking refs, merge-in-progress records, the default
 * branch, the per-branch ref log, the SCN and transaction counters, commit reading/writing and
 * ref resolution — over a `MetaStore` (refs and logs) and a `ChunkStore` (commit objects).
 *
 * One `RefStore` per database per process: it keeps every branch, tag and remote-tracking
 * record in memory (loaded by `open`), and each branch's ref-log index once it is first asked
 * for, and it serialises every write through one in-process queue. See index.ts for the
 * durability contract.
 */
import { cidKey, parseCid, type CID } from '../hash/index.js';
import { putChunksWithMeta, type ChunkStore, type MetaOp, type MetaStore } from '../store/index.js';
import {
  decodeCommit,
  makeCommit,
  nextGeneration,
  type Commit,
  type EncodedCommit,
  type NodeStore,
} from '../objects/index.js';
import {
  AmbiguousRefError,
  AsOfBeforeBranchError,
  AsOfInFutureError,
  BranchInUseError,
  ChunkNotFoundError,
  DecodeError,
  InvalidRefNameError,
  ReadOnlyBranchError,
  RefExistsError,
  RefMovedError,
  RefNotFoundError,
  StoreClosedError,
  TransactionNotCommittedError,
} from '../errors/index.js';
import {
  K_COUNTERS,
  K_DEFAULT,
  P_BRANCH,
  P_COMMIT,
  P_MERGE,
  commitKey,
  P_REMOTE,
  P_TAG,
  parseReflogKey,
  reflogKey,
  reflogPrefix,
  txnKey,
} from './meta.js';
import {
  decodeBranch,
  decodeCounters,
  decodeRemote,
  decodeTag,
  encodeBranch,
  encodeCounters,
  encodeReflog,
  encodeRemote,
  encodeTag,
  type BranchRecord,
  type Counters,
  type RemoteRecord,
  type TagRecord,
} from './records.js';
import { ReflogIndex, type ReflogEntry } from './reflog.js';
import { checkRefName, checkRemoteRefName, looksLikeCidPrefix, parseRefExpression, refNameProblem } from './names.js';
import { isAncestor, mergeBases, walkLog, type CommitReader, type LogEntry, type LogOptions } from './graph.js';

export interface RefStoreOptions {
  /** Clock in ms since the epoch (integer). Default `Date.now`. */
  now?: () => number;
  /** Write ref changes with `{sync: true}` (fsync before the call returns). Default true. */
  sync?: boolean;
  /** Decoded commits kept in memory. Default 65,536. */
  commitCacheSize?: number;
}

export interface BranchInfo {
  name: string;
  head: CID;
  /** The ref text the branch was created from and the commit it resolved to. */
  createdFrom: { ref: string; commit: CID };
  createdAt: number;
  readOnly: boolean;
  description: string;
  /** SCN and time of the branch's latest ref-log entry. */
  scn: number;
  updatedAt: number;
}

export interface TagInfo {
  name: string;
  commit: CID;
  message: string;
  author: string;
  createdAt: number;
  scn: number;
}

export interface RemoteRefInfo {
  /** `<remote>/<branch>` */
  name: string;
  remote: string;
  branch: string;
  head: CID;
  updatedAt: number;
  scn: number;
}

export interface ResolvedRef {
  commit: CID;
  /** What the ref text named; `commit` also for any ref with a `~`/`^` suffix. */
  kind: 'branch' | 'tag' | 'commit' | 'remote';
  /** The branch, tag or remote-tracking name (absent for kind `commit`). */
  name?: string;
}

/** A point in a branch's history. */
export type AsOf = { time: number } | { scn: number } | { txn: number };

export interface MoveOptions {
  /** Ref-log message. */
  message?: string;
  /** Transaction that made the move (0 or absent: none). Must have been allocated. */
  txn?: number;
  /**
   * SCN to record (from `allocateScn`); it must exceed every SCN recorded so far. Absent: a new
   * SCN is allocated inside the move, which is always in order.
   */
  scn?: number;
  /** Set (bytes) or clear (null) the branch's merge-in-progress record in the same batch. */
  mergeState?: Uint8Array | null;
}

export interface CommitOptions {
  /** Compare-and-swap: the head the caller's work is based on. */
  expectedHead: CID;
  root: CID;
  /** Default `[expectedHead]`; a merge gives `[ours, theirs]`. */
  parents?: CID[];
  author: string;
  message: string;
  txn?: number;
  /** Commit timestamp; default the time of the move. */
  timestamp?: number;
  /** Ref-log message; default `commit: <first line of message>`. */
  reflogMessage?: string;
  mergeState?: Uint8Array | null;
  /**
   * The node store holding the tree chunks `root` reaches that are not written yet (on the
   * same chunk store as this RefStore). They are written in the commit's own batch — chunks,
   * commit object, ref move and ref-log entry in ONE atomic LevelDB write. The caller must
   * keep other flushes of that node store out until `commit` returns (NodeStore.flush is not
   * re-entrant). Absent: every chunk `root` reaches must already be stored.
   */
  pending?: Pick<NodeStore, 'flush'>;
}

export interface CommitResult extends EncodedCommit {
  entry: ReflogEntry;
}

export interface CreateBranchOptions {
  /** Ref text recorded as "created from" when the target is given as a CID. */
  createdFrom?: string;
  readOnly?: boolean;
  description?: string;
  /** Ref-log message of the creating entry. */
  message?: string;
}

const EMPTY = new Uint8Array(0);
const enc = new TextEncoder();
const dec = new TextDecoder();

function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

function sameCid(a: CID | null, b: CID | null): boolean {
  if (a === null || b === null) return a === b;
  return a.equals(b);
}

function checkUint(what: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new TypeError(`${what} must be a non-negative integer`);
  }
  return n;
}

export class RefStore {
  private readonly branches = new Map<string, BranchRecord>();
  private readonly tags = new Map<string, TagRecord>();
  private readonly remotes = new Map<string, RemoteRecord>();
  private readonly reflogs = new Map<number, ReflogIndex>();
  private readonly txnScns = new Map<number, number>();
  private readonly commits = new Map<string, Commit>();
  private counters: Counters = { scn: 0, txn: 0, branchId: 0 };
  /** Highest SCN written to any ref (moves must go above it). */
  private recordedScn = 0;
  private defaultName: string | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly now: () => number;
  private readonly sync: boolean;
  private readonly cacheSize: number;
  /** Reads a commit synchronously (cached); the reader graph walks use. */
  readonly readCommit: CommitReader;

  private constructor(
    private readonly meta: MetaStore,
    private readonly chunks: ChunkStore,
    options: RefStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.sync = options.sync ?? true;
    this.cacheSize = options.commitCacheSize ?? 65_536;
    this.readCommit = (cid) => this.commitOf(cid);
  }

  /** Load counters and every branch, tag and remote-tracking record. */
  static async open(meta: MetaStore, chunks: ChunkStore, options: RefStoreOptions = {}): Promise<RefStore> {
    const s = new RefStore(meta, chunks, options);
    const c = await meta.get(K_COUNTERS);
    if (c !== undefined) s.counters = decodeCounters(c);
    const d = await meta.get(K_DEFAULT);
    if (d !== undefined) s.defaultName = dec.decode(d);
    let recorded = s.counters.scn;
    for await (const [k, v] of meta.entries(P_BRANCH)) {
      const r = decodeBranch(v);
      s.branches.set(k.slice(P_BRANCH.length), r);
      recorded = Math.max(recorded, r.scn);
    }
    for await (const [k, v] of meta.entries(P_TAG)) {
      const r = decodeTag(v);
      s.tags.set(k.slice(P_TAG.length), r);
      recorded = Math.max(recorded, r.scn);
    }
    for await (const [k, v] of meta.entries(P_REMOTE)) {
      const r = decodeRemote(v);
      s.remotes.set(k.slice(P_REMOTE.length), r);
      recorded = Math.max(recorded, r.scn);
    }
    // No allocation of an earlier run is still outstanding: new moves go above everything.
    s.recordedScn = recorded;
    s.counters.scn = recorded;
    return s;
  }

  // ───────────────────────────── internals ─────────────────────────────

  private check(): void {
    if (this.closed) throw new StoreClosedError('ref store');
  }

  /** Run `fn` after every write queued before it; writes never interleave. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.check();
    const run = this.tail.then(() => {
      this.check();
      return fn();
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  private clock(): number {
    const t = this.now();
    if (!Number.isSafeInteger(t) || t < 0) throw new TypeError('the clock must return a non-negative integer (ms)');
    return t;
  }

  /** Write `ops` plus the counters as one atomic batch. */
  private async write(ops: MetaOp[], sync = this.sync): Promise<void> {
    ops.push({ type: 'put', key: K_COUNTERS, value: encodeCounters(this.counters) });
    await this.meta.batch(ops, { sync });
  }

  private commitOf(cid: CID): Commit {
    const k = cidKey(cid);
    const hit = this.commits.get(k);
    if (hit !== undefined) return hit;
    const bytes = this.chunks.getSync(cid);
    if (bytes === undefined) throw new ChunkNotFoundError(cid.toString(), 'commit');
    const c = decodeCommit(bytes);
    if (this.commits.size >= this.cacheSize) {
      const first = this.commits.keys().next();
      if (!first.done) this.commits.delete(first.value);
    }
    this.commits.set(k, c);
    return c;
  }

  private tryCommit(cid: CID): Commit | undefined {
    try {
      return this.commitOf(cid);
    } catch (err) {
      if (err instanceof ChunkNotFoundError || err instanceof DecodeError) return undefined;
      throw err;
    }
  }

  private record(name: string): BranchRecord {
    const r = this.branches.get(name);
    if (r === undefined) throw new RefNotFoundError(name, 'no such branch');
    return r;
  }

  private info(name: string, r: BranchRecord): BranchInfo {
    return {
      name,
      head: r.head,
      createdFrom: { ref: r.createdFrom.ref, commit: r.createdFrom.commit },
      createdAt: r.createdAt,
      readOnly: r.readOnly,
      description: r.description,
      scn: r.scn,
      updatedAt: r.updatedAt,
    };
  }

  private checkTxn(txn: number | undefined): number {
    if (txn === undefined) return 0;
    checkUint('txn', txn);
    if (txn > this.counters.txn) throw new RangeError(`transaction ${txn} was never allocated (latest ${this.counters.txn})`);
    return txn;
  }

  /** Take the next SCN for a move, or check the caller's. */
  private moveScn(given: number | undefined): number {
    if (given === undefined) {
      this.counters.scn = Math.max(this.counters.scn, this.recordedScn) + 1;
      return this.counters.scn;
    }
    checkUint('scn', given);
    if (given > this.counters.scn) throw new RangeError(`SCN ${given} was never allocated (latest ${this.counters.scn})`);
    if (given <= this.recordedScn) {
      throw new RangeError(`SCN ${given} is not above the latest recorded SCN ${this.recordedScn}; allocate a new one`);
    }
    return given;
  }

  /**
   * The batch ops of one ref-log move of branch `name` (record `r`) to `next`; returns the new
   * record and the entry. Nothing in memory changes until `applyMove`.
   */
  private moveOps(
    name: string,
    r: BranchRecord,
    next: CID,
    scn: number,
    txn: number,
    message: string,
    mergeState: Uint8Array | null | undefined,
    time: number,
    ops: MetaOp[],
  ): { rec: BranchRecord; entry: ReflogEntry; key: string; value: Uint8Array } {
    const rec: BranchRecord = { ...r, head: next, scn, updatedAt: time };
    const value = encodeReflog({ time, oldHead: r.head, newHead: next, txn, message });
    const key = reflogKey(r.id, scn, time);
    ops.push({ type: 'put', key: P_BRANCH + name, value: encodeBranch(rec) });
    ops.push({ type: 'put', key, value });
    ops.push({ type: 'put', key: commitKey(next), value: EMPTY });
    if (txn > 0) ops.push({ type: 'put', key: txnKey(txn), value: encodeCounterValue(scn) });
    if (mergeState === null) ops.push({ type: 'del', key: P_MERGE + name });
    else if (mergeState !== undefined) ops.push({ type: 'put', key: P_MERGE + name, value: mergeState });
    const entry: ReflogEntry = { branch: name, scn, time, oldHead: r.head, newHead: next, txn, message };
    return { rec, entry, key, value };
  }

  private applyMove(name: string, m: { rec: BranchRecord; entry: ReflogEntry; value: Uint8Array }): void {
    this.branches.set(name, m.rec);
    this.recordedScn = Math.max(this.recordedScn, m.entry.scn);
    this.reflogs.get(m.rec.id)?.push(m.entry.scn, m.entry.time, m.value);
    if (m.entry.txn > 0) this.txnScns.set(m.entry.txn, m.entry.scn);
  }

  private async loadReflog(r: BranchRecord): Promise<ReflogIndex> {
    const cached = this.reflogs.get(r.id);
    if (cached !== undefined) return cached;
    return this.exclusive(async () => {
      const again = this.reflogs.get(r.id);
      if (again !== undefined) return again;
      const idx = new ReflogIndex();
      for await (const [k, v] of this.meta.entries(reflogPrefix(r.id))) {
        const { scn, time } = parseReflogKey(k);
        idx.push(scn, time, v);
      }
      this.reflogs.set(r.id, idx);
      return idx;
    });
  }

  // ───────────────────────────── counters ─────────────────────────────

  /** The highest SCN allocated so far (the database's current change number). */
  get latestScn(): number {
    return this.counters.scn;
  }

  /** The highest transaction id allocated so far. */
  get latestTxn(): number {
    return this.counters.txn;
  }

  /** Allocate a transaction id (persisted with the next ref write). */
  allocateTxn(): number {
    this.check();
    return ++this.counters.txn;
  }

  /**
   * Allocate an SCN for a later `moveBranch({scn})`. That move must happen before any other ref
   * write, or it fails; `commit()` avoids the problem by allocating inside the move.
   */
  allocateScn(): number {
    this.check();
    this.counters.scn = Math.max(this.counters.scn, this.recordedScn) + 1;
    return this.counters.scn;
  }

  // ───────────────────────────── commits ─────────────────────────────

  /** true when `cid` is a commit in the chunk store. */
  hasCommit(cid: CID): boolean {
    return this.tryCommit(cid) !== undefined;
  }

  /**
   * Store a commit object (generation computed from its parents, which must be stored) and add
   * it to the commit index. Not synced: a ref that reaches it makes it durable.
   */
  async writeCommit(fields: Omit<Commit, 'generation'>): Promise<EncodedCommit> {
    this.check();
    const generation = nextGeneration(fields.parents.map((p) => this.commitOf(p).generation));
    const e = makeCommit({ ...fields, parents: [...fields.parents], generation });
    await putChunksWithMeta(this.chunks, [{ cid: e.cid, bytes: e.bytes }], this.meta, [{ type: 'put', key: commitKey(e.cid), value: EMPTY }]);
    return e;
  }

  /** Add commits already in the chunk store (e.g. fetched by sync) to the commit index. */
  async indexCommits(cids: readonly CID[]): Promise<void> {
    this.check();
    if (cids.length === 0) return;
    await this.meta.batch(
      cids.map((c) => ({ type: 'put' as const, key: commitKey(c), value: EMPTY })),
      { sync: false },
    );
  }

  /**
   * Record a commit on a branch: under the write queue, check the branch is writable and its
   * head is `expectedHead` (else `REF_MOVED`), allocate the SCN, then write the commit object
   * and move the head with its ref-log entry in ONE atomic batch (synced unless the store was
   * opened with `sync: false`) — with `pending`, the tree chunks too. Without `pending`, every
   * chunk `root` reaches must already be stored.
   */
  async commit(branch: string, o: CommitOptions): Promise<CommitResult> {
    return this.exclusive(async () => {
      const r = this.record(branch);
      if (r.readOnly) throw new ReadOnlyBranchError(branch);
      if (!sameCid(r.head, o.expectedHead)) {
        throw new RefMovedError(branch, o.expectedHead.toString(), r.head.toString());
      }
      const txn = this.checkTxn(o.txn);
      const parents = o.parents ? [...o.parents] : [o.expectedHead];
      const generation = nextGeneration(parents.map((p) => this.commitOf(p).generation));
      const scn = this.moveScn(undefined);
      const ops: MetaOp[] = [];
      const msg = o.reflogMessage ?? `commit: ${o.message.split('\n', 1)[0] ?? ''}`;
      const time = Math.max(this.clock(), r.updatedAt);
      const timestamp = o.timestamp === undefined ? time : checkUint('timestamp', o.timestamp);
      const e = makeCommit({
        root: o.root,
        parents,
        author: o.author,
        message: o.message,
        timestamp,
        transaction: txn,
        scn,
        generation,
      });
      const m = this.moveOps(branch, r, e.cid, scn, txn, msg, o.mergeState, time, ops);
      ops.push({ type: 'put', key: K_COUNTERS, value: encodeCounters(this.counters) });
      const chunk = { cid: e.cid, bytes: e.bytes };
      if (o.pending !== undefined) {
        await o.pending.flush({ sync: this.sync, extra: [chunk], meta: { store: this.meta, ops } });
      } else {
        await putChunksWithMeta(this.chunks, [chunk], this.meta, ops, { sync: this.sync });
      }
      this.commits.set(cidKey(e.cid), e.commit);
      this.applyMove(branch, m);
      return { ...e, entry: m.entry };
    });
  }

  // ───────────────────────────── branches ─────────────────────────────

  /**
   * Create a branch at `target` (ref text, resolved now, or a commit CID). O(1): writes the
   * branch record, one ref-log entry, the commit-index key and the counters, whatever the
   * history size; copies nothing.
   */
  async createBranch(name: string, target: string | CID, options: CreateBranchOptions = {}): Promise<BranchInfo> {
    checkRefName(name);
    let commit: CID;
    let from: string;
    if (typeof target === 'string') {
      commit = (await this.resolve(target)).commit;
      from = target;
    } else {
      commit = target;
      from = options.createdFrom ?? target.toString();
    }
    this.commitOf(commit);
    return this.exclusive(async () => {
      this.checkFree('branch', name);
      const id = ++this.counters.branchId;
      const scn = this.moveScn(undefined);
      const time = this.clock();
      const message = options.message ?? `created from ${from}`;
      const rec: BranchRecord = {
        id,
        head: commit,
        createdFrom: { ref: from, commit },
        createdAt: time,
        readOnly: options.readOnly ?? false,
        description: options.description ?? '',
        scn,
        updatedAt: time,
      };
      const value = encodeReflog({ time, oldHead: null, newHead: commit, txn: 0, message });
      await this.write([
        { type: 'put', key: P_BRANCH + name, value: encodeBranch(rec) },
        { type: 'put', key: reflogKey(id, scn, time), value },
        { type: 'put', key: commitKey(commit), value: EMPTY },
      ]);
      this.branches.set(name, rec);
      this.recordedScn = Math.max(this.recordedScn, scn);
      const idx = new ReflogIndex();
      idx.push(scn, time, value);
      this.reflogs.set(id, idx);
      return this.info(name, rec);
    });
  }

  private checkFree(kind: 'branch' | 'tag', name: string): void {
    if (this.branches.has(name)) throw new RefExistsError(kind, name, 'branch');
    if (this.tags.has(name)) throw new RefExistsError(kind, name, 'tag');
  }

  getBranch(name: string): BranchInfo | undefined {
    this.check();
    const r = this.branches.get(name);
    return r === undefined ? undefined : this.info(name, r);
  }

  /** Like `getBranch`, but `REF_NOT_FOUND` when it does not exist. */
  requireBranch(name: string): BranchInfo {
    this.check();
    return this.info(name, this.record(name));
  }

  /** Every branch, by name. */
  listBranches(): BranchInfo[] {
    this.check();
    return [...this.branches.keys()].sort().map((n) => this.info(n, this.branches.get(n) as BranchRecord));
  }

  /**
   * Move a branch head by compare-and-swap: fails with `REF_MOVED` unless the head is
   * `expectedOld`, and with `READ_ONLY_BRANCH` on a read-only branch. The new head, its ref-log
   * entry and the counters are written in one atomic, synced batch. Contract: a ref moves only
   * after every chunk it reaches is stored — the caller has written them before calling.
   */
  async moveBranch(name: string, expectedOld: CID, next: CID, options: MoveOptions = {}): Promise<ReflogEntry> {
    return this.exclusive(async () => {
      const r = this.record(name);
      if (r.readOnly) throw new ReadOnlyBranchError(name);
      if (!sameCid(r.head, expectedOld)) {
        throw new RefMovedError(name, expectedOld.toString(), r.head.toString());
      }
      this.commitOf(next);
      const txn = this.checkTxn(options.txn);
      const scn = this.moveScn(options.scn);
      const ops: MetaOp[] = [];
      const message = options.message ?? `move to ${next.toString()}`;
      const time = Math.max(this.clock(), r.updatedAt);
      const m = this.moveOps(name, r, next, scn, txn, message, options.mergeState, time, ops);
      await this.write(ops);
      this.applyMove(name, m);
      return m.entry;
    });
  }

  /**
   * Drop a branch with its ref log and merge-in-progress record. Refused for a read-only
   * branch (`READ_ONLY_BRANCH`) and for the default branch (`BRANCH_IN_USE`).
   */
  async dropBranch(name: string): Promise<void> {
    return this.exclusive(async () => {
      const r = this.record(name);
      if (r.readOnly) throw new ReadOnlyBranchError(name);
      if (this.defaultName === name) {
        throw new BranchInUseError(name, 'it is the default branch; make another branch the default first');
      }
      const ops: MetaOp[] = [
        { type: 'del', key: P_BRANCH + name },
        { type: 'del', key: P_MERGE + name },
      ];
      for await (const [k] of this.meta.entries(reflogPrefix(r.id))) ops.push({ type: 'del', key: k });
      this.moveScn(undefined);
      await this.write(ops);
      this.recordedScn = this.counters.scn;
      this.branches.delete(name);
      this.reflogs.delete(r.id);
    });
  }

  /** Rename a branch; its ref log, metadata and merge-in-progress record go with it. */
  async renameBranch(name: string, to: string): Promise<BranchInfo> {
    checkRefName(to);
    return this.exclusive(async () => {
      const r = this.record(name);
      if (name === to) return this.info(name, r);
      this.checkFree('branch', to);
      const merge = await this.meta.get(P_MERGE + name);
      const ops: MetaOp[] = [
        { type: 'del', key: P_BRANCH + name },
        { type: 'put', key: P_BRANCH + to, value: encodeBranch(r) },
      ];
      if (merge !== undefined) {
        ops.push({ type: 'del', key: P_MERGE + name }, { type: 'put', key: P_MERGE + to, value: merge });
      }
      if (this.defaultName === name) ops.push({ type: 'put', key: K_DEFAULT, value: enc.encode(to) });
      await this.write(ops);
      this.branches.delete(name);
      this.branches.set(to, r);
      if (this.defaultName === name) this.defaultName = to;
      return this.info(to, r);
    });
  }

  private async updateRecord(name: string, change: Partial<Pick<BranchRecord, 'readOnly' | 'description'>>): Promise<BranchInfo> {
    return this.exclusive(async () => {
      const r = this.record(name);
      const rec: BranchRecord = { ...r, ...change };
      await this.write([{ type: 'put', key: P_BRANCH + name, value: encodeBranch(rec) }]);
      this.branches.set(name, rec);
      return this.info(name, rec);
    });
  }

  async setBranchReadOnly(name: string, readOnly: boolean): Promise<BranchInfo> {
    if (typeof readOnly !== 'boolean') throw new TypeError('readOnly must be a boolean');
    return this.updateRecord(name, { readOnly });
  }

  async setBranchDescription(name: string, description: string): Promise<BranchInfo> {
    if (typeof description !== 'string') throw new TypeError('description must be a string');
    return this.updateRecord(name, { description });
  }

  /** The database's default branch (what a new session uses), if set. */
  get defaultBranch(): string | undefined {
    return this.defaultName;
  }

  async setDefaultBranch(name: string): Promise<void> {
    return this.exclusive(async () => {
      this.record(name);
      await this.write([{ type: 'put', key: K_DEFAULT, value: enc.encode(name) }]);
      this.defaultName = name;
    });
  }

  // ───────────────────────────── ref log and AS OF ─────────────────────────────

  /** The branch's ref log, newest first (at most `limit` entries). */
  async reflog(branch: string, options: { limit?: number } = {}): Promise<ReflogEntry[]> {
    this.check();
    const idx = await this.loadReflog(this.record(branch));
    const n = Math.min(idx.length, options.limit ?? Infinity);
    const out: ReflogEntry[] = [];
    for (let i = idx.length - 1; out.length < n; i--) out.push(idx.entry(branch, i));
    return out;
  }

  /** `reflog` without waiting: `undefined` when the branch's ref log is not loaded yet. */
  reflogSync(branch: string, options: { limit?: number } = {}): ReflogEntry[] | undefined {
    this.check();
    const idx = this.reflogs.get(this.record(branch).id);
    if (idx === undefined) return undefined;
    const n = Math.min(idx.length, options.limit ?? Infinity);
    const out: ReflogEntry[] = [];
    for (let i = idx.length - 1; out.length < n; i--) out.push(idx.entry(branch, i));
    return out;
  }

  /**
   * The ref-log entry in force on `branch` at a time, SCN, or right after a transaction —
   * a binary search of the branch's ref-log index (loaded once, then kept up to date).
   * A time after the latest move gives the current head.
   */
  async headAt(branch: string, at: AsOf): Promise<ReflogEntry> {
    this.check();
    const r = this.record(branch);
    const idx = this.reflogs.get(r.id) ?? (await this.loadReflog(r));
    if ('txn' in at && typeof at.txn === 'number' && !this.txnScns.has(at.txn) && at.txn > 0 && at.txn <= this.counters.txn) {
      await this.scnOfTxn(at.txn);
    }
    return this.entryAt(branch, r, idx, at);
  }

  /**
   * `headAt` without waiting: `undefined` when the branch's ref log has not been loaded yet
   * (one `headAt` call loads it) or a transaction's SCN needs an asynchronous read.
   */
  headAtSync(branch: string, at: AsOf): ReflogEntry | undefined {
    this.check();
    const r = this.record(branch);
    const idx = this.reflogs.get(r.id);
    if (idx === undefined) return undefined;
    if ('txn' in at && typeof at.txn === 'number' && !this.txnScns.has(at.txn) && at.txn > 0 && at.txn <= this.counters.txn) {
      if (!this.meta.getSync) return undefined;
      const bytes = this.meta.getSync(txnKey(at.txn));
      if (bytes !== undefined) this.txnScns.set(at.txn, decodeCounterValue(bytes));
    }
    return this.entryAt(branch, r, idx, at);
  }

  private entryAt(branch: string, r: BranchRecord, idx: ReflogIndex, at: AsOf): ReflogEntry {
    let i: number;
    let asked: string;
    if ('time' in at) {
      if (typeof at.time !== 'number' || !Number.isFinite(at.time)) throw new TypeError('time must be a finite number (ms)');
      asked = iso(at.time);
      i = idx.atTime(at.time);
      if (i < 0) throw new AsOfBeforeBranchError(branch, asked, iso(idx.times[0] ?? r.createdAt));
    } else if ('scn' in at) {
      const scn = checkUint('scn', at.scn);
      if (scn > this.counters.scn) throw new AsOfInFutureError(`SCN ${scn}`, `SCN ${this.counters.scn}`);
      asked = `SCN ${scn}`;
      i = idx.atScn(scn);
      if (i < 0) throw new AsOfBeforeBranchError(branch, asked, `SCN ${idx.scns[0] ?? r.scn}`);
    } else if ('txn' in at) {
      const txn = checkUint('txn', at.txn);
      if (txn === 0) throw new TypeError('transaction ids start at 1');
      if (txn > this.counters.txn) {
        throw new AsOfInFutureError(`Transaction ${txn}`, `transaction ${this.counters.txn}`);
      }
      const scn = this.txnScns.get(txn);
      if (scn === undefined) throw new TransactionNotCommittedError(txn);
      i = idx.atScn(scn);
      if (i < 0) {
        throw new AsOfBeforeBranchError(branch, `transaction ${txn} (SCN ${scn})`, `SCN ${idx.scns[0] ?? r.scn}`);
      }
    } else {
      throw new TypeError('AS OF needs {time}, {scn} or {txn}');
    }
    return idx.entry(branch, i);
  }

  /** The SCN at which transaction `txn` moved a branch, if it did. */
  async scnOfTxn(txn: number): Promise<number | undefined> {
    const hit = this.txnScns.get(txn);
    if (hit !== undefined) return hit;
    const key = txnKey(txn);
    const bytes = this.meta.getSync ? this.meta.getSync(key) : await this.meta.get(key);
    if (bytes === undefined) return undefined;
    const scn = decodeCounterValue(bytes);
    this.txnScns.set(txn, scn);
    return scn;
  }

  // ───────────────────────────── tags ─────────────────────────────

  async createTag(name: string, target: string | CID, options: { message?: string; author?: string } = {}): Promise<TagInfo> {
    checkRefName(name);
    const commit = typeof target === 'string' ? (await this.resolve(target)).commit : target;
    this.commitOf(commit);
    return this.exclusive(async () => {
      this.checkFree('tag', name);
      const rec: TagRecord = {
        commit,
        message: options.message ?? '',
        author: options.author ?? '',
        createdAt: this.clock(),
        scn: this.moveScn(undefined),
      };
      await this.write([
        { type: 'put', key: P_TAG + name, value: encodeTag(rec) },
        { type: 'put', key: commitKey(commit), value: EMPTY },
      ]);
      this.tags.set(name, rec);
      this.recordedScn = Math.max(this.recordedScn, rec.scn);
      return { name, ...rec };
    });
  }

  getTag(name: string): TagInfo | undefined {
    this.check();
    const r = this.tags.get(name);
    return r === undefined ? undefined : { name, ...r };
  }

  listTags(): TagInfo[] {
    this.check();
    return [...this.tags.keys()].sort().map((n) => ({ name: n, ...(this.tags.get(n) as TagRecord) }));
  }

  async dropTag(name: string): Promise<void> {
    return this.exclusive(async () => {
      if (!this.tags.has(name)) throw new RefNotFoundError(name, 'no such tag');
      this.moveScn(undefined);
      await this.write([{ type: 'del', key: P_TAG + name }]);
      this.recordedScn = this.counters.scn;
      this.tags.delete(name);
    });
  }

  // ───────────────────────────── remote-tracking refs ─────────────────────────────

  /** Set (or with `null` delete) the remote-tracking ref `<remote>/<branch>`. */
  async putRemoteRef(name: string, head: CID | null): Promise<RemoteRefInfo | undefined> {
    checkRemoteRefName(name);
    return this.exclusive(async () => {
      const scn = this.moveScn(undefined);
      if (head === null) {
        await this.write([{ type: 'del', key: P_REMOTE + name }]);
        this.recordedScn = scn;
        this.remotes.delete(name);
        return undefined;
      }
      const rec: RemoteRecord = { head, updatedAt: this.clock(), scn };
      await this.write([
        { type: 'put', key: P_REMOTE + name, value: encodeRemote(rec) },
        { type: 'put', key: commitKey(head), value: EMPTY },
      ]);
      this.recordedScn = scn;
      this.remotes.set(name, rec);
      return remoteInfo(name, rec);
    });
  }

  getRemoteRef(name: string): RemoteRefInfo | undefined {
    this.check();
    const r = this.remotes.get(name);
    return r === undefined ? undefined : remoteInfo(name, r);
  }

  /** Remote-tracking refs, by name; only those of `remote` when given. */
  listRemoteRefs(remote?: string): RemoteRefInfo[] {
    this.check();
    return [...this.remotes.keys()]
      .filter((n) => remote === undefined || n.startsWith(`${remote}/`))
      .sort()
      .map((n) => remoteInfo(n, this.remotes.get(n) as RemoteRecord));
  }

  // ───────────────────────────── merge in progress ─────────────────────────────

  /** The branch's merge-in-progress record (bytes owned by the merge layer), if any. */
  async getMergeState(branch: string): Promise<Uint8Array | undefined> {
    this.check();
    this.record(branch);
    return this.meta.get(P_MERGE + branch);
  }

  /** Record (bytes) or clear (null) the branch's merge in progress; synced. */
  async putMergeState(branch: string, state: Uint8Array | null): Promise<void> {
    return this.exclusive(async () => {
      this.record(branch);
      await this.write([
        state === null ? { type: 'del', key: P_MERGE + branch } : { type: 'put', key: P_MERGE + branch, value: state },
      ]);
    });
  }

  // ───────────────────────────── resolution ─────────────────────────────

  /**
   * Resolve ref text: a branch, tag, remote-tracking ref (`origin/main`), a full commit CID, or
   * a unique prefix (at least 11 characters) of a known commit's CID, followed by any number of
   * `~k` (k-th first-parent ancestor; `~` = `~1`) and `^n` (n-th parent; `^` = `^1`, `^0` =
   * itself) steps. Names are tried in that order; branch and tag names never collide.
   */
  async resolve(ref: string): Promise<ResolvedRef> {
    this.check();
    const { base, steps } = parseRefExpression(ref);
    const found = await this.resolveBase(base);
    if (steps.length === 0) return found;
    let cid = found.commit;
    for (const step of steps) {
      if (step.op === '~') {
        for (let k = 0; k < step.n; k++) {
          const p = this.commitOf(cid).parents[0];
          if (p === undefined) throw new RefNotFoundError(ref, `${cid.toString()} has no parent (history is shorter)`);
          cid = p;
        }
      } else if (step.n > 0) {
        const p = this.commitOf(cid).parents[step.n - 1];
        if (p === undefined) throw new RefNotFoundError(ref, `${cid.toString()} has no parent number ${step.n}`);
        cid = p;
      }
    }
    return { commit: cid, kind: 'commit' };
  }

  private async resolveBase(base: string): Promise<ResolvedRef> {
    const b = this.branches.get(base);
    if (b !== undefined) return { commit: b.head, kind: 'branch', name: base };
    const t = this.tags.get(base);
    if (t !== undefined) return { commit: t.commit, kind: 'tag', name: base };
    const r = this.remotes.get(base);
    if (r !== undefined) return { commit: r.head, kind: 'remote', name: base };
    if (looksLikeCidPrefix(base)) {
      let cid: CID | undefined;
      try {
        cid = parseCid(base);
      } catch {
        cid = undefined;
      }
      if (cid !== undefined) {
        if (this.tryCommit(cid) === undefined) throw new RefNotFoundError(base, 'no commit with this id');
        return { commit: cid, kind: 'commit' };
      }
      const matches: string[] = [];
      for await (const [k] of this.meta.entries(P_COMMIT + base)) {
        matches.push(k.slice(P_COMMIT.length));
        if (matches.length > 10) break;
      }
      if (matches.length > 1) throw new AmbiguousRefError(base, matches);
      if (matches.length === 1) return { commit: parseCid(matches[0] as string), kind: 'commit' };
      throw new RefNotFoundError(base, 'no branch, tag or commit of that name');
    }
    const problem = refNameProblem(base);
    if (problem !== undefined) throw new InvalidRefNameError(base, problem);
    throw new RefNotFoundError(base, 'no branch, tag or commit of that name');
  }

  // ───────────────────────────── graph ─────────────────────────────

  /** History from `from` (one commit or several), newest first in generation order, lazily. */
  log(from: CID | readonly CID[], options: LogOptions = {}): Generator<LogEntry> {
    this.check();
    return walkLog(this.readCommit, from, options);
  }

  /** true when `a` is `b` or one of its ancestors. */
  isAncestor(a: CID, b: CID): boolean {
    this.check();
    return isAncestor(this.readCommit, a, b);
  }

  /** Every lowest common ancestor of `a` and `b`, best first (see graph.ts). */
  mergeBases(a: CID, b: CID): CID[] {
    this.check();
    return mergeBases(this.readCommit, a, b);
  }

  /** The merge base of `a` and `b` (deterministic with criss-cross merges), if any. */
  mergeBase(a: CID, b: CID): CID | undefined {
    return this.mergeBases(a, b)[0];
  }

  /**
   * Commits every ref points at (branch heads, tags, remote-tracking refs), for GC marking.
   * Merge-in-progress records are opaque here: the merge layer adds what they reach.
   */
  refRoots(): CID[] {
    this.check();
    const out: CID[] = [];
    for (const r of this.branches.values()) out.push(r.head);
    for (const t of this.tags.values()) out.push(t.commit);
    for (const r of this.remotes.values()) out.push(r.head);
    return out;
  }

  /** Wait for queued writes, then refuse further calls. Does not close the stores. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.tail;
    this.closed = true;
  }
}

function remoteInfo(name: string, r: RemoteRecord): RemoteRefInfo {
  const slash = name.indexOf('/');
  return { name, remote: name.slice(0, slash), branch: name.slice(slash + 1), head: r.head, updatedAt: r.updatedAt, scn: r.scn };
}

function encodeCounterValue(n: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

function decodeCounterValue(bytes: Uint8Array): number {
  if (bytes.length !== 8) throw new RangeError('bad transaction index value');
  return Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0));
}
