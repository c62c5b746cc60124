/**
 * NodeStore: synchronous reads through cache → pending → store, the byte-bounded cache,
 * one putMany batch per flush, counters, and a failed flush that keeps its chunks pending.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cidOf, type CID } from '../../src/hash/index.js';
import { ChunkNotFoundError, StorageError } from '../../src/errors/index.js';
import { NodeStore, ProllyTree, encodeLeaf } from '../../src/objects/index.js';
import { LevelChunkStore, MemoryChunkStore, type Chunk } from '../../src/store/index.js';
import { fixedEntry } from './prolly/helpers.js';

class CountingStore extends MemoryChunkStore {
  batches = 0;
  fail = false;
  override async putMany(chunks: Iterable<Chunk>): Promise<void> {
    this.batches++;
    if (this.fail) throw new StorageError('disk full');
    return super.putMany(chunks);
  }
}

const entries = (n: number, from = 0) => Array.from({ length: n }, (_, i) => fixedEntry(from + i));

describe('NodeStore', () => {
  it('reads pending nodes before a flush, writes them in ONE batch, counts them', async () => {
    const store = new CountingStore();
    const ns = new NodeStore(store);
    const t = ProllyTree.build(ns, entries(30_000));
    const pending = ns.stats().pendingChunks;
    expect(pending).toBeGreaterThan(50);
    expect(store.size).toBe(0);
    expect(t.get(fixedEntry(12_345).key)).toBeDefined();
    const res = await ns.flush({ sync: true });
    expect(store.batches).toBe(1);
    expect(res.chunks).toBe(pending);
    expect(store.size).toBe(pending);
    const s = ns.stats();
    expect(s.chunksWritten).toBe(pending);
    expect(s.bytesWritten).toBe(res.bytes);
    expect(s.pendingChunks).toBe(0);
    expect(await ns.flush()).toEqual({ chunks: 0, bytes: 0 });
    expect(store.batches).toBe(1);
  });

  it('a failed flush keeps the chunks pending and readable; the next flush writes them', async () => {
    const store = new CountingStore();
    const ns = new NodeStore(store, { cacheBytes: 0 });
    const t = ProllyTree.build(ns, entries(5000));
    store.fail = true;
    await expect(ns.flush()).rejects.toBeInstanceOf(StorageError);
    expect(ns.pendingCount).toBeGreaterThan(0);
    expect(t.get(fixedEntry(4321).key)).toBeDefined();
    store.fail = false;
    const res = await ns.flush();
    expect(res.chunks).toBeGreaterThan(0);
    expect(ProllyTree.load(new NodeStore(store), t.root).count).toBe(5000);
  });

  it('keeps the decoded-node cache within its byte bound and still answers correctly', async () => {
    const store = new MemoryChunkStore();
    const big = new NodeStore(store);
    const t = ProllyTree.build(big, entries(50_000));
    await big.flush();
    const bound = 256 * 1024;
    const ns = new NodeStore(store, { cacheBytes: bound });
    const u = ProllyTree.load(ns, t.root);
    for (let i = 0; i < 50_000; i += 7) expect(u.get(fixedEntry(i).key)).toBeDefined();
    let n = 0;
    for (const e of u.entries()) if (e) n++;
    expect(n).toBe(50_000);
    const s = ns.stats();
    expect(s.cachedBytes).toBeLessThanOrEqual(bound);
    expect(s.evictions).toBeGreaterThan(0);
    expect(s.storeReads).toBeGreaterThan(0);
    // repeated reads of a small working set hit the cache
    ns.resetStats();
    for (let r = 0; r < 5; r++) for (let i = 0; i < 100; i++) u.get(fixedEntry(i).key);
    expect(ns.stats().cacheHits).toBeGreaterThan(ns.stats().cacheMisses * 10);
  });

  it('eviction keeps the most recently loaded nodes (CLOCK evicts old cold nodes, not new ones)', async () => {
    const store = new MemoryChunkStore();
    const writer = new NodeStore(store);
    const cids: CID[] = [];
    for (let i = 0; i < 400; i++) {
      const node = encodeLeaf([fixedEntry(i * 2), fixedEntry(i * 2 + 1)]);
      writer.putNode(node);
      cids.push(node.cid);
    }
    await writer.flush();
    const one = new NodeStore(store).getNode(cids[0]!).memSize;
    // room for about 100 of the 400 nodes
    const ns = new NodeStore(store, { cacheBytes: one * 100 });
    for (const cid of cids) ns.getNode(cid);
    expect(ns.stats().evictions).toBeGreaterThan(0);
    ns.resetStats();
    // the 50 nodes loaded last must still be cached: reading them again hits every time
    for (const cid of cids.slice(-50)) ns.getNode(cid);
    expect(ns.stats().cacheMisses).toBe(0);
    expect(ns.stats().cacheHits).toBe(50);
    // a node read again (hot) survives the next sweep of the hand; fresh cold nodes push out old cold ones
    for (const cid of cids.slice(-50)) ns.getNode(cid);
    for (const cid of cids.slice(0, 60)) ns.getNode(cid);
    ns.resetStats();
    for (const cid of cids.slice(-50)) ns.getNode(cid);
    expect(ns.stats().cacheHits).toBe(50);
    expect(ns.stats().cachedBytes).toBeLessThanOrEqual(one * 100);
  });

  it('raw chunks: putBytes / getBytes go through the same batch', async () => {
    const store = new CountingStore();
    const ns = new NodeStore(store);
    const bytes = new Uint8Array([0xa1, 0x61, 0x61, 0x01]);
    const cid = ns.putBytes(bytes);
    expect(cid.equals(cidOf(bytes))).toBe(true);
    expect(ns.getBytes(cid)).toEqual(bytes);
    ns.putNode(encodeLeaf([fixedEntry(1)]));
    await ns.flush();
    expect(store.batches).toBe(1);
    expect(store.size).toBe(2);
    expect(new NodeStore(store).getBytes(cid)).toEqual(bytes);
    expect(() => new NodeStore(store).getBytes(cidOf(new Uint8Array([1])))).toThrow(ChunkNotFoundError);
  });

  it('works over LevelDB with synchronous reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hdb-ns-'));
    try {
      const store = await LevelChunkStore.open(dir);
      const ns = new NodeStore(store);
      const t = ProllyTree.build(ns, entries(20_000));
      await ns.flush({ sync: true });
      const cold = new NodeStore(store);
      const u = ProllyTree.load(cold, t.root);
      expect(u.get(fixedEntry(777).key)).toEqual(fixedEntry(777).value);
      expect(u.countRange({ start: fixedEntry(100).key, end: fixedEntry(200).key })).toBe(100);
      expect(cold.stats().storeReads).toBeGreaterThan(0);
      const edited = u.mutate([{ key: fixedEntry(5).key, value: null }]);
      await cold.flush();
      await store.close();
      const again = await LevelChunkStore.open(dir);
      const v = ProllyTree.load(new NodeStore(again), edited.root as CID);
      expect(v.count).toBe(19_999);
      expect(v.get(fixedEntry(5).key)).toBeUndefined();
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
