/**
 * `collect`: one garbage collection — retention, marking, sweep.
 *
 * 0. Wait for sync transfers in flight (`WriteBarrier.hold`): their chunks are not reachable yet.
 * 1. Snapshot (writers quiescent for a moment, see `GcHost.quiesce`): start the write barrier,
 *    take every root — branch heads, every head their ref logs name, tags, remote-tracking
 *    refs, merge-in-progress records
 *    (scanned for CIDs), and the roots higher layers keep alive (open transactions' snapshots,
 *    manual-mode working roots, pinned sessions, recently read versions).
 * 2. Retention (retention.ts): commits outside every policy are pruned; the markers are
 *    written, synced, before anything is deleted.
 * 3. Mark, in slices that yield to the event loop: commit objects are always kept (log stays
 *    complete); a commit's data only when it is not pruned. Leaves are marked from their parent
 *    without being read.
 * 4. Re-mark from the roots as they are now (refs that moved during marking).
 * 5. Sweep: every stored chunk neither marked nor written since step 1 is deleted, in batches
 *    ordered against concurrent writes (barrier.ts); then LevelDB compacts the chunk range.
 *
 * A crash at any point loses nothing a kept version needs: only unmarked chunks are ever
 * deleted, and a pruned version is marked pruned before its chunks go. If marking finds a chunk
 * missing, the sweep is skipped (run fsck).
 */
import { cidKey, type CID } from '../hash/index.js';
import type { ChunkStore } from '../store/index.js';
import type { RefStore } from '../refs/index.js';
import { ChunkNotFoundError } from '../errors/index.js';
import type { WriteBarrier } from './barrier.js';
import { chunkLinks, scanCids } from './links.js';
import { computeRetention } from './retention.js';
import { describePolicy } from './policy.js';
import type { GcState } from './state.js';
import { packHistory } from './packing.js';

export interface GcHost {
  refs: RefStore;
  chunks: ChunkStore;
  state: GcState;
  barrier: WriteBarrier;
  now(): number;
  /** Run `fn` while no writer is between writing chunks and moving a ref. */
  quiesce<T>(fn: () => Promise<T>): Promise<T>;
  /** Roots kept alive by the layers above (transaction snapshots, working roots, pinned sessions). */
  liveRoots(): Promise<CID[]>;
  /** Roots of decoded past versions cached above (kept unless this run prunes their commit). */
  cachedRoots?(): CID[];
  /** Commits in use by the layers above (pinned sessions): never pruned. */
  pinnedCommits?(): CID[];
  /** Told the roots of the commits this run prunes, before marking (to drop cached decoded versions). */
  onPruned?(roots: ReadonlySet<string>): void;
  /** Bytes on disk (undefined in memory). */
  diskSize(): number | undefined;
  /** Reclaim the space of deleted chunks (LevelDB compaction), if the store can. */
  compact?(): Promise<void>;
}

export interface GcOptions {
  /** Report what would be pruned and swept; change nothing. */
  dryRun?: boolean;
  /** Chunks processed between yields to the event loop (default 2000). */
  slice?: number;
}

export interface GcReport {
  dryRun: boolean;
  /** The database policy, as text. */
  policy: string;
  commitsWalked: number;
  /** Commits pruned by this run (their metadata stays). */
  commitsPruned: number;
  /** Commits whose data is kept. */
  commitsKept: number;
  /** Pruned commits in total (this and earlier runs). */
  prunedTotal: number;
  chunksMarked: number;
  chunksSwept: number;
  bytesSwept: number;
  chunksKept: number;
  bytesKept: number;
  /** Chunks found missing while marking (the sweep is skipped when any is). */
  missing: number;
  /** Bytes on disk before and after (undefined in memory). */
  sizeBefore: number | undefined;
  sizeAfter: number | undefined;
  durationMs: number;
  markMs: number;
  sweepMs: number;
}

const SWEEP_BATCH = 1000;

function tick(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

class Marker {
  readonly marked = new Set<string>();
  missing = 0;
  processed = 0;
  private readonly stack: CID[] = [];

  constructor(
    private readonly chunks: ChunkStore,
    private readonly keepData: (commitKey: string) => boolean,
    private readonly slice: number,
  ) {}

  push(cid: CID): void {
    const k = cidKey(cid);
    if (this.marked.has(k)) return;
    this.marked.add(k);
    this.stack.push(cid);
  }

  async run(): Promise<void> {
    const stack = this.stack;
    while (stack.length > 0) {
      const cid = stack.pop()!;
      if (++this.processed % this.slice === 0) await tick();
      const bytes = this.chunks.getSync(cid);
      if (bytes === undefined) {
        this.missing++;
        continue;
      }
      let l;
      try {
        l = chunkLinks(cid, bytes);
      } catch {
        continue; // not dag-cbor: links to nothing we can follow
      }
      switch (l.kind) {
        case 'leaf':
          break;
        case 'node':
          if (l.level === 1) for (const c of l.children) this.marked.add(cidKey(c));
          else for (const c of l.children) this.push(c);
          break;
        case 'commit':
          for (const p of l.parents) this.push(p);
          if (this.keepData(cidKey(cid))) this.push(l.root);
          break;
        default:
          for (const c of l.links) this.push(c);
      }
    }
  }
}

async function currentRoots(host: GcHost): Promise<CID[]> {
  const roots = [...host.refs.refRoots(), ...(await host.liveRoots())];
  for (const b of host.refs.listBranches()) {
    const m = await host.refs.getMergeState(b.name);
    if (m !== undefined) roots.push(...scanCids(m));
  }
  return roots;
}

/** Run one collection (see the module comment). */
export async function collect(host: GcHost, options: GcOptions = {}): Promise<GcReport> {
  const t0 = performance.now();
  const dryRun = options.dryRun === true;
  const slice = options.slice ?? 2000;
  const sizeBefore = host.diskSize();
  const barrier = host.barrier;
  let roots: CID[] = [];
  await barrier.prepare();
  try {
    await host.quiesce(async () => {
      barrier.begin();
      roots = await currentRoots(host);
    });
    const ret = await computeRetention(host.refs, host.state, host.now(), host.pinnedCommits?.() ?? []);
    if (!dryRun) {
      await host.state.recordPruned(ret.pruneNow, ret.oldest);
      if (host.onPruned && ret.pruneNow.size > 0) {
        const roots = new Set<string>();
        for (const { cid } of ret.pruneNow.values()) roots.add(host.refs.readCommit(cid).root.toString());
        host.onPruned(roots);
      }
    }
    // Data of versions pruned now or before is not marked (it is gone, or going).
    const keepData = (k: string): boolean => !ret.pruneNow.has(k) && !host.state.isPrunedKey(k);
    const marker = new Marker(host.chunks, keepData, slice);
    const tm = performance.now();
    for (const r of roots) marker.push(r);
    // Commits only a ref log reaches (e.g. the old head after a reset): their commit objects
    // stay, their data as retention decided (kept, or pruned and marked so above).
    for (const c of ret.logHeads) marker.push(c);
    for (const c of ret.kept.values()) marker.push(c);
    if (host.cachedRoots) {
      const prunedRoots = new Set<string>();
      for (const { cid } of ret.pruneNow.values()) prunedRoots.add(host.refs.readCommit(cid).root.toString());
      for (const r of host.cachedRoots()) if (!prunedRoots.has(r.toString())) marker.push(r);
    }
    await marker.run();
    // Refs that moved while marking.
    await host.quiesce(async () => {
      for (const r of await currentRoots(host)) marker.push(r);
      await marker.run();
    });
    const markMs = performance.now() - tm;
    const ts = performance.now();
    let chunksSwept = 0;
    let bytesSwept = 0;
    let chunksKept = 0;
    let bytesKept = 0;
    const sweep = marker.missing === 0;
    let batch: CID[] = [];
    const flushBatch = async (): Promise<void> => {
      const cids = batch;
      batch = [];
      let values: (Uint8Array | undefined)[];
      try {
        values = await host.chunks.getMany(cids);
      } catch (e) {
        if (!(e instanceof ChunkNotFoundError)) throw e;
        values = cids.map((c) => host.chunks.getSync(c));
      }
      const doomed: { cid: CID; key: string }[] = [];
      let doomedBytes = 0;
      for (let i = 0; i < cids.length; i++) {
        const c = cids[i]!;
        const k = cidKey(c);
        const n = values[i]?.length ?? 0;
        if (marker.marked.has(k) || barrier.protects(k)) {
          chunksKept++;
          bytesKept += n;
        } else {
          doomed.push({ cid: c, key: k });
          doomedBytes += n;
        }
      }
      if (dryRun || !sweep) {
        chunksSwept += doomed.length;
        bytesSwept += doomedBytes;
        return;
      }
      const gone = await barrier.deleteMany(doomed);
      chunksSwept += gone.length;
      bytesSwept += gone.length === doomed.length ? doomedBytes : Math.round((doomedBytes * gone.length) / Math.max(1, doomed.length));
      chunksKept += doomed.length - gone.length;
    };
    for await (const c of host.chunks.cids()) {
      batch.push(c);
      if (batch.length >= SWEEP_BATCH) {
        await flushBatch();
        await tick();
      }
    }
    if (batch.length > 0) await flushBatch();
    if (!dryRun && sweep) await packHistory(host, keepData); // delta-pack kept history (packing.ts)
    if (!dryRun && sweep && host.compact) await host.compact();
    const sweepMs = performance.now() - ts;
    return {
      dryRun,
      policy: describePolicy(host.state.databasePolicy),
      commitsWalked: ret.walked,
      commitsPruned: ret.pruneNow.size,
      commitsKept: ret.kept.size,
      prunedTotal: host.state.prunedCount + (dryRun ? ret.pruneNow.size : 0),
      chunksMarked: marker.marked.size,
      chunksSwept: dryRun || sweep ? chunksSwept : 0,
      bytesSwept: dryRun || sweep ? bytesSwept : 0,
      chunksKept,
      bytesKept,
      missing: marker.missing,
      sizeBefore,
      sizeAfter: host.diskSize(),
      durationMs: performance.now() - t0,
      markMs,
      sweepMs,
    };
  } finally {
    barrier.end();
  }
}
