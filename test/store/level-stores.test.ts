import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ClassicLevel } from 'classic-level';
import {
  LevelChunkStore,
  LevelMetaStore,
  openStorage,
} from '../../src/store/index.js';
import { StorageError, StoreClosedError } from '../../src/errors/index.js';
import { chunkStoreConformance, chunkOf } from '../conformance/chunk-store.js';
import { metaStoreConformance } from '../conformance/meta-store.js';

const base = mkdtempSync(join(tmpdir(), 'hdb-level-'));
let n = 0;
const newDir = (): string => join(base, `db${n++}`);
afterAll(() => rmSync(base, { recursive: true, force: true }));

const enc = new TextEncoder();
const dec = new TextDecoder();

// Opened as a directory of its own (sublevel `c` / `m`, store owns the database).
chunkStoreConformance('level (own directory)', () => LevelChunkStore.open(newDir()));
metaStoreConformance('level (own directory)', () => LevelMetaStore.open(newDir()));

// On a root database opened by the caller with default (utf8) encodings: no prefix, slow getSync path.
chunkStoreConformance('level (root of a caller-opened database)', async () => {
  const db = new ClassicLevel(newDir());
  await db.open();
  return new LevelChunkStore(db, { ownsDatabase: true });
});

// On sublevels of one shared database, as openStorage lays it out.
chunkStoreConformance('level (openStorage)', async () => (await openStorage(newDir())).chunks);
metaStoreConformance('level (openStorage)', async () => (await openStorage(newDir())).meta);

// On a nested sublevel of a caller's database.
metaStoreConformance('level (nested sublevel)', async () => {
  const db = new ClassicLevel(newDir());
  return new LevelMetaStore(db.sublevel('app').sublevel('meta'), { ownsDatabase: true });
});

describe('LevelDB storage', () => {
  it('reopening a directory keeps chunks and metadata', async () => {
    const dir = newDir();
    const chunks = Array.from({ length: 100 }, (_, i) => chunkOf(`persist ${i}`));
    let st = await openStorage(dir);
    await st.chunks.putMany(chunks, { sync: true });
    await st.meta.batch([{ type: 'put', key: 'refs/heads/main', value: chunks[0]!.cid.bytes }], { sync: true });
    await st.chunks.put(chunks[1]!.cid, chunks[1]!.bytes); // unsynced, still there after a clean close
    await st.close();
    st = await openStorage(dir);
    expect(await st.chunks.hasMany(chunks.map((c) => c.cid))).toEqual(chunks.map(() => true));
    expect(dec.decode(st.chunks.getSync(chunks[42]!.cid))).toBe('persist 42');
    expect(await st.meta.get('refs/heads/main')).toEqual(chunks[0]!.cid.bytes);
    await st.close();
    // The chunk store alone sees the same layout.
    const alone = await LevelChunkStore.open(dir);
    expect((await alone.verify()).checked).toBe(100);
    await alone.close();
  });

  it('chunks and metadata in one directory do not see each other', async () => {
    const st = await openStorage(newDir());
    const c = chunkOf('shared dir');
    await st.chunks.put(c.cid, c.bytes);
    await st.meta.batch([{ type: 'put', key: 'k', value: enc.encode('v') }]);
    const cids = [];
    for await (const cid of st.chunks.cids()) cids.push(cid.toString());
    expect(cids).toEqual([c.cid.toString()]);
    const keys = [];
    for await (const [k] of st.meta.entries()) keys.push(k);
    expect(keys).toEqual(['k']);
    expect((await st.chunks.verify()).checked).toBe(1);
    await st.close();
  });

  it('a second handle on an open directory gets StorageError saying it is in use', async () => {
    const dir = newDir();
    const st = await openStorage(dir);
    for (const attempt of [() => openStorage(dir), () => LevelChunkStore.open(dir), () => LevelMetaStore.open(dir)]) {
      const err = await attempt().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StorageError);
      expect((err as StorageError).code).toBe('STORAGE_ERROR');
      expect((err as Error).message).toMatch(/in use by another process/);
    }
    // The first handle is unaffected.
    const c = chunkOf('still works');
    await st.chunks.put(c.cid, c.bytes);
    expect(st.chunks.getSync(c.cid)).toBeDefined();
    await st.close();
  });

  it('another process opening a locked directory gets StorageError, not a crash', async () => {
    const dir = newDir();
    const st = await openStorage(dir);
    const child = fileURLToPath(new URL('./fixtures/open-locked.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child, dir], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    const out = JSON.parse(stdout.trim()) as { opened: boolean; name?: string; code?: string; message?: string };
    expect(out.opened).toBe(false);
    expect(out.name).toBe('StorageError');
    expect(out.code).toBe('STORAGE_ERROR');
    expect(out.message).toMatch(/in use by another process/);
    await st.close();
    // Once closed, the other process can open it.
    const again = await promisify(execFile)(process.execPath, ['--import', 'tsx', child, dir], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    expect(JSON.parse(again.stdout.trim())).toEqual({ opened: true });
  });

  it('an I/O failure on open is a StorageError', async () => {
    const file = join(base, 'a-file');
    writeFileSync(file, 'not a directory');
    const err = await openStorage(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as Error).message).toContain(file);
    const missing = await LevelChunkStore.open(join(base, 'nope'), { createIfMissing: false }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(StorageError);
  });

  it('a store whose database was closed underneath throws StoreClosedError', async () => {
    const db = new ClassicLevel<Uint8Array, Uint8Array>(newDir(), { keyEncoding: 'view', valueEncoding: 'view' });
    await db.open();
    const store = new LevelChunkStore(db.sublevel('chunks', { keyEncoding: 'view', valueEncoding: 'view' }));
    const meta = new LevelMetaStore(db.sublevel('meta'));
    const c = chunkOf('x');
    await store.put(c.cid, c.bytes);
    expect(store.getSync(c.cid)).toBeDefined();
    await db.close();
    expect(() => store.getSync(c.cid)).toThrow(StoreClosedError);
    await expect(store.get(c.cid)).rejects.toBeInstanceOf(StoreClosedError);
    await expect(store.putMany([c])).rejects.toBeInstanceOf(StoreClosedError);
    await expect(meta.get('k')).rejects.toBeInstanceOf(StoreClosedError);
    await expect(meta.compareAndSwap('k', undefined, enc.encode('v'))).rejects.toBeInstanceOf(StoreClosedError);
    // Closing a store that does not own the database leaves the database alone.
    await store.close();
  });

  it('a store that does not own its database leaves it open on close', async () => {
    const db = new ClassicLevel<Uint8Array, Uint8Array>(newDir(), { keyEncoding: 'view', valueEncoding: 'view' });
    await db.open();
    const a = new LevelChunkStore(db.sublevel('a', { keyEncoding: 'view', valueEncoding: 'view' }));
    const b = new LevelChunkStore(db.sublevel('b', { keyEncoding: 'view', valueEncoding: 'view' }));
    const c = chunkOf('in a');
    await a.put(c.cid, c.bytes);
    expect(await b.has(c.cid)).toBe(false);
    await a.close();
    expect(db.status).toBe('open');
    expect(b.getSync(c.cid)).toBeUndefined();
    await b.close();
    await db.close();
  });

  it('rejects a target that is not a LevelDB database', () => {
    expect(() => new LevelChunkStore({} as never)).toThrow(TypeError);
    expect(() => new LevelMetaStore({ db: {}, prefix: '!x!' })).toThrow(TypeError);
  });
});
