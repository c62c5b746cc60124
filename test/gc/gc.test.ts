/**
 * Retention and GC through the public API: policies (database and branch), pruning with
 * commit metadata kept and marked pruned, VERSION_PRUNED on AS OF a pruned version, pins
 * (tags, branch heads, open transactions, pinned sessions), dry runs, sweeping dropped
 * branches, CALL heliosdb_gc(), fsck (clean and with a deleted/corrupted chunk), persistence
 * of the policy across reopen, and GC running while writers and readers work.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCid } from '../../src/hash/index.js';
import { open, type Database } from '../../src/index.js';

const base = mkdtempSync(join(tmpdir(), 'hdb-gc-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(base, `db${n++}`);

async function seed(db: Database, rows = 2000, rounds = 8): Promise<Map<string, number>> {
  await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  await db.transaction(async () => {
    for (let i = 0; i < rows; i++) await db.run('INSERT INTO t VALUES (?, ?)', [i, `v${i}-${'x'.repeat(40)}`]);
  })();
  const sums = new Map<string, number>();
  for (let r = 0; r < rounds; r++) {
    await db.transaction(async () => {
      for (let i = 0; i < 50; i++) await db.run('UPDATE t SET v = ? WHERE id = ?', [`r${r}-${i}-${'y'.repeat(40)}`, (i * 37 + r * 11) % rows]);
    })();
  }
  for (const c of await db.log()) {
    const row = await db.get<{ s: number }>(`SELECT sum(length(v)) AS s FROM t AS OF '${c.id}'`).catch(() => undefined);
    if (row) sums.set(c.id, row.s);
  }
  return sums;
}

describe('retention and pruning', () => {
  it('keeps everything by default and a dry run changes nothing', async () => {
    const db = await open(fresh());
    await seed(db, 500, 3);
    const before = await db.log();
    const dry = await db.gc({ dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.commitsPruned).toBe(0);
    const r = await db.gc();
    expect(r.commitsPruned).toBe(0);
    expect((await db.log()).every((c) => c.pruned === false)).toBe(true);
    const withTable = before.slice(0, -2);
    for (const c of withTable) await db.query(`SELECT count(*) FROM t AS OF '${c.id}'`);
    await db.retentionPolicy.set({ maxSnapshots: 1 });
    const dry2 = await db.gc({ dryRun: true });
    expect(dry2.commitsPruned).toBeGreaterThan(0);
    expect(dry2.chunksSwept).toBeGreaterThan(0);
    expect((await db.log()).every((c) => c.pruned === false)).toBe(true);
    for (const c of withTable) await db.query(`SELECT count(*) FROM t AS OF '${c.id}'`);
    await db.close();
  });

  it('prunes outside max_snapshots, keeps metadata, sweeps data, fails AS OF with VERSION_PRUNED', async () => {
    const db = await open(fresh());
    const sums = await seed(db);
    const log = await db.log();
    await db.retentionPolicy.set({ maxSnapshots: 3 });
    const r = await db.gc();
    expect(r.commitsPruned).toBe(log.length - 3);
    expect(r.chunksSwept).toBeGreaterThan(0);
    expect(r.bytesSwept).toBeGreaterThan(0);
    expect(r.sizeBefore).toBeGreaterThan(0);
    const after = await db.log();
    expect(after.map((c) => c.id)).toEqual(log.map((c) => c.id));
    expect(after.map((c) => c.message)).toEqual(log.map((c) => c.message));
    expect(after.map((c) => c.pruned)).toEqual(log.map((_, i) => i >= 3));
    for (const c of after.slice(0, 3)) {
      const row = await db.get<{ s: number }>(`SELECT sum(length(v)) AS s FROM t AS OF '${c.id}'`);
      expect(row!.s).toBe(sums.get(c.id));
    }
    const old = after[5]!;
    const err = await db.query(`SELECT * FROM t AS OF '${old.id}'`).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('VERSION_PRUNED');
    expect(String((err as Error).message)).toContain('max_snapshots=3');
    expect(String((err as Error).message)).toContain(after[2]!.id);
    const txErr = await db.query(`SELECT * FROM t AS OF TRANSACTION ${old.transaction}`).catch((e: unknown) => e);
    expect((txErr as { code?: string }).code).toBe('VERSION_PRUNED');
    const rows = await db.query<{ pruned: number }>('SELECT pruned FROM heliosdb_log');
    expect(rows.map((x) => x.pruned)).toEqual(log.map((_, i) => (i >= 3 ? 1 : 0)));
    // a branch or tag cannot be created on a pruned version
    expect(((await db.exec(`CREATE BRANCH b FROM '${old.id}'`).catch((e: unknown) => e)) as { code?: string }).code).toBe('VERSION_PRUNED');
    expect(((await db.exec(`CREATE TAG tg AS OF '${old.id}'`).catch((e: unknown) => e)) as { code?: string }).code).toBe('VERSION_PRUNED');
    const f = await db.fsck();
    expect(f.ok).toBe(true);
    expect(f.problems).toEqual([]);
    // a second run has nothing more to do
    const r2 = await db.gc();
    expect(r2.commitsPruned).toBe(0);
    expect(r2.chunksSwept).toBe(0);
    await db.close();
  });

  it('min_retention_seconds keeps young versions; the policy persists across reopen', async () => {
    const dir = fresh();
    let clock = 1_700_000_000_000;
    const db = await open(dir, { now: () => (clock += 1000) });
    await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)');
    for (let i = 0; i < 10; i++) await db.run('INSERT INTO t VALUES (?, ?)', [i, i]);
    await db.retentionPolicy.set({ minRetentionSeconds: 3600 });
    await db.close();
    const db2 = await open(dir, { now: () => (clock += 1000) });
    expect(db2.retentionPolicy.get()).toEqual({ minRetentionSeconds: 3600 });
    // commits were stamped in 2023: all older than an hour, so only the head survives
    const r = await db2.gc();
    const log = await db2.log();
    expect(r.commitsPruned).toBe(log.length - 1);
    expect(log[0]!.pruned).toBe(false);
    expect(log.slice(1).every((c) => c.pruned)).toBe(true);
    expect(await db2.get('SELECT count(*) AS n FROM t')).toEqual({ n: 10 });
    await db2.close();
  });

  it('open() retention options are stored; a branch override wins over the database policy', async () => {
    const dir = fresh();
    const db = await open(dir, { retention: { maxSnapshots: 2, autoGc: false } });
    expect(db.retentionPolicy.get()).toEqual({ maxSnapshots: 2, autoGcEnabled: false });
    await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)');
    await db.branches.create('keep');
    const s = await db.session({ branch: 'keep' });
    for (let i = 0; i < 6; i++) {
      await db.run('INSERT INTO t VALUES (?, ?)', [i, i]);
      await s.run('INSERT INTO t VALUES (?, ?)', [i, i]);
    }
    await db.retentionPolicy.set({ maxSnapshots: 100 }, { branch: 'keep' });
    expect(db.retentionPolicy.get('keep')).toEqual({ maxSnapshots: 100, autoGcEnabled: false });
    await db.gc();
    const main = await db.log('main');
    const keep = await db.log('keep');
    const keepIds = new Set(keep.map((c) => c.id));
    expect(main.filter((c) => !c.pruned && !keepIds.has(c.id)).length).toBe(2);
    expect(main.filter((c) => c.pruned).length).toBeGreaterThan(0);
    expect(keep.every((c) => !c.pruned)).toBe(true);
    for (const c of keep.slice(0, -1)) await s.query(`SELECT count(*) FROM t AS OF '${c.id}'`);
    await s.close();
    await db.close();
  });

  it('tags and branch heads pin their snapshots; dropped branches are swept', async () => {
    const db = await open(fresh());
    await seed(db, 800, 4);
    const log = await db.log();
    await db.exec(`CREATE TAG old AS OF '${log[3]!.id}'`);
    const want = await db.query(`SELECT * FROM t AS OF 'old' ORDER BY id`);
    await db.exec('CREATE BRANCH side');
    const side = await db.session({ branch: 'side' });
    await side.transaction(async () => {
      for (let i = 0; i < 300; i++) await side.run('UPDATE t SET v = ? WHERE id = ?', [`side-${i}-${'z'.repeat(60)}`, i]);
    })();
    await side.close();
    await db.retentionPolicy.set({ maxSnapshots: 1 });
    await db.gc();
    expect(await db.query(`SELECT * FROM t AS OF 'old' ORDER BY id`)).toEqual(want);
    expect((await db.log()).find((c) => c.id === log[3]!.id)!.pruned).toBe(false);
    expect(await db.get(`SELECT count(*) AS n FROM t AS OF 'side' WHERE v LIKE 'side-%'`)).toEqual({ n: 300 });
    await db.exec('DROP BRANCH side');
    const r = await db.gc();
    expect(r.chunksSwept).toBeGreaterThan(0);
    expect((await db.fsck()).ok).toBe(true);
    await db.close();
  });

  it('CALL heliosdb_gc() returns one row of figures', async () => {
    const db = await open(fresh());
    await seed(db, 300, 3);
    await db.retentionPolicy.set({ maxSnapshots: 1 });
    const dry = await db.query<Record<string, unknown>>(`CALL heliosdb_gc('dry-run')`);
    expect(dry[0]!.dry_run).toBe(1);
    expect(Number(dry[0]!.commits_pruned)).toBeGreaterThan(0);
    const rows = await db.query<Record<string, unknown>>('CALL heliosdb_gc()');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.dry_run).toBe(0);
    expect(rows[0]!.commits_pruned).toBe(dry[0]!.commits_pruned);
    expect(Number(rows[0]!.size_after)).toBeGreaterThan(0);
    await db.close();
  });
});

describe('GC safety', () => {
  it('keeps the snapshot of an open transaction and of a pinned session', async () => {
    const db = await open(fresh());
    await seed(db, 600, 2);
    const reader = await db.session();
    await reader.exec('BEGIN');
    const want = await reader.query('SELECT * FROM t ORDER BY id');
    const pinnedAt = (await db.log())[0]!.id;
    const pinned = await db.session({ asOf: pinnedAt });
    const pinnedWant = await pinned.query('SELECT * FROM t ORDER BY id');
    for (let r = 0; r < 4; r++) {
      await db.transaction(async () => {
        for (let i = 0; i < 600; i += 3) await db.run('UPDATE t SET v = ? WHERE id = ?', [`new${r}-${i}`, i]);
      })();
    }
    await db.retentionPolicy.set({ maxSnapshots: 1 });
    const rep = await db.gc();
    expect(rep.commitsPruned).toBeGreaterThan(0);
    db.vc.ns.clearCache();
    expect(await reader.query('SELECT * FROM t ORDER BY id')).toEqual(want);
    expect(await pinned.query('SELECT * FROM t ORDER BY id')).toEqual(pinnedWant);
    await reader.exec('COMMIT');
    await reader.close();
    await pinned.close();
    expect((await db.fsck()).ok).toBe(true);
    await db.close();
  });

  it('runs while writers and readers work; every committed version kept stays readable', async () => {
    const db = await open(fresh());
    await seed(db, 1500, 2);
    await db.retentionPolicy.set({ maxSnapshots: 5 });
    const writer = await db.session();
    const reader = await db.session();
    let stop = false;
    let writes = 0;
    let reads = 0;
    const w = (async () => {
      let i = 0;
      while (!stop) {
        await writer.run('UPDATE t SET v = ? WHERE id = ?', [`w${i}-${'q'.repeat(30)}`, (i * 7) % 1500]);
        if (i % 5 === 0) await writer.run('INSERT INTO t VALUES (?, ?)', [100_000 + i, `ins${i}`]);
        i++;
        writes++;
      }
    })();
    const rd = (async () => {
      while (!stop) {
        const row = await reader.get<{ n: number }>('SELECT count(*) AS n FROM t');
        expect(row!.n).toBeGreaterThanOrEqual(1500);
        reads++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let k = 0; k < 4; k++) {
      const r = await db.gc();
      expect(r.missing).toBe(0);
    }
    stop = true;
    await Promise.all([w, rd]);
    expect(writes).toBeGreaterThan(0);
    expect(reads).toBeGreaterThan(0);
    await db.gc();
    db.vc.ns.clearCache();
    const f = await db.fsck();
    expect(f.problems).toEqual([]);
    for (const c of (await db.log()).filter((x) => !x.pruned)) await db.query(`SELECT sum(length(v)) FROM t AS OF '${c.id}'`);
    await writer.close();
    await reader.close();
    await db.close();
  });
});

describe('fsck', () => {
  it('reports missing and corrupt chunks with the refs that reach them', async () => {
    const db = await open();
    await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    await db.transaction(async () => {
      for (let i = 0; i < 3000; i++) await db.run('INSERT INTO t VALUES (?, ?)', [i, `value-${i}`]);
    })();
    await db.exec(`CREATE TAG v1`);
    const clean = await db.fsck();
    expect(clean.ok).toBe(true);
    expect(clean.checked).toBeGreaterThan(10);
    // find a leaf: walk the rows tree from the head's table
    const vc = db.vc;
    const root = vc.rootOf(vc.refs.requireBranch('main').head);
    const { rootObject } = await import('../../src/sql/index.js');
    const { decodeTableObject } = await import('../../src/objects/index.js');
    const table = decodeTableObject(vc.ns.getBytes(rootObject(vc.ns, root).tables.t!));
    const top = vc.ns.getNode(table.rows);
    expect(top.level).toBeGreaterThan(0);
    const victim = top.childCid(0);
    const other = top.childCid(1);
    const chunks = vc.ns.store;
    await chunks.deleteMany([victim]);
    const bytes = chunks.getSync(other)!;
    const bad = new Uint8Array(bytes);
    bad[bad.length - 1] ^= 0xff;
    await chunks.put(other, bad);
    const rep = await db.fsck();
    expect(rep.ok).toBe(false);
    const byCid = new Map(rep.problems.map((p) => [p.cid, p]));
    expect(byCid.get(victim.toString())?.kind).toBe('missing');
    expect(byCid.get(other.toString())?.kind).toBe('corrupt');
    expect(byCid.get(victim.toString())?.refs).toEqual(expect.arrayContaining(['main', 'tag v1']));
    expect(parseCid(rep.problems[0]!.cid).toString()).toBe(rep.problems[0]!.cid);
    // GC refuses to sweep when marking finds a chunk missing (here: the table object)
    await chunks.deleteMany([rootObject(vc.ns, root).tables.t!]);
    await db.retentionPolicy.set({ maxSnapshots: 1 });
    const g = await db.gc();
    expect(g.missing).toBeGreaterThan(0);
    expect(g.chunksSwept).toBe(0);
    await db.close();
  });
});

describe('automatic GC', () => {
  it('starts in the background once the store has grown, when enabled', async () => {
    const { gcOf } = await import('../../src/api/gc-api.js');
    const db = await open(fresh(), { retention: { maxSnapshots: 2, autoGc: true } });
    const api = gcOf(db.vc);
    api.autoGcThresholdBytes = 200_000;
    await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    for (let r = 0; r < 40 && api.lastReport === undefined; r++) {
      await db.transaction(async () => {
        for (let i = 0; i < 100; i++) await db.run('INSERT OR REPLACE INTO t VALUES (?, ?)', [i + r * 37, `r${r}-${'a'.repeat(200)}`]);
      })();
      await new Promise((res) => setTimeout(res, 5));
    }
    for (let i = 0; i < 200 && api.lastReport === undefined; i++) await new Promise((res) => setTimeout(res, 20));
    expect(api.lastReport).toBeDefined();
    expect(api.lastAutoGcError).toBeUndefined();
    expect((await db.log()).some((c) => c.pruned)).toBe(true);
    await db.close();
  });

  it('does not run when disabled', async () => {
    const { gcOf } = await import('../../src/api/gc-api.js');
    const db = await open(fresh(), { retention: { maxSnapshots: 2, autoGc: false } });
    const api = gcOf(db.vc);
    api.autoGcThresholdBytes = 10_000;
    await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    for (let r = 0; r < 10; r++) await db.run('INSERT INTO t VALUES (?, ?)', [r, 'b'.repeat(300)]);
    await new Promise((res) => setTimeout(res, 50));
    expect(api.lastReport).toBeUndefined();
    expect((await db.log()).every((c) => !c.pruned)).toBe(true);
    await db.close();
  });
});
