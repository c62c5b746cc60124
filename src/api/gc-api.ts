/**
 * Garbage collection and integrity from the public API: `db.gc({dryRun})`, `db.fsck()`,
 * `db.retention` (the database's retention policy and per-branch overrides), automatic GC, and
 * the `CALL heliosdb_gc()` hook. Wires the GC layer (src/gc) to the versioned database: the
 * roots open transactions and sessions pin, the writers' quiesce point, the on-disk size.
 *
 * Automatic GC (policy `autoGcEnabled`): after the store has grown by `max(64 MiB, half of
 * what the last collection kept)` a collection starts in the background; marking and sweeping
 * yield to the event loop, so readers and writers keep running.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { collect, fsck, GcState, WriteBarrier, describePolicy, type FsckReport, type GcReport, type RetentionPolicy } from '../gc/index.js';
import type { Storage } from '../store/index.js';
import type { VersionControl } from '../sql/index.js';

/** The `[snapshot]` settings of `open()` (heliosdb.toml `snapshot.*`); stored in the database, so they persist. */
export interface SnapshotOptions {
  /** `snapshot.min_retention_seconds`: keep every version younger than this. */
  minRetentionSeconds?: number;
  /** `snapshot.max_snapshots`: keep the newest this-many versions of each branch. */
  maxSnapshots?: number;
  /** `snapshot.auto_gc_enabled`: collect automatically when the store has grown. */
  autoGcEnabled?: boolean;
}

export type { GcReport, FsckReport, RetentionPolicy };

/**
 * `open()`'s `retention` / `timeTravel` options as snapshot settings: `timeTravel: false`
 * (heliosdb.toml `storage.time_travel_enabled = false`) keeps only the newest version of each
 * branch unless the retention options say otherwise.
 */
export function snapshotOptionsOf(
  retention: { minRetentionSeconds?: number; maxSnapshots?: number; autoGc?: boolean } | undefined,
  timeTravel: boolean | undefined,
): SnapshotOptions | undefined {
  if (retention === undefined && timeTravel !== false) return undefined;
  const o: SnapshotOptions = {};
  if (retention?.minRetentionSeconds !== undefined) o.minRetentionSeconds = retention.minRetentionSeconds;
  if (retention?.maxSnapshots !== undefined) o.maxSnapshots = retention.maxSnapshots;
  if (retention?.autoGc !== undefined) o.autoGcEnabled = retention.autoGc;
  if (timeTravel === false) {
    o.maxSnapshots ??= 1;
    o.minRetentionSeconds ??= 0;
  }
  return o;
}

/** Bytes the store must grow by before an automatic collection (at least). */
const AUTO_GC_MIN_BYTES = 64 * 1024 * 1024;

function dirSize(dir: string): number {
  let n = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const f of names) {
    try {
      const st = statSync(join(dir, f));
      n += st.isDirectory() ? dirSize(join(dir, f)) : st.size;
    } catch {
      // a file LevelDB removed meanwhile
    }
  }
  return n;
}

/** `db.retention`: the policy GC applies. */
export interface RetentionApi {
  /** The policy in force on a branch (default: the database's). */
  get(branch?: string): RetentionPolicy;
  /** Set the database policy, or with `{branch}` a branch's override (`null` removes it). */
  set(policy: RetentionPolicy | null, options?: { branch?: string }): Promise<void>;
  /** The policy as text, e.g. `min_retention_seconds=3600, max_snapshots=100`. */
  describe(branch?: string): string;
}

export class GcApi {
  readonly barrier: WriteBarrier;
  private running: Promise<GcReport> | undefined;
  private keptAtLastGc = 0;
  private writtenAtLastGc = 0;
  /** The last automatic collection's failure, if any. */
  lastAutoGcError: unknown;
  /** The report of the last collection that ran (automatic or not). */
  lastReport: GcReport | undefined;
  /** Growth (bytes written) that starts an automatic collection, at least (default 64 MiB). */
  autoGcThresholdBytes = AUTO_GC_MIN_BYTES;
  readonly retention: RetentionApi;

  private constructor(
    private readonly path: string | undefined,
    private readonly storage: Storage,
    private readonly vc: VersionControl,
    readonly state: GcState,
  ) {
    this.barrier = WriteBarrier.install(storage.chunks);
    this.barrier.onWrite = (n) => this.maybeAutoGc(n);
    const self = this;
    this.retention = {
      get: (branch) => (branch === undefined ? self.state.databasePolicy : self.state.policyFor(branch)),
      set: async (policy, options = {}) => {
        if (options.branch !== undefined) {
          vc.refs.requireBranch(options.branch);
          await self.state.setBranchPolicy(options.branch, policy);
        } else await self.state.setDatabasePolicy(policy ?? {});
      },
      describe: (branch) => describePolicy(branch === undefined ? self.state.databasePolicy : self.state.policyFor(branch)),
    };
  }

  /** Load the GC state, apply `open()`'s snapshot options (persisted), and hook into `vc`. */
  static async attach(path: string | undefined, storage: Storage, vc: VersionControl, snapshot: SnapshotOptions | undefined): Promise<GcApi> {
    const state = await GcState.load(storage.meta);
    if (snapshot !== undefined) {
      const cur = state.databasePolicy;
      const next: RetentionPolicy = { ...cur };
      if (snapshot.minRetentionSeconds !== undefined) next.minRetentionSeconds = snapshot.minRetentionSeconds;
      if (snapshot.maxSnapshots !== undefined) next.maxSnapshots = snapshot.maxSnapshots;
      if (snapshot.autoGcEnabled !== undefined) next.autoGcEnabled = snapshot.autoGcEnabled;
      if (JSON.stringify(next) !== JSON.stringify(cur)) await state.setDatabasePolicy(next);
    }
    const api = new GcApi(path, storage, vc, state);
    vc.pruned = state;
    vc.gcRunner = async (o) => flatReport(await api.gc(o));
    return api;
  }

  /** Bytes the database occupies on disk (undefined in memory). */
  diskSize(): number | undefined {
    return this.path === undefined ? undefined : dirSize(this.path);
  }

  /**
   * One garbage collection: prune history outside the retention policy (commit metadata
   * stays), sweep what only pruned history or nothing at all reached, compact. With
   * `dryRun`, only report. Runs one at a time (a second call waits for the first's result).
   */
  async gc(options: { dryRun?: boolean } = {}): Promise<GcReport> {
    while (this.running) await this.running.catch(() => undefined);
    const vc = this.vc;
    const chunks = this.storage.chunks as { compact?: () => Promise<void> };
    const p = collect(
      {
        refs: vc.refs,
        chunks: this.storage.chunks,
        state: this.state,
        barrier: this.barrier,
        now: () => Date.now(),
        quiesce: (fn) => vc.quiesce(fn),
        liveRoots: async () => [...(await vc.liveRoots()), ...(await vc.workingRoots())],
        cachedRoots: () => vc.cachedRoots(),
        pinnedCommits: () => vc.pinnedCommits(),
        onPruned: (roots) => vc.forgetRoots(roots),
        diskSize: () => this.diskSize(),
        ...(typeof chunks.compact === 'function' ? { compact: () => chunks.compact!() } : {}),
      },
      { dryRun: options.dryRun === true },
    );
    this.running = p;
    try {
      const r = await p;
      this.lastReport = r;
      if (!r.dryRun) {
        this.keptAtLastGc = r.bytesKept;
        this.writtenAtLastGc = this.barrier.bytesWritten;
      }
      return r;
    } finally {
      this.running = undefined;
    }
  }

  /** Walk everything reachable, re-hash every chunk, report missing/corrupt ones and the refs reaching them. */
  async fsck(): Promise<FsckReport> {
    const vc = this.vc;
    const extra = [...(await vc.liveRoots()), ...(await vc.workingRoots())].map((cid) => ({ label: 'open transaction or working state', cid }));
    return fsck(vc.refs, this.storage.chunks, this.state, extra);
  }

  private maybeAutoGc(written: number): void {
    if (this.running || this.state.databasePolicy.autoGcEnabled !== true) return;
    const threshold = Math.max(this.autoGcThresholdBytes, this.keptAtLastGc / 2);
    if (written - this.writtenAtLastGc < threshold) return;
    this.writtenAtLastGc = written;
    setImmediate(() => {
      if (this.running || this.closed) return;
      this.gc().catch((e: unknown) => {
        this.lastAutoGcError = e;
      });
    });
  }

  private closed = false;

  /** Wait for a running collection, then stop automatic GC. */
  async close(): Promise<void> {
    this.closed = true;
    this.barrier.onWrite = undefined;
    if (this.running) await this.running.catch(() => undefined);
  }
}

/** A report as a flat record of numbers and text (CALL heliosdb_gc, CLI --json). */
export function flatReport(r: GcReport): Record<string, number | string | boolean | null> {
  return {
    dry_run: r.dryRun,
    policy: r.policy,
    commits_walked: r.commitsWalked,
    commits_pruned: r.commitsPruned,
    commits_kept: r.commitsKept,
    pruned_total: r.prunedTotal,
    chunks_swept: r.chunksSwept,
    bytes_swept: r.bytesSwept,
    chunks_kept: r.chunksKept,
    bytes_kept: r.bytesKept,
    missing: r.missing,
    size_before: r.sizeBefore ?? null,
    size_after: r.sizeAfter ?? null,
    duration_ms: Math.round(r.durationMs),
  };
}

const attached = new WeakMap<VersionControl, GcApi>();

/** Attach GC to a database's version control (called by `open()`). */
export async function attachGc(path: string | undefined, storage: Storage, vc: VersionControl, snapshot: SnapshotOptions | undefined): Promise<GcApi> {
  const api = await GcApi.attach(path, storage, vc, snapshot);
  attached.set(vc, api);
  return api;
}

/** The GC API of an open database. */
export function gcOf(vc: VersionControl): GcApi {
  const api = attached.get(vc);
  if (!api) throw new TypeError('Garbage collection is not attached to this database');
  return api;
}
