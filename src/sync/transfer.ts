/**
 * Moving the chunks one side lacks: walk the DAG from the wanted heads (commits → parents,
 * commit → root → tables → schema / rows / index trees → nodes), ask the destination which
 * CIDs it has in batches, skip every subtree it has, read the rest from the source in batches,
 * verify each chunk against its CID, and write it to the destination in batches.
 *
 * Chunks are written in post-order (a chunk after everything it links to), in batches applied
 * one after another, so at every moment "the destination has X" implies "it has X's whole
 * subtree". That is what makes skipping by CID safe, and what makes a cut transfer resumable:
 * whatever arrived is found by the next run's has-check and not sent again. Refs are not this
 * module's business: the caller moves them after `transfer` resolved.
 */
import { bytesMatchCid, cidKey, type CID } from '../hash/index.js';
import { ChunkMismatchError } from '../errors/index.js';
import type { Chunk } from '../store/index.js';
import type { Commit } from '../objects/index.js';
import { chunkLinks, tryDecodeCommit } from './links.js';
import { walkCommits } from './commit-walk.js';
import type { ChunkSink, ChunkSource } from './transport.js';

export interface TransferProgress {
  /** Chunks written to the destination so far. */
  chunks: number;
  /** Their bytes. */
  bytes: number;
  /** Chunks found already present at the destination (each one a whole skipped subtree). */
  skipped: number;
  elapsedMs: number;
  /** Bytes per second written so far. */
  rate: number;
  done: boolean;
}

export interface TransferOptions {
  source: ChunkSource;
  dest: ChunkSink;
  /** Commits (or any chunks) whose whole DAG the destination must end up holding. */
  heads: readonly CID[];
  /** Re-hash every chunk read from the source (default true). */
  verify?: boolean;
  /** The destination is known to be empty (a fresh clone): skip the has-checks. */
  destEmpty?: boolean;
  /**
   * Commits the destination is known to hold with their whole DAGs (the peer's ref heads): the
   * commit walk stops at them without asking.
   */
  haves?: readonly CID[];
  /** Name of the source in errors. */
  sourceName?: string;
  /** Chunks per has / get request (default 1024). */
  batchChunks?: number;
  /** Bytes per put batch (default 4 MiB). */
  batchBytes?: number;
  /**
   * Read ahead breadth-first (one request per tree level, across siblings and commits) while
   * fewer than this many bytes are read but not yet written (default batchChunks × 16 KiB).
   */
  prefetchBytes?: number;
  /** Called after every batch written, and once at the end (`done`). */
  onProgress?: (p: TransferProgress) => void;
  signal?: AbortSignal;
}

export interface TransferResult {
  chunks: number;
  bytes: number;
  skipped: number;
  /** The commits written (oldest first). */
  commits: CID[];
  elapsedMs: number;
}

interface Pending {
  cid: CID;
  bytes: Uint8Array;
}

const READS_IN_FLIGHT = 4;
const PENDING = 1;
const ACTIVE = 2;
const DONE = 3;

class Walker {
  /** Per chunk (by cidKey): PENDING (read, not yet written), ACTIVE (its links are being sent), DONE. */
  private readonly state = new Map<string, number>();
  private readonly pending = new Map<string, Pending>();
  private pendingBytes = 0;
  private readonly prefetch: number;
  private buffer: Chunk[] = [];
  private bufferBytes = 0;
  private writing: Promise<void> = Promise.resolve();
  private readonly start = performance.now();
  readonly result: TransferResult = { chunks: 0, bytes: 0, skipped: 0, commits: [], elapsedMs: 0 };
  private readonly batch: number;
  private readonly batchBytes: number;
  private readonly verify: boolean;
  private readonly name: string;

  constructor(private readonly o: TransferOptions) {
    this.batch = o.batchChunks ?? 1024;
    this.batchBytes = o.batchBytes ?? 4 << 20;
    this.prefetch = o.prefetchBytes ?? this.batch * 16384;
    this.verify = o.verify ?? true;
    this.name = o.sourceName ?? 'the source';
  }

  private check(): void {
    this.o.signal?.throwIfAborted();
  }

  /**
   * Of `cids` not met before, read the ones the destination lacks (batched has-checks and
   * reads, verified) and mark them PENDING; the others become DONE.
   */
  private async discover(cids: readonly CID[]): Promise<Pending[]> {
    const fresh: CID[] = [];
    for (const c of cids) {
      const k = cidKey(c);
      if (this.state.has(k)) continue;
      this.state.set(k, ACTIVE);
      fresh.push(c);
    }
    const need = await this.lacking(fresh);
    const out: Pending[] = [];
    // Up to READS_IN_FLIGHT read requests at once (latency of remote sources overlaps).
    const parts: CID[][] = [];
    for (let i = 0; i < need.length; i += this.batch) parts.push(need.slice(i, i + this.batch));
    for (let i = 0; i < parts.length; i += READS_IN_FLIGHT) {
      this.check();
      const wave = parts.slice(i, i + READS_IN_FLIGHT);
      const results = await Promise.all(wave.map((part) => this.o.source.getMany(part)));
      wave.forEach((part, w) => {
        const got = results[w] as Uint8Array[];
        for (let j = 0; j < part.length; j++) {
          const cid = part[j] as CID;
          const bytes = got[j] as Uint8Array;
          if (this.verify && !bytesMatchCid(cid, bytes)) throw new ChunkMismatchError(cid.toString(), this.name);
          const k = cidKey(cid);
          this.state.set(k, PENDING);
          const p = { cid, bytes };
          this.pending.set(k, p);
          this.pendingBytes += bytes.length;
          out.push(p);
        }
      });
    }
    return out;
  }

  async emit(cid: CID, bytes: Uint8Array): Promise<void> {
    this.state.set(cidKey(cid), DONE);
    this.buffer.push({ cid, bytes });
    this.bufferBytes += bytes.length;
    if (this.buffer.length >= this.batch || this.bufferBytes >= this.batchBytes) await this.flush();
  }

  /** Hand the buffer to the destination after the previous batch (one batch in flight). */
  async flush(): Promise<void> {
    await this.writing;
    if (this.buffer.length === 0) return;
    const chunks = this.buffer;
    const bytes = this.bufferBytes;
    this.buffer = [];
    this.bufferBytes = 0;
    this.check();
    this.writing = this.o.dest.putMany(chunks).then(() => {
      this.result.chunks += chunks.length;
      this.result.bytes += bytes;
      this.report(false);
    });
    // Surface a failed write at the next flush; keep an unhandled rejection from escaping meanwhile.
    this.writing.catch(() => undefined);
  }

  async finish(): Promise<void> {
    await this.flush();
    await this.writing;
    this.report(true);
  }

  report(done: boolean): void {
    const now = performance.now();
    this.result.elapsedMs = now - this.start;
    if (!this.o.onProgress) return;
    const r = this.result;
    this.o.onProgress({ chunks: r.chunks, bytes: r.bytes, skipped: r.skipped, elapsedMs: r.elapsedMs, rate: r.elapsedMs > 0 ? (r.bytes * 1000) / r.elapsedMs : 0, done });
  }

  /** Write a PENDING chunk after everything it links to. */
  private async send(p: Pending): Promise<void> {
    const k = cidKey(p.cid);
    if (this.pending.delete(k)) this.pendingBytes -= p.bytes.length;
    this.state.set(k, ACTIVE);
    const links = chunkLinks(p.bytes);
    if (links.length > 0) await this.visit(links);
    await this.emit(p.cid, p.bytes);
  }

  /** Send the DAGs of `cids` the destination lacks, children before parents. */
  async visit(cids: readonly CID[]): Promise<void> {
    let level = await this.discover(cids);
    // Read ahead level by level, so a wide tree costs one round trip per level, not per node.
    while (level.length > 0 && this.pendingBytes < this.prefetch) {
      const next: CID[] = [];
      for (const p of level) for (const l of chunkLinks(p.bytes)) next.push(l);
      // Within the budget (about 4 KiB a node); the rest is found depth-first when its parent is sent.
      const room = Math.max(this.batch, Math.floor((this.prefetch - this.pendingBytes) / 4096));
      if (next.length > room) next.length = room;
      level = await this.discover(next);
    }
    for (const c of cids) {
      const p = this.pending.get(cidKey(c));
      // PENDING also when an ancestor's sibling group read it: it must be written before us.
      if (p !== undefined) await this.send(p);
    }
  }

  /**
   * The commits reachable from `heads` that the destination lacks, oldest first; other heads
   * apart. The commit graph is read from the source in waves (breadth-first, up to `batch`
   * commits, stopping at `haves`; see commit-walk.ts), and the destination is asked about a
   * whole wave at once: a linear history costs a few round trips per thousand commits, not two
   * per commit. A wave may read past a commit the destination has (its ancestors come back
   * "present" in the same has-check); waves start small and grow while everything is missing.
   */
  async commitsToSend(heads: readonly CID[]): Promise<{ commits: { cid: CID; bytes: Uint8Array; commit: Commit }[]; others: CID[] }> {
    const commits: { cid: CID; bytes: Uint8Array; commit: Commit }[] = [];
    const others: CID[] = [];
    // The destination's known heads: DONE, so neither walk nor has-check goes past them.
    for (const h of this.o.haves ?? []) this.state.set(cidKey(h), DONE);
    let wave = Math.min(64, this.batch);
    let remoteWalk = this.o.source.walkCommits !== undefined;
    let frontier: CID[] = [...new Map(heads.map((h) => [cidKey(h), h])).values()].filter((h) => !this.state.has(cidKey(h)));
    while (frontier.length > 0) {
      this.check();
      // 1. Where the walk would start: what the destination has is done (the source may not
      //    even hold it, e.g. a thin bundle).
      const start = await this.lacking(frontier);
      if (start.length === 0) break;
      // 2. Read a wave of commits from there.
      let chunks: Chunk[] | undefined;
      if (remoteWalk) {
        chunks = await this.o.source.walkCommits!(start, [...(this.o.haves ?? [])], wave);
        if (chunks === undefined) remoteWalk = false;
      }
      chunks ??= await walkCommits(this.o.source, start, this.state, wave);
      const fresh = chunks.filter((c) => !this.state.has(cidKey(c.cid)));
      const inWave = new Set(fresh.map((c) => cidKey(c.cid)));
      // A start chunk the wave left out: cut by the wave's size (it goes on with the next wave),
      // or one neither side holds — then the source's own error (missing chunk) says so.
      const left = start.filter((c) => !inWave.has(cidKey(c)) && !this.state.has(cidKey(c)));
      if (left.length > 0 && chunks.length < wave) await this.o.source.getMany(left);
      for (const c of fresh) {
        if (this.verify && !bytesMatchCid(c.cid, c.bytes)) throw new ChunkMismatchError(c.cid.toString(), this.name);
      }
      // 3. Which of the wave's further commits the destination has (the start ones it lacks).
      const startKeys = new Set(start.map((c) => cidKey(c)));
      const further = fresh.filter((c) => !startKeys.has(cidKey(c.cid)));
      await this.lacking(further.map((c) => c.cid));
      const next: CID[] = [...left];
      let missing = 0;
      for (const c of fresh) {
        const k = cidKey(c.cid);
        if (this.state.get(k) === DONE) continue;
        missing++;
        const commit = tryDecodeCommit(c.bytes);
        if (commit === undefined) {
          this.state.set(k, PENDING);
          this.pending.set(k, { cid: c.cid, bytes: c.bytes });
          this.pendingBytes += c.bytes.length;
          others.push(c.cid);
          continue;
        }
        this.state.set(k, ACTIVE);
        commits.push({ cid: c.cid, bytes: c.bytes, commit });
        for (const p of commit.parents) {
          const pk = cidKey(p);
          if (!inWave.has(pk) && !this.state.has(pk)) next.push(p);
        }
      }
      if (missing === fresh.length) wave = Math.min(wave * 2, this.batch);
      frontier = [...new Map(next.map((c) => [cidKey(c), c])).values()];
    }
    commits.sort((a, b) => a.commit.generation - b.commit.generation);
    return { commits, others };
  }

  /**
   * Of `cids`, those the destination lacks (asked in batches); the ones it has are DONE, each a
   * skipped subtree.
   */
  private async lacking(cids: readonly CID[]): Promise<CID[]> {
    if (this.o.destEmpty) return [...cids];
    const out: CID[] = [];
    for (let i = 0; i < cids.length; i += this.batch) {
      this.check();
      const part = cids.slice(i, i + this.batch);
      const has = await this.o.dest.hasMany(part);
      part.forEach((c, j) => {
        if (has[j]) {
          this.result.skipped++;
          this.state.set(cidKey(c), DONE);
        } else out.push(c);
      });
    }
    return out;
  }
}

/** Copy to `dest` every chunk reachable from `heads` that it lacks. */
export async function transfer(o: TransferOptions): Promise<TransferResult> {
  const w = new Walker(o);
  const { commits, others } = await w.commitsToSend(o.heads);
  // Commits go in groups: the trees of a group are discovered together (batched across
  // commits), then the group's commits are written, parents first.
  const group = o.batchChunks ?? 1024;
  for (let i = 0; i < commits.length; i += group) {
    const part = commits.slice(i, i + group);
    await w.visit(part.map((c) => c.commit.root));
    for (const c of part) {
      await w.emit(c.cid, c.bytes);
      w.result.commits.push(c.cid);
    }
  }
  await w.visit(others);
  await w.finish();
  return w.result;
}
