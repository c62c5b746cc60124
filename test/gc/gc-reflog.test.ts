/**
 * GC and history reachable only through the ref log (the old head after `db.reset`): kept by
 * default and when the policy keeps it (AS OF reads it), pruned with VERSION_PRUNED otherwise;
 * history / log / diff after pruning.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { open, type Database } from '../../src/index.js';

const base = mkdtempSync(join(tmpdir(), 'hdb-gc-reflog-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(base, `db${n++}`);

const ids = async (db: Database, asOf?: string): Promise<number[]> =>
  (await db.query<{ id: number }>(`SELECT id FROM t${asOf ? ` AS OF '${asOf}'` : ''} ORDER BY id`)).map((r) => r.id);

/** main: create t, insert 1..k (one commit each, 200 rows of payload each so trees have depth). */
async function commits(k: number): Promise<Database> {
  const db = await open(fresh());
  await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)');
  for (let id = 1; id <= k; id++) await db.run(`INSERT INTO t VALUES (${id}, '${'v'.repeat(3000)}${id}')`);
  return db;
}

describe('commits reachable only through the ref log', () => {
  it('the default policy (keep everything) keeps the old head after a reset, and its ancestors', async () => {
    const db = await commits(3);
    const log = await db.log();
    await db.reset('main~2');
    const r = await db.gc();
    expect(r.missing).toBe(0);
    db.vc.ns.clearCache();
    expect(await ids(db, log[0]!.id)).toEqual([1, 2, 3]);
    expect(await ids(db, log[1]!.id)).toEqual([1, 2]);
    expect(await ids(db)).toEqual([1]);
    expect((await db.fsck()).ok).toBe(true);
    await db.close();
  });

  it('a policy that keeps the old head (through the ref log) keeps its data', async () => {
    for (const policy of [{ maxSnapshots: 3 }, { minRetentionSeconds: 3600 }]) {
      const db = await commits(3);
      const log = await db.log();
      await db.reset('main~2');
      await db.retentionPolicy.set(policy);
      const r = await db.gc();
      expect(r.missing).toBe(0);
      db.vc.ns.clearCache();
      // the ref log's newest entries: reset → c1, commit c3, commit c2 — all kept
      expect(await ids(db, log[0]!.id)).toEqual([1, 2, 3]);
      expect(await ids(db, log[1]!.id)).toEqual([1, 2]);
      expect((await db.fsck()).ok).toBe(true);
      // a second run changes nothing
      const r2 = await db.gc();
      expect(r2.commitsPruned).toBe(0);
      db.vc.ns.clearCache();
      expect(await ids(db, log[0]!.id)).toEqual([1, 2, 3]);
      await db.close();
    }
  });

  it('outside the policy the old head is pruned: AS OF it fails with VERSION_PRUNED, its metadata stays', async () => {
    const db = await commits(4);
    const log = await db.log();
    await db.reset('main~3');
    await db.retentionPolicy.set({ maxSnapshots: 2 });
    const r = await db.gc();
    expect(r.missing).toBe(0);
    expect(r.chunksSwept).toBeGreaterThan(0);
    db.vc.ns.clearCache();
    // ref log newest first: reset → c1, commit c4: both kept; c3 and c2 only the ref log reaches
    expect(await ids(db, log[0]!.id)).toEqual([1, 2, 3, 4]);
    for (const old of [log[1]!, log[2]!]) {
      await expect(db.query(`SELECT id FROM t AS OF '${old.id}'`)).rejects.toMatchObject({ code: 'VERSION_PRUNED' });
    }
    // the pruned commits' metadata stays: reset back to the kept old head shows them marked pruned
    await db.reset(log[0]!.id);
    const after = await db.log();
    expect(after.slice(0, 4).map((c) => c.id)).toEqual(log.slice(0, 4).map((c) => c.id));
    expect(after.slice(0, 4).map((c) => c.pruned)).toEqual([false, true, true, false]);
    expect((await db.fsck()).ok).toBe(true);
    await db.close();
  });
});

describe('a policy widened after pruning', () => {
  it('does not try to keep versions already pruned (the sweep still runs)', async () => {
    const db = await commits(6);
    const log = await db.log();
    await db.retentionPolicy.set({ maxSnapshots: 1 });
    expect((await db.gc()).commitsPruned).toBeGreaterThan(0);
    await db.run(`INSERT INTO t VALUES (100, 'x')`);
    await db.retentionPolicy.set({ maxSnapshots: 5 });
    const r = await db.gc();
    expect(r.missing).toBe(0);
    expect(r.commitsPruned).toBe(0);
    db.vc.ns.clearCache();
    expect(await ids(db, log[0]!.id)).toEqual([1, 2, 3, 4, 5, 6]);
    await expect(db.query(`SELECT id FROM t AS OF '${log[1]!.id}'`)).rejects.toMatchObject({ code: 'VERSION_PRUNED' });
    // dropping the branch's new data makes garbage the sweep must reach
    await db.reset(log[0]!.id);
    await db.retentionPolicy.set({ maxSnapshots: 1 });
    const r2 = await db.gc();
    expect(r2.missing).toBe(0);
    expect(r2.chunksSwept).toBeGreaterThan(0);
    expect((await db.fsck()).ok).toBe(true);
    await db.close();
  });
});

describe('history, log and diff after pruning', () => {
  it('heliosdb_history / db.history return the kept versions; log marks pruned; diff to a pruned version is VERSION_PRUNED', async () => {
    const db = await open(fresh());
    await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER)');
    for (let i = 1; i <= 6; i++) await db.run(`INSERT INTO t VALUES (${i}, ${i * 10})`);
    const log = await db.log();
    await db.retentionPolicy.set({ maxSnapshots: 3 });
    await db.gc();
    db.vc.ns.clearCache();
    // kept: inserts 6, 5, 4. The change of a version is shown when its parent is kept too.
    const rows = await db.query<{ commit_id: string; change: string; id: number }>(`SELECT commit_id, change, id FROM heliosdb_history('t')`);
    expect(rows).toEqual([
      { commit_id: log[0]!.id, change: 'added', id: 6 },
      { commit_id: log[1]!.id, change: 'added', id: 5 },
    ]);
    const h = await db.history('t');
    expect(h.map((x) => [x.commit, x.change, x.row.id])).toEqual([
      [log[0]!.id, 'added', 6],
      [log[1]!.id, 'added', 5],
    ]);
    const lg = await db.query<{ commit_id: string; pruned: number }>('SELECT commit_id, pruned FROM heliosdb_log');
    expect(lg.map((x) => x.commit_id)).toEqual(log.map((c) => c.id));
    expect(lg.map((x) => x.pruned)).toEqual(log.map((_, i) => (i >= 3 ? 1 : 0)));
    const d = await db.query<{ diff_type: string; to_id: number }>(`SELECT diff_type, to_id FROM heliosdb_diff('t', '${log[2]!.id}', '${log[0]!.id}')`);
    expect(d.map((x) => x.to_id).sort()).toEqual([5, 6]);
    await expect(db.query(`SELECT * FROM heliosdb_diff('t', '${log[4]!.id}', '${log[0]!.id}')`)).rejects.toMatchObject({ code: 'VERSION_PRUNED' });
    await expect(db.diff('t', log[4]!.id, log[0]!.id)).rejects.toMatchObject({ code: 'VERSION_PRUNED' });
    // history from a pruned version itself
    await expect(db.query(`SELECT * FROM heliosdb_history('t', '${log[4]!.id}')`)).rejects.toMatchObject({ code: 'VERSION_PRUNED' });
    await db.close();
  });
});
