/** The DAG transfer: sends exactly what the destination lacks, children first, verified. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as dagCbor from '@ipld/dag-cbor';
import { cidOf, type CID } from '../../src/hash/index.js';
import { MemoryChunkStore, type Chunk } from '../../src/store/index.js';
import { chunkLinks, transfer, type ChunkSink } from '../../src/sync/index.js';

interface Dag {
  chunks: Chunk[];
  /** links[i] = indexes of the chunks chunk i links to (all < i). */
  links: number[][];
}

/** Build a random DAG of generic dag-cbor chunks (each links only to earlier ones). */
function buildDag(spec: { payload: number; links: number[] }[]): Dag {
  const chunks: Chunk[] = [];
  const links: number[][] = [];
  spec.forEach((s, i) => {
    const ls = i === 0 ? [] : [...new Set(s.links.map((l) => ((l % i) + i) % i))];
    const bytes = dagCbor.encode({ n: i, p: s.payload, links: ls.map((l) => chunks[l]!.cid) });
    chunks.push({ cid: cidOf(bytes), bytes });
    links.push(ls);
  });
  return { chunks, links };
}

function closure(dag: Dag, from: number[]): Set<number> {
  const out = new Set<number>();
  const stack = [...from];
  while (stack.length) {
    const i = stack.pop()!;
    if (out.has(i)) continue;
    out.add(i);
    stack.push(...dag.links[i]!);
  }
  return out;
}

/** A sink that records every put and checks each chunk's links were stored before it. */
class CheckingSink implements ChunkSink {
  readonly puts: string[] = [];
  readonly violations: string[] = [];
  constructor(readonly store: MemoryChunkStore) {}
  hasMany(cids: readonly CID[]): Promise<boolean[]> {
    return this.store.hasMany(cids);
  }
  async putMany(chunks: Iterable<Chunk>): Promise<void> {
    const list = [...chunks];
    for (const c of list) {
      for (const l of chunkLinks(c.bytes)) {
        if (!(await this.store.has(l)) && !list.some((x) => x.cid.equals(l))) this.violations.push(c.cid.toString());
      }
      this.puts.push(c.cid.toString());
    }
    await this.store.putMany(list);
  }
}

describe('transfer', () => {
  it('sends exactly the chunks the destination lacks, once each, children before parents', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ payload: fc.nat(1000), links: fc.array(fc.nat(), { maxLength: 4 }) }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 8 }),
        async (spec, haveRoots, wantRoots, batch) => {
          const dag = buildDag(spec);
          const n = dag.chunks.length;
          const src = new MemoryChunkStore();
          await src.putMany(dag.chunks);
          const dst = new MemoryChunkStore();
          // The destination holds whole subtrees (the invariant transfers keep).
          const have = closure(dag, haveRoots.map((r) => r % n));
          await dst.putMany([...have].map((i) => dag.chunks[i]!));
          const want = wantRoots.map((r) => r % n);
          const sink = new CheckingSink(dst);
          const res = await transfer({ source: src, dest: sink, heads: want.map((i) => dag.chunks[i]!.cid), batchChunks: batch });
          const need = [...closure(dag, want)].filter((i) => !have.has(i));
          expect(new Set(sink.puts)).toEqual(new Set(need.map((i) => dag.chunks[i]!.cid.toString())));
          expect(sink.puts.length).toBe(need.length);
          expect(res.chunks).toBe(need.length);
          expect(sink.violations).toEqual([]);
          for (const i of closure(dag, want)) expect(await dst.has(dag.chunks[i]!.cid)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('rejects a chunk whose bytes do not match its id and writes nothing of that batch', async () => {
    const dag = buildDag(Array.from({ length: 30 }, (_, i) => ({ payload: i, links: [i - 1, i - 2] })));
    const src = new MemoryChunkStore();
    await src.putMany(dag.chunks);
    const bad = dag.chunks[10]!.cid;
    const lying = {
      async getMany(cids: readonly CID[]): Promise<Uint8Array[]> {
        const got = await src.getMany(cids);
        return got.map((b, i) => (cids[i]!.equals(bad) ? Uint8Array.from([...b.subarray(0, b.length - 1), b[b.length - 1]! ^ 1]) : b));
      },
    };
    const dst = new MemoryChunkStore();
    await expect(transfer({ source: lying, dest: dst, heads: [dag.chunks[29]!.cid], sourceName: 'peer' })).rejects.toMatchObject({ code: 'CHUNK_MISMATCH' });
    expect(await dst.has(bad)).toBe(false);
    expect(await dst.has(dag.chunks[29]!.cid)).toBe(false);
  });

  it('reports progress with chunks, bytes and rate', async () => {
    const dag = buildDag(Array.from({ length: 200 }, (_, i) => ({ payload: i, links: [i - 1] })));
    const src = new MemoryChunkStore();
    await src.putMany(dag.chunks);
    const seen: { chunks: number; bytes: number; rate: number; done: boolean }[] = [];
    const r = await transfer({ source: src, dest: new MemoryChunkStore(), heads: [dag.chunks[199]!.cid], batchChunks: 10, onProgress: (p) => seen.push(p) });
    const last = seen[seen.length - 1]!;
    expect(last.done).toBe(true);
    expect(last.chunks).toBe(200);
    expect(last.bytes).toBe(dag.chunks.reduce((s, c) => s + c.bytes.length, 0));
    expect(r.bytes).toBe(last.bytes);
    expect(last.rate).toBeGreaterThan(0);
  });

  it('an aborted transfer keeps what arrived, and the next run sends only the rest', async () => {
    const dag = buildDag(Array.from({ length: 300 }, (_, i) => ({ payload: i, links: [i - 1, i - 7] })));
    const src = new MemoryChunkStore();
    await src.putMany(dag.chunks);
    const dst = new MemoryChunkStore();
    const ac = new AbortController();
    const head = dag.chunks[299]!.cid;
    let put = 0;
    const cutting: ChunkSink = {
      hasMany: (c) => dst.hasMany(c),
      async putMany(chunks) {
        const list = [...chunks];
        await dst.putMany(list);
        put += list.length;
        if (put >= 100) ac.abort();
      },
    };
    const first = transfer({ source: src, dest: cutting, heads: [head], batchChunks: 16, signal: ac.signal });
    await expect(first).rejects.toThrow();
    let arrived = 0;
    for await (const _ of dst.cids()) arrived++;
    expect(arrived).toBeGreaterThan(0);
    expect(arrived).toBeLessThan(300);
    const second = await transfer({ source: src, dest: dst, heads: [head], batchChunks: 16 });
    expect(second.chunks).toBe(300 - arrived);
  });
});
