/**
 * GC against pushes received by the sync server: a push's chunks arrive in requests before the
 * ref update that makes them reachable. The push session holds collection off until the client
 * is done (or idle too long), and while a collection runs, `/has` does not count stored chunks
 * that collection may sweep.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { clone, type Database } from '../../src/index.js';
import { cidOf } from '../../src/hash/index.js';
import { WriteBarrier } from '../../src/gc/index.js';
import { HttpTransport, type RefUpdate } from '../../src/sync/index.js';
import type { ChunkStore } from '../../src/store/index.js';
import { TempDirs, insertRows, seeded, snapshot } from '../sync/helpers.js';

const dirs = new TempDirs();
afterAll(() => dirs.cleanup());
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const storeOf = (db: Database): ChunkStore => db.vc.ns.store as unknown as ChunkStore;

describe('GC during a push received by serve', () => {
  it('a collection started between the chunks and the ref update waits for the push, which lands whole', async () => {
    const server = await seeded(dirs.make(), 200, 'hub');
    await server.retentionPolicy.set({ maxSnapshots: 1 });
    const srv = await server.serve();
    const client = await clone(srv.url, dirs.make());
    await insertRows(client, 201, 2500, 'edge');
    await client.run('UPDATE t SET v = ? WHERE id <= 50', ['changed']);
    const expected = await snapshot(client);

    const updateRef = HttpTransport.prototype.updateRef;
    let outcome: string | undefined;
    let gc: Promise<unknown> | undefined;
    HttpTransport.prototype.updateRef = async function (this: HttpTransport, u: RefUpdate): Promise<void> {
      gc = server.gc();
      outcome = await Promise.race([gc.then(() => 'collected'), delay(300).then(() => 'waiting')]);
      return updateRef.call(this, u);
    };
    try {
      const r = await client.push('origin', 'main');
      expect(r.chunks).toBeGreaterThan(10);
    } finally {
      HttpTransport.prototype.updateRef = updateRef;
    }
    expect(outcome).toBe('waiting');
    await gc;
    server.vc.ns.clearCache();
    expect(await snapshot(server)).toBe(expected);
    expect((await server.fsck()).problems).toEqual([]);
    await srv.close();
    await client.close();
    await server.close();
  });

  it('an abandoned session stops holding collection off after its idle time', async () => {
    const server = await seeded(dirs.make(), 10, 'hub');
    await server.retentionPolicy.set({ maxSnapshots: 1 });
    const srv = await server.serve({ sessionIdleMs: 250 });
    const t = new HttpTransport(srv.url);
    const bytes = new TextEncoder().encode('a chunk no ref will ever reach');
    const cid = cidOf(bytes);
    await t.putMany([{ cid, bytes }]);
    const started = Date.now();
    await server.gc();
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    // The session expired without a ref update: the orphan was swept.
    expect(await storeOf(server).hasMany([cid])).toEqual([false]);
    await srv.close();
    await server.close();
  });

  it('a session the client ends releases collection at once', async () => {
    const server = await seeded(dirs.make(), 10, 'hub');
    const srv = await server.serve({ sessionIdleMs: 60_000 });
    const t = new HttpTransport(srv.url);
    const bytes = new TextEncoder().encode('another orphan');
    await t.putMany([{ cid: cidOf(bytes), bytes }]);
    await t.close();
    const r = await Promise.race([server.gc().then(() => 'collected'), delay(5_000).then(() => 'stuck')]);
    expect(r).toBe('collected');
    await srv.close();
    await server.close();
  });

  it('while a collection runs, /has counts a stored chunk only once it was written again', async () => {
    const server = await seeded(dirs.make(), 10, 'hub');
    const srv = await server.serve();
    const store = storeOf(server);
    const bytes = new TextEncoder().encode('stored before the collection');
    const cid = cidOf(bytes);
    await store.putMany([{ cid, bytes }]);
    const t = new HttpTransport(srv.url);
    expect(await t.hasMany([cid])).toEqual([true]);
    await t.close();
    const barrier = WriteBarrier.install(store);
    barrier.begin();
    try {
      const t2 = new HttpTransport(srv.url);
      expect(await t2.hasMany([cid])).toEqual([false]);
      await t2.putMany([{ cid, bytes }]);
      expect(await t2.hasMany([cid])).toEqual([true]);
      await t2.close();
    } finally {
      barrier.end();
    }
    await srv.close();
    await server.close();
  });

  it('refuses sessions beyond the limit with BUSY, and read-only servers open none', async () => {
    const server = await seeded(dirs.make(), 10, 'hub');
    const srv = await server.serve({ maxSessions: 1 });
    const a = new HttpTransport(srv.url);
    const b = new HttpTransport(srv.url);
    const bytes = new TextEncoder().encode('x');
    await a.putMany([{ cid: cidOf(bytes), bytes }]);
    await expect(b.hasMany([cidOf(bytes)])).rejects.toThrow(/BUSY|too many push sessions/);
    await a.close();
    expect(await b.hasMany([cidOf(bytes)])).toEqual([true]);
    await b.close();
    await srv.close();

    const ro = await server.serve({ readOnly: true, maxSessions: 1 });
    const c = new HttpTransport(ro.url);
    const d = new HttpTransport(ro.url);
    expect(await c.hasMany([cidOf(bytes)])).toEqual([true]);
    expect(await d.hasMany([cidOf(bytes)])).toEqual([true]);
    const r = await Promise.race([server.gc().then(() => 'collected'), delay(5_000).then(() => 'stuck')]);
    expect(r).toBe('collected');
    await ro.close();
    await server.close();
  });
});
