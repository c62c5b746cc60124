/**
 * `NodeStore`: the prolly tree's window on a `ChunkStore`.
 *
 * - Reads are synchronous: `getNode` looks in the decoded-node cache, then in the chunks
 *   written but not yet flushed, then asks the store with `getSync`, re-hashes the bytes
 *   (unless `verify: false`), decodes and caches. No `await` per node, ever.
 * - The cache is bounded in bytes (default 64 MiB) and evicts with CLOCK (second chance),
 *   an LRU approximation whose hit path is one flag write, over a dense ring of the cached nodes.
 * - `child(parent, i)` follows the parent's direct link to a cached child (set on first use,
 *   cleared on eviction), so a warm descent reads one array slot per level: no key string, no
 *   Map lookup. Decoded nodes hold a copy of the chunk bytes next to their search index.
 * - Writes are buffered: `putNode` / `putBytes` add the chunk to a pending set (and the node
 *   to the cache); `flush()` writes the whole set with ONE `putMany` batch — one atomic write
 *   per commit, which can also carry the commit object and the ref move (`extra`, `meta`). If the batch fails the chunks stay pending.
 * - Counters (reads, cache hits and misses, chunks and bytes written) serve tests and benchmarks.
 *
 * A missing chunk raises `ChunkNotFoundError`; bytes that do not hash to their CID or do not
 * decode as a node raise `ChunkCorruptError`.
 */
import { bytesMatchCid, cidKey, cidOf, type CID } from '../hash/index.js';
import type { Chunk, ChunkStore, MetaRider } from '../store/index.js';
import { ChunkCorruptError, ChunkNotFoundError, DecodeError } from '../errors/index.js';
import { decodeNode, ProllyNode } from './prolly/node.js';

export interface NodeStoreOptions {
  /** Bound of the decoded-node cache in bytes (default 64 MiB). */
  cacheBytes?: number;
  /** Re-hash chunks read from the store and reject mismatches (default true). */
  verify?: boolean;
}

export interface NodeStoreStats {
  /** `getNode` answered from the decoded-node cache. */
  cacheHits: number;
  /** `getNode` had to decode (from pending chunks or the store). */
  cacheMisses: number;
  /** Chunks read from the store, and their bytes. */
  storeReads: number;
  bytesRead: number;
  /** Chunks added to the pending set (by `putNode` / `putBytes`), and their bytes. */
  chunksPut: number;
  bytesPut: number;
  /** Chunks and bytes written to the store by `flush`. */
  chunksWritten: number;
  bytesWritten: number;
  /** Chunks waiting for `flush`. */
  pendingChunks: number;
  pendingBytes: number;
  /** Decoded nodes in the cache and their estimated size. */
  cachedNodes: number;
  cachedBytes: number;
  evictions: number;
}

/** Options of `NodeStore.flush`. */
export interface FlushOptions {
  /** fsync before resolving. */
  sync?: boolean;
  /** Chunks written in the same batch as the pending ones (not cached, not counted). */
  extra?: readonly Chunk[];
  /** Metadata ops written in the same atomic batch where the store can, else right after. */
  meta?: MetaRider;
}

export interface FlushResult {
  chunks: number;
  bytes: number;
}

const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Forget that `n` is cached in `ns`: drop the parent link that points at it, and its own
 * links to its children (so neither side keeps the other alive).
 */
function unlink(n: ProllyNode, ns: NodeStore): void {
  if (n.cachedIn !== ns) return;
  n.cachedIn = null;
  const bp = n.backParent;
  if (bp !== null) {
    if (bp.kids[n.backSlot] === n) bp.kids[n.backSlot] = undefined;
    n.backParent = null;
  }
  const bp2 = n.backParent2;
  if (bp2 !== null) {
    if (bp2.kids[n.backSlot2] === n) bp2.kids[n.backSlot2] = undefined;
    n.backParent2 = null;
  }
  const kids = n.kids;
  for (let i = 0; i < kids.length; i++) {
    const k = kids[i];
    if (k !== undefined) {
      if (k.backParent === n) k.backParent = null;
      if (k.backParent2 === n) k.backParent2 = null;
      kids[i] = undefined;
    }
  }
}

export class NodeStore {
  readonly store: ChunkStore;
  /** Bound of the decoded-node cache in bytes. */
  readonly cacheBytes: number;
  readonly verify: boolean;

  private cache = new Map<string, ProllyNode>();
  /** The cached nodes in CLOCK order, and the clock hand. */
  private ring: (ProllyNode | null)[] = [];
  private hand = 0;
  private cached = 0;
  private pending = new Map<string, Chunk>();
  private pendingSize = 0;
  private flushing: Map<string, Chunk> | null = null;

  private hits = 0;
  private misses = 0;
  private reads = 0;
  private readBytes = 0;
  private putChunks = 0;
  private putBytesCount = 0;
  private writtenChunks = 0;
  private writtenBytes = 0;
  private evicted = 0;

  constructor(store: ChunkStore, options: NodeStoreOptions = {}) {
    this.store = store;
    const cacheBytes = options.cacheBytes ?? DEFAULT_CACHE_BYTES;
    if (!(cacheBytes >= 0)) throw new TypeError('cacheBytes must be a non-negative number');
    this.cacheBytes = cacheBytes;
    this.verify = options.verify ?? true;
  }

  /** The decoded node `cid`, synchronously. */
  getNode(cid: CID): ProllyNode {
    return this.getNodeByKey(cidKey(cid), cid);
  }

  /**
   * Child `i` of an internal node. Links the parent straight to the cached child, so the next
   * visit skips the cache lookup; eviction unlinks it again, so links never keep evicted
   * nodes alive.
   */
  child(parent: ProllyNode, i: number): ProllyNode {
    const kid = parent.kids[i];
    if (kid !== undefined) {
      kid.hot = true;
      this.hits++;
      return kid;
    }
    return this.linkChild(parent, i);
  }

  /** `child` when the parent has no link yet: find or load the child, then link it. */
  private linkChild(parent: ProllyNode, i: number): ProllyNode {
    const ckey = parent.ckeyAt(i);
    let c = this.cache.get(ckey);
    if (c !== undefined) {
      c.hot = true;
      this.hits++;
    } else c = this.load(ckey, parent.childCid(i));
    if (c.cachedIn === this) {
      // keep the two most recent parent links: the older one (if any) is dropped
      const old = c.backParent;
      if (old !== null && old.kids[c.backSlot] === c) old.kids[c.backSlot] = undefined;
      c.backParent = c.backParent2;
      c.backSlot = c.backSlot2;
      c.backParent2 = parent;
      c.backSlot2 = i;
      parent.kids[i] = c;
    }
    return c;
  }

  /** `getNode` when the caller already has `cidKey(cid)`. */
  getNodeByKey(ckey: string, cid: CID): ProllyNode {
    const hit = this.cache.get(ckey);
    if (hit !== undefined) {
      hit.hot = true;
      this.hits++;
      return hit;
    }
    return this.load(ckey, cid);
  }

  private load(ckey: string, cid: CID): ProllyNode {
    this.misses++;
    const p = this.pending.get(ckey) ?? this.flushing?.get(ckey);
    let node: ProllyNode;
    if (p instanceof ProllyNode) node = p;
    else {
      const bytes = p !== undefined ? p.bytes : this.readStore(cid);
      try {
        node = decodeNode(cid, bytes);
      } catch (err) {
        if (err instanceof DecodeError) throw new ChunkCorruptError(cid.toString(), err.message);
        throw err;
      }
    }
    this.admit(node);
    return node;
  }

  private readStore(cid: CID): Uint8Array {
    const bytes = this.store.getSync(cid);
    if (bytes === undefined) throw new ChunkNotFoundError(cid.toString());
    this.reads++;
    this.readBytes += bytes.length;
    if (this.verify && !bytesMatchCid(cid, bytes)) {
      throw new ChunkCorruptError(cid.toString(), 'its bytes do not hash to its content id');
    }
    return bytes;
  }

  /** The raw bytes of any chunk (pending or stored), synchronously. */
  getBytes(cid: CID): Uint8Array {
    const k = cidKey(cid);
    const p = this.pending.get(k) ?? this.flushing?.get(k);
    if (p !== undefined) return p.bytes;
    const cached = this.cache.get(k);
    if (cached !== undefined) return cached.bytes;
    return this.readStore(cid);
  }

  /** True when the chunk is pending or cached (a hint only; the store may hold it too). */
  hasLocal(cid: CID): boolean {
    const k = cidKey(cid);
    return this.pending.has(k) || this.cache.has(k) || (this.flushing?.has(k) ?? false);
  }

  /** Queue a node for the next `flush` and cache it. Returns false when it was already pending. */
  putNode(node: ProllyNode): boolean {
    this.admit(node);
    return this.addPending(node.ckey, node);
  }

  /** Queue any encoded object (commit, schema, …) for the next `flush`; returns its CID. */
  putBytes(bytes: Uint8Array): CID {
    const cid = cidOf(bytes);
    this.addPending(cidKey(cid), { cid, bytes });
    return cid;
  }

  private addPending(k: string, chunk: Chunk): boolean {
    if (this.pending.has(k)) return false;
    this.pending.set(k, chunk);
    this.pendingSize += chunk.bytes.length;
    this.putChunks++;
    this.putBytesCount += chunk.bytes.length;
    return true;
  }

  private admit(node: ProllyNode): void {
    if (this.cacheBytes === 0) return;
    const k = node.ckey;
    if (this.cache.has(k)) return;
    this.cache.set(k, node);
    node.cachedIn = this;
    this.ring.push(node);
    this.cached += node.memSize;
    if (this.cached > this.cacheBytes) this.evict();
  }

  /**
   * CLOCK: the hand sweeps the ring in admission order; a hot node loses its bit and survives
   * this round, a cold one is dropped. Evicts down to 15/16 of the bound, then compacts the
   * ring once, keeping its order (a swap-remove would move the NEWEST node under the hand,
   * where — still cold — it would be evicted next: the cache would thrash on fresh nodes).
   */
  private evict(): void {
    const target = this.cacheBytes - (this.cacheBytes >>> 4);
    const ring = this.ring;
    const len = ring.length;
    let hand = this.hand;
    let removed = 0;
    // two full sweeps are always enough: the first clears every hot bit
    for (let steps = 0; this.cached > target && steps < 2 * len; steps++) {
      if (hand >= len) hand = 0;
      const n = ring[hand];
      if (n === null || n === undefined) {
        hand++;
        continue;
      }
      if (n.hot) n.hot = false;
      else {
        ring[hand] = null;
        this.cache.delete(n.ckey);
        this.cached -= n.memSize;
        this.evicted++;
        unlink(n, this);
        removed++;
      }
      hand++;
    }
    if (removed === 0) {
      this.hand = hand;
      return;
    }
    let w = 0;
    let newHand = 0;
    for (let r = 0; r < len; r++) {
      if (r === hand) newHand = w;
      const n = ring[r];
      if (n !== null && n !== undefined) ring[w++] = n;
    }
    if (hand >= len) newHand = w;
    ring.length = w;
    this.hand = newHand;
  }

  /** Drop every decoded node from the cache (pending chunks stay). */
  clearCache(): void {
    for (const n of this.ring) if (n !== null) unlink(n, this);
    this.cache.clear();
    this.ring = [];
    this.hand = 0;
    this.cached = 0;
  }

  /** Number of chunks waiting for `flush`. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Write every pending chunk to the store in one `putMany` batch. On failure the chunks
   * stay pending and the error propagates.
   *
   * `extra` chunks (e.g. a commit object) go into the same batch, and so do the metadata ops of
   * `meta` (a ref move) where the store can write them atomically with the chunks (LevelDB);
   * elsewhere they are written right after the chunks, with the same `sync`. Either way the
   * ops reach the store only together with or after every chunk. Called with only `extra` or
   * `meta` and nothing pending, it still writes them.
   */
  async flush(options: FlushOptions = {}): Promise<FlushResult> {
    const extra = options.extra;
    const meta = options.meta;
    if (this.pending.size === 0 && (extra === undefined || extra.length === 0) && meta === undefined) return { chunks: 0, bytes: 0 };
    if (this.flushing !== null) throw new TypeError('NodeStore.flush is already running; await it first');
    const batch = this.pending;
    const bytes = this.pendingSize;
    this.flushing = batch;
    this.pending = new Map();
    this.pendingSize = 0;
    const sync = options.sync === true;
    try {
      let list: Iterable<Chunk> = batch.values();
      if (extra !== undefined && extra.length > 0) list = [...batch.values(), ...extra];
      if (meta !== undefined) await this.store.putMany(list, { sync, meta });
      else await this.store.putMany(list, { sync });
    } catch (err) {
      for (const [k, c] of batch) {
        if (!this.pending.has(k)) {
          this.pending.set(k, c);
          this.pendingSize += c.bytes.length;
        }
      }
      throw err;
    } finally {
      this.flushing = null;
    }
    this.writtenChunks += batch.size;
    this.writtenBytes += bytes;
    if (meta !== undefined && meta.written !== true && meta.ops.length > 0) await meta.store.batch(meta.ops, { sync });
    return { chunks: batch.size, bytes };
  }

  stats(): NodeStoreStats {
    return {
      cacheHits: this.hits,
      cacheMisses: this.misses,
      storeReads: this.reads,
      bytesRead: this.readBytes,
      chunksPut: this.putChunks,
      bytesPut: this.putBytesCount,
      chunksWritten: this.writtenChunks,
      bytesWritten: this.writtenBytes,
      pendingChunks: this.pending.size,
      pendingBytes: this.pendingSize,
      cachedNodes: this.cache.size,
      cachedBytes: this.cached,
      evictions: this.evicted,
    };
  }

  /** Zero the counters (not the cache or the pending set). */
  resetStats(): void {
    this.hits = this.misses = this.reads = this.readBytes = 0;
    this.putChunks = this.putBytesCount = this.writtenChunks = this.writtenBytes = this.evicted = 0;
  }
}
