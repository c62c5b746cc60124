/**
 * `VersionControl`: the versioned database behind the SQL engine — the `RefStore`, one
 * `Engine` per branch in use (its committed state is the branch's head, or its working root in
 * manual mode), decoded past versions (`Catalog`s by root CID), and the operations that move
 * refs: commits, branch create/drop/rename/read-only, tags, manual-mode commit/status/reset,
 * and `resetTo` (move a branch head to any version, like `git reset <ref>`).
 *
 * Versioning modes:
 * - `transaction` (default): the branch's `RootStore.publish` is a `RefStore.commit` — every
 *   transaction that changes data becomes a commit (author, message, timestamp, transaction id,
 *   SCN); its tree chunks, the commit object and the branch move with its ref-log entry are ONE
 *   atomic batch (synced with `synchronous: 'full'`).
 * - `manual`: `publish` moves the branch's working root, kept under the meta key
 *   `version/working/<branch>` (synced compare-and-swap); `commit()` records it as a commit;
 *   `reset()` drops it.
 *
 * Writers on one branch are serialised by that branch's engine write lock, a FIFO queue:
 * an autocommit write or a `BEGIN IMMEDIATE` transaction waits for the writer before it (no
 * busy error), then runs on the latest state. A `BEGIN [DEFERRED]` transaction reads the
 * snapshot it started on; if another writer committed on the branch since, its first write
 * fails with `BUSY` (roll back and retry), as in SQLite. Sessions on different branches never
 * wait for each other (their commits only share the ref store's short write queue). Readers
 * never wait, and a snapshot never changes under a reader.
 */
import { CID } from '../../hash/index.js';
import { MergeInProgressError, ReadOnlyBranchError, RefMovedError, SqlError } from '../../errors/index.js';
import { encodeRootObject, emptyRoot, type NodeStore } from '../../objects/index.js';
import type { MetaStore } from '../../store/index.js';
import type { BranchInfo, CommitResult, RefStore } from '../../refs/index.js';
import { Catalog, SchemaCache } from '../catalog/catalog.js';
import { Engine } from '../engine/engine.js';
import { Mutex } from '../engine/mutex.js';
import type { CommitInfo, RootStore } from '../engine/root-store.js';
import { MergeManager } from './merge/merge-driver.js';

export type VersioningMode = 'transaction' | 'manual';

/** What `rootOf` asks the GC layer (implemented by `GcState`). */
export interface PruneCheck {
  isPruned(commit: CID): boolean;
  prunedError(commit: CID, timestamp?: number): Error;
}

export interface VersionControlOptions {
  mode: VersioningMode;
  /** Default commit author. */
  author: string;
  /** The root the first commit records when the database has no branch yet (an older, unversioned root). */
  legacyRoot?: CID;
  /** fsync working-root moves (manual mode), as the RefStore does ref moves. Default true. */
  sync?: boolean;
  /** Clock of the initial commit (the RefStore's clock stamps everything else). */
  now?: () => number;
}

/** What `commit()` recorded. */
export interface CommitRecord {
  id: string;
  branch: string;
  parents: string[];
  author: string;
  message: string;
  timestamp: number;
  transaction: number;
  scn: number;
}

const WORKING = 'version/working/';
const MAX_MESSAGE = 200;

/** A commit message generated from the statements of a transaction. */
export function generatedMessage(statements: readonly string[]): string {
  if (statements.length === 0) return 'changes';
  const first = statements[0]!.replace(/\s+/g, ' ').trim();
  const head = first.length > MAX_MESSAGE ? `${first.slice(0, MAX_MESSAGE - 1)}…` : first;
  return statements.length === 1 ? head : `${head} (+${statements.length - 1} more statement${statements.length === 2 ? '' : 's'})`;
}

export function commitRecord(branch: string, r: CommitResult): CommitRecord {
  const c = r.commit;
  return {
    id: r.cid.toString(),
    branch,
    parents: c.parents.map((p) => p.toString()),
    author: c.author,
    message: c.message,
    timestamp: c.timestamp,
    transaction: c.transaction,
    scn: c.scn,
  };
}

/** The RootStore of one branch: commits (transaction mode) or working-root moves (manual mode). */
class BranchRoots implements RootStore {
  /** The working root stored under the meta key (manual mode), as stored bytes. */
  private stored: Uint8Array | undefined;
  /** The latest commit made through this branch (its record is built when first asked for). */
  private last: CommitRecord | { branch: string; result: CommitResult } | undefined;

  get lastCommit(): CommitRecord | undefined {
    const l = this.last;
    if (l === undefined || !('result' in l)) return l;
    const rec = commitRecord(l.branch, l.result);
    this.last = rec;
    return rec;
  }

  set lastCommit(rec: CommitRecord | undefined) {
    this.last = rec;
  }

  constructor(
    private readonly vc: VersionControl,
    public name: string,
  ) {}

  async load(): Promise<CID | undefined> {
    const b = this.vc.refs.requireBranch(this.name);
    const merging = await this.vc.merges.load(this.name);
    if (merging) return merging;
    if (this.vc.mode === 'manual') {
      this.stored = await this.vc.meta.get(WORKING + this.name);
      if (this.stored) return CID.decode(this.stored);
    }
    return this.vc.rootOf(b.head);
  }

  /** `publish` writes the engine's pending chunks itself (in the commit's batch). */
  readonly writesPending = true;

  async publish(expected: CID | undefined, next: CID, info: CommitInfo, pending?: NodeStore): Promise<void> {
    const vc = this.vc;
    const b = vc.refs.requireBranch(this.name);
    if (b.readOnly) throw new ReadOnlyBranchError(this.name);
    if (pending !== undefined && (vc.mode === 'manual' || (await vc.merges.load(this.name)) !== undefined)) {
      // Working-root moves are separate writes: the chunks go first.
      await pending.flush({ sync: false });
      pending = undefined;
    }
    if (await vc.merges.publish(this.name, expected, next)) return;
    if (vc.mode === 'manual') {
      const ok = await vc.meta.compareAndSwap(WORKING + this.name, this.stored, next.bytes, { sync: vc.sync });
      if (!ok) throw new SqlError('BUSY', `the working root of branch ${this.name} was changed by another writer; retry the transaction`);
      this.stored = next.bytes;
      return;
    }
    const head = b.head;
    const want: CID | undefined = expected;
    if (want !== undefined && !vc.rootOf(head).equals(want)) {
      throw new RefMovedError(this.name, String(want), head.toString());
    }
    const r = await vc.refs.commit(this.name, {
      expectedHead: head,
      root: next,
      author: info.author ?? vc.author,
      message: info.message ?? generatedMessage(info.statements),
      txn: vc.refs.allocateTxn(),
      ...(pending !== undefined ? { pending } : {}),
    });
    this.last = { branch: this.name, result: r };
  }

  /** Manual mode: forget the stored working root (it equals the head again). */
  async clearWorking(): Promise<void> {
    await this.vc.meta.batch([{ type: 'del', key: WORKING + this.name }], { sync: true });
    this.stored = undefined;
  }

  /** Manual mode: store `root` as the working root (a soft reset keeps the state it had). */
  async keepWorking(root: CID): Promise<void> {
    const ok = await this.vc.meta.compareAndSwap(WORKING + this.name, this.stored, root.bytes, { sync: true });
    if (!ok) throw new SqlError('BUSY', `the working root of branch ${this.name} was changed by another writer; retry`);
    this.stored = root.bytes;
  }
}

interface BranchEngine {
  engine: Engine;
  roots: BranchRoots;
}

export class VersionControl {
  readonly schemas = new SchemaCache();
  /** One NodeStore flush at a time across the branches' engines. */
  readonly flushLock = new Mutex();
  private readonly engines = new Map<string, Promise<BranchEngine>>();
  private readonly catalogs = new Map<string, Catalog>();
  /** Open sessions (their branch names follow a rename). */
  readonly sessions = new Set<{ branch: string; pinned?: { commit: CID } | undefined }>();
  author: string;
  /** fsync working-root moves. */
  sync = true;
  /** Merges in progress and the MERGE / RESOLVE operations (src/sql/version/merge). */
  readonly merges: MergeManager = new MergeManager(this);

  private constructor(
    readonly refs: RefStore,
    readonly ns: NodeStore,
    readonly meta: MetaStore,
    readonly mode: VersioningMode,
    author: string,
  ) {
    this.author = author;
  }

  /** Open: the first open creates branch `main` with an initial (empty) commit. */
  static async open(refs: RefStore, ns: NodeStore, meta: MetaStore, options: VersionControlOptions): Promise<VersionControl> {
    const vc = new VersionControl(refs, ns, meta, options.mode, options.author);
    vc.sync = options.sync ?? true;
    if (refs.listBranches().length === 0) {
      const root = options.legacyRoot ?? ns.putBytes(encodeRootObject(emptyRoot()));
      await vc.flushLock.acquire();
      try {
        await ns.flush({ sync: true });
      } finally {
        vc.flushLock.release();
      }
      const c = await refs.writeCommit({
        root,
        parents: [],
        author: options.author,
        message: 'Initialize data repository',
        timestamp: (options.now ?? Date.now)(),
        transaction: 0,
        scn: 0,
      });
      await refs.createBranch('main', c.cid, { createdFrom: 'init', message: 'initial commit' });
      await refs.setDefaultBranch('main');
    }
    // Load every ref log now, so AS OF lookups and heliosdb_reflog never wait.
    for (const b of refs.listBranches()) await refs.reflog(b.name, { limit: 1 });
    return vc;
  }

  /** The default branch (what a new session uses). */
  get defaultBranch(): string {
    return this.refs.defaultBranch ?? this.refs.listBranches()[0]?.name ?? 'main';
  }

  rootOf(commit: CID): CID {
    const c = this.refs.readCommit(commit);
    if (this.pruned !== undefined && this.pruned.isPruned(commit)) throw this.pruned.prunedError(commit, c.timestamp);
    return c.root;
  }

  /** Set by the GC layer: which commits were pruned (their data swept); `rootOf` refuses them. */
  pruned: PruneCheck | undefined;

  /** Set by the API layer: runs a garbage collection (`CALL heliosdb_gc()`); the report as a flat record. */
  gcRunner: ((o: { dryRun: boolean }) => Promise<Record<string, number | string | boolean | null>>) | undefined;

  /** True when GC pruned the commit's data (its metadata stays). */
  isPruned(commit: CID): boolean {
    return this.pruned !== undefined && this.pruned.isPruned(commit);
  }

  /** Roots of the decoded past versions kept in memory (a running reader may hold one; GC keeps them). */
  cachedRoots(): CID[] {
    const out: CID[] = [];
    for (const c of this.catalogs.values()) if (c.rootCid) out.push(c.rootCid);
    return out;
  }

  /** Commits that sessions pinned with `USE BRANCH … AS OF` read (GC keeps their data). */
  pinnedCommits(): CID[] {
    const out: CID[] = [];
    for (const s of this.sessions) if (s.pinned) out.push(s.pinned.commit);
    return out;
  }

  /** Forget decoded past versions whose root GC is about to sweep (root CIDs as text). */
  forgetRoots(roots: ReadonlySet<string>): void {
    for (const [k, c] of [...this.catalogs]) if (c.rootCid && roots.has(c.rootCid.toString())) this.catalogs.delete(k);
  }

  /** Manual mode: the stored working root of every branch (also of branches whose engine is not open). */
  async workingRoots(): Promise<CID[]> {
    const out: CID[] = [];
    for await (const [, v] of this.meta.entries(WORKING)) {
      try {
        out.push(CID.decode(v));
      } catch {
        // not a CID: holds nothing
      }
    }
    return out;
  }

  /**
   * Run `fn` while no engine is between writing its chunks and moving its ref: every open
   * engine's write lock is held. The locks are tried without queueing (released and retried
   * when one is busy), so writers never wait behind GC for more than `fn`; after about two
   * seconds of contention the locks are queued for.
   */
  async quiesce<T>(fn: () => Promise<T>): Promise<T> {
    const engines: Engine[] = [];
    for (const p of this.engines.values()) {
      try {
        engines.push((await p).engine);
      } catch {
        // an engine that failed to open writes nothing
      }
    }
    const held: Engine[] = [];
    let got = false;
    for (let attempt = 0; attempt < 1000 && !got; attempt++) {
      got = true;
      for (const e of engines) {
        if (e.writeLock.tryAcquire()) held.push(e);
        else {
          got = false;
          break;
        }
      }
      if (!got) {
        for (const e of held.splice(0)) e.writeLock.release();
        await new Promise((r) => setTimeout(r, attempt < 20 ? 0 : 2));
      }
    }
    if (!got) for (const e of engines) {
      await e.writeLock.acquire();
      held.push(e);
    }
    try {
      return await fn();
    } finally {
      for (const e of held) e.writeLock.release();
    }
  }

  /** The decoded state of a root (cached). */
  catalogAt(root: CID): Catalog {
    const k = root.toString();
    let c = this.catalogs.get(k);
    if (!c) {
      c = Catalog.load(this.ns, root, this.schemas);
      if (this.catalogs.size >= 64) this.catalogs.delete(this.catalogs.keys().next().value!);
      this.catalogs.set(k, c);
    }
    return c;
  }

  private async branchEngine(name: string): Promise<BranchEngine> {
    let p = this.engines.get(name);
    if (!p) {
      this.refs.requireBranch(name);
      p = (async () => {
        const roots = new BranchRoots(this, name);
        const engine = await Engine.open({ ns: this.ns, roots, schemas: this.schemas, flushLock: this.flushLock });
        // Load the ref log once so AS OF lookups on this branch never wait.
        await this.refs.reflog(name, { limit: 1 });
        return { engine, roots };
      })();
      this.engines.set(name, p);
      p.catch(() => this.engines.delete(name));
    }
    return p;
  }

  /** The engine of a branch (opened on first use, shared by every session on the branch). */
  async engine(name: string): Promise<Engine> {
    return (await this.branchEngine(name)).engine;
  }

  /** The latest commit made through a branch's engine (what the last transaction recorded). */
  async lastCommit(name: string): Promise<CommitRecord | undefined> {
    return (await this.branchEngine(name)).roots.lastCommit;
  }

  /** A read-only engine pinned to one root (USE BRANCH b AS OF …). */
  async pinnedEngine(branch: string, root: CID): Promise<Engine> {
    const roots: RootStore = {
      load: async () => root,
      publish: async () => {
        throw new ReadOnlyBranchError(branch);
      },
    };
    return Engine.open({ ns: this.ns, roots, schemas: this.schemas, flushLock: this.flushLock });
  }

  // ───────────────────────────── branches ─────────────────────────────

  async createBranch(name: string, at: CID, o: { from: string; readOnly?: boolean; description?: string }): Promise<BranchInfo> {
    return this.refs.createBranch(name, at, {
      createdFrom: o.from,
      ...(o.readOnly !== undefined ? { readOnly: o.readOnly } : {}),
      ...(o.description !== undefined ? { description: o.description } : {}),
    });
  }

  async dropBranch(name: string): Promise<void> {
    const p = this.engines.get(name);
    await this.refs.dropBranch(name);
    this.merges.forget(name);
    await this.meta.batch([{ type: 'del', key: WORKING + name }], { sync: true });
    if (p) {
      this.engines.delete(name);
      (await p).engine.close();
    }
  }

  async renameBranch(name: string, to: string): Promise<BranchInfo> {
    const info = await this.refs.renameBranch(name, to);
    this.merges.forget(name);
    this.merges.forget(to);
    const w = await this.meta.get(WORKING + name);
    if (w) {
      await this.meta.batch(
        [
          { type: 'put', key: WORKING + to, value: w },
          { type: 'del', key: WORKING + name },
        ],
        { sync: true },
      );
    }
    const p = this.engines.get(name);
    if (p) {
      this.engines.delete(name);
      this.engines.set(to, p);
      (await p).roots.name = to;
    }
    for (const sv of this.sessions) if (sv.branch === name) sv.branch = to;
    return info;
  }

  // ───────────────────────────── manual mode ─────────────────────────────

  /**
   * Record the branch's working root as a commit (manual mode; in transaction mode there is
   * never uncommitted work). `undefined` when there is nothing to commit.
   */
  async commit(branch: string, o: { message?: string; author?: string }): Promise<CommitRecord | undefined> {
    const be = await this.branchEngine(branch);
    const engine = be.engine;
    await engine.writeLock.acquire();
    try {
      const b = this.refs.requireBranch(branch);
      if (b.readOnly) throw new ReadOnlyBranchError(branch);
      const root = engine.committed.rootCid;
      if (!root || root.equals(this.rootOf(b.head))) return undefined;
      const r = await this.refs.commit(branch, {
        expectedHead: b.head,
        root,
        author: o.author ?? this.author,
        message: o.message ?? 'commit',
        txn: this.refs.allocateTxn(),
      });
      await be.roots.clearWorking();
      const rec = commitRecord(branch, r);
      be.roots.lastCommit = rec;
      return rec;
    } finally {
      engine.writeLock.release();
    }
  }

  /** Drop uncommitted work: the branch's state becomes its head commit again. */
  async resetHard(branch: string): Promise<void> {
    const be = await this.branchEngine(branch);
    const engine = be.engine;
    await engine.writeLock.acquire();
    try {
      const b = this.refs.requireBranch(branch);
      if (b.readOnly) throw new ReadOnlyBranchError(branch);
      await be.roots.clearWorking();
      engine.reset(this.catalogAt(this.rootOf(b.head)));
    } finally {
      engine.writeLock.release();
    }
  }

  /**
   * Move the branch head to `target` (like `git reset <ref>`), under the branch's write lock:
   * one compare-and-swap ref move recorded in the ref log (old and new head, `message`), so it
   * is auditable and undoable; the old head stays reachable through the ref log only (GC keeps
   * it per the retention rules). Refused on a read-only branch, while a merge is in progress,
   * and for a version whose data GC pruned. Sessions on the branch see the new head at once.
   * Manual mode: `hard` also drops the uncommitted work; soft keeps the working root, whose
   * changes then show against the new head. Transaction mode has no uncommitted work: both
   * move the head and the state.
   */
  async resetTo(branch: string, target: CID, o: { hard: boolean; message?: string }): Promise<{ oldHead: CID; newHead: CID }> {
    const be = await this.branchEngine(branch);
    const engine = be.engine;
    await engine.writeLock.acquire();
    try {
      const b = this.refs.requireBranch(branch);
      if (b.readOnly) throw new ReadOnlyBranchError(branch);
      if (await this.merges.state(branch)) throw new MergeInProgressError(branch);
      const old = b.head;
      const targetRoot = this.rootOf(target);
      const soft = this.mode === 'manual' && !o.hard;
      if (soft) {
        // Store the working state before the move: a crash in between leaves the old head with no changes.
        const working = engine.committed.rootCid ?? this.rootOf(old);
        if (!working.equals(targetRoot)) await be.roots.keepWorking(working);
      }
      if (old.toString() !== target.toString()) await this.refs.moveBranch(branch, old, target, { message: o.message ?? `reset: moving to ${target.toString()}` });
      const working = engine.committed.rootCid;
      if (soft) {
        if (working && working.equals(targetRoot)) await be.roots.clearWorking();
      } else {
        if (this.mode === 'manual') await be.roots.clearWorking();
        engine.reset(this.catalogAt(targetRoot));
      }
      return { oldHead: old, newHead: target };
    } finally {
      engine.writeLock.release();
    }
  }

  /** Root of the branch's committed head and of its current (working) state. */
  async heads(branch: string): Promise<{ head: CID; headRoot: CID; working: CID }> {
    const engine = await this.engine(branch);
    const head = this.refs.requireBranch(branch).head;
    const headRoot = this.rootOf(head);
    return { head, headRoot, working: engine.committed.rootCid ?? headRoot };
  }

  /**
   * Roots that must stay readable besides what refs reach (for GC marking): every open
   * transaction's snapshot and the working state of every branch in use (manual mode), and the
   * versions pinned sessions read.
   */
  async liveRoots(): Promise<CID[]> {
    const out = new Map<string, CID>();
    for (const p of this.engines.values()) {
      try {
        for (const c of (await p).engine.liveRoots()) out.set(c.toString(), c);
      } catch {
        // an engine that failed to open holds nothing
      }
    }
    for (const r of await this.merges.liveRoots()) out.set(r.toString(), r);
    for (const s of this.sessions) {
      const pinned = s.pinned;
      if (pinned) {
        const r = this.refs.readCommit(pinned.commit).root;
        out.set(r.toString(), r);
      }
    }
    return [...out.values()];
  }

  async close(): Promise<void> {
    for (const p of this.engines.values()) {
      try {
        (await p).engine.close();
      } catch {
        // an engine that failed to open has nothing to close
      }
    }
    this.engines.clear();
  }
}
