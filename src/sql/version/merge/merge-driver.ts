/**
 * `MergeManager`: the merges of one versioned database (one per `VersionControl`).
 *
 * - `merge()`: MERGE BRANCH src INTO dst — up-to-date / fast-forward (a ref move, no data
 *   read) or a three-way merge of the roots (`table-merge.ts`), the constraint check of the
 *   rows it changed (`constraint-check.ts`), then either one commit with two parents (one for
 *   SQUASH) or, on conflicts / violations, a merge in progress: dst does not move, the merged
 *   working root and what is left to resolve are stored in the branch's merge-state record,
 *   and dst's engine works on the working root.
 * - While a merge is in progress, every transaction on dst publishes into the working root
 *   (`publish`, called by the branch's RootStore): a row written by hand resolves that row's
 *   conflict; violations are re-checked.
 * - `resolve()` (RESOLVE CONFLICTS … USING OURS|THEIRS), `continue()` (MERGE CONTINUE: refused
 *   while anything is left, else the merge commit), `abort()` (MERGE ABORT).
 */
import { CID } from '../../../hash/index.js';
import {
  InvalidMergeError,
  MergeConflictsError,
  MergeConstraintViolationsError,
  MergeInProgressError,
  NoMergeInProgressError,
  ReadOnlyBranchError,
  SqlError,
  UncommittedChangesError,
} from '../../../errors/index.js';
import { ProllyTree, decodeRow, encodeRow, type TreeEdit } from '../../../objects/index.js';
import { diffRows, mergeCells, mergeKeylessEntry, type MergeStrategy } from '../../../merge/index.js';
import { Catalog } from '../../catalog/catalog.js';
import type { Engine } from '../../engine/engine.js';
import type { Row } from '../../exec/types.js';
import type { Expr } from '../../ast.js';
import { updateDerived, type RowChangeBytes } from '../../storage/derived.js';
import { TableState } from '../../storage/table-state.js';
import { truthy } from '../../values/index.js';
import type { NodeStore } from '../../../objects/index.js';
import type { RefStore } from '../../../refs/index.js';
import type { SchemaCache } from '../../catalog/catalog.js';
import type { Mutex } from '../../engine/mutex.js';
import { checkConstraints } from './constraint-check.js';
import { decodeMergeState, encodeMergeState, type ConstraintViolation, type DataConflict, type MergeState } from './merge-state.js';
import { RowEvaluator } from './row-eval.js';
import { buildRoot, mergeRoots } from './table-merge.js';

export type MergeStatus = 'up-to-date' | 'fast-forward' | 'merged' | 'conflicts';

export interface MergeRequest {
  source: string;
  into: string;
  noFf?: boolean;
  squash?: boolean;
  message?: string;
  author?: string;
  strategy?: MergeStrategy;
  force?: boolean;
  dryRun?: boolean;
}

export interface MergeOutcome {
  status: MergeStatus;
  /** The new commit (merged / fast-forward), the unchanged head (up-to-date), null otherwise. */
  commit: string | null;
  dataConflicts: number;
  schemaConflicts: number;
  constraintViolations: number;
  /** Data conflicts a STRATEGY resolved automatically. */
  resolved: number;
  base: string | null;
  ours: string;
  theirs: string;
  dryRun: boolean;
}

/** What the merges need from the versioned database (`VersionControl` implements it). */
export interface MergeHost {
  readonly refs: RefStore;
  readonly ns: NodeStore;
  readonly schemas: SchemaCache;
  readonly flushLock: Mutex;
  readonly mode: 'transaction' | 'manual';
  readonly author: string;
  engine(branch: string): Promise<Engine>;
  catalogAt(root: CID): Catalog;
  rootOf(commit: CID): CID;
}

const COUNTERS = { changes: 0, totalChanges: 0, lastInsertRowid: 0n };

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

export class MergeManager {
  private readonly states = new Map<string, MergeState | null>();

  constructor(private readonly vc: MergeHost) {}

  // ───────────────────────────── state ─────────────────────────────

  /** The branch's merge in progress (read once from the ref store, then cached). */
  async state(branch: string): Promise<MergeState | undefined> {
    if (!this.states.has(branch)) {
      const bytes = await this.vc.refs.getMergeState(branch);
      this.states.set(branch, bytes ? decodeMergeState(bytes) : null);
    }
    return this.states.get(branch) ?? undefined;
  }

  /** The cached state (system tables: the branch's engine loaded it when it opened). */
  stateSync(branch: string): MergeState | undefined {
    return this.states.get(branch) ?? undefined;
  }

  private async save(branch: string, s: MergeState | null): Promise<void> {
    await this.vc.refs.putMergeState(branch, s === null ? null : encodeMergeState(s));
    this.states.set(branch, s);
  }

  /** Forget a branch's cached state (dropped or renamed). */
  forget(branch: string): void {
    this.states.delete(branch);
  }

  /**
   * Roots every merge in progress needs kept (for GC marking): the working root and the roots
   * of its base, ours and theirs commits. (The commits themselves: ours is the branch head;
   * theirs / base should stay reachable from a ref — see the report.)
   */
  async liveRoots(): Promise<CID[]> {
    const out: CID[] = [];
    for (const b of this.vc.refs.listBranches()) {
      const s = await this.state(b.name);
      if (!s) continue;
      out.push(CID.parse(s.working));
      for (const c of [s.ours, s.theirs, s.base]) {
        if (c === null) continue;
        try {
          out.push(this.vc.rootOf(CID.parse(c)));
        } catch {
          // a commit that is gone: nothing to keep
        }
      }
    }
    return out;
  }

  /** Commits every merge in progress refers to (ours, theirs, base), for GC marking. */
  async liveCommits(): Promise<CID[]> {
    const out: CID[] = [];
    for (const b of this.vc.refs.listBranches()) {
      const s = await this.state(b.name);
      if (!s) continue;
      for (const c of [s.ours, s.theirs, s.base]) if (c !== null) out.push(CID.parse(c));
    }
    return out;
  }

  // ───────────────────────────── RootStore hooks ─────────────────────────────

  /** The working root of a branch with a merge in progress. */
  async load(branch: string): Promise<CID | undefined> {
    const s = await this.state(branch);
    return s ? CID.parse(s.working) : undefined;
  }

  /** A transaction on a branch with a merge in progress: move the working root. */
  async publish(branch: string, expected: CID | undefined, next: CID): Promise<boolean> {
    const s = await this.state(branch);
    if (!s) return false;
    if (expected !== undefined && expected.toString() !== s.working) {
      throw new SqlError('BUSY', `the merge working state of ${branch} changed under this transaction; retry it`);
    }
    await this.save(branch, this.refresh(s, next));
    return true;
  }

  /** The state after the working root moved to `next`: conflicts on touched rows resolved, violations re-checked. */
  private refresh(s: MergeState, next: CID): MergeState {
    const vc = this.vc;
    const old = vc.catalogAt(CID.parse(s.working));
    const now = vc.catalogAt(next);
    let conflicts = s.conflicts;
    if (conflicts.length > 0) {
      const byTable = new Map<string, Set<string> | null>();
      for (const c of conflicts) {
        if (byTable.has(c.table)) continue;
        const a = old.tables.get(c.table);
        const b = now.tables.get(c.table);
        if (!a || !b) {
          byTable.set(c.table, null);
          continue;
        }
        const touched = new Set<string>();
        for (const d of diffRows(a.rows, b.rows)) touched.add(hex(d.key));
        byTable.set(c.table, touched);
      }
      conflicts = conflicts.filter((c) => {
        const t = byTable.get(c.table);
        return t !== null && t !== undefined && !t.has(hex(c.key));
      });
    }
    const schemaConflicts = s.schemaConflicts.filter((c) => {
      const a = old.tables.get(c.table);
      const b = now.tables.get(c.table);
      return a?.schemaCid?.toString() === b?.schemaCid?.toString();
    });
    const violations = s.violations.length > 0 ? this.violations(CID.parse(s.ours), now) : [];
    return { ...s, working: next.toString(), conflicts, schemaConflicts, violations };
  }

  private violations(ours: CID, merged: Catalog): ConstraintViolation[] {
    const vc = this.vc;
    const oursCat = vc.catalogAt(vc.rootOf(ours));
    const changed: string[] = [];
    for (const [k, ts] of merged.tables) {
      const o = oursCat.tables.get(k);
      if (!o || !o.tableCid || !ts.tableCid || !o.tableCid.equals(ts.tableCid)) changed.push(k);
    }
    return checkConstraints(oursCat, merged, changed, new RowEvaluator(merged, COUNTERS), ProllyTree.empty(vc.ns));
  }

  // ───────────────────────────── MERGE BRANCH ─────────────────────────────

  private async locked<T>(branch: string, f: (engine: Engine) => Promise<T>): Promise<T> {
    const engine = await this.vc.engine(branch);
    await engine.writeLock.acquire();
    try {
      return await f(engine);
    } finally {
      engine.writeLock.release();
    }
  }

  private async flush(): Promise<void> {
    await this.vc.flushLock.acquire();
    try {
      await this.vc.ns.flush({ sync: false });
    } finally {
      this.vc.flushLock.release();
    }
  }

  async merge(req: MergeRequest): Promise<MergeOutcome> {
    const vc = this.vc;
    const refs = vc.refs;
    if (req.strategy !== undefined && req.strategy !== 'ours' && req.strategy !== 'theirs') {
      throw new TypeError(`strategy must be 'ours' or 'theirs', got ${String(req.strategy)}`);
    }
    const theirs = (await refs.resolve(req.source)).commit;
    return this.locked(req.into, async (engine) => {
      const b = refs.requireBranch(req.into);
      if (b.readOnly && !req.dryRun) throw new ReadOnlyBranchError(req.into);
      if (await this.state(req.into)) throw new MergeInProgressError(req.into);
      const ours = b.head;
      const oursRoot = vc.rootOf(ours);
      if (vc.mode === 'manual' && engine.committed.rootCid && !engine.committed.rootCid.equals(oursRoot)) throw new UncommittedChangesError(req.into);
      const out = (status: MergeStatus, commit: string | null, base: CID | undefined, d = 0, s = 0, v = 0, resolved = 0): MergeOutcome => ({
        status,
        commit,
        dataConflicts: d,
        schemaConflicts: s,
        constraintViolations: v,
        resolved,
        base: base?.toString() ?? null,
        ours: ours.toString(),
        theirs: theirs.toString(),
        dryRun: req.dryRun === true,
      });
      if (ours.toString() === theirs.toString() || refs.isAncestor(theirs, ours)) return out('up-to-date', ours.toString(), theirs);
      if (!req.noFf && !req.squash && refs.isAncestor(ours, theirs)) {
        if (!req.dryRun) {
          await refs.moveBranch(req.into, ours, theirs, { message: `merge ${req.source}: fast-forward` });
          engine.reset(vc.catalogAt(vc.rootOf(theirs)));
        }
        return out('fast-forward', theirs.toString(), ours);
      }
      const base = refs.mergeBase(ours, theirs);
      const baseCat = base ? vc.catalogAt(vc.rootOf(base)) : Catalog.empty();
      const oursCat = vc.catalogAt(oursRoot);
      const theirsCat = vc.catalogAt(vc.rootOf(theirs));
      const r = mergeRoots(vc.ns, vc.schemas, baseCat, oursCat, theirsCat, {
        ...(req.strategy !== undefined ? { strategy: req.strategy } : {}),
        prepareInfo: (info) => {
          if (info.indexes.some((ix) => ix.computed)) new RowEvaluator(oursCat, COUNTERS).prepare(info);
        },
      });
      const violations = checkConstraints(oursCat, r.catalog, r.changedTables, new RowEvaluator(r.catalog, COUNTERS), ProllyTree.empty(vc.ns), r.checkFrom);
      const d = r.conflicts.length;
      const s = r.schemaConflicts.length;
      const v = violations.length;
      const blocked = d + s > 0 || (v > 0 && !req.force);
      if (req.dryRun) return out(blocked ? 'conflicts' : 'merged', null, base, d, s, v, r.resolved);
      await this.flush();
      const message = req.message ?? `Merge ${req.source} into ${req.into}`;
      if (blocked) {
        await this.save(req.into, {
          source: req.source,
          ours: ours.toString(),
          theirs: theirs.toString(),
          base: base?.toString() ?? null,
          working: r.rootCid.toString(),
          message,
          author: req.author ?? null,
          squash: req.squash === true,
          force: req.force === true,
          conflicts: r.conflicts,
          schemaConflicts: r.schemaConflicts,
          violations,
        });
        engine.reset(r.catalog);
        return out('conflicts', null, base, d, s, v, r.resolved);
      }
      const c = await refs.commit(req.into, {
        expectedHead: ours,
        root: r.rootCid,
        parents: req.squash ? [ours] : [ours, theirs],
        author: req.author ?? vc.author,
        message,
        txn: refs.allocateTxn(),
      });
      engine.reset(r.catalog);
      return out('merged', c.cid.toString(), base, d, s, v, r.resolved);
    });
  }

  // ───────────────────────────── REVERT ─────────────────────────────

  /**
   * A new commit on `branch` undoing one commit: the three-way merge of the branch's state
   * (ours) with the commit's first parent (theirs) over the commit itself (base). Refused with
   * MERGE_CONFLICTS when later changes collide with the undo (nothing is written), with
   * MERGE_CONSTRAINT_VIOLATIONS when the result breaks constraints.
   */
  async revert(branch: string, ref: string, o: { message?: string; author?: string } = {}): Promise<MergeOutcome> {
    const vc = this.vc;
    const refs = vc.refs;
    const target = (await refs.resolve(ref)).commit;
    const tc = refs.readCommit(target);
    if (tc.parents.length === 0) throw new InvalidMergeError(`cannot revert ${ref}: it is the initial commit`);
    const parent = tc.parents[0]!;
    return this.locked(branch, async (engine) => {
      const b = refs.requireBranch(branch);
      if (b.readOnly) throw new ReadOnlyBranchError(branch);
      if (await this.state(branch)) throw new MergeInProgressError(branch);
      const ours = b.head;
      const oursRoot = vc.rootOf(ours);
      if (vc.mode === 'manual' && engine.committed.rootCid && !engine.committed.rootCid.equals(oursRoot)) throw new UncommittedChangesError(branch);
      if (!refs.isAncestor(target, ours)) throw new InvalidMergeError(`cannot revert ${ref}: it is not in the history of ${branch}`);
      const oursCat = vc.catalogAt(oursRoot);
      const r = mergeRoots(vc.ns, vc.schemas, vc.catalogAt(tc.root), oursCat, vc.catalogAt(vc.rootOf(parent)), {
        prepareInfo: (info) => {
          if (info.indexes.some((ix) => ix.computed)) new RowEvaluator(oursCat, COUNTERS).prepare(info);
        },
      });
      if (r.conflicts.length + r.schemaConflicts.length > 0) throw new MergeConflictsError(branch, r.conflicts.length, r.schemaConflicts.length);
      const violations = checkConstraints(oursCat, r.catalog, r.changedTables, new RowEvaluator(r.catalog, COUNTERS), ProllyTree.empty(vc.ns), r.checkFrom);
      if (violations.length > 0) throw new MergeConstraintViolationsError(branch, violations.length);
      await this.flush();
      const msg = o.message ?? `Revert "${tc.message.split('\n', 1)[0] ?? ''}"\n\nThis reverts commit ${target.toString()}.`;
      const c = await refs.commit(branch, { expectedHead: ours, root: r.rootCid, author: o.author ?? vc.author, message: msg, txn: refs.allocateTxn() });
      engine.reset(r.catalog);
      return {
        status: 'merged',
        commit: c.cid.toString(),
        dataConflicts: 0,
        schemaConflicts: 0,
        constraintViolations: 0,
        resolved: 0,
        base: target.toString(),
        ours: ours.toString(),
        theirs: parent.toString(),
        dryRun: false,
      };
    });
  }

  // ───────────────────────────── CONTINUE / ABORT ─────────────────────────────

  async continue(branch: string, o: { message?: string; author?: string } = {}): Promise<MergeOutcome> {
    const vc = this.vc;
    return this.locked(branch, async (engine) => {
      const s = await this.state(branch);
      if (!s) throw new NoMergeInProgressError(branch);
      if (s.conflicts.length + s.schemaConflicts.length > 0) throw new MergeConflictsError(branch, s.conflicts.length, s.schemaConflicts.length);
      if (s.violations.length > 0 && !s.force) throw new MergeConstraintViolationsError(branch, s.violations.length);
      const ours = CID.parse(s.ours);
      const theirs = CID.parse(s.theirs);
      const working = CID.parse(s.working);
      const c = await vc.refs.commit(branch, {
        expectedHead: ours,
        root: working,
        parents: s.squash ? [ours] : [ours, theirs],
        author: o.author ?? s.author ?? vc.author,
        message: o.message ?? s.message,
        txn: vc.refs.allocateTxn(),
        mergeState: null,
      });
      this.states.set(branch, null);
      engine.reset(vc.catalogAt(working));
      return {
        status: 'merged',
        commit: c.cid.toString(),
        dataConflicts: 0,
        schemaConflicts: 0,
        constraintViolations: s.violations.length,
        resolved: 0,
        base: s.base,
        ours: s.ours,
        theirs: s.theirs,
        dryRun: false,
      };
    });
  }

  async abort(branch: string): Promise<void> {
    const vc = this.vc;
    await this.locked(branch, async (engine) => {
      const s = await this.state(branch);
      if (!s) throw new NoMergeInProgressError(branch);
      await this.save(branch, null);
      const root = await engine.roots.load();
      engine.reset(vc.catalogAt(root ?? vc.rootOf(vc.refs.requireBranch(branch).head)));
    });
  }

  // ───────────────────────────── RESOLVE CONFLICTS ─────────────────────────────

  /**
   * Resolve the conflicts of a branch's merge (of one table, and matching `where`, evaluated
   * on ours' row — theirs' when ours deleted it) to one side. Returns how many were resolved.
   */
  async resolve(branch: string, o: { table?: string; where?: Expr | string; using: MergeStrategy }): Promise<number> {
    const vc = this.vc;
    if (o.using !== 'ours' && o.using !== 'theirs') throw new TypeError(`using must be 'ours' or 'theirs', got ${String(o.using)}`);
    return this.locked(branch, async (engine) => {
      const s = await this.state(branch);
      if (!s) throw new NoMergeInProgressError(branch);
      const table = o.table?.toLowerCase();
      const working = vc.catalogAt(CID.parse(s.working));
      if (table !== undefined && !working.tables.has(table) && !s.schemaConflicts.some((c) => c.table === table)) {
        throw new SqlError('NO_SUCH_TABLE', `no such table: ${o.table}`);
      }
      const ev = new RowEvaluator(working, COUNTERS);
      const tables = new Map(working.tables);
      const views = new Map(working.views);
      const triggers = new Map(working.triggers);
      let count = 0;
      // schema conflicts (not filtered by WHERE)
      const schemaLeft = s.schemaConflicts.filter((c) => {
        if ((table !== undefined && c.table !== table) || o.where !== undefined) return true;
        count++;
        if (o.using === 'theirs') {
          const th = vc.catalogAt(vc.rootOf(CID.parse(s.theirs)));
          if (c.kind === 'view') {
            const v = th.views.get(c.table);
            if (v) views.set(c.table, v);
            else views.delete(c.table);
          } else if (c.kind === 'trigger') {
            const t = th.triggers.get(c.table);
            if (t) triggers.set(c.table, t);
            else triggers.delete(c.table);
          } else {
            const t = th.tables.get(c.table);
            if (t) tables.set(c.table, t);
            else tables.delete(c.table);
          }
        }
        return false;
      });
      const picked = new Map<string, DataConflict[]>();
      const dataLeft: DataConflict[] = [];
      const preds = new Map<string, ((row: Row) => Row[number]) | undefined>();
      for (const c of s.conflicts) {
        if (table !== undefined && c.table !== table) {
          dataLeft.push(c);
          continue;
        }
        const ts = tables.get(c.table);
        if (!ts) {
          dataLeft.push(c);
          continue;
        }
        if (o.where !== undefined) {
          if (!preds.has(c.table)) preds.set(c.table, ev.compile(ts.info, o.where));
          const row = c.ours ?? c.theirs ?? c.base;
          const r: Row = new Array(ts.info.width).fill(null);
          if (row) ts.info.decodeInto(c.key, row, r, 0, ts.info.slotOfTag);
          if (truthy(preds.get(c.table)!(r)) !== true) {
            dataLeft.push(c);
            continue;
          }
        }
        let list = picked.get(c.table);
        if (!list) picked.set(c.table, (list = []));
        list.push(c);
        count++;
      }
      for (const [key, list] of picked) {
        const ts = tables.get(key)!;
        const edits: TreeEdit[] = [];
        const changes: RowChangeBytes[] = [];
        const jsonTags = new Set(ts.info.columns.filter((c) => /^JSONB?$/i.test(c.type.trim())).map((c) => c.tag));
        const missing = new Map(ts.info.columns.filter((c) => c.missingValue !== undefined).map((c) => [c.tag, c.missingValue!] as const));
        for (const c of list.sort((a, b) => Buffer.compare(a.key, b.key))) {
          let value: Uint8Array | null;
          if (c.reason === 'count') {
            value = mergeKeylessEntry(c.base, c.ours, c.theirs, { jsonTags, prefer: o.using, missing }).value ?? c.ours;
          } else if (c.reason === 'cells' && c.base && c.ours && c.theirs) {
            const m = mergeCells(decodeRow(c.base), decodeRow(c.ours), decodeRow(c.theirs), { jsonTags, prefer: o.using, missing });
            value = encodeRow(m.tags, m.values, m.nullTags);
          } else value = o.using === 'ours' ? c.ours : c.theirs;
          const cur = ts.rows.get(c.key) ?? null;
          if (value === null && cur === null) continue;
          if (value !== null && cur !== null && Buffer.compare(value, cur) === 0) continue;
          edits.push({ key: c.key, value });
          const ch: RowChangeBytes = { key: c.key };
          if (cur !== null) ch.before = cur;
          if (value !== null) ch.after = value;
          changes.push(ch);
        }
        if (edits.length === 0) continue;
        const idx = new Map([...ts.indexes].map(([k, st]) => [k, st.tree] as const));
        const nts = new TableState(ts.info, ts.rows.mutate(edits), idx, ts.autoIncrement, ts.schemaCid, undefined);
        if (ts.info.indexes.some((ix) => ix.computed)) ev.prepare(ts.info);
        updateDerived(nts, changes);
        tables.set(key, nts);
      }
      const built = buildRoot(vc.ns, vc.schemas, tables, views, triggers);
      await this.flush();
      const violations = s.violations.length > 0 || count > 0 ? this.violations(CID.parse(s.ours), built.catalog) : [];
      await this.save(branch, { ...s, working: built.rootCid.toString(), conflicts: dataLeft, schemaConflicts: schemaLeft, violations });
      engine.reset(built.catalog);
      return count;
    });
  }
}

