/**
 * GC against sync transfers: a fetch writes chunks before any ref reaches them; a collection
 * started in the middle of the fetch must not sweep them (it waits for the fetch), and a fetch
 * started during a collection does not skip stored chunks that collection is about to sweep.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { open, type Database } from '../../src/index.js';
import type { GcReport } from '../../src/api/gc-api.js';

const base = mkdtempSync(join(tmpdir(), 'hdb-gc-sync-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(base, `db${n++}`);
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function source(): Promise<string> {
  const dir = fresh();
  const db = await open(dir);
  await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  await db.transaction(async () => {
    for (let i = 0; i < 3000; i++) await db.run('INSERT INTO t VALUES (?, ?)', [i, `row-${i}-${'s'.repeat(50)}`]);
  })();
  await db.close();
  return dir;
}

type PutMany = (chunks: Iterable<{ cid: unknown; bytes: Uint8Array }>, o?: { sync?: boolean }) => Promise<void>;

describe('GC during a fetch', () => {
  it('a collection started after the fetch wrote its first chunks does not sweep them', async () => {
    const src = await source();
    const db: Database = await open(fresh());
    await db.remotes.add('origin', src);
    await db.retentionPolicy.set({ maxSnapshots: 1 });
    const store = db.vc.ns.store as unknown as { putMany: PutMany; gcBarrier?: unknown };
    expect(store.gcBarrier).toBeDefined();
    const inner = store.putMany;
    let gc: Promise<GcReport> | undefined;
    let writes = 0;
    store.putMany = async (chunks, o) => {
      await inner(chunks, o);
      if (++writes === 1 && gc === undefined) {
        // Start a collection now and give it time to finish (it must wait for the fetch instead).
        gc = db.gc();
        await Promise.race([gc, delay(300)]);
      }
    };
    const f = await db.fetch('origin', undefined, { batchChunks: 16 });
    store.putMany = inner;
    expect(f.chunks).toBeGreaterThan(16);
    expect(gc).toBeDefined();
    const r = await gc!;
    expect(r.missing).toBe(0);
    db.vc.ns.clearCache();
    expect(await db.get(`SELECT count(*) AS n FROM t AS OF 'origin/main'`)).toEqual({ n: 3000 });
    expect((await db.fsck()).problems).toEqual([]);
    await db.close();
  });

  it('a fetch during a collection does not trust chunks the collection is about to sweep', async () => {
    const src = await source();
    const db: Database = await open(fresh());
    await db.remotes.add('origin', src);
    const first = await db.fetch('origin');
    // The fetched chunks become garbage (no ref reaches them), but stay stored until a GC.
    await db.remotes.remove('origin');
    await db.remotes.add('origin', src);
    const store = db.vc.ns.store as unknown as { getMany: (c: unknown[]) => Promise<unknown[]> };
    const inner = store.getMany.bind(store);
    let open_!: () => void;
    const gate = new Promise<void>((r) => (open_ = r));
    let sweeping = false;
    // The sweep reads each batch (getMany) before deleting it: hold it until the fetch is done.
    store.getMany = async (c) => {
      sweeping = true;
      await gate;
      return inner(c);
    };
    const gc = db.gc();
    for (let i = 0; i < 500 && !sweeping; i++) await delay(5);
    expect(sweeping).toBe(true);
    const f = await db.fetch('origin');
    // everything is sent again: the stored copies were about to be swept
    expect(f.chunks).toBeGreaterThanOrEqual(first.chunks);
    open_();
    const r = await gc;
    store.getMany = inner;
    expect(r.missing).toBe(0);
    db.vc.ns.clearCache();
    expect(await db.get(`SELECT count(*) AS n FROM t AS OF 'origin/main'`)).toEqual({ n: 3000 });
    expect((await db.fsck()).problems).toEqual([]);
    await db.close();
  });
});
