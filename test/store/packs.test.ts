/**
 * Packed chunks (src/store/packs.ts, LevelChunkStore.packChunks): byte-identical reads through
 * get/getSync/getMany (fast-check), chains bounded in depth, reopen, verify, deleting a base
 * rewrites its dependents raw, one atomic batch per pack call, and GC through the public API
 * (packing after a keep-everything GC, then pruning) keeps every kept version readable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { cidOf, type CID } from '../../src/hash/index.js';
import { LevelChunkStore, MAX_PACK_DEPTH, isPacked } from '../../src/store/index.js';
import { open } from '../../src/index.js';

const base = mkdtempSync(join(tmpdir(), 'hdb-packs-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const newDir = (): string => join(base, `s${n++}`);

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

function chunk(bytes: Uint8Array): { cid: CID; bytes: Uint8Array } {
  return { cid: cidOf(bytes), bytes };
}

function mutate(b: Uint8Array, seed: number): Uint8Array {
  const out = b.slice();
  out[seed % out.length] = (out[seed % out.length]! + 1 + (seed % 200)) & 0xff;
  return out;
}

function pseudo(len: number, seed: number): Uint8Array {
  const out = new Uint8Array(len);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < len; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

async function expectReads(s: LevelChunkStore, chunks: { cid: CID; bytes: Uint8Array }[]): Promise<void> {
  for (const c of chunks) {
    expect(same(s.getSync(c.cid)!, c.bytes)).toBe(true);
    expect(same(await s.get(c.cid), c.bytes)).toBe(true);
    expect(await s.has(c.cid)).toBe(true);
  }
  const many = await s.getMany(chunks.map((c) => c.cid));
  many.forEach((b, i) => expect(same(b, chunks[i]!.bytes)).toBe(true));
  expect(await s.hasMany(chunks.map((c) => c.cid))).toEqual(chunks.map(() => true));
}

describe('packed chunks', () => {
  it('read back byte-identical, whatever the bytes (fast-check)', async () => {
    const s = await LevelChunkStore.open(newDir());
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 0, maxLength: 3000 }),
        fc.uint8Array({ minLength: 0, maxLength: 200 }),
        fc.uint8Array({ minLength: 0, maxLength: 200 }),
        fc.boolean(),
        async (shared, a, b, plain) => {
          const older = chunk(new Uint8Array([...a, ...shared]));
          const newer = chunk(new Uint8Array([...shared, ...b]));
          await s.putMany([older, newer]);
          await s.packChunks([{ target: older.cid, base: plain ? undefined : newer.cid }], { plain });
          await expectReads(s, [older, newer]);
        },
      ),
      { numRuns: 150 },
    );
    const v = await s.verify();
    expect(v.corrupt).toEqual([]);
    await s.close();
  });

  it('packs versions of a chunk into bounded chains that survive reopen and verify', async () => {
    const dir = newDir();
    let s = await LevelChunkStore.open(dir);
    const versions = [chunk(pseudo(4096, 1))];
    for (let i = 1; i < 30; i++) versions.push(chunk(mutate(versions[i - 1]!.bytes, i * 31)));
    await s.putMany(versions);
    // newest first: each older version against the next newer one
    const reqs = [];
    for (let i = versions.length - 2; i >= 0; i--) reqs.push({ target: versions[i]!.cid, base: versions[i + 1]!.cid });
    const r = await s.packChunks(reqs);
    // one in MAX_PACK_DEPTH + 1 versions stays raw to bound the chain
    expect(r.packed).toBeGreaterThanOrEqual(versions.length - 1 - Math.ceil(versions.length / (MAX_PACK_DEPTH + 1)));
    expect(r.skipped).toBeGreaterThan(0);
    expect(r.bytesAfter * 10).toBeLessThan(r.bytesBefore);
    await expectReads(s, versions);
    await s.close();
    s = await LevelChunkStore.open(dir);
    await expectReads(s, versions);
    const v = await s.verify();
    expect(v.checked).toBe(versions.length);
    expect(v.corrupt).toEqual([]);
    const listed = new Set<string>();
    for await (const c of s.cids()) listed.add(c.toString());
    expect(listed).toEqual(new Set(versions.map((c) => c.cid.toString())));
    // packing again changes nothing (already packed, or bases of packed chunks)
    expect((await s.packChunks(reqs)).packed).toBe(0);
    await s.close();
  });

  it('deleting a base rewrites its dependents raw first (also after reopen)', async () => {
    const dir = newDir();
    let s = await LevelChunkStore.open(dir);
    const v0 = chunk(pseudo(2000, 7));
    const v1 = chunk(mutate(v0.bytes, 5));
    const v2 = chunk(mutate(v1.bytes, 9));
    await s.putMany([v0, v1, v2]);
    expect((await s.packChunks([{ target: v1.cid, base: v2.cid }, { target: v0.cid, base: v1.cid }])).packed).toBe(2);
    await s.close();
    s = await LevelChunkStore.open(dir);
    await s.deleteMany([v2.cid]);
    expect(s.getSync(v2.cid)).toBeUndefined();
    await expectReads(s, [v0, v1]);
    await s.deleteMany([v1.cid]);
    await expectReads(s, [v0]);
    expect((await s.verify()).corrupt).toEqual([]);
    await s.close();
  });

  it('a value starting with 0x00 that hashes to its CID is raw; a corrupted packed value fails verify', async () => {
    const db = new ClassicLevel<Uint8Array, Uint8Array>(newDir(), { keyEncoding: 'view', valueEncoding: 'view' });
    const s = new LevelChunkStore(db.sublevel<Uint8Array, Uint8Array>('c', { keyEncoding: 'view', valueEncoding: 'view' }), { ownsDatabase: false });
    const raw = chunk(new Uint8Array([0, 1, 2, 3]));
    const a = chunk(pseudo(1500, 3));
    const b = chunk(mutate(a.bytes, 1));
    await s.putMany([raw, a, b]);
    expect(isPacked(raw.cid, raw.bytes)).toBe(false);
    await expectReads(s, [raw]);
    expect((await s.packChunks([{ target: a.cid, base: b.cid }])).packed).toBe(1);
    // corrupt the packed value's deflated data
    const key = new Uint8Array([...new TextEncoder().encode('!c!'), ...a.cid.bytes]);
    const stored = (await db.get(key))!;
    expect(isPacked(a.cid, stored)).toBe(true);
    const bad = stored.slice();
    bad[bad.length - 3] ^= 0xff;
    await db.put(key, bad);
    expect((await s.verify()).corrupt.map(String)).toContain(a.cid.toString());
    await db.close();
  });

  it('writes a packed value and its index entry in one atomic batch (a failed batch changes nothing)', async () => {
    const db = new ClassicLevel<Uint8Array, Uint8Array>(newDir(), { keyEncoding: 'view', valueEncoding: 'view' });
    const s = new LevelChunkStore(db.sublevel<Uint8Array, Uint8Array>('c', { keyEncoding: 'view', valueEncoding: 'view' }));
    const vs = [chunk(pseudo(3000, 11))];
    for (let i = 1; i < 5; i++) vs.push(chunk(mutate(vs[i - 1]!.bytes, i)));
    await s.putMany(vs);
    const reqs = [3, 2, 1, 0].map((i) => ({ target: vs[i]!.cid, base: vs[i + 1]!.cid }));
    const orig = db.batch.bind(db) as (...args: unknown[]) => Promise<void>;
    let calls = 0;
    (db as unknown as { batch: unknown }).batch = async () => {
      calls++;
      throw new Error('simulated crash before the batch reached the log');
    };
    await expect(s.packChunks(reqs)).rejects.toThrow();
    expect(calls).toBe(1);
    (db as unknown as { batch: unknown }).batch = async (...args: unknown[]) => {
      calls++;
      return orig(...args);
    };
    // nothing was packed: every value is still raw, and packing works afterwards in one batch
    await expectReads(s, vs);
    const r = await s.packChunks(reqs);
    expect(r.packed).toBe(4);
    expect(calls).toBe(2);
    await expectReads(s, vs);
    await db.close();
  });
});

describe('packing in GC', () => {
  it('packs kept history on a keep-everything GC; pruning later keeps the kept versions readable', async () => {
    const dir = newDir();
    const db = await open(dir);
    await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    await db.transaction(async () => {
      for (let i = 0; i < 3000; i++) await db.run('INSERT INTO t VALUES (?, ?)', [i, `v${i}-${'x'.repeat(30)}`]);
    })();
    for (let r = 0; r < 30; r++) await db.run('UPDATE t SET v = ? WHERE id = ?', [`r${r}`, (r * 97) % 3000]);
    const sums = new Map<string, number>();
    const log = await db.log();
    for (const c of log) {
      const row = await db.get<{ s: number }>(`SELECT sum(length(v)) AS s FROM t AS OF '${c.id}'`).catch(() => undefined);
      if (row) sums.set(c.id, row.s);
    }
    expect(sums.size).toBeGreaterThan(25);
    await db.gc();
    expect((await db.fsck()).ok).toBe(true);
    await db.close();
    // the GC packed some of the history
    const raw = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
    const cs = new LevelChunkStore(raw.sublevel<Uint8Array, Uint8Array>('c', { keyEncoding: 'view', valueEncoding: 'view' }));
    let packed = 0;
    let total = 0;
    for await (const c of cs.cids()) {
      total++;
      const k = new Uint8Array([...new TextEncoder().encode('!c!'), ...c.bytes]);
      if (isPacked(c, (await raw.get(k))!)) packed++;
    }
    expect(packed).toBeGreaterThan(50);
    expect((await cs.verify()).corrupt).toEqual([]);
    await raw.close();
    const db2 = await open(dir);
    for (const [id, s] of sums) expect((await db2.get<{ s: number }>(`SELECT sum(length(v)) AS s FROM t AS OF '${id}'`))!.s).toBe(s);
    // a tag keeps an old version whose chunks were packed against versions pruned now
    const tagged = log.find((c, i) => i >= 15 && sums.has(c.id))!;
    await db2.exec(`CREATE TAG old AS OF '${tagged.id}'`);
    await db2.retentionPolicy.set({ maxSnapshots: 5 });
    await db2.gc();
    expect((await db2.fsck()).ok).toBe(true);
    expect((await db2.get<{ s: number }>(`SELECT sum(length(v)) AS s FROM t AS OF '${tagged.id}'`))!.s).toBe(sums.get(tagged.id));
    const kept = (await db2.log()).slice(0, 5);
    for (const c of kept) if (sums.has(c.id)) expect((await db2.get<{ s: number }>(`SELECT sum(length(v)) AS s FROM t AS OF '${c.id}'`))!.s).toBe(sums.get(c.id));
    await db2.run('UPDATE t SET v = ? WHERE id = ?', ['after', 1]);
    await db2.gc();
    expect((await db2.fsck()).ok).toBe(true);
    expect((await db2.get<{ v: string }>('SELECT v FROM t WHERE id = 1'))!.v).toBe('after');
    await db2.close();
  });
});
