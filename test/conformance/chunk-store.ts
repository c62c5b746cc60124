/**
 * The conformance suite every `ChunkStore` implementation passes. Call
 * `chunkStoreConformance(name, factory)` from a test file; `factory` returns a new, empty store
 * each time it is called (the suite closes it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cidOf, type CID } from '../../src/hash/index.js';
import { ChunkNotFoundError, StoreClosedError } from '../../src/errors/index.js';
import type { Chunk, ChunkStore } from '../../src/store/index.js';

const enc = new TextEncoder();

/** A chunk whose CID matches its bytes. */
export function chunkOf(text: string | Uint8Array): Chunk {
  const bytes = typeof text === 'string' ? enc.encode(text) : text;
  return { cid: cidOf(bytes), bytes };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function cidSet(cids: Iterable<CID>): Set<string> {
  return new Set([...cids].map((c) => c.toString()));
}

export function chunkStoreConformance(name: string, factory: () => Promise<ChunkStore>): void {
  describe(`ChunkStore conformance: ${name}`, () => {
    const open: ChunkStore[] = [];
    async function fresh(): Promise<ChunkStore> {
      const s = await factory();
      open.push(s);
      return s;
    }
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });

    it('put then get, getSync and has return the bytes', async () => {
      const s = await fresh();
      const c = chunkOf('hello chunk');
      expect(await s.has(c.cid)).toBe(false);
      await s.put(c.cid, c.bytes);
      expect(await s.has(c.cid)).toBe(true);
      const got = await s.get(c.cid);
      expect(got).toBeInstanceOf(Uint8Array);
      expect(sameBytes(got, c.bytes)).toBe(true);
      const sync = s.getSync(c.cid);
      expect(sync).toBeInstanceOf(Uint8Array);
      expect(sameBytes(sync!, c.bytes)).toBe(true);
    });

    it('stores empty and large chunks', async () => {
      const s = await fresh();
      const empty = chunkOf(new Uint8Array(0));
      const big = new Uint8Array(1 << 20);
      for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 0xff;
      const large = chunkOf(big);
      await s.putMany([empty, large]);
      expect((await s.get(empty.cid)).length).toBe(0);
      expect(sameBytes(await s.get(large.cid), big)).toBe(true);
      expect(sameBytes(s.getSync(large.cid)!, big)).toBe(true);
    });

    it('a missing chunk: getSync gives undefined, get throws ChunkNotFoundError naming the CID', async () => {
      const s = await fresh();
      const c = chunkOf('never stored');
      expect(s.getSync(c.cid)).toBeUndefined();
      const err = await s.get(c.cid).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ChunkNotFoundError);
      expect((err as ChunkNotFoundError).code).toBe('CHUNK_NOT_FOUND');
      expect((err as ChunkNotFoundError).cid).toBe(c.cid.toString());
      expect((err as Error).message).toContain(c.cid.toString());
    });

    it('getMany preserves order (with repeats) and names the first missing CID', async () => {
      const s = await fresh();
      const chunks = Array.from({ length: 50 }, (_, i) => chunkOf(`chunk ${i}`));
      await s.putMany(chunks);
      const order = [7, 3, 49, 0, 3, 22, 7];
      const got = await s.getMany(order.map((i) => chunks[i]!.cid));
      expect(got.length).toBe(order.length);
      order.forEach((i, j) => expect(sameBytes(got[j]!, chunks[i]!.bytes)).toBe(true));
      expect(await s.getMany([])).toEqual([]);

      const missing = chunkOf('missing one');
      const missing2 = chunkOf('missing two');
      const err = await s
        .getMany([chunks[1]!.cid, missing.cid, chunks[2]!.cid, missing2.cid])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ChunkNotFoundError);
      expect((err as ChunkNotFoundError).cid).toBe(missing.cid.toString());
    });

    it('hasMany answers per CID, in order', async () => {
      const s = await fresh();
      const a = chunkOf('a');
      const b = chunkOf('b');
      const c = chunkOf('c');
      await s.putMany([a, c]);
      expect(await s.hasMany([a.cid, b.cid, c.cid, b.cid])).toEqual([true, false, true, false]);
      expect(await s.hasMany([])).toEqual([]);
    });

    it('putMany takes any iterable; putting the same chunk twice is harmless', async () => {
      const s = await fresh();
      const chunks = Array.from({ length: 20 }, (_, i) => chunkOf(`gen ${i}`));
      function* gen(): Generator<Chunk> {
        yield* chunks;
      }
      await s.putMany(gen(), { sync: true });
      await s.putMany(chunks.slice(0, 5));
      await s.put(chunks[0]!.cid, chunks[0]!.bytes);
      expect(cidSet(await collect(s.cids()))).toEqual(cidSet(chunks.map((c) => c.cid)));
      await s.putMany([]);
    });

    it('cids() lists every stored chunk exactly once', async () => {
      const s = await fresh();
      const chunks = Array.from({ length: 2500 }, (_, i) => chunkOf(`many ${i}`));
      for (let i = 0; i < chunks.length; i += 500) await s.putMany(chunks.slice(i, i + 500));
      const listed = await collect(s.cids());
      expect(listed.length).toBe(chunks.length);
      expect(cidSet(listed)).toEqual(cidSet(chunks.map((c) => c.cid)));
      for (const cid of listed.slice(0, 10)) expect(s.getSync(cid)).toBeDefined();
    });

    it('deleteMany removes the given chunks, ignores missing ones, keeps the rest', async () => {
      const s = await fresh();
      const chunks = Array.from({ length: 10 }, (_, i) => chunkOf(`del ${i}`));
      await s.putMany(chunks);
      await s.deleteMany([chunks[1]!.cid, chunks[4]!.cid, chunkOf('absent').cid]);
      await s.deleteMany([]);
      expect(await s.has(chunks[1]!.cid)).toBe(false);
      expect(s.getSync(chunks[4]!.cid)).toBeUndefined();
      await expect(s.get(chunks[4]!.cid)).rejects.toBeInstanceOf(ChunkNotFoundError);
      const left = cidSet(await collect(s.cids()));
      expect(left).toEqual(cidSet(chunks.filter((_, i) => i !== 1 && i !== 4).map((c) => c.cid)));
    });

    it('putMany is all or nothing: a batch with an invalid element stores nothing', async () => {
      const s = await fresh();
      const good = Array.from({ length: 5 }, (_, i) => chunkOf(`good ${i}`));
      const badBytes = { cid: chunkOf('bad').cid, bytes: 'not bytes' } as unknown as Chunk;
      const badCid = { cid: 'not a cid', bytes: new Uint8Array([1]) } as unknown as Chunk;
      for (const bad of [badBytes, badCid, null as unknown as Chunk]) {
        // The store may reject the batch (it should) — whatever it does, nothing may land.
        await s.putMany([good[0]!, good[1]!, bad, good[2]!, good[3]!]).catch(() => undefined);
        expect(await s.hasMany(good.map((c) => c.cid))).toEqual([false, false, false, false, false]);
        expect(await collect(s.cids())).toEqual([]);
      }
      await expect(s.putMany([good[0]!, badBytes])).rejects.toBeInstanceOf(TypeError);
    });

    it('verify re-hashes every chunk and reports the ones that do not match their CID', async () => {
      const s = await fresh();
      expect(await s.verify()).toEqual({ checked: 0, corrupt: [] });
      const chunks = Array.from({ length: 30 }, (_, i) => chunkOf(`verify ${i}`));
      await s.putMany(chunks);
      let report = await s.verify();
      expect(report.checked).toBe(30);
      expect(report.corrupt).toEqual([]);
      // Stores do not re-hash on put: store wrong bytes under two CIDs.
      await s.put(chunks[3]!.cid, enc.encode('tampered'));
      const orphan = chunkOf('the real content');
      await s.put(orphan.cid, enc.encode('something else'));
      report = await s.verify();
      expect(report.checked).toBe(31);
      expect(cidSet(report.corrupt)).toEqual(cidSet([chunks[3]!.cid, orphan.cid]));
    });

    it('matches a Map model under random puts and deletes', async () => {
      const s = await fresh();
      const pool = Array.from({ length: 40 }, (_, i) => chunkOf(`model ${i}`));
      const model = new Map<string, Chunk>();
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({ del: fc.boolean(), idx: fc.array(fc.nat({ max: pool.length - 1 }), { maxLength: 8 }) }),
            { maxLength: 12 },
          ),
          async (steps) => {
            for (const step of steps) {
              const chunks = step.idx.map((i) => pool[i]!);
              if (step.del) {
                await s.deleteMany(chunks.map((c) => c.cid));
                for (const c of chunks) model.delete(c.cid.toString());
              } else {
                await s.putMany(chunks);
                for (const c of chunks) model.set(c.cid.toString(), c);
              }
            }
            expect(cidSet(await collect(s.cids()))).toEqual(new Set(model.keys()));
            const present = await s.hasMany(pool.map((c) => c.cid));
            pool.forEach((c, i) => {
              expect(present[i]).toBe(model.has(c.cid.toString()));
              expect(s.getSync(c.cid) !== undefined).toBe(model.has(c.cid.toString()));
            });
          },
        ),
        { numRuns: 25 },
      );
    });

    it('after close every call throws StoreClosedError; closing twice is harmless', async () => {
      const s = await fresh();
      const c = chunkOf('before close');
      await s.put(c.cid, c.bytes);
      await s.close();
      await s.close();
      expect(() => s.getSync(c.cid)).toThrow(StoreClosedError);
      const calls: (() => Promise<unknown>)[] = [
        () => s.get(c.cid),
        () => s.getMany([c.cid]),
        () => s.has(c.cid),
        () => s.hasMany([c.cid]),
        () => s.put(c.cid, c.bytes),
        () => s.putMany([c]),
        () => s.deleteMany([c.cid]),
        () => s.verify(),
        () => collect(s.cids()),
      ];
      for (const call of calls) {
        const err = await call().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StoreClosedError);
        expect((err as StoreClosedError).code).toBe('STORE_CLOSED');
      }
    });
  });
}
